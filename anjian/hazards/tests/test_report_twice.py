"""A report form posted twice (a double tap, a resent request) records one hazard: the
form's one-time key (``ReportForm.report_token``) makes ``hazard_report`` return the
hazard of the first post; the ``hazard_report_once`` constraint settles two that race."""

import re
import uuid

import pytest
from django.urls import reverse

from anjian.hazards.choices import State
from anjian.hazards.models import Hazard, HazardPhoto, HazardTransition
from anjian.hazards.services import report as report_service
from anjian.hazards.tests.factories import photo, report
from testsupport import world

TITLE = "储罐区可燃气体报警器离线"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def form_key(client) -> str:
    """The one-time key of a freshly shown report form."""
    enterprise = world.enterprise("yinhang_chemical").pk
    page = client.get(reverse("hazards:hazard_report"), {"enterprise": enterprise})
    match = re.search(r'name="report_token" value="([0-9a-f-]{36})"', page.content.decode())
    assert match, "the report form carries no one-time key"
    return match.group(1)


def posted(key: str, **extra) -> dict:
    return {
        "enterprise": world.enterprise("yinhang_chemical").pk,
        "report_token": key,
        "source": "patrol",
        "title": TITLE,
        "description": "2号储罐区可燃气体检测报警器显示离线",
        "location": "2号储罐区",
        "category": "2",
        "found_at": "",
        "photos": [photo()],
        **extra,
    }


def test_the_same_form_posted_twice_records_one_hazard(client_for, inspector):
    client = client_for(inspector)
    key = form_key(client)
    first = client.post(reverse("hazards:hazard_report"), posted(key))
    second = client.post(reverse("hazards:hazard_report"), posted(key))
    assert first.status_code == second.status_code == 302
    hazard = Hazard.objects.get(title=TITLE)
    assert first["Location"] == second["Location"] == hazard.get_absolute_url()
    assert HazardPhoto.objects.filter(hazard=hazard).count() == 1
    assert HazardTransition.objects.filter(hazard=hazard, action="report").count() == 1


def test_a_form_shown_again_is_a_new_report(client_for, inspector):
    client = client_for(inspector)
    first_key, second_key = form_key(client), form_key(client)
    assert first_key != second_key
    client.post(reverse("hazards:hazard_report"), posted(first_key))
    client.post(reverse("hazards:hazard_report"), posted(second_key))
    assert Hazard.objects.filter(title=TITLE).count() == 2


def test_a_form_corrected_after_errors_keeps_its_key_and_records_once(client_for, inspector):
    client = client_for(inspector)
    key = form_key(client)
    refused = client.post(reverse("hazards:hazard_report"), posted(key, title=""))
    assert refused.status_code == 422
    assert f'value="{key}"' in refused.content.decode()
    client.post(reverse("hazards:hazard_report"), posted(key))
    client.post(reverse("hazards:hazard_report"), posted(key))
    assert Hazard.objects.filter(title=TITLE).count() == 1


def test_a_hazard_fixed_on_the_spot_posted_twice_is_closed_once(client_for, district_official):
    client = client_for(district_official)
    key = form_key(client)
    for _ in range(2):  # a browser sends the files again with the second post
        on_the_spot = {
            "fixed_on_spot": "on",
            "rectification_note": "现场重启报警器并恢复在线",
            "after_photos": [photo("后.jpg", (10, 200, 10))],
        }
        response = client.post(reverse("hazards:hazard_report"), posted(key, **on_the_spot))
        assert response.status_code == 302
    hazard = Hazard.objects.get(title=TITLE)
    assert hazard.state == State.CLOSED
    closes = HazardTransition.objects.filter(hazard=hazard, action="close_on_spot")
    assert closes.count() == 1


def test_two_users_may_send_the_same_key(district_official, inspector):
    key = uuid.uuid4()
    report(by=district_official, report_token=key)
    report(by=inspector, report_token=key)
    assert Hazard.objects.filter(report_token=key).count() == 2


def test_a_report_without_a_key_is_not_deduplicated(district_official):
    report(by=district_official)
    report(by=district_official)
    assert Hazard.objects.filter(title="配电箱门未关闭").count() == 2


def test_the_loser_of_a_race_returns_the_winners_hazard(district_official, monkeypatch):
    """Both posts looked the key up before either saved: the second insert breaks the
    constraint, its savepoint rolls back, and it finds the first one's hazard."""
    key = uuid.uuid4()
    first = report(by=district_official, report_token=key)
    looked_up = report_service._reported_with
    calls = []

    def not_yet_seen(by, token):
        calls.append(token)
        return None if len(calls) == 1 else looked_up(by, token)

    monkeypatch.setattr(report_service, "_reported_with", not_yet_seen)
    second = report(by=district_official, report_token=key)
    assert second.pk == first.pk
    assert len(calls) == 2
    assert Hazard.objects.filter(report_token=key).count() == 1
    assert HazardTransition.objects.filter(hazard=first, action="report").count() == 1
