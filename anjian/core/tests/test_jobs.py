"""Background jobs users start and watch (anjian/core/jobs.py, core:job_detail/job_download)."""

import time
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from anjian.core import jobs
from anjian.core.jobs import (
    SWEEPS_QUEUE,
    USER_JOBS_QUEUE,
    JobFailed,
    JobProgress,
    job_finish,
    job_handler,
    job_start,
    run_background_job,
)
from anjian.core.models import BackgroundJob, JobStatus
from anjian.regions.models import Department

KIND = "pytest_job"
RAN = []


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def handler():
    """Register a real handler for the test's job kind (and remove it afterwards)."""
    RAN.clear()

    def register(func):
        job_handler(KIND)(func)
        return func

    yield register
    jobs.HANDLERS.pop(KIND, None)
    jobs.TIME_LIMITS.pop(KIND, None)


def succeed(job, progress):
    progress.total(3)
    for done in range(1, 4):
        progress.step(done, f"第 {done} 行")
    RAN.append(job.pk)
    job_finish(job, report={"rows": 3}, output=b"result", filename="result.xlsx")


# --- starting a job ----------------------------------------------------------------------------


def test_job_start_records_a_queued_job_and_enqueues_it_after_commit(
    handler, leader, media, django_capture_on_commit_callbacks
):
    handler(succeed)
    upload = SimpleUploadedFile("单位.xlsx", b"PK\x03\x04data")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = job_start(kind=KIND, by=leader, params={"mode": "all"}, upload=upload)
        assert not DBTaskResult.objects.exists()  # nothing is queued before the commit
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    assert job.params == {"mode": "all"}
    assert job.created_by == leader
    assert job.input_file.read() == b"PK\x03\x04data"
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "anjian.core.jobs.run_background_job"
    assert queued.args_kwargs == {"args": [], "kwargs": {"job_id": job.pk}}


def test_job_start_refuses_an_unknown_kind(leader):
    with pytest.raises(ValueError, match="unknown job kind"):
        job_start(kind="no_such_kind", by=leader, params={})
    assert not BackgroundJob.objects.exists()


# --- running it --------------------------------------------------------------------------------


def test_running_a_job_reports_progress_and_its_result(handler, leader, media):
    handler(succeed)
    job = BackgroundJob.objects.create(kind=KIND, created_by=leader)
    run_background_job.call(job_id=job.pk)
    job.refresh_from_db()
    assert [job.pk] == RAN
    assert job.status == JobStatus.SUCCEEDED
    assert (job.total, job.done, job.message) == (3, 3, "第 3 行")
    assert job.report == {"rows": 3}
    assert job.output_file.read() == b"result"
    assert job.started_at <= job.finished_at
    assert job.percent == 100 and job.is_finished


def test_a_job_runs_once_even_when_delivered_twice(handler, leader, media):
    handler(succeed)
    job = BackgroundJob.objects.create(kind=KIND, created_by=leader)
    run_background_job.call(job_id=job.pk)
    run_background_job.call(job_id=job.pk)
    assert [job.pk] == RAN


def test_a_job_already_claimed_by_another_worker_is_left_alone(handler, leader):
    handler(succeed)
    job = BackgroundJob.objects.create(kind=KIND, created_by=leader, status=JobStatus.RUNNING)
    run_background_job.call(job_id=job.pk)
    assert RAN == []


def test_an_unexpected_error_fails_the_job_with_a_chinese_message_and_logs_the_traceback(
    handler, leader, caplog
):
    def explode(job, progress):
        raise RuntimeError("[Errno 28] No space left on device: '/var/lib/anjian'")

    handler(explode)
    job = BackgroundJob.objects.create(kind=KIND, created_by=leader)
    run_background_job.call(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message == (
        f"任务失败：系统内部错误（已记录，任务编号 {job.pk}）。请稍后重试；如仍失败请联系管理员。"
    )
    assert job.finished_at is not None
    assert job.is_finished and job.percent == 0
    logged = [r for r in caplog.records if r.name == "anjian.core.jobs"]
    assert logged[-1].exc_info[0] is RuntimeError  # the traceback is in the log, not the page


def test_a_handler_fails_its_job_with_a_message_for_the_user(handler, leader):
    def refuse(job, progress):
        raise JobFailed("文件中没有数据行（表头以下为空）", report={"file_error": "x"})

    handler(refuse)
    job = BackgroundJob.objects.create(kind=KIND, created_by=leader)
    run_background_job.call(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.message) == (JobStatus.FAILED, "文件中没有数据行（表头以下为空）")
    assert job.report == {"file_error": "x"}
    assert job.finished_at is not None


def test_user_jobs_run_on_their_own_queue():
    assert run_background_job.queue_name == USER_JOBS_QUEUE != SWEEPS_QUEUE


# --- time limits -------------------------------------------------------------------------------


def test_a_job_kinds_limit_is_its_own_or_the_configured_default(handler, settings):
    settings.JOB_TIME_LIMIT_MINUTES = 7
    handler(succeed)
    assert jobs.job_time_limit(KIND) == timedelta(minutes=7)
    assert jobs.job_time_limit("no_such_kind") == timedelta(minutes=7)
    job_handler(KIND, time_limit=timedelta(hours=2))(succeed)
    assert jobs.job_time_limit(KIND) == timedelta(hours=2)


def test_the_worker_takes_a_user_jobs_limit_from_its_kind(handler, leader):
    job_handler(KIND, time_limit=timedelta(minutes=45))(succeed)
    job = BackgroundJob.objects.create(kind=KIND, created_by=leader)
    limit = jobs.task_time_limit(run_background_job.module_path, {"job_id": job.pk})
    assert limit == timedelta(minutes=45)


def test_a_job_that_runs_forever_is_stopped_by_its_time_limit_and_the_worker_goes_on(
    handler, leader, media, django_capture_on_commit_callbacks
):
    def forever(job, progress):
        progress.total(1)
        while True:
            pass

    job_handler(KIND, time_limit=timedelta(seconds=0.5))(forever)
    with django_capture_on_commit_callbacks(execute=True):
        stuck = job_start(kind=KIND, by=leader, params={})
    job_handler("pytest_after", time_limit=None)(succeed)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            after = job_start(kind="pytest_after", by=leader, params={})
        started = time.monotonic()
        call_command("worker", batch=True, verbosity=0)
        elapsed = time.monotonic() - started
    finally:
        jobs.HANDLERS.pop("pytest_after", None)
    assert elapsed < 15, elapsed  # without the limit the worker never comes back
    stuck.refresh_from_db()
    assert stuck.status == JobStatus.FAILED
    assert stuck.message.startswith("任务超过时限（1 分钟）已停止")
    assert stuck.finished_at is not None
    task = DBTaskResult.objects.get(args_kwargs__kwargs__job_id=stuck.pk)
    assert task.status == "FAILED"
    assert task.exception_class_path == "anjian.core.timelimit.TimeLimitExceeded"
    after.refresh_from_db()
    assert after.status == JobStatus.SUCCEEDED  # the worker went on to the next job


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_sleep; psycopg's cancel")
def test_a_job_stuck_in_a_database_query_is_stopped_and_its_failure_recorded(
    handler, leader, media, django_capture_on_commit_callbacks
):
    def wait_on_the_database(job, progress):
        # atomic: a savepoint inside the test's transaction, as a worker's autocommit would be
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(60)")

    job_handler(KIND, time_limit=timedelta(seconds=0.5))(wait_on_the_database)
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(kind=KIND, by=leader, params={})
    started = time.monotonic()
    call_command("worker", batch=True, verbosity=0)
    assert time.monotonic() - started < 10  # the query was cancelled, not waited for
    job.refresh_from_db()  # the connection is usable after the interruption
    assert job.status == JobStatus.FAILED
    assert job.message.startswith("任务超过时限")


def test_a_job_left_running_by_a_killed_worker_is_failed_after_its_limit(handler, leader):
    handler(succeed)
    now = timezone.now()
    limit = jobs.job_time_limit(KIND)
    stuck = BackgroundJob.objects.create(
        kind=KIND,
        created_by=leader,
        status=JobStatus.RUNNING,
        started_at=now - limit - timedelta(minutes=6),
    )
    young = BackgroundJob.objects.create(
        kind=KIND,
        created_by=leader,
        status=JobStatus.RUNNING,
        started_at=now - limit + timedelta(minutes=1),
    )
    done = BackgroundJob.objects.create(
        kind=KIND,
        created_by=leader,
        status=JobStatus.SUCCEEDED,
        started_at=now - timedelta(days=1),
        finished_at=now - timedelta(days=1),
    )
    assert jobs.fail_stuck_jobs(now=now) == 1
    assert jobs.fail_stuck_jobs(now=now) == 0  # idempotent
    stuck.refresh_from_db()
    assert stuck.status == JobStatus.FAILED
    assert stuck.message.startswith("任务在执行中被中断")
    assert stuck.finished_at == now
    assert BackgroundJob.objects.get(pk=young.pk).status == JobStatus.RUNNING
    assert BackgroundJob.objects.get(pk=done.pk).status == JobStatus.SUCCEEDED


def test_a_jobs_writes_are_audited_as_the_person_who_started_it(handler, admin):
    def rename(job, progress):
        department = Department.objects.get(name="杨浦区应急管理局")
        department.short_name = "区应急局"
        department.save()

    handler(rename)
    job = BackgroundJob.objects.create(kind=KIND, created_by=admin)
    run_background_job.call(job_id=job.pk)
    department = Department.objects.get(name="杨浦区应急管理局")
    entry = LogEntry.objects.get_for_object(department).latest("timestamp")
    assert entry.actor == admin
    assert entry.changes_dict["short_name"] == ["应急局", "区应急局"]


def test_progress_is_written_every_n_rows_and_at_the_end(leader):
    job = BackgroundJob.objects.create(kind=KIND, created_by=leader)
    progress = JobProgress(job, every=10)
    progress.total(25)
    progress.step(5)
    assert BackgroundJob.objects.get(pk=job.pk).done == 0
    progress.step(10, "十")
    assert BackgroundJob.objects.get(pk=job.pk).done == 10
    progress.step(15)
    assert BackgroundJob.objects.get(pk=job.pk).done == 10
    progress.step(25)
    stored = BackgroundJob.objects.get(pk=job.pk)
    assert (stored.done, stored.total, stored.message) == (25, 25, "十")
    assert stored.percent == 100


# --- the job pages -----------------------------------------------------------------------------


@pytest.fixture
def finished_job(leader, media):
    job = BackgroundJob.objects.create(
        kind="enterprise_export", created_by=leader, status=JobStatus.SUCCEEDED
    )
    job.output_file.save("单位台账.xlsx", ContentFile(b"ledger-bytes"))
    return job


def test_the_starter_sees_the_job_page(client_for, leader, finished_job):
    response = client_for(leader).get(reverse("core:job_detail", args=[finished_job.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "生产经营单位导出" in page
    assert reverse("core:job_download", args=[finished_job.pk]) in page


def test_htmx_polling_gets_only_the_status_partial(client_for, leader, finished_job):
    response = client_for(leader).get(
        reverse("core:job_detail", args=[finished_job.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="job-status"')
    assert "<html" not in page


def test_a_failed_job_page_shows_the_failure_and_its_message_never_a_success(client_for, leader):
    job = BackgroundJob.objects.create(
        kind="enterprise_import",
        created_by=leader,
        status=JobStatus.FAILED,
        message="文件解压后超过 256 MB，已拒绝读取",
        report={"file_error": "文件解压后超过 256 MB，已拒绝读取", "total": 0},
    )
    page = client_for(leader).get(reverse("core:job_detail", args=[job.pk])).content.decode()
    assert 'data-job-status="failed"' in page
    assert "data-job-error" in page and "文件解压后超过 256 MB，已拒绝读取" in page
    assert "bg-green-lt" not in page and "data-import-result" not in page


def test_an_unfinished_job_page_keeps_polling_and_a_finished_one_stops(client_for, leader):
    job = BackgroundJob.objects.create(kind="enterprise_import", created_by=leader)
    url = reverse("core:job_detail", args=[job.pk])
    assert 'hx-trigger="every 1s"' in client_for(leader).get(url).content.decode()
    BackgroundJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, message="任务失败：x")
    page = client_for(leader).get(url).content.decode()
    assert 'hx-trigger="every 1s"' not in page
    assert "任务失败：x" in page


@pytest.mark.parametrize("other", ["district_official", "admin", "enterprise_manager"])
def test_nobody_else_sees_or_downloads_the_job(client_for, finished_job, other):
    from testsupport import world

    client = client_for(world.actor(other))
    assert client.get(reverse("core:job_detail", args=[finished_job.pk])).status_code == 404
    assert client.get(reverse("core:job_download", args=[finished_job.pk])).status_code == 404


def test_anonymous_users_are_sent_to_login(client, finished_job):
    response = client.get(reverse("core:job_detail", args=[finished_job.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_starter_downloads_the_result_as_an_attachment(client_for, leader, finished_job):
    response = client_for(leader).get(reverse("core:job_download", args=[finished_job.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"ledger-bytes"
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_job_without_a_result_file_has_nothing_to_download(client_for, leader):
    job = BackgroundJob.objects.create(kind="enterprise_export", created_by=leader)
    response = client_for(leader).get(reverse("core:job_download", args=[job.pk]))
    assert response.status_code == 404


def test_job_pages_refuse_post(client_for, leader, finished_job):
    client = client_for(leader)
    assert client.post(reverse("core:job_detail", args=[finished_job.pk])).status_code == 405
    assert client.post(reverse("core:job_download", args=[finished_job.pk])).status_code == 405
