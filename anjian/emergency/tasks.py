"""The plans' and drills' sweeps as scheduled jobs (declared in config/schedule.py with
their time limits); the work is in sweeps.py."""

from django.tasks import task

from anjian.emergency import sweeps


@task
def remind_plan_deadlines() -> int:
    return sweeps.remind_filing() + sweeps.remind_assessment()


@task
def remind_drills() -> int:
    return sweeps.remind_drill_problems() + sweeps.remind_drills_owed()
