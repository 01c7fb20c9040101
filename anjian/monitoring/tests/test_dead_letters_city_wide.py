"""The dead-letter table holds refused messages of every district's devices (no scope):
like the other city-wide administration, a district administrator does not read it
(issue 9, item 12); the city's administrator does."""

import pytest
from django.urls import reverse

from testsupport import world

pytestmark = pytest.mark.django_db
PAGE = reverse("monitoring:dead_letters")
API = "/api/v1/monitoring/dead-letters"


def test_a_district_administrator_is_refused_the_dead_letters_in_chinese(
    client_for, api_client_for
):
    district_admin = world.administrator_of(world.YANGPU)

    page = client_for(district_admin).get(PAGE)
    api = api_client_for(district_admin).get(API)

    assert page.status_code == api.status_code == 403
    assert "全市统一配置" in page.content.decode()
    assert "全市统一配置" in api.json()["detail"]


def test_the_city_s_administrator_reads_the_dead_letters(client_for, api_client_for):
    city_admin = world.administrator_of("31")

    assert client_for(city_admin).get(PAGE).status_code == 200
    assert api_client_for(city_admin).get(API).status_code == 200
