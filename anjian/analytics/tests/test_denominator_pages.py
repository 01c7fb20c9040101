"""The denominators pages: entering a region's year, changing it with the version read (a
save in between is a 409 showing the row as it is now), the Excel import (nothing imported
when any row is bad, each bad row named in Chinese), its template, and the export that
imports again."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from anjian.analytics import services
from anjian.analytics.importer import COLUMNS
from anjian.analytics.models import Denominator
from testsupport import world

pytestmark = pytest.mark.django_db

YANGPU = world.YANGPU
LIST = reverse("analytics:denominator_list")
CREATE = reverse("analytics:denominator_create")


def entered(year=2024, by="district_official", region=YANGPU, **values) -> Denominator:
    values = {"gdp": "2500", "industry_trade_employees": "", "motor_vehicles": "", **values}
    return services.denominator_save(world.actor(by), region_id=region, year=year, **values)


def form(**values) -> dict:
    return {
        "region": YANGPU,
        "year": "2024",
        "gdp": "2,500.5",
        "industry_trade_employees": "300000",
        "motor_vehicles": "",
        "source": "2024年统计公报",
        **values,
    }


def upload(*rows) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([str(column.header) for column in COLUMNS])
    for row in rows:
        sheet.append(list(row))
    buffer = BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("分母.xlsx", buffer.getvalue())


def test_a_district_official_enters_a_year(client_for):
    response = client_for(world.actor("district_official")).post(CREATE, form())

    assert response.status_code == 302
    row = Denominator.objects.get(region_code=YANGPU, year=2024)
    assert row.gdp == Decimal("2500.50") and row.industry_trade_employees == 300_000
    assert row.motor_vehicles is None and row.updated_by == world.actor("district_official")


def test_the_form_opens_on_the_region_and_year_the_indicators_page_asked_for(client_for):
    response = client_for(world.actor("district_official")).get(
        CREATE, {"region": YANGPU, "year": "2022"}
    )

    html = response.content.decode()
    assert f'<option value="{YANGPU}" selected>' in html and 'value="2022"' in html


def test_bad_numbers_are_named_in_chinese_and_nothing_is_saved(client_for):
    response = client_for(world.actor("district_official")).post(
        CREATE, form(gdp="两千五", industry_trade_employees="-3", year="2999")
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert "“两千五”不是数字" in html and "须大于0" in html and "不能晚于今年" in html
    assert not Denominator.objects.exists()


def test_another_district_is_not_offered_and_writes_nothing(client_for):
    response = client_for(world.actor("district_official")).post(CREATE, form(region=world.HONGKOU))

    assert response.status_code == 422
    assert not Denominator.objects.exists()


def test_a_year_already_entered_is_a_conflict_that_opens_the_existing_row(client_for):
    row = entered()

    response = client_for(world.actor("district_official")).post(CREATE, form())

    assert response.status_code == 409
    html = response.content.decode()
    assert "已有记录" in html and reverse("analytics:denominator_edit", args=[row.pk]) in html
    assert Denominator.objects.get().gdp == Decimal("2500")


def test_an_edit_from_a_stale_version_is_refused_with_the_row_as_it_is_now(client_for):
    row = entered()
    client = client_for(world.actor("district_official"))
    url = reverse("analytics:denominator_edit", args=[row.pk])
    read = client.get(url)
    assert f'name="version" value="{row.version}"' in read.content.decode()
    entered(gdp="2600", expected_version=row.version)  # someone else saves first

    response = client.post(url, form(gdp="2700", version=str(row.version)))

    assert response.status_code == 409
    html = response.content.decode()
    assert "2600" in html and "重新打开最新版本" in html
    assert Denominator.objects.get().gdp == Decimal("2600")
    saved = client.post(url, form(gdp="2700", version=str(row.version + 1)))
    assert saved.status_code == 302
    assert Denominator.objects.get().gdp == Decimal("2700")


def test_an_edit_keeps_the_region_and_year(client_for):
    row = entered()

    client_for(world.actor("district_official")).post(
        reverse("analytics:denominator_edit", args=[row.pk]),
        form(region=world.HONGKOU, year="2020", version=str(row.version)),
    )

    row.refresh_from_db()
    assert (row.region_code, row.year, row.gdp) == (YANGPU, 2024, Decimal("2500.50"))


def test_the_list_shows_the_district_s_rows_filtered(client_for):
    entered(2023, source="二〇二三")
    entered(2024, source="二〇二四")
    entered(2024, by="neighbour_official", region=world.HONGKOU, source="虹口")

    client = client_for(world.actor("district_official"))
    html = client.get(LIST).content.decode()
    assert "二〇二三" in html and "二〇二四" in html and "虹口" not in html
    only = client.get(LIST, {"year": 2024}).content.decode()
    assert "二〇二四" in only and "二〇二三" not in only


def test_a_good_file_is_imported(client_for):
    response = client_for(world.actor("district_official")).post(
        reverse("analytics:denominator_import"),
        {"mode": "all_or_nothing", "file": upload((YANGPU, 2023, 2400, 290000, 390000, "公报"))},
    )

    assert response.status_code == 302
    assert Denominator.objects.get(year=2023).motor_vehicles == 390_000


def test_a_file_with_a_bad_row_imports_nothing_and_names_the_row(client_for):
    response = client_for(world.actor("district_official")).post(
        reverse("analytics:denominator_import"),
        {
            "mode": "all_or_nothing",
            "file": upload(
                (YANGPU, 2023, 2400, 290000, 390000, ""),
                (world.HONGKOU, 2023, 1000, None, None, ""),
            ),
        },
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert "第3行" in html and "上海市虹口区不在您的管辖范围内" in html
    assert "未导入任何数据" in html
    assert not Denominator.objects.exists()


def test_a_file_that_is_not_excel_is_refused(client_for):
    response = client_for(world.actor("district_official")).post(
        reverse("analytics:denominator_import"),
        {"mode": "all_or_nothing", "file": SimpleUploadedFile("分母.xlsx", b"region,year\n")},
    )

    assert response.status_code == 422
    assert "不是有效的 .xlsx" in response.content.decode()


def test_the_export_holds_the_scope_and_imports_again(client_for):
    entered(2023, source="统计公报")
    entered(2024, by="neighbour_official", region=world.HONGKOU, source="虹口")
    client = client_for(world.actor("district_official"))

    exported = client.get(reverse("analytics:denominator_export"))

    assert exported.status_code == 200
    sheet = load_workbook(BytesIO(exported.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [str(column.header) for column in COLUMNS]
    assert rows[1:] == [(YANGPU, 2023, 2500, None, None, "统计公报")]
    Denominator.objects.filter(region_code=YANGPU).update(gdp=Decimal("1"))
    again = client.post(
        reverse("analytics:denominator_import"),
        {"mode": "all_or_nothing", "file": SimpleUploadedFile("回导.xlsx", exported.content)},
    )
    assert again.status_code == 302
    assert Denominator.objects.get(region_code=YANGPU).gdp == Decimal("2500")


def test_the_template_downloads(client_for):
    response = client_for(world.actor("district_official")).get(
        reverse("analytics:denominator_import_template")
    )

    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    assert [cell.value for cell in sheet[1]] == [str(column.header) for column in COLUMNS]


def test_a_leader_reads_the_figures_but_does_not_keep_the_denominators(client_for):
    leader = client_for(world.actor("leader"))

    assert leader.get(LIST).status_code == 403
    assert leader.post(CREATE, form()).status_code == 403
    assert not Denominator.objects.exists()
