"""The industry catalogue is shared by every region: only a user whose scope is the whole
deployment adds or changes an industry (the shared check, core.scoping.require_city_wide)."""

import pytest
from django.urls import reverse

from anjian.regions.models import Industry
from testsupport import world

pytestmark = pytest.mark.django_db
NEW = {"code": "port", "name": "港口", "group": "交通", "sort_order": "300", "is_active": "on"}


def test_a_district_administrator_cannot_add_or_change_an_industry(client_for):
    client = client_for(world.administrator_of(world.YANGPU))
    gas = Industry.objects.get(code="gas")

    added = client.post(reverse("regions:industry_create"), NEW)
    changed = client.post(
        reverse("regions:industry_edit", args=[gas.pk]),
        {"code": "gas", "name": "区里改名", "group": gas.group, "sort_order": "1"},
    )
    page = client.get(reverse("regions:department_list")).content.decode()

    assert added.status_code == changed.status_code == 403
    assert "全市统一配置" in added.content.decode()
    assert not Industry.objects.filter(code="port").exists()
    assert Industry.objects.get(code="gas").name == gas.name
    assert reverse("regions:industry_create") not in page


def test_the_root_s_administrator_adds_an_industry(client_for):
    client = client_for(world.administrator_of("31"))

    assert client.post(reverse("regions:industry_create"), NEW).status_code == 302
    assert Industry.objects.filter(code="port").exists()
