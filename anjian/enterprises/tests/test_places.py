"""公共区域台账 (ADR 14): who may register a public place, who sees it, and its rules."""

import pytest
from django.urls import reverse

from anjian.core.exceptions import Conflict, NotPermitted, ValidationError
from anjian.enterprises.models import PlaceKind, PublicPlace
from anjian.enterprises.places import services
from anjian.regions.models import Industry, Region
from testsupport import world

pytestmark = pytest.mark.django_db


def industry(code: str) -> Industry:
    return Industry.objects.get(code=code)


def facade(by=None, **overrides) -> PublicPlace:
    """A shop-front facade in 殷行街道's first grid (房屋建筑: 建管委's)."""
    data = {
        "kind": PlaceKind.FACADE,
        "name": "殷行路 128 号沿街商铺外立面",
        "address": "殷行路 128 号",
        "street": Region.objects.get(code=world.YINHANG),
        "grid": Region.objects.get(code=world.YINHANG + "W001"),
        "industry": industry("buildings"),
    }
    data.update(overrides)
    return services.place_create(by=by or world.actor("street_officer"), data=data)


# Who sees the facade: the place's street, grid, district and 建管委 (buildings), nobody else.
SEES_FACADE = {
    "district_official": True,
    "street_officer": True,
    "grid_member": True,
    "neighbour_official": False,
    "housing_official": True,
    "inspector": True,
    "leader": True,
    "enterprise_manager": False,
    "expert": False,
    "admin": True,
}


@pytest.mark.parametrize("actor", world.ACTORS)
def test_a_place_is_seen_exactly_by_those_whose_scope_holds_it(actor, client_for):
    place = facade()
    user = world.actor(actor)
    assert PublicPlace.objects.for_user(user).filter(pk=place.pk).exists() is SEES_FACADE[actor]
    response = client_for(user).get(reverse("enterprises:place_detail", args=[place.pk]))
    if not user.can("place.view"):
        assert response.status_code == 403
    else:
        assert response.status_code == (200 if SEES_FACADE[actor] else 404)


def test_the_list_shows_the_places_in_scope_only(client_for):
    mine = facade()
    theirs = services.place_create(
        by=world.actor("admin"),
        data={
            "kind": PlaceKind.ROAD_SECTION,
            "name": "四川北路（嘉兴路段）",
            "address": "四川北路",
            "street": Region.objects.streets().filter(parent_id=world.HONGKOU).first(),
            "industry": industry("road_traffic"),
        },
    )
    page = client_for(world.actor("street_officer")).get(reverse("enterprises:place_list"))
    assert mine.name in page.content.decode()
    assert theirs.name not in page.content.decode()


def test_a_street_officer_cannot_register_a_place_in_another_street():
    with pytest.raises(ValidationError) as refused:
        facade(street=Region.objects.get(code=world.PINGLIANG), grid=None)
    assert "只能登记您管辖范围" in str(refused.value.message_dict["street"])
    assert not PublicPlace.objects.exists()


def test_a_department_registers_only_places_of_its_own_domains():
    housing = world.actor("housing_official")
    facade(by=housing)  # 房屋建筑: the 建管委's
    with pytest.raises(ValidationError) as refused:
        facade(
            by=housing,
            name="殷行路（开鲁路段）",
            kind=PlaceKind.ROAD_SECTION,
            industry=industry("road_traffic"),
        )
    assert refused.value.message_dict["industry"] == ["只能登记本部门监管领域的公共区域"]


def test_a_place_must_be_in_a_public_domain_and_a_unit_never_is():
    with pytest.raises(ValidationError) as refused:
        facade(industry=industry("hazchem"))
    assert "公共区域的监管领域" in refused.value.message_dict["industry"][0]

    from anjian.enterprises import services as enterprise_services

    unit = world.enterprise("yinhang_chemical")
    with pytest.raises(ValidationError) as also_refused:
        enterprise_services.enterprise_update(
            by=world.actor("admin"),
            enterprise_id=unit.pk,
            data={"industry": industry("road_traffic")},
            expected_version=unit.version,
        )
    assert "不能作为单位的监管行业" in also_refused.value.message_dict["industry"][0]


def test_the_same_name_twice_in_one_street_is_refused_by_name():
    facade()
    with pytest.raises(ValidationError) as refused:
        facade()
    assert refused.value.message_dict["name"] == ["本街镇已登记同名的公共区域"]


def test_two_edits_from_the_same_version_one_wins_the_other_conflicts():
    place = facade()
    officer = world.actor("street_officer")
    services.place_update(
        by=officer, place_id=place.pk, data={"contact_name": "王建国"}, expected_version=1
    )
    with pytest.raises(Conflict):
        services.place_update(
            by=officer, place_id=place.pk, data={"contact_name": "李卫东"}, expected_version=1
        )
    place.refresh_from_db()
    assert (place.contact_name, place.version) == ("王建国", 2)


def test_leaders_and_inspectors_read_but_do_not_register():
    for actor in ("leader", "inspector"):
        with pytest.raises(NotPermitted):
            facade(by=world.actor(actor))


def test_the_responsible_department_is_derived_from_the_domain_unless_set():
    place = facade()
    assert services.responsible_department(place).short_name == "建管委"


def test_the_form_page_creates_a_place_with_the_kinds_default_domain(client_for):
    client = client_for(world.actor("street_officer"))
    response = client.post(
        reverse("enterprises:place_create"),
        {
            "kind": PlaceKind.ROAD_SECTION,
            "name": "开鲁路（殷行段）",
            "address": "开鲁路殷行段",
            "street": world.YINHANG,
            "is_active": "on",
        },
    )
    place = PublicPlace.objects.get(name="开鲁路（殷行段）")
    assert response.status_code == 302
    assert place.industry.code == "road_traffic"
    assert place.scope_region_code == world.YINHANG


def test_the_form_page_names_a_bad_coordinate_in_chinese(client_for):
    client = client_for(world.actor("street_officer"))
    response = client.post(
        reverse("enterprises:place_create"),
        {
            "kind": PlaceKind.BRIDGE,
            "name": "开鲁路人行天桥",
            "address": "开鲁路",
            "street": world.YINHANG,
            "latitude": "31.3",
            "is_active": "on",
        },
    )
    assert response.status_code == 422
    assert "经度和纬度需同时填写" in response.content.decode()
    assert not PublicPlace.objects.exists()


def test_the_api_lists_the_places_in_scope_for_integrators(api_client_for):
    place = facade()
    answer = api_client_for(world.actor("street_officer")).get("/api/v1/places/?q=殷行路")
    assert answer.status_code == 200
    (row,) = answer.json()["items"]
    assert (row["id"], row["industry"], row["street"]) == (place.pk, "buildings", world.YINHANG)
    other = api_client_for(world.actor("neighbour_official"))
    assert other.get(f"/api/v1/places/{place.pk}").status_code == 404
    assert other.get("/api/v1/places/").json()["count"] == 0
    refused = api_client_for(world.actor("enterprise_manager")).get("/api/v1/places/")
    assert refused.status_code == 403


def test_the_api_names_a_bad_filter(api_client_for):
    answer = api_client_for(world.actor("street_officer")).get("/api/v1/places/?kind=castle")
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["query", "kind"]
