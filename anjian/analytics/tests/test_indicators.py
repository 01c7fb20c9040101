"""The pure arithmetic of the indicators (no database): every rate from plain numbers,
written out; rounding as published; no denominator is no figure; the change; targets."""

from decimal import Decimal

import pytest

from anjian.analytics import indicators
from anjian.analytics.indicators import (
    AT_MOST,
    BELOW,
    INDICATORS,
    NO_DENOMINATOR,
    REDUCE_BY_PERCENT,
    compute,
    get,
    judge,
)


def test_gdp_rate_is_all_deaths_per_hundred_million_yuan():
    # 20 deaths ÷ 2500 亿元 = 0.008 人/亿元, published with 4 decimals.
    figure = compute(get("gdp_death_rate"), 20, Decimal("2500.00"))
    assert figure.value == Decimal("0.0080")
    assert (figure.numerator, figure.denominator) == (20, Decimal("2500.00"))


def test_industry_trade_rate_is_per_hundred_thousand_employees():
    # 6 ÷ 300000 × 100000 = 2.000; 2 ÷ 290000 × 100000 = 0.68965… → 0.690.
    assert compute(get("industry_trade_death_rate"), 6, 300_000).value == Decimal("2.000")
    assert compute(get("industry_trade_death_rate"), 2, 290_000).value == Decimal("0.690")


def test_road_rate_is_per_ten_thousand_vehicles():
    # 4 ÷ 400000 × 10000 = 0.1 → 0.10; 54 ÷ 400000 × 10000 = 1.35.
    assert compute(get("road_death_rate"), 4, 400_000).value == Decimal("0.10")
    assert compute(get("road_death_rate"), 54, 400_000).value == Decimal("1.35")


def test_rates_round_half_up_as_published():
    # 3 ÷ 2400 = 0.00125 → 0.0013 (half up, not half even).
    assert compute(get("gdp_death_rate"), 3, Decimal("2400")).value == Decimal("0.0013")


def test_no_deaths_over_a_known_denominator_is_zero():
    assert compute(get("gdp_death_rate"), 0, Decimal("100")).value == Decimal("0.0000")


@pytest.mark.parametrize("denominator", [None, 0, Decimal("0")])
def test_a_rate_without_its_denominator_is_no_figure_never_zero(denominator):
    figure = compute(get("road_death_rate"), 4, denominator)
    assert figure.value is None and not figure.available
    assert figure.reason == NO_DENOMINATOR
    assert "机动车保有量" in figure.reason_text
    assert figure.numerator == 4  # the deaths are still known


def test_counts_are_the_numerator_itself():
    for key in ("deaths", "accident_count", "larger_and_above_count", "road_deaths"):
        figure = compute(get(key), 7)
        assert figure.value == 7 and isinstance(figure.value, int)


def test_every_indicator_is_defined_completely():
    keys = [indicator.key for indicator in INDICATORS]
    assert len(keys) == len(set(keys))
    for indicator in INDICATORS:
        assert indicator.label and indicator.unit and indicator.formula
        assert indicator.group in indicators.GROUPS
        if indicator.is_rate:
            assert indicator.denominator in indicators.DENOMINATOR_LABELS
    assert {"gdp_death_rate", "industry_trade_death_rate", "road_death_rate"} <= set(keys)
    assert get("gdp_death_rate").group == indicators.ALL  # RULES.md §8: all categories


def test_industry_trade_is_the_six_categories_of_rules_section_8():
    assert indicators.GROUPS[indicators.INDUSTRY_TRADE_GROUP] == {
        "coal_mine", "metal_mine", "construction", "hazchem", "fireworks", "trade_other",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [
        (Decimal("0.0080"), Decimal("0.0013"), (Decimal("0.0067"), Decimal("515.4"))),
        (20, 3, (17, Decimal("566.7"))),
        (2, 4, (-2, Decimal("-50.0"))),
        (3, 0, (3, None)),  # no percentage of nothing
        (None, 3, (None, None)),
        (Decimal("0.10"), None, (None, None)),
    ],
)
def test_year_on_year_change(current, previous, expected):
    assert indicators.change(current, previous) == expected


@pytest.mark.parametrize(
    ("comparison", "target", "value", "baseline", "met", "threshold"),
    [
        (AT_MOST, "1.35", "1.35", None, True, "1.35"),  # 控制在1.35以内: the bound is in
        (AT_MOST, "1.35", "1.36", None, False, "1.35"),
        (BELOW, "0.01", "0.0099", None, True, "0.01"),  # ＜0.01
        (BELOW, "0.01", "0.0100", None, False, "0.01"),  # the bound is out
        # 下降7.5%: 2.5 × 0.925 = 2.3125
        (REDUCE_BY_PERCENT, "7.5", "2.3125", "2.5", True, "2.3125"),
        (REDUCE_BY_PERCENT, "7.5", "2.313", "2.5", False, "2.3125"),
        # 下降15%: 24 × 0.85 = 20.4
        (REDUCE_BY_PERCENT, "15", "20", "24", True, "20.4"),
        (REDUCE_BY_PERCENT, "15", "21", "24", False, "20.4"),
    ],
)
def test_targets(comparison, target, value, baseline, met, threshold):
    verdict = judge(
        comparison, Decimal(target), Decimal(value), Decimal(baseline) if baseline else None
    )
    assert verdict.met is met
    assert verdict.threshold == Decimal(threshold)


def test_a_target_cannot_be_judged_without_a_figure_or_a_baseline():
    no_figure = judge(AT_MOST, Decimal("1"), None)
    assert no_figure.met is None and no_figure.reason
    no_baseline = judge(REDUCE_BY_PERCENT, Decimal("10"), Decimal("1"), None)
    assert no_baseline.met is None and no_baseline.threshold is None and no_baseline.reason
