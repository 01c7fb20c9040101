"""The Excel import of denominators: all rows or none, each bad row reported by its Excel
row number in Chinese, rows already recorded updated (blank cells keep what is stored)."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from anjian.analytics.importer import COLUMNS, denominators_import, denominators_template
from anjian.analytics.models import Denominator
from anjian.core.exceptions import NotPermitted
from anjian.regions.models import Region
from testsupport import world

pytestmark = pytest.mark.django_db

HEADER = [str(column.header) for column in COLUMNS]
YANGPU = world.YANGPU


def xlsx(*rows, header=HEADER) -> BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def run(file, actor="district_official"):
    return denominators_import(world.actor(actor), file)


def test_header_is_the_agreed_columns():
    assert HEADER == [
        "地区代码",
        "年份",
        "地区生产总值（亿元）",
        "工矿商贸就业人员（人）",
        "机动车保有量（辆）",
        "来源",
    ]


def test_a_good_file_creates_and_updates_rows():
    yangpu = Region.objects.get(code=YANGPU)
    stored = Denominator.objects.create(
        region=yangpu, region_code=YANGPU, year=2022, gdp=Decimal("2300"), motor_vehicles=380_000
    )
    result = run(
        xlsx(
            (YANGPU, 2023, 2400.5, 290000, 390000, "2023年统计公报"),
            (310110, "2024", "2,500", "300000", None, None),  # a code typed as a number
            (YANGPU, 2022, None, 280000, None, "补充就业人员"),  # GDP and vehicles kept
        )
    )
    assert (result.total, result.created, result.updated, result.errors) == (3, 2, 1, {})
    assert result.imported
    rows = {row.year: row for row in Denominator.objects.filter(region_code=YANGPU)}
    assert rows[2023].gdp == Decimal("2400.50") and rows[2023].motor_vehicles == 390_000
    assert rows[2024].gdp == Decimal("2500") and rows[2024].motor_vehicles is None
    stored.refresh_from_db()
    assert (stored.gdp, stored.industry_trade_employees, stored.motor_vehicles) == (
        Decimal("2300.00"),
        280_000,
        380_000,
    )
    assert stored.version == 2 and stored.source == "补充就业人员"
    assert stored.updated_by == world.actor("district_official")


def test_one_bad_row_imports_nothing_and_every_bad_row_is_reported():
    next_year = timezone.localdate().year + 1
    result = run(
        xlsx(
            (YANGPU, 2023, 2400, 290000, 390000, ""),  # row 2: good
            (YANGPU, 2024, -5, "三十万", 0, ""),  # row 3
            (YANGPU, next_year, 2600, None, None, ""),  # row 4
            (world.HONGKOU, 2024, 1000, None, None, ""),  # row 5: another district
            (world.YINHANG, 2024, 10, None, None, ""),  # row 6: a street
            ("999999", 2024, 10, None, None, ""),  # row 7: no such region
            (YANGPU, 2023, 2400, None, None, ""),  # row 8: the same as row 2
            (YANGPU, 2021, None, None, None, "只有来源"),  # row 9: nothing to record
        )
    )
    assert not result.imported and (result.created, result.updated) == (0, 0)
    assert not Denominator.objects.exists()
    assert sorted(result.errors) == [3, 4, 5, 6, 7, 8, 9]
    assert result.errors[3] == [
        "【地区生产总值（亿元）】须大于0",
        "【工矿商贸就业人员（人）】“三十万”不是数字",
        "【机动车保有量（辆）】须大于0",
    ]
    assert "不能晚于今年" in result.errors[4][0] and result.errors[4][0].startswith("【年份】")
    assert result.errors[5] == ["【地区代码】上海市虹口区不在您的管辖范围内"]
    assert "只能按市或区填报" in result.errors[6][0]
    assert result.errors[7] == ["【地区代码】“999999”不是行政区划代码"]
    assert result.errors[8] == ["与第2行的地区和年份重复"]
    assert "至少填写一项" in result.errors[9][0]


def test_a_file_that_is_not_the_template_is_refused_whole():
    assert "无法读取文件" in run(BytesIO(b"region,year\n310110,2024\n")).file_error
    wrong = run(xlsx((YANGPU, 2024), header=["地区", "年份"]))
    assert "表头与模板不一致" in wrong.file_error and "缺少必填列：地区代码" in wrong.file_error
    assert not Denominator.objects.exists()


def test_the_template_imports_once_filled():
    workbook = load_workbook(BytesIO(denominators_template()))
    sheet = workbook.worksheets[0]
    assert [cell.value for cell in sheet[1]] == HEADER
    only_example = BytesIO()
    workbook.save(only_example)
    only_example.seek(0)
    assert "示例行" in run(only_example).file_error
    sheet.append([YANGPU, 2024, 2500, 300000, 400000, "统计公报"])
    filled = BytesIO()
    workbook.save(filled)
    filled.seek(0)
    result = run(filled)
    assert result.created == 1 and result.errors == {}
    assert Denominator.objects.get(region_code=YANGPU, year=2024).gdp == Decimal("2500")


def test_only_managers_may_import():
    with pytest.raises(NotPermitted):
        run(xlsx((YANGPU, 2024, 2500, None, None, "")), actor="leader")
    assert not Denominator.objects.exists()
