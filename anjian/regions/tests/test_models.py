"""Region codes as a materialised path, and which department supervises an industry where."""

import pytest
from django.core.exceptions import ValidationError

from anjian.regions.choices import RegionLevel
from anjian.regions.models import (
    Department,
    Industry,
    Region,
    ancestor_codes,
    region_code_validator,
)
from testsupport import world


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("31", ["31"]),
        ("310110", ["310110", "3101", "31"]),
        ("310110016", ["310110016", "310110", "3101", "31"]),
        ("310110001W002", ["310110001W002", "310110001", "310110", "3101", "31"]),
        ("310110016001", ["310110016001", "310110016", "310110", "3101", "31"]),
        (
            "310110016001W002",
            ["310110016001W002", "310110016001", "310110016", "310110", "3101", "31"],
        ),
    ],
)
def test_ancestor_codes_are_read_off_the_code(code, expected):
    assert ancestor_codes(code) == expected


@pytest.mark.parametrize(
    "code",
    ["31", "3101", "310110", "310110016", "310110016001", "310110016W001", "310110016001W001"],
)
def test_valid_region_codes_pass(code):
    region_code_validator(code)


@pytest.mark.parametrize(
    "code", ["3", "311", "3101101", "310110016W1", "W001", "310110016w001", "31011001600", "abc"]
)
def test_malformed_region_codes_are_refused_in_chinese(code):
    with pytest.raises(ValidationError) as caught:
        region_code_validator(code)
    assert caught.value.messages == ["区划代码格式不正确"]


def test_a_region_knows_its_ancestors_by_level(db):
    grid = Region.objects.get(code=world.YINHANG + "W001")
    assert grid.ancestor(RegionLevel.STREET).name == "殷行街道"
    assert grid.ancestor(RegionLevel.DISTRICT).name == "杨浦区"
    assert grid.ancestor(RegionLevel.PROVINCE).name == "上海市"
    assert grid.ancestor(RegionLevel.COMMUNITY) is None  # the grid hangs off the street directly
    assert grid.ancestor_codes() == ancestor_codes(grid.code)


def test_saving_a_region_recomposes_its_full_name(db):
    grid = Region.objects.get(code=world.YINHANG + "W001")
    grid.name = "国和网格"
    grid.save()
    assert Region.objects.get(code=grid.code).full_name == "上海市杨浦区殷行街道国和网格"


def test_the_region_queryset_helpers(db):
    assert set(Region.objects.under(world.YINHANG).values_list("code", flat=True)) == {
        world.YINHANG,
        world.YINHANG + "W001",
    }
    assert Region.objects.streets().filter(parent_id=world.YANGPU).count() == 12
    Region.objects.filter(code=world.PINGLIANG).update(is_active=False)
    assert not Region.objects.active().filter(code=world.PINGLIANG).exists()


# --- Department.objects.supervising ------------------------------------------------------------


def industry(code: str) -> Industry:
    return Industry.objects.get(code=code)


def supervisor_of(industry_code: str, region_code: str) -> str | None:
    department = Department.objects.supervising(
        industry(industry_code).pk, Region.objects.get(code=region_code)
    )
    return department.name if department else None


def department(region_code: str, name: str, *industries: str, **fields) -> Department:
    created = Department.objects.create(
        region_id=region_code, name=name, short_name=name[-4:], **fields
    )
    created.industries.set(Industry.objects.filter(code__in=industries))
    return created


def test_the_district_department_supervises_its_industries_in_its_streets(db):
    assert supervisor_of("hazchem", world.YINHANG) == "杨浦区应急管理局"
    assert supervisor_of("construction", world.YINHANG) == "杨浦区建设和管理委员会"
    assert supervisor_of("construction", world.YINHANG + "W001") == "杨浦区建设和管理委员会"
    assert supervisor_of("commerce", world.HONGKOU) == "虹口区商务委员会"


def test_the_nearest_level_wins_over_the_city(db):
    department("31", "上海市应急管理局", "hazchem")
    assert supervisor_of("hazchem", world.YINHANG) == "杨浦区应急管理局"
    # 浦东 has no departments of its own: the city supervises there.
    assert supervisor_of("hazchem", "310115") == "上海市应急管理局"


def test_a_street_department_wins_in_its_street_only(db):
    department(world.YINHANG, "殷行街道安监所", "hazchem")
    assert supervisor_of("hazchem", world.YINHANG) == "殷行街道安监所"
    assert supervisor_of("hazchem", world.YINHANG + "W001") == "殷行街道安监所"
    assert supervisor_of("hazchem", world.PINGLIANG) == "杨浦区应急管理局"


def test_an_inactive_department_is_skipped(db):
    department(world.YINHANG, "殷行街道安监所", "hazchem", is_active=False)
    assert supervisor_of("hazchem", world.YINHANG) == "杨浦区应急管理局"


def test_at_the_same_level_the_lower_sort_order_wins(db):
    department(world.YANGPU, "杨浦区危化办", "hazchem", sort_order=1)
    assert supervisor_of("hazchem", world.YINHANG) == "杨浦区危化办"


def test_an_industry_nobody_supervises_has_no_department(db):
    Industry.objects.create(code="space", name="航天", group="其他")
    assert supervisor_of("space", world.YINHANG) is None


def test_a_department_elsewhere_never_supervises_here(db):
    assert supervisor_of("hazchem", world.HONGKOU) == "虹口区应急管理局"
    Department.objects.filter(region_id=world.HONGKOU).update(is_active=False)
    assert supervisor_of("hazchem", world.HONGKOU) is None
