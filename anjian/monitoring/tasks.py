"""Monitoring sweeps as scheduled jobs (declared in config/schedule.py)."""

from django.tasks import task

from anjian.monitoring import partitions, sweeps


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
