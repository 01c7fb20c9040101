"""The self-check pages: plans, doing a check on a phone, records; who may see and do what."""

import re

import pytest
from django.urls import reverse

from anjian.hazards.choices import CheckFrequency, Source
from anjian.hazards.models import CheckPlan, CheckRecord, Hazard
from anjian.hazards.selfcheck import checklists, services
from anjian.hazards.tests import selfcheck_factories as make
from anjian.hazards.tests.factories import photo
from testsupport import world

PHONE = {"HTTP_USER_AGENT": "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Mobile/15E148"}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def manager(client_for):
    return client_for(world.actor("enterprise_manager"))


def url(name, *args):
    return reverse(f"selfcheck:{name}", args=args)


def html(response, status=200) -> str:
    assert response.status_code == status, response.content.decode()[-3000:]
    return response.content.decode()


def check_data(plan, answers: dict, **extra) -> dict:
    """POST data of the check page: {item position: ("1"/"0", note)}; a failed item was
    found at ``make.PLACE``."""
    data = {"performed_at": "", "note": ""}
    for position, item in enumerate(plan.items.order_by("sort_order", "id")):
        passed, note = answers.get(position, ("1", ""))
        data[f"item-{item.pk}-passed"] = passed
        data[f"item-{item.pk}-note"] = note
        data[f"item-{item.pk}-place"] = make.PLACE if passed == "0" else ""
    data.update(extra)
    return data


def plan_data(**overrides) -> dict:
    data = {
        "name": "仓库每周检查",
        "frequency": CheckFrequency.WEEKLY,
        "scope_note": "成品仓库",
        "items": "货架稳固\n\n消防通道畅通｜\n可燃气体报警器完好｜HG-12\n",
    }
    data.update(overrides)
    return data


# --- on a phone -------------------------------------------------------------------------------


def test_the_plan_list_on_a_phone_shows_due_today_badges(db, manager):
    make.plan(name="罐区每日检查", frequency=CheckFrequency.DAILY)
    make.plan(name="有限空间专项", frequency=CheckFrequency.SPECIAL)
    page = html(manager.get(url("plan_list"), **PHONE))
    assert 'name="viewport" content="width=device-width' in page
    assert page.count("data-due") == 1
    assert "今日待检" in page
    assert url("check_perform", CheckPlan.objects.get(name="罐区每日检查").pk) in page


def test_the_check_page_on_a_phone_has_a_camera_input_and_a_toggle_per_item(db, manager):
    plan = make.plan()
    page = html(manager.get(url("check_perform", plan.pk), **PHONE))
    inputs = re.findall(r"<input type=\"file\"[^>]*>", page)
    assert len(inputs) == len(make.ITEMS)
    for tag in inputs:
        assert 'capture="environment"' in tag
        assert 'accept="image/*"' in tag
        assert " multiple" in tag
    assert 'enctype="multipart/form-data"' in page
    assert page.count(">合格</label>") + page.count("</i>合格</label>") >= len(make.ITEMS)
    for item in plan.items.all():
        assert f'name="item-{item.pk}-passed"' in page


def test_every_page_renders_for_the_enterprise_on_a_phone(db, manager, media):
    plan = make.plan()
    record = make.submit(plan, {0: "出口堵塞"})
    for target in (
        url("plan_list"),
        url("plan_create"),
        url("plan_create") + "?checklist=crowded_place_daily",
        url("plan_detail", plan.pk),
        url("plan_edit", plan.pk),
        url("check_perform", plan.pk),
        url("record_list"),
        url("record_detail", record.pk),
    ):
        html(manager.get(target, **PHONE))


# --- plans --------------------------------------------------------------------------------


def test_creating_a_plan_links_items_to_clauses_by_code(db, manager):
    response = manager.post(url("plan_create"), plan_data())
    plan = CheckPlan.objects.get(name="仓库每周检查")
    assert response.status_code == 302
    assert response["Location"] == url("plan_detail", plan.pk)
    items = list(plan.items.order_by("sort_order").select_related("clause"))
    assert [item.text for item in items] == ["货架稳固", "消防通道畅通", "可燃气体报警器完好"]
    assert [item.clause and item.clause.code for item in items] == [None, None, "HG-12"]
    assert plan.enterprise == world.enterprise("yinhang_chemical")


def test_an_unknown_clause_code_is_named_with_its_line(db, manager):
    page = html(manager.post(url("plan_create"), plan_data(items="货架稳固\n报警器｜XX-99")), 422)
    assert "第 2 行：未找到判定条款“XX-99”" in page
    assert "货架稳固" in page  # what was typed stays
    assert not CheckPlan.objects.exists()


def test_a_typical_checklist_prefills_the_form(db, manager):
    checklist = checklists.checklist_get("construction_daily")
    page = html(manager.get(url("plan_create"), {"checklist": "construction_daily"}))
    assert str(checklist.name) in page
    for item in checklist.items:
        assert str(item.text) in page
    assert "适合本单位" in page  # the 危化 checklist suits the chemical company


def test_copying_a_plan_prefills_its_checklist(db, manager):
    plan = make.plan()
    page = html(manager.get(url("plan_create"), {"copy": plan.pk}))
    assert "罐区每日检查（新）" in page
    for text in make.ITEMS:
        assert text in page


def test_editing_a_used_item_away_retires_it_and_the_plan_page_shows_the_new_list(
    db, manager, media
):
    plan = make.plan()
    record = make.submit(plan)
    response = manager.post(url("plan_edit", plan.pk), plan_data(items="货架稳固"))
    assert response.status_code == 302
    page = html(manager.get(url("plan_detail", plan.pk)))
    assert "货架稳固" in page and "灭火器在有效期内" not in page
    assert "灭火器在有效期内" in html(manager.get(url("record_detail", record.pk)))


def test_stopping_and_restarting_a_plan(db, manager):
    plan = make.plan()
    assert manager.post(url("plan_deactivate", plan.pk)).status_code == 302
    plan.refresh_from_db()
    assert not plan.is_active
    response = manager.get(url("check_perform", plan.pk))
    assert response.status_code == 302  # back to the plan: nothing to check
    assert url("check_perform", plan.pk) not in html(manager.get(url("plan_detail", plan.pk)))
    assert manager.post(url("plan_activate", plan.pk)).status_code == 302
    plan.refresh_from_db()
    assert plan.is_active


def test_stopping_a_plan_needs_post(db, manager):
    plan = make.plan()
    assert manager.get(url("plan_deactivate", plan.pk)).status_code == 405
    plan.refresh_from_db()
    assert plan.is_active


# --- doing a check ----------------------------------------------------------------------------


def test_submitting_a_check_records_it_and_shows_the_raised_hazards(db, manager, media):
    plan = make.plan()
    data = check_data(plan, {0: ("0", "东侧出口堆放纸箱")}, note="早班检查")
    first = plan.items.order_by("sort_order").first()
    data[f"item-{first.pk}-photos"] = [photo("出口1.jpg"), photo("出口2.jpg", (10, 90, 200))]
    response = manager.post(url("check_perform", plan.pk), data)
    record = CheckRecord.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("record_detail", record.pk)
    hazard = Hazard.objects.get()
    assert hazard.source == Source.SELF_CHECK and hazard.source_object == record
    assert hazard.photos.count() == 2
    page = html(manager.get(response["Location"]))
    assert hazard.get_absolute_url() in page
    assert hazard.number in page
    assert "早班检查" in page and "东侧出口堆放纸箱" in page


def test_a_rejected_check_keeps_the_answers_and_notes_but_asks_for_the_photos_again(
    db, manager, media
):
    plan = make.plan()
    items = list(plan.items.order_by("sort_order"))
    data = check_data(plan, {0: ("0", "东侧出口堆放纸箱"), 1: ("0", "")}, note="早班检查")
    data[f"item-{items[0].pk}-photos"] = [photo("出口.jpg")]
    data[f"item-{items[2].pk}-passed"] = ""
    page = html(manager.post(url("check_perform", plan.pk), data), 422)
    assert "“灭火器在有效期内”不合格，请填写问题说明" in page
    assert "请选择“可燃气体报警器完好”是否合格" in page
    assert "东侧出口堆放纸箱" in page and "早班检查" in page
    assert re.search(rf'name="item-{items[0].pk}-passed"[^>]*value="0"[^>]*checked', page)
    assert re.search(rf'name="item-{items[1].pk}-passed"[^>]*value="0"[^>]*checked', page)
    assert not re.search(rf'name="item-{items[2].pk}-passed"[^>]*checked', page)
    assert "data-photos-dropped" in page and "请重新选择" in page
    assert not CheckRecord.objects.exists() and not Hazard.objects.exists()


def test_a_non_image_on_the_check_page_is_refused_in_chinese(db, manager, media):
    plan = make.plan()
    item = plan.items.order_by("sort_order").first()
    data = check_data(plan, {0: ("0", "出口堵塞"), 2: ("0", "探头故障")})
    data[f"item-{item.pk}-photos"] = [make.not_an_image("出口.jpg")]
    page = html(manager.post(url("check_perform", plan.pk), data), 422)
    assert "“安全出口畅通”：“出口.jpg”不是可识别的图片" in page
    assert not CheckRecord.objects.exists() and not Hazard.objects.exists()


def test_a_20_mb_photo_on_the_check_page_is_refused_in_chinese(db, manager, media):
    plan = make.plan()
    item = plan.items.order_by("sort_order").first()
    data = check_data(plan, {0: ("0", "出口堵塞")})
    data[f"item-{item.pk}-photos"] = [make.huge("出口.jpg")]
    page = html(manager.post(url("check_perform", plan.pk), data), 422)
    assert "“出口.jpg”超过" in page and "请压缩后再上传" in page
    assert not CheckRecord.objects.exists() and not Hazard.objects.exists()


def test_the_check_page_offers_the_finding_as_title_and_the_area_as_place(db, manager, media):
    plan = make.plan(
        items=[
            services.ItemSpec(
                "消防控制室有人值班", finding="消防控制室无人值班", area="消防控制室"
            ),
            "货架稳固",
        ]
    )
    on_duty, shelves = plan.items.order_by("sort_order")
    page = html(manager.get(url("check_perform", plan.pk)))
    assert re.search(rf'name="item-{on_duty.pk}-title"[^>]*value="消防控制室无人值班"', page)
    assert re.search(rf'name="item-{on_duty.pk}-place"[^>]*value="消防控制室"', page)
    assert re.search(rf'name="item-{shelves.pk}-title"[^>]*value="未做到：货架稳固"', page)
    assert re.search(rf'name="item-{shelves.pk}-place"[^>]*value=""', page)
    assert re.search(r"hazards/js/selfcheck(\.\w+)?\.js", page)  # hashed when collected


def test_a_failed_item_is_raised_with_the_title_and_place_the_checker_wrote(db, manager, media):
    plan = make.plan(items=[services.ItemSpec("安全出口畅通", finding="安全出口堵塞")])
    item = plan.items.get()
    data = check_data(plan, {0: ("0", "出口外堆放纸箱")})
    data[f"item-{item.pk}-title"] = "一层东侧安全出口被纸箱堵塞"
    data[f"item-{item.pk}-place"] = "一层东侧安全出口"
    response = manager.post(url("check_perform", plan.pk), data)
    assert response.status_code == 302
    hazard = Hazard.objects.get()
    assert (hazard.title, hazard.location) == ("一层东侧安全出口被纸箱堵塞", "一层东侧安全出口")
    page = html(manager.get(response["Location"]))
    assert "检查部位：一层东侧安全出口" in page and hazard.title in page


def test_a_failed_item_without_a_place_is_sent_back_with_what_was_typed(db, manager, media):
    plan = make.plan()
    item = plan.items.order_by("sort_order").first()
    data = check_data(plan, {0: ("0", "出口堵塞")})
    data[f"item-{item.pk}-place"] = ""
    data[f"item-{item.pk}-title"] = "东侧出口堵塞"
    page = html(manager.post(url("check_perform", plan.pk), data), 422)
    assert "“安全出口畅通”不合格，请填写检查部位" in page
    assert re.search(rf'name="item-{item.pk}-title"[^>]*value="东侧出口堵塞"', page)
    assert not CheckRecord.objects.exists() and not Hazard.objects.exists()


def test_the_plan_page_shows_each_items_finding(db, manager):
    plan = make.plan(items=[services.ItemSpec("安全出口畅通", finding="安全出口堵塞")])
    assert "不合格时记为：安全出口堵塞" in html(manager.get(url("plan_detail", plan.pk)))


def test_a_typical_checklist_prefills_the_findings_and_keeps_them_when_saved(db, manager):
    page = html(manager.get(url("plan_create"), {"checklist": "hazchem_daily"}))
    assert "装置区、罐区、管线无跑冒滴漏｜问题：装置区、罐区、管线存在跑冒滴漏" in page
    lines = "装置区、罐区、管线无跑冒滴漏｜问题：装置区、罐区、管线存在跑冒滴漏"
    assert manager.post(url("plan_create"), plan_data(items=lines)).status_code == 302
    item = CheckPlan.objects.get(name="仓库每周检查").items.get()
    assert item.finding == "装置区、罐区、管线存在跑冒滴漏"


def test_the_check_page_shows_hazards_still_open_from_an_earlier_check(db, manager, media):
    plan = make.plan()
    record = make.submit(plan, {0: "出口堵塞"})
    hazard = record.results.get(passed=False).hazard
    page = html(manager.get(url("check_perform", plan.pk)))
    assert "此前检查发现的隐患尚未销号" in page and hazard.number in page


# --- government readers -----------------------------------------------------------------------


def test_government_users_in_scope_read_plans_and_records_but_cannot_change_them(
    db, client_for, media
):
    plan = make.plan()
    record = make.submit(plan, {0: "出口堵塞"})
    official = client_for(world.actor("district_official"))
    listing = html(official.get(url("plan_list")))
    assert plan.name in listing and plan.enterprise.name in listing
    assert url("check_perform", plan.pk) not in listing
    detail = html(official.get(url("plan_detail", plan.pk)))
    assert url("plan_edit", plan.pk) not in detail
    records = html(official.get(url("record_list"), {"enterprise": plan.enterprise_id}))
    assert url("record_detail", record.pk) in records
    assert record.results.get(passed=False).hazard.number in html(
        official.get(url("record_detail", record.pk))
    )
    for forbidden in (
        official.get(url("plan_create")),
        official.get(url("plan_edit", plan.pk)),
        official.get(url("check_perform", plan.pk)),
        official.post(url("check_perform", plan.pk), check_data(plan, {})),
        official.post(url("plan_deactivate", plan.pk)),
    ):
        assert forbidden.status_code == 403
    assert CheckRecord.objects.count() == 1


@pytest.mark.parametrize("outsider", ["neighbour_official", "another_enterprise"])
def test_outsiders_get_404_on_the_plan_and_record_pages(db, client_for, media, outsider):
    plan = make.plan()
    record = make.submit(plan, {0: "出口堵塞"})
    user = make.enterprise_user() if outsider == "another_enterprise" else world.actor(outsider)
    client = client_for(user)
    pages = [
        client.get(url("plan_detail", plan.pk)),
        client.get(url("record_detail", record.pk)),
        client.get(url("record_list"), {"plan": plan.pk}),
        client.get(url("plan_list"), {"enterprise": plan.enterprise_id}),
    ]
    if outsider == "another_enterprise":
        pages += [
            client.get(url("plan_edit", plan.pk)),
            client.post(url("plan_edit", plan.pk), plan_data()),
            client.get(url("check_perform", plan.pk)),
            client.post(url("check_perform", plan.pk), check_data(plan, {})),
            client.post(url("plan_deactivate", plan.pk)),
            client.get(url("plan_create"), {"copy": plan.pk}),
        ]
    assert [response.status_code for response in pages] == [404] * len(pages)
    assert CheckRecord.objects.count() == 1
    plan.refresh_from_db()
    assert plan.is_active and plan.name == "罐区每日检查"
    listing = html(client.get(url("plan_list")))
    assert plan.name not in listing


def test_the_menu_has_one_self_check_entry_for_enterprises_and_officials(db, client_for):
    for actor in ("enterprise_manager", "district_official", "leader"):
        page = html(client_for(world.actor(actor)).get(reverse("web:home")))
        assert page.count(f'href="{url("plan_list")}"') == 1, actor
    page = html(client_for(world.actor("expert")).get(reverse("web:home")))
    assert url("plan_list") not in page


def test_the_enterprise_home_lists_the_checks_due_now(client_for, enterprise_manager):
    from django.urls import reverse

    from anjian.hazards.selfcheck import services as selfcheck_services
    from testsupport import world

    plan = selfcheck_services.plan_create(
        by=enterprise_manager,
        enterprise=world.enterprise("yinhang_chemical"),
        name="罐区每日巡检（首页）",
        frequency="daily",
        items=["呼吸阀完好"],
    )
    page = client_for(enterprise_manager).get(reverse("web:home")).content.decode()
    assert "罐区每日巡检（首页）" in page
    assert reverse("selfcheck:check_perform", args=[plan.pk]) in page
