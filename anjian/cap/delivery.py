"""A published warning reaches people: its deliveries, sent after the commit, with receipts.

``queue_for`` is called by the services inside the transaction that publishes a message
(an Alert, an Update or a Cancel; status Actual or Exercise — Test, System and Draft
messages reach nobody): every recipient of its area (``recipients.resolve``) gets one
``CapDelivery`` per configured channel that takes one of their addresses, once per address
and channel whichever lists it is on. An address a channel can never take (a landline for
a text) fails at once; a recipient no channel can reach gets one failed row of their own
(``NO_CHANNEL``), so that the reach figures count them as intended and not reached. The
rows commit or roll back with the warning; the first sending is queued after the commit.

``deliver_due`` is one step of the worker (the task ``deliver_warnings``: queued after each
publication and run every minute for the retries). Like the outbox (core/outbox.py) it
claims due deliveries by pushing their ``next_attempt_at`` forward — a lease, with
``SKIP LOCKED`` on PostgreSQL so that several workers share the work — sends with no
transaction or lock held (each attempt bounded by CAP_DELIVERY_TIMEOUT_SECONDS), and
records each outcome with a statement that compares-and-sets the lease. A failed attempt
is retried after 1, 2, 4 … minutes (``outbox.backoff``) until CAP_DELIVERY_MAX_ATTEMPTS,
then the delivery fails with the last error. A warning cancelled, superseded or expired
before its turn is not sent any more (its successor is).

``receipts_record`` applies the SMS gateway's delivery reports (the receipt endpoint).
"""

import logging
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.cap import channels, recipients
from anjian.cap.choices import MsgType, State, Status
from anjian.cap.models import NO_CHANNEL, CapAlert, CapDelivery, DeliveryState
from anjian.core.outbox import backoff
from anjian.regions.choices import RegionLevel
from anjian.regions.levels import is_at_or_below, street_of

logger = logging.getLogger("anjian.cap.delivery")

SENDABLE = (Status.ACTUAL, Status.EXERCISE)
LEASE = timedelta(minutes=4)
SMS_LENGTH = 300
NO_ADDRESS = gettext_lazy("无可用联系方式（没有本平台已开通渠道可用的手机号码或电子邮箱）")


def max_attempts() -> int:
    return int(settings.CAP_DELIVERY_MAX_ATTEMPTS)


# --- queueing --------------------------------------------------------------------------------


def _address(channel: channels.Channel, recipient) -> tuple[str, str] | None:
    """(kind, address) the channel would use for the recipient: the first of its kinds
    the recipient has that it can take, else the first they have (to record why not)."""
    found = []
    for kind in channel.kinds:
        raw = {
            channels.PHONE: recipient.phone,
            channels.EMAIL: recipient.email,
            channels.ENDPOINT: recipient.endpoint,
        }[kind]
        if not raw:
            continue
        if kind == channels.PHONE:
            raw = channels.normalise_phone(raw)
        elif kind == channels.EMAIL:
            raw = raw.strip().lower()
        if not channel.refusal(kind, raw):
            return kind, raw
        found.append((kind, raw))
    return found[0] if found else None


def area_code(region_code: str) -> str:
    """The street a recipient is counted under (a district when they are above streets)."""
    return (
        street_of(region_code) if is_at_or_below(region_code, RegionLevel.STREET) else region_code
    )


def plan(alert: CapAlert, found: list, loaded: list[channels.Channel], *, now) -> list[CapDelivery]:
    """The delivery rows for the recipients ``found``: one per (channel, address)."""
    rows: list[CapDelivery] = []
    seen: set[tuple[str, str]] = set()

    def add(recipient, channel_name: str, address: str, refusal: str = "") -> None:
        if (channel_name, address) in seen:
            return
        seen.add((channel_name, address))
        rows.append(
            CapDelivery(
                alert=alert,
                channel=channel_name,
                address=address[:254],
                recipient_kind=recipient.kind,
                name=recipient.name[:200],
                subscription_id=recipient.subscription_id,
                scope_region_code=recipient.region_code,
                area_code=area_code(recipient.region_code),
                state=DeliveryState.FAILED if refusal else DeliveryState.QUEUED,
                last_error=refusal[:300],
                failed_at=now if refusal else None,
                next_attempt_at=now,
                created_at=now,
            )
        )

    for recipient in found:
        reachable = False
        for channel in loaded:
            chosen = _address(channel, recipient)
            if chosen is None:
                continue
            reachable = True
            kind, address = chosen
            add(recipient, channel.name, address, str(channel.refusal(kind, address)))
        if not reachable:
            add(recipient, NO_CHANNEL, recipient.ref, str(NO_ADDRESS))
    return rows


def queue_for(alert: CapAlert) -> int:
    """Write the deliveries of a message being published (inside its transaction);
    returns how many. The first sending is queued after the commit."""
    if alert.status not in SENDABLE:
        return 0
    loaded = channels.configured()
    systems = {}
    for channel in loaded:
        systems.update(getattr(channel, "endpoints", {}))
    now = timezone.now()
    rows = plan(alert, recipients.resolve(alert, systems=systems), loaded, now=now)
    CapDelivery.objects.bulk_create(rows, batch_size=500)
    if any(row.state == DeliveryState.QUEUED for row in rows):
        transaction.on_commit(deliver_warnings.enqueue, robust=True)
    return len(rows)


# --- what is sent ----------------------------------------------------------------------------


def _prefix(alert: CapAlert) -> str:
    parts = []
    if alert.status == Status.EXERCISE:
        parts.append(_("【演练】"))
    if alert.msg_type == MsgType.CANCEL:
        parts.append(_("【取消】"))
    elif alert.msg_type == MsgType.UPDATE:
        parts.append(_("【更新】"))
    return "".join(parts)


def public_page(alert: CapAlert) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("cap:alert_public", args=[alert.identifier])


def _cancel_link(delivery: CapDelivery) -> str:
    if delivery.subscription is None:
        return ""
    link = reverse("cap:subscription_cancel", args=[delivery.subscription.token])
    return _(" 退订：%(url)s") % {"url": settings.SITE_URL.rstrip("/") + link}


def message(delivery: CapDelivery) -> channels.Message:
    """The text (short, for a phone), the e-mail body and the CAP XML of a delivery."""
    alert = delivery.alert
    head = f"【{alert.sender_name}】{_prefix(alert)}{alert.headline}"
    tail = _(" 详情：%(url)s") % {"url": public_page(alert)} + _cancel_link(delivery)
    if alert.msg_type == MsgType.CANCEL:
        content = alert.note or _("该预警已取消。")
    else:
        content = f"{alert.description} {alert.instruction}"
    room = SMS_LENGTH - len(head) - len(tail) - 1
    short = content if len(content) <= room else content[: max(room - 1, 0)] + "…"
    lines = [
        head,
        "",
        alert.description if alert.msg_type != MsgType.CANCEL else content,
        "",
        _("防御指南：%(t)s") % {"t": alert.instruction},
        _("影响区域：%(a)s") % {"a": alert.area_desc},
        _("失效时间：%(t)s") % {"t": f"{timezone.localtime(alert.expires):%Y-%m-%d %H:%M}"},
        tail.strip(),
    ]
    return channels.Message(
        key=str(delivery.key),
        address=delivery.address,
        subject=f"{_prefix(alert)}{alert.headline}",
        text=f"{head}：{short}{tail}",
        body="\n".join(lines),
        document=alert.xml.encode("utf-8"),
    )


# --- sending ---------------------------------------------------------------------------------


@task
def deliver_warnings() -> int:
    """Send the due deliveries (queued after each publication, and every minute)."""
    return deliver_due()


def deliver_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Attempt every due delivery (at most ``limit``); returns how many were accepted or
    delivered. ``now`` fixes the clock for claims and recorded times (tests)."""
    loaded = {channel.name: channel for channel in channels.configured()}
    timeout = int(settings.CAP_DELIVERY_TIMEOUT_SECONDS)
    batch = max(1, int(LEASE.total_seconds() // (2 * timeout + 1)))
    attempted = accepted = 0
    while attempted < limit:
        claimed = _claim(now or timezone.now(), min(batch, limit - attempted))
        if not claimed:
            break
        for delivery in claimed:
            outcome = _attempt(delivery, loaded, now=now or timezone.now())
            accepted += _record(delivery, outcome, at=now or timezone.now())
        attempted += len(claimed)
    return accepted


def _claim(now: datetime, limit: int) -> list[CapDelivery]:
    lease_until = now + LEASE
    with transaction.atomic():
        due = list(
            CapDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(state=DeliveryState.QUEUED, next_attempt_at__lte=now)
            .select_related("alert", "subscription")
            .order_by("next_attempt_at", "id")[:limit]
        )
        CapDelivery.objects.filter(pk__in=[d.pk for d in due]).update(next_attempt_at=lease_until)
    for delivery in due:
        delivery.next_attempt_at = lease_until
    return due


def _attempt(delivery: CapDelivery, loaded: dict, *, now) -> channels.Outcome:
    alert = delivery.alert
    if alert.state != State.PUBLISHED:
        return channels.Outcome.failed(
            _("预警已“%(s)s”，不再发送") % {"s": alert.get_state_display()}, final=True
        )
    if alert.expires <= now:
        return channels.Outcome.failed(_("预警已失效，不再发送"), final=True)
    channel = loaded.get(delivery.channel)
    if channel is None:
        return channels.Outcome.failed(_("渠道未配置：%(c)s") % {"c": delivery.channel})
    try:
        return channel.send(message(delivery))
    except Exception:  # a broken channel plugin must not stop the other deliveries
        logger.exception("CAP channel %s failed on delivery %s", delivery.channel, delivery.pk)
        return channels.Outcome.failed(_("渠道程序出错（详见日志）"))


def _record(delivery: CapDelivery, outcome: channels.Outcome, *, at: datetime) -> int:
    """Write the attempt's outcome if the lease is still ours; 1 when accepted."""
    lease = {"pk": delivery.pk, "next_attempt_at": delivery.next_attempt_at}
    done = {"attempts": F("attempts") + 1, "last_attempt_at": at}
    if outcome.state:
        changes = {**done, "sent_at": at, "provider_id": outcome.provider_id, "last_error": ""}
        if outcome.state == DeliveryState.DELIVERED:
            changes |= {"state": DeliveryState.DELIVERED, "delivered_at": at}
        else:
            # A receipt may have come back before this write (then it keeps its state).
            changes["state"] = Case(
                When(state=DeliveryState.QUEUED, then=Value(DeliveryState.SENT)),
                default=F("state"),
            )
        return CapDelivery.objects.filter(**lease, sent_at__isnull=True).update(**changes)
    logger.warning("CAP delivery %s by %s failed: %s", delivery.pk, delivery.channel, outcome.error)
    mine = CapDelivery.objects.filter(**lease, state=DeliveryState.QUEUED)
    if outcome.final or delivery.attempts + 1 >= max_attempts():
        mine.update(**done, state=DeliveryState.FAILED, failed_at=at, last_error=outcome.error)
    else:
        retry_at = at + backoff(delivery.attempts + 1)
        mine.update(**done, next_attempt_at=retry_at, last_error=outcome.error)
    return 0


# --- receipts --------------------------------------------------------------------------------

RECEIPT_STATES = {"delivered": DeliveryState.DELIVERED, "failed": DeliveryState.FAILED}


def _find(reference: str):
    try:
        return CapDelivery.objects.filter(key=uuid.UUID(reference))
    except ValueError:
        return CapDelivery.objects.filter(provider_id=reference) if reference else None


@transaction.atomic
def receipts_record(items: list[dict], *, now: datetime | None = None) -> dict:
    """Apply the gateway's reports ``[{"message_id" (ours) or "id" (the gateway's),
    "status": "delivered" | "failed", "error", "at"}]`` to deliveries still waiting for
    one (queued or sent); a report about a delivery already final changes nothing.
    Returns the counts and the references not recognised."""
    now = now or timezone.now()
    updated, unchanged, unknown = 0, 0, []
    for item in items:
        reference = str(item.get("message_id") or item.get("id") or "").strip()[:100]
        state = RECEIPT_STATES.get(str(item.get("status", "")).strip().lower())
        found = _find(reference)
        if state is None or found is None or not found.exists():
            unknown.append(reference)
            continue
        at = parse_datetime(str(item.get("at") or "")) or now
        if timezone.is_naive(at):
            at = timezone.make_aware(at)
        changes = {"state": state}
        if state == DeliveryState.DELIVERED:
            changes |= {"delivered_at": at, "last_error": ""}
        else:
            error = str(item.get("error") or "") or _("网关报告未送达")
            changes |= {"failed_at": at, "last_error": error[:300]}
        waiting = found.filter(state__in=(DeliveryState.QUEUED, DeliveryState.SENT))
        changed = waiting.update(**changes)
        updated += changed
        unchanged += int(not changed)
    return {"updated": updated, "unchanged": unchanged, "unknown": unknown}
