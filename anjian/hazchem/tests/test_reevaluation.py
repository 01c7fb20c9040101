"""Re-evaluating many units at once (``evaluation.reevaluate``): when the catalogue changes
what a chemical is, every unit holding it is identified and graded again, the others are
left alone, and a unit that can no longer be evaluated says why.

Figures (RULES.md §1): a W5.3 chemical has Q 1000 t and β 1; as W5.1 Q 10 t and β 1.5.
α = 2 (120 people)."""

from dataclasses import replace
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anjian.core.models import Notification
from anjian.hazchem import identification as engine
from anjian.hazchem import services
from anjian.hazchem.evaluation import inputs_digest, reevaluate
from anjian.hazchem.models import ChemicalUnit, MajorHazardSource, UnitEvaluation
from anjian.hazchem.tests import factories as make
from testsupport import world

pytestmark = pytest.mark.django_db


def test_a_chemical_reclassified_regrades_the_units_holding_it_and_only_those():
    solvent = make.classed("某溶剂", "W5.3")
    holding = make.unit(name="溶剂罐区")
    make.add(holding, solvent, "100")  # S 0.1: not major
    other = make.unit(name="液氯库")
    make.add(other, "氯", "2")  # S 0.4, untouched by the change
    other = make.fresh(other)
    history = UnitEvaluation.objects.filter(unit=other).count()

    solvent.gb18218_classes = ["W5.1"]  # flash point below 23 ℃ and boiling point ≤ 35 ℃
    solvent.save()
    counts = reevaluate(ChemicalUnit.objects.all(), by=world.actor("admin"), reason="目录修订")

    assert counts == {"units": 2, "changed": 1, "failed": 0, "opened": 1}
    regraded = make.fresh(holding)
    # S = 100/10 = 10; R = 2 × 1.5 × 10 = 30 → 三级.
    assert (regraded.s_value, regraded.r_value, regraded.grade) == (
        Decimal("10.000000"),
        Decimal("30.000000"),
        "3",
    )
    assert make.source_of(regraded).grade == "3"
    assert regraded.evaluations.first().reason == "目录修订"
    untouched = make.fresh(other)
    assert untouched.version == other.version
    assert UnitEvaluation.objects.filter(unit=other).count() == history


def test_a_unit_that_can_no_longer_be_graded_keeps_its_figures_and_says_why():
    solvent = make.classed("某溶剂", "W5.1")
    target = make.unit()
    make.add(target, solvent, "20")  # S 2, R 6 → 四级
    before = make.fresh(target)
    solvent.gb18218_classes = []  # neither a table 1 row nor a class: no Q
    solvent.save()

    counts = reevaluate(ChemicalUnit.objects.all(), by=None, reason="目录修订")

    assert counts["failed"] == 1
    after = make.fresh(target)
    assert "无法确定临界量" in after.evaluation_error
    assert (after.s_value, after.grade) == (before.s_value, before.grade)
    # Told again, nothing changes: the same error is not written twice.
    assert reevaluate(ChemicalUnit.objects.all(), by=None, reason="再次")["failed"] == 1
    assert make.fresh(target).version == after.version


def test_retired_units_are_not_reevaluated():
    target = make.unit()
    make.add(target, "氯", "10")
    target = make.fresh(target)
    services.unit_retire(
        world.actor("district_official"),
        unit_id=target.pk,
        expected_version=target.version,
        reason="拆除",
    )
    assert reevaluate(ChemicalUnit.objects.all(), by=None, reason="x")["units"] == 0


def test_a_bulk_run_that_opens_many_sources_tells_each_person_once(
    django_capture_on_commit_callbacks,
):
    solvent = make.classed("某溶剂", "W5.3")
    units = [make.unit(name=f"{n}号溶剂罐区") for n in (1, 2, 3)]
    for unit in units:
        make.add(unit, solvent, "100")  # S 0.1 each: no source yet
    solvent.gb18218_classes = ["W5.1"]  # S 10 each: three sources at once
    solvent.save()

    with django_capture_on_commit_callbacks(execute=True):
        counts = reevaluate(ChemicalUnit.objects.all(), by=None, reason="目录修订", chunk_size=2)

    assert counts["opened"] == 3
    assert MajorHazardSource.objects.filter(unit__in=units).count() == 3
    told = list(
        Notification.objects.filter(kind="hazchem").values_list("recipient__username", "title")
    )
    by_person: dict[str, list[str]] = {}
    for username, title in told:
        by_person.setdefault(username, []).append(title)
    # Three sources across two chunks, one notice each for the unit's users and the
    # district's officials, naming all three; the neighbouring district hears nothing.
    assert by_person["enterprise_manager"] == ["3处单元辨识为重大危险源，待备案"]
    assert by_person["district_official"] == ["3处单元辨识为重大危险源，待备案"]
    assert "neighbour_official" not in by_person
    numbers = MajorHazardSource.objects.filter(unit__in=units).values_list("number", flat=True)
    assert all(number.startswith("ZDWXY") for number in numbers)
    assert set(
        MajorHazardSource.objects.filter(unit__in=units).values_list(
            "transitions__action", flat=True
        )
    ) == {"identify"}


def test_the_inputs_digest_follows_every_input_not_how_a_quantity_is_written():
    line = engine.Line(quantity=Decimal("10"), cas="7782-50-5", name="氯", row=12, classes=("J3",))
    digest = inputs_digest([line], 120)
    assert inputs_digest([replace(line, quantity=Decimal("10.0000"))], 120) == digest
    changed = [
        inputs_digest([line], 121),
        inputs_digest([line, line], 120),
        inputs_digest([], 120),
        *(
            inputs_digest([replace(line, **change)], 120)
            for change in (
                {"quantity": Decimal("10.0001")},
                {"cas": "7782-50-6"},
                {"name": "液氯"},
                {"row": 13},
                {"row": None},
                {"classes": ("J3", "W2")},
                {"classes": ()},
                {"mixture": engine.Mixture.AS_PURE},
            )
        ),
    ]
    assert digest not in changed and len(set(changed)) == len(changed)


def test_a_run_with_nothing_changed_reads_and_writes_nothing():
    """The digest a write leaves (``evaluate_unit``) is the one a bulk run computes, so
    a run over unchanged units skips them without evaluating or writing anything."""
    target = make.unit()
    make.add(target, "氯", "10")
    make.add(target, make.classed("某溶剂", "W5.3"), "12.5")
    before = make.fresh(target)
    with CaptureQueriesContext(connection) as queries:
        counts = reevaluate(ChemicalUnit.objects.all(), by=None, reason="复核")
    assert counts == {"units": 1, "changed": 0, "failed": 0, "opened": 0}
    writes = [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    ]
    assert writes == []
    assert make.fresh(target).version == before.version
