"""The next person is told at every hand-off of a hazard: once per person per event, never
the person who acted, and every notice names the hazard and its enterprise."""

from datetime import timedelta

import pytest
from django.utils import timezone

from anjian.core.models import Notification
from anjian.hazards import notices, services, sweeps
from anjian.hazards.choices import Grade, State
from anjian.hazards.models import Revisit
from anjian.hazards.tests.factories import hazard_in, photo, register_data, report
from anjian.hazards.tests.support import major_clause
from testsupport import world


@pytest.fixture(autouse=True)
def media(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def told(kind: str) -> list[str]:
    """Who got a notice of ``kind``, by username, one entry per notice."""
    return sorted(
        Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True)
    )


def only(kind: str) -> Notification:
    (notice,) = Notification.objects.filter(kind=kind)
    return notice


def test_an_enterprise_reporting_a_major_hazard_tells_its_supervisors_and_street():
    manager = world.actor("enterprise_manager")

    hazard = report(by=manager, clauses=[major_clause().pk])

    assert hazard.grade == Grade.MAJOR
    # The supervising department's official (also 安委办) once, the street's office once.
    assert told("hazard_major_reported") == ["district_official", "street_officer"]
    notice = Notification.objects.filter(kind="hazard_major_reported").first()
    assert hazard.title in notice.title
    assert world.enterprise("yinhang_chemical").name in notice.body
    assert hazard.number in notice.body


def test_a_general_hazard_the_enterprise_reports_tells_nobody_yet():
    report(by=world.actor("enterprise_manager"))

    assert Notification.objects.count() == 0


def test_registering_tells_the_enterprise_its_deadline_and_not_the_registrar():
    official = world.actor("district_official")
    hazard = report(by=official)

    services.hazard_register(
        by=official, hazard_id=hazard.pk, expected_version=None, **register_data()
    )

    notice = only("hazard_registered")
    assert notice.recipient.username == "enterprise_manager"
    hazard.refresh_from_db()
    assert hazard.deadline.isoformat() in notice.body


def test_the_enterprise_registering_its_own_hazard_is_not_told_about_it():
    manager = world.actor("enterprise_manager")
    hazard = report(by=manager)

    services.hazard_register(
        by=manager, hazard_id=hazard.pk, expected_version=None, **register_data()
    )

    assert told("hazard_registered") == []


def test_acceptance_tells_the_enterprise():
    hazard = hazard_in(State.CLOSED)

    notice = only("hazard_accepted")
    assert notice.recipient.username == "enterprise_manager"
    assert hazard.title in notice.title


def test_a_double_submitted_acceptance_tells_once():
    hazard = hazard_in(State.AWAITING_ACCEPTANCE)
    official = world.actor("district_official")
    version = hazard.version
    for _ in range(2):  # the kernel replays the same user's second submit
        services.hazard_accept(
            by=official, hazard_id=hazard.pk, expected_version=version, acceptance_note="合格"
        )

    assert told("hazard_accepted") == ["enterprise_manager"]


def test_an_extension_request_tells_the_approvers_and_the_decision_tells_the_requester():
    hazard = hazard_in(State.RECTIFYING)
    manager = world.actor("enterprise_manager")
    wanted = hazard.deadline + timedelta(days=10)

    extension = services.extension_request(
        by=manager, hazard_id=hazard.pk, requested_deadline=wanted, reason="设备到货延迟"
    )

    assert told("hazard_extension") == ["district_official"]
    assert wanted.isoformat() in only("hazard_extension").body
    services.extension_decide(
        by=world.actor("district_official"), extension_id=extension.pk, approve=True, reason="同意"
    )
    notice = only("hazard_extension_decided")
    assert notice.recipient.username == "enterprise_manager"
    assert "已批准" in notice.title
    assert wanted.isoformat() in notice.body
    assert hazard.enterprise.name in notice.body


def test_a_person_holding_two_rungs_of_the_overdue_ladder_is_told_once():
    # district_official is both the supervising department's official and the 安委办.
    hazard = hazard_in(State.RECTIFYING)

    assert sweeps.escalate_overdue(today=hazard.deadline + timedelta(days=10)) == 1

    assert told("hazard_overdue") == ["district_official", "enterprise_manager", "inspector"]


def test_a_reminder_says_how_soon_the_deadline_falls_and_names_the_enterprise():
    hazard = hazard_in(State.RECTIFYING)

    sweeps.remind_due(today=hazard.deadline - timedelta(days=2))

    notice = only("hazard_due")
    assert f"2 天后到期（{hazard.deadline.isoformat()}）" in notice.title
    assert hazard.enterprise.name in notice.body


def test_a_revisit_reminder_says_whether_the_date_is_past_or_coming():
    hazard = hazard_in(State.CLOSED, grade=Grade.MAJOR)
    revisit = Revisit.objects.get(hazard=hazard)

    sweeps.remind_revisits(today=revisit.due_on - timedelta(days=5))
    coming = only("hazard_revisit_due")
    assert "5 天后到期" in coming.title
    assert hazard.enterprise.name in coming.body

    sweeps.remind_revisits(today=revisit.due_on + timedelta(days=25))
    past = Notification.objects.filter(kind="hazard_revisit_due").exclude(pk=coming.pk).get()
    assert f"已逾期 25 天（{revisit.due_on.isoformat()}）" in past.title


def test_when_reads_past_today_and_coming():
    today = timezone.localdate()
    assert notices.when(today - timedelta(days=3), today).startswith("已逾期 3 天")
    assert notices.when(today, today).startswith("今天到期")
    assert notices.when(today + timedelta(days=1), today).startswith("1 天后到期")


def test_a_rejection_tells_the_enterprise_the_reason():
    hazard = hazard_in(State.AWAITING_ACCEPTANCE)

    services.hazard_reject(
        by=world.actor("district_official"),
        hazard_id=hazard.pk,
        expected_version=None,
        reason="防护罩未安装",
    )

    notice = only("hazard_rejected")
    assert notice.recipient.username == "enterprise_manager"
    assert "防护罩未安装" in notice.body


def test_submitting_for_government_acceptance_tells_the_supervisors():
    manager = world.actor("enterprise_manager")
    hazard = hazard_in(State.RECTIFYING, grade=Grade.MAJOR)

    services.hazard_submit(
        by=manager,
        hazard_id=hazard.pk,
        expected_version=None,
        rectification_note="已整改",
        photos=[photo("整改后.jpg")],
    )

    assert told("hazard_awaiting_acceptance") == ["district_official"]
