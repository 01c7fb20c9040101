"""Co-issuing (联合发布): departments named on a draft each agree once (会签) before the
warning can be approved; the page, the API and the notices."""

import pytest
from django.urls import reverse

from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.cap import services
from anjian.cap.choices import State
from anjian.cap.lifecycle import ALERT
from anjian.cap.models import CapCoIssuer
from anjian.cap.tests.factories import alert_data
from anjian.core.exceptions import Conflict, NotPermitted, OutOfScope, ValidationError
from anjian.core.models import Notification
from anjian.regions.models import Department
from testsupport import world

pytestmark = pytest.mark.django_db


def department(suffix: str, region: str = world.YANGPU) -> Department:
    return Department.objects.get(region_id=region, name__endswith=suffix)


@pytest.fixture
def transport_official(db):
    """A 交通委 user of 杨浦区."""
    return User.objects.create(
        username="transport_official",
        name="交通委",
        role=Role.DEPARTMENT,
        region_id=world.YANGPU,
        department=department("交通委员会"),
    )


def submitted(*suffixes: str):
    """A warning of 杨浦区 naming the departments ``suffixes``, submitted for approval."""
    composer = world.actor("district_official")
    alert = services.alert_create(
        by=composer,
        data=alert_data(co_issuers=[department(s) for s in suffixes]),
    )
    return services.alert_submit(by=composer, alert_id=alert.pk, expected_version=alert.version)


def cosign(user, alert, **kwargs):
    kwargs.setdefault("expected_version", alert.version)
    return services.alert_cosign(by=user, alert_id=alert.pk, **kwargs)


def approve(alert):
    return services.alert_approve(
        by=world.actor("leader"), alert_id=alert.pk, expected_version=alert.version
    )


def told(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_each_department_agrees_once_and_approval_waits_for_all(
    housing_official, transport_official, leader
):
    alert = submitted("建设和管理委员会", "交通委员会")
    assert told("cap_alert_cosign") == {"housing_official", "transport_official"}
    with pytest.raises(Conflict) as caught:
        approve(alert)
    assert "尚待联合发布部门会签：杨浦区建设和管理委员会、杨浦区交通委员会" in str(caught.value)
    assert "approve" not in {a.name for a in ALERT.available(leader, alert)}

    agreed = cosign(housing_official, alert, reason="同意")
    assert (agreed.approved_by, agreed.opinion) == (housing_official, "同意")
    assert cosign(housing_official, alert).pk == agreed.pk  # a double submit: the same
    colleague = User.objects.create(
        username="housing_colleague",
        role=Role.DEPARTMENT,
        region_id=world.YANGPU,
        department=housing_official.department,
    )
    with pytest.raises(NotPermitted, match="本部门已会签"):
        cosign(colleague, alert)
    with pytest.raises(Conflict, match="杨浦区交通委员会"):
        approve(alert)
    assert told("cap_alert_cosigned") == set()

    cosign(transport_official, alert)
    assert told("cap_alert_cosigned") == {"leader"}  # the approver, not the composer
    alert.refresh_from_db()
    assert approve(alert).state == State.PUBLISHED
    cosigns = alert.transitions.filter(action="cosign").order_by("pk")
    assert [(t.by.username, t.data["department"]) for t in cosigns] == [
        ("housing_official", "杨浦区建设和管理委员会"),
        ("transport_official", "杨浦区交通委员会"),
    ]
    assert CapCoIssuer.objects.filter(alert=alert).count() == 2


def test_a_department_not_named_cannot_agree(district_official, street_officer):
    alert = submitted("建设和管理委员会")
    market = User.objects.create(
        username="market_official",
        role=Role.DEPARTMENT,
        region_id=world.YANGPU,
        department=department("市场监督管理局"),
    )
    with pytest.raises(NotPermitted, match="不是该预警的联合发布部门"):
        cosign(market, alert)
    with pytest.raises(NotPermitted):
        cosign(street_officer, alert)  # the role may not agree for anyone
    assert not CapCoIssuer.objects.filter(alert=alert, approved_at__isnull=False).exists()


def test_a_user_of_another_district_gets_out_of_scope(neighbour_official):
    alert = submitted("建设和管理委员会")
    with pytest.raises(OutOfScope):
        cosign(neighbour_official, alert)


def test_agreeing_to_a_draft_or_a_stale_version_is_a_conflict(housing_official):
    composer = world.actor("district_official")
    draft = services.alert_create(
        by=composer, data=alert_data(co_issuers=[housing_official.department])
    )
    with pytest.raises(Conflict, match="草稿"):
        cosign(housing_official, draft)
    alert = services.alert_submit(by=composer, alert_id=draft.pk, expected_version=draft.version)
    with pytest.raises(Conflict):
        cosign(housing_official, alert, expected_version=alert.version - 1)
    assert not CapCoIssuer.objects.get(alert=alert).agreed


def test_a_return_clears_the_agreements_and_resubmitting_asks_again(housing_official, leader):
    alert = submitted("建设和管理委员会")
    cosign(housing_official, alert)
    returned = services.alert_return(
        by=leader, alert_id=alert.pk, expected_version=alert.version, reason="请补充防御指南"
    )
    assert not CapCoIssuer.objects.get(alert=alert).agreed
    reset = returned.transitions.get(action="cosign_reset")
    assert reset.data == {"co_issuers": ["杨浦区建设和管理委员会"]}
    Notification.objects.all().delete()
    services.alert_submit(
        by=world.actor("district_official"), alert_id=alert.pk, expected_version=returned.version
    )
    assert told("cap_alert_cosign") == {"housing_official"}


def test_an_update_carries_the_co_issuers_who_agree_again_and_a_cancel_does_not_wait(
    housing_official, leader
):
    alert = submitted("建设和管理委员会")
    cosign(housing_official, alert)
    alert.refresh_from_db()
    published = approve(alert)
    composer = world.actor("district_official")
    update, _created = services.alert_start_update(by=composer, alert_id=published.pk)
    assert [(c.department_id, c.agreed) for c in update.co_issuers.all()] == [
        (housing_official.department_id, False)
    ]
    update = services.alert_submit(by=composer, alert_id=update.pk, expected_version=update.version)
    with pytest.raises(Conflict):
        approve(update)
    cancel = services.alert_cancel(
        by=leader, alert_id=published.pk, expected_version=None, reason="风险解除"
    )
    assert cancel.state == State.PUBLISHED and not cancel.co_issuers.exists()


# --- naming the departments ------------------------------------------------------------------


def test_the_composer_names_departments_of_the_issuing_region_on_a_draft(district_official):
    alert = services.alert_create(by=district_official, data=alert_data())
    named = services.alert_set_co_issuers(
        by=district_official,
        alert_id=alert.pk,
        departments=[department("建设和管理委员会").pk],
        expected_version=alert.version,
    )
    assert named.version == alert.version + 1
    assert named.transitions.get(action="co_issuers").data == {
        "co_issuers": ["杨浦区建设和管理委员会"]
    }
    with pytest.raises(Conflict):
        services.alert_set_co_issuers(
            by=district_official, alert_id=alert.pk, departments=[], expected_version=alert.version
        )
    with pytest.raises(ValidationError) as caught:
        services.alert_set_co_issuers(
            by=district_official,
            alert_id=alert.pk,
            departments=[department("应急管理局", world.HONGKOU).pk],
            expected_version=named.version,
        )
    assert "发布单位区划（杨浦区）" in caught.value.message_dict["co_issuers"][0]
    cleared = services.alert_set_co_issuers(
        by=district_official, alert_id=alert.pk, departments=[], expected_version=named.version
    )
    assert not cleared.co_issuers.exists()
    submitted_alert = services.alert_submit(
        by=district_official, alert_id=alert.pk, expected_version=cleared.version
    )
    with pytest.raises(Conflict, match="待审核"):
        services.alert_set_co_issuers(
            by=district_official, alert_id=alert.pk, departments=[], expected_version=None
        )
    assert submitted_alert.state == State.PENDING


def test_only_composers_name_departments(housing_official, district_official):
    alert = services.alert_create(by=district_official, data=alert_data())
    with pytest.raises(NotPermitted):
        services.alert_set_co_issuers(
            by=housing_official, alert_id=alert.pk, departments=[], expected_version=None
        )


# --- the page and the API --------------------------------------------------------------------


def test_the_warning_page_shows_who_agreed_and_who_is_pending(
    housing_official, transport_official, client_for
):
    alert = submitted("建设和管理委员会", "交通委员会")
    cosign(housing_official, alert)
    page = client_for(world.actor("leader")).get(reverse("cap:alert_detail", args=[alert.pk]))
    html = page.content.decode()
    assert 'data-agreed="1"' in html and 'data-agreed="0"' in html
    assert f'data-awaiting-cosign="{transport_official.department_id}"' in html
    assert 'id="confirm-approve"' not in html  # approving waits
    own = client_for(transport_official).get(reverse("cap:alert_detail", args=[alert.pk]))
    assert 'id="cosign-link"' in own.content.decode()


def test_a_department_user_agrees_on_the_co_issue_page(housing_official, client_for):
    alert = submitted("建设和管理委员会")
    client = client_for(housing_official)
    url = reverse("cap:alert_co_issue", args=[alert.pk])
    assert 'id="action-cosign"' in client.get(url).content.decode()
    cosign_url = reverse("cap:alert_cosign", args=[alert.pk])
    assert client.post(cosign_url, {}).status_code == 422  # no version
    answer = client.post(cosign_url, {"version": alert.version, "reason": "同意"})
    assert answer.status_code == 302
    assert CapCoIssuer.objects.get(alert=alert).approved_by == housing_official
    stale = client_for(world.actor("district_official")).post(
        reverse("cap:alert_co_issuers", args=[alert.pk]), {"version": alert.version}
    )
    assert stale.status_code == 409  # pending: no more naming
    other = User.objects.create(
        username="transport_page",
        role=Role.DEPARTMENT,
        region_id=world.YANGPU,
        department=department("交通委员会"),
    )
    refused = client_for(other).post(cosign_url, {"version": alert.version})
    assert refused.status_code == 403
    assert client_for(world.actor("neighbour_official")).get(url).status_code == 404


def test_the_composer_names_departments_on_the_page(district_official, client_for):
    alert = services.alert_create(by=district_official, data=alert_data())
    housing = department("建设和管理委员会")
    client = client_for(district_official)
    answer = client.post(
        reverse("cap:alert_co_issuers", args=[alert.pk]),
        {"version": alert.version, "departments": [housing.pk]},
    )
    assert answer.status_code == 302
    assert list(alert.co_issuers.values_list("department_id", flat=True)) == [housing.pk]
    bad = client.post(
        reverse("cap:alert_co_issuers", args=[alert.pk]),
        {"version": alert.version + 1, "departments": ["999999"]},
    )
    assert bad.status_code == 422


def test_the_api_names_agrees_and_lists(housing_official, api_client_for):
    composer = world.actor("district_official")
    alert = services.alert_create(by=composer, data=alert_data())
    housing = department("建设和管理委员会")
    base = f"/api/v1/warnings/{alert.pk}"
    named = api_client_for(composer).put(
        f"{base}/co-issuers",
        {"departments": [housing.pk], "version": alert.version},
        content_type="application/json",
    )
    assert named.status_code == 200
    assert named.json()[0]["department"] == "杨浦区建设和管理委员会"
    alert.refresh_from_db()
    services.alert_submit(by=composer, alert_id=alert.pk, expected_version=alert.version)
    alert.refresh_from_db()
    client = api_client_for(housing_official)
    assert client.post(f"{base}/cosign", {}, content_type="application/json").status_code == 200
    listed = client.get(f"{base}/co-issuers").json()
    assert [(c["department"], c["agreed"]) for c in listed] == [("杨浦区建设和管理委员会", True)]
    neighbour = api_client_for(world.actor("neighbour_official"))
    assert neighbour.get(f"{base}/co-issuers").status_code == 404
    created = api_client_for(composer).post(
        "/api/v1/warnings/",
        {
            "region": world.YANGPU,
            "sender_name": "杨浦区应急管理局",
            "event": "大风",
            "urgency": "Expected",
            "severity": "Minor",
            "certainty": "Likely",
            "headline": "大风预警",
            "description": "大风",
            "instruction": "加固",
            "expires": "2099-01-01T00:00:00+08:00",
            "areas": [world.YINHANG],
            "co_issuers": [housing.pk],
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    assert CapCoIssuer.objects.filter(alert_id=created.json()["id"]).count() == 1
