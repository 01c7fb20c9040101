"""The other pages of reach: the contact lists, the public subscription pages, and the
compose page's starting values from another record (an incident issues a warning)."""

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import reverse

from anjian.cap import recipients, selectors
from anjian.cap.forms import AlertForm
from anjian.cap.models import CapContact, CapSubscription, SubscriptionState
from anjian.regions.models import Region
from testsupport import world

pytestmark = pytest.mark.django_db


# --- contact lists ---------------------------------------------------------------------------


def test_a_street_officer_adds_and_stops_a_contact_of_their_street(street_officer, client_for):
    client = client_for(street_officer)
    url = reverse("cap:contact_list")
    page = client.get(url).content.decode()
    assert f'value="{world.YINHANG}"' in page and f'value="{world.PINGLIANG}"' not in page
    answer = client.post(url, {"region": world.YINHANG, "name": "楼组长", "phone": "13911112222"})
    assert answer.status_code == 302
    contact = CapContact.objects.get(name="楼组长")
    assert f'data-contact="{contact.pk}"' in client.get(url).content.decode()
    stopped = client.post(reverse("cap:contact_deactivate", args=[contact.pk]))
    assert stopped.status_code == 302 and not CapContact.objects.get(pk=contact.pk).is_active


def test_a_bad_contact_is_shown_again_with_the_reason(street_officer, client_for):
    answer = client_for(street_officer).post(
        reverse("cap:contact_list"), {"region": world.YINHANG, "name": "无联系方式"}
    )
    assert answer.status_code == 422
    assert "手机和电子邮箱至少填写一项" in answer.content.decode()
    assert not CapContact.objects.filter(name="无联系方式").exists()


def test_a_contact_of_another_street_is_not_found(street_officer, client_for):
    theirs = recipients.contact_add(
        by=world.actor("district_official"),
        data={
            "region": Region.objects.get(code=world.PINGLIANG),
            "name": "物业",
            "phone": "13911112222",
        },
    )
    answer = client_for(street_officer).post(reverse("cap:contact_deactivate", args=[theirs.pk]))
    assert answer.status_code == 404
    assert CapContact.objects.get(pk=theirs.pk).is_active
    assert f'data-contact="{theirs.pk}"' not in (
        client_for(street_officer).get(reverse("cap:contact_list")).content.decode()
    )


def test_roles_without_the_contact_lists_are_refused(housing_official, client_for):
    assert client_for(housing_official).get(reverse("cap:contact_list")).status_code == 403


# --- public subscription ---------------------------------------------------------------------


def test_anyone_subscribes_and_confirms_by_the_link(db, django_capture_on_commit_callbacks):
    client = Client()
    page = client.get(reverse("cap:subscribe"))
    assert page.status_code == 200 and f'value="{world.YINHANG}"' in page.content.decode()
    with django_capture_on_commit_callbacks() as callbacks:
        answer = client.post(
            reverse("cap:subscribe"), {"phone": "13911112222", "regions": [world.YINHANG]}
        )
    assert answer.status_code == 200 and 'id="subscribed"' in answer.content.decode()
    assert len(callbacks) == 1
    subscription = CapSubscription.objects.get(phone="13911112222")
    confirm = reverse("cap:subscription_confirm", args=[subscription.token])
    shown = client.get(confirm)
    assert shown.status_code == 200 and "殷行街道" in shown.content.decode()
    subscription.refresh_from_db()
    assert subscription.state == SubscriptionState.PENDING  # GET changes nothing
    done = client.post(confirm)
    assert done.status_code == 200 and 'id="done"' in done.content.decode()
    subscription.refresh_from_db()
    assert subscription.state == SubscriptionState.CONFIRMED
    cancel = reverse("cap:subscription_cancel", args=[subscription.token])
    client.post(cancel)
    subscription.refresh_from_db()
    assert subscription.state == SubscriptionState.CANCELLED
    again = client.post(confirm)
    assert again.status_code == 422 and "已退订" in again.content.decode()


def test_a_bad_subscription_is_shown_again_with_the_reason(db):
    answer = Client().post(reverse("cap:subscribe"), {"phone": "12345", "regions": []})
    assert answer.status_code == 422
    html = answer.content.decode()
    assert "请选择要订阅预警的区或街道（镇）" in html
    assert not CapSubscription.objects.exists()
    unknown = Client().get(reverse("cap:subscription_confirm", args=["no-such-token"]))
    assert unknown.status_code == 404


# --- an incident issues a warning: the compose page's starting values ------------------------


def test_the_compose_page_starts_from_the_values_of_another_record(district_official):
    query = QueryDict(mutable=True)
    query.update(
        {
            "headline": "殷行街道化工厂火灾事故预警",
            "event": "火灾",
            "description": "殷行街道某化工厂发生火灾。",
            "severity": "Severe",
        }
    )
    query.setlist("areas", [f"{world.YINHANG},{world.PINGLIANG}", world.HONGKOU, "nonsense"])
    initial = selectors.alert_prefill(district_official, query)
    assert initial == {
        "headline": "殷行街道化工厂火灾事故预警",
        "event": "火灾",
        "description": "殷行街道某化工厂发生火灾。",
        "severity": "Severe",
        "areas": [world.PINGLIANG, world.YINHANG],  # 虹口区 is not theirs to pick
    }


def test_starting_values_outside_the_rules_are_dropped_or_cut(
    neighbour_official, district_official
):
    initial = selectors.alert_prefill(
        district_official, {"headline": "长" * 500, "severity": "Terrible", "event": "  "}
    )
    assert initial == {"headline": "长" * 160}
    assert selectors.alert_prefill(neighbour_official, {"areas": world.YINHANG}) == {}


def test_the_compose_form_shows_the_starting_values(district_official):
    """What ``views.alert_create`` does with them: ``AlertForm(…, initial=alert_prefill(…))``."""
    initial = selectors.alert_prefill(
        district_official, {"headline": "火灾事故预警", "areas": world.YINHANG}
    )
    form = AlertForm(None, user=district_official, initial=initial)
    assert form["headline"].value() == "火灾事故预警"
    picked = [
        code for group in form.area_groups() for code, _label, chosen in group["options"] if chosen
    ]
    assert picked == [world.YINHANG]
