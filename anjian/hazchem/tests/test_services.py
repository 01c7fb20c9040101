"""The services of 危险化学品单元: every inventory or unit change identifies and grades the
unit again (GB 18218-2018), records the evaluation, and moves its major hazard source.

Every figure is computed by hand from RULES.md §1 (S = Σq/Q; R = α·Σβ·q/Q; α by the people
within 500 m: ≥100 → 2, 50–99 → 1.5, 30–49 → 1.2, 1–29 → 1, 0 → 0.5; grade: R ≥ 100 一级,
≥ 50 二级, ≥ 10 三级, else 四级). The units have 120 people within 500 m (α = 2) unless
a test says otherwise.
"""

import re
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anjian.core.exceptions import Conflict, ValidationError
from anjian.hazchem import services
from anjian.hazchem.choices import Grade, Mixture, SourceState, UnitKind
from anjian.hazchem.models import Chemical, InventoryLine, MajorHazardSource, UnitEvaluation
from anjian.hazchem.tests import factories as make
from testsupport import world

pytestmark = pytest.mark.django_db

QUANTITY = "设计最大量须为大于0、不超过100万的数字（吨）"
POPULATION = "500米范围内常住人口须为0至1000万之间的整数"


def reasons(unit) -> list[str]:
    return list(unit.evaluations.order_by("id").values_list("reason", flat=True))


# --- re-evaluation on inventory change ------------------------------------------------------


def test_a_unit_with_no_chemicals_is_evaluated_as_empty_and_is_no_source():
    unit = make.fresh(make.unit())
    assert unit.s_value == 0
    assert unit.r_value is None and unit.alpha is None
    assert unit.is_major is False and unit.grade == ""
    assert unit.evaluation == {"terms": [], "explain": []}
    assert unit.edition == "GB 18218-2018" and unit.evaluated_at is not None
    (evaluation,) = UnitEvaluation.objects.filter(unit=unit)
    assert evaluation.reason == "登记单元"
    assert evaluation.s_value == 0 and evaluation.evaluation["terms"] == []
    assert make.source_of(unit) is None


def test_chlorine_below_its_critical_quantity_is_no_major_hazard_source():
    unit = make.unit()
    make.add(unit, "氯", "2")
    unit = make.fresh(unit)
    # S = 2/5 = 0.4 < 1; R is still shown: 2 × 4 × 0.4 = 3.2, but no grade.
    assert unit.s_value == D("0.4") and unit.is_major is False
    assert unit.r_value == D("3.2") and unit.alpha == 2 and unit.grade == ""
    assert make.source_of(unit) is None
    assert reasons(unit) == ["登记单元", "增加 氯"]


def test_raising_chlorine_to_its_critical_quantity_creates_an_identified_source():
    unit = make.unit()
    line = make.add(unit, "氯", "2")
    make.change(line, "5")
    unit = make.fresh(unit)
    # S = 5/5 = 1 ≥ 1 (q = Q is a major hazard source); R = 2 × 4 × 1 = 8 → 四级.
    assert unit.s_value == 1 and unit.is_major is True
    assert unit.r_value == 8 and unit.grade == Grade.FOURTH
    source = make.source_of(unit)
    assert source.state == SourceState.IDENTIFIED and source.grade == Grade.FOURTH
    assert source.qualifies is True and source.identified_on == timezone.localdate()
    assert source.enterprise == world.enterprise("yinhang_chemical")
    assert source.number == f"ZDWXY{timezone.localdate():%Y}{source.pk:06d}"
    assert reasons(unit)[-1] == "氯 设计最大量 2 → 5 吨"


def test_the_evaluation_shows_each_term_with_its_source_row():
    unit = make.unit()
    make.add(unit, "氯", "10")
    unit = make.fresh(unit)
    (term,) = unit.evaluation["terms"]
    assert term == {
        "index": 1,
        "chemical": "氯",
        "cas": "7782-50-5",
        "mixture": "no",
        "matched_by": "行号",
        "q": "10",
        "critical": "5",
        "critical_basis": "GB 18218-2018 表1第12行（氯）",
        "ratio": "2",
        "beta": "4",
        "beta_basis": "GB 18218-2018 表3 氯",
        "weighted": "8",
    }
    # S = 10/5 = 2; R = 2 × 4 × 2 = 16 → 三级.
    assert unit.evaluation["s"] == "2" and unit.evaluation["r"] == "16"
    assert unit.evaluation["alpha_band"] == "100人以上"
    assert unit.evaluation["explain"][-1] == "R = α·Σβ·q/Q = 16，三级（10≤R<50）"
    latest = unit.evaluations.first()
    assert latest.evaluation == unit.evaluation and latest.grade == Grade.THIRD
    assert latest.by == world.actor("district_official")


def test_the_source_grade_follows_the_quantity():
    unit = make.unit()
    line = make.add(unit, "氯", "5")  # S 1, R 8 → 四级
    expected = [
        ("10", D(16), Grade.THIRD),  # S 2, R = 2 × 4 × 2
        ("35", D(56), Grade.SECOND),  # S 7, R = 2 × 4 × 7
        ("65", D(104), Grade.FIRST),  # S 13, R = 2 × 4 × 13
        ("6.25", D(10), Grade.THIRD),  # S 1.25, R = 2 × 4 × 1.25 = 10: the bound is 三级
    ]
    for quantity, r, grade in expected:
        make.change(line, quantity)
        unit = make.fresh(unit)
        assert (unit.r_value, unit.grade) == (r, grade), quantity
        source = make.source_of(unit)
        assert (source.grade, source.state) == (grade, SourceState.IDENTIFIED), quantity
    assert MajorHazardSource.objects.filter(unit=unit).count() == 1
    assert unit.evaluations.count() == 1 + 1 + len(expected)


def test_a_filed_source_goes_back_to_identified_only_when_its_grade_changes():
    unit = make.unit()
    line = make.add(unit, "氯", "10")  # R 16 → 三级
    source = make.source_of(unit)
    # The filing services are not written yet: the test files the source directly.
    MajorHazardSource.objects.filter(pk=source.pk).update(
        state=SourceState.FILED, filed_grade=Grade.THIRD, filed_on=timezone.localdate()
    )
    make.change(line, "12")  # S 2.4, R = 2 × 4 × 2.4 = 19.2: still 三级
    source.refresh_from_db()
    assert (source.state, source.grade) == (SourceState.FILED, Grade.THIRD)
    make.change(line, "35")  # S 7, R 56 → 二级: must be filed again
    source.refresh_from_db()
    assert (source.state, source.grade) == (SourceState.IDENTIFIED, Grade.SECOND)
    assert source.filed_grade == Grade.THIRD


def test_lowering_below_q_keeps_the_source_as_no_longer_qualifying():
    unit = make.unit()
    line = make.add(unit, "氯", "10")
    source = make.source_of(unit)
    make.change(line, "1")  # S = 1/5 = 0.2
    unit = make.fresh(unit)
    assert unit.is_major is False and unit.grade == "" and unit.s_value == D("0.2")
    source.refresh_from_db()
    assert source.qualifies is False
    assert source.state == SourceState.IDENTIFIED  # 核销 is the authority's decision
    assert MajorHazardSource.objects.filter(unit=unit).count() == 1
    make.change(line, "25")  # S 5, R = 2 × 4 × 5 = 40 → 三级: the same source qualifies again
    source.refresh_from_db()
    assert source.qualifies is True and source.grade == Grade.THIRD
    assert MajorHazardSource.objects.filter(unit=unit).count() == 1


def test_removing_the_last_line_leaves_an_empty_evaluation_and_the_source():
    unit = make.unit()
    line = make.add(unit, "氯", "10")
    line.refresh_from_db()
    by = world.actor("district_official")
    returned = services.line_remove(by, line_id=line.pk, expected_version=line.version)
    unit = make.fresh(unit)
    assert returned.version == unit.version
    assert unit.s_value == 0 and unit.is_major is False and unit.evaluation["terms"] == []
    assert make.source_of(unit).qualifies is False
    assert reasons(unit) == ["登记单元", "增加 氯", "移除 氯"]
    assert not InventoryLine.objects.filter(unit=unit).exists()


@pytest.mark.parametrize(
    ("population", "alpha", "r", "grade"),
    [
        # 氯 50 t: S = 10, Σβ·q/Q = 4 × 10 = 40.
        (100, D("2"), D(80), Grade.SECOND),
        (99, D("1.5"), D(60), Grade.SECOND),
        (50, D("1.5"), D(60), Grade.SECOND),
        (49, D("1.2"), D(48), Grade.THIRD),
        (30, D("1.2"), D(48), Grade.THIRD),
        (29, D("1"), D(40), Grade.THIRD),
        (1, D("1"), D(40), Grade.THIRD),
        (0, D("0.5"), D(20), Grade.THIRD),
    ],
)
def test_a_population_change_changes_alpha_and_r(population, alpha, r, grade):
    unit = make.unit(population=120)
    make.add(unit, "氯", "50")
    unit = make.fresh(unit)
    assert (unit.alpha, unit.r_value, unit.grade) == (D(2), D(80), Grade.SECOND)
    unit = services.unit_update(
        world.actor("district_official"),
        unit_id=unit.pk,
        expected_version=unit.version,
        data={"population_500m": population},
    )
    stored = make.fresh(unit)
    assert (stored.alpha, stored.r_value, stored.grade) == (alpha, r, grade)
    assert stored.version == unit.version
    assert make.source_of(unit).grade == grade
    if population != 120:
        assert reasons(unit)[-1] == "修改单元：500米范围内常住人口"


# --- figures: several chemicals, table 2, mixtures ------------------------------------------


def test_several_chemicals_each_below_q_sum_to_a_major_hazard_source():
    unit = make.unit()
    make.add(unit, "氯", "2")  # 2/5 = 0.4, β 4
    make.add(unit, "氨", "4")  # 4/10 = 0.4, β 2
    assert make.fresh(unit).is_major is False  # S = 0.8
    make.add(unit, "二氧化硫", "4")  # 4/20 = 0.2, β 2
    unit = make.fresh(unit)
    # S = 0.4 + 0.4 + 0.2 = 1; R = 2 × (1.6 + 0.8 + 0.4) = 5.6 → 四级.
    assert unit.s_value == 1 and unit.is_major is True
    assert unit.r_value == D("5.6") and unit.grade == Grade.FOURTH
    assert [t["chemical"] for t in unit.evaluation["terms"]] == ["氯", "氨", "二氧化硫"]
    assert [t["weighted"] for t in unit.evaluation["terms"]] == ["1.6", "0.8", "0.4"]


def test_a_table_2_chemical_takes_q_and_beta_from_its_class():
    solvent = make.classed("测试溶剂", "W5.3")  # 易燃液体 类别2: Q 1000 t, β 1
    unit = make.unit()
    make.add(unit, solvent, "1500")
    unit = make.fresh(unit)
    # S = 1500/1000 = 1.5; R = 2 × 1 × 1.5 = 3 → 四级.
    assert (unit.s_value, unit.r_value, unit.grade) == (D("1.5"), D(3), Grade.FOURTH)
    (term,) = unit.evaluation["terms"]
    assert term["matched_by"] == "危险性类别"
    assert (
        term["critical_basis"] == "GB 18218-2018 表2 W5.3（易燃液体：不属于W5.1或W5.2的其他类别2）"
    )
    assert term["beta_basis"] == "GB 18218-2018 表4 W5.3（易燃液体）"


def test_table_1_table_2_and_table_3_together_grade_at_the_bound():
    solvent = make.classed("测试溶剂", "W5.3")
    unit = make.unit()
    make.add(unit, "氯", "20")  # 20/5 = 4, β 4 → 16
    make.add(unit, "氨", "30")  # 30/10 = 3, β 2 → 6
    make.add(unit, solvent, "3000")  # 3000/1000 = 3, β 1 → 3
    unit = make.fresh(unit)
    # S = 10; R = 2 × (16 + 6 + 3) = 50: the bound is 二级.
    assert (unit.s_value, unit.r_value, unit.grade) == (D(10), D(50), Grade.SECOND)
    assert make.source_of(unit).grade == Grade.SECOND


def test_a_mixture_with_its_own_classes_takes_the_lowest_q():
    # 37% formalin is not the table 1 row 甲醛(含量>90%) (Q 5 t): it is counted by its own
    # classes, W5.4 (Q 5000 t) and J5 (Q 500 t, β 1) → Q 500 t.
    formaldehyde = make.shipped("甲醛(含量>90%)")
    unit = make.unit()
    make.add(unit, formaldehyde, "600", mixture=Mixture.OWN, own_classes=["w5.4", "J5"])
    unit = make.fresh(unit)
    # S = 600/500 = 1.2; R = 2 × 1 × 1.2 = 2.4 → 四级.
    assert (unit.s_value, unit.r_value, unit.grade) == (D("1.2"), D("2.4"), Grade.FOURTH)
    (term,) = unit.evaluation["terms"]
    assert term["mixture"] == "own"
    assert term["critical_basis"] == (
        "GB 18218-2018 表2 J5（急性毒性：类别2，所有暴露途径，液体（除J4外）、固体）；"
        "具有多种危险性（W5.4、J5），取最低临界量"
    )
    line = InventoryLine.objects.get(unit=unit)
    assert line.own_classes == ["W5.4", "J5"]


def test_a_mixture_as_its_pure_substance_counts_its_whole_mass():
    unit = make.unit()
    make.add(unit, "氨", "12", mixture=Mixture.AS_PURE)
    unit = make.fresh(unit)
    # S = 12/10 = 1.2; R = 2 × 2 × 1.2 = 4.8 → 四级.
    assert (unit.s_value, unit.r_value, unit.grade) == (D("1.2"), D("4.8"), Grade.FOURTH)
    assert unit.evaluation["terms"][0]["mixture"] == "as_pure"


def test_a_table_1_chemical_outside_table_3_needs_its_classes_to_be_graded():
    unit = make.unit()
    line = make.add(unit, "甲醇", "400")  # S = 400/500 = 0.8: no grade needed, no β shown
    assert make.fresh(unit).r_value is None
    errors = make.refused(make.change, line, "600")
    assert errors == {
        "__all__": [
            "无法辨识分级：第1项（甲醇）：无法确定校正系数β——不在表3中，"
            "也未给出表2危险性类别，无法分级"
        ]
    }
    assert make.fresh(unit).s_value == D("0.8")  # nothing was written
    line.refresh_from_db()
    assert line.max_quantity == 400
    # The administrator gives 甲醇 its class (易燃液体 类别2 → W5.3, β 1): Q stays table 1's.
    Chemical.objects.filter(name="甲醇").update(gb18218_classes=["W5.3"])
    make.change(line, "600")
    unit = make.fresh(unit)
    # S = 600/500 = 1.2; R = 2 × 1 × 1.2 = 2.4 → 四级.
    assert (unit.s_value, unit.r_value, unit.grade) == (D("1.2"), D("2.4"), Grade.FOURTH)
    assert unit.evaluation["terms"][0]["critical_basis"] == "GB 18218-2018 表1第65行（甲醇）"


def test_a_chemical_with_neither_table_1_row_nor_classes_is_refused_on_the_chemical():
    water = make.classed("水", cas="7732-18-5")
    unit = make.unit()
    errors = make.refused(make.add, unit, water, "5")
    assert errors == {
        "chemical": ["第1项（水）：无法确定临界量——不在GB 18218-2018表1中，也未给出表2危险性类别"]
    }
    assert not InventoryLine.objects.filter(unit=unit).exists()
    assert reasons(unit) == ["登记单元"]


def test_an_unknown_own_class_is_refused_on_own_classes():
    unit = make.unit()
    errors = make.refused(
        make.add, unit, "氨", "5", mixture=Mixture.OWN, own_classes=["W5.3", "W12"]
    )
    assert errors == {"own_classes": ["GB 18218 表2中没有类别：W12"]}
    errors = make.refused(make.add, unit, "氨", "5", mixture=Mixture.OWN)
    assert errors == {"own_classes": ["按自身危险性类别辨识的混合物，请填写其表2类别"]}


def test_the_same_chemical_twice_in_a_unit_is_refused():
    unit = make.unit()
    make.add(unit, "氯", "1")
    errors = make.refused(make.add, unit, "氯", "2")
    assert errors == {"chemical": ["该单元已登记此化学品，请修改原有的设计最大量"]}


def test_changing_a_line_to_a_chemical_the_unit_already_has_is_refused():
    unit = make.unit()
    make.add(unit, "氯", "1")
    line = make.add(unit, "氨", "1")
    errors = make.refused(make.change, line, "1", chemical=make.shipped("氯").pk)
    assert errors == {"chemical": ["该单元已登记此化学品，请修改原有的设计最大量"]}


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("-1", QUANTITY),
        (-0.5, QUANTITY),
        (0, QUANTITY),
        ("0", QUANTITY),
        ("十吨", QUANTITY),
        ("10t", QUANTITY),
        ("", QUANTITY),
        (None, QUANTITY),
        (True, QUANTITY),
        ("NaN", QUANTITY),
        ("1000001", QUANTITY),
        ("1.00001", "设计最大量最多保留4位小数（吨）"),
    ],
)
def test_a_bad_quantity_is_refused_on_max_quantity(quantity, message):
    unit = make.unit()
    assert make.refused(make.add, unit, "氯", quantity) == {"max_quantity": [message]}
    assert reasons(unit) == ["登记单元"]


def test_a_bad_quantity_on_an_existing_line_changes_nothing():
    unit = make.unit()
    line = make.add(unit, "氯", "10")
    assert make.refused(make.change, line, "-3") == {"max_quantity": [QUANTITY]}
    line.refresh_from_db()
    assert line.max_quantity == 10 and make.fresh(unit).grade == Grade.THIRD


@pytest.mark.parametrize("chemical", [999_999, "999999", "氯", "", None])
def test_an_unknown_chemical_is_refused(chemical):
    unit = make.unit()
    by = world.actor("district_official")
    errors = make.refused(
        services.line_add, by, unit_id=unit.pk, data={"chemical": chemical, "max_quantity": "1"}
    )
    assert errors == {"chemical": ["请从危险化学品目录中选择"]}


def test_an_inactive_chemical_cannot_be_chosen():
    retired = make.classed("停用溶剂", "W5.3", active=False)
    assert make.refused(make.add, make.unit(), retired, "1") == {
        "chemical": ["请从危险化学品目录中选择"]
    }


def test_a_unit_needs_a_name_and_a_kind():
    errors = make.refused(make.unit, name="  ", kind="")
    assert errors == {
        "name": ["请填写单元名称"],
        "kind": ["请选择单元类型（生产单元或储存单元）"],
    }
    assert make.refused(make.unit, kind="tank") == {
        "kind": ["请选择单元类型（生产单元或储存单元）"]
    }
    assert make.refused(make.unit, name="长" * 121) == {"name": ["不能超过120字"]}


@pytest.mark.parametrize("population", [-1, "1.5", 2.5, "很多", True, 10_000_001])
def test_a_bad_population_is_refused(population):
    assert make.refused(make.unit, population=population) == {"population_500m": [POPULATION]}


def test_a_bad_population_on_update_changes_nothing():
    unit = make.unit()
    by = world.actor("district_official")
    errors = make.refused(
        services.unit_update,
        by,
        unit_id=unit.pk,
        expected_version=unit.version,
        data={"population_500m": "-5"},
    )
    assert errors == {"population_500m": [POPULATION]}
    assert make.fresh(unit).population_500m == 120


def test_a_position_needs_both_coordinates():
    assert make.refused(make.unit, latitude="31.32") == {"latitude": ["经度和纬度需同时填写"]}
    assert make.refused(make.unit, latitude="95", longitude="121.5") == {
        "latitude": ["请填写有效的经纬度"]
    }


def test_unknown_fields_are_refused_not_ignored():
    with pytest.raises(ValidationError) as raised:
        make.unit(colour="red")
    assert raised.value.messages == ["不能修改的字段：colour"]
    unit = make.unit(name="二号仓库")
    by = world.actor("district_official")
    with pytest.raises(ValidationError) as raised:
        services.unit_update(
            by,
            unit_id=unit.pk,
            expected_version=unit.version,
            data={"enterprise": world.enterprise("pingliang_factory").pk, "s_value": "9"},
        )
    assert raised.value.messages == ["不能修改的字段：enterprise、s_value"]
    with pytest.raises(ValidationError) as raised:
        make.add(unit, "氯", "1", unit=unit.pk)
    assert raised.value.messages == ["不能修改的字段：unit"]


# --- versions, retiring, names -----------------------------------------------------------------


def test_a_stale_line_version_is_a_conflict():
    unit = make.unit()
    line = make.add(unit, "氯", "1")
    line.refresh_from_db()
    by = world.actor("district_official")
    stale = line.version
    services.line_update(by, line_id=line.pk, expected_version=stale, data={"max_quantity": "2"})
    with pytest.raises(Conflict):
        services.line_update(
            by, line_id=line.pk, expected_version=stale, data={"max_quantity": "3"}
        )
    with pytest.raises(Conflict):
        services.line_remove(by, line_id=line.pk, expected_version=stale)
    line.refresh_from_db()
    assert line.max_quantity == 2


def test_a_stale_unit_version_is_a_conflict():
    unit = make.unit()
    stale = unit.version
    make.add(unit, "氯", "1")  # re-evaluating the unit moves its version on
    by = world.actor("district_official")
    with pytest.raises(Conflict):
        services.unit_update(by, unit_id=unit.pk, expected_version=stale, data={"name": "改名"})
    with pytest.raises(Conflict):
        services.unit_retire(by, unit_id=unit.pk, expected_version=stale, reason="拆除")
    assert make.fresh(unit).name == "一号储罐区"


def test_a_returned_unit_carries_the_stored_version():
    unit = make.unit()
    assert unit.version == make.fresh(unit).version
    by = world.actor("district_official")
    unit = services.unit_update(
        by, unit_id=unit.pk, expected_version=unit.version, data={"kind": UnitKind.PRODUCTION}
    )
    assert unit.version == make.fresh(unit).version
    # So the next edit, begun from the returned unit, is no conflict.
    services.unit_update(by, unit_id=unit.pk, expected_version=unit.version, data={"name": "甲"})


def test_a_retired_unit_keeps_its_lines_and_cannot_be_changed():
    unit = make.unit()
    line = make.add(unit, "氯", "10")
    line.refresh_from_db()
    unit = make.fresh(unit)
    by = world.actor("district_official")
    assert make.refused(
        services.unit_retire, by, unit_id=unit.pk, expected_version=unit.version, reason=" "
    ) == {"reason": ["请填写停用原因"]}
    retired = services.unit_retire(
        by, unit_id=unit.pk, expected_version=unit.version, reason="储罐拆除"
    )
    assert retired.active is False and retired.retired_reason == "储罐拆除"
    assert make.source_of(unit).qualifies is False
    attempts = [
        lambda: services.unit_update(
            by, unit_id=unit.pk, expected_version=retired.version, data={"name": "新名"}
        ),
        lambda: services.unit_retire(
            by, unit_id=unit.pk, expected_version=retired.version, reason="再次"
        ),
        lambda: make.add(unit, "氨", "1"),
        lambda: services.line_update(
            by, line_id=line.pk, expected_version=line.version, data={"max_quantity": "1"}
        ),
        lambda: services.line_remove(by, line_id=line.pk, expected_version=line.version),
    ]
    for attempt in attempts:
        with pytest.raises(Conflict, match="该单元已停用，不能再修改"):
            attempt()
    assert InventoryLine.objects.filter(unit=unit).count() == 1


def test_two_active_units_of_one_enterprise_cannot_share_a_name():
    first = make.unit(name="液氯库")
    assert make.refused(make.unit, name="液氯库") == {"name": ["本单位已有同名的在用单元"]}
    other = make.unit(name="液氨库")
    by = world.actor("district_official")
    assert make.refused(
        services.unit_update,
        by,
        unit_id=other.pk,
        expected_version=other.version,
        data={"name": " 液氯库 "},
    ) == {"name": ["本单位已有同名的在用单元"]}
    # Another enterprise may use the name; a retired unit frees it.
    make.unit(name="液氯库", enterprise="pingliang_factory")
    services.unit_retire(by, unit_id=first.pk, expected_version=first.version, reason="停用")
    assert make.unit(name="液氯库").active is True


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")
def test_a_line_locks_its_catalogue_entry_before_its_unit():
    """A catalogue change locks the entry, then the units holding it; a line that brings the
    entry into a unit takes the same locks in the same order, so it waits for the change
    (and is graded by it) instead of grading the unit by the entry as it was."""
    target = make.unit()
    solvent = make.classed("某溶剂", "W5.3")

    def locked_tables(call) -> list[str]:
        """The table each ``SELECT … FOR UPDATE`` locks (its first FROM), in order."""
        with CaptureQueriesContext(connection) as queries:
            call()
        return [
            re.search(r'FROM "(\w+)"', q["sql"]).group(1)
            for q in queries
            if "FOR UPDATE" in q["sql"]
        ]

    added = locked_tables(lambda: make.add(target, solvent, "10"))
    assert added[:2] == ["hazchem_chemical", "hazchem_chemicalunit"]
    line = target.lines.get()
    changed = locked_tables(
        lambda: services.line_update(
            world.actor("district_official"),
            line_id=line.pk,
            expected_version=line.version,
            data={"chemical": make.shipped("氯").pk},
        )
    )
    assert changed[:2] == ["hazchem_chemical", "hazchem_inventoryline"]
