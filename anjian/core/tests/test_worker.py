"""anjian worker (core/management/commands/worker.py): its queues and its time limits.

A sweep never waits behind a user's job (they are on different queues, taken by different
workers), and no task — a user's job or a periodic sweep — runs past its limit.
"""

import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.tasks import task
from django_tasks_db.models import DBTaskResult

from anjian.core import jobs
from anjian.core.jobs import WORKER_QUEUES, job_finish, job_handler, job_start
from anjian.core.management.commands.worker import StepWorker
from anjian.core.models import BackgroundJob, JobStatus
from anjian.core.scheduler import Periodic, schedule_tick
from config import schedule

KIND = "pytest_worker_job"
SWEPT: list[int] = []


@task
def record_sweep() -> int:
    SWEPT.append(1)
    return len(SWEPT)


@task
def loop_forever() -> None:
    while True:
        pass


SWEEP = Periodic(
    f"{__name__}.record_sweep", every=timedelta(minutes=1), why="test", limit=timedelta(minutes=1)
)


def finish(job, progress):
    job_finish(job, report={}, output=None, filename="")


@pytest.fixture(autouse=True)
def user_job_kind(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    SWEPT.clear()
    job_handler(KIND)(finish)
    yield
    jobs.HANDLERS.pop(KIND, None)


def worker(queue: str) -> StepWorker:
    return StepWorker(
        queue_names=WORKER_QUEUES[queue],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=f"pytest-{queue}",
        excluded_queue_names=[],
    )


@pytest.fixture
def user_jobs(leader, django_capture_on_commit_callbacks):
    """One user job running in another worker (its task claimed), and one queued."""
    with django_capture_on_commit_callbacks(execute=True):
        running = job_start(kind=KIND, by=leader, params={})
        queued = job_start(kind=KIND, by=leader, params={})
    DBTaskResult.objects.get(args_kwargs__kwargs__job_id=running.pk).claim("busy-jobs-worker")
    BackgroundJob.objects.filter(pk=running.pk).update(status=JobStatus.RUNNING)
    return running, queued


def test_a_sweeps_worker_runs_the_sweep_and_never_takes_a_users_job(user_jobs):
    running, queued = user_jobs
    schedule_tick(jobs=[SWEEP])
    sweeps = worker("sweeps")
    assert sweeps.step() is True
    assert SWEPT == [1]
    assert sweeps.step() is False  # the queued user job is not its work
    assert BackgroundJob.objects.get(pk=queued.pk).status == JobStatus.QUEUED
    assert BackgroundJob.objects.get(pk=running.pk).status == JobStatus.RUNNING
    assert DBTaskResult.objects.get(args_kwargs__kwargs__job_id=queued.pk).status == "READY"


def test_a_jobs_worker_runs_the_users_job_and_never_takes_a_sweep(user_jobs):
    _running, queued = user_jobs
    schedule_tick(jobs=[SWEEP])
    user = worker("jobs")
    assert user.step() is True
    assert BackgroundJob.objects.get(pk=queued.pk).status == JobStatus.SUCCEEDED
    assert user.step() is False  # the sweep is not its work
    assert SWEPT == []
    assert DBTaskResult.objects.get(task_path=SWEEP.task_path).status == "READY"


def test_the_command_takes_its_queue(user_jobs):
    _running, queued = user_jobs
    schedule_tick(jobs=[SWEEP])
    call_command("worker", batch=True, queue="sweeps", verbosity=0)
    assert (SWEPT, BackgroundJob.objects.get(pk=queued.pk).status) == ([1], JobStatus.QUEUED)
    call_command("worker", batch=True, queue="jobs", verbosity=0)
    assert BackgroundJob.objects.get(pk=queued.pk).status == JobStatus.SUCCEEDED


def test_a_worker_for_all_queues_takes_both(user_jobs):
    _running, queued = user_jobs
    schedule_tick(jobs=[SWEEP])
    assert worker("all").drain() == 2
    assert SWEPT == [1]
    assert BackgroundJob.objects.get(pk=queued.pk).status == JobStatus.SUCCEEDED


def test_a_periodic_task_that_runs_forever_is_stopped_by_its_declared_limit(monkeypatch, db):
    forever = Periodic(
        f"{__name__}.loop_forever",
        every=timedelta(minutes=1),
        why="test",
        limit=timedelta(seconds=0.3),
    )
    monkeypatch.setattr(schedule, "PERIODIC_JOBS", [forever, SWEEP])
    schedule_tick(jobs=[forever, SWEEP])
    started = time.monotonic()
    assert worker("sweeps").drain() == 2
    assert time.monotonic() - started < 5
    stopped = DBTaskResult.objects.get(task_path=forever.task_path)
    assert stopped.status == "FAILED"
    assert stopped.exception_class_path == "anjian.core.timelimit.TimeLimitExceeded"
    assert "time limit of 0:00:00.300000 reached" in stopped.traceback
    assert DBTaskResult.objects.get(task_path=SWEEP.task_path).status == "SUCCESSFUL"
    assert SWEPT == [1]  # the worker went on to the next task


def test_a_task_that_is_neither_periodic_nor_a_users_job_gets_the_default_limit(settings):
    settings.JOB_TIME_LIMIT_MINUTES = 12
    assert jobs.task_time_limit(f"{__name__}.record_sweep", {}) == timedelta(minutes=12)
