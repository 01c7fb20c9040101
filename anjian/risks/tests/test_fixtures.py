"""Demo data: every enterprise gets 2–6 assessed risk points with measures, fast, audited."""

import random
import time

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count

from anjian.enterprises.models import Enterprise
from anjian.risks.fixtures import build_demo_risks
from anjian.risks.models import ControlMeasure, RiskAssessment, RiskPoint
from testsupport import world


def test_every_enterprise_gets_two_to_six_assessed_points_with_measures(admin, enterprises):
    created = build_demo_risks(by=admin, enterprises=Enterprise.objects.all(), rng=random.Random(7))
    counts = dict(
        RiskPoint.objects.values("enterprise_id")
        .annotate(n=Count("id"))
        .values_list("enterprise_id", "n")
    )
    assert set(counts) == set(Enterprise.objects.values_list("pk", flat=True))
    assert all(2 <= n <= 6 for n in counts.values())
    assert created == sum(counts.values())
    assert not RiskPoint.objects.filter(current_rank=0).exists()
    assert not RiskPoint.objects.filter(measures__isnull=True).exists()
    chemical = RiskPoint.objects.filter(enterprise=enterprises["yinhang_chemical"])
    assert {p.library_entry.topic for p in chemical} <= {"危化", "有限空间", "通用"}
    # Each point, measure and assessment has its audit entry, like any other write.
    for model in (RiskPoint, ControlMeasure, RiskAssessment):
        content_type = ContentType.objects.get_for_model(model)
        assert LogEntry.objects.filter(content_type=content_type).count() >= model.objects.count()


def test_enterprises_that_already_have_points_are_skipped(admin, enterprises):
    build_demo_risks(by=admin, enterprises=Enterprise.objects.all(), rng=random.Random(1))
    before = RiskPoint.objects.count()
    assert (
        build_demo_risks(by=admin, enterprises=Enterprise.objects.all(), rng=random.Random(2)) == 0
    )
    assert RiskPoint.objects.count() == before


def test_two_hundred_enterprises_are_built_in_seconds(admin, enterprises):
    # A stand-in for the 2,000-enterprise demo (under a minute): one enterprise 200 times over
    # (which enterprises already have points is read once, at the start).
    started = time.perf_counter()
    created = build_demo_risks(
        by=admin, enterprises=[enterprises["yinhang_chemical"]] * 200, rng=random.Random(3)
    )
    assert created >= 400
    assert time.perf_counter() - started < 20


def test_the_world_actor_sees_the_demo_points_of_their_scope(admin, enterprises):
    build_demo_risks(by=admin, enterprises=Enterprise.objects.all(), rng=random.Random(5))
    mine = RiskPoint.objects.for_user(world.actor("enterprise_manager"))
    assert set(mine.values_list("enterprise_id", flat=True)) == {enterprises["yinhang_chemical"].pk}


def test_the_bulk_audit_diff_equals_auditlogs_own(admin, enterprises):
    from auditlog.diff import model_instance_diff

    from anjian.risks.services.audit import _create_diff, _tracked_fields

    build_demo_risks(by=admin, enterprises=[enterprises["yinhang_chemical"]], rng=random.Random(11))
    for model in (RiskPoint, ControlMeasure, RiskAssessment):
        obj = model.objects.first()
        expected = {k: tuple(v) for k, v in model_instance_diff(None, obj).items()}
        assert _create_diff(obj, _tracked_fields(model)) == expected, model
