"""A catalogue change that can alter S or R identifies and grades again every active unit
holding the entry, and says how many units and how many changed grade: in the change's own
transaction for a few units, in a background job for many.

Figures (RULES.md §1): 甲醇 table 1 row 65, Q 500 t, not in table 3 — its β comes from table
4 by its class once an administrator sets one (W5.3: β 1). A W5.3 entry has Q 1000 t, β 1;
as W5.1 Q 10 t, β 1.5. 120 people within 500 m: α 2."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from anjian.core.models import BackgroundJob, JobStatus
from anjian.hazchem import services_catalogue as services
from anjian.hazchem.models import ChemicalUnit
from anjian.hazchem.tests import factories as make
from testsupport import world

pytestmark = pytest.mark.django_db

NO_BETA = "无法确定校正系数β"


def set_classes(chemical, *codes) -> services.ChemicalChange:
    chemical.refresh_from_db()
    return services.chemical_update(
        world.actor("admin"),
        chemical_id=chemical.pk,
        expected_version=chemical.version,
        data={"gb18218_classes": list(codes)},
    )


def test_methanol_gets_beta_from_table_4_and_a_grade_once_its_class_is_set():
    methanol = make.shipped("甲醇")
    plant = make.unit(name="甲醇罐区")
    line = make.add(plant, methanol, "400")  # S 0.8: no β, so no R either
    assert make.fresh(plant).r_value is None
    # 600 t would make it a major hazard source it cannot grade: refused.
    errors = make.refused(make.change, line, "600")
    assert NO_BETA in errors["__all__"][0]

    change = set_classes(methanol, "W5.3")

    assert (change.reevaluation.units, change.reevaluation.regraded) == (1, 0)
    unit = make.fresh(plant)
    term = unit.evaluation["terms"][0]
    assert (term["beta"], term["beta_basis"]) == ("1", "GB 18218-2018 表4 W5.3（易燃液体）")
    assert unit.r_value == Decimal("1.600000")  # 2 × 1 × 400/500, not a source: no grade
    assert unit.evaluations.first().reason == "目录修订：甲醇（GB 18218 表2类别）"

    make.change(line, "600")  # S 1.2; R = 2 × 1 × 1.2 = 2.4 → 四级
    unit = make.fresh(plant)
    assert (unit.is_major, unit.r_value, unit.grade) == (True, Decimal("2.400000"), "4")


def test_a_class_change_says_how_many_units_changed_grade_and_leaves_the_others_alone():
    solvent = make.classed("某溶剂", "W5.3")
    holding = make.unit(name="溶剂罐区")
    make.add(holding, solvent, "100")  # S 0.1
    idle = make.unit(name="溶剂小仓库")
    make.add(idle, solvent, "0.5")  # S 0.0005, still not a source as W5.1 (S 0.05)
    other = make.unit(name="液氯库")
    make.add(other, "氯", "2")
    other = make.fresh(other)

    change = set_classes(solvent, "W5.1")

    done = change.reevaluation
    assert (done.units, done.regraded, done.failed, done.job) == (2, 1, 0, None)
    assert done.words() == "已重新辨识 2 个单元，其中 1 个级别变化"
    regraded = make.fresh(holding)
    # S = 100/10 = 10; R = 2 × 1.5 × 10 = 30 → 三级, and its source is opened.
    assert (regraded.s_value, regraded.grade) == (Decimal("10.000000"), "3")
    assert make.source_of(regraded).grade == "3"
    assert make.fresh(other).version == other.version


def test_a_change_gb18218_does_not_read_sets_nothing_off():
    solvent = make.classed("某溶剂", "W5.3")
    holding = make.unit()
    make.add(holding, solvent, "100")
    before = make.fresh(holding)
    solvent.refresh_from_db()
    change = services.chemical_update(
        world.actor("admin"),
        chemical_id=solvent.pk,
        expected_version=solvent.version,
        data={"un_number": "1993", "highly_toxic": True},
    )
    assert change.reevaluation.units == 0
    assert make.fresh(holding).version == before.version


def test_a_unit_left_without_a_critical_quantity_is_counted_and_says_why():
    solvent = make.classed("某溶剂", "W5.1")
    holding = make.unit()
    make.add(holding, solvent, "20")  # S 2 → 四级
    change = set_classes(solvent)
    assert (change.reevaluation.units, change.reevaluation.failed) == (1, 1)
    assert "1 个无法辨识" in change.reevaluation.words()
    assert "无法确定临界量" in make.fresh(holding).evaluation_error


def test_many_units_are_reevaluated_by_a_background_job(
    monkeypatch, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(services, "SYNC_UNITS", 1)
    solvent = make.classed("某溶剂", "W5.3")
    units = [make.unit(name=f"{n}号罐区") for n in (1, 2, 3)]
    for unit in units:
        make.add(unit, solvent, "100")
    with django_capture_on_commit_callbacks(execute=True):
        change = set_classes(solvent, "W5.1")
    assert change.reevaluation.job is not None and change.reevaluation.units == 3
    assert {make.fresh(u).grade for u in units} == {""}  # not yet: the job does it

    call_command("worker", batch=True, verbosity=0)

    job = BackgroundJob.objects.get(kind=services.REEVALUATE)
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert job.message == "已重新辨识 3 个单元，其中 3 个级别变化"
    assert job.report == {"units": 3, "regraded": 3, "failed": 0}
    assert {make.fresh(u).grade for u in units} == {"3"}
    assert ChemicalUnit.objects.filter(pk__in=[u.pk for u in units], is_major=True).count() == 3
