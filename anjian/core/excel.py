"""Excel ledgers (台账) and imports shared by every registry.

A registry declares its columns once (``Column``); the template, the export and the
importer's header check all come from that declaration, so a file exported today
imports tomorrow and officials see the same fixed columns they keep on paper.
"""

import datetime
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from typing import Any, BinaryIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
ERROR_FILL = PatternFill("solid", fgColor="F8D7DA")


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


def _cell_value(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _write_header(sheet, columns: list[Column]) -> None:
    sheet.append([column.header for column in columns])
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"


def write_template(
    *, title: str, columns: list[Column], notes: list[str], lists: dict[str, list[str]]
) -> bytes:
    """An import template: header row, one example row, drop-downs, and a notes sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    importable = [column for column in columns if column.importable]
    _write_header(sheet, importable)
    sheet.append([column.example for column in importable])
    values = workbook.create_sheet(_("可选值"))
    for list_index, (name, options) in enumerate(lists.items(), start=1):
        letter = get_column_letter(list_index)
        values.cell(row=1, column=list_index, value=name).font = Font(bold=True)
        values.column_dimensions[letter].width = 24
        for row, option in enumerate(options, start=2):
            values.cell(row=row, column=list_index, value=option)
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
    guide.append([_("列"), _("说明")])
    for column in importable:
        mark = _("（必填）") if column.required else ""
        guide.append([column.header + mark, column.note])
    guide.append([])
    for line in notes:
        guide.append(["", line])
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
    sheet.append([column.header for column in columns])
    count = 0
    for obj in objects:
        sheet.append([_cell_value(column.export(obj)) for column in columns])
        count += 1
        if progress and count % 1000 == 0:
            progress(count)
    info = workbook.create_sheet(_("导出说明"))
    for key, value in [*about, (_("记录数"), str(count))]:
        info.append([key, value])
    workbook.save(target)
    return count


@dataclass
class SheetRows:
    headers: list[str]
    rows: list[tuple[int, dict[str, Any]]]  # (Excel row number, header → raw value)


def read_rows(source: BinaryIO, *, columns: list[Column], max_rows: int) -> SheetRows:
    """Rows of the first sheet keyed by header, after checking the header row.

    Raises ExcelError for a file that is not .xlsx, has no data, or whose headers do not
    match the template (naming the missing and unknown columns).
    """
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except (
        InvalidFileException,
        zipfile.BadZipFile,
        KeyError,
        OSError,
        ValueError,
        TypeError,
    ) as exc:
        raise ExcelError(
            _("无法读取文件：请上传由模板填写的 .xlsx 文件（%(e)s）") % {"e": exc}
        ) from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header_row = next(rows, None)
        if header_row is None or not any(header_row):
            raise ExcelError(_("文件为空：第一行应为表头"))
        headers = [str(h).strip().rstrip("*") if h is not None else "" for h in header_row]
        _check_headers(headers, columns)
        data: list[tuple[int, dict[str, Any]]] = []
        for number, values in enumerate(rows, start=2):
            if values is None or all(v is None or str(v).strip() == "" for v in values):
                continue
            if len(data) >= max_rows:
                raise ExcelError(_("文件超过 %(n)d 行，请拆分后分批导入") % {"n": max_rows})
            data.append((number, {h: v for h, v in zip(headers, values, strict=False) if h}))
    finally:
        workbook.close()
    if not data:
        raise ExcelError(_("文件中没有数据行（表头以下为空）"))
    return SheetRows(headers=headers, rows=data)


def _check_headers(headers: list[str], columns: list[Column]) -> None:
    # Export-only columns (系统编号, 更新时间 …) are accepted and ignored, so an exported
    # ledger can be edited and imported back.
    known = {column.header for column in columns}
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


def error_report(*, columns: list[Column], sheet: SheetRows, errors: dict[int, list[str]]) -> bytes:
    """The uploaded rows that failed, with an "错误说明" column, for fixing and re-importing."""
    workbook = Workbook()
    out = workbook.active
    out.title = _("错误行")
    importable = [c for c in columns if c.importable and c.header in sheet.headers]
    report_columns = [
        Column("_row", _("原行号"), 8),
        *importable,
        Column("_errors", _("错误说明"), 60),
    ]
    _write_header(out, report_columns)
    for number, values in sheet.rows:
        if number not in errors:
            continue
        out.append(
            [
                number,
                *[_cell_value(values.get(c.header)) for c in importable],
                "；".join(errors[number]),
            ]
        )
        out.cell(row=out.max_row, column=len(report_columns)).fill = ERROR_FILL
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
