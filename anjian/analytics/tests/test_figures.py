"""Every indicator of 杨浦区 against the hand-counted ledger (``factories.ledger``: the table
and the sums are written out there): voided records and other districts left out, missing
persons counted only once their window has passed, the year cut in Shanghai time, the
year-to-date figures, the breakdowns — each one aggregate query."""

from decimal import Decimal

import pytest

from anjian.accidents.choices import Category, Grade
from anjian.analytics import figures
from anjian.analytics.indicators import INDUSTRY_TRADE_GROUP, ROAD
from anjian.analytics.tests.factories import AS_OF, WITHIN_A10_WINDOW, denominators, ledger
from anjian.regions.models import Region
from testsupport import world

pytestmark = pytest.mark.django_db

YANGPU = world.YANGPU


@pytest.fixture
def records(db):
    found = ledger()
    denominators()
    return found


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        # 20 ÷ 2500 = 0.008
        ("gdp_death_rate", Decimal("0.0080")),
        # 工矿商贸 A1 + A2 + A5 = 1 + (3+1) + 1 = 6; 6 ÷ 300000 × 100000 = 2.000
        ("industry_trade_death_rate", Decimal("2.000")),
        # road A3 + A10 = 2 + 2 = 4; 4 ÷ 400000 × 10000 = 0.10
        ("road_death_rate", Decimal("0.10")),
        ("deaths", 20),  # 1 + 4 + 2 + 0 + 1 + 10 + 2
        ("accident_count", 7),  # A1 A2 A3 A4 A5 A9 A10
        ("larger_and_above_count", 2),  # A2 较大, A9 重大
        ("major_and_above_count", 1),  # A9
        ("industry_trade_deaths", 6),
        ("road_deaths", 4),
    ],
)
def test_every_indicator_of_the_year(records, key, expected):
    assert figures.figure(key, YANGPU, 2024, as_of=AS_OF).value == expected


def test_the_previous_year_has_its_own_denominators(records):
    # 2023: deaths B1 2 + B2 1 = 3; 3 ÷ 2400 = 0.00125 → 0.0013
    assert figures.figure("gdp_death_rate", YANGPU, 2023, as_of=AS_OF).value == Decimal("0.0013")
    # 工矿商贸 B1 = 2; 2 ÷ 290000 × 100000 = 0.68965… → 0.690
    it = figures.figure("industry_trade_death_rate", YANGPU, 2023, as_of=AS_OF)
    assert it.value == Decimal("0.690")
    # No motor vehicles entered for 2023: no road rate, not 0 — the deaths are still known.
    road = figures.figure("road_death_rate", YANGPU, 2023, as_of=AS_OF)
    assert road.value is None and road.reason == "no_denominator" and road.numerator == 1


def test_a_year_without_denominators_has_counts_but_no_rates(records):
    assert figures.figure("gdp_death_rate", YANGPU, 2022, as_of=AS_OF).value is None
    assert figures.figure("deaths", YANGPU, 2022, as_of=AS_OF).value == 0


def test_voided_records_never_count(records):
    totals = figures.totals(YANGPU, 2024, as_of=AS_OF)
    assert totals.deaths(INDUSTRY_TRADE_GROUP) == 6  # A7's 5 deaths (voided) are not there
    assert records["A7"].pk not in set(
        figures.counted_accidents(YANGPU, 2024).values_list("pk", flat=True)
    )


def test_another_districts_records_do_not_count_but_the_citys_figure_has_both(records):
    assert figures.figure("road_deaths", YANGPU, 2024, as_of=AS_OF).value == 4  # not A8's 3
    assert figures.figure("road_deaths", world.HONGKOU, 2024, as_of=AS_OF).value == 3
    assert figures.figure("road_deaths", "31", 2024, as_of=AS_OF).value == 7


def test_missing_persons_are_deaths_only_once_the_window_has_passed(records):
    # A10 (road, 2 missing, window to 2025-01-04): on 2025-01-02 they are not yet deaths.
    before = figures.totals(YANGPU, 2024, as_of=WITHIN_A10_WINDOW)
    assert before.deaths() == 18 and before.deaths(ROAD) == 2
    assert before.pending_missing() == 2 and before.pending_missing(ROAD) == 2
    assert before.pending_missing(INDUSTRY_TRADE_GROUP) == 0
    # At the moment the window ends they count (RULES.md §2.4: missing longer than 7 days).
    at_end = figures.totals(YANGPU, 2024, as_of=records["A10"].window_ends_at)
    assert at_end.deaths() == 20 and at_end.pending_missing() == 0
    # A2's missing person (30-day window long passed) counts either way.
    assert before.deaths(INDUSTRY_TRADE_GROUP) == 6


def test_the_year_is_cut_in_shanghai_time(records):
    in_2024 = set(figures.counted_accidents(YANGPU, 2024).values_list("pk", flat=True))
    in_2025 = set(figures.counted_accidents(YANGPU, 2025).values_list("pk", flat=True))
    # A1 at 2024-01-01 00:30 (2023 in UTC) and A5 at 2024-12-31 23:30 count in 2024;
    # A6 at 2025-01-01 00:10 (2024 in UTC) counts in 2025.
    assert {records["A1"].pk, records["A5"].pk} <= in_2024
    assert records["A6"].pk in in_2025 and records["A6"].pk not in in_2024
    by_year = figures.totals_by_year(YANGPU, [2023, 2024, 2025], as_of=AS_OF)
    assert [by_year[y].accidents() for y in (2023, 2024, 2025)] == [2, 7, 1]


def test_year_to_date_figures_stop_at_the_month(records):
    # January–June 2024: A1 (1月), A9 (4月), A2 (6月): 3 accidents, 1 + 10 + 4 = 15 deaths.
    ytd = figures.totals(YANGPU, 2024, 6, as_of=AS_OF)
    assert (ytd.accidents(), ytd.deaths()) == (3, 15)
    assert figures.counted_accidents(YANGPU, 2024, through_month=6).count() == 3
    # The same months of 2023: B1 (5月) only.
    by_year = figures.totals_by_year(YANGPU, [2023, 2024], through_month=6, as_of=AS_OF)
    assert (by_year[2023].deaths(), by_year[2024].deaths()) == (2, 15)
    # Year to date, the rate divides by the whole year's GDP: 15 ÷ 2500 = 0.006.
    rate = figures.figure("gdp_death_rate", YANGPU, 2024, through_month=6, as_of=AS_OF)
    assert rate.value == Decimal("0.0060")


def test_the_figures_count_what_the_drilldown_lists(records):
    totals = figures.totals(YANGPU, 2024, as_of=AS_OF)
    assert figures.counted_accidents(YANGPU, 2024).count() == totals.accidents() == 7
    assert figures.counted_accidents(YANGPU, 2024, group=ROAD).count() == 2
    larger = figures.counted_accidents(
        YANGPU, 2024, grades={Grade.LARGER, Grade.MAJOR, Grade.EXTRAORDINARY}
    )
    assert set(larger.values_list("pk", flat=True)) == {records["A2"].pk, records["A9"].pk}


def test_totals_is_one_query_for_all_the_years(records, django_assert_num_queries):
    with django_assert_num_queries(1):
        by_year = figures.totals_by_year(YANGPU, range(2020, 2025), as_of=AS_OF)
    assert by_year[2020].deaths() == 24 and by_year[2021].deaths() == 0


def test_breakdown_by_grade(records):
    rows = {row.key: row for row in figures.breakdown(_region(YANGPU), 2024, "grade", as_of=AS_OF)}
    assert list(rows) == list(Grade.values)
    # 一般: A1 A3 A4 A5 A10 = 5 accidents, 1 + 2 + 0 + 1 + 2 = 6 deaths
    assert (rows["general"].accidents, rows["general"].deaths) == (5, 6)
    assert (rows["larger"].accidents, rows["larger"].deaths) == (1, 4)
    assert (rows["major"].accidents, rows["major"].deaths) == (1, 10)
    assert (rows["extraordinary"].accidents, rows["extraordinary"].deaths) == (0, 0)
    assert rows["general"].label == "一般事故"


def test_breakdown_by_category(records):
    rows = figures.breakdown(_region(YANGPU), 2024, "category", as_of=AS_OF)
    found = {row.key: (row.accidents, row.deaths) for row in rows if row.accidents}
    assert found == {
        Category.HAZCHEM: (1, 1),
        Category.CONSTRUCTION: (1, 4),
        Category.ROAD: (2, 4),
        Category.FIRE: (1, 0),
        Category.TRADE_OTHER: (1, 1),
        Category.WATER: (1, 10),
    }
    assert len(rows) == len(Category.values)  # every category listed, 0 where none


def test_breakdown_by_street_lists_every_street(records, django_assert_num_queries):
    yangpu = _region(YANGPU)
    with django_assert_num_queries(2):  # the GROUP BY and the streets' names
        rows = figures.breakdown(yangpu, 2024, "street", as_of=AS_OF)
    by_code = {row.key: row for row in rows}
    # 殷行: A1 A2 A5 A10 = 4 accidents, 1 + 4 + 1 + 2 = 8; 平凉: A3 A4 A9 = 3, 2 + 0 + 10 = 12
    assert (by_code[world.YINHANG].accidents, by_code[world.YINHANG].deaths) == (4, 8)
    assert (by_code[world.PINGLIANG].accidents, by_code[world.PINGLIANG].deaths) == (3, 12)
    assert by_code[world.YINHANG].label == "殷行街道"
    streets = Region.objects.filter(parent_id=YANGPU, level=4, is_active=True).count()
    assert len(rows) == streets > 2
    assert sum(row.deaths for row in rows) == 20


def test_breakdown_by_district_of_the_city(records):
    rows = {row.key: row for row in figures.breakdown(_region("31"), 2024, "district")}
    assert rows[YANGPU].accidents == 7 and rows[world.HONGKOU].accidents == 1


def test_breakdown_by_month(records):
    rows = figures.breakdown(_region(YANGPU), 2024, "month", as_of=AS_OF)
    assert [(row.accidents, row.deaths) for row in rows] == [
        (1, 1),  # 1月 A1
        (0, 0),
        (0, 0),
        (1, 10),  # 4月 A9
        (0, 0),
        (1, 4),  # 6月 A2
        (0, 0),
        (1, 2),  # 8月 A3
        (1, 0),  # 9月 A4
        (0, 0),
        (0, 0),
        (2, 3),  # 12月 A5 + A10 (its 2 missing counted as of 2025-03-01)
    ]


def test_a_bad_month_or_dimension_is_refused(records):
    with pytest.raises(ValueError):
        figures.totals(YANGPU, 2024, 13)
    with pytest.raises(ValueError):
        figures.breakdown(_region(YANGPU), 2024, "weekday")


def _region(code: str) -> Region:
    return Region.objects.get(code=code)
