"""Telemetry that does not authenticate (an unknown device code, a wrong token).

Such a request is answered 401 and *counted* — one ``TelemetryAuthFailure`` row per
source address, device code and reason — never stored with its body: a flood of bad
requests grows a counter, not a table. An address that fails more than
``TELEMETRY_AUTH_FAILURES_PER_MINUTE`` times in a minute is answered 429 for the rest of
that minute straight from the cache, without touching the database. A device with a valid
token is never limited, whoever shares its address.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from anjian.monitoring.models import TelemetryAuthFailure

logger = logging.getLogger("anjian.monitoring.refusals")
WINDOW_SECONDS = 60


def _window_key(source: str) -> str:
    window = int(timezone.now().timestamp()) // WINDOW_SECONDS
    return f"telemetry-refused:{source}:{window}"


def over_limit(source: str) -> bool:
    """Whether ``source`` has used up its failures for this minute (read-only)."""
    return (cache.get(_window_key(source)) or 0) >= settings.TELEMETRY_AUTH_FAILURES_PER_MINUTE


def refuse(*, source: str, device_code: str, reason: str) -> bool:
    """Count one failed attempt. Returns True when the address is over its limit: the
    caller answers 429 and nothing was written."""
    key = _window_key(source)
    cache.add(key, 0, WINDOW_SECONDS * 2)
    try:
        seen = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS * 2)
        seen = 1
    limit = settings.TELEMETRY_AUTH_FAILURES_PER_MINUTE
    if seen > limit:
        if seen == limit + 1:
            logger.warning("telemetry from %s: %s failed in a minute, now refused", source, seen)
        return True
    _count(source, device_code[:64], reason)
    return False


def _count(source: str, device_code: str, reason: str) -> None:
    now = timezone.now()
    key = {"source": source, "device_code": device_code, "reason": reason}
    with transaction.atomic():
        if TelemetryAuthFailure.objects.filter(**key).update(count=F("count") + 1, last_at=now):
            return
        try:
            with transaction.atomic():
                TelemetryAuthFailure.objects.create(**key, count=1, first_at=now, last_at=now)
        except IntegrityError:  # a concurrent request created the row first
            TelemetryAuthFailure.objects.filter(**key).update(count=F("count") + 1, last_at=now)
