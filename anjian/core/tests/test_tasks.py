"""Housekeeping tasks (anjian/core/tasks.py): each deletes what it should, nothing else, and
is harmless when run twice. Called through ``Task.call()`` — the function a worker runs."""

import os
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from anjian.core import tasks
from anjian.core.models import BackgroundJob, JobStatus, PeriodicRun


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def ago(**kwargs):
    return timezone.now() - timedelta(**kwargs)


# --- clear_expired_sessions --------------------------------------------------------------------


def make_session(key: str, expires):
    return Session.objects.create(session_key=key, session_data="e30:", expire_date=expires)


def test_clear_expired_sessions_deletes_only_expired_sessions(db):
    make_session("expired" * 4, ago(minutes=1))
    make_session("longgone" * 4, ago(days=40))
    make_session("alive" * 4, timezone.now() + timedelta(minutes=29))
    assert tasks.clear_expired_sessions.call() == 2
    assert list(Session.objects.values_list("session_key", flat=True)) == ["alive" * 4]
    assert tasks.clear_expired_sessions.call() == 0


def test_clear_expired_sessions_keeps_a_logged_in_users_session(client_for, leader):
    client = client_for(leader)
    assert client.get("/").status_code == 200
    tasks.clear_expired_sessions.call()
    assert client.get("/").status_code == 200


# --- prune_task_results ------------------------------------------------------------------------


def task_result(status: str, finished=None, started=None) -> DBTaskResult:
    result = tasks.clear_expired_sessions.enqueue().db_result
    DBTaskResult.objects.filter(pk=result.pk).update(
        status=status, finished_at=finished, started_at=started
    )
    return result


def test_prune_task_results_deletes_finished_results_older_than_thirty_days(db):
    old_success = task_result("SUCCESSFUL", finished=ago(days=31))
    old_failure = task_result("FAILED", finished=ago(days=31))
    recent = task_result("SUCCESSFUL", finished=ago(days=29))
    waiting = task_result("READY")
    running = task_result("RUNNING", started=ago(days=40))
    assert tasks.prune_task_results.call() == 2
    left = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert left == {recent.pk, waiting.pk, running.pk}
    assert old_success.pk not in left and old_failure.pk not in left


def test_prune_task_results_deletes_old_periodic_slots_only(db):
    PeriodicRun.objects.create(job="prune_task_results", slot=ago(days=31))
    PeriodicRun.objects.create(job="prune_task_results", slot=ago(days=1))
    assert tasks.prune_task_results.call() == 1
    assert PeriodicRun.objects.count() == 1
    assert PeriodicRun.objects.get().slot > ago(days=2)
    assert tasks.prune_task_results.call() == 0


# --- purge_job_files ---------------------------------------------------------------------------


def job_with_files(user, *, finished=None) -> BackgroundJob:
    job = BackgroundJob(
        kind="enterprise_import",
        created_by=user,
        status=JobStatus.SUCCEEDED if finished else JobStatus.RUNNING,
        finished_at=finished,
        report={"created": 3},
    )
    job.input_file.save("upload.xlsx", ContentFile(b"input"), save=False)
    job.output_file.save("errors.xlsx", ContentFile(b"output"), save=False)
    job.save()
    return job


def test_purge_job_files_deletes_the_files_of_jobs_finished_over_thirty_days_ago(media, leader):
    old = job_with_files(leader, finished=ago(days=31))
    paths = [old.input_file.path, old.output_file.path]
    recent = job_with_files(leader, finished=ago(days=29))
    running = job_with_files(leader)
    BackgroundJob.objects.filter(pk=running.pk).update(created_at=ago(days=60))

    assert tasks.purge_job_files.call() == 1

    old.refresh_from_db()
    assert not old.input_file and not old.output_file
    assert not any(os.path.exists(path) for path in paths)
    assert old.report == {"created": 3}  # the record and its report stay
    for job in (recent, running):
        job.refresh_from_db()
        assert job.input_file.read() == b"input"
        assert job.output_file.read() == b"output"


def test_purge_job_files_is_idempotent(media, leader):
    job_with_files(leader, finished=ago(days=31))
    assert tasks.purge_job_files.call() == 1
    assert tasks.purge_job_files.call() == 0


def test_purge_job_files_handles_a_job_with_only_an_output_file(media, leader):
    job = BackgroundJob.objects.create(
        kind="enterprise_export", created_by=leader, finished_at=ago(days=45)
    )
    job.output_file.save("ledger.xlsx", ContentFile(b"ledger"))
    path = job.output_file.path
    assert tasks.purge_job_files.call() == 1
    job.refresh_from_db()
    assert not job.output_file
    assert not os.path.exists(path)


# --- prune_login_attempts ----------------------------------------------------------------------


def attempt(model, when, username="someone", **extra):
    row = model.objects.create(
        user_agent="pytest",
        ip_address="10.0.0.1",
        username=username,
        http_accept="*/*",
        path_info="/accounts/login/",
        **extra,
    )
    model.objects.filter(pk=row.pk).update(attempt_time=when)
    return row


def test_prune_login_attempts_deletes_login_records_older_than_ninety_days(db):
    attempt(AccessAttempt, ago(days=91), get_data="", post_data="", failures_since_start=5)
    kept_attempt = attempt(
        AccessAttempt, ago(days=89), "other", get_data="", post_data="", failures_since_start=1
    )
    attempt(AccessFailureLog, ago(days=120))
    kept_failure = attempt(AccessFailureLog, ago(days=1))
    attempt(AccessLog, ago(days=400))
    recent_login = attempt(AccessLog, ago(days=10))

    assert tasks.prune_login_attempts.call() == 3

    assert list(AccessAttempt.objects.values_list("pk", flat=True)) == [kept_attempt.pk]
    assert list(AccessFailureLog.objects.values_list("pk", flat=True)) == [kept_failure.pk]
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [recent_login.pk]
    assert tasks.prune_login_attempts.call() == 0


# --- fail_stuck_jobs ---------------------------------------------------------------------------


def test_fail_stuck_jobs_fails_a_job_running_long_past_its_limit(leader):
    stuck = BackgroundJob.objects.create(
        kind="enterprise_import",
        created_by=leader,
        status=JobStatus.RUNNING,
        started_at=ago(days=1),
    )
    assert tasks.fail_stuck_jobs.call() == 1
    assert tasks.fail_stuck_jobs.call() == 0
    stuck.refresh_from_db()
    assert stuck.status == JobStatus.FAILED
    assert stuck.message.startswith("任务在执行中被中断")
