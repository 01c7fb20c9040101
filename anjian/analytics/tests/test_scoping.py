"""Every role against the pages and API of 指标与统计's scoped records (generated tests,
STYLE habit 4).

The world gets a denominator of 杨浦区 (310110) and one of 虹口区 (310109), entered through
the service the first time a test asks: each district's 应急局 keeps its own and never
sees the other's; a role without ``indicator.manage`` (leaders, streets, departments,
inspectors) is refused the denominators pages (403) — it reads the figures on the
indicators page. Plans (``IndicatorPlan``) declare no ``scope_paths``: a city's plan is
read by its districts (``selectors.plans_for``), tested in ``test_plan_pages``.

A monthly report (``MonthlyReport``) of each district: read by the district's managers,
departments and leaders (``report.view``), never by the neighbour.
"""

from datetime import date

from django.utils.translation import gettext as _

from anjian.analytics import permissions as perms
from anjian.analytics import services
from anjian.analytics.models import Denominator
from anjian.analytics.report_models import MonthlyReport, ReportState
from anjian.regions.models import Region
from testsupport import world
from testsupport.scoped import ScopedCrudTests

REGIONS = {"yangpu": world.YANGPU, "hongkou": world.HONGKOU}
KEEPERS = {"yangpu": "district_official", "hongkou": "neighbour_official"}
# Only the managers (应急局/安委办) keep denominators; the others get 403 on the pages.
MANAGED = {
    "district_official": {"yangpu"},
    "street_officer": set(),
    "grid_member": set(),
    "neighbour_official": {"hongkou"},
    "housing_official": set(),
    "inspector": set(),
    "leader": set(),
    "enterprise_manager": set(),
    "expert": set(),
    "admin": {"yangpu", "hongkou"},
}


def home(actor: str) -> str:
    return "hongkou" if actor == "neighbour_official" else "yangpu"


def away(actor: str) -> str:
    return "yangpu" if actor == "neighbour_official" else "hongkou"


def denominator_of(name: str) -> Denominator:
    found = Denominator.objects.filter(region_code=REGIONS[name], year=2023).first()
    return found or services.denominator_save(
        world.actor(KEEPERS[name]),
        region_id=REGIONS[name],
        year=2023,
        gdp="2400",
        industry_trade_employees="280000",
        motor_vehicles="",
        source=f"{name}统计公报",
    )


class TestDenominatorScoping(ScopedCrudTests):
    model = Denominator
    list_url = "analytics:denominator_list"
    detail_url = "analytics:denominator_edit"  # a region's year is shown and changed on one page
    edit_url = "analytics:denominator_edit"
    create_url = "analytics:denominator_create"
    export_url = "analytics:denominator_export"
    api_list = "/api/v1/analytics/denominators"
    api_detail = "/api/v1/analytics/denominators/{pk}"
    export_key_header = "来源"
    key_attribute = "source"
    visible = MANAGED
    creators = ("district_official", "neighbour_official")
    not_creators = (
        "leader",
        "inspector",
        "housing_official",
        "street_officer",
        "expert",
        "enterprise_manager",
    )

    def _view_action(self) -> str:
        return perms.INDICATOR_MANAGE

    def _export_action(self) -> str:
        return perms.INDICATOR_MANAGE

    def _can_edit(self, user) -> bool:
        return user.can(perms.INDICATOR_MANAGE)

    def get_object(self, name):
        return denominator_of(name)

    def _data(self, actor, where):
        return {
            "region": REGIONS[where],
            "year": "2021",
            "gdp": "2100.5",
            "industry_trade_employees": "290000",
            "motor_vehicles": "",
            "source": f"新填报{actor}",
        }

    def create_data(self, actor):
        return self._data(actor, home(actor))

    def outside_data(self, actor):
        return self._data(actor, away(actor))


# --- monthly reports -----------------------------------------------------------------------------

# 区情月报 are read with report.view: the managers, the district's departments and leaders.
REPORTS = {
    **MANAGED,
    "housing_official": {"yangpu"},
    "leader": {"yangpu"},
}
MONTHS = {"yangpu": date(2026, 1, 1), "hongkou": date(2026, 2, 1)}


def report_of(name: str) -> MonthlyReport:
    region = Region.objects.get(code=REGIONS[name])
    found = MonthlyReport.objects.filter(region=region, month=MONTHS[name]).first()
    return found or MonthlyReport.objects.create(
        region=region, region_code=region.code, month=MONTHS[name], state=ReportState.FAILED
    )


class TestMonthlyReportScoping(ScopedCrudTests):
    model = MonthlyReport
    list_url = "analytics:report_list"
    detail_url = "analytics:report_detail"
    visible = REPORTS
    not_applicable = {
        "edit_url": "a report is regenerated from the list's form, never edited",
        "create_url": "a report is asked for with the list's form (report_generate)",
        "export_url": "a report is its own .docx and .xlsx (report_download)",
        "api_list": "the monthly reports have no API yet",
        "api_detail": "the monthly reports have no API yet",
    }

    def _view_action(self) -> str:
        return perms.REPORT_VIEW

    def key(self, obj) -> str:
        return _("%(y)d年%(m)d月") % {"y": obj.month.year, "m": obj.month.month}

    def get_object(self, name):
        return report_of(name)
