"""Long jobs users start from a page (imports, large exports), with progress they can watch.

An app registers a handler for a job kind; ``job_start`` records a BackgroundJob row
and enqueues ``run_background_job`` on django.tasks (django-tasks-db: the job table
lives in the same database, no broker). The worker claims the task, the handler
reports progress through ``JobProgress``, and the page polls the row.

How a job ends, as the page shows it:

* the handler calls ``job_finish`` → succeeded, with its report and file;
* the handler raises ``JobFailed(message)`` → failed, with that (Chinese) message;
* anything else raised → failed, "系统内部错误" and the job number (the traceback is logged,
  never shown);
* it runs past its time limit (``job_handler(kind, time_limit=…)``, default
  ANJIAN_JOB_TIME_LIMIT_MINUTES) → the worker stops it, failed with a message saying so;
* its worker was killed → ``fail_stuck_jobs`` (periodic) marks it failed after its limit.

Queues: user jobs run on ``USER_JOBS_QUEUE``; the periodic safety sweeps on the default
queue. ``anjian run`` starts one worker for each, so a sweep never waits behind an import.
"""

import logging
from collections.abc import Callable
from datetime import timedelta

from auditlog.context import set_actor
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, transaction
from django.tasks import DEFAULT_TASK_QUEUE_NAME, task
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.models import BackgroundJob, JobStatus
from anjian.core.scheduler import periodic_jobs
from anjian.core.timelimit import TimeLimitExceeded

logger = logging.getLogger(__name__)

SWEEPS_QUEUE = DEFAULT_TASK_QUEUE_NAME  # periodic jobs, and any @task without a queue_name
USER_JOBS_QUEUE = "user_jobs"  # run_background_job: imports, exports, reports users start
# ``anjian worker --queue NAME``: which queues a worker takes tasks from.
WORKER_QUEUES = {"sweeps": [SWEEPS_QUEUE], "jobs": [USER_JOBS_QUEUE], "all": ["*"]}

Handler = Callable[[BackgroundJob, "JobProgress"], None]
HANDLERS: dict[str, Handler] = {}
TIME_LIMITS: dict[str, timedelta] = {}  # kinds with their own limit; others get the default


class JobFailed(Exception):
    """Raised by a handler to end its job as failed, showing ``message`` to the user.

    For failures the user can act on (the file is unreadable, the filter matches too
    much); ``report`` (optional) is stored for the page as well.
    """

    def __init__(self, message: str, *, report: dict | None = None):
        super().__init__(message)
        self.message = str(message)
        self.report = report


def job_handler(kind: str, *, time_limit: timedelta | None = None):
    """Register the handler of job ``kind``; ``time_limit`` if it may run longer (or must
    stop sooner) than the default ANJIAN_JOB_TIME_LIMIT_MINUTES."""

    def register(func: Handler) -> Handler:
        HANDLERS[kind] = func
        if time_limit is not None:
            TIME_LIMITS[kind] = time_limit
        else:
            TIME_LIMITS.pop(kind, None)
        return func

    return register


def job_time_limit(kind: str | None) -> timedelta:
    """How long one job of ``kind`` may run."""
    default = timedelta(minutes=settings.JOB_TIME_LIMIT_MINUTES)
    return TIME_LIMITS.get(kind or "", default)


def task_time_limit(task_path: str, kwargs: dict) -> timedelta:
    """How long the worker lets one run of a task take: a periodic job's declared limit
    (config/schedule.py), a user job's kind limit, else the user-job default."""
    for periodic in periodic_jobs():
        if periodic.task_path == task_path:
            return periodic.limit
    if task_path == run_background_job.module_path:
        kind = (
            BackgroundJob.objects.filter(pk=kwargs.get("job_id"))
            .values_list("kind", flat=True)
            .first()
        )
        return job_time_limit(kind)
    return job_time_limit(None)


class JobProgress:
    """Progress writes go straight to the row (outside any transaction the handler holds)."""

    def __init__(self, job: BackgroundJob, every: int = 500):
        self.job = job
        self.every = every
        self._last = 0

    def total(self, total: int) -> None:
        self.job.total = total
        BackgroundJob.objects.filter(pk=self.job.pk).update(total=total)

    def step(self, done: int, message: str = "") -> None:
        if done - self._last < self.every and done != self.job.total:
            return
        self._last = done
        self.job.done = done
        fields = {"done": done}
        if message:
            # Kept on the instance too, so the handler's final save does not erase it.
            self.job.message = message
            fields["message"] = message
        BackgroundJob.objects.filter(pk=self.job.pk).update(**fields)


@transaction.atomic
def job_start(*, kind: str, by, params: dict, upload=None) -> BackgroundJob:
    """Record a job and enqueue it once the row is committed."""
    if kind not in HANDLERS:
        raise ValueError(f"unknown job kind {kind}")
    job = BackgroundJob(kind=kind, params=params, created_by=by)
    if upload is not None:
        job.input_file.save(upload.name, upload, save=False)
    job.save()
    transaction.on_commit(lambda: run_background_job.enqueue(job_id=job.pk))
    return job


def job_finish(job: BackgroundJob, *, report: dict, output: bytes | None, filename: str) -> None:
    job.report = report
    if output is not None:
        job.output_file.save(filename, ContentFile(output), save=False)
    job.status = JobStatus.SUCCEEDED
    job.finished_at = timezone.now()
    job.save()


def timed_out_message(limit: timedelta) -> str:
    minutes = max(round(limit.total_seconds() / 60), 1)
    return _(
        "任务超过时限（%(m)d 分钟）已停止，未完成的部分没有保存。请缩小范围（如按条件筛选、"
        "拆分文件）后重试；如仍超时请联系管理员。"
    ) % {"m": minutes}


@task(queue_name=USER_JOBS_QUEUE)
def run_background_job(job_id: int) -> None:
    claimed = BackgroundJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return  # already taken by another worker, or re-delivered after finishing
    job = BackgroundJob.objects.select_related("created_by").get(pk=job_id)
    try:
        with set_actor(job.created_by):
            HANDLERS[job.kind](job, JobProgress(job))
    except JobFailed as failure:
        _fail(job_id, failure.message, report=failure.report)
    except TimeLimitExceeded:
        logger.error("job %s (%s) stopped by its time limit", job_id, job.kind)
        _fail(job_id, timed_out_message(job_time_limit(job.kind)))
        raise  # the task failed too: the worker records it
    except Exception:
        logger.exception("job %s (%s) failed", job_id, job.kind)
        _fail(
            job_id,
            _(
                "任务失败：系统内部错误（已记录，任务编号 %(id)d）。"
                "请稍后重试；如仍失败请联系管理员。"
            )
            % {"id": job_id},
        )


def _fail(job_id: int, message: str, *, report: dict | None = None) -> None:
    fields = {"status": JobStatus.FAILED, "finished_at": timezone.now(), "message": message[:500]}
    if report is not None:
        fields["report"] = report
    try:
        BackgroundJob.objects.filter(pk=job_id).update(**fields)
    except DatabaseError:
        if connection.in_atomic_block:
            raise
        connection.close()  # broken by the interruption: record the failure on a fresh one
        BackgroundJob.objects.filter(pk=job_id).update(**fields)


def fail_stuck_jobs(now=None, grace: timedelta = timedelta(minutes=5)) -> int:
    """Mark failed the jobs still "running" past their time limit and ``grace``: their worker
    was killed (a stopped job's worker marks it itself). Returns how many."""
    now = now or timezone.now()
    message = _("任务在执行中被中断（后台进程已停止），未完成的部分没有保存。请重新发起。")
    running = BackgroundJob.objects.filter(status=JobStatus.RUNNING)
    failed = 0
    for kind in running.values_list("kind", flat=True).distinct():
        cutoff = now - job_time_limit(kind) - grace
        failed += running.filter(kind=kind, started_at__lt=cutoff).update(
            status=JobStatus.FAILED, finished_at=now, message=message
        )
    return failed
