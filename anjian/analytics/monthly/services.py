"""Making 区情月报: asked for from the page (a background job), or generated at once from
the command line and the demo.

- ``report_request(by=, region=, month=)``: the page's button. Checks the user may
  (``report.monthly``) and the region is in their scope (OutOfScope: 404), the month is a
  real one and not in the future; creates the (region, month) row or takes the existing
  one, and starts the ``monthly_report`` job (``core.jobs``). Asked again while it is
  queued or running, it returns the row as it is (a double click starts nothing).
- ``monthly_report``: the job. Claims the row (queued → running, on the job it was queued
  with: a job overtaken by a newer request does nothing), gathers the figures
  (``data.gather``), draws the charts, writes the .docx and .xlsx, and stores them on the
  row (done), reporting each step as progress; ``TIME_LIMIT`` at most.
- ``report_generate(region=, month=, by=None)``: the same, synchronously (the CLI, the
  demo); ``by`` None is the operator at the command line (no scope check, no user
  recorded).

Regenerating replaces the row's files (the old ones are deleted once the new are
committed), its figures, who generated it and when, and bumps its version. A failure
leaves the row failed with the reason; its old files, if any, stay until a generation
succeeds.
"""

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.analytics import permissions as perms
from anjian.analytics.models import FIRST_YEAR
from anjian.analytics.monthly import charts, data
from anjian.analytics.monthly.docx import write_docx
from anjian.analytics.monthly.xlsx import write_xlsx
from anjian.analytics.report_models import REPORT_LEVELS, MonthlyReport, ReportState
from anjian.analytics.selectors import check_region
from anjian.core.exceptions import Conflict, NotPermitted, ValidationError
from anjian.core.jobs import JobFailed, JobProgress, job_finish, job_handler, job_start
from anjian.core.models import BackgroundJob
from anjian.core.scoping import ensure_in_scope, scope_of
from anjian.regions.models import Region

KIND = "monthly_report"
TIME_LIMIT = timedelta(minutes=10)
STEPS = data.SECTIONS + 3  # the sections, the charts, the two files, storing them
MONTH_PATTERN = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")

Step = Callable[[int, str], None]


# --- input ------------------------------------------------------------------------------------


def parse_month(value, *, today: date | None = None) -> date:
    """The first day of the month ``value`` names ("2026-11", or a date), refused with a
    Chinese message on ``month`` when malformed, impossible, or in the future."""
    if isinstance(value, date):
        first = value.replace(day=1)
    else:
        found = MONTH_PATTERN.match(str(value or ""))
        if not found:
            raise ValidationError(
                {"month": _("月份格式应为“年-月”，如 2026-11（收到：%(v)s）") % {"v": value}}
            )
        year, month = int(found[1]), int(found[2])
        if not 1 <= month <= 12:
            raise ValidationError(
                {"month": _("月份应在 1 至 12 之间（收到：%(v)s）") % {"v": value}}
            )
        first = date(year, month, 1)
    today = today or timezone.localdate()
    if first > today.replace(day=1):
        raise ValidationError({"month": _("%(y)d年%(m)d月尚未到来，不能生成该月月报") % _ym(first)})
    if first.year < FIRST_YEAR:
        raise ValidationError({"month": _("月份不能早于%(y)d年") % {"y": FIRST_YEAR}})
    return first


def _ym(month: date) -> dict:
    return {"y": month.year, "m": month.month}


def report_region(by, region) -> Region:
    """The region (or its code) a report may be made of: in ``by``'s scope (OutOfScope,
    404, otherwise; any region for the command line's ``by=None``), a city or district."""
    if by is not None:
        found = check_region(by, region)
    elif isinstance(region, Region):
        found = region
    else:
        found = Region.objects.filter(code=str(region or "").strip()).first()
        if found is None:
            raise ValidationError({"region": _("地区代码“%(code)s”不存在") % {"code": region}})
    if found.level not in REPORT_LEVELS:
        raise ValidationError(
            {
                "region": _("区情月报按区（县）或全市编制，%(name)s是%(level)s")
                % {"name": found.name, "level": found.get_level_display()}
            }
        )
    return found


def _require(by) -> None:
    if by is not None and not by.can(perms.REPORT_MONTHLY):
        raise NotPermitted()


def _row_for_update(region: Region, month: date) -> tuple[MonthlyReport, bool]:
    """The (region, month) row, locked until the transaction ends, and whether it is new
    (a new row is queued by default but is not being made yet)."""
    created = False
    try:
        with transaction.atomic():
            _row, created = MonthlyReport.objects.get_or_create(
                region=region, month=month, defaults={"region_code": region.code}
            )
    except IntegrityError:
        pass  # created at the same moment by another request: lock theirs
    row = (
        MonthlyReport.objects.select_for_update(of=("self",))
        .select_related("region", "job")
        .get(region=region, month=month)
    )
    return row, created


def _set(report: MonthlyReport, **values) -> None:
    """Update the locked row with ``values`` and bump its version."""
    MonthlyReport.objects.filter(pk=report.pk).update(version=F("version") + 1, **values)
    report.refresh_from_db()


# --- requests ---------------------------------------------------------------------------------


def report_request(*, by, region, month) -> MonthlyReport:
    """Ask for ``region``'s report of ``month`` (see the module's docstring): the row,
    queued with its job — or as it is, when it is being made already."""
    _require(by)
    region = report_region(by, region)
    month = parse_month(month)
    with transaction.atomic():
        report, created = _row_for_update(region, month)
        if report.is_active and not created:
            return report
        job = job_start(
            kind=KIND,
            by=by,
            params={"report": report.pk, "region": region.code, "month": f"{month:%Y-%m}"},
        )
        _set(
            report,
            state=ReportState.QUEUED,
            job=job,
            message="",
            requested_by=by,
            requested_at=timezone.now(),
        )
        ensure_in_scope(by, report)
    return report


def report_generate(
    *, region, month, by=None, as_of: datetime | None = None, step: Step | None = None
) -> MonthlyReport:
    """Generate ``region``'s report of ``month`` now, in this process; ``step(n, text)``
    after each of ``STEPS`` steps. Conflict when a job is making it at this moment."""
    _require(by)
    month = parse_month(month)
    region = report_region(by, region)
    with transaction.atomic():
        report, created = _row_for_update(region, month)
        if report.is_active and not created:
            raise Conflict(_("该月报正在生成中，请稍后再试。"), state=report.state)
        _set(
            report,
            state=ReportState.RUNNING,
            job=None,
            message="",
            requested_by=by,
            requested_at=timezone.now(),
        )
    _generate_or_fail(report, by=by, as_of=as_of, step=step)
    report.refresh_from_db()
    return report


# --- the job ----------------------------------------------------------------------------------


@job_handler(KIND, time_limit=TIME_LIMIT)
def monthly_report(job: BackgroundJob, progress: JobProgress) -> None:
    """Generate the report the job was queued for, as the user who asked (still allowed
    and still covering the region, or the job fails saying so)."""
    progress.every = 1
    progress.total(STEPS)
    report = MonthlyReport.objects.select_related("region").filter(pk=job.params.get("report"))
    report = report.first()
    if report is None:
        raise JobFailed(_("该月报记录已不存在。"))
    by = job.created_by
    allowed = by.is_active and by.can(perms.REPORT_MONTHLY)
    if not allowed or not scope_of(by).covers_region(report.region_code):
        message = _("月报未生成：发起人的账号已停用，或已无生成该地区月报的权限。")
        _mark_failed(report.pk, message, states=(ReportState.QUEUED,))
        raise JobFailed(message)
    claimed = MonthlyReport.objects.filter(pk=report.pk, job=job, state=ReportState.QUEUED).update(
        state=ReportState.RUNNING, version=F("version") + 1
    )
    if not claimed:
        raise JobFailed(_("该月报已重新发起，本任务不再执行。"))
    _generate_or_fail(report, by=by, step=progress.step)
    job.message = _("月报已生成")
    job_finish(job, report={"report": report.pk}, output=None, filename="")


# --- generating -------------------------------------------------------------------------------


def _generate_or_fail(report: MonthlyReport, *, by, as_of=None, step=None) -> None:
    try:
        _generate(report, by=by, as_of=as_of, step=step)
    except Exception as error:
        message = error.message if isinstance(error, JobFailed) else _("生成失败：系统内部错误。")
        _mark_failed(report.pk, message)
        raise


def _mark_failed(pk: int, message: str, *, states=(ReportState.RUNNING,)) -> None:
    MonthlyReport.objects.filter(pk=pk, state__in=states).update(
        state=ReportState.FAILED, message=message[:500], version=F("version") + 1
    )


def _generate(report: MonthlyReport, *, by, as_of=None, step=None) -> None:
    """Gather, draw, write; then store the files and figures on the row (done)."""
    step = step or (lambda n, text: None)
    as_of = as_of or timezone.now()
    month = report.month
    figures = data.gather(report.region, month.year, month.month, as_of=as_of, step=step)
    drawn = charts.draw(figures)
    step(data.SECTIONS + 1, _("图表"))
    docx, xlsx = write_docx(figures, drawn), write_xlsx(figures)
    step(data.SECTIONS + 2, _("Word 与 Excel 文件"))
    _store(report, by=by, figures=figures, docx=docx, xlsx=xlsx)
    step(STEPS, _("已保存"))


@transaction.atomic
def _store(report: MonthlyReport, *, by, figures, docx: bytes, xlsx: bytes) -> None:
    row = MonthlyReport.objects.select_for_update(of=("self",)).get(pk=report.pk)
    if row.state != ReportState.RUNNING:
        raise Conflict(_("该月报已被重新发起，本次生成结果未保存。"), state=row.state)
    old = [name for name in (row.docx.name, row.xlsx.name) if name]
    stem = f"{row.region_code}-{row.month:%Y-%m}"
    row.docx.save(f"{stem}.docx", ContentFile(docx), save=False)
    row.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx), save=False)
    row.state, row.message = ReportState.DONE, ""
    row.generated_by, row.generated_at = by, timezone.now()
    row.figures = figures.as_json()
    row.version = F("version") + 1
    row.save(
        update_fields=[
            "docx",
            "xlsx",
            "state",
            "message",
            "generated_by",
            "generated_at",
            "figures",
            "version",
            "updated_at",
        ]
    )
    storage = row.docx.storage
    stale = [name for name in old if name not in (row.docx.name, row.xlsx.name)]
    transaction.on_commit(lambda: [storage.delete(name) for name in stale])
