"""The discretion table (自由裁量基准): the shipped data, the seeded rows, and editing it."""

import pytest
from auditlog.models import LogEntry
from django.http import Http404

from anjian.core.exceptions import NotPermitted, ValidationError
from anjian.inspections import discretion_data
from anjian.inspections.case_models import Circumstance, DiscretionRule
from anjian.inspections.cases import selectors, services
from anjian.inspections.tests import case_factories as cf
from testsupport import world


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


# --- the shipped data ---------------------------------------------------------------------------


def test_the_table_covers_at_least_ten_violations_with_two_to_four_levels():
    assert len(discretion_data.VIOLATIONS) >= 10
    assert len({v.code for v in discretion_data.VIOLATIONS}) == len(discretion_data.VIOLATIONS)
    for violation in discretion_data.VIOLATIONS:
        levels = [level.circumstance for level in violation.levels]
        assert 2 <= len(levels) <= 4, violation.code
        assert len(set(levels)) == len(levels), violation.code
        assert set(levels) <= set(Circumstance.values), violation.code
        assert violation.code.startswith("AQF-"), violation.code


@pytest.mark.parametrize("violation", discretion_data.VIOLATIONS, ids=lambda v: v.code)
def test_every_range_is_inside_the_statutory_range_and_ordered(violation):
    order = list(Circumstance.values)
    previous = None
    for level in violation.levels:
        assert violation.statutory_min <= level.fine_min <= level.fine_max
        assert level.fine_max <= violation.statutory_max
        if previous is not None:  # heavier circumstances never allow less
            assert order.index(level.circumstance) > order.index(previous.circumstance)
            assert level.fine_max >= previous.fine_max
        previous = level
    assert "安全生产法" in violation.violated_basis and "安全生产法" in violation.penalty_basis


def test_the_articles_named_in_the_brief_are_there():
    bases = {v.code: v.penalty_basis for v in discretion_data.VIOLATIONS}
    for code, article in {
        "AQF-97-1": "第九十七条",
        "AQF-97-4": "第九十七条",
        "AQF-97-7": "第九十七条",
        "AQF-99-1": "第九十九条",
        "AQF-99-2": "第九十九条",
        "AQF-101-2": "第一百零一条",
        "AQF-101-5": "第一百零一条",
        "AQF-102": "第一百零二条",
        "AQF-105-1": "第一百零五条",
        "AQF-108": "第一百零八条",
        "AQF-109": "第一百零九条",
    }.items():
        assert article in bases[code], code


def test_the_migration_seeded_every_row(db):
    seeded = set(
        DiscretionRule.objects.filter(is_active=True).values_list(
            "code", "circumstance", "fine_min", "fine_max", "other_measures"
        )
    )
    shipped = {
        (r["code"], r["circumstance"], r["fine_min"], r["fine_max"], r["other_measures"])
        for r in discretion_data.rows()
    }
    assert seeded == shipped


# --- reading it ---------------------------------------------------------------------------------


def test_the_table_is_grouped_by_violation_in_code_order(db):
    groups = selectors.rules_by_violation()
    codes = [g.code for g in groups]
    assert codes.index("AQF-97-7") < codes.index("AQF-99-1") < codes.index("AQF-101-2")
    first = groups[0]
    assert [r.circumstance for r in first.levels] == ["minor", "ordinary", "serious", "grave"]


def test_a_rule_suggests_its_range_and_a_retired_one_none(db):
    rule = cf.rule()
    assert selectors.discretion_suggest(rule.pk) == (30_000, 60_000)
    services.discretion_rule_retire(world.actor("admin"), rule_id=rule.pk)
    with pytest.raises(Http404):
        selectors.discretion_suggest(rule.pk)


# --- editing it ---------------------------------------------------------------------------------

NEW = {
    "code": "AQF-99-4",
    "violation": "关闭、破坏直接关系生产安全的监控、报警、防护、救生设备、设施",
    "violated_basis": "《中华人民共和国安全生产法》第三十六条第三款",
    "penalty_basis": "《中华人民共和国安全生产法》第九十九条第（四）项",
    "circumstance": "ordinary",
    "circumstance_note": "情节一般",
    "fine_min": 10_000,
    "fine_max": 30_000,
    "other_measures": "",
}


def test_a_city_administrator_adds_a_rule_and_the_change_is_logged(db):
    rule = services.discretion_rule_save(world.actor("admin"), data=NEW)
    assert rule.is_active and (rule.fine_min, rule.fine_max) == (10_000, 30_000)
    assert LogEntry.objects.get_for_object(rule).count() == 1


@pytest.mark.parametrize("actor", ["district_official", "inspector", "leader"])
def test_only_users_of_the_whole_city_edit_the_table(actor, db):
    with pytest.raises(NotPermitted):
        services.discretion_rule_save(world.actor(actor), data=NEW)
    with pytest.raises(NotPermitted):
        services.discretion_rule_retire(world.actor(actor), rule_id=cf.rule().pk)


def test_a_district_official_is_told_why(db):
    with pytest.raises(NotPermitted, match="自由裁量基准是全市统一配置"):
        services.discretion_rule_save(world.actor("district_official"), data=NEW)


def test_a_range_upside_down_and_a_second_active_level_are_refused(db):
    admin = world.actor("admin")
    with pytest.raises(ValidationError) as raised:
        services.discretion_rule_save(admin, data={**NEW, "fine_min": 40_000})
    assert raised.value.message_dict == {"fine_max": ["罚款上限不能低于下限"]}
    with pytest.raises(ValidationError) as raised:
        services.discretion_rule_save(admin, data={**NEW, "code": "AQF-97-4"})
    assert raised.value.message_dict == {"circumstance": ["该违法行为已有启用中的“一般”档基准"]}


def test_an_unknown_field_is_refused_by_name(db):
    with pytest.raises(ValidationError, match="不能修改的字段：is_active"):
        services.discretion_rule_save(world.actor("admin"), data={**NEW, "is_active": False})


def test_an_unused_rule_changes_its_range(db):
    rule = cf.rule("AQF-108", "ordinary")
    data = {name: getattr(rule, name) for name in services.RULE_FIELDS}
    changed = services.discretion_rule_save(
        world.actor("admin"), rule_id=rule.pk, data={**data, "fine_max": 40_000}, version=1
    )
    assert (changed.fine_max, changed.version) == (40_000, 2)


def test_a_rule_a_case_was_weighed_by_keeps_its_range_until_retired(db):
    rule = cf.rule()
    case = cf.weigh(cf.file_case(), rule=rule)
    admin = world.actor("admin")
    data = {name: getattr(rule, name) for name in services.RULE_FIELDS}
    with pytest.raises(ValidationError, match="已有案件适用该基准，不能修改罚款上限（元）"):
        services.discretion_rule_save(admin, rule_id=rule.pk, data={**data, "fine_max": 80_000})
    noted = services.discretion_rule_save(
        admin, rule_id=rule.pk, data={**data, "circumstance_note": "情节一般，限期内改正"}
    )
    assert noted.circumstance_note == "情节一般，限期内改正"
    services.discretion_rule_retire(admin, rule_id=rule.pk)
    successor = services.discretion_rule_save(admin, data={**data, "fine_max": 80_000})
    case.refresh_from_db()
    assert case.rule_id == rule.pk and case.rule.fine_max == 60_000 and not case.rule.is_active
    assert successor.is_active and successor.fine_max == 80_000
    assert DiscretionRule.objects.filter(pk=rule.pk).exists()  # never deleted
