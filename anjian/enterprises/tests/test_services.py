"""Writes to the registry: create, update, concurrency, scope, department derivation, bulk."""

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.db import connection

from anjian.core.exceptions import Conflict, OutOfScope, ValidationError
from anjian.enterprises import services
from anjian.enterprises.models import Enterprise
from anjian.regions.forms import DepartmentForm
from anjian.regions.models import Department, Industry, Region
from anjian.regions.services import department_update
from testsupport import world


def department(name: str) -> Department:
    return Department.objects.get(name=name)


def industry(code: str) -> Industry:
    return Industry.objects.get(code=code)


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def field_messages(error: ValidationError, field: str) -> list[str]:
    return [str(m) for m in error.message_dict.get(field, [])]


def unchanged(enterprise: Enterprise) -> dict:
    """The stored row, for proving a refused write changed nothing."""
    return Enterprise.objects.filter(pk=enterprise.pk).values().get()


# --- create ------------------------------------------------------------------------


def test_a_district_official_registers_an_enterprise_with_its_derived_fields(
    district_official,
):
    data = world.enterprise_data(
        name="上海国和精细化工有限公司",
        credit_code=world.credit_code(101),
        street=region(world.PINGLIANG),
    )
    enterprise = services.enterprise_create(by=district_official, data=data)

    stored = Enterprise.objects.get(pk=enterprise.pk)
    assert stored.name == "上海国和精细化工有限公司"
    assert stored.created_by == district_official
    assert stored.version == 1
    assert stored.scope_region_code == world.PINGLIANG
    assert stored.supervising_department.name == "杨浦区应急管理局"
    assert not stored.department_overridden
    assert "国和精细化工" in stored.search_document
    assert "国和" in stored.search_tokens.split()


def test_an_enterprise_in_a_grid_is_scoped_to_the_grid(street_officer, enterprises):
    grid = enterprises["yinhang_chemical"].grid
    enterprise = services.enterprise_create(
        by=street_officer, data=world.enterprise_data(credit_code=world.credit_code(102), grid=grid)
    )
    assert enterprise.scope_region_code == grid.code
    assert Enterprise.objects.for_user(world.actor("grid_member")).filter(pk=enterprise.pk)


def test_a_grid_outside_the_street_is_refused(district_official, enterprises):
    grid = enterprises["yinhang_chemical"].grid
    with pytest.raises(ValidationError) as caught:
        services.enterprise_create(
            by=district_official,
            data=world.enterprise_data(
                credit_code=world.credit_code(103), street=region(world.PINGLIANG), grid=grid
            ),
        )
    assert field_messages(caught.value, "grid") == ["网格/社区不属于所选街镇"]


def test_creating_records_who_registered_it_in_the_audit_trail(district_official):
    with set_actor(district_official):
        enterprise = services.enterprise_create(
            by=district_official, data=world.enterprise_data(credit_code=world.credit_code(104))
        )
    entry = LogEntry.objects.get_for_object(enterprise).get()
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor == district_official
    assert entry.changes_dict["name"] == ["None", "上海测试化工有限公司"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"principal_phone": "12345"}, "principal_phone"),
        ({"economic_code": "E2614"}, "economic_code"),
        ({"credit_code": "91310110000000001X"}, "credit_code"),
        ({"latitude": None}, "latitude"),
        ({"standardisation_expires": None}, "standardisation_expires"),
        ({"name": ""}, "name"),
    ],
)
def test_an_invalid_enterprise_is_refused_on_the_field_and_nothing_is_written(
    district_official, overrides, field
):
    before = Enterprise.objects.count()
    data = world.enterprise_data(credit_code=world.credit_code(105))
    data.update(overrides)
    with pytest.raises(ValidationError) as caught:
        services.enterprise_create(by=district_official, data=data)
    assert field in caught.value.message_dict
    assert Enterprise.objects.count() == before


def test_duplicate_credit_code_is_refused_naming_the_existing_enterprise(
    district_official, enterprises
):
    existing = enterprises["yinhang_site"]
    before = Enterprise.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.enterprise_create(
            by=district_official,
            data=world.enterprise_data(name="另一家公司", credit_code=existing.credit_code),
        )
    (message,) = field_messages(caught.value, "credit_code")
    assert "上海殷行建设工程有限公司" in message
    assert "殷行街道" in message
    assert "不能重复登记" in message
    assert Enterprise.objects.count() == before


def test_a_credit_code_taken_between_the_check_and_the_insert_names_the_winner(
    district_official,
):
    """The race: another writer commits the same code right after our duplicate check.

    The other writer is played by a database execute wrapper that inserts the row as
    soon as the service's duplicate-check SELECT has run (so the check saw nothing);
    the unique index then refuses our INSERT, and the service must answer with the
    winner's name instead of an IntegrityError.
    """
    code = world.credit_code(106)
    raced = []

    def other_writer(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        is_check = sql.startswith("SELECT") and '"credit_code" =' in sql
        if is_check and params and code in params and not raced:
            raced.append(True)
            winner = Enterprise(
                **world.enterprise_data(name="抢先登记的公司", credit_code=code, employees=3)
            )
            winner.supervising_department = department("杨浦区应急管理局")
            winner.refresh_derived_fields()
            Enterprise.objects.bulk_create([winner])
        return result

    with connection.execute_wrapper(other_writer), pytest.raises(ValidationError) as caught:
        services.enterprise_create(
            by=district_official, data=world.enterprise_data(name="慢一步的公司", credit_code=code)
        )

    assert raced, "the duplicate check did not run"
    (message,) = field_messages(caught.value, "credit_code")
    assert "抢先登记的公司" in message
    assert not Enterprise.objects.filter(name="慢一步的公司").exists()


def test_creating_refuses_a_field_it_does_not_write_and_names_it(district_official):
    before = Enterprise.objects.count()
    data = world.enterprise_data(credit_code=world.credit_code(131), scope_region_code="31")
    with pytest.raises(ValidationError) as caught:
        services.enterprise_create(by=district_official, data={**data, "versoin": 3})
    assert caught.value.messages == ["不能修改的字段：scope_region_code、versoin"]
    assert Enterprise.objects.count() == before


# --- supervising department -----------------------------------------------------


@pytest.mark.parametrize(
    ("industry_code", "economic_code", "expected"),
    [
        ("construction", "E4710", "杨浦区建设和管理委员会"),
        ("gas", "D4500", "杨浦区建设和管理委员会"),
        ("hazchem", "C2614", "杨浦区应急管理局"),
        ("machinery", "C3411", "杨浦区应急管理局"),
        ("road_transport", "G5430", "杨浦区交通委员会"),
        ("special_equipment", "C3411", "杨浦区市场监督管理局"),
    ],
)
def test_the_supervising_department_follows_the_industry(
    district_official, industry_code, economic_code, expected
):
    enterprise = services.enterprise_create(
        by=district_official,
        data=world.enterprise_data(
            credit_code=world.credit_code(110),
            industry=industry(industry_code),
            economic_code=economic_code,
        ),
    )
    assert enterprise.supervising_department.name == expected


def test_the_same_industry_in_the_neighbouring_district_gets_that_districts_department(
    enterprises,
):
    assert enterprises["hongkou_shop"].supervising_department.name == "虹口区商务委员会"


def test_a_hand_picked_department_covering_the_street_is_kept(district_official):
    market = department("杨浦区市场监督管理局")
    enterprise = services.enterprise_create(
        by=district_official,
        data=world.enterprise_data(
            credit_code=world.credit_code(111),
            department_overridden=True,
            supervising_department=market,
        ),
    )
    assert enterprise.supervising_department == market
    assert enterprise.department_overridden


def test_a_hand_picked_department_must_cover_the_street(district_official):
    before = Enterprise.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.enterprise_create(
            by=district_official,
            data=world.enterprise_data(
                credit_code=world.credit_code(112),
                department_overridden=True,
                supervising_department=department("虹口区应急管理局"),
            ),
        )
    assert field_messages(caught.value, "supervising_department") == ["该部门不管辖此单位所在街镇"]
    assert Enterprise.objects.count() == before


def test_overriding_the_department_without_choosing_one_is_refused(district_official):
    with pytest.raises(ValidationError) as caught:
        services.enterprise_create(
            by=district_official,
            data=world.enterprise_data(
                credit_code=world.credit_code(113),
                department_overridden=True,
                supervising_department=None,
            ),
        )
    assert field_messages(caught.value, "supervising_department") == ["手工指定时请选择监管部门"]


def test_changing_the_industry_re_derives_the_department(district_official, enterprises):
    site = enterprises["yinhang_site"]
    assert site.supervising_department.name == "杨浦区建设和管理委员会"
    updated = services.enterprise_update(
        by=district_official,
        enterprise_id=site.pk,
        data={"industry": industry("machinery"), "economic_code": "C3411"},
        expected_version=site.version,
    )
    assert updated.supervising_department.name == "杨浦区应急管理局"


def _set_department_industries(admin, dept: Department, codes: list[str]) -> Department:
    data = {
        "name": dept.name,
        "short_name": dept.short_name,
        "industries": [industry(code).pk for code in codes],
        "sort_order": dept.sort_order,
    }
    if dept.is_comprehensive:
        data["is_comprehensive"] = "on"
    if dept.is_active:
        data["is_active"] = "on"
    form = DepartmentForm(data, instance=dept)
    assert form.is_valid(), form.errors
    return department_update(by=admin, form=form)


def test_moving_an_industry_between_departments_re_derives_enterprises_not_set_by_hand(
    admin, district_official, enterprises
):
    market = department("杨浦区市场监督管理局")
    by_hand = services.enterprise_create(
        by=district_official,
        data=world.enterprise_data(
            credit_code=world.credit_code(120),
            industry=industry("construction"),
            economic_code="E4710",
            department_overridden=True,
            supervising_department=market,
        ),
    )
    site = enterprises["yinhang_site"]
    hongkou_shop = enterprises["hongkou_shop"]

    _set_department_industries(admin, department("杨浦区建设和管理委员会"), ["gas"])
    site.refresh_from_db()
    assert site.supervising_department is None  # nobody in 杨浦 supervises 建筑施工 now

    _set_department_industries(
        admin, department("杨浦区交通委员会"), ["road_transport", "construction"]
    )
    site.refresh_from_db()
    by_hand.refresh_from_db()
    hongkou_shop.refresh_from_db()
    assert site.supervising_department.name == "杨浦区交通委员会"
    assert by_hand.supervising_department == market
    assert hongkou_shop.supervising_department.name == "虹口区商务委员会"


def test_re_deriving_departments_counts_only_the_rows_it_changed(enterprises):
    construction = industry("construction")
    assert (
        services.enterprises_rederive_departments(
            region_code=world.YANGPU, industry_ids={construction.pk}
        )
        == 0
    )
    department("杨浦区建设和管理委员会").industries.remove(construction)
    assert (
        services.enterprises_rederive_departments(
            region_code=world.YANGPU, industry_ids={construction.pk}
        )
        == 1
    )


# --- update ------------------------------------------------------------------------


def test_updating_changes_the_fields_and_bumps_the_version(district_official, enterprises):
    chemical = enterprises["yinhang_chemical"]
    updated = services.enterprise_update(
        by=district_official,
        enterprise_id=chemical.pk,
        data={"employees": 300, "supervision_grade": "A"},
        expected_version=chemical.version,
    )
    chemical.refresh_from_db()
    assert (chemical.employees, chemical.supervision_grade) == (300, "A")
    assert chemical.version == updated.version == 2


def test_an_update_is_audited_with_only_the_fields_that_changed(district_official, enterprises):
    chemical = enterprises["yinhang_chemical"]
    with set_actor(district_official):
        services.enterprise_update(
            by=district_official,
            enterprise_id=chemical.pk,
            data={"employees": 300},
            expected_version=chemical.version,
        )
    entry = LogEntry.objects.get_for_object(chemical).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == district_official
    assert entry.changes_dict == {"employees": ["120", "300"]}


def test_a_stale_version_is_a_conflict_and_changes_nothing(district_official, enterprises):
    chemical = enterprises["yinhang_chemical"]
    services.enterprise_update(
        by=district_official,
        enterprise_id=chemical.pk,
        data={"employees": 200},
        expected_version=1,
    )
    after_first = unchanged(chemical)

    with pytest.raises(Conflict) as caught:
        services.enterprise_update(
            by=world.actor("street_officer"),
            enterprise_id=chemical.pk,
            data={"employees": 999, "name": "覆盖别人的修改"},
            expected_version=1,
        )
    assert "已被他人修改" in str(caught.value)
    assert unchanged(chemical) == after_first
    assert after_first["version"] == 2


def test_changing_the_credit_code_to_one_already_registered_names_that_enterprise(
    district_official, enterprises
):
    chemical = enterprises["yinhang_chemical"]
    before = unchanged(chemical)
    with pytest.raises(ValidationError) as caught:
        services.enterprise_update(
            by=district_official,
            enterprise_id=chemical.pk,
            data={"credit_code": enterprises["pingliang_factory"].credit_code},
            expected_version=chemical.version,
        )
    assert "上海平凉机械制造有限公司" in field_messages(caught.value, "credit_code")[0]
    assert unchanged(chemical) == before


def test_keeping_its_own_credit_code_is_not_a_duplicate(district_official, enterprises):
    chemical = enterprises["yinhang_chemical"]
    services.enterprise_update(
        by=district_official,
        enterprise_id=chemical.pk,
        data={"credit_code": chemical.credit_code, "name": "上海殷行化工（集团）有限公司"},
        expected_version=chemical.version,
    )
    chemical.refresh_from_db()
    assert chemical.name == "上海殷行化工（集团）有限公司"


def test_updating_an_enterprise_outside_scope_is_not_found(street_officer, enterprises):
    factory = enterprises["pingliang_factory"]
    before = unchanged(factory)
    with pytest.raises(Enterprise.DoesNotExist):
        services.enterprise_update(
            by=street_officer,
            enterprise_id=factory.pk,
            data={"employees": 1},
            expected_version=factory.version,
        )
    assert unchanged(factory) == before


def test_updating_refuses_a_field_it_does_not_write_and_changes_nothing(
    district_official, enterprises
):
    chemical = enterprises["yinhang_chemical"]
    before = unchanged(chemical)
    with pytest.raises(ValidationError) as caught:
        services.enterprise_update(
            by=district_official,
            enterprise_id=chemical.pk,
            data={"employees": 300, "search_document": "x", "created_by": district_official},
            expected_version=chemical.version,
        )
    assert caught.value.messages == ["不能修改的字段：created_by、search_document"]
    assert unchanged(chemical) == before


# --- scope is checked inside the write ---------------------------------------------


def test_a_street_officer_moving_an_enterprise_to_another_street_gets_a_field_error(
    street_officer, enterprises
):
    site = enterprises["yinhang_site"]
    before = unchanged(site)
    with pytest.raises(ValidationError) as caught:
        services.enterprise_update(
            by=street_officer,
            enterprise_id=site.pk,
            data={"street": region(world.PINGLIANG), "address": "上海市杨浦区平凉路1号"},
            expected_version=site.version,
        )
    assert "只能登记您管辖范围" in field_messages(caught.value, "street")[0]
    assert unchanged(site) == before


def test_a_street_officer_cannot_register_an_enterprise_in_another_street(street_officer):
    before = Enterprise.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.enterprise_create(
            by=street_officer,
            data=world.enterprise_data(
                credit_code=world.credit_code(130), street=region(world.PINGLIANG)
            ),
        )
    assert "street" in caught.value.message_dict
    assert Enterprise.objects.count() == before


def test_a_grid_member_cannot_register_an_enterprise_outside_their_grid(grid_member):
    before = Enterprise.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.enterprise_create(
            by=grid_member, data=world.enterprise_data(credit_code=world.credit_code(131))
        )
    assert "street" in caught.value.message_dict
    assert Enterprise.objects.count() == before


def test_the_housing_official_cannot_switch_an_enterprise_to_hazchem(housing_official, enterprises):
    site = enterprises["yinhang_site"]
    before = unchanged(site)
    with pytest.raises(ValidationError) as caught:
        services.enterprise_update(
            by=housing_official,
            enterprise_id=site.pk,
            data={"industry": industry("hazchem"), "economic_code": "C2614"},
            expected_version=site.version,
        )
    assert field_messages(caught.value, "industry") == ["只能登记本部门监管行业的单位"]
    assert unchanged(site) == before


def test_the_housing_official_may_change_an_enterprise_in_their_industries(
    housing_official, enterprises
):
    site = enterprises["yinhang_site"]
    services.enterprise_update(
        by=housing_official,
        enterprise_id=site.pk,
        data={"industry": industry("gas"), "economic_code": "D4500"},
        expected_version=site.version,
    )
    site.refresh_from_db()
    assert site.industry.code == "gas"


def test_the_enterprise_manager_may_update_the_self_maintained_fields(
    enterprise_manager, enterprises
):
    chemical = enterprises["yinhang_chemical"]
    services.enterprise_update(
        by=enterprise_manager,
        enterprise_id=chemical.pk,
        data={
            "principal_name": "陈七",
            "principal_phone": "13911112222",
            "safety_manager_name": "周八",
            "employees": 135,
        },
        expected_version=chemical.version,
    )
    chemical.refresh_from_db()
    assert (chemical.principal_name, chemical.employees) == ("陈七", 135)


@pytest.mark.parametrize(
    "field_and_value",
    [
        {"name": "改名公司"},
        {"supervision_grade": "D"},
        {"employees": 10, "insured_until": None},
    ],
)
def test_the_enterprise_manager_cannot_change_the_regulators_fields(
    enterprise_manager, enterprises, field_and_value
):
    chemical = enterprises["yinhang_chemical"]
    before = unchanged(chemical)
    with pytest.raises(ValidationError) as caught:
        services.enterprise_update(
            by=enterprise_manager,
            enterprise_id=chemical.pk,
            data=field_and_value,
            expected_version=chemical.version,
        )
    assert caught.value.messages == ["企业用户只能修改本单位的联系人和从业人员信息"]
    assert unchanged(chemical) == before


def test_the_enterprise_manager_cannot_reach_another_enterprise(enterprise_manager, enterprises):
    with pytest.raises(Enterprise.DoesNotExist):
        services.enterprise_update(
            by=enterprise_manager,
            enterprise_id=enterprises["yinhang_site"].pk,
            data={"employees": 1},
            expected_version=1,
        )


# --- bulk create ---------------------------------------------------------------------


def _prepared(by, *rows: dict) -> list[Enterprise]:
    resolver = services.DepartmentResolver()
    enterprises = []
    for data in rows:
        enterprise = Enterprise(**data)
        services.prepare_for_bulk(enterprise, by=by, departments=resolver)
        enterprises.append(enterprise)
    return enterprises


def test_bulk_create_writes_the_rows_and_an_audit_entry_for_each(district_official):
    rows = _prepared(
        district_official,
        world.enterprise_data(name="批量一号公司", credit_code=world.credit_code(140)),
        world.enterprise_data(
            name="批量二号公司",
            credit_code=world.credit_code(141),
            industry=industry("construction"),
            economic_code="E4710",
            street=region(world.PINGLIANG),
        ),
    )
    created = services.enterprise_bulk_create(by=district_official, enterprises=rows)

    assert [e.pk is not None for e in created] == [True, True]
    stored = {e.name: e for e in Enterprise.objects.filter(pk__in=[e.pk for e in created])}
    assert stored["批量一号公司"].supervising_department.name == "杨浦区应急管理局"
    assert stored["批量二号公司"].supervising_department.name == "杨浦区建设和管理委员会"
    assert stored["批量二号公司"].scope_region_code == world.PINGLIANG
    assert stored["批量二号公司"].created_by == district_official
    for enterprise in stored.values():
        entry = LogEntry.objects.get_for_object(enterprise).get()
        assert entry.action == LogEntry.Action.CREATE
        assert entry.actor == district_official
        assert entry.additional_data == {"via": "bulk"}
        assert entry.changes_dict["name"][1] == enterprise.name


@pytest.mark.parametrize(
    ("actor", "overrides"),
    [
        ("street_officer", {"street": world.PINGLIANG}),
        ("housing_official", {}),  # hazchem is not 建管委's industry
        ("enterprise_manager", {}),
        ("neighbour_official", {}),
    ],
)
def test_bulk_create_refuses_a_batch_with_a_row_outside_scope(db, actor, overrides):
    by = world.actor(actor)
    inside = world.enterprise_data(
        name="范围内公司",
        credit_code=world.credit_code(150),
        industry=industry("construction"),
        economic_code="E4710",
    )
    outside = world.enterprise_data(name="范围外公司", credit_code=world.credit_code(151))
    if "street" in overrides:
        outside["street"] = region(overrides["street"])
    rows = _prepared(by, inside, outside)
    before = (Enterprise.objects.count(), LogEntry.objects.count())
    with pytest.raises(OutOfScope):
        services.enterprise_bulk_create(by=by, enterprises=rows)
    assert (Enterprise.objects.count(), LogEntry.objects.count()) == before
