"""Excel import (import_enterprises): real .xlsx files — a good file, a file that is wrong
as a whole (hostile ones included), and a ten-thousand-row file.

Row errors and the two modes: ``test_importer_rows``; the upload page and the template:
``test_import_page``."""

import datetime
import re
import time
from io import BytesIO

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from anjian.enterprises.importer import MODE_ALL, import_enterprises
from anjian.enterprises.ledger import IMPORT_COLUMNS
from anjian.enterprises.models import Enterprise
from anjian.enterprises.tests.import_support import (
    HEADERS,
    HOSTILE_MESSAGES,
    hostile,
    imported,
    row,
    run,
    xlsx,
)
from testsupport import world

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
