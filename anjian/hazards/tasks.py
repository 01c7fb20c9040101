"""Hazard sweeps as scheduled jobs (declared in config/schedule.py); the work is in sweeps.py."""

from django.tasks import task

from anjian.hazards import sweeps, tally


@task
def remind_hazard_deadlines() -> int:
    return sweeps.remind_due()


@task
def escalate_overdue_hazards() -> int:
    return sweeps.escalate_overdue()


@task
def schedule_hazard_revisits() -> int:
    return sweeps.schedule_revisits() + sweeps.remind_revisits()


@task
def prune_open_tally() -> int:
    return tally.prune_open()
