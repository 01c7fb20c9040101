"""The warning pages as a browser uses them: compose, edit, detail, the actions."""

import json

import pytest
from django.urls import reverse

from anjian.cap.choices import State
from anjian.cap.models import CapAlert
from anjian.cap.tests.factories import alert_in, draft, form_data
from testsupport import world


def page(response) -> str:
    return response.content.decode()


# --- compose ---------------------------------------------------------------------------------


def test_the_compose_form_offers_the_officials_district_and_agency(client_for, district_official):
    response = client_for(district_official).get(reverse("cap:alert_create"))
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields["region"].queryset.values_list("code", flat=True)) == [world.YANGPU]
    assert form["sender_name"].value() == "杨浦区应急管理局"
    assert "特别重大→特别严重（Extreme）" in page(response)


def test_a_draft_is_composed_and_shown_with_its_xml_preview(client_for, district_official):
    client = client_for(district_official)
    response = client.post(reverse("cap:alert_create"), form_data())
    assert response.status_code == 302
    alert = CapAlert.objects.get(headline="表单起草的高温预警")
    assert alert.state == State.DRAFT and alert.effective is None
    assert response["Location"] == alert.get_absolute_url()

    detail = page(client.get(alert.get_absolute_url()))
    assert "CAP 1.2 报文预览" in detail and "符合 OASIS CAP 1.2 架构" in detail
    assert "anjian-310110-preview-" in detail
    assert 'id="action-submit"' in detail and 'id="action-approve"' not in detail


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"polygon": "31.30,121.50 31.30,121.56 31.30,121.50"}, "至少需要 4 个坐标点"),
        ({"polygon": "31.30,121.50 31.30,121.56 31.25,121.56 31.25,121.50"}, "须闭合"),
        ({"polygon": "31.30,121.50 99,121.56 31.25,121.56 31.30,121.50"}, "纬度 99 超出范围"),
        ({"polygon": "31.30,121.50 31.30,181 31.25,121.56 31.30,121.50"}, "经度 181 超出范围"),
        ({"polygon": "", "circle": "31.27,121.52 0"}, "半径须大于 0"),
        ({"polygon": "", "circle": ""}, "请选择影响区划（区或街道），或在高级选项中"),
        (
            {"effective": "2026-12-10T09:00", "expires": "2026-12-09T09:00"},
            "失效时间须晚于生效时间",
        ),
        ({"expires": "明天"}, "有效的日期"),
        ({"region": world.HONGKOU}, "只能发布您管辖范围内的预警"),
        ({"urgency": "Soon"}, "选择一个有效的选项"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_is_written(
    overrides, expected, client_for, district_official
):
    before = CapAlert.objects.count()
    response = client_for(district_official).post(
        reverse("cap:alert_create"), form_data(**overrides)
    )
    assert response.status_code == 422
    assert expected in page(response)
    assert CapAlert.objects.count() == before


def test_roles_without_compose_get_403(client_for, leader, street_officer):
    for user in (leader, street_officer):
        client = client_for(user)
        assert client.get(reverse("cap:alert_create")).status_code == 403
        assert client.post(reverse("cap:alert_create"), form_data()).status_code == 403


def test_an_enterprise_manager_sees_no_warning_pages(client_for, enterprise_manager):
    alert = alert_in("published")
    client = client_for(enterprise_manager)
    for url in (reverse("cap:alert_list"), alert.get_absolute_url()):
        assert client.get(url).status_code == 403


# --- edit ------------------------------------------------------------------------------------


def test_a_draft_is_edited(client_for, district_official):
    alert = draft(by=district_official)
    client = client_for(district_official)
    response = client.post(
        reverse("cap:alert_edit", args=[alert.pk]),
        form_data(headline="改过的标题", version=alert.version),
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.headline == "改过的标题" and alert.version == 2


def test_a_stale_edit_shows_the_conflict(client_for, district_official):
    alert = draft(by=district_official)
    client = client_for(district_official)
    url = reverse("cap:alert_edit", args=[alert.pk])
    client.post(url, form_data(headline="先保存的", version=1))
    response = client.post(url, form_data(headline="过期页面", version=1))
    assert response.status_code == 409
    assert "该记录已被他人修改" in page(response)
    assert CapAlert.objects.get(pk=alert.pk).headline == "先保存的"


def test_a_published_warning_is_not_edited(client_for, district_official):
    alert = alert_in("published")
    response = client_for(district_official).get(reverse("cap:alert_edit", args=[alert.pk]))
    assert response.status_code == 409
    assert "只有草稿可以修改" in page(response)


# --- detail and actions -----------------------------------------------------------------------


def test_the_detail_of_a_published_warning_shows_its_xml_and_map(client_for, leader):
    alert = alert_in("published")
    response = client_for(leader).get(alert.get_absolute_url())
    assert response.status_code == 200
    text = page(response)
    assert "CAP 1.2 报文（已发布，不可修改）" in text
    assert alert.identifier in text
    assert reverse("cap:alert_xml", args=[alert.identifier]) in text
    assert 'id="area-map"' in text and "cap/js/area-map" in text
    context = response.context["map_context"]
    assert context["polygons"][0][0] == [31.3, 121.5] and context["districts"]
    assert 'id="action-cancel"' in text and 'id="action-update"' not in text  # no compose


def test_a_composer_is_offered_the_update_of_a_published_warning(client_for, district_official):
    alert = alert_in("published")
    text = page(client_for(district_official).get(alert.get_absolute_url()))
    assert 'id="action-update"' in text and 'id="action-cancel"' in text


def test_a_circle_is_drawn_as_a_circle(client_for, leader):
    alert = alert_in("published", polygon="", circle="31.2704,121.5228 2.5")
    context = client_for(leader).get(alert.get_absolute_url()).context["map_context"]
    assert context["polygons"] == []
    assert context["circle"] == {"lat": 31.2704, "lon": 121.5228, "radius_km": 2.5}


def test_the_page_tells_an_author_someone_else_must_approve(client_for, district_official):
    alert = alert_in("pending", by=district_official)
    text = page(client_for(district_official).get(alert.get_absolute_url()))
    assert "须由其他有审核权限的人员审核发布" in text
    assert 'id="action-approve"' not in text and 'id="action-return"' in text


def test_submit_then_approve_by_another_person(client_for, district_official, leader):
    alert = draft(by=district_official)
    response = client_for(district_official).post(
        reverse("cap:alert_submit", args=[alert.pk]), {"version": alert.version}
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.state == State.PENDING

    response = client_for(leader).post(
        reverse("cap:alert_approve", args=[alert.pk]), {"version": alert.version, "confirm": "1"}
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.state == State.PUBLISHED and alert.approved_by == leader


def test_approving_ones_own_draft_is_403_and_changes_nothing(client_for, district_official):
    alert = alert_in("pending", by=district_official)
    response = client_for(district_official).post(
        reverse("cap:alert_approve", args=[alert.pk]), {"version": alert.version, "confirm": "1"}
    )
    assert response.status_code == 403
    assert CapAlert.objects.get(pk=alert.pk).state == State.PENDING


def test_a_stale_action_is_a_conflict_on_the_page(client_for, leader):
    alert = alert_in("pending")
    response = client_for(leader).post(
        reverse("cap:alert_approve", args=[alert.pk]),
        {"version": alert.version - 1, "confirm": "1"},
    )
    assert response.status_code == 409
    assert "data-conflict" in page(response)
    assert CapAlert.objects.get(pk=alert.pk).state == State.PENDING


def test_an_empty_action_post_is_answered_with_the_form(client_for, leader):
    alert = alert_in("published")
    response = client_for(leader).post(reverse("cap:alert_cancel", args=[alert.pk]), {})
    assert response.status_code == 422
    assert "这个字段是必填项" in page(response) or "必填" in page(response)
    assert CapAlert.objects.get(pk=alert.pk).state == State.PUBLISHED


def test_update_opens_a_draft_that_supersedes_once_approved(client_for, district_official, leader):
    original = alert_in("published")
    response = client_for(district_official).post(
        reverse("cap:alert_update", args=[original.pk]), {"version": original.version}
    )
    update = CapAlert.objects.get(replaces=original)
    assert response.status_code == 302
    assert response["Location"] == reverse("cap:alert_edit", args=[update.pk])
    edit = client_for(district_official).get(response["Location"])
    assert edit.context["form"].fields["region"].disabled

    client_for(district_official).post(
        reverse("cap:alert_submit", args=[update.pk]), {"version": update.version}
    )
    update.refresh_from_db()
    client_for(leader).post(
        reverse("cap:alert_approve", args=[update.pk]), {"version": update.version, "confirm": "1"}
    )
    original.refresh_from_db()
    update.refresh_from_db()
    assert (original.state, update.state) == (State.SUPERSEDED, State.PUBLISHED)
    text = page(client_for(leader).get(original.get_absolute_url()))
    assert "替代它的更新报文" in text and update.identifier in text


def test_cancel_on_the_page(client_for, leader):
    original = alert_in("published")
    response = client_for(leader).post(
        reverse("cap:alert_cancel", args=[original.pk]),
        {"version": original.version, "reason": "风险解除"},
    )
    cancel = CapAlert.objects.get(replaces=original, msg_type="Cancel")
    assert response.status_code == 302 and response["Location"] == cancel.get_absolute_url()
    original.refresh_from_db()
    assert original.state == State.CANCELLED


def test_the_list_filters_by_state(client_for, district_official):
    published = alert_in("published", headline="列表里的已发布预警")
    pending = alert_in("pending", headline="列表里的待审核预警")
    client = client_for(district_official)
    text = page(client.get(reverse("cap:alert_list"), {"state": "pending"}))
    assert pending.headline in text and published.headline not in text
    everything = page(client.get(reverse("cap:alert_list"), {"state": "nonsense"}))
    assert pending.headline in everything and published.headline in everything


def test_the_map_context_is_json_for_the_script(client_for, leader):
    alert = alert_in("published")
    text = page(client_for(leader).get(alert.get_absolute_url()))
    start = text.index('id="area-map-context"')
    body = text[text.index(">", start) + 1 : text.index("</script>", start)]
    assert json.loads(body)["polygons"][0][-1] == [31.3, 121.5]
