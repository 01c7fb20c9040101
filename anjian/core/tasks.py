"""Housekeeping jobs (declared in config/schedule.py). Each is idempotent."""

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from anjian.core import jobs
from anjian.core.models import BackgroundJob, PeriodicRun

RETENTION = timedelta(days=30)


@task
def clear_expired_sessions() -> int:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@task
def prune_task_results() -> int:
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - RETENTION
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    deleted += PeriodicRun.objects.filter(slot__lt=cutoff).delete()[0]
    return deleted


@task
def purge_job_files() -> int:
    """Delete uploaded/generated files of jobs finished more than 30 days ago."""
    old = BackgroundJob.objects.filter(finished_at__lt=timezone.now() - RETENTION).filter(
        ~Q(input_file="") | ~Q(output_file="")
    )
    purged = 0
    for job in old.iterator():
        for field in (job.input_file, job.output_file):
            if field:
                field.delete(save=False)
        job.save(update_fields=["input_file", "output_file"])
        purged += 1
    return purged


@task
def fail_stuck_jobs() -> int:
    """User jobs left "running" past their time limit (their worker was killed) → failed."""
    return jobs.fail_stuck_jobs()


@task
def prune_login_attempts() -> int:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    cutoff = timezone.now() - timedelta(days=90)
    deleted = AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()[0]
    deleted += AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()[0]
    deleted += AccessLog.objects.filter(attempt_time__lt=cutoff).delete()[0]
    return deleted
