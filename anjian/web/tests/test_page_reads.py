"""What a signed-in page reads (issue 11, item 4): the session, the user — with the
pickers' stamp, the demo flag and the unread notices in that same statement — and the
page's own figures. The region and industry pickers come from the cache, and any change
to them shows on the next request (anjian/core/caching.py)."""

import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from anjian.core.models import Notification, SiteFlag
from anjian.regions.models import Industry, Region
from testsupport import world

pytestmark = pytest.mark.django_db

FIGURES = reverse("hazards:clearing_figures")
# The table a statement reads rows of (its first selected column's table).
READS = re.compile(r'^SELECT (?:DISTINCT )?"(\w+)"\.')
PICKER_TABLES = {"regions_industry", "regions_region", "regions_department"}


def tables_read(queries) -> list[str]:
    tables = []
    for query in queries:
        match = READS.match(query["sql"])
        tables.append(match.group(1) if match else query["sql"][:40])
    return tables


def warm_client(client_for, actor: str):
    client = client_for(world.actor(actor))
    assert client.get(FIGURES).status_code == 200
    return client


@pytest.mark.parametrize("actor", ["admin", "district_official", "street_officer"])
def test_the_figures_page_reads_six_statements_on_a_warm_cache(client_for, actor):
    client = warm_client(client_for, actor)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(FIGURES)
    assert response.status_code == 200
    tables = tables_read(queries)
    assert len(tables) <= 6, tables
    assert not PICKER_TABLES & set(tables), "the pickers come from the cache"
    assert "core_siteflag" not in tables, "the demo flag is read with the user"
    assert not [t for t in tables if "COUNT(" in t], "the unread count is read with the user"


def test_an_industry_renamed_on_its_page_shows_on_the_next_request(client_for):
    client = warm_client(client_for, "admin")
    industry = Industry.objects.get(code="hazchem")
    form = {
        "code": industry.code,
        "name": "危险化学品（改名）",
        "group": industry.group,
        "sort_order": industry.sort_order,
        "is_active": "on",
    }
    response = client.post(reverse("regions:industry_edit", args=[industry.pk]), form)
    assert response.status_code == 302, response.content[:300]
    with CaptureQueriesContext(connection) as queries:
        page = client.get(FIGURES).content.decode()
    assert "危险化学品（改名）" in page
    assert "regions_industry" in tables_read(queries), "read afresh once"


def test_a_region_renamed_in_another_request_shows_for_every_user(client_for):
    """Each client is another browser (another process would be no different: the stamp
    is read from the database with the user)."""
    official = warm_client(client_for, "district_official")
    street = warm_client(client_for, "street_officer")
    yinhang = Region.objects.get(code=world.YINHANG)
    yinhang.name = "殷行街道（改名）"
    yinhang.save()
    for client in (official, street):
        assert "殷行街道（改名）" in client.get(FIGURES).content.decode()


def test_rows_cached_in_a_transaction_that_rolled_back_are_never_shown(client_for):
    client = warm_client(client_for, "district_official")
    industry = Industry.objects.get(code="hazchem")
    original = industry.name

    class Undone(Exception):
        pass

    with pytest.raises(Undone), transaction.atomic():
        industry.name = "回滚的名称"
        industry.save()
        assert "回滚的名称" in client.get(FIGURES).content.decode()
        raise Undone
    page = client.get(FIGURES).content.decode()
    assert "回滚的名称" not in page
    assert original in page


def test_the_demo_banner_follows_the_flag_on_the_next_request(client_for):
    client = warm_client(client_for, "street_officer")
    SiteFlag.objects.filter(key=SiteFlag.DEMO_DATA).delete()
    assert "demo-banner" not in client.get(FIGURES).content.decode()
    SiteFlag.objects.create(key=SiteFlag.DEMO_DATA, value={"seed": 1})
    assert "demo-banner" in client.get(FIGURES).content.decode()


def test_the_unread_badge_counts_what_is_unread_now(client_for):
    officer = world.actor("street_officer")
    client = warm_client(client_for, "street_officer")
    for n in range(3):
        Notification.objects.create(recipient=officer, kind="test", title=f"通知{n}")
    badge = re.compile(r"badge-notification[^>]*>(\d+)<")
    assert badge.findall(client.get(FIGURES).content.decode()) == ["3"]
    client.post(reverse("core:notification_read_all"))
    assert badge.findall(client.get(FIGURES).content.decode()) == []
