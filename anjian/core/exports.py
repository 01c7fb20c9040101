"""Excel ledgers users download: small ones at once, large ones as a background job.

A ledger of up to ``settings.EXPORT_SYNC_ROWS`` rows (ANJIAN_EXPORT_SYNC_ROWS, default
5,000) is written inside the request. Above that, ``export_response`` starts the export's
job (``core/jobs.py``) and sends the user to the job page, which shows a progress bar and
offers the file when it is done (downloadable by the user who started it, nobody else).

The job writes the same workbook the page would have: its handler rebuilds the rows from
the query string the user exported with, through the same selector, *as that user at run
time* (``job.created_by``: a scope narrowed in between narrows the file; a user who lost
the right to export, or was deactivated, gets a failed job saying so) and hands them to
``write_job_ledger``. It runs under the job time limit (ANJIAN_JOB_TIME_LIMIT_MINUTES
unless the kind declares its own).

An app's export, the hazard ledger as the example::

    # hazards/exports.py
    def ledger_rows(user, params): ...  # (queryset, 导出说明 lines), for page and job

    @job_handler(EXPORT)
    def run_export(job, progress):
        user = job_user(job, perms.HAZARD_EXPORT)
        queryset, about = ledger_rows(user, job_query(job))
        write_job_ledger(job, progress, queryset=queryset, about=about, ...)

    # the view
    queryset, about = exports.ledger_rows(request.user, request.GET)
    return export_response(
        request, kind=exports.EXPORT, queryset=queryset, about=about, limit=sync_rows(), ...
    )
"""

from io import BytesIO

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from anjian.core.excel import Column, write_ledger
from anjian.core.forms import attachment
from anjian.core.jobs import JobFailed, JobProgress, job_finish, job_start
from anjian.core.models import BackgroundJob

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK_SIZE = 2000  # rows fetched (and related rows prefetched) per round trip
QUERY = "query"  # the job's parameter: the query string the user exported with


def sync_rows() -> int:
    """The most rows an export writes inside the request."""
    return settings.EXPORT_SYNC_ROWS


def export_response(
    request,
    *,
    kind: str,
    queryset,
    about: list[tuple[str, str]],
    title: str,
    columns: list[Column],
    filename: str,
    limit: int | None,
    chunk_size: int = CHUNK_SIZE,
):
    """The ledger as an .xlsx download, or — over ``limit`` rows (``sync_rows()``, or None:
    never) — job ``kind`` started with the request's query string and a redirect to its
    page."""
    if limit is not None and queryset.count() > limit:
        job = job_start(kind=kind, by=request.user, params={QUERY: request.GET.urlencode()})
        messages.info(request, _("导出行数较多，已转为后台任务，完成后可在此下载。"))
        return redirect("core:job_detail", pk=job.pk)
    response = HttpResponse(content_type=XLSX)
    write_ledger(
        response,
        title=title,
        columns=columns,
        objects=queryset.iterator(chunk_size=chunk_size),
        about=about,
    )
    attachment(response, filename)
    return response


def job_query(job: BackgroundJob) -> QueryDict:
    """The filters the user exported with, as the page read them."""
    return QueryDict(job.params.get(QUERY, ""))


def job_user(job: BackgroundJob, access: str):
    """The user the job runs as, if they still may export (``access``: an action, or
    alternatives joined by "|"); otherwise the job fails saying why."""
    user = job.created_by
    if not user.is_active or not any(user.can(action) for action in access.split("|")):
        raise JobFailed(_("导出未执行：发起人的账号已停用或已无导出权限。"))
    return user


def write_job_ledger(
    job: BackgroundJob,
    progress: JobProgress,
    *,
    queryset,
    about: list[tuple[str, str]],
    title: str,
    columns: list[Column],
    filename: str,
    chunk_size: int = CHUNK_SIZE,
) -> int:
    """Write the ledger as the job's file, reporting progress; returns the row count."""
    progress.total(queryset.count())
    buffer = BytesIO()
    count = write_ledger(
        buffer,
        title=title,
        columns=columns,
        objects=queryset.iterator(chunk_size=chunk_size),
        about=about,
        progress=lambda n: progress.step(n, _("已写入 %(n)d 行") % {"n": n}),
    )
    job.message = _("已导出 %(n)d 行") % {"n": count}
    job.done = count
    job_finish(job, report={"rows": count}, output=buffer.getvalue(), filename=filename)
    return count
