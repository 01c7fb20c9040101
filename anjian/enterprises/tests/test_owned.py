"""Records owned by an enterprise copy its scope columns, and follow it when it moves."""

import pytest
from django.apps import apps
from django.db import models

from anjian.core.exceptions import ValidationError
from anjian.emergency.choices import StorageLevel
from anjian.emergency.tests.factories_plans import drill, unit_plan
from anjian.emergency.tests.factories_resources import (
    equipment,
    expert,
    shelter,
    supply,
    team,
    warehouse,
)
from anjian.enterprises import owned
from anjian.enterprises.models import Enterprise
from anjian.enterprises.owned import EnterpriseOwned
from anjian.enterprises.services import enterprise_update
from anjian.enterprises.signals import enterprise_moved
from anjian.hazards import tally
from anjian.hazards.choices import State
from anjian.hazards.models import Hazard
from anjian.hazards.tests.factories import hazard_in
from anjian.hazchem import services as hazchem
from anjian.hazchem.models import Chemical
from anjian.monitoring.models import Alarm, Device
from anjian.monitoring.tests.factories import device, plain_alarm
from anjian.regions.choices import RegionLevel
from anjian.regions.models import Industry, Region
from anjian.risks.models import RiskPoint
from anjian.risks.tests.factories import make_point
from anjian.specialwork.tests import factories as specialwork
from testsupport import world


def copies_enterprise_scope(model) -> bool:
    """A model with a foreign key to the registry and a region code or industry of its own."""
    names = {field.name for field in model._meta.concrete_fields}
    to_enterprise = any(
        isinstance(field, models.ForeignKey) and field.related_model is Enterprise
        for field in model._meta.concrete_fields
    )
    return to_enterprise and bool(names & {"scope_region_code", "industry"})


def test_every_model_that_copies_an_enterprises_scope_is_enterprise_owned():
    copying = {model for model in apps.get_models() if copies_enterprise_scope(model)}
    # Records of an event keep the place and industry of its day (the declaration says why).
    historical = {m for m in copying if getattr(m, "keeps_scope_of_the_day", False)}
    assert {m._meta.label for m in historical} == {"accidents.Accident"}
    copying -= historical

    assert {Hazard, RiskPoint, Device, Alarm} <= copying
    assert {m._meta.label for m in copying if not issubclass(m, EnterpriseOwned)} == set()
    assert set(owned.owned_models()) == copying


def test_owned_models_keep_the_columns_they_had():
    for model in owned.owned_models():
        region = model._meta.get_field("scope_region_code")
        assert (region.column, region.max_length, region.editable) == (
            "scope_region_code",
            24,
            False,
        )
        assert model._meta.get_field("industry").column == "industry_id"
        assert model._meta.get_field("enterprise").column == "enterprise_id"
        assert model.scope_paths.region == "scope_region_code"


def owned_rows(enterprise) -> dict:
    """(region code, industry, version) of each owned row of ``enterprise``, by model."""
    return {
        model._meta.label: sorted(
            model.objects.filter(enterprise=enterprise).values_list(
                "pk", "scope_region_code", "industry_id", "version"
            )
        )
        for model in owned.owned_models()
    }


@pytest.fixture
def chemical_with_records(db, settings, tmp_path):
    """The chemical company with a hazard, a risk point, a device and an alarm, its
    emergency plan, drill, team, warehouse and stock, equipment, shelter and expert, a
    chemical unit that is a major hazard source, and a special-work permit."""
    settings.MEDIA_ROOT = tmp_path
    chemical = world.enterprise("yinhang_chemical")
    hazard_in(State.REGISTERED)
    make_point(chemical)
    plain_alarm(device("TK-OWN-1"))
    manager = world.actor("enterprise_manager")  # its records are its own unit's
    unit_plan(manager)
    drill(manager)
    emergency_team = team(manager)
    store = warehouse(manager, storage_level=StorageLevel.COMMUNITY)
    supply(store, manager, quantity=5)
    equipment(manager, team=emergency_team.pk)
    shelter(manager)
    expert(manager)
    tank_farm = hazchem.unit_create(manager, data={"kind": "storage", "name": "液氯储罐区"})
    chlorine = Chemical.objects.get(name="氯")
    # 10 t of chlorine (Q 5 t): a major hazard source, which is owned too.
    hazchem.line_add(
        manager, unit_id=tank_farm.pk, data={"chemical": chlorine.pk, "max_quantity": 10}
    )
    specialwork.permit(by=manager)  # a special-work permit of its own
    return chemical


def move(enterprise, *, by=None, **data):
    return enterprise_update(
        by=by or world.actor("admin"),
        enterprise_id=enterprise.pk,
        data=data,
        expected_version=enterprise.version,
    )


def test_an_enterprise_that_moves_and_changes_industry_takes_every_owned_row_along(
    chemical_with_records,
):
    chemical = chemical_with_records
    before = owned_rows(chemical)
    assert all(before.values()), before
    machinery = Industry.objects.get(code="machinery")

    move(chemical, street=Region.objects.get(code=world.PINGLIANG), grid=None, industry=machinery)

    after = owned_rows(chemical)
    for label, rows in before.items():
        assert after[label] == [
            (pk, world.PINGLIANG, machinery.pk, version + 1) for pk, _, _, version in rows
        ], label
    assert tally.differences() == []


def test_rows_of_other_enterprises_stay_where_they_are(chemical_with_records):
    factory = world.enterprise("pingliang_factory")
    make_point(factory)
    plain_alarm(device("TK-OWN-2", enterprise="pingliang_factory"))
    untouched = owned_rows(factory)

    move(chemical_with_records, street=Region.objects.get(code=world.PINGLIANG), grid=None)

    assert owned_rows(factory) == untouched


def test_an_enterprise_moved_to_another_district_is_followed_there(chemical_with_records):
    hongkou_street = Region.objects.filter(
        parent_id=world.HONGKOU, level=RegionLevel.STREET
    ).order_by("code")[0]

    move(chemical_with_records, street=hongkou_street, grid=None)

    for label, rows in owned_rows(chemical_with_records).items():
        assert {code for _, code, _, _ in rows} == {hongkou_street.code}, label
    assert tally.differences() == []


def test_an_edit_that_neither_moves_nor_changes_industry_moves_nothing(chemical_with_records):
    sent = []

    def record(sender, **kwargs):
        sent.append(kwargs)

    enterprise_moved.connect(record)
    try:
        before = owned_rows(chemical_with_records)
        move(chemical_with_records, name="上海殷行化工（集团）有限公司")
    finally:
        enterprise_moved.disconnect(record)

    assert sent == []
    assert owned_rows(chemical_with_records) == before


def test_the_event_names_the_place_and_industry_left_behind(chemical_with_records):
    chemical = chemical_with_records
    sent = []

    def record(sender, **kwargs):
        sent.append((sender, kwargs))

    enterprise_moved.connect(record)
    try:
        moved = move(chemical, street=Region.objects.get(code=world.PINGLIANG), grid=None)
    finally:
        enterprise_moved.disconnect(record)

    assert len(sent) == 1
    sender, kwargs = sent[0]
    assert sender is Enterprise
    assert kwargs["enterprise"] == moved
    assert kwargs["old_region_code"] == chemical.scope_region_code
    assert kwargs["old_industry_id"] == chemical.industry_id


def test_a_follower_that_fails_rolls_the_move_back(chemical_with_records, monkeypatch):
    chemical = chemical_with_records
    before = owned_rows(chemical)

    def refuse(enterprise):
        raise ValidationError("不能迁移")

    monkeypatch.setitem(owned._followers, RiskPoint, refuse)
    with pytest.raises(ValidationError):
        move(chemical, street=Region.objects.get(code=world.PINGLIANG), grid=None)

    assert Enterprise.objects.get(pk=chemical.pk).scope_region_code == chemical.scope_region_code
    assert owned_rows(chemical) == before
    assert tally.differences() == []
