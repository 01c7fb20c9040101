"""风险点台账 and 重大风险清单 as background jobs when they are large (``core/exports.py``;
registered from ``apps.py``). The views (``views/points.py``) start them above
ANJIAN_EXPORT_SYNC_ROWS rows; each job writes what the page would have written."""

from django.utils import timezone

from anjian.core.exports import job_query, job_user, write_job_ledger
from anjian.core.jobs import JobProgress, job_handler
from anjian.core.models import BackgroundJob
from anjian.risks import ledger as ledgers
from anjian.risks import permissions as perms
from anjian.risks import selectors

POINT_EXPORT = "risk_point_export"
REGISTER_EXPORT = "risk_register_export"


def filename(title: str) -> str:
    """The file's name, as ``core.registry.RegistryExport.filename`` names it."""
    return f"{title}-{timezone.localtime():%Y%m%d-%H%M%S}.xlsx"


def _run(job: BackgroundJob, progress: JobProgress, *, register: bool, title: str) -> None:
    user = job_user(job, perms.RISK_VIEW)
    filterset = selectors.risk_point_filter(user, job_query(job), register=register)
    queryset, about = ledgers.export(user, filterset, title=title)
    write_job_ledger(
        job,
        progress,
        queryset=queryset,
        about=about,
        title=title,
        columns=ledgers.COLUMNS,
        filename=filename(title),
    )


@job_handler(POINT_EXPORT)
def run_point_export(job: BackgroundJob, progress: JobProgress) -> None:
    _run(job, progress, register=False, title=ledgers.LEDGER_TITLE)


@job_handler(REGISTER_EXPORT)
def run_register_export(job: BackgroundJob, progress: JobProgress) -> None:
    _run(job, progress, register=True, title=ledgers.REGISTER_TITLE)
