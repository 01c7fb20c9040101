"""The demo warnings: one published, one pending, one cancelled — all valid CAP."""

from django.test import Client
from django.urls import reverse

from anjian.cap import xml
from anjian.cap.choices import MsgType, State
from anjian.cap.fixtures import build_demo_warnings
from anjian.cap.models import CapAlert
from anjian.regions.models import Region


def test_the_demo_builds_each_state_through_the_services(district_official, leader):
    yangpu = Region.objects.get(code="310110")

    built = build_demo_warnings(by_composer=district_official, by_approver=leader, region=yangpu)

    assert built["published"].state == State.PUBLISHED
    assert list(built["published"].areas.all()) == [yangpu]
    document = built["published"].xml
    assert "<polygon>" in document and "<value>310110</value>" in document
    assert "危险化学品" in built["published"].headline
    assert built["pending"].state == State.PENDING
    streets = list(built["pending"].areas.values_list("name", flat=True))
    assert len(streets) == 2 and built["pending"].area_desc == "杨浦区" + "、".join(streets)
    assert built["cancelled"].polygon  # the advanced option: a typed polygon
    assert built["cancelled"].state == State.CANCELLED
    assert built["cancel"].msg_type == MsgType.CANCEL
    for alert in CapAlert.objects.exclude(xml=""):
        assert xml.problems(alert.xml) == [], alert.headline
        assert alert.approved_by == leader
    feed = Client().get(reverse("cap:alert_feed")).content.decode()
    assert built["published"].identifier in feed and built["cancel"].identifier in feed
    assert built["cancelled"].identifier not in feed
