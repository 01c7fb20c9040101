"""Excel import (import_enterprises): real .xlsx files, every bad input the issue names."""

import datetime
import re
import time
from io import BytesIO

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from anjian.core.models import BackgroundJob
from anjian.enterprises.importer import MODE_ALL, MODE_VALID, import_enterprises
from anjian.enterprises.ledger import COLUMNS, IMPORT_COLUMNS
from anjian.enterprises.models import Enterprise
from testsupport import hostile_xlsx, world

HEADERS = [column.header for column in IMPORT_COLUMNS]


def row(n: int, **overrides) -> dict:
    """One valid row for 殷行街道, keyed by column key (override what the test is about)."""
    values = {
        "name": f"导入测试{n:05d}有限公司",
        "credit_code": world.credit_code(10_000 + n),
        "legal_representative": "钱一",
        "principal_name": "钱一",
        "principal_phone": "13800000000",
        "safety_manager_name": "",
        "safety_manager_phone": "",
        "street": "殷行街道",
        "grid": "",
        "address": f"上海市杨浦区殷行路{n}号",
        "longitude": None,
        "latitude": None,
        "industry": "危险化学品",
        "economic_code": "C2614",
        "employees": 30,
        "scale": "规下",
        "supervision_grade": "C",
        "standardisation_grade": "",
        "standardisation_expires": None,
        "insured_until": None,
        "status": "在营",
        "supervising_department": "",
        "involves_hazchem": "是",
        "dust_explosion": "否",
        "ammonia_refrigeration": "",
        "confined_space": "否",
        "fire_key_unit": "否",
        "crowded_place": "否",
    }
    values.update(overrides)
    return values


def xlsx(rows: list[dict], headers: list[str] | None = None) -> BytesIO:
    """A real .xlsx file: the header row, then each row's values under their headers."""
    headers = HEADERS if headers is None else headers
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("生产经营单位")
    sheet.append(headers)
    by_header = {column.header: column.key for column in COLUMNS}
    for values in rows:
        sheet.append([values.get(by_header.get(h, h)) for h in headers])
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def run(rows, *, user, mode=MODE_ALL, headers=None):
    return import_enterprises(xlsx(rows, headers), user=user, mode=mode)


def imported(*names: str) -> set[str]:
    return set(Enterprise.objects.filter(name__in=names).values_list("name", flat=True))


def messages(result, number: int) -> str:
    return "；".join(result.errors[number])


# --- a good file -----------------------------------------------------------------------


def test_a_valid_file_imports_every_row_with_derived_fields_and_audit(district_official):
    result = run(
        [
            row(1),
            row(2, street=world.PINGLIANG, industry="建筑施工", economic_code="4710"),
        ],
        user=district_official,
    )
    assert (result.total, result.created, result.error_rows, result.file_error) == (2, 2, 0, "")

    first = Enterprise.objects.get(name="导入测试00001有限公司")
    second = Enterprise.objects.get(name="导入测试00002有限公司")
    assert first.supervising_department.name == "杨浦区应急管理局"
    assert first.involves_hazchem and not first.confined_space and not first.ammonia_refrigeration
    assert first.status == "operating"
    assert first.scale == "below"
    assert first.created_by == district_official
    assert second.street_id == world.PINGLIANG  # a 9-digit code works as well as a name
    assert second.economic_code == "E4710"  # normalised like the form does
    assert second.supervising_department.name == "杨浦区建设和管理委员会"
    entry = LogEntry.objects.get_for_object(first).get()
    assert (entry.actor, entry.additional_data) == (district_official, {"via": "bulk"})


def test_cells_are_read_the_way_officials_fill_them_in(district_official, enterprises):
    code = world.credit_code(10_003)
    result = run(
        [
            row(
                3,
                credit_code=f"{code[:6]} {code[6:12]} {code[12:]}".lower(),
                grid="第1网格",
                longitude=121.5265,
                latitude=31.3192,
                industry="hazchem",
                employees=300.0,  # Excel keeps numbers as floats
                scale="规上",
                supervision_grade="a类",
                standardisation_grade="三级",
                standardisation_expires=datetime.datetime(2027, 6, 30),
                insured_until="2027/1/31",
                status="停产",
                supervising_department="杨浦区市场监督管理局",
                dust_explosion="√",
                crowded_place="yes",
            )
        ],
        user=district_official,
    )
    assert result.created == 1, result.errors
    enterprise = Enterprise.objects.get(name="导入测试00003有限公司")
    assert enterprise.credit_code == code
    assert enterprise.grid_id == world.YINHANG + "W001"
    assert enterprise.scope_region_code == world.YINHANG + "W001"
    assert (float(enterprise.latitude), float(enterprise.longitude)) == (31.3192, 121.5265)
    assert (enterprise.employees, enterprise.scale) == (300, "above")
    assert enterprise.supervision_grade == "A"
    assert enterprise.standardisation_grade == "3"
    assert enterprise.standardisation_expires == datetime.date(2027, 6, 30)
    assert enterprise.insured_until == datetime.date(2027, 1, 31)
    assert enterprise.status == "suspended"
    assert enterprise.department_overridden
    assert enterprise.supervising_department.name == "杨浦区市场监督管理局"
    assert enterprise.dust_explosion and enterprise.crowded_place


def test_an_exported_ledgers_extra_columns_are_accepted_and_ignored(district_official):
    headers = ["系统编号", *HEADERS, "所属区", "更新时间"]
    result = run([row(4, id=999_999)], user=district_official, headers=headers)
    assert result.created == 1
    assert Enterprise.objects.get(name="导入测试00004有限公司").pk != 999_999


def test_headers_may_carry_the_required_star(district_official):
    headers = [c.header + "*" if c.required else c.header for c in IMPORT_COLUMNS]
    rows = [dict(zip(headers, xlsx_values(row(5)), strict=True))]
    result = import_enterprises(xlsx(rows, headers), user=district_official)
    assert result.created == 1, (result.file_error, result.errors)


def xlsx_values(values: dict) -> list:
    return [values.get(column.key) for column in IMPORT_COLUMNS]


# --- the whole file is wrong -------------------------------------------------------------


def test_missing_and_unknown_columns_are_named_and_nothing_is_imported(district_official):
    headers = [h for h in HEADERS if h not in ("单位名称", "从业人员数")] + ["备注", "联系人微信"]
    result = run([row(10)], user=district_official, headers=headers)
    assert "表头与模板不一致" in result.file_error
    assert "缺少必填列：单位名称、从业人员数" in result.file_error
    assert "无法识别的列：备注、联系人微信" in result.file_error
    assert (result.created, result.total) == (0, 0)
    assert not Enterprise.objects.filter(name__startswith="导入测试").exists()


def test_a_column_given_twice_is_named(district_official):
    result = run([row(11)], user=district_official, headers=[*HEADERS, "单位名称"])
    assert "重复的列：单位名称" in result.file_error


def test_a_file_with_headers_but_no_rows_is_refused(district_official):
    result = run([], user=district_official)
    assert result.file_error == "文件中没有数据行（表头以下为空）"


def test_blank_rows_are_skipped_and_row_numbers_stay_those_of_the_sheet(district_official):
    blank = dict.fromkeys(row(0), None)
    result = run([blank, row(12, employees="x")], user=district_official)
    assert result.total == 1
    assert list(result.errors) == [3]


def test_an_empty_workbook_is_refused(district_official):
    buffer = BytesIO()
    Workbook().save(buffer)
    buffer.seek(0)
    result = import_enterprises(buffer, user=district_official)
    assert result.file_error == "文件为空：第一行应为表头"


@pytest.mark.parametrize(
    "content",
    [b"", b"name,credit_code\n a,b\n", b"PK\x03\x04 not really a zip", "单位名称".encode("gbk")],
)
def test_a_file_that_is_not_xlsx_is_refused_in_chinese(district_official, content):
    result = import_enterprises(BytesIO(content), user=district_official)
    assert result.file_error.startswith("无法读取文件：请上传由模板填写的 .xlsx 文件")
    assert result.created == 0


def hostile(kind: str) -> bytes:
    """Hostile file ``kind`` with this registry's headers and one valid row."""
    by_header = {column.header: column.key for column in COLUMNS}
    values = row(90)
    cells = ["" if values.get(by_header[h]) is None else str(values[by_header[h]]) for h in HEADERS]
    return hostile_xlsx.HOSTILE[kind](HEADERS, cells)


HOSTILE_MESSAGES = {
    "huge_dimension": "表格共有超过 60000 行（含空行）",
    "empty_rows": "表格共有超过 60000 行（含空行）",
    "truncated": "无法读取文件：表格内容已损坏",
    "external_entity": "无法读取文件：表格内容已损坏",
    "billion_laughs": "无法读取文件：表格内容已损坏",
    "compressed_rows": "文件解压后是压缩前的",
}


@pytest.mark.parametrize("kind", sorted(HOSTILE_MESSAGES))
def test_a_hostile_file_ends_quickly_with_a_chinese_message(district_official, kind):
    content = hostile(kind)
    started = time.process_time()  # CPU time: immune to a loaded machine's wall clock
    result = import_enterprises(BytesIO(content), user=district_official)
    elapsed = time.process_time() - started
    assert elapsed < 3, f"{kind}: {elapsed:.2f} s"
    assert result.file_error.startswith(HOSTILE_MESSAGES[kind]), result.file_error
    assert not re.search(r"line \d|column \d|entity|token|Error", result.file_error)
    assert result.created == 0 and not imported("导入测试00090有限公司")


def test_too_many_rows_are_refused(district_official, monkeypatch):
    from anjian.enterprises import importer

    monkeypatch.setattr(importer, "MAX_ROWS", 2)  # a limit, not a collaborator
    result = run([row(13), row(14), row(15)], user=district_official)
    assert result.file_error == "文件超过 2 行，请拆分后分批导入"


# --- row errors ---------------------------------------------------------------------------


def test_a_bad_credit_code_is_reported_on_its_row(district_official):
    good = world.credit_code(10_020)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    result = run([row(20, credit_code=bad), row(21, credit_code="123")], user=district_official)
    assert "【统一社会信用代码】" in messages(result, 2)
    assert f"应为“{good[-1]}”" in messages(result, 2)
    assert "应为18位（当前3位）" in messages(result, 3)
    assert result.created == 0


def test_a_credit_code_stored_as_an_excel_number_is_explained(district_official):
    digits_only = next(
        world.credit_code(n) for n in range(10_030, 10_100) if world.credit_code(n).isdigit()
    )
    result = run(
        [row(30, credit_code=int(digits_only)), row(31, credit_code=float(digits_only))],
        user=district_official,
    )
    for number in (2, 3):
        assert "被Excel存成了数字" in messages(result, number)
    assert result.created == 0


def test_duplicates_within_the_file_name_each_other(district_official):
    code = world.credit_code(10_040)
    result = run(
        [row(40, credit_code=code), row(41), row(42, credit_code=code.lower())],
        user=district_official,
    )
    assert "【统一社会信用代码】与第 4 行重复" in messages(result, 2)
    assert "【统一社会信用代码】与第 2 行重复" in messages(result, 4)
    assert 3 not in result.errors


def test_three_copies_of_a_code_each_name_the_other_two(district_official):
    code = world.credit_code(10_043)
    result = run([row(n, credit_code=code) for n in (43, 44, 45)], user=district_official)
    assert "与第 3、4 行重复" in messages(result, 2)
    assert "与第 2、3 行重复" in messages(result, 4)


def test_a_code_already_registered_names_the_existing_enterprise(district_official, enterprises):
    result = run(
        [row(46, credit_code=enterprises["pingliang_factory"].credit_code)], user=district_official
    )
    message = messages(result, 2)
    assert "【统一社会信用代码】" in message
    assert "上海平凉机械制造有限公司" in message
    assert "平凉路街道" in message


def test_a_code_registered_outside_the_importers_scope_is_still_a_duplicate(
    street_officer, enterprises
):
    result = run(
        [row(47, credit_code=enterprises["hongkou_shop"].credit_code)], user=street_officer
    )
    assert "上海虹口超市有限公司" in messages(result, 2)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"street": "不存在街道"}, "【所属街镇】街镇“不存在街道”不存在或不在您的管辖范围内"),
        ({"street": ""}, "【所属街镇】"),
        ({"street": world.YINHANG + "W001"}, "【所属街镇】街镇“310110016W001”不存在"),  # a grid
        ({"grid": "第99网格"}, "【所属网格/社区】网格/社区“第99网格”不存在或不属于所填街镇"),
        ({"industry": "航天"}, "【监管行业】“航天”不存在或不在您的监管范围内"),
        ({"supervising_department": "火星管理局"}, "【监管部门】“火星管理局”不存在"),
        ({"employees": "很多"}, "【从业人员数】"),
        ({"employees": -3}, "【从业人员数】"),
        ({"principal_phone": "12"}, "【主要负责人电话】"),
        ({"economic_code": "E2614"}, "【国民经济行业代码】大类 26 不属于门类 E"),
        ({"supervision_grade": "E"}, "【分级分类监管等级】"),
        ({"insured_until": "明年"}, "【安责险有效期至】"),
        ({"standardisation_grade": "三级"}, "【标准化有效期至】已达标的单位请填写标准化有效期"),
        ({"dust_explosion": "也许"}, "【粉尘涉爆】应填“是”或“否”"),
        ({"latitude": 39.9, "longitude": 116.4}, "【纬度】坐标"),
        ({"name": ""}, "【单位名称】"),
    ],
)
def test_each_bad_cell_is_reported_with_its_column(district_official, overrides, expected):
    result = run([row(50, **overrides)], user=district_official)
    assert expected in messages(result, 2)
    assert result.created == 0


def test_a_street_outside_the_importers_scope_is_refused(street_officer):
    result = run([row(60, street="平凉路街道")], user=street_officer)
    assert "【所属街镇】街镇“平凉路街道”不存在或不在您的管辖范围内" in messages(result, 2)


def test_an_industry_outside_the_departments_scope_is_refused(housing_official):
    result = run([row(61)], user=housing_official)  # 危险化学品 is not 建管委's
    assert "【监管行业】“危险化学品”不存在或不在您的监管范围内" in messages(result, 2)


def test_every_problem_of_a_row_is_reported_at_once(district_official):
    result = run(
        [row(62, street="不存在街道", employees="很多", economic_code="E2614")],
        user=district_official,
    )
    text = messages(result, 2)
    assert "【所属街镇】" in text
    assert "【从业人员数】" in text
    assert "【国民经济行业代码】" in text


# --- modes: all or the valid rows, never half a row -------------------------------------


def _mixed_rows():
    return [row(70), row(71, employees="很多"), row(72), row(73, street="不存在街道")]


def test_mode_all_imports_nothing_when_any_row_is_bad(district_official):
    result = run(_mixed_rows(), user=district_official, mode=MODE_ALL)
    assert (result.total, result.created, result.error_rows) == (4, 0, 2)
    assert sorted(result.errors) == [3, 5]
    assert not Enterprise.objects.filter(name__startswith="导入测试").exists()


def test_mode_valid_imports_exactly_the_valid_rows(district_official):
    result = run(_mixed_rows(), user=district_official, mode=MODE_VALID)
    assert (result.total, result.created, result.error_rows) == (4, 2, 2)
    assert set(
        Enterprise.objects.filter(name__startswith="导入测试").values_list("name", flat=True)
    ) == {"导入测试00070有限公司", "导入测试00072有限公司"}


def test_a_row_with_one_bad_optional_cell_is_not_imported_without_it(district_official):
    result = run(
        [row(80, insured_until="明年"), row(81, dust_explosion="也许"), row(82, grid="第99网格")],
        user=district_official,
        mode=MODE_VALID,
    )
    assert result.created == 0
    assert (
        imported("导入测试00080有限公司", "导入测试00081有限公司", "导入测试00082有限公司") == set()
    )


def test_duplicates_within_the_file_import_neither_copy_in_mode_valid(district_official):
    code = world.credit_code(10_090)
    result = run(
        [row(90, credit_code=code), row(91, credit_code=code), row(92)],
        user=district_official,
        mode=MODE_VALID,
    )
    assert result.created == 1
    assert imported("导入测试00090有限公司", "导入测试00091有限公司", "导入测试00092有限公司") == {
        "导入测试00092有限公司"
    }


def test_the_report_lists_rows_and_messages(district_official):
    result = run(_mixed_rows(), user=district_official, mode=MODE_VALID)
    report = result.as_report()
    assert report["total"] == 4
    assert report["created"] == 2
    assert report["error_rows"] == 2
    assert report["mode"] == MODE_VALID
    assert [entry["row"] for entry in report["errors"]] == [3, 5]
    assert any("【从业人员数】" in m for m in report["errors"][0]["messages"])


def test_a_failure_while_writing_leaves_no_row_of_the_file(district_official):
    """All rows valid, but the second insert batch hits a credit code registered meanwhile:
    the first batch of 1,000 must be rolled back with it."""
    rows = [row(n) for n in range(1, 1002)]
    last_code = rows[-1]["credit_code"]
    raced = []

    def other_writer(execute, sql, params, many, context):
        if sql.startswith('INSERT INTO "enterprises_enterprise"') and not raced:
            raced.append(True)
            winner = Enterprise(
                **world.enterprise_data(name="抢先登记的公司", credit_code=last_code)
            )
            winner.refresh_derived_fields()
            Enterprise.objects.bulk_create([winner])
        return execute(sql, params, many, context)

    source = xlsx(rows)
    with connection.execute_wrapper(other_writer), pytest.raises(IntegrityError):
        import_enterprises(source, user=district_official, mode=MODE_ALL)
    assert raced
    assert not Enterprise.objects.filter(name__startswith="导入测试").exists()


# --- scale ----------------------------------------------------------------------------------


def test_a_ten_thousand_row_file_imports_completely(district_official):
    rows = [
        row(
            n,
            street=("殷行街道", "平凉路街道")[n % 2],
            industry=("危险化学品", "机械", "建筑施工")[n % 3],
            economic_code=("C2614", "C3411", "E4710")[n % 3],
        )
        for n in range(1, 10_001)
    ]
    source = xlsx(rows)
    before = Enterprise.objects.count()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        result = import_enterprises(source, user=district_official, mode=MODE_ALL)
    elapsed = time.perf_counter() - started
    print(
        f"\n10,000-row import on {connection.vendor}: {elapsed:.1f} s, "
        f"{len(queries.captured_queries)} queries"
    )

    assert (result.total, result.created, result.error_rows) == (10_000, 10_000, 0)
    assert Enterprise.objects.count() == before + 10_000
    assert not Enterprise.objects.filter(
        name__startswith="导入测试", supervising_department__isnull=True
    ).exists()
    assert (
        Enterprise.objects.filter(name__startswith="导入测试", street_id=world.PINGLIANG).count()
        == 5_000
    )
    assert LogEntry.objects.filter(additional_data__via="bulk").count() == 10_000
    # Cost must not grow with the rows: lookups once, duplicates in one query, batched inserts.
    assert len(queries.captured_queries) < 60


# --- the upload page and the template ---------------------------------------------------------

UPLOAD = "/enterprises/import/"
TEMPLATE = "/enterprises/import/template.xlsx"


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


def test_a_filled_in_template_imports(client_for, street_officer):
    content = client_for(street_officer).get(TEMPLATE).content
    workbook = load_workbook(BytesIO(content))
    sheet = workbook["生产经营单位"]
    example = {cell.value: sheet.cell(row=2, column=cell.column).value for cell in sheet[1]}
    assert example["所属街镇"] == "殷行街道"
    sheet.cell(row=2, column=HEADERS.index("统一社会信用代码") + 1, value=world.credit_code(10_500))
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    result = import_enterprises(buffer, user=street_officer)
    assert (result.created, dict(result.errors), result.file_error) == (1, {}, "")
    assert Enterprise.objects.filter(name=example["单位名称"]).exists()
