"""The home page's 待办 panel (issue 11, item 6): each role sees what waits for it, and
every count opens exactly the records it counts — followed through the real list pages."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from anjian.cap.tests.factories import alert_in
from anjian.hazards import services
from anjian.hazards.choices import Grade, State
from anjian.hazards.models import Revisit
from anjian.hazards.tests.factories import hazard_in, photo, register_data, report
from anjian.monitoring.tests.factories import plain_alarm, plain_device
from testsupport import world

pytestmark = pytest.mark.django_db

TODO_LINK = re.compile(
    r'<a\b[^>]*href="([^"]+)"[^>]*data-todo="(\w+)"[^>]*>.*?<div class="h2[^"]*">([\d,]+)</div>',
    re.S,
)


@pytest.fixture
def waiting(db, settings, tmp_path):
    """Something waits in every box: hazards to register and accept (one the enterprise may
    accept itself), an extension to decide, a revisit due, a warning to sign, an alarm."""
    settings.MEDIA_ROOT = tmp_path
    manager = world.actor("enterprise_manager")
    hazard_in(State.REPORTED)
    hazard_in(State.AWAITING_ACCEPTANCE, grade=Grade.MAJOR)
    own = report(by=manager)
    services.hazard_register(by=manager, hazard_id=own.pk, expected_version=None, **register_data())
    services.hazard_start(by=manager, hazard_id=own.pk, expected_version=None)
    services.hazard_submit(
        by=manager,
        hazard_id=own.pk,
        expected_version=None,
        rectification_note="已整改",
        photos=[photo("整改后.jpg")],
    )
    late = hazard_in(State.RECTIFYING)
    services.extension_request(
        by=manager,
        hazard_id=late.pk,
        requested_deadline=late.deadline + timedelta(days=10),
        reason="设备到货延迟",
    )
    closed = hazard_in(State.CLOSED, grade=Grade.MAJOR)  # schedules its 回头看, due soon:
    Revisit.objects.filter(hazard=closed).update(due_on=timezone.localdate() + timedelta(days=5))
    hazard_in(State.REPORTED, by=world.actor("admin"), enterprise=world.enterprise("hongkou_shop"))
    alert_in("pending")
    plain_alarm(plain_device(world.enterprise("yinhang_chemical"), "TK-TODO"))


def panel(client, user) -> dict[str, tuple[str, int]]:
    html = client.get(reverse("web:home")).content.decode()
    return {
        key: (unescape(href), int(count.replace(",", "")))
        for href, key, count in TODO_LINK.findall(html)
    }


def listed(client, href: str) -> int:
    """How many records the page behind ``href`` lists (whatever the list)."""
    response = client.get(href)
    assert response.status_code == 200, href
    context = response.context
    if "table" in context:
        return context["table"].paginator.count
    if "page" in context:
        return context["page"].paginator.count
    return len(context["alerts"])


@pytest.mark.parametrize("actor", world.ACTORS)
def test_every_count_opens_the_records_it_counts(waiting, client_for, actor):
    user = world.actor(actor)
    client = client_for(user)
    shown = panel(client, user)
    wrong = {key: (n, listed(client, href)) for key, (href, n) in shown.items()}
    wrong = {key: pair for key, pair in wrong.items() if pair[0] != pair[1]}
    assert not wrong, f"{actor}: 待办 count ≠ its list (shown, listed): {wrong}"


def test_the_enterprise_sees_its_own_work(waiting, client_for):
    user = world.actor("enterprise_manager")
    shown = panel(client_for(user), user)

    assert set(shown) == {"register", "accept", "alarms"}
    assert shown["register"][1] == 1
    assert shown["accept"][1] == 1  # its own general hazard, not the major one
    assert shown["alarms"][1] == 1


def test_the_district_official_sees_every_box_of_its_district(waiting, client_for):
    user = world.actor("district_official")
    shown = panel(client_for(user), user)

    assert list(shown) == ["register", "accept", "extension", "warnings", "alarms", "revisit"]
    assert shown["register"][1] == 1  # its district's reported hazard, not Hongkou's
    assert shown["accept"][1] == 2
    assert shown["extension"][1] == 1
    assert shown["revisit"][1] == 1


def test_the_leader_signs_warnings_and_registers_nothing(waiting, client_for):
    user = world.actor("leader")
    shown = panel(client_for(user), user)

    assert "warnings" in shown
    assert "register" not in shown
    assert "accept" not in shown


def test_an_official_of_another_district_sees_none_of_it(waiting, client_for):
    user = world.actor("neighbour_official")
    shown = panel(client_for(user), user)

    assert shown["register"][1] == 1  # Hongkou's own
    assert shown["accept"][1] == 0
    assert shown["extension"][1] == 0
    assert shown["alarms"][1] == 0
