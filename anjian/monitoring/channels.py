"""Alarm notices beyond the in-app inbox: SMS and e-mail through pluggable backends.

``MONITORING_ALARM_BACKENDS`` (ANJIAN_MONITORING_ALARM_BACKENDS) lists dotted paths of
callables ``send(recipients, subject, text)``; the default writes to the log (the console
backend). A gateway for SMS or an e-mail sender is one such callable; a failing backend is
logged and never stops ingest. A path that cannot be imported stops start-up (the app's
``ready()`` loads them).
"""

import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.module_loading import import_string

from anjian.monitoring.recipients import step_users

logger = logging.getLogger("anjian.monitoring.alarms")


def console(recipients, subject: str, text: str) -> None:
    logger.info("ALARM NOTICE to %s: %s — %s", ", ".join(recipients), subject, text)


def backends():
    loaded = []
    for path in settings.MONITORING_ALARM_BACKENDS:
        try:
            backend = import_string(path)
        except ImportError as error:
            raise ImproperlyConfigured(
                f"ANJIAN_MONITORING_ALARM_BACKENDS: cannot import {path!r} ({error})"
            ) from None
        if not callable(backend):
            raise ImproperlyConfigured(
                f"ANJIAN_MONITORING_ALARM_BACKENDS: {path!r} is not a send(recipients, "
                "subject, text) callable"
            )
        loaded.append(backend)
    return loaded


def send_alarm(alarm, *, step) -> None:
    """Tell the people of ``step`` (enterprise duty persons, street, district) by every
    configured backend — once the transaction that raised or escalated the alarm has
    committed: a batch rolled back (and retried) must not text anyone about an alarm that
    never existed."""
    transaction.on_commit(lambda: _deliver(alarm, step))


def _deliver(alarm, step) -> None:
    users = step_users(alarm, step)
    recipients = [
        getattr(person, "phone", "") or getattr(person, "email", "") or person.username
        for person in users
    ]
    if not recipients:
        return
    # "1号火灾报警控制器 火警（一级）" / "1号储罐 高高报（一级）", then what it read, at
    # the metric's precision ("液位 9.50 m（阈值 9.20 m）"; a signal: its meaning).
    subject = f"{alarm.device.name} {alarm.level_label}"
    text = f"{alarm.reading_text} {alarm.get_absolute_url()}"
    for backend in backends():
        try:
            backend(recipients, subject, text)
        except Exception:  # a broken gateway must not lose the alarm
            logger.exception("alarm backend %s failed", backend)
