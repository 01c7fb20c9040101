"""Self-check writes: plans and their checklists, and submitting a check (all or nothing)."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from anjian.core.exceptions import NotPermitted, OutOfScope, ValidationError
from anjian.hazards.choices import CheckFrequency, Grade, PhotoStage, Source, State
from anjian.hazards.models import (
    CheckPlan,
    CheckRecord,
    CheckResult,
    Hazard,
    HazardPhoto,
    StandardClause,
)
from anjian.hazards.selfcheck import checklists, services
from anjian.hazards.tests import selfcheck_factories as make
from anjian.hazards.tests.factories import photo
from testsupport import world


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def item_texts(plan) -> list[str]:
    """The checklist as a new check sees it (retired items left out)."""
    return list(plan.items.active().order_by("sort_order", "id").values_list("text", flat=True))


def error_of(excinfo) -> dict:
    return excinfo.value.message_dict


def nothing_saved():
    assert CheckRecord.objects.count() == 0
    assert CheckResult.objects.count() == 0
    assert Hazard.objects.count() == 0
    assert HazardPhoto.objects.count() == 0


# --- plans ------------------------------------------------------------------------------------


def test_a_plan_is_created_active_with_its_items_in_the_order_given(db):
    plan = make.plan()
    assert plan.is_active
    assert plan.enterprise == world.enterprise("yinhang_chemical")
    assert plan.created_by == world.actor("enterprise_manager")
    assert item_texts(plan) == list(make.ITEMS)


def test_a_plan_needs_a_name_a_frequency_and_at_least_one_item(db):
    with pytest.raises(ValidationError) as excinfo:
        services.plan_create(
            by=world.actor("enterprise_manager"),
            enterprise=world.enterprise("yinhang_chemical"),
            name=" ",
            frequency="hourly",
            items=[],
        )
    errors = error_of(excinfo)
    assert errors["name"] == ["请填写检查计划名称"]
    assert errors["frequency"] == ["请选择检查频次"]
    assert errors["items"] == ["请至少填写一项检查内容"]
    assert not CheckPlan.objects.exists()


def test_the_same_item_twice_in_one_checklist_is_refused(db):
    with pytest.raises(ValidationError) as excinfo:
        make.plan(items=["安全出口畅通", "安全出口畅通"])
    assert error_of(excinfo)["items"] == ["检查内容重复：“安全出口畅通”"]


def test_government_users_cannot_keep_an_enterprises_plans(db):
    with pytest.raises(NotPermitted):
        make.plan(by=world.actor("district_official"))


def test_an_enterprise_user_cannot_create_a_plan_for_another_enterprise(db):
    with pytest.raises(OutOfScope):
        make.plan(enterprise=world.enterprise("yinhang_site"))
    assert not CheckPlan.objects.exists()


def test_updating_the_checklist_reorders_adds_and_drops_unused_items(db):
    plan = make.plan()
    kept = plan.items.get(text="灭火器在有效期内")
    clause = make.clause()
    services.plan_update(
        by=world.actor("enterprise_manager"),
        plan_id=plan.pk,
        name="罐区日检",
        frequency=CheckFrequency.WEEKLY,
        scope_note="二号罐区",
        items=[
            services.ItemSpec("灭火器在有效期内", clause),
            services.ItemSpec("静电接地完好"),
            services.ItemSpec("安全出口畅通"),
        ],
    )
    plan.refresh_from_db()
    assert (plan.name, plan.frequency, plan.scope_note) == ("罐区日检", "weekly", "二号罐区")
    assert item_texts(plan) == ["灭火器在有效期内", "静电接地完好", "安全出口畅通"]
    kept.refresh_from_db()
    assert kept.clause == clause  # the same item, now linked to a clause


def test_an_item_that_was_checked_is_retired_not_deleted_and_its_records_keep_it(db, media):
    from anjian.hazards.models import CheckItem

    plan = make.plan()
    record = make.submit(plan, failed={0: "安全出口堆放杂物"})
    used = {item.text: item.pk for item in plan.items.all()}
    services.plan_update(
        by=world.actor("enterprise_manager"),
        plan_id=plan.pk,
        name=plan.name,
        frequency=plan.frequency,
        items=[{"text": "安全出口畅通"}, {"text": "灭火器在有效期内（每月检查压力）"}],
    )

    assert item_texts(plan) == ["安全出口畅通", "灭火器在有效期内（每月检查压力）"]
    retired = CheckItem.objects.get(pk=used["灭火器在有效期内"])
    assert not retired.is_active and retired.retired_at is not None
    # The record still says what was checked, item by item, the hazard still linked.
    assert sorted(r.item.text for r in record.results.all()) == sorted(make.ITEMS)
    assert record.results.exclude(hazard=None).count() == 1
    # A new check sees only the current checklist; an answer for a retired item is refused.
    results = make.answers(plan)
    assert [r["item_id"] for r in results] == list(
        plan.items.active().order_by("sort_order").values_list("pk", flat=True)
    )
    with pytest.raises(ValidationError) as excinfo:
        services.check_record_submit(
            by=world.actor("enterprise_manager"),
            plan_id=plan.pk,
            results=[*results, {"item_id": retired.pk, "passed": True, "note": ""}],
        )
    assert "检查项不属于本计划" in str(excinfo.value)


def test_a_retired_item_whose_text_returns_is_in_use_again(db, media):
    plan = make.plan()
    make.submit(plan)
    first = plan.items.get(text="灭火器在有效期内")
    manager = world.actor("enterprise_manager")
    fields = {"name": plan.name, "frequency": plan.frequency}
    services.plan_update(by=manager, plan_id=plan.pk, items=[{"text": "安全出口畅通"}], **fields)
    services.plan_update(
        by=manager,
        plan_id=plan.pk,
        items=[{"text": "灭火器在有效期内"}, {"text": "安全出口畅通"}],
        **fields,
    )

    first.refresh_from_db()
    assert first.is_active and first.retired_at is None
    assert item_texts(plan) == ["灭火器在有效期内", "安全出口畅通"]


def test_a_deactivated_plan_keeps_its_records_and_cannot_be_checked_again(db, media):
    plan = make.plan()
    record = make.submit(plan)
    manager = world.actor("enterprise_manager")
    services.plan_deactivate(by=manager, plan_id=plan.pk)
    services.plan_deactivate(by=manager, plan_id=plan.pk)  # idempotent
    plan.refresh_from_db()
    assert not plan.is_active
    assert list(plan.records.all()) == [record]
    with pytest.raises(ValidationError) as excinfo:
        make.submit(plan, performed_at=timezone.now() - timedelta(minutes=5))
    assert error_of(excinfo)["plan"] == ["该检查计划已停用，不能再录入检查结果"]
    services.plan_activate(by=manager, plan_id=plan.pk)
    plan.refresh_from_db()
    assert plan.is_active


def test_another_enterprises_plan_is_not_found_for_writes(db):
    plan = make.plan()
    with pytest.raises(CheckPlan.DoesNotExist):
        services.plan_deactivate(by=make.enterprise_user(), plan_id=plan.pk)


def test_a_plan_from_a_typical_checklist_links_the_clauses_the_library_holds(db):
    for code in ("HG-12", "HG-05"):
        make.clause(code)
    StandardClause.objects.filter(code="HG-05").update(is_active=False)  # not held (any more)
    plan = services.plan_create_from_checklist(
        by=world.actor("enterprise_manager"),
        enterprise=world.enterprise("yinhang_chemical"),
        key="hazchem_daily",
    )
    checklist = checklists.checklist_get("hazchem_daily")
    assert plan.name == str(checklist.name)
    assert plan.frequency == CheckFrequency.DAILY
    assert item_texts(plan) == [str(item.text) for item in checklist.items]
    linked = {item.text: item.clause for item in plan.items.select_related("clause")}
    for item in checklist.items:
        clause = linked[str(item.text)]
        if item.clause_code in ("", "HG-05"):
            assert clause is None, item.text
        elif item.clause_code == "HG-12":
            assert clause == make.clause("HG-12"), item.text
        elif clause is not None:
            assert clause.code == item.clause_code, item.text


def test_there_is_a_typical_checklist_for_each_kind_of_enterprise():
    names = {str(checklist.name) for checklist in checklists.CHECKLISTS}
    for word in ("危险化学品", "粉尘", "有限空间", "人员密集场所", "建筑施工"):
        assert any(word in name for name in names), word
    for checklist in checklists.CHECKLISTS:
        texts = [str(item.text) for item in checklist.items]
        assert len(texts) == len(set(texts)) >= 5, checklist.key


def test_typical_checklists_suit_the_enterprise_by_industry_or_key_object_flag(db):
    chemical = world.enterprise("yinhang_chemical")
    site = world.enterprise("yinhang_site")
    assert checklists.checklist_get("hazchem_daily").suits(chemical)
    assert not checklists.checklist_get("hazchem_daily").suits(site)
    assert checklists.checklist_get("construction_daily").suits(site)
    site.confined_space = True
    assert checklists.checklist_get("confined_space").suits(site)
    assert checklists.checklists_for(site)[0][1] is True


# --- submitting a check -------------------------------------------------------------------------


def test_a_check_with_every_item_passed_raises_no_hazard(db, media):
    plan = make.plan()
    record = make.submit(plan, note="交接班检查")
    assert record.plan == plan and record.enterprise == plan.enterprise
    assert record.performed_by == world.actor("enterprise_manager")
    assert record.note == "交接班检查"
    assert record.results.count() == len(make.ITEMS)
    assert all(result.passed and result.hazard is None for result in record.results.all())
    assert not Hazard.objects.exists()


def test_each_failed_item_raises_one_self_check_hazard_linked_to_the_record(db, media):
    plan = make.plan()
    performed_at = timezone.now() - timedelta(hours=1)
    record = make.submit(
        plan,
        {
            0: {"note": "东侧安全出口堆放纸箱", "photos": [photo("出口.jpg")]},
            2: "3号探头无显示",
        },
        performed_at=performed_at,
    )
    failed = list(record.results.filter(passed=False).select_related("item", "hazard"))
    assert [result.item.text for result in failed] == ["安全出口畅通", "可燃气体报警器完好"]
    hazards = Hazard.objects.order_by("pk")
    assert hazards.count() == 2
    for result in failed:
        hazard = result.hazard
        assert hazard.source == Source.SELF_CHECK
        assert hazard.source_object == record
        assert hazard.enterprise == plan.enterprise
        assert hazard.state == State.REPORTED
        assert hazard.title == f"未做到：{result.item.text}"  # custom items: no finding
        assert hazard.description == result.note
        assert hazard.location == result.place == make.PLACE
        assert hazard.found_at == performed_at
        assert hazard.reported_by == world.actor("enterprise_manager")
        assert hazard.grade == Grade.NONE
    exit_hazard = failed[0].hazard
    stored = exit_hazard.photos.get()
    assert stored.stage == PhotoStage.FOUND
    assert Path(stored.image.path).is_file()
    assert failed[1].hazard.photos.count() == 0
    assert record.results.get(item__text="灭火器在有效期内").hazard is None


def test_a_failed_item_naming_a_clause_raises_a_major_hazard(db, media):
    clause = make.clause("HG-12")
    plan = make.plan(items=[services.ItemSpec("可燃气体报警器完好", clause), "安全出口畅通"])
    record = make.submit(plan, {0: "报警器断电"})
    hazard = record.results.get(passed=False).hazard
    assert hazard.grade == Grade.MAJOR
    assert list(hazard.clauses.all()) == [clause]


def test_a_failed_item_without_a_note_saves_nothing_and_names_the_item(db, media):
    plan = make.plan()
    item = plan.items.get(text="灭火器在有效期内")
    with pytest.raises(ValidationError) as excinfo:
        make.submit(plan, {0: "出口堵塞", 1: {"note": "  ", "photos": [photo()]}})
    assert error_of(excinfo) == {
        services.result_key(item.pk): ["“灭火器在有效期内”不合格，请填写问题说明"]
    }
    nothing_saved()


def test_a_non_image_upload_saves_nothing(db, media):
    plan = make.plan()
    item = plan.items.get(text="可燃气体报警器完好")
    with pytest.raises(ValidationError) as excinfo:
        make.submit(
            plan,
            {
                0: {"note": "出口堵塞", "photos": [photo("出口.jpg")]},
                2: {"note": "探头故障", "photos": [make.not_an_image("探头.jpg")]},
            },
        )
    assert error_of(excinfo) == {
        services.result_key(item.pk): [
            "“可燃气体报警器完好”：“探头.jpg”不是可识别的图片，请上传 JPG 或 PNG 照片"
        ]
    }
    nothing_saved()
    assert not any(media.rglob("*.jpg"))


def test_a_20_mb_upload_saves_nothing(db, media, settings):
    plan = make.plan()
    item = plan.items.get(text="安全出口畅通")
    with pytest.raises(ValidationError) as excinfo:
        make.submit(plan, {0: {"note": "出口堵塞", "photos": [make.huge("出口.jpg")]}, 2: "故障"})
    limit = settings.PHOTO_MAX_BYTES // (1024 * 1024)
    assert error_of(excinfo) == {
        services.result_key(item.pk): [f"“安全出口畅通”：“出口.jpg”超过 {limit} MB，请压缩后再上传"]
    }
    nothing_saved()


def test_every_item_needs_an_answer(db):
    plan = make.plan()
    results = make.answers(plan)
    results[1]["passed"] = None
    del results[2]
    with pytest.raises(ValidationError) as excinfo:
        services.check_record_submit(
            by=world.actor("enterprise_manager"), plan_id=plan.pk, results=results
        )
    messages = [message for listed in error_of(excinfo).values() for message in listed]
    assert sorted(messages) == sorted(
        ["请选择“灭火器在有效期内”是否合格", "请选择“可燃气体报警器完好”是否合格"]
    )
    nothing_saved()


def test_results_for_an_item_of_another_plan_are_refused(db):
    plan = make.plan()
    other = make.plan(name="仓库每周检查", items=["货架稳固"])
    results = make.answers(plan) + make.answers(other)
    with pytest.raises(ValidationError) as excinfo:
        services.check_record_submit(
            by=world.actor("enterprise_manager"), plan_id=plan.pk, results=results
        )
    assert error_of(excinfo) == {"results": ["检查项不属于本计划"]}


def test_a_check_time_in_the_future_is_refused(db):
    plan = make.plan()
    with pytest.raises(ValidationError) as excinfo:
        make.submit(plan, performed_at=timezone.now() + timedelta(hours=2))
    assert error_of(excinfo) == {"performed_at": ["检查时间不能晚于当前时间"]}


def test_submitting_the_same_check_twice_records_it_once(db, media):
    plan = make.plan()
    moment = timezone.now().replace(second=0, microsecond=0)
    first = make.submit(plan, {0: "出口堵塞"}, performed_at=moment)
    again = make.submit(plan, {0: "出口堵塞"}, performed_at=moment)
    assert again == first
    assert CheckRecord.objects.count() == 1
    assert Hazard.objects.count() == 1


def test_government_users_and_other_enterprises_cannot_submit_checks(db):
    plan = make.plan()
    with pytest.raises(NotPermitted):
        make.submit(plan, by=world.actor("district_official"))
    with pytest.raises(CheckPlan.DoesNotExist):
        make.submit(plan, by=make.enterprise_user())
    nothing_saved()
