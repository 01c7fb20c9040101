"""GB 30871-2022 as ``gb30871`` computes it, against the standard's numbers (RULES.md §13):
every grade at and either side of each bound, the one-step raise and its ceiling, table B.1
for every kind and grade, the gas pass limits at their bounds, the re-test limits and the
validity periods. No database."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from anjian.specialwork import gb30871 as rules
from anjian.specialwork.choices import ApproverRole, Grade, HeightHazard, HotPlace, Kind, Stage

NO_FACTS = rules.Facts()
SUNDAY = date(2026, 12, 6)


def hot(place: str, **facts) -> str:
    return rules.hot_work_grade(place, **facts).grade


# --- the kinds and the codes -------------------------------------------------------------------


def test_there_are_the_eight_kinds_of_the_standard_in_its_order():
    assert list(rules.KINDS.values()) == [
        "动火作业",
        "受限空间作业",
        "盲板抽堵作业",
        "高处作业",
        "吊装作业",
        "临时用电作业",
        "动土作业",
        "断路作业",
    ]
    assert dict(zip(rules.KINDS, map(str, range(5, 13)), strict=True)) == rules.CHAPTERS


def test_the_choices_carry_the_rules_codes():
    assert Kind.values == list(rules.KINDS)
    assert set(Grade.values) == set(rules.GRADE_NAMES)
    assert HotPlace.values == list(rules.HOT_PLACES)
    assert HeightHazard.values == list(rules.HEIGHT_HAZARDS)
    assert ApproverRole.values == list(rules.ROLES)
    assert Stage.values == list(rules.STAGES)


# --- 动火 --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("place", "grade"),
    [
        ("running_plant", rules.SPECIAL),
        ("tank_bund", rules.SPECIAL),
        ("hazard_area", rules.FIRST),
        ("pipe_rack", rules.FIRST),
        ("other", rules.SECOND),
    ],
)
def test_the_place_of_the_fire_gives_the_grade(place, grade):
    found = rules.hot_work_grade(place)
    assert found.grade == grade
    assert len(found.reasons) == 1 and "5.1" in found.reasons[0]


def test_an_unknown_place_is_refused_on_the_field():
    with pytest.raises(rules.RuleError) as refused:
        rules.hot_work_grade("")
    assert refused.value.field == "hot_place"


@pytest.mark.parametrize(
    "raise_by",
    [
        {"rest_days": (SUNDAY,)},
        {"night": True},
        {"strong_wind": True},
        {"other_special": True},
    ],
)
def test_each_special_circumstance_raises_one_step(raise_by):
    assert hot("other", **raise_by) == rules.FIRST
    assert hot("hazard_area", **raise_by) == rules.SPECIAL
    assert hot("pipe_rack", **raise_by) == rules.SPECIAL


def test_several_circumstances_still_raise_only_one_step():
    found = rules.hot_work_grade("other", rest_days=(SUNDAY,), night=True, strong_wind=True)
    assert found.grade == rules.FIRST
    assert "二级 → 一级" in found.reasons[-1] and "5.1.1" in found.reasons[-1]
    assert "2026-12-06（星期日）" in found.reasons[-1]


def test_special_is_the_ceiling():
    found = rules.hot_work_grade("running_plant", night=True)
    assert found.grade == rules.SPECIAL
    assert "不再升级" in found.reasons[-1]


def test_a_shut_down_plant_approved_as_second_grade_is_second_grade_before_the_raise():
    assert hot("running_plant", shutdown_approved=True) == rules.SECOND
    assert hot("hazard_area", shutdown_approved=True, night=True) == rules.FIRST
    assert hot("other", shutdown_approved=True) == rules.SECOND


def test_night_is_from_22_to_6():
    assert rules.in_night(datetime(2026, 6, 1, 22, 0))
    assert rules.in_night(datetime(2026, 6, 1, 5, 59))
    assert not rules.in_night(datetime(2026, 6, 1, 6, 0))
    assert not rules.in_night(datetime(2026, 6, 1, 21, 59))


# --- 高处 --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("height", "method_a", "method_b"),
    [
        ("2", rules.H1, rules.H2),
        ("2.01", rules.H1, rules.H2),
        ("5", rules.H1, rules.H2),
        ("5.01", rules.H2, rules.H3),
        ("15", rules.H2, rules.H3),
        ("15.01", rules.H3, rules.H4),
        ("30", rules.H3, rules.H4),
        ("30.01", rules.H4, rules.H4),
        ("120", rules.H4, rules.H4),
    ],
)
def test_height_bands_and_methods(height, method_a, method_b):
    assert rules.height_grade(height).grade == method_a
    assert rules.height_grade(height, ["wind"]).grade == method_b
    assert rules.height_grade(Decimal(height), ["oxygen", "rescue"]).grade == method_b


def test_the_reasons_name_the_band_and_the_method():
    found = rules.height_grade("16", ["slippery"])
    assert "15 m < h ≤ 30 m" in found.reasons[0]
    assert "易滑物" in found.reasons[1] and "B类法" in found.reasons[1]
    assert found.reasons[-1].endswith("Ⅳ级（GB 30871-2022 8.1）")


@pytest.mark.parametrize(
    ("height", "words"),
    [("1.99", "不足2 m"), ("0", "须大于0"), ("-3", "须在0至1000之间"), ("五米", "须为数字")],
)
def test_heights_that_are_not_work_at_height_are_refused(height, words):
    with pytest.raises(rules.RuleError) as refused:
        rules.height_grade(height)
    assert refused.value.field == "height_m" and words in str(refused.value)


def test_an_unknown_hazard_is_refused():
    with pytest.raises(rules.RuleError) as refused:
        rules.height_grade("3", ["ghosts"])
    assert refused.value.field == "height_hazards"


# --- 吊装 --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("load", "grade"),
    [
        ("10", rules.THIRD),
        ("39.999", rules.THIRD),
        ("40", rules.SECOND),
        ("100", rules.SECOND),
        ("100.001", rules.FIRST),
        ("500", rules.FIRST),
    ],
)
def test_lifting_grades_by_load(load, grade):
    assert rules.lifting_grade(load).grade == grade


@pytest.mark.parametrize("load", ["9.999", "1"])
def test_under_ten_tonnes_needs_no_lifting_permit(load):
    with pytest.raises(rules.RuleError) as refused:
        rules.lifting_grade(load)
    assert refused.value.field == "load_t" and "不需办理" in str(refused.value)


@pytest.mark.parametrize("load", ["十吨", "", None, True, "-5", "NaN"])
def test_a_load_that_is_not_a_number_is_refused(load):
    with pytest.raises(rules.RuleError) as refused:
        rules.lifting_grade(load)
    assert refused.value.field == "load_t"


# --- ungraded kinds ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [rules.CONFINED, rules.BLINDING, rules.POWER, rules.ROAD])
def test_other_kinds_have_no_grade(kind):
    found = rules.grade(kind, NO_FACTS)
    assert found.grade == "" and "不分级" in found.reasons[0]


def test_deep_excavation_near_lines_follows_confined_space_rules():
    found = rules.grade(rules.DIGGING, rules.Facts(deep_near_lines=True))
    assert found.grade == "" and "受限空间" in found.reasons[-1]
    assert rules.readings_needed(rules.DIGGING, rules.Facts(deep_near_lines=True)) == (
        rules.OXYGEN,
        rules.FLAMMABLE,
    )
    assert rules.readings_needed(rules.DIGGING, NO_FACTS) == ()


# --- table B.1 -----------------------------------------------------------------------------------


def approver(kind: str, grade: str) -> tuple[str, ...]:
    return tuple(f"{step.stage}:{step.role}" for step in rules.approvals_needed(kind, grade))


@pytest.mark.parametrize(
    ("kind", "grade", "steps"),
    [
        (rules.HOT, rules.SPECIAL, ("approve:leader",)),
        (rules.HOT, rules.FIRST, ("approve:safety",)),
        (rules.HOT, rules.SECOND, ("approve:base_unit",)),
        (rules.CONFINED, "", ("approve:base_unit",)),
        (rules.BLINDING, "", ("approve:base_unit",)),
        (rules.HEIGHT, rules.H1, ("approve:base_unit",)),
        (rules.HEIGHT, rules.H2, ("approve:specialty",)),
        (rules.HEIGHT, rules.H3, ("approve:specialty",)),
        (rules.HEIGHT, rules.H4, ("approve:plant_head",)),
        (rules.LIFTING, rules.FIRST, ("approve:plant_head",)),
        (rules.LIFTING, rules.SECOND, ("approve:specialty",)),
        (rules.LIFTING, rules.THIRD, ("approve:specialty",)),
        (rules.POWER, "", ("countersign:power_unit", "approve:power_unit")),
        (rules.DIGGING, "", ("countersign:involved", "approve:specialty")),
        (rules.ROAD, "", ("countersign:fire_safety", "approve:specialty")),
    ],
)
def test_table_b1(kind, grade, steps):
    assert approver(kind, grade) == steps


def test_table_b1_covers_every_kind_and_grade_and_nothing_else():
    expected = {(kind, grade) for kind in rules.KINDS for grade in rules.GRADES.get(kind, ("",))}
    assert set(rules.APPROVALS) == expected


# --- gas analysis --------------------------------------------------------------------------------


def judged(kind=rules.HOT, facts=NO_FACTS, **reading) -> rules.Verdict:
    return rules.judge(kind, rules.Reading(**reading), facts)


@pytest.mark.parametrize(
    ("lel", "measured", "passed"),
    [
        ("4", "0.5", True),
        ("4", "0.51", False),
        ("5", "0.49", True),
        ("3.99", "0.2", True),
        ("3.99", "0.21", False),
        ("1.5", "0.3", False),
    ],
)
def test_flammable_limits_turn_on_an_lel_of_four_percent(lel, measured, passed):
    assert judged(lel=lel, flammable=measured).passed is passed


@pytest.mark.parametrize(
    ("oxygen", "passed"),
    [("19.5", True), ("19.49", False), ("20.9", True), ("21", True), ("21.01", False)],
)
def test_confined_space_oxygen_is_19_5_to_21(oxygen, passed):
    verdict = judged(rules.CONFINED, lel="5", flammable="0", oxygen=oxygen)
    assert verdict.passed is passed


@pytest.mark.parametrize(("oxygen", "passed"), [("23.5", True), ("23.51", False), ("19.4", False)])
def test_an_oxygen_enriched_confined_space_may_reach_23_5(oxygen, passed):
    facts = rules.Facts(oxygen_rich=True)
    assert judged(rules.CONFINED, facts, lel="5", flammable="0", oxygen=oxygen).passed is passed


@pytest.mark.parametrize(("oxygen", "passed"), [("23.5", True), ("23.6", False), ("10", True)])
def test_hot_work_on_oxygen_equipment_checks_only_the_upper_bound(oxygen, passed):
    facts = rules.Facts(oxygen_rich=True)
    assert judged(rules.HOT, facts, lel="4", flammable="0", oxygen=oxygen).passed is passed


def test_a_toxic_reading_is_judged_against_the_limit_the_analyst_entered():
    base = {"lel": "4", "flammable": "0", "toxic_name": "硫化氢", "toxic_unit": "mg/m³"}
    assert judged(**base, toxic_value="10", toxic_limit="10").passed
    failed = judged(**base, toxic_value="10.1", toxic_limit="10")
    assert not failed.passed and "GBZ 2.1" in failed.checks[-1].limit


def test_a_toxic_reading_without_its_limit_is_refused():
    with pytest.raises(rules.RuleError) as refused:
        judged(lel="4", flammable="0", toxic_name="氨", toxic_value="5")
    assert refused.value.field == "toxic_limit"


@pytest.mark.parametrize(
    ("kind", "facts", "reading", "field"),
    [
        (rules.HOT, NO_FACTS, {"oxygen": "20"}, "flammable_percent"),
        (rules.CONFINED, NO_FACTS, {"lel": "4", "flammable": "0"}, "oxygen_percent"),
        (rules.HOT, NO_FACTS, {"flammable": "0.1"}, "lel_percent"),
        (rules.HOT, NO_FACTS, {"lel": "0", "flammable": "0.1"}, "lel_percent"),
        (rules.BLINDING, NO_FACTS, {}, "flammable_percent"),
    ],
)
def test_missing_readings_are_refused_on_their_field(kind, facts, reading, field):
    with pytest.raises(rules.RuleError) as refused:
        rules.judge(kind, rules.Reading(**reading), facts)
    assert refused.value.field == field


def test_which_kinds_need_an_analysis():
    assert rules.readings_needed(rules.HOT, NO_FACTS) == (rules.FLAMMABLE,)
    assert rules.readings_needed(rules.CONFINED, NO_FACTS) == (rules.OXYGEN, rules.FLAMMABLE)
    assert rules.readings_needed(rules.POWER, NO_FACTS) == ()
    assert rules.readings_needed(rules.POWER, rules.Facts(hazard_area=True)) == (rules.FLAMMABLE,)
    for kind in (rules.BLINDING, rules.HEIGHT, rules.LIFTING, rules.ROAD):
        assert rules.readings_needed(kind, NO_FACTS) == ()


def test_samples_count_for_30_minutes():
    assert timedelta(minutes=30) == rules.BEFORE_START


@pytest.mark.parametrize(
    ("kind", "grade", "limit"),
    [
        (rules.HOT, rules.SPECIAL, timedelta(minutes=30)),
        (rules.HOT, rules.FIRST, timedelta(minutes=30)),
        (rules.HOT, rules.SECOND, timedelta(minutes=60)),
        (rules.CONFINED, "", timedelta(minutes=60)),
        (rules.HEIGHT, rules.H2, None),
        (rules.LIFTING, rules.FIRST, None),
    ],
)
def test_retest_after_a_pause(kind, grade, limit):
    assert rules.retest_after(kind, grade, NO_FACTS) == limit


# --- validity ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "grade", "facts", "period"),
    [
        (rules.HOT, rules.SPECIAL, NO_FACTS, timedelta(hours=8)),
        (rules.HOT, rules.FIRST, NO_FACTS, timedelta(hours=8)),
        (rules.HOT, rules.SECOND, NO_FACTS, timedelta(hours=72)),
        (rules.CONFINED, "", NO_FACTS, timedelta(hours=24)),
        (rules.HEIGHT, rules.H4, NO_FACTS, timedelta(days=7)),
        (rules.POWER, "", NO_FACTS, timedelta(days=15)),
        (rules.POWER, "", rules.Facts(long_use=True), timedelta(days=30)),
        (rules.BLINDING, "", NO_FACTS, None),
        (rules.LIFTING, rules.FIRST, NO_FACTS, None),
        (rules.DIGGING, "", NO_FACTS, None),
        (rules.ROAD, "", NO_FACTS, None),
    ],
)
def test_validity(kind, grade, facts, period):
    assert rules.validity(kind, grade, facts) == period
    start = datetime(2026, 6, 1, 8, 0)
    if period is None:
        end = start + timedelta(days=90)
        assert rules.check_period(kind, grade, facts, start, end) == end
        return
    assert rules.check_period(kind, grade, facts, start, start + period) == start + period
    with pytest.raises(rules.RuleError) as refused:
        rules.check_period(kind, grade, facts, start, start + period + timedelta(minutes=1))
    assert refused.value.field == "planned_end" and "分段办理" in str(refused.value)


def test_an_end_before_the_start_is_refused():
    start = datetime(2026, 6, 1, 8, 0)
    for end in (start, start - timedelta(hours=1)):
        with pytest.raises(rules.RuleError) as refused:
            rules.check_period(rules.CONFINED, "", NO_FACTS, start, end)
        assert refused.value.field == "planned_end"


def test_the_validity_words_name_the_clause():
    assert rules.validity_words(rules.HOT, rules.SPECIAL, NO_FACTS) == (
        "有效期不超过8小时（GB 30871-2022 5.1.5）"
    )
    assert rules.validity_words(rules.HEIGHT, rules.H1, NO_FACTS).startswith("有效期不超过7天")
    assert "未规定" in rules.validity_words(rules.ROAD, "", NO_FACTS)
