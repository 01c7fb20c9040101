"""Writes to the registry: create, update (versions and duplicates), bulk create.

The supervising department's derivation: ``test_services_departments``; scope checked
inside the write: ``test_services_scope``."""

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.db import connection

from anjian.core.exceptions import Conflict, OutOfScope, ValidationError
from anjian.enterprises import services
from anjian.enterprises.models import Enterprise
from anjian.enterprises.tests.support import department, field_messages, industry, region, unchanged
from testsupport import world

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
