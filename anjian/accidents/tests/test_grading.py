"""Grading by 493号令 Art. 3 (RULES.md §2.1): every bound of every measure alone, the highest
measure winning, the missing counted with the dead, and what ``Casualties`` refuses."""

import pytest

from anjian.accidents.choices import Grade
from anjian.accidents.grading import Casualties, grade_by, grade_of, reasons

GENERAL, LARGER, MAJOR, EXTRAORDINARY = (
    Grade.GENERAL,
    Grade.LARGER,
    Grade.MAJOR,
    Grade.EXTRAORDINARY,
)


# "以上"包括本数: each lower bound belongs to the heavier grade, one less to the lighter one.
@pytest.mark.parametrize(
    ("deaths", "expected"),
    [
        (0, GENERAL),
        (1, GENERAL),
        (2, GENERAL),
        (3, LARGER),
        (9, LARGER),
        (10, MAJOR),
        (29, MAJOR),
        (30, EXTRAORDINARY),
        (31, EXTRAORDINARY),
    ],
)
def test_deaths_alone_grade_at_every_bound(deaths, expected):
    assert grade_of(Casualties(deaths=deaths)) == expected
    assert grade_by("deaths", deaths) == expected


@pytest.mark.parametrize(
    ("serious", "expected"),
    [
        (0, GENERAL),
        (9, GENERAL),
        (10, LARGER),
        (49, LARGER),
        (50, MAJOR),
        (99, MAJOR),
        (100, EXTRAORDINARY),
        (500, EXTRAORDINARY),
    ],
)
def test_serious_injuries_alone_grade_at_every_bound(serious, expected):
    assert grade_of(Casualties(serious_injuries=serious)) == expected
    assert grade_by("serious", serious) == expected


@pytest.mark.parametrize(
    ("loss", "expected"),
    [
        (0, GENERAL),
        (9_999_999, GENERAL),
        (10_000_000, LARGER),
        (49_999_999, LARGER),
        (50_000_000, MAJOR),
        (99_999_999, MAJOR),
        (100_000_000, EXTRAORDINARY),
        (10_000_000_000, EXTRAORDINARY),
    ],
)
def test_direct_loss_alone_grades_at_every_bound(loss, expected):
    assert grade_of(Casualties(direct_loss=loss)) == expected
    assert grade_by("loss", loss) == expected


def test_minor_injuries_never_raise_the_grade():
    assert grade_of(Casualties(minor_injuries=10_000)) == GENERAL


@pytest.mark.parametrize(
    ("casualties", "expected"),
    [
        # serious injuries decide over a single death
        (Casualties(deaths=1, serious_injuries=60), MAJOR),
        # deaths (较大) beat serious injuries (一般); loss is also 较大
        (Casualties(deaths=2, serious_injuries=5, direct_loss=12_000_000), LARGER),
        # loss alone reaches 特别重大 with nobody hurt
        (Casualties(direct_loss=100_000_000), EXTRAORDINARY),
        # deaths decide over loss
        (Casualties(deaths=10, serious_injuries=10, direct_loss=10_000_000), MAJOR),
        # each measure just under its 较大 bound stays 一般 together
        (Casualties(deaths=2, serious_injuries=9, direct_loss=9_999_999), GENERAL),
        # serious injuries reach 特别重大 while deaths stay 较大
        (Casualties(deaths=9, serious_injuries=100, direct_loss=0), EXTRAORDINARY),
        # loss reaches 重大 while deaths and injuries stay 较大
        (Casualties(deaths=3, serious_injuries=49, direct_loss=50_000_000), MAJOR),
    ],
)
def test_the_highest_measure_decides(casualties, expected):
    assert grade_of(casualties) == expected


@pytest.mark.parametrize(
    ("deaths", "missing", "expected"),
    [
        (2, 1, LARGER),
        (0, 3, LARGER),
        (2, 0, GENERAL),
        (9, 1, MAJOR),
        (29, 1, EXTRAORDINARY),
        (0, 30, EXTRAORDINARY),
    ],
)
def test_missing_persons_are_graded_with_the_dead(deaths, missing, expected):
    casualties = Casualties(deaths=deaths, missing=missing)
    assert casualties.dead_or_missing == deaths + missing
    assert grade_of(casualties) == expected


FIELDS = ("deaths", "missing", "serious_injuries", "minor_injuries", "direct_loss")


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("value", [-1, 1.0, 2.5, "3", "abc", True, False, None])
def test_casualties_refuse_anything_but_a_whole_number_from_zero(field, value):
    with pytest.raises(ValueError, match=field):
        Casualties(**{field: value})


@pytest.mark.parametrize("field", FIELDS)
def test_casualties_accept_zero_and_large_whole_numbers(field):
    assert getattr(Casualties(**{field: 0}), field) == 0
    assert getattr(Casualties(**{field: 10**12}), field) == 10**12


def test_casualties_default_to_nothing():
    assert Casualties() == Casualties(0, 0, 0, 0, 0)
    assert grade_of(Casualties()) == GENERAL


def test_reasons_are_empty_for_a_general_accident():
    assert reasons(Casualties(deaths=2, serious_injuries=9, direct_loss=9_999_999)) == []


def test_reasons_name_only_the_deciding_measure():
    said = reasons(Casualties(deaths=1, serious_injuries=60, direct_loss=5_000_000))
    assert said == ["重伤60人"]


def test_reasons_count_the_missing_with_the_dead():
    assert reasons(Casualties(deaths=2, missing=1)) == ["死亡（含失踪）3人"]


def test_reasons_give_the_loss_in_ten_thousands_of_yuan():
    assert reasons(Casualties(direct_loss=100_000_000)) == ["直接经济损失10000万元"]
    assert reasons(Casualties(direct_loss=12_000_000)) == ["直接经济损失1200万元"]


def test_reasons_name_every_measure_that_reaches_the_grade():
    said = reasons(Casualties(deaths=3, serious_injuries=10, direct_loss=10_000_000))
    assert said == ["死亡（含失踪）3人", "重伤10人", "直接经济损失1000万元"]


def test_reasons_leave_out_measures_below_the_grade():
    said = reasons(Casualties(deaths=2, serious_injuries=5, direct_loss=12_000_000))
    assert said == ["直接经济损失1200万元"]


@pytest.mark.parametrize(
    ("loss", "wrong"),
    [(99_999_999, "直接经济损失10000万元"), (10_000_000_000, "直接经济损失1e+06万元")],
)
def test_reasons_never_round_the_loss_into_another_grade_or_exponent(loss, wrong):
    said = reasons(Casualties(direct_loss=loss))
    assert len(said) == 1
    assert said != [wrong]
