"""Registering resources: owner and scope, bad input refused with the field named, versions
compared, and what each kind adds (storage levels, busy teams and experts, equipment out on
assignments, occupied shelters, warehouses that move with their stock)."""

import pytest

from anjian.core.exceptions import Conflict, NotPermitted, OutOfScope, ValidationError
from anjian.emergency import services_resources as services
from anjian.emergency.choices import OwnerKind, Readiness, ShelterStatus, StorageLevel
from anjian.emergency.models import RescueTeam, Supply
from anjian.emergency.tests import factories_resources as make
from anjian.regions.models import Department
from testsupport import world


def errors_of(raised) -> dict:
    return raised.value.message_dict


# --- owner and scope --------------------------------------------------------------------------


def test_an_official_registers_a_team_of_a_street_placed_on_the_grid(db):
    team = make.team(specialities=["hazchem", "fire"])
    assert (team.owner_kind, team.region_id, team.scope_region_code) == (
        OwnerKind.GOVERNMENT,
        world.YINHANG,
        world.YINHANG,
    )
    assert team.specialities == ",fire,hazchem,"  # in the choices' order
    assert team.cell is not None and team.version == 1


def test_an_enterprise_user_registers_for_its_own_unit_whatever_it_says(db):
    manager = world.actor("enterprise_manager")
    unit = world.enterprise("yinhang_chemical")
    team = make.team(manager, owner_kind=OwnerKind.GOVERNMENT, region=world.HONGKOU)
    assert (team.owner_kind, team.enterprise_id) == (OwnerKind.ENTERPRISE, unit.pk)
    assert team.scope_region_code == unit.scope_region_code
    with pytest.raises(OutOfScope):
        make.team(manager, enterprise=world.enterprise("yinhang_site"))


def test_an_official_may_register_for_an_enterprise_in_scope_only(db):
    team = make.team(enterprise=world.enterprise("pingliang_factory"))
    assert team.owner_kind == OwnerKind.ENTERPRISE
    assert team.region_id == world.PINGLIANG
    with pytest.raises(OutOfScope):
        make.team(enterprise=world.enterprise("hongkou_shop"))


@pytest.mark.parametrize(
    ("actor", "region"),
    [
        ("street_officer", world.PINGLIANG),
        ("neighbour_official", world.YINHANG),
        ("district_official", world.HONGKOU),
    ],
)
def test_nobody_registers_outside_their_scope(db, actor, region):
    with pytest.raises(OutOfScope):
        make.team(world.actor(actor), region=region)
    assert not RescueTeam.objects.exists()


def test_a_department_owns_its_records_within_its_region(db):
    housing = Department.objects.get(region_id=world.YANGPU, name="杨浦区建设和管理委员会")
    team = make.team(world.actor("housing_official"), department=housing, region=None)
    assert (team.owner_kind, team.department, team.region_id) == (
        OwnerKind.DEPARTMENT,
        housing,
        world.YANGPU,
    )
    hongkou = Department.objects.filter(region_id=world.HONGKOU).first()
    with pytest.raises(ValidationError) as raised:
        make.team(department=hongkou)
    assert "不管辖" in errors_of(raised)["department"][0]


def test_read_only_roles_may_not_register(db):
    with pytest.raises(NotPermitted):
        make.team(world.actor("leader"))


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "says"),
    [
        ({"name": "  "}, "name", "请填写队伍名称"),
        ({"leader": ""}, "leader", "请填写队长"),
        ({"phone": ""}, "phone", "请填写联系电话"),
        ({"phone": "打电话给我"}, "phone", "联系电话格式不正确"),
        ({"phone": "12345"}, "phone", "联系电话格式不正确"),
        ({"duty_phone": "abc"}, "duty_phone", "值班电话格式不正确"),
        ({"latitude": None}, "latitude", "经度和纬度需同时填写"),
        ({"longitude": ""}, "longitude", "经度和纬度需同时填写"),
        ({"latitude": "北纬31度"}, "latitude", "纬度须为数字"),
        ({"latitude": 39.9, "longitude": 116.4}, "latitude", "不在上海市范围内"),
        ({"headcount": -3}, "headcount", "队员人数不能为负数"),
        ({"headcount": 2.5}, "headcount", "队员人数须为整数"),
        ({"headcount": "二十"}, "headcount", "队员人数须为整数，不能是“二十”"),
        ({"specialities": ["fire", "magic"]}, "specialities", "未知的专业方向：magic"),
        ({"specialities": []}, "specialities", "请至少选择一个专业方向"),
        ({"kind": "army"}, "kind", "“army”不是有效的队伍类型"),
        ({"readiness": "asleep"}, "readiness", "不是有效的战备状态"),
        ({"region": "999999"}, "region", "请选择所属区划"),
    ],
)
def test_bad_team_input_is_refused_on_its_field(db, overrides, field, says):
    with pytest.raises(ValidationError) as raised:
        make.team(**overrides)
    assert says in errors_of(raised)[field][0]
    assert not RescueTeam.objects.exists()


def test_a_key_the_service_does_not_write_is_named(db):
    with pytest.raises(ValidationError) as raised:
        make.team(cell=1)
    assert "cell" in raised.value.messages[0]


# --- updates ----------------------------------------------------------------------------------


def test_an_update_compares_the_version_and_moves_it_on(db):
    team = make.team()
    changed = services.team_update(
        make.official(), team_id=team.pk, expected_version=1, data={"leader": "李队长"}
    )
    assert (changed.leader, changed.version) == ("李队长", 2)
    with pytest.raises(Conflict):
        services.team_update(
            make.official(), team_id=team.pk, expected_version=1, data={"leader": "王队长"}
        )


def test_an_update_out_of_scope_is_not_found_and_cannot_move_a_team_out(db):
    team = make.team()
    with pytest.raises(OutOfScope):
        services.team_update(
            world.actor("neighbour_official"), team_id=team.pk, expected_version=1, data={}
        )
    with pytest.raises(OutOfScope):
        services.team_update(
            world.actor("street_officer"),
            team_id=team.pk,
            expected_version=1,
            data={"region": world.PINGLIANG},
        )
    team.refresh_from_db()
    assert (team.region_id, team.version) == (world.YINHANG, 1)


def test_moving_a_team_moves_its_cell(db):
    team = make.team()
    moved = services.team_update(
        make.official(),
        team_id=team.pk,
        expected_version=1,
        data={"latitude": make.PINGLIANG_POINT[0], "longitude": make.PINGLIANG_POINT[1]},
    )
    assert moved.cell != team.cell


def test_a_team_on_an_assignment_keeps_its_readiness_and_stays_registered(db):
    team = make.team()
    make.assign(team, kind="team")
    for change in (
        lambda: services.team_set_readiness(
            make.official(), team_id=team.pk, expected_version=1, readiness=Readiness.RESTING
        ),
        lambda: services.team_update(
            make.official(), team_id=team.pk, expected_version=1, data={"active": False}
        ),
    ):
        with pytest.raises(Conflict, match="正在执行调派任务"):
            change()


def test_an_idle_team_changes_readiness_by_hand(db):
    team = make.team()
    rested = services.team_set_readiness(
        make.official(), team_id=team.pk, expected_version=1, readiness=Readiness.RESTING
    )
    assert (rested.readiness, rested.version) == (Readiness.RESTING, 2)
    with pytest.raises(ValidationError):
        services.team_set_readiness(
            make.official(), team_id=team.pk, expected_version=2, readiness="napping"
        )


def test_members_join_and_leave_the_roster(db):
    team = make.team()
    member = services.team_member_add(
        make.official(), team_id=team.pk, data={"name": "队员甲", "phone": "13700137000"}
    )
    with pytest.raises(ValidationError) as raised:
        services.team_member_add(make.official(), team_id=team.pk, data={"name": ""})
    assert "请填写姓名" in errors_of(raised)["name"][0]
    with pytest.raises(OutOfScope):
        services.team_member_leave(world.actor("neighbour_official"), member_id=member.pk)
    left = services.team_member_leave(make.official(), member_id=member.pk)
    assert not left.active and team.members.get().active is False


# --- warehouses -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "region", "refused"),
    [
        (StorageLevel.DISTRICT, world.YANGPU, None),
        (StorageLevel.STREET, world.YINHANG, None),
        (StorageLevel.DISTRICT, world.YINHANG, "区级储备库应属于区/县，而殷行街道是街道/镇"),
        (StorageLevel.CITY, world.YANGPU, "市级储备库应属于"),
        (StorageLevel.COMMUNITY, world.YINHANG, "居村级储备库应属于社区/村或网格"),
        (StorageLevel.HOUSEHOLD, world.YINHANG, "家庭储备库应属于社区/村或网格"),
    ],
)
def test_the_storage_level_matches_the_owning_region(db, level, region, refused):
    if refused is None:
        assert make.warehouse(storage_level=level, region=region).storage_level == level
        return
    with pytest.raises(ValidationError) as raised:
        make.warehouse(storage_level=level, region=region)
    assert refused in errors_of(raised)["storage_level"][0]


def test_a_household_point_is_kept_by_its_community_not_by_a_unit(db):
    grid = world.actor("grid_member").region_id
    point = make.warehouse(storage_level=StorageLevel.HOUSEHOLD, region=grid)
    assert point.owner_kind == OwnerKind.GOVERNMENT
    with pytest.raises(ValidationError) as raised:
        make.warehouse(
            world.actor("enterprise_manager"), storage_level=StorageLevel.HOUSEHOLD
        )  # the unit lies in that grid
    assert "家庭储备点由居（村）委会登记管理" in errors_of(raised)["storage_level"][0]


def test_a_warehouse_that_moves_takes_its_supply_lines_along(db):
    store = make.warehouse()
    line = make.supply(store, quantity=5)
    services.warehouse_update(
        make.official(), warehouse_id=store.pk, expected_version=1, data={"phone": "13900000000"}
    )
    assert Supply.objects.get(pk=line.pk).version == 1  # not moved: the lines are left alone
    moved = services.warehouse_update(
        make.official(),
        warehouse_id=store.pk,
        expected_version=2,
        data={
            "region": world.PINGLIANG,
            "latitude": make.PINGLIANG_POINT[0],
            "longitude": make.PINGLIANG_POINT[1],
        },
    )
    line.refresh_from_db()
    assert (line.scope_region_code, line.cell, line.latitude) == (
        world.PINGLIANG,
        moved.cell,
        make.PINGLIANG_POINT[0],
    )
    assert line.version == 2 and line.quantity == 5


def test_a_warehouse_with_stock_stays_in_use(db):
    store = make.warehouse()
    make.supply(store, quantity=1)
    with pytest.raises(ValidationError) as raised:
        services.warehouse_update(
            make.official(), warehouse_id=store.pk, expected_version=1, data={"active": False}
        )
    assert "仍有1种物资有库存" in errors_of(raised)["active"][0]


def test_a_warehouse_area_is_positive_and_whole(db):
    for area, says in ((0, "须大于0"), (-5, "不能为负数"), ("大", "须为整数")):
        with pytest.raises(ValidationError) as raised:
            make.warehouse(area_m2=area)
        assert says in errors_of(raised)["area_m2"][0]
    assert make.warehouse(area_m2="").area_m2 is None


# --- equipment, shelters, experts -------------------------------------------------------------


def test_equipment_belongs_to_a_team_or_a_warehouse_and_stands_there(db):
    team = make.team()
    pump = make.equipment(at=None, team=team, quantity=3)
    assert (pump.cell, pump.available) == (team.cell, 3)
    with pytest.raises(ValidationError) as raised:
        make.equipment(team=team, warehouse=make.warehouse())
    assert "只能选其一" in errors_of(raised)["warehouse"][0]
    other = make.team(world.actor("neighbour_official"), region=make.hongkou_street())
    with pytest.raises(OutOfScope):
        make.equipment(team=other)


def test_equipment_quantity_never_drops_below_what_is_out(db):
    pump = make.equipment(quantity=3)
    type(pump).objects.filter(pk=pump.pk).update(available=1)  # two out on assignments
    with pytest.raises(ValidationError) as raised:
        services.equipment_update(
            make.official(), equipment_id=pump.pk, expected_version=1, data={"quantity": 1}
        )
    assert "有2件正在调派中" in errors_of(raised)["quantity"][0]
    more = services.equipment_update(
        make.official(), equipment_id=pump.pk, expected_version=1, data={"quantity": 5}
    )
    assert (more.quantity, more.available) == (5, 3)


@pytest.mark.parametrize(
    ("overrides", "field", "says"),
    [
        ({"capacity": 0}, "capacity", "可容纳人数须大于0"),
        ({"capacity": "一千"}, "capacity", "可容纳人数须为整数"),
        ({"area_m2": -1}, "area_m2", "有效避难面积（㎡）不能为负数"),
        ({"manager": ""}, "manager", "请填写管理人"),
        ({"kind": "forever"}, "kind", "不是有效的场所类型"),
    ],
)
def test_bad_shelter_input_is_refused_on_its_field(db, overrides, field, says):
    with pytest.raises(ValidationError) as raised:
        make.shelter(**overrides)
    assert says in errors_of(raised)[field][0]


def test_an_occupied_shelter_keeps_its_places_and_stays_open(db):
    school = make.shelter(capacity=100)
    type(school).objects.filter(pk=school.pk).update(occupancy=60)
    with pytest.raises(ValidationError) as raised:
        services.shelter_update(
            make.official(), shelter_id=school.pk, expected_version=1, data={"capacity": 50}
        )
    assert "已安置60人" in errors_of(raised)["capacity"][0]
    with pytest.raises(Conflict, match="仍安置60人"):
        services.shelter_set_status(
            make.official(), shelter_id=school.pk, expected_version=1, status=ShelterStatus.CLOSED
        )
    opened = services.shelter_set_status(
        make.official(), shelter_id=school.pk, expected_version=1, status=ShelterStatus.OPEN
    )
    assert (opened.status, opened.version) == (ShelterStatus.OPEN, 2)


def test_an_expert_on_an_assignment_stays_available(db):
    person = make.expert()
    with pytest.raises(ValidationError):
        make.expert(field="astrology")
    make.assign(person, kind="expert")
    with pytest.raises(Conflict, match="正在参与处置"):
        services.expert_update(
            make.official(), expert_id=person.pk, expected_version=1, data={"available": False}
        )


def test_supply_lines_are_not_registered_twice_nor_changed_in_quantity_by_hand(db):
    store = make.warehouse()
    line = make.supply(store)
    with pytest.raises(ValidationError) as raised:
        make.supply(store)
    assert "同名、同规格、同批次" in errors_of(raised)["name"][0]
    with pytest.raises(ValidationError):
        services.supply_update(
            make.official(), supply_id=line.pk, expected_version=1, data={"quantity": 9}
        )
    batch = make.supply(store, batch="2026-01")
    assert Supply.objects.filter(warehouse=store).count() == 2 and batch.quantity == 0
