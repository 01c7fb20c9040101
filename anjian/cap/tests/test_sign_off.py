"""Signing a warning off (签发): the actions before the XML on a phone, the opinion (签发意见)
— required to return, optional to approve — and a confirmation before publishing, without
inline script."""

import re

import pytest
from django.urls import reverse

from anjian.cap import services
from anjian.cap.choices import State
from anjian.cap.lifecycle import ALERT
from anjian.cap.models import CapAlert
from anjian.cap.tests.factories import alert_in
from anjian.core.exceptions import ValidationError


def page(response) -> str:
    return response.content.decode()


def approve(client, alert, **data):
    return client.post(
        reverse("cap:alert_approve", args=[alert.pk]), {"version": alert.version, **data}
    )


def give_back(client, alert, **data):
    return client.post(
        reverse("cap:alert_return", args=[alert.pk]), {"version": alert.version, **data}
    )


# --- the page ---------------------------------------------------------------------------------


def test_the_approve_button_comes_before_the_folded_xml(client_for, leader):
    alert = alert_in("pending")
    text = page(client_for(leader).get(alert.get_absolute_url()))
    assert text.index('id="action-approve"') < text.index('id="cap-xml"')
    assert text.index('id="action-return"') < text.index('id="cap-xml"')
    assert text.index('id="action-approve"') < text.index("预警内容")
    xml_block = re.search(r'<details class="[^"]*" id="cap-xml"[^>]*>', text).group(0)
    assert " open" not in xml_block


def test_the_page_runs_no_inline_script(client_for, leader):
    alert = alert_in("pending")
    text = page(client_for(leader).get(alert.get_absolute_url()))
    for tag in re.findall(r"<script\b[^>]*>", text):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert not re.search(r"\son[a-z]+=", text)  # onclick=, onsubmit= …


def test_the_sign_off_panel_has_one_opinion_for_both_decisions(client_for, leader):
    alert = alert_in("pending")
    text = page(client_for(leader).get(alert.get_absolute_url()))
    panel = text[text.index('id="action-sign-off"') : text.index("</form>", text.index("签发意见"))]
    assert panel.count('name="reason"') == 1
    assert 'name="confirm" value="1"' in panel and "确认发布" in panel
    assert f'formaction="{reverse("cap:alert_return", args=[alert.pk])}"' in panel


# --- approving --------------------------------------------------------------------------------


def test_approving_without_the_confirmation_publishes_nothing(client_for, leader):
    alert = alert_in("pending")
    response = approve(client_for(leader), alert, reason="同意发布")
    assert response.status_code == 422
    text = page(response)
    assert "请核对预警内容后点击“确认发布”" in text
    assert re.search(r'id="action-approve" open', text)
    assert "同意发布" in text  # the opinion typed is kept
    assert CapAlert.objects.get(pk=alert.pk).state == State.PENDING


def test_approving_with_an_opinion_publishes_and_records_it(client_for, leader):
    alert = alert_in("pending")
    response = approve(client_for(leader), alert, reason="同意发布，注意夜间值守", confirm="1")
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.state == State.PUBLISHED
    assert alert.transitions.get(action="approve").reason == "同意发布，注意夜间值守"
    timeline = page(client_for(leader).get(alert.get_absolute_url()))
    assert "签发意见：同意发布，注意夜间值守" in timeline


def test_the_opinion_is_optional_when_approving(client_for, leader):
    alert = alert_in("pending")
    assert approve(client_for(leader), alert, confirm="1").status_code == 302
    alert.refresh_from_db()
    assert alert.state == State.PUBLISHED
    assert alert.transitions.get(action="approve").reason == ""


# --- returning ----------------------------------------------------------------------------------


def test_returning_needs_an_opinion(client_for, leader):
    alert = alert_in("pending")
    response = give_back(client_for(leader), alert, reason="  ")
    assert response.status_code == 422
    assert "退回修改须填写签发意见" in page(response)
    assert CapAlert.objects.get(pk=alert.pk).state == State.PENDING


def test_returning_with_an_opinion_sends_it_back_to_draft(client_for, leader):
    alert = alert_in("pending")
    response = give_back(client_for(leader), alert, reason="影响区域写错了")
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.state == State.DRAFT
    assert alert.transitions.get(action="return").reason == "影响区域写错了"


def test_the_service_refuses_a_return_without_an_opinion(leader):
    alert = alert_in("pending")
    with pytest.raises(ValidationError) as caught:
        services.alert_return(
            by=leader, alert_id=alert.pk, expected_version=alert.version, reason=""
        )
    assert "签发意见" in caught.value.message_dict["reason"][0]


def test_the_lifecycle_declares_the_opinion_required_only_to_return():
    assert ALERT.transition("return").needs_reason
    assert not ALERT.transition("approve").needs_reason


# --- the API ----------------------------------------------------------------------------------


def test_the_api_takes_the_opinion_when_approving(api_client_for, leader):
    alert = alert_in("pending")
    response = api_client_for(leader).post(
        f"/api/v1/warnings/{alert.pk}/approve",
        {"version": alert.version, "reason": "同意"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert CapAlert.objects.get(pk=alert.pk).transitions.get(action="approve").reason == "同意"
