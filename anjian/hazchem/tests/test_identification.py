"""Identification (S) and grading (R) against hand-computed cases (GB 18218-2018, RULES.md §1).

Each case writes its arithmetic in the comment so a reader can check it without the module.
Bad input: ``test_bad_input.py``; the tables and lookups: ``test_gb18218.py``; properties over
random units: ``test_properties.py``."""

from decimal import Decimal as D
from fractions import Fraction

import pytest

from anjian.hazchem.identification import Line, Mixture, identify, shown


def one(line: Line, population: int = 0):
    return identify([line], population=population)


# --- a single chemical at, below and above its Q -------------------------------------------------


@pytest.mark.parametrize(
    ("q", "s", "major"),
    [
        ("10", D(1), True),  # 氨: Q 10 t (row 1); q = Q is a major hazard source
        ("9.999", D("0.9999"), False),
        ("10.001", D("1.0001"), True),
        ("0.001", D("0.0001"), False),
        ("1000", D(100), True),
    ],
)
def test_a_single_chemical_is_major_from_its_critical_quantity_up(q, s, major):
    result = one(Line(D(q), name="氨"))
    assert (result.s, result.is_major) == (s, major)
    (term,) = result.terms
    assert (term.q, term.critical, term.ratio) == (D(q), D(10), s)
    assert term.critical_basis.table == 1 and term.critical_basis.key == "1"
    assert term.critical_basis.text == "表1第1行（氨）"
    assert str(term.critical_basis) == "GB 18218-2018 表1第1行（氨）"


def test_the_exam_example_so2_200_t_with_60_people_is_grade_three():
    # RULES.md §1.4: SO₂ q 200, Q 20, β 2, 60 people → α 1.5; R = 1.5 × 2 × 10 = 30 → 三级.
    result = one(Line(D(200), cas="7446-09-5"), population=60)
    (term,) = result.terms
    assert (term.chemical, term.matched_by) == ("二氧化硫", "CAS号")
    assert (term.ratio, term.beta, term.weighted) == (D(10), D(2), D(20))
    assert (term.beta_basis.table, term.beta_basis.key) == (3, "二氧化硫")
    assert (result.s, result.alpha, result.r) == (D(10), D("1.5"), D(30))
    assert result.grade.label == "三级"
    assert result.edition == "GB 18218-2018"
    assert result.explain() == (
        "依据 GB 18218-2018《危险化学品重大危险源辨识》",
        "第1项 二氧化硫：q = 200 t，Q = 20 t（表1第4行（二氧化硫）），q/Q = 10；"
        "β = 2（表3 二氧化硫），β·q/Q = 20",
        "S = Σq/Q = 10 ≥ 1，构成重大危险源",
        "α = 1.5（厂区边界外500米范围内常住人口60人，50～99人）",
        "R = α·Σβ·q/Q = 30，三级（10≤R<50）",
    )


# --- several chemicals ---------------------------------------------------------------------------


def methanol_and_benzene(benzene: str):
    # 甲醇 250 t / Q 500 = 0.5; 苯 (row 57) b t / Q 50. Both are flammable liquids class 2
    # (W5.3, table 4 β 1), which gives the rows outside table 3 their β.
    return [
        Line(D(250), name="甲醇", classes=("W5.3",)),
        Line(D(benzene), cas="71-43-2", classes=("W5.3",)),
    ]


def test_several_chemicals_summing_to_exactly_one_are_a_major_hazard_source():
    # S = 0.5 + 25/50 = 1; α(30 people) 1.2; R = 1.2 × (1·0.5 + 1·0.5) = 1.2 → 四级.
    result = identify(methanol_and_benzene("25"), population=30)
    assert [t.ratio for t in result.terms] == [D("0.5"), D("0.5")]
    assert (result.s, result.is_major, result.r) == (D(1), True, D("1.2"))
    assert result.grade.label == "四级"
    assert [t.beta_basis.text for t in result.terms] == ["表4 W5.3（易燃液体）"] * 2


def test_several_chemicals_just_below_one_are_not():
    # S = 0.5 + 24.999/50 = 0.99998 < 1: no grade, R still shown (1.2 × 0.99998 = 1.199976).
    result = identify(methanol_and_benzene("24.999"), population=30)
    assert (result.s, result.is_major) == (D("0.99998"), False)
    assert (result.r, result.grade) == (D("1.199976"), None)


def test_thirds_of_phosgene_add_up_to_exactly_one():
    # 光气 Q 0.3 t: 0.1/0.3 is a recurring decimal, but three of them make S = 1 exactly;
    # R = 0.5 (nobody within 500 m) × 20 (table 3) × 1 = 10 → 三级, not 四级.
    result = identify([Line("0.1", name="光气")] * 3, population=0)
    assert result.terms[0].ratio == D("0." + "3" * 28)  # each term rounded down to 28 digits
    assert (result.s, result.is_major, result.r) == (D(1), True, D(10))
    assert result.grade.label == "三级"


def test_figures_are_rounded_down_not_up():
    # 异氰酸甲酯 Q 0.75: 0.7499999 / 0.75 = 0.99999986… stays below 1 (β 20, α 0.5).
    result = one(Line("0.7499999", cas="624-83-9"))
    assert result.s < 1 and not result.is_major
    assert shown(result.s) == "0.9999"
    assert shown(result.r) == "9.9999"


# --- table 2 classes -----------------------------------------------------------------------------


def test_a_chemical_not_in_table_1_takes_its_class_q():
    # 二甲苯 is not a table 1 row; flammable liquid class 3 → W5.4, Q 5000: 5000 t is S = 1.
    result = one(Line(D(5000), name="二甲苯", cas="1330-20-7", classes=("W5.4",)))
    (term,) = result.terms
    assert (term.critical, term.matched_by) == (D(5000), "危险性类别")
    assert (term.critical_basis.table, term.critical_basis.key) == (2, "W5.4")
    assert result.s == 1 and result.is_major


def test_a_chemical_with_several_classes_takes_the_lowest_q_and_that_class_beta():
    # W2 (Q 10, β 1.5) and J3 (Q 50, β 2): Q 10 from W2 and β 1.5 from W2.
    # 20 t → S = 2; α(1 person) 1.0; R = 1.5 × 2 = 3 → 四级.
    result = one(Line(D(20), name="某易燃有毒气体", classes=("J3", "W2")), population=1)
    (term,) = result.terms
    assert (term.critical, term.beta) == (D(10), D("1.5"))
    assert term.critical_basis.text == (
        "表2 W2（易燃气体：类别1和类别2）；具有多种危险性（J3、W2），取最低临界量"
    )
    assert (result.s, result.r) == (D(2), D(3))


def test_a_toxic_gas_class_can_set_the_lowest_q():
    # J1 (Q 5, β 4) beats W2 (Q 10): 5 t → S = 1, R = 2.0 (≥100 people) × 4 × 1 = 8 → 四级.
    result = one(Line(D(5), name="某剧毒易燃气体", classes=("W2", "J1")), population=100)
    assert (result.terms[0].critical, result.terms[0].beta) == (D(5), D(4))
    assert (result.s, result.r, result.grade.label) == (D(1), D(8), "四级")


def test_classes_sharing_the_lowest_q_take_the_larger_beta():
    # W1.2 (Q 10, β 2) and W2 (Q 10, β 1.5) tie on Q; β 2 (our reading, see the module).
    result = one(Line(D(10), name="某物质", classes=("W2", "W1.2")))
    assert (result.terms[0].critical, result.terms[0].beta) == (D(10), D(2))
    assert result.terms[0].beta_basis.key == "W1.2"


def test_a_table_1_row_ignores_table_2_classes_for_q():
    # 甲醇 is row 65 (Q 500) even if it is also given W5.1 (Q 10).
    result = one(Line(D(100), name="甲醇", classes=("W5.1",)))
    assert result.terms[0].critical == D(500)
    assert result.terms[0].beta == D("1.5")  # β from the class given, table 4 W5.1


# --- α at each population bound ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("population", "alpha", "label"),
    [
        (0, "0.5", "0人"),
        (1, "1.0", "1～29人"),
        (29, "1.0", "1～29人"),
        (30, "1.2", "30～49人"),
        (49, "1.2", "30～49人"),
        (50, "1.5", "50～99人"),
        (99, "1.5", "50～99人"),
        (100, "2.0", "100人以上"),
        (1_000_000, "2.0", "100人以上"),
    ],
)
def test_alpha_follows_the_population_within_500_m(population, alpha, label):
    # 氯 (β 4) at q = Q: R = α × 4.
    result = one(Line(D(5), name="氯"), population=population)
    assert (result.alpha, result.alpha_band.label) == (D(alpha), label)
    assert result.r == D(alpha) * 4


# --- β for named rows and for class rows ---------------------------------------------------------

NAMED_BETA = [  # (CAS, table 1 row, β) written out from RULES.md table 3
    ("630-08-0", 13, 2),
    ("7446-09-5", 4, 2),
    ("7664-41-7", 1, 2),
    ("75-21-8", 7, 2),
    ("7647-01-0", 11, 3),
    ("74-83-9", 17, 3),
    ("7782-50-5", 12, 4),
    ("7783-06-4", 10, 5),
    ("7664-39-3", 20, 5),
    ("10102-44-0", 3, 10),
    ("74-90-8", 25, 10),
    ("75-44-5", 6, 20),
    ("7803-51-2", 9, 20),
    ("624-83-9", 30, 20),
]


@pytest.mark.parametrize(("cas", "number", "beta"), NAMED_BETA)
def test_named_toxic_gases_take_their_table_3_beta_even_when_given_classes(cas, number, beta):
    result = one(Line(D(1), cas=cas, classes=("W2",)))
    (term,) = result.terms
    assert term.critical_basis.key == str(number)
    assert (term.beta, term.beta_basis.table) == (D(beta), 3)


CLASS_BETA = {  # code: (Q, β) from RULES.md tables 2 and 4
    "J1": (5, "4"),
    "J2": (50, "1"),
    "J3": (50, "2"),
    "J4": (50, "2"),
    "J5": (500, "1"),
    "W1.1": (1, "2"),
    "W1.2": (10, "2"),
    "W1.3": (50, "2"),
    "W2": (10, "1.5"),
    "W3": (150, "1"),
    "W4": (50, "1"),
    "W5.1": (10, "1.5"),
    "W5.2": (50, "1"),
    "W5.3": (1000, "1"),
    "W5.4": (5000, "1"),
    "W6.1": (10, "1.5"),
    "W6.2": (50, "1"),
    "W7.1": (10, "1.5"),
    "W7.2": (50, "1"),
    "W8": (50, "1"),
    "W9.1": (50, "1"),
    "W9.2": (200, "1"),
    "W10": (200, "1"),
    "W11": (200, "1"),
}


@pytest.mark.parametrize(("code", "q_and_beta"), CLASS_BETA.items())
def test_class_rows_take_q_from_table_2_and_beta_from_table_4(code, q_and_beta):
    critical, beta = q_and_beta
    # q = Q: S = 1; α(60) 1.5; R = 1.5 × β.
    result = one(Line(D(critical), name="未列名物质", classes=(code,)), population=60)
    (term,) = result.terms
    assert (term.critical, term.beta, term.beta_basis.table) == (D(critical), D(beta), 4)
    assert result.s == 1
    assert result.r == D("1.5") * D(beta)


def test_a_table_1_row_outside_table_3_without_classes_has_no_beta_and_no_r_below_q():
    result = one(Line(D(100), name="甲醇"))
    assert (result.terms[0].beta, result.terms[0].weighted) == (None, None)
    assert (result.s, result.r, result.grade) == (D("0.2"), None, None)


# --- mixtures ------------------------------------------------------------------------------------


def test_a_mixture_with_its_pure_substance_class_counts_as_the_pure_substance():
    # 工业甲醇 (99%) is still a flammable liquid class 2: row 65, Q 500, whole mass 600 t → 1.2.
    result = one(
        Line(D(600), cas="67-56-1", name="工业甲醇", classes=("W5.3",), mixture=Mixture.AS_PURE)
    )
    (term,) = result.terms
    assert (term.critical, term.critical_basis.key, term.mixture) == (D(500), "65", "as_pure")
    assert result.s == D("1.2")


def test_a_mixture_of_a_toxic_gas_as_pure_keeps_table_3_beta():
    result = one(Line(D(12), name="液氨", mixture=Mixture.AS_PURE), population=50)
    assert (result.terms[0].critical, result.terms[0].beta) == (D(10), D(2))
    assert result.r == D("1.5") * 2 * D("1.2")  # 3.6 → 四级


def test_a_mixture_with_its_own_class_takes_the_class_q_not_the_pure_substance_row():
    # 60% 甲醇水溶液 is a flammable liquid class 3 (W5.4, Q 5000), not row 65 (Q 500):
    # 600 t → S = 0.12 (the pure row would say 1.2).
    result = one(
        Line(D(600), cas="67-56-1", name="甲醇水溶液(60%)", classes=("W5.4",), mixture=Mixture.OWN)
    )
    (term,) = result.terms
    assert (term.critical, term.critical_basis.table, term.matched_by) == (D(5000), 2, "危险性类别")
    assert (term.beta, term.beta_basis.key) == (D(1), "W5.4")
    assert (result.s, result.is_major) == (D("0.12"), False)


def test_an_own_class_mixture_of_a_table_3_gas_takes_beta_by_its_class():
    # 氨 in solution classed J5 (Q 500, β 1): not table 3's β 2.
    result = one(Line(D(500), cas="7664-41-7", name="氨溶液", classes=("J5",), mixture="own"))
    assert (result.terms[0].critical, result.terms[0].beta) == (D(500), D(1))


# --- grade bands of R ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "r", "grade"),
    [
        # An unlisted class W5.4 chemical (Q 5000, β 1) with one person nearby (α 1): R = q/5000.
        ("5000", "1", "四级"),
        ("49999.5", "9.9999", "四级"),
        ("50000", "10", "三级"),
        ("249999.5", "49.9999", "三级"),
        ("250000", "50", "二级"),
        ("499999.5", "99.9999", "二级"),
        ("500000", "100", "一级"),
        ("5000000", "1000", "一级"),
    ],
)
def test_each_grade_starts_at_its_bound(q, r, grade):
    result = one(Line(D(q), name="某易燃液体", classes=("W5.4",)), population=1)
    assert (result.r, result.grade.label) == (D(r), grade)


def test_grade_bounds_hold_with_alpha_and_beta_in_play():
    # 氯化氢(无水) q 100 t: q/Q = 5, β 3 → 15; α(≥100) 2.0 → R = 30 → 三级.
    # 硫化氢 q 50 t: q/Q = 10, β 5 → 50; α 2.0 → R 100 → 一级 (at the bound).
    assert one(Line(D(100), cas="7647-01-0"), population=150).grade.label == "三级"
    result = one(Line(D(50), name="硫化氢"), population=100)
    assert (result.r, result.grade.label) == (D(100), "一级")


def test_a_non_major_unit_has_no_grade_even_with_r_shown():
    result = one(Line(D(4), name="硫化氢"), population=100)  # S 0.8; R = 2 × 5 × 0.8 = 8
    assert (result.is_major, result.r, result.grade) == (False, D(8), None)


# --- identities ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "number", "matched_by"),
    [
        (Line(D(1), cas="7782-50-5"), 12, "CAS号"),
        (Line(D(1), cas="７７８２－５０－５"), 12, "CAS号"),
        (Line(D(1), name="氯"), 12, "品名"),
        (Line(D(1), name="液氯"), 12, "别名"),
        (Line(D(1), name=" 液 氯 "), 12, "别名"),
        (Line(D(1), name="液氯", cas="7782-50-5"), 12, "CAS号、别名"),
        (Line(D(1), name="氯化氢（无水）"), 11, "品名"),
        (Line(D(1), cas="9004-70-0", name="硝化纤维素（含乙醇≥25%）"), 39, "CAS号、品名"),
        (Line(D(1), cas="9004-70-0", row=41), 41, "行号"),
        (Line(D(1), row=45), 45, "行号"),
        (Line(D(1), name="丙烷"), 52, "别名"),
    ],
)
def test_lines_find_their_table_1_row(line, number, matched_by):
    (term,) = one(line).terms
    assert (term.critical_basis.key, term.matched_by) == (str(number), matched_by)


def test_a_line_keeps_the_name_it_was_given_and_otherwise_shows_the_row_name():
    result = identify([Line(D(1), name="液氯"), Line(D(1), cas="7782-50-5")], population=0)
    assert [t.chemical for t in result.terms] == ["液氯", "氯"]
    assert [t.cas for t in result.terms] == ["", "7782-50-5"]


@pytest.mark.parametrize(
    ("quantity", "s"),
    [
        (D("2.5"), "0.25"),
        (2, "0.2"),
        ("2.5", "0.25"),
        (" 2.5 ", "0.25"),
        ("２.５", "0.25"),
        (2.5, "0.25"),
    ],
)
def test_quantities_may_be_decimals_whole_numbers_or_numeric_text(quantity, s):
    assert one(Line(quantity, name="氨")).s == D(s)


def test_shown_rounds_down_to_four_places_without_trailing_zeros():
    assert [shown(D(x)) for x in ("30.0", "0.99999", "1.5", "10", "0.333333")] == [
        "30",
        "0.9999",
        "1.5",
        "10",
        "0.3333",
    ]
    assert shown(None) == "—"


def test_quantities_longer_than_80_digits_are_still_summed_exactly():
    # 0.3 t of phosgene plus a quantity of 90 significant digits: the exact sum is computed
    # with fractions and rounded down, so S stays just below 1 + 0.1/0.3.
    tiny = D("0." + "0" * 10 + "1" * 90)
    result = identify([Line(D("0.3"), name="光气"), Line(tiny, name="光气")], population=0)
    exact = 1 + Fraction(tiny) / Fraction(3, 10)
    assert result.s <= exact < result.s + D("1e-27")


def test_explain_says_a_unit_below_its_critical_quantity_is_not_major():
    lines = one(Line(D(4), name="硫化氢"), population=100).explain()
    assert lines[-2:] == (
        "α = 2（厂区边界外500米范围内常住人口100人，100人以上）",
        "R = α·Σβ·q/Q = 8",
    )
    assert "S = Σq/Q = 0.8 < 1，不构成重大危险源" in lines
