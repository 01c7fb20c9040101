"""LEC and LS grading at every band boundary, under both boundary rules (pure functions)."""

from decimal import Decimal

import pytest

from anjian.risks import grading
from anjian.risks.defaults import BAND_TABLES
from anjian.risks.models import RiskBandTable


def spec(method: str, rule: str | None = None) -> grading.BandSpec:
    table = next(t for t in BAND_TABLES if t["method"] == method)
    return grading.spec_from(
        table["bands"], method=method, boundary_rule=rule or table["boundary_rule"]
    )


# --- LEC: D > 320 red, 160 < D ≤ 320 orange, 70 < D ≤ 160 yellow, D ≤ 70 blue (default) ---

LEC_LOWER = [
    ("1000", "red"),
    ("320.001", "red"),
    ("320", "orange"),
    ("319.999", "orange"),
    ("160.001", "orange"),
    ("160", "yellow"),
    ("70.001", "yellow"),
    ("70", "blue"),
    ("69.999", "blue"),
    ("0.05", "blue"),
]
LEC_UPPER = [
    ("320", "red"),
    ("319.999", "orange"),
    ("160", "orange"),
    ("159.999", "yellow"),
    ("70", "yellow"),
    ("69.999", "blue"),
    ("320.001", "red"),
    ("0.05", "blue"),
]


@pytest.mark.parametrize(("score", "level"), LEC_LOWER)
def test_lec_boundaries_belong_to_the_lower_band_by_default(score, level):
    assert grading.grade("lec", Decimal(score), spec("lec")) == level


@pytest.mark.parametrize(("score", "level"), LEC_UPPER)
def test_lec_boundaries_belong_to_the_upper_band_under_the_upper_rule(score, level):
    assert grading.grade("lec", Decimal(score), spec("lec", "upper")) == level


# --- LS: 20–25 red, 9–16 orange, 4–8 yellow, 1–3 blue (every value L×S can take) ---

LS_VALUES = {
    1: "blue",
    2: "blue",
    3: "blue",
    4: "yellow",
    5: "yellow",
    6: "yellow",
    8: "yellow",
    9: "orange",
    10: "orange",
    12: "orange",
    15: "orange",
    16: "orange",
    20: "red",
    25: "red",
}


@pytest.mark.parametrize(("score", "level"), sorted(LS_VALUES.items()))
def test_every_ls_product_gets_the_default_band(score, level):
    assert grading.grade("ls", score, spec("ls")) == level


@pytest.mark.parametrize(
    ("score", "level"),
    [(20, "orange"), (21, "red"), (9, "yellow"), (10, "orange"), (4, "blue"), (5, "yellow")],
)
def test_ls_limits_go_to_the_lower_band_under_the_lower_rule(score, level):
    assert grading.grade("ls", score, spec("ls", "lower")) == level


def test_every_possible_ls_product_is_covered_by_the_table():
    products = {l_value * s_value for l_value in range(1, 6) for s_value in range(1, 6)}
    assert products == set(LS_VALUES)


def test_the_score_is_the_product_of_the_factors():
    assert grading.score("lec", {"L": 3, "E": 6, "C": 15}) == Decimal("270")
    assert grading.score("lec", {"L": "0.1", "E": "0.5", "C": 1}) == Decimal("0.05")
    assert grading.score("lec", {"L": "0.5", "E": "0.5", "C": 7}) == Decimal("1.75")
    assert grading.score("ls", {"L": 4, "S": 5}) == Decimal("20")


def test_a_score_without_all_its_factors_is_refused():
    with pytest.raises(ValueError, match="missing factors: C"):
        grading.score("lec", {"L": 3, "E": 6})


def test_a_table_for_the_other_method_is_refused():
    with pytest.raises(ValueError, match="band table is for ls"):
        grading.grade("lec", 100, spec("ls"))


def test_a_malformed_table_is_refused_in_chinese():
    broken = grading.spec_from(
        [
            {"level": "red", "limit": "100"},
            {"level": "orange", "limit": "160"},
            {"level": "yellow", "limit": "70"},
            {"level": "blue", "limit": None},
        ],
        method="lec",
        boundary_rule="lower",
    )
    assert grading.check_spec(broken) == ["下限值须从重大到一般依次减小"]
    with pytest.raises(ValueError, match="依次减小"):
        grading.grade("lec", 50, broken)


def test_ranges_read_as_people_write_them():
    assert grading.band_ranges(spec("lec")) == [
        ("red", "D > 320"),
        ("orange", "160 < D ≤ 320"),
        ("yellow", "70 < D ≤ 160"),
        ("blue", "D ≤ 70"),
    ]
    assert grading.band_ranges(spec("ls")) == [
        ("red", "R ≥ 20"),
        ("orange", "9 ≤ R < 20"),
        ("yellow", "4 ≤ R < 9"),
        ("blue", "R < 4"),
    ]


def test_the_seeded_tables_are_version_one_with_their_sources(db):
    lec = RiskBandTable.objects.current("lec")
    ls = RiskBandTable.objects.current("ls")
    assert (lec.version, lec.boundary_rule) == (1, "lower")
    assert (ls.version, ls.boundary_rule) == (1, "upper")
    assert "作业条件危险性评价法" in lec.source and "风险矩阵法" in ls.source
    assert lec.factor_values("C") == ["100", "40", "15", "7", "3", "1"]
    assert grading.grade("lec", 320, lec) == "orange"
    assert grading.grade("ls", 9, ls) == "orange"
