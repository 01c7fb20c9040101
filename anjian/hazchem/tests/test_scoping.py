"""Who may see and write 危险化学品单元, their inventories and major hazard sources.

The generated page tests (``ScopedCrudTests`` for ``ChemicalUnit`` and
``MajorHazardSource``) are written in ``scoping_units.py`` and collected here, where
``core/tests/test_scoping_guard.py`` looks for them; the tests below check the services and
selectors directly.

Each of the world's four enterprises gets one unit holding 10 t of 氯 (S 2, R 16 → 三级, so
each is a major hazard source), made by the administrator. A unit and its source are seen
as their enterprise is (``world.VISIBLE``); writing needs ``chemunit.manage`` (governments,
industry departments and the enterprise itself), then the scope.
"""

import pytest

from anjian.core.exceptions import NotPermitted, OutOfScope
from anjian.hazchem import permissions as perms
from anjian.hazchem import selectors, services
from anjian.hazchem.models import ChemicalUnit, InventoryLine
from anjian.hazchem.tests import factories as make
from anjian.hazchem.tests.scoping_units import (  # noqa: F401 (collected here)
    TestChemicalUnitScoping,
    TestMajorHazardSourceScoping,
)
from testsupport import world

pytestmark = pytest.mark.django_db

WRITERS = ("district_official", "neighbour_official", "housing_official", "enterprise_manager")
NON_WRITERS = ("street_officer", "grid_member", "inspector", "leader", "expert")


@pytest.fixture
def units() -> dict[str, ChemicalUnit]:
    """One major hazard source unit per world enterprise, by the enterprise's name."""
    admin = world.actor("admin")
    made = {}
    for name in world.ENTERPRISES:
        unit = make.unit(admin, enterprise=name, name=f"{name}储罐区")
        make.add(unit, "氯", "10", by=admin)
        made[name] = make.fresh(unit)
    return made


def enterprise_names(queryset, path: str) -> set[str]:
    names = {v: k for k, v in world.ENTERPRISE_NAMES.items()}
    return {names[name] for name in queryset.values_list(path, flat=True)}


def attempts(by, unit: ChemicalUnit, line: InventoryLine) -> dict:
    """Every write of a unit and its lines, as ``by`` would try it."""
    return {
        "unit_update": lambda: services.unit_update(
            by, unit_id=unit.pk, expected_version=unit.version, data={"name": "改名"}
        ),
        "unit_retire": lambda: services.unit_retire(
            by, unit_id=unit.pk, expected_version=unit.version, reason="停用"
        ),
        "line_add": lambda: make.add(unit, "氨", "1", by=by),
        "line_update": lambda: services.line_update(
            by, line_id=line.pk, expected_version=line.version, data={"max_quantity": "1"}
        ),
        "line_remove": lambda: services.line_remove(
            by, line_id=line.pk, expected_version=line.version
        ),
    }


def snapshot() -> list:
    return [
        list(ChemicalUnit.objects.order_by("pk").values_list("pk", "version", "name", "active")),
        list(InventoryLine.objects.order_by("pk").values_list("pk", "version", "max_quantity")),
    ]


def test_the_world_units_are_all_major_hazard_sources(units):
    for unit in units.values():
        assert unit.is_major and make.source_of(unit).grade == "3"


@pytest.mark.parametrize("actor", world.ACTORS)
def test_every_actor_sees_exactly_the_units_lines_and_sources_of_its_scope(units, actor):
    user = world.actor(actor)
    expected = world.VISIBLE[actor]
    assert enterprise_names(selectors.units(user), "enterprise__name") == expected
    assert enterprise_names(selectors.sources(user), "enterprise__name") == expected
    assert enterprise_names(selectors.lines(user), "unit__enterprise__name") == expected


@pytest.mark.parametrize("actor", NON_WRITERS)
def test_roles_without_unit_manage_may_write_nothing(units, actor):
    user = world.actor(actor)
    assert not user.can(perms.UNIT_MANAGE)
    before = snapshot()
    unit = units["yinhang_chemical"]
    line = InventoryLine.objects.get(unit=unit)
    for name, attempt in attempts(user, unit, line).items():
        with pytest.raises(NotPermitted):
            attempt()
        assert snapshot() == before, name
    with pytest.raises(NotPermitted):
        make.unit(user, name="新单元")
    assert snapshot() == before


@pytest.mark.parametrize("actor", WRITERS)
def test_writers_cannot_reach_a_unit_outside_their_scope(units, actor):
    user = world.actor(actor)
    assert user.can(perms.UNIT_MANAGE)
    outside = [name for name in world.ENTERPRISES if name not in world.VISIBLE[actor]]
    assert outside
    before = snapshot()
    for enterprise in outside:
        unit = units[enterprise]
        line = InventoryLine.objects.get(unit=unit)
        with pytest.raises(OutOfScope):
            selectors.unit_for_write(user, unit.pk, None)
        with pytest.raises(OutOfScope):
            selectors.line_for_write(user, line.pk, None)
        for name, attempt in attempts(user, unit, line).items():
            with pytest.raises(OutOfScope):
                attempt()
            assert snapshot() == before, (enterprise, name)


@pytest.mark.parametrize("actor", WRITERS)
def test_writers_can_change_the_units_in_their_scope(units, actor):
    user = world.actor(actor)
    for enterprise in world.VISIBLE[actor]:
        unit = units[enterprise]
        make.add(unit, "氨", "10", by=user)  # S = 2 + 1 = 3; R = 2 × (8 + 2) = 20 → 三级
        assert make.fresh(unit).r_value == 20, (actor, enterprise)
        assert make.fresh(unit).evaluations.first().by == user


@pytest.mark.parametrize(
    ("actor", "enterprise"),
    [
        ("neighbour_official", "yinhang_chemical"),
        ("district_official", "hongkou_shop"),
        ("housing_official", "yinhang_chemical"),  # 建管委: 建筑施工 and 燃气 only
    ],
)
def test_a_unit_cannot_be_created_for_an_enterprise_outside_scope(actor, enterprise):
    before = ChemicalUnit.objects.count()
    with pytest.raises(OutOfScope) as raised:
        make.unit(world.actor(actor), enterprise=enterprise)
    assert raised.value.field == "enterprise"
    assert ChemicalUnit.objects.count() == before


def test_a_department_creates_units_for_its_industries_enterprises():
    unit = make.unit(world.actor("housing_official"), enterprise="yinhang_site")
    assert unit.enterprise == world.enterprise("yinhang_site")


def test_an_enterprise_manager_always_creates_for_its_own_enterprise():
    manager = world.actor("enterprise_manager")
    own = world.enterprise("yinhang_chemical")
    # Another enterprise's pk is not an error: the manager's scope names the enterprise.
    unit = make.unit(manager, enterprise="pingliang_factory", name="甲")
    assert unit.enterprise == own
    unit = make.unit(manager, enterprise=None, name="乙")
    assert unit.enterprise == own
    assert unit.created_by == manager
    assert unit.scope_region_code == own.scope_region_code
    assert unit.industry_id == own.industry_id


def test_an_enterprise_managers_source_belongs_to_its_enterprise():
    manager = world.actor("enterprise_manager")
    unit = make.unit(manager)
    make.add(unit, "氯", "5", by=manager)  # S 1: a major hazard source
    source = make.source_of(unit)
    own = world.enterprise("yinhang_chemical")
    assert source.enterprise == own and source.scope_region_code == own.scope_region_code
    assert selectors.sources(manager).filter(pk=source.pk).exists()
    assert not selectors.sources(world.actor("neighbour_official")).filter(pk=source.pk).exists()


def test_the_leader_reads_but_may_not_write(units):
    leader = world.actor("leader")
    assert leader.can(perms.HAZCHEM_VIEW) and not leader.can(perms.UNIT_MANAGE)
    assert selectors.units(leader).filter(pk=units["yinhang_chemical"].pk).exists()
    with pytest.raises(NotPermitted):
        make.unit(leader)


def test_the_catalogue_is_city_wide(units):
    # The neighbouring district finds the same shipped rows: the catalogue is no one's data.
    neighbour = world.actor("neighbour_official")
    make.add(units["hongkou_shop"], "氨", "1", by=neighbour)
    assert selectors.chemicals("液氯").get().name == "氯"
    assert selectors.chemicals("7782-50-5").get().name == "氯"
    assert selectors.chemicals("").count() == 85


def test_an_enterprise_that_does_not_exist_is_out_of_scope():
    by = world.actor("district_official")
    data = {"enterprise": 999_999, "kind": "storage", "name": "一号储罐区"}
    with pytest.raises(OutOfScope) as raised:
        services.unit_create(by, data=data)
    assert raised.value.field == "enterprise"


@pytest.mark.parametrize("enterprise", ["abc", "1.5", None, "", True])
def test_an_enterprise_that_is_not_a_key_is_refused_on_the_field(enterprise):
    by = world.actor("district_official")
    data = {"enterprise": enterprise, "kind": "storage", "name": "一号储罐区"}
    errors = make.refused(services.unit_create, by, data=data)
    assert errors == {"enterprise": ["请选择单位"]}
