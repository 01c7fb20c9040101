"""A failed self-check item becomes a hazard named as a finding, at the place it was found.

The shipped checklists carry a problem wording (问题表述) per item; custom items without one
are titled "未做到：…"; the checker may rename the hazard and records the place (检查部位),
which defaults to the item's area. Plans keep findings and areas through the plan form's
textarea, and migration hazards 0008 fills them in for plans made before.
"""

from importlib import import_module

import pytest
from django.apps import apps as django_apps

from anjian.core.exceptions import ValidationError
from anjian.hazards.choices import Source
from anjian.hazards.models import CheckItem, CheckRecord, CheckResult, Hazard
from anjian.hazards.selfcheck import checklists, fixtures, services
from anjian.hazards.selfcheck.forms import items_text, parse_items
from anjian.hazards.tests import selfcheck_factories as make
from testsupport import world

LEAK = "装置区、罐区、管线无跑冒滴漏"
LEAK_FINDING = "装置区、罐区、管线存在跑冒滴漏"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def hazchem_plan():
    return services.plan_create_from_checklist(
        by=world.actor("enterprise_manager"),
        enterprise=world.enterprise("yinhang_chemical"),
        key="hazchem_daily",
    )


def position_of(plan, text: str) -> int:
    texts = list(plan.items.active().order_by("sort_order", "id").values_list("text", flat=True))
    return texts.index(text)


# --- the shipped checklists -------------------------------------------------------------------


def test_every_shipped_item_has_a_problem_wording_of_its_own():
    for checklist in checklists.CHECKLISTS:
        for item in checklist.items:
            text, finding = str(item.text), str(item.finding)
            assert finding and finding != text, text
            assert len(finding) <= CheckItem._meta.get_field("finding").max_length, text
            assert not finding.startswith(("不符合", "未做到")), finding


def test_a_plan_from_a_typical_checklist_keeps_findings_and_areas(db):
    plan = hazchem_plan()
    items = {item.text: item for item in plan.items.all()}
    assert items[LEAK].finding == LEAK_FINDING
    assert items["重大危险源罐区紧急切断装置、安全仪表系统处于投用状态"].area == "重大危险源罐区"
    assert all(item.finding for item in items.values())


# --- a failed item becomes a hazard ----------------------------------------------------------


def test_a_failed_item_becomes_a_hazard_titled_with_its_finding_at_the_recorded_place(db, media):
    plan = hazchem_plan()
    place = "2号罐区T-203出料泵出口法兰"
    record = make.submit(
        plan, {position_of(plan, LEAK): {"note": "法兰渗漏，地面有油渍", "place": place}}
    )
    result = record.results.select_related("hazard").get(passed=False)
    assert result.place == place
    hazard = result.hazard
    assert (hazard.title, hazard.location) == (LEAK_FINDING, place)
    assert hazard.source == Source.SELF_CHECK and hazard.description == "法兰渗漏，地面有油渍"
    assert plan.scope_note not in hazard.location


def test_a_custom_item_without_a_finding_is_titled_as_a_requirement_not_met(db, media):
    plan = make.plan(items=["呼吸阀完好"])
    record = make.submit(plan, {0: {"note": "呼吸阀锈死", "place": "T-101罐顶"}})
    hazard = record.results.get().hazard
    assert hazard.title == "未做到：呼吸阀完好"
    assert hazard.location == "T-101罐顶"


def test_the_checker_may_rename_the_hazard_when_marking_the_item_failed(db, media):
    plan = hazchem_plan()
    record = make.submit(
        plan,
        {
            position_of(plan, LEAK): {
                "note": "P-201机封滴漏",
                "place": "P-201进料泵",
                "title": "  P-201进料泵机械密封滴漏  ",
            }
        },
    )
    assert record.results.get(passed=False).hazard.title == "P-201进料泵机械密封滴漏"


def test_the_place_defaults_to_the_items_area(db, media):
    plan = make.plan(items=[services.ItemSpec("消防控制室有人值班", area="消防控制室")])
    record = make.submit(plan, {0: {"note": "无人值班", "place": ""}})
    result = record.results.get()
    assert result.place == result.hazard.location == "消防控制室"


def test_a_failed_item_without_a_place_saves_nothing_and_names_the_item(db, media):
    plan = make.plan()
    item = plan.items.get(text="灭火器在有效期内")
    with pytest.raises(ValidationError) as excinfo:
        make.submit(plan, {1: {"note": "压力表在红区", "place": "  "}})
    assert excinfo.value.message_dict == {
        services.result_key(item.pk): ["“灭火器在有效期内”不合格，请填写检查部位"]
    }
    assert not CheckRecord.objects.exists() and not Hazard.objects.exists()


def test_too_long_a_title_or_place_is_refused(db, media):
    plan = make.plan()
    item = plan.items.get(text="安全出口畅通")
    with pytest.raises(ValidationError) as excinfo:
        make.submit(plan, {0: {"note": "堵塞", "title": "堵" * 121, "place": "东" * 121}})
    assert excinfo.value.message_dict == {
        services.result_key(item.pk): [
            "“安全出口畅通”的隐患名称超过 120 字",
            "“安全出口畅通”的检查部位超过 120 字",
        ]
    }


def test_passed_items_keep_no_place(db, media):
    plan = make.plan()
    results = make.answers(plan)
    results[0]["place"] = "东侧出口"
    record = services.check_record_submit(
        by=world.actor("enterprise_manager"), plan_id=plan.pk, results=results
    )
    assert set(record.results.values_list("place", flat=True)) == {""}


# --- keeping findings in a plan ---------------------------------------------------------------


def test_the_checklist_textarea_carries_clause_finding_and_area(db):
    enterprise = world.enterprise("yinhang_chemical")
    clause = make.clause("HG-12")
    specs, errors = parse_items(
        "可燃气体报警器完好｜HG-12｜问题：可燃气体报警器失效\n"
        "消防控制室有人值班｜部位：消防控制室｜问题：消防控制室无人值班\n"
        "货架稳固\n",
        enterprise,
    )
    assert errors == []
    assert specs == [
        services.ItemSpec("可燃气体报警器完好", clause, finding="可燃气体报警器失效"),
        services.ItemSpec("消防控制室有人值班", finding="消防控制室无人值班", area="消防控制室"),
        services.ItemSpec("货架稳固"),
    ]
    again, errors = parse_items(items_text(specs), enterprise)
    assert (again, errors) == (specs, [])


def test_a_part_given_twice_on_one_line_is_an_error(db):
    _specs, errors = parse_items(
        "货架稳固｜问题：货架倾斜｜问题：货架超载", world.enterprise("yinhang_chemical")
    )
    assert errors == ["第 1 行：问题表述只能填写一个"]


def test_updating_a_plan_changes_an_items_finding_and_keeps_the_item(db):
    plan = make.plan(items=[services.ItemSpec("安全出口畅通", finding="安全出口堵塞")])
    item = plan.items.get()
    services.plan_update(
        by=world.actor("enterprise_manager"),
        plan_id=plan.pk,
        name=plan.name,
        frequency=plan.frequency,
        items=[services.ItemSpec("安全出口畅通", finding="安全出口被锁闭", area="一层东侧")],
    )
    item.refresh_from_db()
    assert (item.finding, item.area, item.is_active) == ("安全出口被锁闭", "一层东侧", True)


# --- plans made before findings existed (migration hazards 0008) -----------------------------


def test_the_migration_fills_findings_of_shipped_items_and_places_of_raised_hazards(db, media):
    migration = import_module("anjian.hazards.migrations.0008_check_item_finding_and_place")
    plan = make.plan(items=[LEAK, "呼吸阀完好"])
    record = make.submit(plan, {0: "法兰渗漏"})
    CheckItem.objects.filter(plan=plan).update(finding="", area="")
    CheckResult.objects.filter(record=record).update(place="")
    Hazard.objects.update(location="一号罐区")  # as the plan scope used to be

    migration.fill(django_apps, None)

    items = {item.text: item for item in plan.items.all()}
    assert items[LEAK].finding == LEAK_FINDING
    assert items["呼吸阀完好"].finding == ""  # custom: left as it is
    assert record.results.get(passed=False).place == "一号罐区"
    assert set(record.results.filter(passed=True).values_list("place", flat=True)) == {""}


# --- the demo ledger -----------------------------------------------------------------------


def test_every_demo_failure_names_an_item_of_its_checklist():
    for key, failures in fixtures.DEMO_FAILURES.items():
        texts = {str(item.text) for item in checklists.checklist_get(key).items}
        for text, place, note in failures:
            assert text in texts, (key, text)
            assert place and note


def test_the_demo_checks_raise_hazards_with_the_findings_and_places(db, media):
    manager = world.actor("enterprise_manager")
    made = fixtures.build_demo_checks(user=manager, enterprise=world.enterprise("yinhang_chemical"))
    assert made >= 3
    results = CheckResult.objects.filter(passed=False).select_related("item", "hazard")
    assert results.exists()
    for result in results:
        assert result.hazard.title == result.item.finding
        assert result.hazard.location == result.place
        assert result.place and result.place not in result.record.plan.scope_note
