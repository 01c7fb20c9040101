"""The API of reach: a warning's deliveries and figures, reach across warnings, and the SMS
gateway's receipts (its own token, no user)."""

import pytest
from django.db import transaction
from django.utils import timezone

from anjian.cap import channels, delivery
from anjian.cap.models import CapDelivery, DeliveryState
from anjian.cap.tests.test_delivery_support import (
    CONSOLE,
    RECEIPT_TOKEN,
    build_people,
    publish,
)
from testsupport import world

pytestmark = pytest.mark.django_db
RECEIPTS = "/api/v1/warnings/receipts"


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """A warning for 殷行街道 sent through the console channel: its texts are sent, its
    e-mail delivered, the landline and the user without an address failed."""
    with django_db_blocker.unblock(), transaction.atomic(), channels.only([CONSOLE]):
        build_people()
        alert = publish(world.YINHANG)
        delivery.deliver_due(now=timezone.now())
        yield alert
        transaction.set_rollback(True)


@pytest.fixture
def receipts_on(settings):
    settings.CAP_SMS_RECEIPT_TOKEN = RECEIPT_TOKEN


def test_a_warnings_deliveries_page_by_page_and_by_state(built, api_client_for):
    client = api_client_for(world.actor("district_official"))
    url = f"/api/v1/warnings/{built.pk}/deliveries"
    everything = client.get(url, {"page_size": 5}).json()
    assert everything["count"] == 10 and len(everything["items"]) == 5
    failed = client.get(url, {"state": "failed"}).json()
    assert failed["count"] == 2
    assert {row["channel"] for row in failed["items"]} == {"console", "none"}
    subscribers = client.get(url, {"kind": "subscriber"}).json()["items"]
    assert {row["address"] for row in subscribers} == {
        "134****0001",
        "134****0002",
        "r***@example.cn",
    }
    assert client.get(url, {"counted": "delivered"}).json()["count"] == 1
    assert client.get(url, {"state": "lost"}).status_code == 422


def test_a_warnings_reach_in_all_by_channel_and_by_street(built, api_client_for):
    answer = api_client_for(world.actor("district_official")).get(
        f"/api/v1/warnings/{built.pk}/reach"
    )
    body = answer.json()
    assert body["target"] == 95.0
    assert body["total"] == {
        "intended": 10,
        "sent": 8,
        "delivered": 1,
        "reach": 10.0,
        "sent_rate": 80.0,
    }
    assert {row["key"]: row["intended"] for row in body["by_channel"]} == {"console": 9, "none": 1}
    assert {row["key"]: row["intended"] for row in body["by_area"]} == {
        world.YANGPU: 1,
        world.YINHANG: 9,
    }


def test_reach_across_warnings_of_a_period(built, api_client_for):
    client = api_client_for(world.actor("district_official"))
    body = client.get("/api/v1/warnings/reach").json()
    assert body["total"]["intended"] == 10
    assert [(w["id"], w["intended"], w["delivered"]) for w in body["warnings"]] == [
        (built.pk, 10, 1)
    ]
    later = client.get("/api/v1/warnings/reach", {"since": "2099-01-01"}).json()
    assert later["total"]["intended"] == 0 and later["warnings"] == []
    assert client.get("/api/v1/warnings/reach", {"since": "not-a-date"}).status_code == 422


def test_a_street_officer_counts_their_street_and_the_neighbour_gets_404(built, api_client_for):
    street = api_client_for(world.actor("street_officer"))
    assert street.get(f"/api/v1/warnings/{built.pk}/reach").json()["total"]["intended"] == 9
    neighbour = api_client_for(world.actor("neighbour_official"))
    for tail in ("deliveries", "reach"):
        assert neighbour.get(f"/api/v1/warnings/{built.pk}/{tail}").status_code == 404
    assert neighbour.get("/api/v1/warnings/reach").json()["total"]["intended"] == 0


# --- receipts --------------------------------------------------------------------------------


def post_receipts(client, body, token=RECEIPT_TOKEN):
    headers = {"X-Anjian-Receipt-Token": token} if token is not None else {}
    return client.post(RECEIPTS, body, content_type="application/json", headers=headers)


def test_the_gateway_reports_delivery_with_its_token(built, client, receipts_on):
    sent = CapDelivery.objects.filter(alert=built, state=DeliveryState.SENT).order_by("pk")
    first, second = sent[0], sent[1]
    body = {
        "receipts": [
            {"message_id": str(first.key), "status": "delivered"},
            {"message_id": str(second.key), "status": "failed", "error": "空号"},
            {"message_id": "unknown", "status": "delivered"},
        ]
    }
    answer = post_receipts(client, body)
    assert answer.status_code == 200
    assert answer.json() == {"updated": 2, "unchanged": 0, "unknown": ["unknown"]}
    assert CapDelivery.objects.get(pk=first.pk).state == DeliveryState.DELIVERED
    assert CapDelivery.objects.get(pk=second.pk).last_error == "空号"
    assert post_receipts(client, body).json()["unchanged"] == 2  # repeated: counted once


@pytest.mark.parametrize("token", [None, "", "wrong-token", RECEIPT_TOKEN + "x"])
def test_receipts_without_the_right_token_change_nothing(built, client, receipts_on, token):
    sent = CapDelivery.objects.filter(alert=built, state=DeliveryState.SENT).first()
    body = {"receipts": [{"message_id": str(sent.key), "status": "failed"}]}
    answer = post_receipts(client, body, token=token)
    assert answer.status_code == 401 and answer.json() == {"detail": "回执令牌错误"}
    assert CapDelivery.objects.get(pk=sent.pk).state == DeliveryState.SENT


def test_with_no_receipt_token_configured_nobody_reports(built, client, settings):
    settings.CAP_SMS_RECEIPT_TOKEN = ""
    assert post_receipts(client, {"receipts": []}, token="").status_code == 401


def test_a_receipt_body_that_is_not_receipts_is_refused(built, client, receipts_on):
    assert post_receipts(client, {"receipts": [{"message_id": "x"}]}).status_code == 422
