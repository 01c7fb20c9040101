"""Who a warning is for: the lists of its area and nobody outside it; the contact lists and
public subscriptions (subscribe, confirm, cancel)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from anjian.cap import recipients, services
from anjian.cap.models import CapContact, CapSubscription, RecipientKind, SubscriptionState
from anjian.cap.tests.factories import alert_data
from anjian.cap.tests.test_delivery_support import (
    EMAIL,
    OUTSIDE_YINHANG,
    YINHANG_EMAILS,
    YINHANG_PHONES,
    build_people,
)
from anjian.core.exceptions import NotPermitted, OutOfScope, ValidationError
from anjian.enterprises.models import Enterprise
from anjian.regions.models import Region
from testsupport import world

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def people(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_people()
        transaction.set_rollback(True)


def draft(*codes, **overrides):
    overrides.setdefault("polygon", "")
    data = alert_data(areas=list(Region.objects.filter(code__in=codes)), **overrides)
    return services.alert_create(by=world.actor("district_official"), data=data)


def addresses(found) -> set[str]:
    return {r.phone.replace("-", "") for r in found if r.phone} | {
        r.email for r in found if r.email
    }


def by_ref(found) -> dict[str, recipients.Recipient]:
    return {r.ref: r for r in found}


# --- the area --------------------------------------------------------------------------------


def test_a_street_warning_reaches_its_lists_and_nobody_outside_the_street(people):
    found = recipients.resolve(draft(world.YINHANG))
    assert addresses(found) == YINHANG_PHONES | YINHANG_EMAILS
    assert not addresses(found) & OUTSIDE_YINHANG
    refs = by_ref(found)
    assert refs[f"user:{people['silent'].pk}"].phone == ""  # listed, with nothing to reach
    assert f"user:{people['pingliang_officer'].pk}" not in refs


def test_each_list_says_who_and_where(people):
    refs = by_ref(recipients.resolve(draft(world.YINHANG)))
    chemical = world.enterprise("yinhang_chemical")
    kinds = {
        f"user:{world.actor('street_officer').pk}": (RecipientKind.OFFICIAL, world.YINHANG),
        f"contact:{people['clinic'].pk}": (RecipientKind.CONTACT, world.YINHANG),
        f"enterprise:{chemical.pk}": (RecipientKind.ENTERPRISE, chemical.scope_region_code),
        f"subscription:{people['district_subscriber'].pk}": (
            RecipientKind.SUBSCRIBER,
            world.YANGPU,  # subscribed to the whole district: counted at the district
        ),
        f"subscription:{people['yinhang_subscriber'].pk}": (
            RecipientKind.SUBSCRIBER,
            world.YINHANG,
        ),
    }
    for ref, (kind, region) in kinds.items():
        assert (refs[ref].kind, refs[ref].region_code) == (kind, region), ref
    duty = [r for r in refs.values() if r.kind == RecipientKind.DUTY]
    assert [(r.phone, r.region_code) for r in duty] == [("13600000001", chemical.scope_region_code)]
    assert "上海殷行化工有限公司" in duty[0].name


def test_a_district_warning_reaches_all_its_streets_but_not_the_neighbour(people):
    found = addresses(recipients.resolve(draft(world.YANGPU)))
    assert {"13900000003", "13500000002", "13700000003", "13400000003"} <= found
    assert not found & {"13700000004", "13400000004", "13400000005"}


def test_the_neighbours_subscriber_and_the_pending_one_hear_nothing_of_yangpu(people):
    for codes in ((world.YANGPU,), (world.YINHANG, world.PINGLIANG)):
        found = addresses(recipients.resolve(draft(*codes)))
        assert "13400000004" not in found and "13400000005" not in found


def test_a_cancelled_subscription_or_closed_enterprise_or_inactive_contact_drops_out(people):
    CapSubscription.objects.filter(pk=people["yinhang_subscriber"].pk).update(
        state=SubscriptionState.CANCELLED
    )
    Enterprise.objects.filter(name=world.ENTERPRISE_NAMES["yinhang_site"]).update(status="closed")
    recipients.contact_deactivate(by=world.actor("street_officer"), contact_id=people["clinic"].pk)
    found = addresses(recipients.resolve(draft(world.YINHANG)))
    assert not found & {"13400000001", "13700000002", "02165000000"}
    assert "13700000001" in found


def test_a_typed_polygon_takes_the_enterprises_inside_it_by_their_coordinates(people):
    around_yinhang = "31.33,121.52 31.33,121.54 31.31,121.54 31.31,121.52 31.33,121.52"
    found = recipients.resolve(draft(polygon=around_yinhang))
    assert addresses(found) == {"13600000001", "13700000001", "13700000002"}


def test_a_circle_takes_the_enterprises_inside_it(people):
    found = recipients.resolve(draft(circle="31.262,121.53 0.5"))
    assert addresses(found) == {"13700000003"}


def test_a_street_whose_label_point_lies_in_the_shape_comes_with_all_its_lists(people):
    Region.objects.filter(code=world.PINGLIANG).update(
        latitude=Decimal("31.262"), longitude=Decimal("121.530")
    )
    found = addresses(recipients.resolve(draft(circle="31.262,121.53 0.5")))
    assert {"13900000003", "13500000002", "13700000003", "13400000003"} <= found
    assert "13400000002" in found  # the district's subscriber hears of its street
    assert not found & {"13900000001", "13700000001"}  # 殷行 stays outside


def test_broadcast_systems_get_every_warning_or_those_of_their_regions(people):
    area = recipients.area_of(draft(world.YINHANG))
    systems = {
        "all": {"regions": []},
        "yinhang": {"regions": [world.YINHANG]},
        "pingliang": {"regions": [world.PINGLIANG]},
        "district": {"regions": [world.YANGPU]},
    }
    found = recipients.endpoints(area, systems)
    assert [r.endpoint for r in found] == ["all", "yinhang", "district"]


# --- contact lists ---------------------------------------------------------------------------


def contact(by, **data):
    values = {"region": Region.objects.get(code=world.YINHANG), "name": "志愿者", **data}
    return recipients.contact_add(by=by, data=values)


def test_a_street_officer_keeps_the_contacts_of_their_street(street_officer):
    added = contact(street_officer, phone="13911112222", title="楼组长")
    assert (added.region_id, added.is_active, added.created_by) == (
        world.YINHANG,
        True,
        street_officer,
    )
    assert recipients.contact_deactivate(by=street_officer, contact_id=added.pk).is_active is False


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "__all__"),  # neither phone nor e-mail
        ({"phone": "12345"}, "phone"),
        ({"email": "not-an-address"}, "email"),
        ({"phone": "13911112222", "region": world.YANGPU}, "region"),  # a district
        ({"phone": "13911112222", "age": 30}, "age"),
    ],
)
def test_bad_contacts_are_refused(data, field, district_official):
    if "region" in data:
        data["region"] = Region.objects.get(code=data["region"])
    before = CapContact.objects.count()
    with pytest.raises(ValidationError) as caught:
        contact(district_official, **data)
    assert field in caught.value.message_dict
    assert CapContact.objects.count() == before


def test_nobody_keeps_contacts_outside_their_scope(street_officer, neighbour_official):
    with pytest.raises(OutOfScope):
        contact(
            street_officer, region=Region.objects.get(code=world.PINGLIANG), phone="13911112222"
        )
    mine = contact(street_officer, phone="13911112222")
    with pytest.raises(OutOfScope):
        recipients.contact_deactivate(by=neighbour_official, contact_id=mine.pk)
    assert CapContact.objects.filter(region_id=world.PINGLIANG, phone="13911112222").count() == 0


def test_a_department_user_keeps_no_contact_list(housing_official):
    with pytest.raises(NotPermitted):
        contact(housing_official, phone="13911112222")


# --- subscriptions ---------------------------------------------------------------------------


def subscribe(**kwargs):
    regions = kwargs.pop("regions", [world.YINHANG])
    return recipients.subscription_request(regions=regions, **kwargs)


def test_a_subscription_waits_for_its_confirmation_which_goes_out_after_the_commit(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        subscription = subscribe(phone="139 1111 2222")
        assert not DBTaskResult.objects.exists()
    assert (subscription.phone, subscription.state) == ("13911112222", SubscriptionState.PENDING)
    assert len(callbacks) == 1
    assert list(DBTaskResult.objects.values_list("task_path", flat=True)) == [
        "anjian.cap.recipients.send_confirmation"
    ]
    confirmed = recipients.subscription_confirm(token=subscription.token)
    assert confirmed.state == SubscriptionState.CONFIRMED and confirmed.confirmed_at
    again = recipients.subscription_confirm(token=subscription.token)
    assert again.confirmed_at == confirmed.confirmed_at
    cancelled = recipients.subscription_cancel(token=subscription.token)
    assert cancelled.state == SubscriptionState.CANCELLED
    with pytest.raises(ValidationError):
        recipients.subscription_confirm(token=subscription.token)
    with pytest.raises(OutOfScope):
        recipients.subscription_confirm(token="no-such-token")


def test_the_confirmation_link_reaches_the_address(db, settings, mailoutbox):
    settings.CAP_CHANNELS = [EMAIL]
    subscription = subscribe(email="Someone@Example.cn")
    assert subscription.email == "someone@example.cn"
    assert recipients.send_confirmation.call(subscription.pk) is True
    (message,) = mailoutbox
    assert message.to == ["someone@example.cn"]
    assert f"/warnings/subscribe/{subscription.token}/confirm/" in message.body
    assert "殷行街道" in message.body
    recipients.subscription_confirm(token=subscription.token)
    assert recipients.send_confirmation.call(subscription.pk) is False  # confirmed: nothing
    assert len(mailoutbox) == 1


def test_asking_again_while_pending_resends_only_after_ten_minutes(
    db, django_capture_on_commit_callbacks
):
    first = subscribe(phone="13911112222")
    with django_capture_on_commit_callbacks() as callbacks:
        second = subscribe(phone="13911112222", regions=[world.PINGLIANG])
    assert second.pk == first.pk and callbacks == []
    assert list(second.regions.values_list("code", flat=True)) == [world.PINGLIANG]
    CapSubscription.objects.filter(pk=first.pk).update(
        notified_at=timezone.now() - timedelta(minutes=11)
    )
    with django_capture_on_commit_callbacks() as callbacks:
        subscribe(phone="13911112222")
    assert len(callbacks) == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"phone": ""}, "phone"),
        ({"phone": "13911112222", "email": "a@example.cn"}, "phone"),
        ({"phone": "021-65012345"}, "phone"),  # a landline gets no texts
        ({"email": "not-an-address"}, "email"),
        ({"phone": "13911112222", "regions": []}, "regions"),
        ({"phone": "13911112222", "regions": [world.HONGKOU + "999"]}, "regions"),
    ],
)
def test_bad_subscriptions_are_refused(kwargs, field, db):
    before = CapSubscription.objects.count()
    with pytest.raises(ValidationError) as caught:
        subscribe(**kwargs)
    assert field in caught.value.message_dict
    assert CapSubscription.objects.count() == before


def test_an_address_no_channel_can_reach_cannot_subscribe(db, settings):
    settings.CAP_CHANNELS = [EMAIL]
    with pytest.raises(ValidationError) as caught:
        subscribe(phone="13911112222")
    assert "暂未开通" in caught.value.message_dict["phone"][0]


def test_a_confirmed_address_must_cancel_before_subscribing_again(db):
    subscription = subscribe(phone="13911112222")
    recipients.subscription_confirm(token=subscription.token)
    with pytest.raises(ValidationError):
        subscribe(phone="13911112222", regions=[world.PINGLIANG])
    recipients.subscription_cancel(token=subscription.token)
    renewed = subscribe(phone="13911112222", regions=[world.PINGLIANG])
    assert renewed.pk != subscription.pk and renewed.token != subscription.token
