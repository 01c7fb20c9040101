"""报警处置台账 as Excel: the rows (the same for the page's download and the background job)
and the job that writes a large ledger (``core/exports.py``; registered from ``apps.py``)."""

from django.utils import timezone

from anjian.core.exports import job_query, job_user, write_job_ledger
from anjian.core.jobs import JobProgress, job_handler
from anjian.core.models import BackgroundJob
from anjian.core.registry import about_lines
from anjian.monitoring import permissions as perms
from anjian.monitoring import selectors
from anjian.monitoring.ledger import ALARM_COLUMNS, LEDGER_TITLE

EXPORT = "alarm_export"


def ledger_filename() -> str:
    return f"{LEDGER_TITLE}-{timezone.localtime():%Y%m%d-%H%M%S}.xlsx"


def ledger_rows(user, params):
    """(the filtered alarms in the list's order, the 导出说明 lines) — exactly the list the
    user is looking at, in their scope (``selectors.alarm_filter``)."""
    filterset = selectors.alarm_filter(user, params)
    queryset = filterset.qs.select_related("hazard", "device__hazard_source__unit")
    return queryset, about_lines(user, filterset, ledger=LEDGER_TITLE)


@job_handler(EXPORT)
def run_export(job: BackgroundJob, progress: JobProgress) -> None:
    user = job_user(job, perms.MONITOR_VIEW)
    queryset, about = ledger_rows(user, job_query(job))
    write_job_ledger(
        job,
        progress,
        queryset=queryset,
        about=about,
        title=LEDGER_TITLE,
        columns=ALARM_COLUMNS,
        filename=ledger_filename(),
    )
