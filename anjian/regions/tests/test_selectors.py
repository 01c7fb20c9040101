"""Reads of the region tree for forms and maps, each limited to the user's scope."""

import pytest

from anjian.regions import selectors
from anjian.regions.models import Department, Region
from testsupport import world


def codes(queryset) -> set[str]:
    return set(queryset.values_list("code", flat=True))


def yangpu_streets() -> set[str]:
    return codes(Region.objects.filter(parent_id=world.YANGPU))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("district_official", "yangpu"),
        ("street_officer", {world.YINHANG}),
        ("grid_member", {world.YINHANG}),  # a grid's street, for the form's street field
        ("neighbour_official", "hongkou"),
        ("expert", set()),
        ("enterprise_manager", set()),
    ],
)
def test_streets_for_a_user_are_the_streets_in_scope(name, expected, db):
    if expected == "yangpu":
        expected = yangpu_streets()
    elif expected == "hongkou":
        expected = codes(Region.objects.filter(parent_id=world.HONGKOU))
    assert codes(selectors.streets_for(world.actor(name))) == expected


def test_the_administrator_gets_every_street_of_the_deployment(admin):
    streets = codes(selectors.streets_for(admin))
    assert yangpu_streets() <= streets
    assert all(code.startswith("31") and len(code) == 9 for code in streets)


def test_retired_streets_are_not_offered(district_official):
    Region.objects.filter(code=world.PINGLIANG).update(is_active=False)
    assert world.PINGLIANG not in codes(selectors.streets_for(district_official))


def test_grids_for_a_street(district_official, grid_member):
    assert codes(selectors.grids_for(district_official, world.YINHANG)) == {world.YINHANG + "W001"}
    assert codes(selectors.grids_for(district_official, "")) == set()
    assert codes(selectors.grids_for(district_official, world.PINGLIANG)) == set()
    assert codes(selectors.grids_for(grid_member, world.YINHANG)) == {world.YINHANG + "W001"}


def test_a_grid_member_is_offered_their_own_grid_only(grid_member, admin):
    from anjian.regions.services import region_add_child

    region_add_child(
        parent=Region.objects.get(code=world.YINHANG), name="第2网格", level=6, by=admin
    )
    assert codes(selectors.grids_for(grid_member, world.YINHANG)) == {world.YINHANG + "W001"}
    assert len(codes(selectors.grids_for(admin, world.YINHANG))) == 2


def test_industries_for_a_department_user_are_its_industries(housing_official, leader):
    assert set(selectors.industries_for(housing_official).values_list("code", flat=True)) == {
        "construction",
        "gas",
        "municipal_facilities",
        "buildings",
    }
    assert selectors.industries_for(leader).count() == 25


def test_departments_for_include_those_above_and_inside_the_scope(
    street_officer, neighbour_official
):
    Department.objects.create(region_id="31", name="上海市应急管理局", short_name="市应急局")
    names = set(selectors.departments_for(street_officer).values_list("name", flat=True))
    assert {"上海市应急管理局", "杨浦区应急管理局", "杨浦区建设和管理委员会"} <= names
    assert not any(name.startswith("虹口区") for name in names)
    neighbour = set(selectors.departments_for(neighbour_official).values_list("name", flat=True))
    assert "杨浦区应急管理局" not in neighbour


def test_departments_managed_by_exclude_those_above_the_scope(db):
    Department.objects.create(region_id="31", name="上海市应急管理局", short_name="市应急局")
    user = world.actor("district_official")
    names = set(selectors.departments_managed_by(user).values_list("name", flat=True))
    assert "杨浦区应急管理局" in names
    assert "上海市应急管理局" not in names
    assert selectors.departments_managed_by(world.actor("expert")).count() == 0
    assert "上海市应急管理局" in set(
        selectors.departments_managed_by(world.actor("admin")).values_list("name", flat=True)
    )


def test_districts_in_scope_for_the_map(street_officer, admin, expert):
    assert codes(selectors.districts_in(street_officer)) == {world.YANGPU}
    assert len(codes(selectors.districts_in(admin))) == 16
    assert codes(selectors.districts_in(expert)) == set()


def test_the_deployment_bounds_surround_shanghai(db):
    selectors.deployment_bounds.cache_clear()
    try:
        bounds = selectors.deployment_bounds()
    finally:
        selectors.deployment_bounds.cache_clear()
    assert bounds.name == "上海市"
    assert bounds.contains(31.32, 121.53)  # 殷行
    assert bounds.contains(31.23, 121.47)  # 人民广场
    assert not bounds.contains(39.9, 116.4)  # 北京
