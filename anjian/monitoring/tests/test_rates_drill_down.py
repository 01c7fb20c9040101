"""在线率: every number in the table (and the totals) is a link to the console's device list
showing exactly the devices it counts — followed here, for each grouping, each row and
each number, and the list's count compared with the number."""

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from anjian.monitoring import ingest
from anjian.monitoring.choices import DeviceState, QualityKind
from anjian.monitoring.models import Device, QualityFlag
from anjian.monitoring.tests.factories import device, group, hazard_source, send
from testsupport import world

LINK = re.compile(r'<a href="([^"]+)" data-count="(\d+)"')
LISTED = re.compile(r'data-count="(\d+)">共')


@pytest.fixture(autouse=True)
def fresh_registry():
    ingest.registry.clear()


@pytest.fixture
def fleet(db):
    """Devices in two streets, three enterprises, two industries: online, offline and
    never seen; some linked to major hazard sources (危险源设备); data-quality problems (two
    on one device)."""
    t = timezone.now() - timedelta(minutes=1)
    source = {"hazard_source": hazard_source()}
    pingliang = {"hazard_source": hazard_source("pingliang_factory", "液氯仓库")}
    up = [
        device("TK-1", **source),
        device("TK-2"),
        device("ST-1", kind="structure", enterprise="yinhang_site"),
        device("TK-3", enterprise="pingliang_factory", **pingliang),
    ]
    for dev in up:
        send(dev, group(t, **{dev.device_type.metrics.first().code: 1.0}), now=t)
    down = device("TK-4", **source)
    Device.objects.filter(pk=down.pk).update(state=DeviceState.OFFLINE)
    device("TK-5", enterprise="pingliang_factory", **pingliang)  # never seen
    device("GL-1", kind="gas_lel", enterprise="yinhang_site")  # never seen
    retired = device("TK-6", enterprise="pingliang_factory")
    Device.objects.filter(pk=retired.pk).update(is_active=False)  # counted nowhere
    QualityFlag.objects.create(device=up[1], kind=QualityKind.CONFIG_CHANGE, detail="阈值修改")
    QualityFlag.objects.create(device=up[1], kind=QualityKind.GAP, detail="中断")
    QualityFlag.objects.create(device=down, kind=QualityKind.GAP, detail="中断")


def listed(client, url: str) -> int:
    page = client.get(url).content.decode()
    [count] = LISTED.findall(page)
    return int(count)


@pytest.mark.parametrize("by", ["street", "industry", "enterprise"])
def test_every_number_opens_exactly_the_devices_it_counts(fleet, client_for, by):
    client = client_for(world.actor("district_official"))
    page = client.get(reverse("monitoring:rates"), {"by": by}).content.decode()
    table = page.split('id="rates-table"')[1]
    links = LINK.findall(table)
    assert len(links) >= 6 * 2  # six numbers a row, at least two rows
    wrong = [
        (html.unescape(href), int(count), listed(client, html.unescape(href)))
        for href, count in links
        if listed(client, html.unescape(href)) != int(count)
    ]
    assert not wrong
    counts = [int(count) for _href, count in links]
    assert sum(counts) > 0


def test_the_offline_number_counts_offline_and_never_seen_devices(fleet, client_for):
    client = client_for(world.actor("district_official"))
    page = client.get(reverse("monitoring:rates"), {"by": "enterprise"}).content.decode()
    row = page.split(f'data-row="{world.enterprise("pingliang_factory").pk}"')[1].split("</tr>")[0]
    devices, online, offline, _hs_up, _hs, _quality = [int(c) for _h, c in LINK.findall(row)]
    assert (devices, online, offline) == (2, 1, 1)  # TK-3 online, TK-5 never; TK-6 retired


def test_the_totals_link_to_the_whole_fleet(fleet, client_for):
    client = client_for(world.actor("district_official"))
    page = client.get(reverse("monitoring:rates")).content.decode()
    cards = page.split('id="rates-table"')[0]
    numbers = re.findall(r'<a href="(/monitoring/[^"]*)">(\d+)</a>', cards)
    hrefs = [html.unescape(href) for href, _n in numbers]
    shown = [int(n) for _href, n in numbers]
    assert shown == [4, 7, 3, 2, 4]  # online / devices · offline; source devices online / all
    assert [listed(client, href) for href in hrefs] == shown


def test_a_link_shows_nothing_outside_the_scope(fleet, client_for):
    client = client_for(world.actor("street_officer"))  # 殷行 only
    page = client.get(reverse("monitoring:rates"), {"by": "street"}).content.decode()
    assert world.PINGLIANG not in page
    pingliang = reverse("monitoring:console") + f"?street={world.PINGLIANG}"
    assert listed(client, pingliang) <= 5  # an unknown street for them: their own devices
