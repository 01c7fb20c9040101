"""Reach figures against a known set of deliveries: per warning, channel and street; the
pages show them and every figure links to exactly the deliveries it counts; scope.

The fixture: warning A for 殷行街道, sent through the console channel, then receipts —

====================  ======================================================  ===========
address               who                                                     ends
====================  ======================================================  ===========
13600000001           duty person of yinhang_chemical                         delivered
13900000001           street officer (the 楼组长's number: told once)          delivered
13900000002           grid member                                             delivered
13700000001           yinhang_chemical                                        delivered
reader@example.cn     subscriber (e-mail: delivered when accepted)            delivered
13700000002           yinhang_site                                            failed (receipt)
13400000001           subscriber to 殷行街道                                   sent
13400000002           subscriber to 杨浦区 (counted at the district)           sent
02165000000           the clinic's landline                                   failed at once
user:<silent>         yinhang_silent: no phone, no e-mail                     failed (none)
====================  ======================================================  ===========

— 10 intended, 8 sent, 5 delivered (50 %); and warning B for the whole district, published
afterwards and not sent yet: 14 intended, none sent.
"""

import re
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from anjian.cap import channels, delivery, selectors
from anjian.cap.fixtures import build_demo_warnings
from anjian.cap.models import CapDelivery, DeliveryState
from anjian.cap.selectors import DeliveryFilters, Reach
from anjian.cap.tests.test_delivery_support import CONSOLE, build_people, publish
from anjian.regions.models import Region
from testsupport import world

pytestmark = pytest.mark.django_db
RECEIPTS = {
    "13600000001": "delivered",
    "13900000001": "delivered",
    "13900000002": "delivered",
    "13700000001": "delivered",
    "13700000002": "failed",
}


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic(), channels.only([CONSOLE]):
        people = build_people()
        a = publish(world.YINHANG, headline="殷行街道大风预警")
        delivery.deliver_due(now=timezone.now())
        rows = CapDelivery.objects.filter(alert=a, address__in=RECEIPTS)
        delivery.receipts_record(
            [{"message_id": str(d.key), "status": RECEIPTS[d.address]} for d in rows]
        )
        b = publish(world.YANGPU, headline="杨浦区高温预警")
        yield {"a": a, "b": b, **people}
        transaction.set_rollback(True)


def everything(user, **filters):
    return selectors.delivery_list(user, DeliveryFilters(**filters))


def figures(reach: Reach) -> tuple:
    return (reach.intended, reach.sent, reach.delivered, reach.reach, reach.sent_rate)


def test_the_figures_of_a_warning(built, district_official):
    a = built["a"]
    deliveries = everything(district_official, alert=a.pk)
    assert figures(selectors.reach(deliveries)) == (10, 8, 5, 50.0, 80.0)
    by_channel = selectors.reach_by(deliveries, "channel")
    assert {k: figures(v)[:3] for k, v in by_channel.items()} == {
        "console": (9, 8, 5),
        "none": (1, 0, 0),
    }
    by_area = selectors.reach_by(deliveries, "area_code")
    assert {k: figures(v)[:3] for k, v in by_area.items()} == {
        world.YANGPU: (1, 1, 0),
        world.YINHANG: (9, 7, 5),
    }
    assert selectors.reach(deliveries).meets(95) is False
    assert figures(selectors.reach(everything(district_official, alert=built["b"].pk))) == (
        14,
        0,
        0,
        0.0,
        0.0,
    )
    assert figures(selectors.reach(everything(district_official))) == (24, 8, 5, 20.8, 33.3)


def test_a_warning_without_deliveries_has_no_rate(district_official):
    assert figures(Reach()) == (0, 0, 0, None, None) and Reach().meets(95) is None


def test_a_street_officer_counts_their_street_and_a_grid_member_their_grid(
    built, street_officer, grid_member
):
    a = built["a"]
    assert figures(selectors.reach(everything(street_officer, alert=a.pk)))[:3] == (9, 7, 5)
    grid = {d.address for d in everything(grid_member, alert=a.pk)}
    assert grid == {"13600000001", "13900000002", "13700000001"}  # yinhang_chemical is in it


def test_the_neighbour_counts_nothing_of_yangpu(built, neighbour_official):
    assert figures(selectors.reach(everything(neighbour_official)))[:3] == (0, 0, 0)


# --- pages: every figure links to exactly what it counts -------------------------------------

FIGURE = re.compile(r'<a href="([^"]+)" data-count="(\w+)">(\d+)</a>')


def counted_on(client, url: str) -> int:
    html = client.get(url.replace("&amp;", "&")).content.decode()
    found = re.search(r"共 (\d+) 条", html)
    return int(found.group(1)) if found else html.count("data-delivery=")


def check_links(client, html: str) -> int:
    links = FIGURE.findall(html)
    assert links
    for href, kind, number in links:
        assert counted_on(client, href) == int(number), (kind, href)
    return len(links)


def test_every_figure_on_the_warning_page_links_to_exactly_what_it_counts(
    built, district_official, client_for
):
    client = client_for(district_official)
    page = client.get(reverse("cap:alert_deliveries", args=[built["a"].pk]))
    html = page.content.decode()
    assert page.status_code == 200 and 'data-reach="50.0"' in html and "未达标" in html
    assert check_links(client, html) == 3 * (1 + 2 + 2)  # total, 2 channels, 2 areas
    assert "杨浦区殷行街道" in html
    assert "134****0001" in html and "13400000001" not in html  # a subscriber, half hidden


def test_every_figure_on_the_reach_page_links_to_exactly_what_it_counts(
    built, district_official, client_for
):
    client = client_for(district_official)
    html = client.get(reverse("cap:reach")).content.decode()
    assert 'data-reach="20.8"' in html
    assert check_links(client, html) >= 3 * (1 + 2 + 2 + 2)
    for alert in (built["a"], built["b"]):
        assert f'data-key="{alert.pk}"' in html


def test_the_reach_page_counts_a_period(built, district_official, client_for):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    html = (
        client_for(district_official)
        .get(reverse("cap:reach"), {"since": tomorrow})
        .content.decode()
    )
    assert 'data-reach=""' in html and "该期间没有发布的预警" in html


def test_the_warning_page_filters_its_deliveries_by_state(built, district_official, client_for):
    client = client_for(district_official)
    url = reverse("cap:alert_deliveries", args=[built["a"].pk])
    expected = {"delivered": 5, "sent": 2, "failed": 3, "queued": 0}
    for state, count in expected.items():
        html = client.get(url, {"state": state}).content.decode()
        assert html.count("data-delivery=") == count, state
        assert html.count(f'data-state="{state}"') == count


def test_the_warning_page_loads_its_deliveries_as_a_partial(built, district_official, client_for):
    client = client_for(district_official)
    detail = client.get(reverse("cap:alert_detail", args=[built["a"].pk])).content.decode()
    url = reverse("cap:alert_deliveries", args=[built["a"].pk])
    assert f'hx-get="{url}"' in detail
    partial = client.get(url, headers={"HX-Request": "true", "HX-Target": "deliveries"})
    html = partial.content.decode()
    assert html.lstrip().startswith('<div id="deliveries"') and "<html" not in html


def test_a_street_officer_sees_their_street_on_the_pages(built, street_officer, client_for):
    client = client_for(street_officer)
    html = client.get(reverse("cap:alert_deliveries", args=[built["a"].pk])).content.decode()
    assert re.search(r'data-count="intended">9<', html)
    assert "13400000002" not in html and "134****0002" not in html


def test_the_neighbour_gets_404_for_the_deliveries_of_yangpu(built, neighbour_official, client_for):
    client = client_for(neighbour_official)
    url = reverse("cap:alert_deliveries", args=[built["a"].pk])
    assert client.get(url).status_code == 404
    listed = client.get(reverse("cap:delivery_list"), {"alert": built["a"].pk})
    assert listed.status_code == 404


def test_the_delivery_list_narrows_by_every_filter(built, district_official, client_for):
    client = client_for(district_official)
    url = reverse("cap:delivery_list")
    a = built["a"].pk
    cases = {
        (("alert", a), ("counted", "delivered")): 5,
        (("alert", a), ("channel", "none")): 1,
        (("alert", a), ("area", world.YANGPU)): 1,
        (("alert", a), ("kind", "subscriber")): 3,
        (("counted", "sent"),): 8,
        (("state", "queued"),): 12,  # B less its landline and its silent user
    }
    for query, count in cases.items():
        assert counted_on(client, url + "?" + "&".join(f"{k}={v}" for k, v in query)) == count


# --- the demo --------------------------------------------------------------------------------


def test_the_demo_warnings_reach_people_in_several_states_not_all(district_official, leader):
    yangpu = Region.objects.get(code=world.YANGPU)
    built = build_demo_warnings(by_composer=district_official, by_approver=leader, region=yangpu)
    deliveries = CapDelivery.objects.filter(alert__region=yangpu)
    states = set(deliveries.values_list("state", flat=True))
    assert {DeliveryState.DELIVERED, DeliveryState.SENT, DeliveryState.FAILED} <= states
    published = selectors.reach(deliveries.filter(alert=built["published"]))
    assert published.intended > 0 and 50 < published.reach < 100
    assert set(deliveries.values_list("channel", flat=True)) <= {"console", "none"}
    assert deliveries.filter(alert=built["cancel"]).exists()
    wind, pending = built["cancelled"], built["pending"]
    assert [c.agreed for c in wind.co_issuers.all()] == [True]
    assert [c.agreed for c in pending.co_issuers.all()] == [False]
    assert not deliveries.filter(alert=pending).exists()
