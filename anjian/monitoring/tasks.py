"""Monitoring sweeps as scheduled jobs (declared in config/schedule.py)."""

from datetime import timedelta

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from anjian.monitoring import broker, partitions, sweeps
from anjian.monitoring.models import TelemetryAuthFailure


@task
def escalate_alarms() -> int:
    return sweeps.escalate_alarms()


@task
def detect_offline_devices() -> int:
    return sweeps.detect_offline()


@task
def maintain_reading_partitions() -> dict:
    return partitions.ensure()


@task
def detect_flat_lines() -> int:
    return sweeps.detect_flat_lines()


@task
def sync_broker_auth() -> dict:
    """Rewrite the broker's logins when the registry changed (devices added or switched
    off, tokens rotated) and tell the broker to reload. Nothing to do unless
    ANJIAN_BROKER_AUTH_DIR is set (the broker runs elsewhere, or HTTP ingest only)."""
    if not settings.BROKER_AUTH_DIR:
        return {"configured": False}
    written = broker.write_auth(settings.BROKER_KIND, settings.BROKER_AUTH_DIR)
    reloaded = None
    if written.changed and settings.BROKER_PID_FILE:
        reloaded = broker.reload(settings.BROKER_PID_FILE)
    return {"logins": written.logins, "changed": written.changed, "reloaded": reloaded}


@task
def prune_telemetry_auth_failures() -> int:
    """Counts of failed telemetry logins (with source addresses) older than 90 days."""
    cutoff = timezone.now() - timedelta(days=90)
    return TelemetryAuthFailure.objects.filter(last_at__lt=cutoff).delete()[0]
