"""The periodic sweeps, stepped directly with a chosen ``today`` (STYLE habit 11)."""

from datetime import timedelta

import pytest

from anjian.core.models import Notification
from anjian.hazards import sweeps
from anjian.hazards.choices import EscalationTarget, Grade, State
from anjian.hazards.models import EscalationRule, HazardTransition, Revisit
from anjian.hazards.tests.factories import hazard_in
from anjian.regions.models import Region
from testsupport import world


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def notices(username: str, kind: str) -> int:
    return Notification.objects.filter(recipient__username=username, kind=kind).count()


def test_the_owner_is_reminded_once_before_the_deadline(db):
    hazard = hazard_in(State.RECTIFYING)
    day_before = hazard.deadline - timedelta(days=2)
    assert sweeps.remind_due(today=day_before) == 1
    assert notices("enterprise_manager", "hazard_due") == 1
    assert sweeps.remind_due(today=day_before) == 0
    assert sweeps.remind_due(today=hazard.deadline) == 0
    assert notices("enterprise_manager", "hazard_due") == 1


def test_nobody_is_reminded_while_the_deadline_is_far(db):
    hazard = hazard_in(State.REGISTERED)
    assert sweeps.remind_due(today=hazard.deadline - timedelta(days=10)) == 0
    assert notices("enterprise_manager", "hazard_due") == 0


def test_a_general_hazard_climbs_the_default_ladder_one_rung_at_a_time(db):
    hazard = hazard_in(State.RECTIFYING)
    deadline = hazard.deadline
    assert sweeps.escalate_overdue(today=deadline) == 0  # due today is not overdue
    assert sweeps.escalate_overdue(today=deadline + timedelta(days=1)) == 1
    hazard.refresh_from_db()
    assert hazard.escalation_level == 1
    assert notices("enterprise_manager", "hazard_overdue") == 1
    assert notices("district_official", "hazard_overdue") == 0
    assert sweeps.escalate_overdue(today=deadline + timedelta(days=2)) == 0
    assert sweeps.escalate_overdue(today=deadline + timedelta(days=3)) == 1
    hazard.refresh_from_db()
    assert hazard.escalation_level == 2
    # The supervising department (杨浦区应急管理局) is told: its official and inspector.
    assert notices("district_official", "hazard_overdue") == 1
    assert notices("inspector", "hazard_overdue") == 1
    assert notices("leader", "hazard_overdue") == 0
    assert sweeps.escalate_overdue(today=deadline + timedelta(days=7)) == 1
    hazard.refresh_from_db()
    assert hazard.escalation_level == 3
    assert notices("district_official", "hazard_overdue") == 2  # now as 安委办 too
    assert sweeps.escalate_overdue(today=deadline + timedelta(days=30)) == 0
    rungs = HazardTransition.objects.filter(hazard=hazard, action="escalate")
    assert [t.data["level"] for t in rungs] == [1, 2, 3]


def test_a_hazard_found_late_reaches_every_rung_at_once_in_order(db):
    hazard = hazard_in(State.REGISTERED)
    assert sweeps.escalate_overdue(today=hazard.deadline + timedelta(days=10)) == 1
    rungs = HazardTransition.objects.filter(hazard=hazard, action="escalate")
    assert [t.data["target"] for t in rungs] == ["owner", "department", "committee"]


def test_an_overdue_major_hazard_escalates_to_the_district_within_three_days(db):
    hazard = hazard_in(State.RECTIFYING, grade=Grade.MAJOR)
    sweeps.escalate_overdue(today=hazard.deadline + timedelta(days=1))
    hazard.refresh_from_db()
    assert hazard.escalation_level == 2
    sweeps.escalate_overdue(today=hazard.deadline + timedelta(days=3))
    hazard.refresh_from_db()
    assert hazard.escalation_level == 3


def test_a_district_can_set_its_own_ladder(db):
    yangpu = Region.objects.get(code=world.YANGPU)
    EscalationRule.objects.create(region=yangpu, days_overdue=5, target=EscalationTarget.OWNER)
    EscalationRule.objects.create(region=yangpu, days_overdue=20, target=EscalationTarget.COMMITTEE)
    hazard = hazard_in(State.RECTIFYING)
    assert sweeps.escalate_overdue(today=hazard.deadline + timedelta(days=4)) == 0
    assert sweeps.escalate_overdue(today=hazard.deadline + timedelta(days=5)) == 1
    assert sweeps.escalate_overdue(today=hazard.deadline + timedelta(days=19)) == 0
    assert sweeps.escalate_overdue(today=hazard.deadline + timedelta(days=20)) == 1
    hazard.refresh_from_db()
    assert hazard.escalation_level == 3
    assert notices("inspector", "hazard_overdue") == 0  # no department rung in this ladder


def test_a_second_worker_running_the_same_sweep_escalates_nothing_twice(db):
    hazard = hazard_in(State.RECTIFYING)
    day = hazard.deadline + timedelta(days=3)
    assert sweeps.escalate_overdue(today=day) == 1
    assert sweeps.escalate_overdue(today=day) == 0
    assert HazardTransition.objects.filter(hazard=hazard, action="escalate").count() == 2
    assert notices("district_official", "hazard_overdue") == 1


def test_closed_and_void_hazards_are_never_escalated(db):
    closed = hazard_in(State.CLOSED)
    void = hazard_in(State.VOID)
    assert sweeps.escalate_overdue(today=closed.deadline + timedelta(days=40)) == 0
    assert void.escalation_level == 0


def test_a_closed_major_hazard_missing_its_revisit_gets_one_and_only_one(db):
    hazard = hazard_in(State.CLOSED, grade=Grade.MAJOR)
    assert Revisit.objects.filter(hazard=hazard).count() == 1  # scheduled on acceptance
    Revisit.objects.filter(hazard=hazard).delete()
    assert sweeps.schedule_revisits() == 1
    assert sweeps.schedule_revisits() == 0
    revisit = Revisit.objects.get(hazard=hazard)
    assert not revisit.sampled
    assert (revisit.due_on - hazard.closed_at.date()).days <= 365


def test_general_hazards_are_sampled_stably_for_revisits(db, settings):
    settings.HAZARD_REVISIT_SAMPLE_PERCENT = 100
    hazard = hazard_in(State.CLOSED)
    assert sweeps.schedule_revisits() == 1
    assert Revisit.objects.get(hazard=hazard).sampled
    settings.HAZARD_REVISIT_SAMPLE_PERCENT = 0
    other = hazard_in(State.CLOSED)
    assert sweeps.schedule_revisits() == 0
    assert not Revisit.objects.filter(hazard=other).exists()


def test_the_district_is_reminded_of_revisits_falling_due(db):
    hazard = hazard_in(State.CLOSED, grade=Grade.MAJOR)
    revisit = Revisit.objects.get(hazard=hazard)
    assert sweeps.remind_revisits(today=revisit.due_on - timedelta(days=60)) == 0
    assert sweeps.remind_revisits(today=revisit.due_on - timedelta(days=10)) >= 1
    assert notices("district_official", "hazard_revisit_due") == 1
    sweeps.remind_revisits(today=revisit.due_on - timedelta(days=9))
    assert notices("district_official", "hazard_revisit_due") == 1


def test_the_periodic_jobs_are_declared_with_a_reason():
    from config.schedule import PERIODIC_JOBS

    names = {job.name: job for job in PERIODIC_JOBS}
    for name in ("remind_hazard_deadlines", "escalate_overdue_hazards", "schedule_hazard_revisits"):
        assert names[name].why


def test_a_district_official_sets_the_ladder_of_their_district_on_its_page(
    client_for, district_official
):
    from django.urls import reverse

    client = client_for(district_official)
    url = reverse("hazards:escalation_rules")
    response = client.post(
        url, {"region": world.YANGPU, "grade": "", "target": "committee", "days_overdue": "10"}
    )
    assert response.status_code == 302
    rule = EscalationRule.objects.get(region_id=world.YANGPU, target="committee")
    assert rule.days_overdue == 10
    rungs = sweeps.ladder(district=world.YANGPU, grade=Grade.GENERAL)
    assert [(r.days, r.target) for r in rungs] == [(10, "committee")]
    assert "+10天" in client.get(url).content.decode()
    assert client.post(url, {"remove": rule.pk}).status_code == 302
    assert not EscalationRule.objects.filter(pk=rule.pk).exists()


def test_nobody_sets_the_ladder_of_another_district(client_for, district_official, street_officer):
    # The city default (region "") is refused with 403: test_escalation_city_wide.py.
    from django.urls import reverse

    url = reverse("hazards:escalation_rules")
    for user, region in (
        (district_official, world.HONGKOU),
        (street_officer, world.YANGPU),
    ):
        response = client_for(user).post(
            url, {"region": region, "grade": "", "target": "owner", "days_overdue": "1"}
        )
        assert response.status_code == 422, (user, region)
    assert not EscalationRule.objects.exists()


def test_a_negative_number_of_days_is_refused_in_chinese(client_for, admin):
    from django.urls import reverse

    response = client_for(admin).post(
        reverse("hazards:escalation_rules"),
        {"region": "", "grade": "major", "target": "owner", "days_overdue": "-1"},
    )
    assert response.status_code == 422
    assert "0" in response.content.decode()
    assert not EscalationRule.objects.exists()
