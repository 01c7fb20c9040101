"""Excel import of denominators (one row per region and year), all or nothing.

Every row is checked the way a typed entry is (``services.clean_denominator`` and
``services.region_for_write``'s rules) before any is written; if any row has a problem,
nothing is imported and each bad row is reported by its Excel row number, one message per
cell (``core.excel.RowProblems``). Otherwise, in one transaction, a row for a region and
year already recorded updates it (its version moves on; a blank cell keeps the stored
value, so a file may add the GDP once it is published), and the others are created.

A file is a few dozen rows (the districts of a city over some years), so it is read and
written in the request, without a background job.
"""

from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.analytics.models import Denominator
from anjian.analytics.services import (
    REGION_LEVELS,
    apply_values,
    clean_denominator,
    require_manage,
    text_of,
)
from anjian.core.excel import Column, ExcelError, RowProblems, SheetRows, read_rows, write_template
from anjian.core.exceptions import Conflict, ValidationError
from anjian.core.scoping import ensure_in_scope, scope_of
from anjian.regions.models import Region

MAX_ROWS = 2_000
COLUMNS = [
    Column(
        "region",
        str(gettext_lazy("地区代码")),
        14,
        required=True,
        note=str(gettext_lazy("市或区的6位（直辖市2位）行政区划代码，如杨浦区 310110")),
        example="310110",
    ),
    Column(
        "year",
        str(gettext_lazy("年份")),
        8,
        required=True,
        note=str(gettext_lazy("统计年度，如 2024；不能晚于今年")),
        example=2024,
    ),
    Column(
        "gdp",
        str(gettext_lazy("地区生产总值（亿元）")),
        18,
        note=str(
            gettext_lazy("当年价，单位亿元，最多2位小数；空白表示暂未公布（已有数值保持不变）")
        ),
        example=2500.5,
    ),
    Column(
        "industry_trade_employees",
        str(gettext_lazy("工矿商贸就业人员（人）")),
        20,
        note=str(gettext_lazy("整数，单位人")),
        example=350000,
    ),
    Column(
        "motor_vehicles",
        str(gettext_lazy("机动车保有量（辆）")),
        18,
        note=str(gettext_lazy("整数，单位辆")),
        example=420000,
    ),
    Column(
        "source",
        str(gettext_lazy("来源")),
        30,
        note=str(gettext_lazy("如：2024年杨浦区国民经济和社会发展统计公报")),
        example="2024年统计公报",
    ),
]
HEADERS = {column.key: str(column.header) for column in COLUMNS}


@dataclass
class ImportResult:
    total: int = 0
    created: int = 0
    updated: int = 0
    errors: dict[int, list[str]] = field(default_factory=dict)  # Excel row → messages
    file_error: str = ""
    sheet: SheetRows | None = None

    @property
    def imported(self) -> bool:
        return not self.file_error and not self.errors and (self.created + self.updated) > 0


def denominators_template() -> bytes:
    return write_template(
        title=_("指标分母"),
        columns=COLUMNS,
        notes=[
            _("每行一个地区一个年度；同一地区同一年度只能出现一次。"),
            _("任何一行有错误时，整个文件都不导入，请按错误说明修改后重新上传。"),
            _("已有记录的地区和年度将被更新：填写的数值覆盖原值，空白单元格保持原值。"),
        ],
        lists={},
    )


def denominators_import(by, file: BinaryIO) -> ImportResult:
    """Import the denominators in ``file`` (.xlsx with ``COLUMNS``): all rows or none."""
    require_manage(by)
    result = ImportResult()
    try:
        sheet = read_rows(file, columns=COLUMNS, max_rows=MAX_ROWS)
    except ExcelError as problem:
        result.file_error = str(problem)
        return result
    result.sheet, result.total = sheet, len(sheet.rows)
    regions = _regions(sheet)
    seen: dict[tuple[str, int], int] = {}
    checked = []
    for number, cells in sheet.rows:
        problems = RowProblems(COLUMNS)
        region = _region(by, cells.get(HEADERS["region"]), regions, problems)
        try:
            values = clean_denominator(
                **{key: cells.get(HEADERS[key]) for key in HEADERS if key != "region"}
            )
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                problems.add(key, messages[0])
            values = None
        if region is not None and values is not None:
            first = seen.setdefault((region.code, values.year), number)
            if first != number:
                problems.add(None, _("与第%(row)d行的地区和年份重复") % {"row": first})
        if problems:
            result.errors[number] = problems.messages()
        else:
            checked.append((region, values))
    if result.errors:
        return result
    try:
        with transaction.atomic():
            _write(by, checked, result)
    except IntegrityError:  # a row created by someone else meanwhile: nothing was written
        raise Conflict(
            _("导入期间他人录入了相同地区和年度的分母，未导入任何数据，请重新上传。")
        ) from None
    return result


def _regions(sheet: SheetRows) -> dict[str, Region]:
    codes = {text_of(cells.get(HEADERS["region"])) for _number, cells in sheet.rows}
    return {r.code: r for r in Region.objects.filter(code__in=codes - {""})}


def _region(by, cell: Any, regions: dict[str, Region], problems: RowProblems) -> Region | None:
    code = text_of(cell)
    region = regions.get(code)
    if not code:
        problems.add("region", _("请填写地区代码"))
    elif region is None:
        problems.add("region", _("“%(v)s”不是行政区划代码") % {"v": code})
    elif not scope_of(by).covers_region(code):
        problems.add("region", _("%(name)s不在您的管辖范围内") % {"name": region.full_name})
    elif region.level not in REGION_LEVELS:
        problems.add(
            "region", _("只能按市或区填报（%(name)s不是市或区）") % {"name": region.full_name}
        )
    else:
        return region
    return None


def _write(by, checked: list, result: ImportResult) -> None:
    keys = {(region.code, values.year) for region, values in checked}
    existing = {
        (row.region_code, row.year): row
        for row in Denominator.objects.select_for_update().filter(
            region_code__in={code for code, _year in keys},
            year__in={year for _code, year in keys},
        )
    }
    for region, values in checked:
        row = existing.get((region.code, values.year))
        if row is None:
            row = Denominator(region=region, region_code=region.code, year=values.year)
            result.created += 1
        else:
            row.version += 1
            result.updated += 1
        apply_values(row, values, by=by, keep_blank=True)
        row.save()
        ensure_in_scope(by, row, field="region")
