"""The outbox: messages pushed to upper-level systems (直报), retried until acknowledged.

A service that reports something upward calls ``enqueue`` inside its own transaction: one
row per configured receiver (settings.DIRECT_REPORT_RECEIVERS), so a change that rolls back
sends nothing, and nothing leaves the process before the commit. After the commit a
delivery attempt is queued at once (``deliver_outbox``); the same task also runs every
minute (config/schedule.py) for the retries.

``deliver_due`` is one step of the worker. It claims due messages by pushing their
``next_attempt_at`` forward (a lease) in a short transaction (``SKIP LOCKED`` on
PostgreSQL, so several workers share the work), sends them with no transaction or lock
held, and records each answer in another short statement that compares-and-sets the lease
(a worker whose lease ran out records nothing). Acknowledged means HTTP 2xx; anything else
is retried after 1, 2, 4 … minutes, at most an hour apart, without end: the record page
shows what is still waiting and why. Messages about one object go to one receiver in the
order they were written (a 续报 never overtakes its 快报).

Wire format, signature and the receiver's side: docs/outbox.md.
"""

import hashlib
import hmac
import http.client
import json
import logging
import ssl
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.models import OutboxMessage, OutboxState

logger = logging.getLogger(__name__)

FIRST_RETRY = timedelta(minutes=1)
MAX_RETRY = timedelta(hours=1)
# How long a claimed message is left to its worker; claims are sized so that one batch's
# attempts (each up to a connect and an answer of DIRECT_REPORT_TIMEOUT_SECONDS) fit in it.
LEASE = timedelta(minutes=4)
USER_AGENT = "anjian-outbox/1"


def receivers() -> dict[str, dict]:
    """The configured receivers by name (``{"name", "url", "secret"}``)."""
    return {receiver["name"]: receiver for receiver in settings.DIRECT_REPORT_RECEIVERS}


def enqueue(topic: str, payload: dict, *, subject=None) -> list[OutboxMessage]:
    """Queue ``payload`` under ``topic`` for every configured receiver; returns the rows.

    Call it inside the transaction of the change it reports: the rows commit or roll back
    with it, and the immediate delivery attempt is queued only after the commit. With no
    receiver configured nothing is written. ``subject`` (a saved model instance) is what
    the message is about, for ``messages_for`` on its record page. ``payload`` must be
    JSON (dates and decimals are written as strings).
    """
    if not topic or len(topic) > 60:
        raise ValueError(f"outbox topic {topic!r} must be 1–60 characters")
    if not isinstance(payload, dict):
        raise TypeError("outbox payload must be a dict")
    configured = list(receivers())
    if not configured:
        return []
    subject_type = subject_id = None
    if subject is not None:
        if subject.pk is None:
            raise ValueError("outbox subject must be saved first")
        subject_type = ContentType.objects.get_for_model(subject)
        subject_id = subject.pk
    now = timezone.now()
    messages = OutboxMessage.objects.bulk_create(
        OutboxMessage(
            receiver=name,
            topic=topic,
            payload=payload,
            subject_type=subject_type,
            subject_id=subject_id,
            next_attempt_at=now,
            created_at=now,
        )
        for name in configured
    )
    # robust: the change has committed; a failure to queue the task only delays delivery
    # to the next minute's sweep, and must not be raised at the caller.
    transaction.on_commit(deliver_outbox.enqueue, robust=True)
    return messages


def messages_for(obj) -> QuerySet[OutboxMessage]:
    """The messages about ``obj``, oldest first (its record page shows their state)."""
    return OutboxMessage.objects.filter(
        subject_type=ContentType.objects.get_for_model(obj), subject_id=obj.pk
    ).order_by("created_at", "id")


def state_label(message: OutboxMessage, *, now: datetime | None = None) -> str:
    """The message's delivery state in a sentence, e.g. "已送达 2026-12-05 10:01" or
    "待重试（第3次失败：HTTP 503），下次 10:05"."""
    if message.state == OutboxState.DELIVERED:
        return _("已送达 %(at)s") % {"at": _when(message.delivered_at, now)}
    if message.attempts == 0:
        return _("待发送")
    return _("待重试（第%(n)d次失败：%(error)s），下次 %(at)s") % {
        "n": message.attempts,
        "error": message.last_error,
        "at": _when(message.next_attempt_at, now),
    }


def _when(at: datetime, now: datetime | None) -> str:
    local = timezone.localtime(at)
    if local.date() == timezone.localtime(now or timezone.now()).date():
        return f"{local:%H:%M}"
    return f"{local:%Y-%m-%d %H:%M}"


# --- delivery -----------------------------------------------------------------------------


@task
def deliver_outbox() -> int:
    """Send the due messages (queued after each ``enqueue``, and every minute)."""
    return deliver_due()


def deliver_due(*, now: datetime | None = None, limit: int = 100) -> int:
    """Attempt every due message (at most ``limit``); returns how many were acknowledged.

    ``now`` fixes the clock for the claims and the recorded times (tests); the signature's
    timestamp is always the real time of sending.
    """
    timeout = settings.DIRECT_REPORT_TIMEOUT_SECONDS
    batch = max(1, int(LEASE.total_seconds() // (2 * timeout + 1)))
    opener = _opener()
    configured = receivers()
    attempted = delivered = 0
    while attempted < limit:
        claimed_at = now or timezone.now()
        claimed = _claim(claimed_at, min(batch, limit - attempted))
        if not claimed:
            break
        for message in claimed:
            receiver = configured.get(message.receiver)
            if receiver is None:
                error = _("接收系统未配置：%(name)s") % {"name": message.receiver}
            else:
                error = _send(opener, receiver, message, timeout)
            delivered += _record(message, error, at=now or timezone.now())
        attempted += len(claimed)
    return delivered


def _claim(now: datetime, limit: int) -> list[OutboxMessage]:
    """Lease up to ``limit`` due messages (the oldest of each receiver and subject)."""
    earlier_waiting = OutboxMessage.objects.filter(
        state=OutboxState.PENDING,
        receiver=OuterRef("receiver"),
        subject_type=OuterRef("subject_type"),
        subject_id=OuterRef("subject_id"),
        pk__lt=OuterRef("pk"),
    )
    lease_until = now + LEASE
    with transaction.atomic():
        due = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(state=OutboxState.PENDING, next_attempt_at__lte=now)
            .filter(~Exists(earlier_waiting))
            .order_by("next_attempt_at", "id")[:limit]
        )
        OutboxMessage.objects.filter(pk__in=[message.pk for message in due]).update(
            next_attempt_at=lease_until
        )
    for message in due:
        message.next_attempt_at = lease_until
    return due


def _record(message: OutboxMessage, error: str | None, *, at: datetime) -> int:
    """Write the attempt's outcome if the lease is still ours; 1 when acknowledged."""
    mine = OutboxMessage.objects.filter(
        pk=message.pk, state=OutboxState.PENDING, next_attempt_at=message.next_attempt_at
    )
    if error is None:
        changes = {"state": OutboxState.DELIVERED, "delivered_at": at, "last_error": ""}
    else:
        changes = {"next_attempt_at": at + backoff(message.attempts + 1), "last_error": error}
        logger.warning(
            "outbox message %s to %s not acknowledged: %s",
            message.message_id,
            message.receiver,
            error,
        )
    updated = mine.update(attempts=F("attempts") + 1, last_attempt_at=at, **changes)
    return int(error is None and updated == 1)


def backoff(failures: int) -> timedelta:
    """Wait after the ``failures``-th failed attempt: 1, 2, 4 … minutes, at most an hour."""
    return min(FIRST_RETRY * 2 ** min(max(failures, 1) - 1, 16), MAX_RETRY)


def body(message: OutboxMessage) -> bytes:
    """The bytes sent (and signed): the same on every attempt of the message."""
    envelope = {
        "message_id": str(message.message_id),
        "topic": message.topic,
        "created_at": timezone.localtime(message.created_at).isoformat(),
        "payload": message.payload,
    }
    return json.dumps(
        envelope, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder
    ).encode("utf-8")


def signature(secret: str, timestamp: str, content: bytes) -> str:
    """``sha256=`` and the hex HMAC-SHA256 of ``"<timestamp>.<body>"`` under the secret."""
    digest = hmac.new(
        secret.encode("utf-8"), timestamp.encode("ascii") + b"." + content, hashlib.sha256
    )
    return f"sha256={digest.hexdigest()}"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is not an acknowledgement: urllib would follow a 302 with a GET and take
    the next page's 200 for one. It stays an HTTP 3xx error."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _opener() -> urllib.request.OpenerDirector:
    # A CA bundle (private PKI) replaces the system's trusted roots.
    context = ssl.create_default_context(cafile=settings.DIRECT_REPORT_CA_BUNDLE or None)
    return urllib.request.build_opener(urllib.request.HTTPSHandler(context=context), _NoRedirects())


def _send(opener, receiver: dict, message: OutboxMessage, timeout: int) -> str | None:
    """POST the message; None when the receiver answered 2xx, else why not (in Chinese,
    for the record page)."""
    content = body(message)
    timestamp = str(int(time.time()))
    request = urllib.request.Request(
        receiver["url"],
        data=content,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            "X-Anjian-Message-Id": str(message.message_id),
            "X-Anjian-Topic": message.topic,
            "X-Anjian-Timestamp": timestamp,
            "X-Anjian-Signature": signature(receiver["secret"], timestamp, content),
        },
    )
    try:
        with opener.open(request, timeout=timeout) as response:
            response.read(4096)
    except urllib.error.HTTPError as exc:
        exc.close()
        return f"HTTP {exc.code}"
    except urllib.error.URLError as exc:
        return _network_error(exc.reason, timeout)
    except (OSError, http.client.HTTPException) as exc:
        return _network_error(exc, timeout)
    return None


def _network_error(reason, timeout: int) -> str:
    if isinstance(reason, ssl.SSLCertVerificationError):
        detail = reason.verify_message or str(reason)
        return (_("证书校验失败：%(detail)s") % {"detail": detail})[:300]
    if isinstance(reason, TimeoutError):
        return _("超时（%(seconds)d 秒无应答）") % {"seconds": timeout}
    return (_("连接失败：%(detail)s") % {"detail": reason})[:300]
