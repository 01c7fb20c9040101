"""The 重大危险源在线监测率 pages on the hand-built world (``coverage_world``): the figure,
whose every number opens exactly the sources it counts; the drill-down with each source's
reasons and alarms; the Excel; the devices card of a source's page with its forms to link
and unlink devices — each for whom it is, and nothing outside the reader's scope."""

import html
import re
from io import BytesIO

import pytest
from django.db import transaction
from django.urls import reverse
from openpyxl import load_workbook

from anjian.hazchem.tests import coverage_world
from anjian.monitoring.models import Device
from anjian.monitoring.tests.factories import plain_alarm, plain_device
from testsupport import world

pytestmark = pytest.mark.django_db

FIGURES = reverse("hazchem:coverage")
SOURCES = reverse("hazchem:coverage_sources")
EXPORT = reverse("hazchem:coverage_export")
LINK = re.compile(r'<a href="([^"]+)" data-cell="(\w+)" data-count="(\d+)"')
LISTED = re.compile(r'data-count="(\d+)">共')


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield coverage_world.build()
        transaction.set_rollback(True)


def page(client, url, params=None) -> str:
    response = client.get(url, params or {})
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def listed(client, url: str) -> int:
    [count] = LISTED.findall(page(client, url))
    return int(count)


def source_page(source) -> str:
    return reverse("hazchem:source_detail", args=[source.pk])


@pytest.mark.parametrize("by", ["grade", "street", "industry"])
def test_every_number_opens_exactly_the_sources_it_counts(built, client_for, by):
    client = client_for(world.actor("district_official"))
    body = page(client, FIGURES, {"by": by})
    links = LINK.findall(body.split('id="breakdown"')[1])
    assert len(links) >= 2 * 6
    wrong = [
        (href, count, listed(client, html.unescape(href)))
        for href, _name, count in links
        if listed(client, html.unescape(href)) != int(count)
    ]
    assert not wrong
    assert "data-rate>20.0%" in body


def test_the_drill_down_names_what_each_source_lacks(built, client_for):
    client = client_for(world.actor("district_official"))
    body = page(client, SOURCES, {"status": "uncovered"})
    assert LISTED.findall(body) == ["4"]
    offline = body.split(f'data-source="{built.sources["offline"].pk}"')[1].split("</tr>")[0]
    assert 'data-gap="lel"' in offline and 'data-coverage="offline"' in offline
    missing = body.split(f'data-source="{built.sources["missing"].pk}"')[1].split("</tr>")[0]
    assert 'data-gap="toxic"' in missing and 'data-coverage="missing"' in missing
    assert f'data-source="{built.sources["covered"].pk}"' not in body


def test_a_wrong_condition_is_said_and_left_off(built, client_for):
    client = client_for(world.actor("district_official"))
    body = page(client, SOURCES, {"status": "nonsense", "grade": "3"})
    assert "data-filter-errors" in body
    assert LISTED.findall(body) == ["4"]  # 三级, every status


def test_nothing_outside_the_scope_is_counted_or_listed(built, client_for):
    client = client_for(world.actor("neighbour_official"))
    body = page(client, SOURCES)
    assert LISTED.findall(body) == ["1"]
    assert f'data-source="{built.sources["neighbour"].pk}"' in body
    assert "data-rate>0.0%" in page(client, FIGURES)
    # A 殷行 street's link, typed in by hand, lists none of 殷行's sources for them.
    assert listed(client, f"{SOURCES}?street={world.YINHANG}") == 0


def test_the_excel_holds_the_figure_and_exactly_the_listed_sources(built, client_for):
    client = client_for(world.actor("district_official"))
    response = client.get(EXPORT, {"status": "offline", "by": "street"})
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    figure = [list(r) for r in book["在线监测率"].iter_rows(values_only=True)]
    assert figure[0][0] == "按街镇"
    assert figure[-1][:3] == ["合计", 5, 1]
    sources = [list(r) for r in book["重大危险源"].iter_rows(values_only=True)]
    assert [row[0] for row in sources[1:]] == [built.sources["offline"].number]
    assert sources[1][6] == "可燃气体（设备离线或未按时上报）"


def test_the_source_page_shows_each_metric_and_each_device(built, client_for):
    client = client_for(world.actor("district_official"))
    body = page(client, source_page(built.sources["offline"]))
    card = body.split('id="devices"')[1]
    assert 'data-coverage-status="offline"' in body
    assert 'data-requirement="lel"' in card
    for code in ("OF-TK", "OF-GL", "OF-GT"):
        assert f'data-device="{code}"' in card
    assert "超时" in card  # the LEL reading two days old
    assert 'id="devices-link"' in card and 'data-unlink="OF-GL"' in card


def test_a_source_not_counted_says_why(built, client_for):
    client = client_for(world.actor("district_official"))
    body = page(client, source_page(built.sources["not_required"]))
    assert "data-not-counted" in body and "不要求在线监测" in body
    closed = page(client_for(world.actor("admin")), source_page(built.sources["closed"]))
    assert "已核销，不计入在线监测率" in closed
    assert 'id="devices-link"' not in closed  # no new links to a closed source
    assert 'data-unlink="CL-TK"' in closed  # its devices may still be unlinked


def test_the_alarm_numbers_open_exactly_those_alarms(built, client_for):
    alarm = plain_alarm(built.devices["covered_tank"])
    client = client_for(world.actor("district_official"))
    body = page(client, source_page(built.sources["covered"]))
    href = re.search(r'<a href="([^"]+)" data-alarms="open">1</a>', body).group(1)
    alarms = page(client, html.unescape(href))
    assert f'data-alarm="{alarm.pk}"' in alarms


def test_only_who_manages_devices_gets_the_forms(built, client_for):
    for name in ("inspector", "leader"):
        body = page(client_for(world.actor(name)), source_page(built.sources["covered"]))
        assert 'id="devices"' in body
        assert 'id="devices-link"' not in body and "data-unlink" not in body


def test_a_device_is_linked_and_unlinked_from_the_source_page(built, client_for):
    client = client_for(world.actor("enterprise_manager"))
    source = built.sources["no_device"]
    spare = plain_device(world.enterprise("yinhang_chemical"), "SPARE-1")
    url = reverse("hazchem:source_devices_link", args=[source.pk])

    response = client.post(url, {"devices": [spare.pk]})

    assert response.status_code == 302
    spare.refresh_from_db()
    assert spare.hazard_source_id == source.pk
    unlink = reverse("hazchem:source_device_unlink", args=[source.pk, spare.pk])
    stale = client.post(unlink, {"version": spare.version - 1})
    assert stale.status_code == 409
    assert client.post(unlink, {"version": spare.version}).status_code == 302
    assert Device.objects.get(pk=spare.pk).hazard_source_id is None


def test_another_enterprises_device_is_not_offered_nor_linked(built, client_for):
    client = client_for(world.actor("district_official"))
    source = built.sources["no_device"]
    theirs = built.devices["offline_tank"]  # 平凉机械's
    body = page(client, source_page(source))
    assert f'value="{theirs.pk}"' not in body.split('id="devices-link"')[1]

    response = client.post(
        reverse("hazchem:source_devices_link", args=[source.pk]), {"devices": [theirs.pk]}
    )

    assert response.status_code == 422
    assert Device.objects.get(pk=theirs.pk).hazard_source_id == built.sources["offline"].pk


def test_a_source_outside_the_scope_is_not_found(built, client_for):
    client = client_for(world.actor("neighbour_official"))
    source = built.sources["covered"]
    assert client.get(source_page(source)).status_code == 404
    url = reverse("hazchem:source_devices_link", args=[source.pk])
    assert client.post(url, {"devices": [built.devices["covered_tank"].pk]}).status_code == 404
