"""The LEC/LS band tables grade every risk point in the city: only a user whose scope is the
whole deployment publishes a new version (issue 9, item 12) — service, page and API."""

import pytest
from django.urls import reverse

from anjian.core.exceptions import NotPermitted
from anjian.risks import services
from anjian.risks.defaults import BAND_TABLES
from anjian.risks.models import RiskBandTable
from testsupport import world

pytestmark = pytest.mark.django_db
LIST = reverse("risks:band_table_list")
PUBLISH = reverse("risks:band_table_publish", args=["lec"])


@pytest.fixture
def district_admin():
    return world.administrator_of(world.YANGPU)


@pytest.fixture
def city_admin():
    return world.administrator_of("31")


def publish(by):
    lec = next(t for t in BAND_TABLES if t["method"] == "lec")
    return services.band_table_publish(
        by=by,
        method="lec",
        boundary_rule="upper",
        bands=[
            {"level": "red", "limit": "300"},
            {"level": "orange", "limit": "160"},
            {"level": "yellow", "limit": "70"},
            {"level": "blue", "limit": None},
        ],
        factors=lec["factors"],
        source="某区指南",
        edition="区里自己改的",
        based_on_version=1,
    )


def versions() -> int:
    return RiskBandTable.objects.filter(method="lec").count()


def publish_form(client_for, admin) -> dict:
    """What the publish page posts, read from the city administrator's form."""
    form = client_for(admin).get(PUBLISH).context["form"]
    data = {key: form[key].value() or "" for key in form.fields}
    data.update({"red_limit": "300", "edition": "区里自己改的"})
    return data


# --- the service ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["district_admin", "district_official"])
def test_a_district_user_cannot_publish_a_band_table(who, request):
    user = request.getfixturevalue(who)

    with pytest.raises(NotPermitted) as refused:
        publish(user)

    assert "全市统一配置" in str(refused.value)
    assert versions() == 1


@pytest.mark.parametrize("who", ["admin", "city_admin"])
def test_the_city_s_administrator_publishes_a_band_table(who, request):
    table = publish(request.getfixturevalue(who))

    assert (table.version, versions()) == (2, 2)


# --- the pages ---------------------------------------------------------------------------------


def test_a_district_administrator_is_refused_the_publish_page_in_chinese(
    client_for, district_admin, admin
):
    data = publish_form(client_for, admin)
    client = client_for(district_admin)

    shown = client.get(PUBLISH)
    posted = client.post(PUBLISH, data)

    assert shown.status_code == posted.status_code == 403
    assert "全市统一配置" in posted.content.decode()
    assert versions() == 1


def test_the_band_table_page_offers_publishing_only_city_wide(
    client_for, district_admin, city_admin
):
    assert "修改并发布新版本" not in client_for(district_admin).get(LIST).content.decode()
    assert "修改并发布新版本" in client_for(city_admin).get(LIST).content.decode()


def test_the_root_s_administrator_publishes_from_the_page(client_for, city_admin, admin):
    response = client_for(city_admin).post(PUBLISH, publish_form(client_for, admin))

    assert response.status_code == 302
    assert RiskBandTable.objects.current("lec").version == 2


# --- the API -----------------------------------------------------------------------------------


def test_the_api_offers_no_write_on_band_tables_or_the_industry_library():
    from anjian.risks.api import band_tables_router, library_router

    methods = {
        method
        for router in (band_tables_router, library_router)
        for path_view in router.path_operations.values()
        for operation in path_view.operations
        for method in operation.methods
    }
    assert methods == {"GET"}


def test_a_district_administrator_reads_the_band_tables_through_the_api(
    api_client_for, district_admin
):
    response = api_client_for(district_admin).get("/api/v1/risk-band-tables/")
    assert response.status_code == 200
