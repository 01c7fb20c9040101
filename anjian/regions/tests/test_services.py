"""Writes to the region tree and departments: codes assigned, names checked, scope enforced."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from anjian.core.exceptions import OutOfScope
from anjian.regions import services
from anjian.regions.choices import RegionLevel, RegionSource
from anjian.regions.defaults import DEPARTMENTS, INDUSTRIES
from anjian.regions.models import Department, Industry, Region
from testsupport import world

GRID, COMMUNITY = RegionLevel.GRID, RegionLevel.COMMUNITY


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def add(parent: str, name: str, level: int, by) -> Region:
    return services.region_add_child(parent=region(parent), name=name, level=level, by=by)


def messages_of(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict


# --- region_add_child: codes -------------------------------------------------------------------


def test_a_community_gets_the_street_code_and_three_digits(street_officer):
    community = add(world.YINHANG, "殷行一村", COMMUNITY, street_officer)
    assert community.code == world.YINHANG + "001"
    assert community.level == COMMUNITY
    assert community.parent_id == world.YINHANG
    assert community.source == RegionSource.LOCAL
    assert community.full_name == "上海市杨浦区殷行街道殷行一村"
    assert add(world.YINHANG, "殷行二村", COMMUNITY, street_officer).code == world.YINHANG + "002"


def test_a_grid_gets_the_parent_code_w_and_three_digits(street_officer):
    # The world already has 殷行街道第1网格 (W001).
    assert add(world.YINHANG, "第2网格", GRID, street_officer).code == world.YINHANG + "W002"
    assert add(world.YINHANG, "第3网格", GRID, street_officer).code == world.YINHANG + "W003"


def test_a_grid_under_a_community_extends_the_community_code(street_officer):
    community = add(world.YINHANG, "殷行一村", COMMUNITY, street_officer)
    grid = add(community.code, "第1网格", GRID, street_officer)
    assert grid.code == community.code + "W001"
    assert grid.ancestor(RegionLevel.STREET).code == world.YINHANG


def test_grid_and_community_numbers_are_counted_separately(district_official):
    add(world.PINGLIANG, "第1网格", GRID, district_official)
    community = add(world.PINGLIANG, "平凉一村", COMMUNITY, district_official)
    assert community.code == world.PINGLIANG + "001"


def test_numbering_continues_after_the_highest_code_not_the_count(district_official):
    Region.objects.create(
        code=world.PINGLIANG + "W007", name="第7网格", level=GRID, parent=region(world.PINGLIANG)
    )
    assert add(world.PINGLIANG, "新网格", GRID, district_official).code == world.PINGLIANG + "W008"


def test_numbering_stops_at_999_with_a_chinese_message(district_official):
    parent = region(world.PINGLIANG)
    Region.objects.bulk_create(
        [
            Region(code=f"{parent.code}W{n:03d}", name=f"第{n}网格", level=GRID, parent=parent)
            for n in range(1, 1000)
        ]
    )
    with pytest.raises(ValidationError) as caught:
        add(world.PINGLIANG, "第1000网格", GRID, district_official)
    assert caught.value.messages == ["该上级区划下的编号已用尽（最多 999 个）"]


def test_a_label_point_is_kept(street_officer):
    grid = services.region_add_child(
        parent=region(world.YINHANG),
        name="第2网格",
        level=GRID,
        by=street_officer,
        latitude=Decimal("31.321"),
        longitude=Decimal("121.532"),
    )
    grid.refresh_from_db()
    assert (grid.latitude, grid.longitude) == (Decimal("31.321000"), Decimal("121.532000"))


def test_an_impossible_label_point_is_refused(street_officer):
    with pytest.raises(ValidationError) as caught:
        services.region_add_child(
            parent=region(world.YINHANG),
            name="第2网格",
            level=GRID,
            by=street_officer,
            latitude=Decimal("91"),
            longitude=Decimal("121.5"),
        )
    assert "latitude" in messages_of(caught.value)
    assert not Region.objects.filter(name="第2网格").exists()


# --- region_add_child: refusals ----------------------------------------------------------------


def test_a_duplicate_name_under_the_same_parent_is_refused(street_officer):
    with pytest.raises(ValidationError) as caught:
        add(world.YINHANG, " 第1网格 ", GRID, street_officer)
    assert messages_of(caught.value) == {"name": ["同一上级区划下已有名为“第1网格”的区划"]}
    assert Region.objects.filter(parent_id=world.YINHANG, name="第1网格").count() == 1


def test_the_same_name_under_another_parent_is_fine(district_official):
    assert add(world.PINGLIANG, "第1网格", GRID, district_official).code == world.PINGLIANG + "W001"


@pytest.mark.parametrize(
    ("parent", "level", "parent_name"),
    [
        (world.YANGPU, COMMUNITY, "上海市杨浦区"),  # a district gets streets from the package only
        (world.YANGPU, GRID, "上海市杨浦区"),
        (world.YINHANG, RegionLevel.STREET, "上海市杨浦区殷行街道"),
        (world.YINHANG + "W001", GRID, "上海市杨浦区殷行街道第1网格"),  # nothing under a grid
        (world.YINHANG, 7, "上海市杨浦区殷行街道"),
    ],
)
def test_a_child_of_the_wrong_level_is_refused(parent, level, parent_name, district_official):
    with pytest.raises(ValidationError) as caught:
        add(parent, "新区划", level, district_official)
    assert messages_of(caught.value) == {"level": [f"{parent_name} 下不能新增该层级的区划"]}
    assert not Region.objects.filter(name="新区划").exists()


def test_a_community_cannot_hold_a_community(street_officer):
    community = add(world.YINHANG, "殷行一村", COMMUNITY, street_officer)
    with pytest.raises(ValidationError):
        add(community.code, "殷行一村一组", COMMUNITY, street_officer)


@pytest.mark.parametrize(
    ("actor", "parent"),
    [
        ("street_officer", world.PINGLIANG),  # the next street
        ("grid_member", world.YINHANG),  # the grid member's own street is above their grid
        ("neighbour_official", world.YINHANG),  # another district
        ("expert", world.YINHANG),  # no region at all
        ("enterprise_manager", world.YINHANG),
    ],
)
def test_a_parent_outside_scope_is_refused(actor, parent, db):
    with pytest.raises(OutOfScope):
        add(parent, "越界网格", GRID, world.actor(actor))
    assert not Region.objects.filter(name="越界网格").exists()


def test_the_administrator_adds_anywhere(admin):
    hongkou_street = Region.objects.filter(parent_id=world.HONGKOU).order_by("code").first()
    assert add(hongkou_street.code, "第1网格", GRID, admin).code == hongkou_street.code + "W001"


# --- region_update -----------------------------------------------------------------------------


def update(code: str, by, **changes) -> Region:
    current = region(code)
    values = {
        "name": current.name,
        "latitude": current.latitude,
        "longitude": current.longitude,
        "is_active": current.is_active,
    }
    values.update(changes)
    return services.region_update(region=current, by=by, **values)


def test_a_local_grid_can_be_renamed(street_officer):
    grid = update(world.YINHANG + "W001", street_officer, name=" 国和网格 ")
    assert grid.name == "国和网格"
    assert region(world.YINHANG + "W001").full_name == "上海市杨浦区殷行街道国和网格"


def test_renaming_a_gbt2260_region_is_refused(district_official):
    with pytest.raises(ValidationError) as caught:
        update(world.YINHANG, district_official, name="殷行新街道")
    assert messages_of(caught.value) == {"name": ["国标区划名称来自数据包，不能在此修改"]}
    assert region(world.YINHANG).name == "殷行街道"


def test_a_gbt2260_region_label_point_can_be_moved_and_it_can_be_retired(district_official):
    yinhang = update(
        world.YINHANG,
        district_official,
        latitude=Decimal("31.32"),
        longitude=Decimal("121.53"),
        is_active=False,
    )
    assert (yinhang.name, yinhang.is_active) == ("殷行街道", False)
    assert region(world.YINHANG).latitude == Decimal("31.320000")


def test_updating_a_region_outside_scope_is_refused(street_officer):
    with pytest.raises(OutOfScope):
        update(world.PINGLIANG, street_officer, is_active=False)
    assert region(world.PINGLIANG).is_active


# --- industries and departments ----------------------------------------------------------------


def test_industries_seed_creates_the_defaults_once(db):
    assert Industry.objects.count() == len(INDUSTRIES)
    assert services.industries_seed() == 0
    Industry.objects.filter(code="gas").delete()
    assert services.industries_seed() == 1
    assert Industry.objects.get(code="gas").name == "燃气"


def test_departments_seed_gives_a_district_the_default_departments(db):
    pudong = region("310115")
    departments = services.departments_seed(region=pudong)
    assert [d.name for d in departments] == [f"浦东新区{d.suffix}" for d in DEPARTMENTS]
    emergency = Department.objects.get(name="浦东新区应急管理局")
    assert emergency.is_comprehensive and emergency.short_name == "应急局"
    housing = Department.objects.get(name="浦东新区建设和管理委员会")
    assert set(housing.industries.values_list("code", flat=True)) == {
        "construction",
        "gas",
        "municipal_facilities",  # 公共区域 (ADR 14): bridges, roads, pipes
        "buildings",  # 公共区域: buildings, facades, self-built houses
    }
    assert not housing.is_comprehensive


def test_departments_seed_is_idempotent_and_keeps_edits(db):
    yangpu = region(world.YANGPU)
    housing = Department.objects.get(name="杨浦区建设和管理委员会")
    housing.industries.set(Industry.objects.filter(code="construction"))
    again = services.departments_seed(region=yangpu)
    assert len(again) == len(DEPARTMENTS)
    assert Department.objects.filter(region=yangpu).count() == len(DEPARTMENTS)
    assert set(housing.industries.values_list("code", flat=True)) == {"construction"}


def test_every_default_industry_is_supervised_by_exactly_one_default_department():
    supervised = [code for department in DEPARTMENTS for code in department.industries]
    assert sorted(supervised) == sorted(industry.code for industry in INDUSTRIES)
    assert sum(department.is_comprehensive for department in DEPARTMENTS) == 1
