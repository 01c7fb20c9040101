"""区情月报: one row per (region, month) — the monthly situation report of a district (or the
city) and its two files.

The row is created when the report is first asked for and kept: regenerating it replaces
its files and figures in place, bumps ``version`` and records who generated it and when,
so a district has exactly one report per month and its link never changes. ``state``
follows the generation (queued → running → done, or failed with ``message``); the
background job that runs it is ``job`` (none for a report generated from the command line).
``figures`` keeps every number the document and its annex were written from, as plain
JSON: the page shows them, and a test reads them without opening the files.

Scoped by the region (``region_code``): a district's reports are not a neighbour's to read.
State changes are conditional updates in ``monthly.services`` (compare-and-set on the
state), not a lifecycle of the workflow kernel: it is the bookkeeping of a job, not a
decision anyone is accountable for.
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from anjian.core.models import JobStatus, VersionedModel
from anjian.core.scoping import ScopedQuerySet, ScopePaths
from anjian.regions.choices import RegionLevel

# A report is of a region that has statistics of its own: the city or a district.
REPORT_LEVELS = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.DISTRICT)


class ReportState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已生成")
    FAILED = "failed", _("生成失败")


# A report being made: a second request neither starts another job nor replaces it.
ACTIVE_STATES = (ReportState.QUEUED, ReportState.RUNNING)


def docx_path(report: "MonthlyReport", filename: str) -> str:
    # ASCII names in storage; the download carries the Chinese name.
    return f"reports/monthly/{report.region_code}/{filename}"


xlsx_path = docx_path


class MonthlyReport(VersionedModel):
    scope_paths = ScopePaths(region="region_code")

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("地区")
    )
    region_code = models.CharField(max_length=24, editable=False, db_index=True)
    month = models.DateField(_("月份"), help_text=_("该月第一天（服务保证）"))
    state = models.CharField(
        _("状态"),
        max_length=12,
        choices=ReportState.choices,
        default=ReportState.QUEUED,
        editable=False,
    )
    message = models.CharField(_("说明"), max_length=500, blank=True, editable=False)
    job = models.ForeignKey(
        "core.BackgroundJob",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("后台任务"),
    )
    docx = models.FileField(_("月报（Word）"), upload_to=docx_path, blank=True, editable=False)
    xlsx = models.FileField(_("附表（Excel）"), upload_to=xlsx_path, blank=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("发起人"),
    )
    requested_at = models.DateTimeField(_("发起时间"), null=True, blank=True, editable=False)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("生成人"),
        help_text=_("命令行生成的为空"),
    )
    generated_at = models.DateTimeField(_("生成时间"), null=True, blank=True, editable=False)
    figures = models.JSONField(
        _("数据"), default=dict, blank=True, editable=False, encoder=DjangoJSONEncoder
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("区情月报")
        verbose_name_plural = _("区情月报")
        ordering = ["region_code", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["region", "month"], name="monthly_report_once")
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.month:%Y-%m}"

    @property
    def is_active(self) -> bool:
        """Queued or running, and its job (if any) not ended by the worker's own failure
        handling (a killed worker, a time limit): then it is shown as failed."""
        if self.state not in ACTIVE_STATES:
            return False
        return self.job is None or not self.job.is_finished

    @property
    def shown_state(self) -> str:
        """The state as the page shows it: a queued or running report whose job the worker
        has already marked failed (stopped by its time limit, its worker killed) is failed."""
        if self.state in ACTIVE_STATES and self.job is not None and self.job.is_finished:
            return ReportState.FAILED if self.job.status == JobStatus.FAILED else self.state
        return self.state

    @property
    def shown_message(self) -> str:
        if (
            self.state in ACTIVE_STATES
            and self.job is not None
            and self.job.status == JobStatus.FAILED
        ):
            return self.job.message
        return self.message
