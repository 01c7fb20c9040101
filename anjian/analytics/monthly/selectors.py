"""Scoped reads of 区情月报: the reports a user sees (their region's and those below it),
one of them (OutOfScope, 404, when it is not theirs), the regions they may ask a report
of, and the names the files are downloaded under."""

from django.conf import settings
from django.db.models import QuerySet

from anjian.analytics.report_models import REPORT_LEVELS, MonthlyReport
from anjian.core.exceptions import OutOfScope
from anjian.core.scoping import scope_of
from anjian.regions.choices import RegionLevel
from anjian.regions.levels import district_of, is_at_or_below
from anjian.regions.models import Region

KINDS = {"docx": "docx", "xlsx": "xlsx"}


def visible_reports(user) -> QuerySet[MonthlyReport]:
    return MonthlyReport.objects.for_user(user).select_related(
        "region", "job", "generated_by", "requested_by"
    )


def report_get(user, pk: int) -> MonthlyReport:
    found = visible_reports(user).filter(pk=pk).first()
    if found is None:
        raise OutOfScope()
    return found


def report_regions(user) -> QuerySet[Region]:
    """The regions ``user`` may ask a report of: the city and districts inside their scope
    (a street user's scope holds none)."""
    regions = Region.objects.filter(level__in=REPORT_LEVELS, is_active=True).defer("boundary")
    scope = scope_of(user)
    if scope.everything:
        return regions.filter(code__startswith=settings.REGION_ROOT).order_by("code")
    if scope.region_prefix is None:
        return regions.none()
    return regions.filter(code__startswith=scope.region_prefix).order_by("code")


def default_region(user) -> str:
    """The region the page offers first: the user's district, else the first one allowed."""
    region = getattr(user, "region_id", None) or ""
    if region and is_at_or_below(region, RegionLevel.DISTRICT):
        return district_of(region)
    first = report_regions(user).filter(level=RegionLevel.DISTRICT).first()
    return first.code if first else ""


def download_name(report: MonthlyReport, kind: str) -> str:
    title = f"{report.region.name}安全生产区情月报（{report.month.year}年{report.month.month}月）"
    return f"{title}.docx" if kind == "docx" else f"{title}附表.xlsx"
