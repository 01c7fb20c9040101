"""问题隐患清单 as Excel: the rows (the same for the page's download and the background job)
and the job that writes a large ledger (``core/exports.py``; registered from ``apps.py``)."""

from django.utils.translation import gettext as _

from anjian.core.exports import job_query, job_user, write_job_ledger
from anjian.core.jobs import JobProgress, job_handler
from anjian.core.models import BackgroundJob
from anjian.hazards import permissions as perms
from anjian.hazards import selectors
from anjian.hazards.ledger import COLUMNS, SHEET_TITLE, ledger_filename

EXPORT = "hazard_export"


def ledger_rows(user, params):
    """(the filtered ledger in found order, the 导出说明 lines) — exactly the list the user
    is looking at. Every related row a column reads is fetched with its chunk of hazards
    (a few statements a chunk for clauses and listings instead of several a row)."""
    filterset = selectors.hazard_filter(user, params)
    queryset = (
        filterset.qs.select_related(
            "enterprise__street", "place__street", "reported_by", "accepted_by"
        )
        .prefetch_related("clauses__document", "listings")
        .order_by("found_at", "id")
    )
    about = [(_("范围"), str(user.scope.label)), *filterset.active_filters]
    return queryset, about


@job_handler(EXPORT)
def run_export(job: BackgroundJob, progress: JobProgress) -> None:
    user = job_user(job, perms.HAZARD_EXPORT)
    queryset, about = ledger_rows(user, job_query(job))
    write_job_ledger(
        job,
        progress,
        queryset=queryset,
        about=about,
        title=SHEET_TITLE,
        columns=COLUMNS,
        filename=ledger_filename(),
    )
