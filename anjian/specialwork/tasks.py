"""The permits' sweep as a scheduled job (declared in config/schedule.py with its time
limit); the work is in sweeps.py."""

from django.tasks import task

from anjian.specialwork import sweeps


@task
def expire_permits() -> int:
    return sweeps.expire_permits()
