"""Publishing writes a warning's deliveries (once per address and channel, after the commit
they are sent); the sender's leases, retries with back-off and giving up; receipts."""

import json
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from anjian.cap import channels, delivery, services
from anjian.cap.models import NO_CHANNEL, CapDelivery, DeliveryState, RecipientKind
from anjian.cap.tests.test_delivery_support import (
    EMAIL,
    SMS,
    YINHANG_EMAILS,
    YINHANG_PHONES,
    build_people,
    configure,
    publish,
    start_gateway,
)
from testsupport import world

pytestmark = pytest.mark.django_db


class Broken(channels.Channel):
    """A channel plugin with a bug."""

    name = "broken"
    kinds = (channels.PHONE,)

    def send(self, message):
        raise KeyError("oops")


@pytest.fixture(scope="module")
def server():
    gateway, _thread = start_gateway()
    yield gateway
    gateway.shutdown()
    gateway.server_close()


@pytest.fixture(scope="module")
def people(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_people()
        transaction.set_rollback(True)


@pytest.fixture
def gateway(server, settings, people):
    server.reset()
    configure(settings, server, SMS, EMAIL)
    return server


def rows(alert, **filters) -> list[CapDelivery]:
    return list(CapDelivery.objects.filter(alert=alert, **filters).order_by("pk"))


def fresh(row: CapDelivery) -> CapDelivery:
    return CapDelivery.objects.get(pk=row.pk)


# --- queueing --------------------------------------------------------------------------------


def test_publishing_writes_one_delivery_per_address_and_channel_and_sends_only_after_commit(
    gateway, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        alert = publish(world.YINHANG)
        assert not DBTaskResult.objects.exists()
    assert gateway.received == []  # the task sends; publishing never does
    assert "anjian.cap.delivery.deliver_warnings" in DBTaskResult.objects.values_list(
        "task_path", flat=True
    )
    assert len(callbacks) >= 1
    assert {d.address for d in rows(alert, channel="sms")} == YINHANG_PHONES
    assert {d.address for d in rows(alert, channel="email")} == YINHANG_EMAILS
    (silent,) = rows(alert, channel=NO_CHANNEL)
    assert (silent.address, silent.state) == (f"user:{people['silent'].pk}", "failed")
    assert silent.last_error.startswith("无可用联系方式")


def test_an_address_on_several_lists_is_told_once_under_the_first(gateway, people):
    alert = publish(world.YINHANG)
    (officer,) = rows(alert, channel="sms", address="13900000001")
    assert officer.recipient_kind == RecipientKind.OFFICIAL  # not the 楼组长's contact entry
    assert officer.scope_region_code == officer.area_code == world.YINHANG
    assert len(rows(alert)) == len({(d.channel, d.address) for d in rows(alert)})


def test_a_landline_fails_at_once_without_an_attempt(gateway, people):
    alert = publish(world.YINHANG)
    (clinic,) = rows(alert, address="02165000000")
    assert (clinic.state, clinic.attempts, clinic.last_error) == (
        DeliveryState.FAILED,
        0,
        "不是手机号码，不能接收短信",
    )
    assert clinic.failed_at is not None


@pytest.mark.parametrize("status", ["Test", "System", "Draft"])
def test_test_system_and_draft_messages_reach_nobody(status, gateway, people):
    assert rows(publish(world.YINHANG, status=status)) == []


def test_a_publication_rolled_back_writes_no_delivery_and_sends_nothing(
    gateway, people, django_capture_on_commit_callbacks
):
    before = CapDelivery.objects.count()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        publish(world.YINHANG)
        raise RuntimeError("refused")
    assert callbacks == [] and CapDelivery.objects.count() == before


# --- sending ---------------------------------------------------------------------------------


def test_texts_go_to_the_gateway_and_emails_to_the_mail_server(gateway, people, mailoutbox):
    alert = publish(world.YINHANG)
    now = timezone.now()
    accepted = delivery.deliver_due(now=now)
    texts = rows(alert, channel="sms", state=DeliveryState.SENT)
    assert {d.address for d in texts} == YINHANG_PHONES - {"02165000000"}
    assert accepted == len(texts) + len(YINHANG_EMAILS)
    assert all(d.sent_at == now and d.attempts == 1 and d.provider_id for d in texts)
    assert {d.state for d in rows(alert, channel="email")} == {DeliveryState.DELIVERED}
    assert sorted(m.to[0] for m in mailoutbox) == sorted(YINHANG_EMAILS)
    bodies = {b["to"]: b for b in gateway.bodies()}
    assert bodies.keys() == {d.address for d in texts}
    text = bodies["13900000001"]["text"]
    assert text.startswith(f"【杨浦区应急管理局】{alert.headline}：")
    assert f"/warnings/{alert.identifier}.html" in text and len(text) <= delivery.SMS_LENGTH
    assert "退订" not in text
    assert "/warnings/subscribe/token-13400000001/cancel/" in bodies["13400000001"]["text"]
    assert delivery.deliver_due(now=now + timedelta(hours=1)) == 0  # nothing twice
    assert len(gateway.received) == len(texts)


def test_a_failed_attempt_is_retried_with_back_off_until_the_limit(gateway, people, settings):
    settings.CAP_CHANNELS = [SMS]
    alert = publish(world.YINHANG)
    gateway.answers.extend([503] * 100)
    waiting = len(rows(alert, state=DeliveryState.QUEUED))
    t0 = timezone.now()
    assert delivery.deliver_due(now=t0) == 0
    queued = rows(alert, state=DeliveryState.QUEUED)
    assert len(queued) == waiting
    assert {(d.attempts, d.last_error, d.next_attempt_at) for d in queued} == {
        (1, "HTTP 503", t0 + timedelta(minutes=1))
    }
    assert delivery.deliver_due(now=t0 + timedelta(seconds=30)) == 0
    assert len(gateway.received) == waiting  # not due yet: nothing sent
    delivery.deliver_due(now=t0 + timedelta(minutes=1))
    assert {d.next_attempt_at for d in rows(alert, state=DeliveryState.QUEUED)} == {
        t0 + timedelta(minutes=3)
    }
    delivery.deliver_due(now=t0 + timedelta(minutes=3))  # the third attempt: the limit
    failed = rows(alert, channel="sms", state=DeliveryState.FAILED, attempts=3)
    assert len(failed) == waiting
    assert {(d.last_error, d.failed_at) for d in failed} == {
        ("HTTP 503", t0 + timedelta(minutes=3))
    }
    delivery.deliver_due(now=t0 + timedelta(hours=5))
    assert len(gateway.received) == 3 * waiting


def test_a_gateway_back_after_a_failure_takes_the_retry(gateway, people, settings):
    settings.CAP_CHANNELS = [SMS]
    alert = publish(world.YINHANG)
    waiting = len(rows(alert, state=DeliveryState.QUEUED))
    gateway.answers.extend([500] * waiting)
    t0 = timezone.now()
    delivery.deliver_due(now=t0)
    assert delivery.deliver_due(now=t0 + timedelta(minutes=1)) == waiting
    sent = rows(alert, state=DeliveryState.SENT)
    assert len(sent) == waiting and {(d.attempts, d.last_error) for d in sent} == {(2, "")}


def test_a_broken_channel_plugin_is_a_failed_attempt_not_a_stopped_worker(gateway, settings):
    settings.CAP_CHANNELS = [f"{__name__}.Broken", SMS]
    alert = publish(world.YINHANG)
    delivery.deliver_due(now=timezone.now())
    broken = rows(alert, channel="broken")
    assert broken and {(d.state, d.last_error) for d in broken} == {
        (DeliveryState.QUEUED, "渠道程序出错（详见日志）")
    }
    assert rows(alert, channel="sms", state=DeliveryState.SENT)


def test_a_channel_removed_from_the_settings_leaves_its_deliveries_failing(gateway, settings):
    alert = publish(world.YINHANG)
    settings.CAP_CHANNELS = [SMS]
    delivery.deliver_due(now=timezone.now())
    assert {d.last_error for d in rows(alert, channel="email")} == {"渠道未配置：email"}


def test_a_claim_is_a_lease_that_another_worker_skips(gateway, people):
    publish(world.YINHANG)
    now = timezone.now()
    claimed = delivery._claim(now, 1000)
    assert claimed and delivery._claim(now, 1000) == []
    assert {d.next_attempt_at for d in claimed} == {now + delivery.LEASE}
    assert delivery._claim(now + delivery.LEASE, 1000)  # the lease ran out: due again


def test_a_worker_whose_lease_ran_out_records_nothing(gateway, people):
    publish(world.YINHANG)
    now = timezone.now()
    mine = delivery._claim(now, 1)[0]
    CapDelivery.objects.filter(pk=mine.pk).update(next_attempt_at=now + timedelta(hours=1))
    assert delivery._record(mine, channels.Outcome.sent("gw-9"), at=now) == 0
    assert delivery._record(mine, channels.Outcome.failed("HTTP 500"), at=now) == 0
    row = fresh(mine)
    assert (row.state, row.attempts, row.provider_id) == (DeliveryState.QUEUED, 0, "")


def test_a_cancelled_warning_is_not_sent_any_more_but_its_cancel_message_is(gateway, people):
    alert = publish(world.YINHANG)
    cancel = services.alert_cancel(
        by=world.actor("leader"), alert_id=alert.pk, expected_version=alert.version, reason="解除"
    )
    delivery.deliver_due(now=timezone.now())
    assert {(d.state, d.last_error) for d in rows(alert, channel="sms", attempts=1)} == {
        (DeliveryState.FAILED, "预警已“已取消”，不再发送")
    }
    sent = rows(cancel, channel="sms", state=DeliveryState.SENT)
    assert {d.address for d in sent} == YINHANG_PHONES - {"02165000000"}
    texts = [json.loads(r["body"])["text"] for r in gateway.received]
    assert texts and all("【取消】" in text and "解除" in text for text in texts)


def test_an_expired_warning_is_not_sent(gateway, people):
    alert = publish(world.YINHANG)
    delivery.deliver_due(now=alert.expires + timedelta(minutes=1))
    assert {d.last_error for d in rows(alert, channel="sms", attempts=1)} == {
        "预警已失效，不再发送"
    }
    assert gateway.received == []


def test_an_exercise_says_so_in_every_text(gateway, people):
    publish(world.YINHANG, status="Exercise")
    delivery.deliver_due(now=timezone.now())
    texts = [b["text"] for b in gateway.bodies()]
    assert texts and all(t.startswith("【杨浦区应急管理局】【演练】") for t in texts)


# --- receipts --------------------------------------------------------------------------------


def sent_texts(gateway) -> list[CapDelivery]:
    alert = publish(world.YINHANG)
    delivery.deliver_due(now=timezone.now())
    return rows(alert, channel="sms", state=DeliveryState.SENT)


def test_receipts_deliver_or_fail_what_was_sent_and_repeat_harmlessly(gateway, people):
    first, second, third, *_rest = sent_texts(gateway)
    at = "2026-12-05T10:01:00+08:00"
    report = [
        {"message_id": str(first.key), "status": "delivered", "at": at},
        {"message_id": str(second.key), "status": "failed", "error": "空号"},
        {"id": third.provider_id, "status": "DELIVERED"},  # the gateway's own id
        {"message_id": "00000000-0000-0000-0000-000000000000", "status": "delivered"},
        {"message_id": str(first.key), "status": "exploded"},
    ]
    answer = delivery.receipts_record(report)
    assert answer == {
        "updated": 3,
        "unchanged": 0,
        "unknown": ["00000000-0000-0000-0000-000000000000", str(first.key)],
    }
    first, second, third = fresh(first), fresh(second), fresh(third)
    assert (first.state, first.delivered_at.isoformat()) == (
        "delivered",
        "2026-12-05T02:01:00+00:00",
    )
    assert (second.state, second.last_error) == ("failed", "空号")
    assert second.failed_at is not None and third.state == "delivered"
    again = delivery.receipts_record([{"message_id": str(second.key), "status": "delivered"}])
    assert again == {"updated": 0, "unchanged": 1, "unknown": []}
    assert fresh(second).state == "failed"  # a final state stays


def test_a_receipt_faster_than_the_record_of_its_sending_is_kept(gateway, people):
    publish(world.YINHANG)
    now = timezone.now()
    mine = delivery._claim(now, 1)[0]
    delivery.receipts_record([{"message_id": str(mine.key), "status": "delivered"}])
    assert delivery._record(mine, channels.Outcome.sent("gw-1"), at=now) == 1
    row = fresh(mine)
    assert (row.state, row.sent_at, row.attempts, row.provider_id) == (
        DeliveryState.DELIVERED,
        now,
        1,
        "gw-1",
    )
