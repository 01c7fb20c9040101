"""The record the page-access table opens for the 区情月报 pages: a generated report of the
actor's district (杨浦区 for those above a district: the city's administrator), with its two
files, made once per setup directly (what is under test is who may open it, not how it is
generated)."""

from datetime import date

from django.core.files.base import ContentFile
from django.utils import timezone

from anjian.analytics.report_models import MonthlyReport, ReportState
from anjian.regions.choices import RegionLevel
from anjian.regions.levels import district_of, is_at_or_below
from anjian.regions.models import Region
from anjian.web.tests.access_setup import Setup
from testsupport import world


def monthly_report(setup: Setup) -> MonthlyReport:
    if hasattr(setup, "_monthly_report"):
        return setup._monthly_report
    code = setup.region_code
    code = district_of(code) if is_at_or_below(code, RegionLevel.DISTRICT) else world.YANGPU
    region = Region.objects.get(code=code)
    report = MonthlyReport(
        region=region,
        region_code=code,
        month=date(2025, 11, 1),
        state=ReportState.DONE,
        generated_at=timezone.now(),
    )
    report.docx.save("access.docx", ContentFile(b"docx"), save=False)
    report.xlsx.save("access.xlsx", ContentFile(b"xlsx"), save=False)
    report.save()
    setup._monthly_report = report
    return report


# --- 指标监测: a denominator and a plan of the actor's district (or city) --------------------


def indicator_region(setup: Setup) -> str:
    """The city or district of the actor's scope: a street's or grid's district, 杨浦区 for
    a scope without a region (an enterprise's, an expert's); denominators and plans are
    kept for a city or a district only."""
    code = setup.region_code
    return district_of(code) if is_at_or_below(code, RegionLevel.STREET) else code


def indicator_denominator(setup: Setup):
    """The actor's district's denominators of 2023, entered by the administrator."""
    if hasattr(setup, "_indicator_denominator"):
        return setup._indicator_denominator
    from anjian.analytics import services

    setup._indicator_denominator = services.denominator_save(
        world.actor("admin"),
        region_id=indicator_region(setup),
        year=2023,
        gdp="2400",
        industry_trade_employees="280000",
        motor_vehicles="300000",
        source="访问测试",
    )
    return setup._indicator_denominator


def indicator_plan(setup: Setup):
    """A plan of the actor's district (the city's for the administrator) with one target:
    read by everyone inside it, changed by its managers."""
    if hasattr(setup, "_indicator_plan"):
        return setup._indicator_plan
    from anjian.analytics import services

    admin = world.actor("admin")
    plan = services.plan_save(
        admin,
        region_id=indicator_region(setup),
        name="访问测试规划",
        baseline_year=2020,
        target_year=2025,
    )
    services.target_save(
        admin, plan_id=plan.pk, indicator="road_deaths", comparison="at_most", value="13.4"
    )
    setup._indicator_plan = plan
    return plan
