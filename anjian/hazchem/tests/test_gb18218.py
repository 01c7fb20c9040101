"""GB 18218-2018's tables as data: row counts, CAS numbers, pinned figures and the lookups.

Expected figures are written out by hand from ../shared/RULES.md §1, not read from the module."""

from decimal import Decimal
from itertools import pairwise

import pytest

from anjian.hazchem import gb18218
from anjian.hazchem.gb18218 import TABLE_1, TABLE_2, TABLE_3

# --- table 1 -------------------------------------------------------------------------------------


def test_table_1_has_the_85_rows_rules_md_states_numbered_in_order():
    assert len(TABLE_1) == 85
    assert [row.number for row in TABLE_1] == list(range(1, 86))


def all_cas():
    for row in TABLE_1:
        for cas in row.cas:
            yield f"row {row.number}", cas
    for entry in TABLE_3:
        yield f"table 3 {entry.name}", entry.cas


@pytest.mark.parametrize(("where", "cas"), list(all_cas()))
def test_every_cas_number_is_well_formed_with_a_valid_check_digit(where, cas):
    assert gb18218.cas_is_well_formed(cas), where
    assert gb18218.cas_check_digit_ok(cas), where


@pytest.mark.parametrize(
    ("cas", "ok"),
    [
        ("7732-18-5", True),  # water: 8·1+1·2+2·3+3·4+7·5+7·6 = 105 → 5
        ("7664-41-7", True),
        ("7664-41-8", False),
        ("50-00-0", True),
        ("50-00-1", False),
        ("9004-70-0", True),
    ],
)
def test_the_cas_check_digit_algorithm(cas, ok):
    assert gb18218.cas_check_digit_ok(cas) is ok


@pytest.mark.parametrize("text", ["7664417", "7664-41", "1-23-4", "12345678-12-3", "76a4-41-7"])
def test_malformed_cas_numbers_are_not_well_formed(text):
    assert not gb18218.cas_is_well_formed(text)


def test_no_name_or_alias_names_two_rows():
    owners: dict[str, int] = {}
    for row in TABLE_1:
        for text in (row.name, *row.aliases):
            key = gb18218.normalise(text)
            assert owners.setdefault(key, row.number) == row.number, text


def test_only_rows_37_to_42_and_43_to_44_share_a_cas_number():
    shared = {}
    for row in TABLE_1:
        for cas in row.cas:
            shared.setdefault(cas, []).append(row.number)
    assert {cas: rows for cas, rows in shared.items() if len(rows) > 1} == {
        "9004-70-0": [37, 38, 39, 40, 41, 42],
        "6484-52-2": [43, 44],
    }


@pytest.mark.parametrize(
    ("number", "q"),
    [
        (1, "10"),
        (6, "0.3"),
        (13, "20"),
        (23, "100"),
        (26, "75"),
        (30, "0.75"),
        (31, "0.5"),
        (37, "1"),
        (39, "10"),
        (42, "50"),
        (43, "5"),
        (44, "50"),
        (45, "200"),
        (46, "1000"),
        (49, "50"),
        (56, "200"),
        (65, "500"),
        (66, "200"),
        (82, "50"),
        (85, "10"),
    ],
)
def test_table_1_critical_quantities(number, q):
    assert gb18218.row(number).q == Decimal(q)


def test_the_q_of_all_85_rows_add_up_to_rules_md():
    # Σ Q over the Q column of RULES.md §1.2 (summed from that file, not from this module).
    assert sum(row.q for row in TABLE_1) == Decimal("7289.55")


def test_row_42_reads_55_percent_as_rules_md_recommends():
    assert "≤55%" in gb18218.row(42).name


# --- table 3: named β ----------------------------------------------------------------------------

TABLE_3_BY_HAND = {
    "630-08-0": 2,
    "7446-09-5": 2,
    "7664-41-7": 2,
    "75-21-8": 2,
    "7647-01-0": 3,
    "74-83-9": 3,
    "7782-50-5": 4,
    "7783-06-4": 5,
    "7664-39-3": 5,
    "10102-44-0": 10,
    "74-90-8": 10,
    "75-44-5": 20,
    "7803-51-2": 20,
    "624-83-9": 20,
}


def test_table_3_lists_the_14_toxic_gases_with_their_beta():
    assert {entry.cas: entry.beta for entry in TABLE_3} == {
        cas: Decimal(beta) for cas, beta in TABLE_3_BY_HAND.items()
    }


def test_each_table_3_gas_is_the_table_1_row_with_its_cas_and_only_those_rows_carry_beta():
    for entry in TABLE_3:
        (row,) = gb18218.rows_by_cas(entry.cas)
        assert row.number == entry.row
        assert row.beta == entry.beta
    with_beta = {row.number for row in TABLE_1 if row.beta is not None}
    assert with_beta == {entry.row for entry in TABLE_3}


# --- tables 2 and 4 ------------------------------------------------------------------------------

TABLE_2_BY_HAND = {  # code: (Q t, β)
    "J1": ("5", "4"),
    "J2": ("50", "1"),
    "J3": ("50", "2"),
    "J4": ("50", "2"),
    "J5": ("500", "1"),
    "W1.1": ("1", "2"),
    "W1.2": ("10", "2"),
    "W1.3": ("50", "2"),
    "W2": ("10", "1.5"),
    "W3": ("150", "1"),
    "W4": ("50", "1"),
    "W5.1": ("10", "1.5"),
    "W5.2": ("50", "1"),
    "W5.3": ("1000", "1"),
    "W5.4": ("5000", "1"),
    "W6.1": ("10", "1.5"),
    "W6.2": ("50", "1"),
    "W7.1": ("10", "1.5"),
    "W7.2": ("50", "1"),
    "W8": ("50", "1"),
    "W9.1": ("50", "1"),
    "W9.2": ("200", "1"),
    "W10": ("200", "1"),
    "W11": ("200", "1"),
}


def test_table_2_has_its_24_classes_in_order_with_q_and_table_4_beta():
    assert [c.code for c in TABLE_2] == list(TABLE_2_BY_HAND)
    for hazard in TABLE_2:
        q, beta = TABLE_2_BY_HAND[hazard.code]
        assert (hazard.q, hazard.beta) == (Decimal(q), Decimal(beta)), hazard.code
        assert hazard.category and hazard.scope and hazard.ghs


def test_aerosols_are_counted_by_net_weight():
    assert gb18218.hazard_class("W3").note == "临界量按净重计"


@pytest.mark.parametrize(
    ("code", "expected"), [("J1", "J1"), ("w5.1", "W5.1"), ("Ｗ５．１", "W5.1")]
)
def test_hazard_classes_are_found_by_symbol_in_any_width_or_case(code, expected):
    assert gb18218.hazard_class(code).code == expected


def test_an_unknown_symbol_is_no_class():
    assert gb18218.hazard_class("W12") is None


# --- tables 5 and 6 ------------------------------------------------------------------------------


def test_alpha_bands_cover_every_population_without_gaps():
    bands = gb18218.ALPHA_BANDS
    assert bands[0].maximum is None and bands[-1].minimum == 0
    for upper, lower in pairwise(bands):
        assert lower.maximum == upper.minimum - 1


def test_grade_bands_are_one_to_four_with_bounds_100_50_10():
    assert [(g.grade, g.label, g.minimum) for g in gb18218.GRADE_BANDS] == [
        (1, "一级", Decimal(100)),
        (2, "二级", Decimal(50)),
        (3, "三级", Decimal(10)),
        (4, "四级", None),
    ]


# --- lookups -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cas", "numbers"),
    [
        ("7664-41-7", [1]),
        ("７６６４－４１－７", [1]),  # full-width digits and dash
        (" 7664 - 41 - 7 ", [1]),
        ("74-98-6", [52]),  # propane is listed under LPG
        ("8006-14-2", [49]),
        ("630-08-0", [13]),
        ("9004-70-0", [37, 38, 39, 40, 41, 42]),
        ("7732-18-5", []),
    ],
)
def test_rows_are_found_by_cas(cas, numbers):
    assert [row.number for row in gb18218.rows_by_cas(cas)] == numbers


@pytest.mark.parametrize(
    ("name", "number", "kind"),
    [
        ("氨", 1, "品名"),
        ("液氨", 1, "别名"),
        (" 液 氨 ", 1, "别名"),
        ("液氯", 12, "别名"),
        ("光气", 6, "别名"),
        ("氯化氢(无水)", 11, "品名"),
        ("氯化氢（无水）", 11, "品名"),  # full-width brackets
        ("甲醛（含量＞90%）", 8, "品名"),
        ("煤气(CO，CO和H2、CH4的混合物等)", 13, "品名"),  # subscripts and a full-width comma
        ("tdi", 23, "别名"),
        ("ＴＮＴ", 35, "别名"),
        ("天然气", 49, "别名"),
        ("甲烷，天然气", 49, "品名"),
        ("硝化纤维素［干的或含水（或乙醇）＜25%］", 37, "品名"),
        ("电石", 83, "别名"),
    ],
)
def test_rows_are_found_by_name_or_alias_in_any_width(name, number, kind):
    found, matched = gb18218.row_by_name(name)
    assert (found.number, matched) == (number, kind)


@pytest.mark.parametrize("name", ["水", "氯化氢", "硝化纤维素", ""])
def test_names_that_are_not_a_row_find_nothing(name):
    assert gb18218.row_by_name(name) is None
