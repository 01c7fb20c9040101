"""Background jobs of the registry: Excel import and large Excel export."""

from io import BytesIO

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.excel import error_report, write_ledger
from anjian.core.jobs import JobFailed, JobProgress, job_finish, job_handler
from anjian.core.models import BackgroundJob
from anjian.enterprises import exporter
from anjian.enterprises.importer import JOB_KIND, MODE_ALL, import_enterprises
from anjian.enterprises.ledger import COLUMNS

IMPORT = JOB_KIND
EXPORT = "enterprise_export"


@job_handler(IMPORT)
def run_import(job: BackgroundJob, progress: JobProgress) -> None:
    with job.input_file.open("rb") as source:
        result = import_enterprises(
            source, user=job.created_by, mode=job.params.get("mode", "all"), progress=progress
        )
    if result.file_error:  # the file as a whole is unusable: the job failed, and says why
        raise JobFailed(result.file_error, report=result.as_report())
    # The file to fix and import again: the failed rows, or — when nothing was imported
    # ("有错误时全部不导入") — every row, so the corrected file is the whole upload.
    output = None
    nothing_imported = result.mode == MODE_ALL
    if result.errors and result.sheet is not None:
        output = error_report(
            columns=COLUMNS, sheet=result.sheet, errors=result.errors, every_row=nothing_imported
        )
    if result.created:
        message = _("已导入 %(n)d 家单位") % {"n": result.created}
    else:
        message = _("未导入任何单位")
    job.message = message[:500]
    job.done = result.total
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    name = _("导入待修正") if nothing_imported else _("导入错误行")
    job_finish(job, report=result.as_report(), output=output, filename=f"{name}-{stamp}.xlsx")


@job_handler(EXPORT)
def run_export(job: BackgroundJob, progress: JobProgress) -> None:
    params = QueryDict(job.params.get("query", ""))
    queryset, about = exporter.export_queryset(job.created_by, params)
    progress.total(queryset.count())
    buffer = BytesIO()
    count = write_ledger(
        buffer,
        title=exporter.SHEET_TITLE,
        columns=COLUMNS,
        objects=queryset.iterator(chunk_size=2000),
        about=about,
        progress=lambda n: progress.step(n, _("已写入 %(n)d 行") % {"n": n}),
    )
    job.message = _("已导出 %(n)d 家单位") % {"n": count}
    job.done = count
    job_finish(job, report={"rows": count}, output=buffer.getvalue(), filename=exporter.filename())
