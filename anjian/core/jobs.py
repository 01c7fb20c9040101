"""Long jobs users start from a page (imports, large exports), with progress they can watch.

An app registers a handler for a job kind; ``job_start`` records a BackgroundJob row
and enqueues ``run_background_job`` on django.tasks (django-tasks-db: the job table
lives in the same database, no broker). The worker claims the task, the handler
reports progress through ``JobProgress``, and the page polls the row.
"""

import logging
from collections.abc import Callable

from auditlog.context import set_actor
from django.core.files.base import ContentFile
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.models import BackgroundJob, JobStatus

logger = logging.getLogger(__name__)

Handler = Callable[[BackgroundJob, "JobProgress"], None]
HANDLERS: dict[str, Handler] = {}


def job_handler(kind: str):
    def register(func: Handler) -> Handler:
        HANDLERS[kind] = func
        return func

    return register


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


@task
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
    except Exception as exc:
        logger.exception("job %s failed", job_id)
        BackgroundJob.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED,
            finished_at=timezone.now(),
            message=_("任务失败：%(e)s") % {"e": str(exc)[:400]},
        )
