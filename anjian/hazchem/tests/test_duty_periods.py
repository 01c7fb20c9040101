"""The 包保 arithmetic against hand-computed cases (``duty_periods``, no database): the
periods at week, month, quarter and year boundaries, which periods a range owes, when the
current period counts, a holder first named mid-period, and roles without a frequency.

Calendar facts used: 2026-01-01 is a Thursday, 2026-01-05 and 2026-03-30 Mondays, 2025-12-29
a Monday; 2024 is a leap year."""

from datetime import date

import pytest

from anjian.hazchem import duty_periods as p
from anjian.hazchem.choices import DutyRole
from anjian.hazchem.duty_periods import DutyPeriod

WEEKLY = p.Rule(DutyRole.OPERATIONAL, DutyPeriod.WEEK, 1)
QUARTERLY = p.Rule(DutyRole.TECHNICAL, DutyPeriod.QUARTER, 1)
TWICE_MONTHLY = p.Rule(DutyRole.TECHNICAL, DutyPeriod.MONTH, 2)
NONE = p.Rule(DutyRole.PRINCIPAL, DutyPeriod.NONE, 0)
Q1 = p.quarter_range(2026, 1)


def d(text: str) -> date:
    return date.fromisoformat(text)


@pytest.mark.parametrize(
    ("kind", "day", "start", "end"),
    [
        (DutyPeriod.WEEK, "2026-01-01", "2025-12-29", "2026-01-04"),  # across the new year
        (DutyPeriod.WEEK, "2026-01-05", "2026-01-05", "2026-01-11"),  # a Monday starts it
        (DutyPeriod.WEEK, "2026-01-11", "2026-01-05", "2026-01-11"),  # a Sunday ends it
        (DutyPeriod.MONTH, "2024-02-10", "2024-02-01", "2024-02-29"),  # leap year
        (DutyPeriod.MONTH, "2026-12-31", "2026-12-01", "2026-12-31"),
        (DutyPeriod.QUARTER, "2026-03-31", "2026-01-01", "2026-03-31"),
        (DutyPeriod.QUARTER, "2026-04-01", "2026-04-01", "2026-06-30"),
        (DutyPeriod.QUARTER, "2026-12-06", "2026-10-01", "2026-12-31"),
    ],
)
def test_a_day_falls_in_its_week_month_or_quarter(kind, day, start, end):
    period = p.period_of(kind, d(day))
    assert (period.start, period.end) == (d(start), d(end))


def test_the_labels_say_the_period():
    assert p.period_of(DutyPeriod.WEEK, d("2026-01-01")).label == "2025年12月29日—2026年1月4日"
    assert p.period_of(DutyPeriod.WEEK, d("2026-06-03")).label == "2026年6月1日—6月7日"
    assert p.period_of(DutyPeriod.MONTH, d("2026-06-03")).label == "2026年6月"
    assert p.period_of(DutyPeriod.QUARTER, d("2026-06-03")).label == "2026年第二季度"
    assert p.range_label(2026, 0) == "2026年" and p.range_label(2026, 4) == "2026年第四季度"


def test_a_quarter_has_the_weeks_that_start_in_it():
    weeks = p.periods_starting(DutyPeriod.WEEK, *Q1)
    # Mondays from 5 January to 30 March: (84 days / 7) + 1; the week of 29 December
    # belongs to 2025's last quarter, the week of 30 March (to 5 April) to this one.
    assert len(weeks) == 13
    assert weeks[0].start == d("2026-01-05") and weeks[-1].end == d("2026-04-05")
    # 2025 Q4: Mondays from 6 October to 29 December, also 84 days apart.
    assert len(p.periods_starting(DutyPeriod.WEEK, *p.quarter_range(2025, 4))) == 13
    assert sum(
        len(p.periods_starting(DutyPeriod.WEEK, *p.quarter_range(2026, q))) for q in (1, 2, 3, 4)
    ) == len(p.periods_starting(DutyPeriod.WEEK, *p.quarter_range(2026, 0)))


def test_quarter_and_year_ranges():
    assert p.quarter_range(2026, 0) == (d("2026-01-01"), d("2026-12-31"))
    assert p.quarter_range(2026, 2) == (d("2026-04-01"), d("2026-06-30"))
    assert p.quarter_range(2026, 4) == (d("2026-10-01"), d("2026-12-31"))
    assert [
        p.quarter_of(d(x)) for x in ("2026-01-01", "2026-03-31", "2026-04-01", "2026-12-31")
    ] == [
        1,
        1,
        2,
        4,
    ]


def weekly(checks, *, owed_from="2025-12-01", today="2026-04-15", rng=Q1) -> p.RoleResult:
    return p.assess(
        WEEKLY,
        owed_from=d(owed_from),
        checks=[d(x) for x in checks],
        first=rng[0],
        last=rng[1],
        today=d(today),
    )


def test_a_past_quarter_owes_its_thirteen_weeks_and_counts_each_weeks_check_once():
    # 4 January is in 2025's last week; 6 and 7 January both in the first week (one
    # period, met once); 2 April in the week that began on 30 March.
    result = weekly(["2026-01-04", "2026-01-06", "2026-01-07", "2026-01-13", "2026-04-02"])
    assert (result.required, result.done) == (13, 3)
    assert [item.period.start for item in result.periods if item.status == p.MET] == [
        d("2026-01-05"),
        d("2026-01-12"),
        d("2026-03-30"),
    ]
    assert len(result.short) == 10 and result.open is None


def test_the_current_week_counts_only_once_it_is_complete():
    # Wednesday 14 January: the weeks of 5 and 12 January have begun.
    done = weekly(["2026-01-06", "2026-01-13"], today="2026-01-14")
    assert (done.required, done.done) == (2, 2)
    waiting = weekly(["2026-01-06"], today="2026-01-14")
    assert (waiting.required, waiting.done) == (1, 1)
    assert waiting.open.period.start == d("2026-01-12") and not waiting.short
    # A check after "today" is not counted yet.
    assert weekly(["2026-01-16"], today="2026-01-14").done == 0


def test_the_last_day_of_a_period_is_still_the_current_period():
    sunday = weekly([], today="2026-01-11")
    assert (sunday.required, sunday.done) == (0, 0) and sunday.open is not None
    monday = weekly([], today="2026-01-12")
    assert (monday.required, monday.done) == (1, 0)


def test_a_holder_first_named_mid_week_owes_from_the_next_week():
    # First named on Wednesday 7 January: the week of 5 January is not owed (a check in it
    # counts for nothing), the twelve weeks from 12 January are.
    result = weekly(["2026-01-08", "2026-01-13"], owed_from="2026-01-07")
    assert (result.required, result.done) == (12, 1)
    assert p.owed_from(d("2026-02-01"), d("2026-01-07")) == d("2026-01-07")
    assert p.owed_from(d("2026-02-01"), d("2026-03-01")) == d("2026-02-01")
    assert p.owed_from(d("2026-02-01"), None) == d("2026-02-01")


def test_a_source_identified_on_a_monday_owes_that_week():
    assert weekly([], owed_from="2026-03-30").required == 1


def test_a_quarterly_role_over_a_year():
    # Owed from 15 February: Q1 began before it (not owed, its check counts for nothing);
    # Q2 checked in May; Q3 under way on 10 August without a check yet: open.
    checks = [d("2026-02-20"), d("2026-05-05")]
    year = p.quarter_range(2026, 0)
    result = p.assess(
        QUARTERLY,
        owed_from=d("2026-02-15"),
        checks=checks,
        first=year[0],
        last=year[1],
        today=d("2026-08-10"),
    )
    assert (result.required, result.done) == (1, 1) and result.open is not None
    checks.append(d("2026-08-01"))
    result = p.assess(
        QUARTERLY,
        owed_from=d("2026-02-15"),
        checks=checks,
        first=year[0],
        last=year[1],
        today=d("2026-08-10"),
    )
    assert (result.required, result.done) == (2, 2)
    # At year end every quarter has ended: Q2 and Q3 met, Q4 short.
    result = p.assess(
        QUARTERLY,
        owed_from=d("2026-02-15"),
        checks=checks,
        first=year[0],
        last=year[1],
        today=d("2027-01-10"),
    )
    assert (result.required, result.done) == (3, 2)
    assert [item.period.label for item in result.short] == ["2026年第四季度"]


def test_a_period_needing_two_checks_is_short_with_one():
    months = p.quarter_range(2026, 1)
    checks = [d(x) for x in ("2026-01-03", "2026-01-20", "2026-02-10", "2026-03-01", "2026-03-31")]
    result = p.assess(
        TWICE_MONTHLY,
        owed_from=d("2025-01-01"),
        checks=checks,
        first=months[0],
        last=months[1],
        today=d("2026-05-01"),
    )
    assert (result.required, result.done) == (3, 2)
    assert [item.checks for item in result.periods] == [2, 1, 2]


def test_a_role_without_a_frequency_owes_nothing():
    result = p.assess(
        NONE,
        owed_from=d("2025-01-01"),
        checks=[d("2026-01-05")],
        first=Q1[0],
        last=Q1[1],
        today=d("2026-04-15"),
    )
    assert result.periods == () and (result.required, result.done) == (0, 0)
    assert p.standing(
        NONE, owed_from=d("2025-01-01"), checks=[], today=d("2026-04-15")
    ) == p.Standing(None, None)
    assert NONE.words == "不设固定频次" and WEEKLY.words == "每周至少1次"


def test_the_shipped_defaults_are_the_recollection_in_rules_14():
    rules = p.DEFAULT_RULES
    assert (rules["technical"].period, rules["technical"].checks) == (DutyPeriod.QUARTER, 1)
    assert (rules["operational"].period, rules["operational"].checks) == (DutyPeriod.WEEK, 1)
    assert not rules["principal"].counted
    assert all(rule.shipped for rule in rules.values())
    assert all("待核实" in str(rule.basis) for rule in rules.values())


def test_where_a_role_stands_this_week_and_last():
    # Wednesday 14 January: this week has no check yet, last week had none: overdue.
    standing = p.standing(WEEKLY, owed_from=d("2025-12-01"), checks=[], today=d("2026-01-14"))
    assert standing.current.status == p.OPEN and standing.overdue
    standing = p.standing(
        WEEKLY,
        owed_from=d("2025-12-01"),
        checks=[d("2026-01-06"), d("2026-01-12")],
        today=d("2026-01-14"),
    )
    assert standing.current.status == p.MET and not standing.overdue
    # Named this week: neither week owed yet.
    assert p.standing(
        WEEKLY, owed_from=d("2026-01-13"), checks=[], today=d("2026-01-14")
    ) == p.Standing(None, None)
