"""The Excel import's upload page and its template: the two modes, uploads refused in
Chinese, the job a good upload starts, and the template that imports as it comes."""

import re
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from openpyxl import load_workbook

from anjian.core.models import BackgroundJob
from anjian.enterprises.importer import MODE_ALL, MODE_VALID, import_enterprises
from anjian.enterprises.ledger import IMPORT_COLUMNS
from anjian.enterprises.models import Enterprise
from anjian.enterprises.tests.import_support import HEADERS, row, xlsx
from testsupport import world

UPLOAD = "/enterprises/import/"
TEMPLATE = "/enterprises/import/template.xlsx"
KEYS = [column.key for column in IMPORT_COLUMNS]


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_the_upload_page_offers_the_two_modes(client_for, district_official):
    html = client_for(district_official).get(UPLOAD).content.decode()
    assert "有错误时全部不导入（推荐）" in html
    assert "只导入无错误的行，错误行单独报告" in html
    assert (
        'value="all" checked' in html
        or 'checked value="all"' in html
        or (re.search(r'<input[^>]*value="all"[^>]*checked', html) is not None)
    )


def test_an_empty_upload_is_refused_in_chinese(client_for, district_official):
    response = client_for(district_official).post(
        UPLOAD, {"file": upload("企业.xlsx", b""), "mode": MODE_ALL}
    )
    assert response.status_code == 422
    assert "所提交的是空文件" in response.content.decode()  # Django's own, in Chinese
    assert not BackgroundJob.objects.exists()


def test_an_upload_without_a_file_is_refused_in_chinese(client_for, district_official):
    response = client_for(district_official).post(UPLOAD, {"mode": MODE_ALL})
    assert response.status_code == 422
    assert "这个字段是必填项" in response.content.decode()


@override_settings(IMPORT_MAX_BYTES=1024 * 1024)
def test_an_oversize_upload_is_refused_in_chinese(client_for, district_official):
    content = xlsx([row(1)]).getvalue()
    content += b"\0" * (1024 * 1024 + 1 - len(content))
    response = client_for(district_official).post(
        UPLOAD, {"file": upload("企业.xlsx", content), "mode": MODE_ALL}
    )
    assert response.status_code == 422
    assert "文件超过 1 MB，请拆分后分批导入" in response.content.decode()
    assert not BackgroundJob.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "企业.xls",
            b"\xd0\xcf\x11\xe0 old excel",
            "请上传 .xlsx 格式的文件（旧版 .xls 请先另存为 .xlsx）",
        ),
        ("企业.csv", "单位名称,统一社会信用代码\n".encode(), "请上传 .xlsx 格式的文件"),
        ("企业.xlsx", "单位名称,统一社会信用代码\n".encode(), "文件内容不是有效的 .xlsx 表格"),
    ],
)
def test_a_non_xlsx_upload_is_refused_in_chinese(
    client_for, district_official, name, content, message
):
    response = client_for(district_official).post(
        UPLOAD, {"file": upload(name, content), "mode": MODE_ALL}
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not BackgroundJob.objects.exists()


def test_an_unknown_mode_is_refused(client_for, district_official):
    response = client_for(district_official).post(
        UPLOAD, {"file": upload("企业.xlsx", xlsx([row(1)]).getvalue()), "mode": "some"}
    )
    assert response.status_code == 422
    assert not BackgroundJob.objects.exists()


def test_a_good_upload_starts_a_job_and_shows_its_page(client_for, district_official):
    response = client_for(district_official).post(
        UPLOAD, {"file": upload("殷行企业.xlsx", xlsx([row(1)]).getvalue()), "mode": MODE_VALID}
    )
    job = BackgroundJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert (job.kind, job.created_by, job.status) == (
        "enterprise_import",
        district_official,
        "queued",
    )
    assert job.params == {"mode": MODE_VALID, "filename": "殷行企业.xlsx"}
    with job.input_file.open("rb") as stored:
        assert stored.read(4) == b"PK\x03\x04"


def test_roles_without_the_import_right_cannot_upload(client_for, leader, enterprise_manager):
    for actor in (leader, enterprise_manager):
        client = client_for(actor)
        assert client.get(UPLOAD).status_code == 403
        assert client.get(TEMPLATE).status_code == 403


def test_the_template_opens_in_openpyxl_with_the_import_headers(client_for, street_officer):
    response = client_for(street_officer).get(TEMPLATE)
    assert response.status_code == 200
    assert "attachment; filename*=UTF-8''" in response["Content-Disposition"]
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == ["生产经营单位", "可选值", "填写说明"]
    sheet = workbook["生产经营单位"]
    assert [cell.value for cell in sheet[1]] == HEADERS
    assert "系统编号" not in HEADERS and "更新时间" not in HEADERS
    values = workbook["可选值"]
    lists = {
        column[0].value: [cell.value for cell in column[1:] if cell.value is not None]
        for column in values.iter_cols()
    }
    assert lists["所属街镇"] == ["殷行街道"]  # only the streets in the user's scope
    assert "危险化学品" in lists["监管行业"]
    assert lists["分级分类监管等级"] == ["A", "B", "C", "D"]
    guide = [row[0].value for row in workbook["填写说明"].iter_rows()]
    assert "单位名称（必填）" in guide


def test_the_housing_officials_template_lists_only_their_industries(client_for, housing_official):
    workbook = load_workbook(BytesIO(client_for(housing_official).get(TEMPLATE).content))
    lists = {column[0].value: column for column in workbook["可选值"].iter_cols()}
    industries = [cell.value for cell in lists["监管行业"][1:] if cell.value is not None]
    assert sorted(industries) == sorted(["建筑施工", "燃气"])


def template_with(client, rows: list[dict]) -> BytesIO:
    """The downloaded template, its example row left as it is, ``rows`` filled in below."""
    workbook = load_workbook(BytesIO(client.get(TEMPLATE).content))
    sheet = workbook["生产经营单位"]
    for values in rows:
        sheet.append([values.get(key) for key in KEYS])
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def test_the_templates_example_row_is_marked(client_for, street_officer):
    workbook = load_workbook(BytesIO(client_for(street_officer).get(TEMPLATE).content))
    sheet = workbook["生产经营单位"]
    example = {cell.value: sheet.cell(row=2, column=cell.column).value for cell in sheet[1]}
    assert example["单位名称"] == "【示例】上海示例化工有限公司"
    assert example["所属街镇"] == "殷行街道"
    assert sheet["A2"].comment is not None
    guide = [line[1].value for line in workbook["填写说明"].iter_rows()]
    assert any(text and "导入时自动跳过" in text for text in guide)


def test_a_filled_in_template_imports_its_rows_and_skips_the_example(client_for, street_officer):
    source = template_with(client_for(street_officer), [row(500), row(501)])
    result = import_enterprises(source, user=street_officer)
    assert (result.total, result.created, result.errors, result.file_error) == (2, 2, {}, "")
    assert result.as_report()["example_rows"] == [2]
    assert not Enterprise.objects.filter(name__contains="上海示例化工有限公司").exists()
    assert (
        Enterprise.objects.filter(
            name__in=["导入测试00500有限公司", "导入测试00501有限公司"]
        ).count()
        == 2
    )


def test_the_example_row_is_skipped_even_with_a_valid_credit_code(client_for, street_officer):
    """Recognised by its mark, not by failing: a valid example is still not imported."""
    content = client_for(street_officer).get(TEMPLATE).content
    workbook = load_workbook(BytesIO(content))
    sheet = workbook["生产经营单位"]
    sheet.cell(row=2, column=HEADERS.index("统一社会信用代码") + 1, value=world.credit_code(10_502))
    sheet.append([row(503).get(key) for key in KEYS])
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    result = import_enterprises(buffer, user=street_officer)
    assert (result.created, result.errors) == (1, {})
    assert not Enterprise.objects.filter(credit_code=world.credit_code(10_502)).exists()


def test_an_untouched_template_has_nothing_to_import(client_for, street_officer):
    source = template_with(client_for(street_officer), [])
    result = import_enterprises(source, user=street_officer)
    assert result.file_error == "文件中只有模板的示例行（第 2 行），没有要导入的数据"
    assert result.created == 0


def test_overwriting_the_example_row_imports_it(client_for, street_officer):
    content = client_for(street_officer).get(TEMPLATE).content
    workbook = load_workbook(BytesIO(content))
    sheet = workbook["生产经营单位"]
    for column, key in enumerate(KEYS, start=1):
        sheet.cell(row=2, column=column).value = row(504).get(key)  # None clears the cell
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    result = import_enterprises(buffer, user=street_officer)
    assert (result.created, result.errors) == (1, {})
    assert Enterprise.objects.filter(name="导入测试00504有限公司").exists()
