"""Accident sweeps as scheduled jobs (declared in config/schedule.py); the work is in
sweeps.py."""

from django.tasks import task

from anjian.accidents import sweeps


@task
def remind_accident_reporting() -> int:
    return sweeps.remind_overdue_steps() + sweeps.remind_follow_ups()


@task
def remind_accident_investigations() -> int:
    return sweeps.remind_investigations()
