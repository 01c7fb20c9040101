"""The indicators page as a leader reads it: the hand-counted figures of 杨浦区's ledger
(``factories``), the targets and their verdicts, last year's figures and the change, the
drill-down behind every number, the breakdowns, the definitions, the workbook — and whose
page it is (scope)."""

import re
from html import unescape
from io import BytesIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from anjian.analytics.choices import Comparison
from anjian.analytics.tests.factories import denominators, ledger
from anjian.analytics.tests.test_selectors import city_plan, plan
from testsupport import world

pytestmark = pytest.mark.django_db

URL = reverse("analytics:indicators")


@pytest.fixture
def records(db):
    found = ledger()
    denominators()
    return found


def page(client, **query):
    response = client.get(URL, query)
    assert response.status_code == 200, response.content.decode()[-2000:]
    return response


def card_of(response, key: str) -> str:
    html = response.content.decode()
    start = html.index(f'data-indicator="{key}"')
    end = html.find("data-indicator=", start + 20)
    return unescape(html[start : end if end > 0 else html.index('id="indicator-breakdowns"')])


def value_of(card: str) -> str:
    return re.search(r"data-value>([^<]*)<", card).group(1).strip()


def query_of(url: str) -> dict:
    return parse_qs(urlsplit(url).query)


def link_of(card: str, marker: str) -> str:
    return unescape(re.search(r'<a [^>]*href="([^"]+)"[^>]*' + marker, card).group(1))


def test_the_district_official_reads_the_hand_counted_figures_of_2024(client_for, records):
    response = page(client_for(world.actor("district_official")), region=world.YANGPU, year=2024)

    shown = {
        "gdp_death_rate": "0.0080",
        "industry_trade_death_rate": "2.000",
        "road_death_rate": "0.10",
        "deaths": "20",
        "accident_count": "7",
        "larger_and_above_count": "2",
        "major_and_above_count": "1",
        "industry_trade_deaths": "6",
        "road_deaths": "4",
    }
    assert {key: value_of(card_of(response, key)) for key in shown} == shown
    assert "2024年全年" in response.content.decode()


def test_every_figure_links_to_exactly_the_accidents_it_counts(client_for, records):
    response = page(client_for(world.actor("district_official")), region=world.YANGPU, year=2024)

    larger = query_of(link_of(card_of(response, "larger_and_above_count"), "data-value"))
    assert larger == {
        "region": [world.YANGPU],
        "year": ["2024"],
        "group": ["all"],
        "counted": ["1"],
        "grade": ["larger", "major", "extraordinary"],
    }
    road = card_of(response, "road_death_rate")
    assert query_of(link_of(road, "data-numerator"))["group"] == ["road"]
    # The drill-down lists what the figure counts: A3 and A10 (4 deaths), not A6 of 2025.
    listed = client_for(world.actor("district_official")).get(link_of(road, "data-numerator"))
    numbers = {records["A3"].number, records["A10"].number}
    html = listed.content.decode()
    assert all(number in html for number in numbers)
    assert records["A6"].number not in html and records["A8"].number not in html


def test_last_year_and_the_change_are_shown_with_a_colour_by_direction(client_for, records):
    response = page(client_for(world.actor("district_official")), region=world.YANGPU, year=2024)

    deaths = card_of(response, "deaths")
    assert re.search(r">\s*3\s*</a>", deaths)  # 2023: B1 + B2
    assert 'data-change="worse"' in deaths and "↑ +17" in deaths
    assert query_of(link_of(deaths, r">\s*3\s*</a"))["year"] == ["2023"]
    rate = card_of(response, "gdp_death_rate")
    assert "0.0013" in rate and "+0.0067" in rate and "+515.4%" in rate
    # No motor vehicles in 2023: no previous road rate, and no change claimed.
    assert "data-change" not in card_of(response, "road_death_rate")


def test_targets_are_judged_and_an_inherited_one_names_its_plan(client_for, records):
    city_plan()  # seed 000: ＜0.01, 工矿商贸 下降7.5% from the stated 2.5
    plan(world.YANGPU, "杨浦区规划", ("road_deaths", Comparison.AT_MOST, "3"))

    response = page(client_for(world.actor("leader")), region=world.YANGPU, year=2024)

    gdp = card_of(response, "gdp_death_rate")
    assert "达标" in gdp and "< 0.01" in gdp and "沿用上海市目标" in gdp
    assert "≤ 2.3125" in card_of(response, "industry_trade_death_rate")
    road = card_of(response, "road_deaths")
    assert "未达标" in road and "≤ 3" in road and "沿用" not in road
    assert "无目标" in card_of(response, "accident_count")


def test_a_year_without_a_plan_points_to_the_last_year_a_plan_covers(client_for, records):
    city_plan()

    response = page(client_for(world.actor("leader")), region=world.YANGPU, year=2024)
    assert "data-no-target" in card_of(response, "deaths")

    later = page(client_for(world.actor("leader")), region=world.YANGPU, year=2026)
    html = later.content.decode()
    alert = html[html.index("data-no-target>") :]
    alert = unescape(alert[: alert.index("</div>")])
    assert "本年度没有适用的规划目标" in alert and f"region={world.YANGPU}&year=2025" in alert


def test_a_rate_without_its_denominator_says_so_and_a_manager_may_enter_it(client_for, records):
    official = page(client_for(world.actor("district_official")), region=world.YANGPU, year=2022)

    card = card_of(official, "gdp_death_rate")
    assert "未填报地区生产总值（亿元），无法计算" in card
    entry = reverse("analytics:denominator_create") + f"?region={world.YANGPU}&year=2022"
    assert entry in card
    leader = page(client_for(world.actor("leader")), region=world.YANGPU, year=2022)
    assert "denominator_create" not in leader.content.decode()
    assert reverse("analytics:denominator_create") not in card_of(leader, "gdp_death_rate")


def test_the_page_opens_on_the_user_s_district_this_year_to_date(client_for, records):
    response = page(client_for(world.actor("district_official")))

    html = response.content.decode()
    today = timezone.localdate()
    assert f'<option value="{world.YANGPU}" selected>' in html
    assert f"{today.year}年1月1日至今日（{today.month}月{today.day}日）" in html
    assert "阶段数" in html


def test_another_district_s_figures_are_404(client_for, records):
    neighbour = client_for(world.actor("neighbour_official"))

    assert neighbour.get(URL, {"region": world.YANGPU, "year": 2024}).status_code == 404
    assert neighbour.get(URL, {"region": world.HONGKOU, "year": 2024}).status_code == 200


def test_a_street_officer_reads_their_street_without_rates(client_for, records):
    response = page(client_for(world.actor("street_officer")), year=2024)

    html = response.content.decode()
    assert "街镇不单独统计地区生产总值" in html
    # 殷行: A1, A2, A5, A10 in 2024 — 1 + 4 + 1 + 2 deaths.
    assert value_of(card_of(response, "deaths")) == "8"
    assert 'data-breakdown="street"' not in html
    other = client_for(world.actor("street_officer")).get(URL, {"region": world.PINGLIANG})
    assert other.status_code == 404


def test_the_breakdowns_count_and_link_by_grade_category_street_and_month(client_for, records):
    response = page(client_for(world.actor("district_official")), region=world.YANGPU, year=2024)

    html = response.content.decode()
    for by in ("grade", "category", "street", "month"):
        assert f'data-breakdown="{by}"' in html
    street = html[html.index('data-breakdown="street"') :]
    street = street[: street.index("</table>")]
    assert f"region={world.PINGLIANG}" in street and f"region={world.YINHANG}" in street
    month = html[html.index('data-breakdown="month"') :]
    month = month[: month.index("</table>")]
    assert "month=12" in month  # A5 and A10


def test_the_definitions_give_every_formula(client_for, records):
    response = page(client_for(world.actor("leader")), region=world.YANGPU, year=2024)

    html = response.content.decode()
    section = html[html.index('id="indicator-definitions"') :]
    for formula in (
        "各类生产安全事故死亡人数 ÷ 地区生产总值（亿元）",
        "工矿商贸事故死亡人数 ÷ 工矿商贸就业人员数 × 100000",
        "道路交通事故死亡人数 ÷ 机动车保有量 × 10000",
        "较大、重大、特别重大事故起数（各类别）",
    ):
        assert formula in section
    assert "已作废的记录不统计" in section


def test_a_bad_year_is_said_and_this_year_shown(client_for, records):
    response = page(client_for(world.actor("leader")), year="二〇二四")

    assert "年份无效，已显示本年" in response.content.decode()


def test_the_workbook_holds_the_page_s_figures(client_for, records):
    city_plan()
    client = client_for(world.actor("district_official"))

    response = client.get(
        reverse("analytics:indicators_export"), {"region": world.YANGPU, "year": 2024}
    )

    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    rows = {row[0]: row for row in book["指标"].iter_rows(min_row=2, values_only=True)}
    gdp = rows["亿元GDP生产安全事故死亡率"]
    assert gdp[2] == pytest.approx(0.008) and gdp[3] == 20 and gdp[4] == pytest.approx(2500)
    assert gdp[8] == "< 0.01" and gdp[10] == "达标"
    assert rows["生产安全事故死亡人数"][2:4] == (20, 20)
    assert rows["道路交通万车死亡率"][5] == "未填报机动车保有量（辆），无法计算"
    by_grade = {row[0]: row[1:3] for row in book["按事故等级"].iter_rows(values_only=True)}
    assert by_grade["较大事故"] == (1, 4) and by_grade["重大事故"] == (1, 10)
    about = dict(book["导出说明"].iter_rows(values_only=True))
    assert about["统计期"] == "2024年全年"
    assert "指标口径" in book.sheetnames


def test_a_past_year_through_a_month_compares_the_same_months(client_for, records):
    response = page(
        client_for(world.actor("district_official")),
        region=world.YANGPU,
        year=2024,
        through_month=6,
    )

    html = response.content.decode()
    assert "2024年1—6月" in html and "2023年1—6月" in html
    # January to June 2024: A1, A2 and A9 (1 + 4 + 10).
    assert value_of(card_of(response, "deaths")) == "15"
    assert query_of(link_of(card_of(response, "deaths"), "data-value"))["through_month"] == ["6"]
