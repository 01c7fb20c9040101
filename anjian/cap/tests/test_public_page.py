"""Each issued warning's public page (no login): what it says, in Chinese, on a phone."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anjian.cap.models import CapAlert
from anjian.cap.tests.factories import alert_in, draft, published_update
from anjian.regions.models import Region
from testsupport import world


def public(alert: CapAlert):
    return Client().get(reverse("cap:alert_public", args=[alert.identifier]))


def test_a_published_warning_has_a_public_page_anyone_can_read(db):
    streets = Region.objects.filter(code__in=(world.YINHANG, world.PINGLIANG))
    alert = alert_in("published", areas=list(streets), area_desc="")
    response = public(alert)
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        alert.headline,
        alert.event,
        "预期（一小时内行动）",  # urgency
        "较重（黄色）",  # severity
        "很可能（概率大于50%）",  # certainty
        "杨浦区殷行街道",
        "杨浦区平凉路街道",
        alert.description,
        alert.instruction,
        alert.sender_name,
        f"{timezone.localtime(alert.expires):%Y-%m-%d %H:%M}",
        "失效时间",
        "生效时间",
        reverse("cap:alert_xml", args=[alert.identifier]),
    ):
        assert text in page, text
    assert 'name="viewport"' in page  # phones
    assert "csrfmiddlewaretoken" not in page and "登录" not in page
    assert response["Cache-Control"] == "public, max-age=60"


@pytest.mark.parametrize("state", ["draft", "pending", "discarded"])
def test_an_unpublished_warning_has_no_public_page(state, db):
    alert = alert_in(state)
    for guess in (f"anjian-310110-preview-{alert.pk}", str(alert.pk), alert.identifier or "x"):
        assert Client().get(reverse("cap:alert_public", args=[guess])).status_code == 404


def test_an_unknown_identifier_is_404_and_the_page_writes_nothing(db):
    alert = alert_in("published")
    assert Client().get("/warnings/anjian-310110-19990101000000-1.html").status_code == 404
    assert Client().post(reverse("cap:alert_public", args=[alert.identifier])).status_code == 405


def test_a_superseded_warning_points_to_its_update(db):
    original = alert_in("published")
    update = published_update(original, headline="更新后的预警")
    original.refresh_from_db()
    page = public(original).content.decode()
    assert "此预警已被更新" in page
    assert reverse("cap:alert_public", args=[update.identifier]) in page


def test_a_cancelled_warning_points_to_its_cancel_message_and_back(db):
    cancelled = alert_in("cancelled")
    cancel = CapAlert.objects.get(replaces=cancelled)
    page = public(cancelled).content.decode()
    assert "此预警已取消" in page
    assert reverse("cap:alert_public", args=[cancel.identifier]) in page
    message = public(cancel).content.decode()
    assert "【取消】" in message and "风险已解除" in message
    assert reverse("cap:alert_public", args=[cancelled.identifier]) in message


def test_the_platform_page_links_to_the_public_page(client_for, leader):
    alert = alert_in("published")
    page = client_for(leader).get(alert.get_absolute_url()).content.decode()
    assert reverse("cap:alert_public", args=[alert.identifier]) in page
    unpublished = client_for(leader).get(draft().get_absolute_url()).content.decode()
    assert "公开页面" not in unpublished


def test_the_page_is_the_same_for_everyone_and_may_be_cached(client_for, leader):
    alert = alert_in("published")
    signed_in = client_for(leader).get(reverse("cap:alert_public", args=[alert.identifier]))
    anonymous = public(alert)
    assert signed_in.content == anonymous.content
    assert signed_in["Cache-Control"] == anonymous["Cache-Control"] == "public, max-age=60"
