"""/api/v1/regions — the region tree, industries and departments as reference data."""

import pytest

from anjian.regions.defaults import INDUSTRIES
from anjian.regions.models import Region
from testsupport import world

REGIONS = "/api/v1/regions/"


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()]


def test_the_children_of_a_district_are_its_streets(api_client_for, district_official):
    response = api_client_for(district_official).get(REGIONS, {"parent": world.YANGPU})
    expected = list(
        Region.objects.filter(parent_id=world.YANGPU)
        .order_by("code")
        .values_list("code", flat=True)
    )
    assert codes(response) == expected
    assert len(expected) == 12


def test_the_children_of_a_street_include_local_grids(api_client_for, street_officer):
    items = api_client_for(street_officer).get(REGIONS, {"parent": world.YINHANG}).json()
    assert items == [
        {
            "code": world.YINHANG + "W001",
            "name": "第1网格",
            "full_name": "上海市杨浦区殷行街道第1网格",
            "level": 6,
            "parent_code": world.YINHANG,
            "latitude": None,
            "longitude": None,
            "is_active": True,
        }
    ]


def test_regions_filter_by_level_and_name(api_client_for, leader):
    client = api_client_for(leader)
    assert codes(client.get(REGIONS, {"level": 3, "q": "杨浦"})) == [world.YANGPU]
    assert codes(client.get(REGIONS, {"level": 4, "q": "殷行"})) == [world.YINHANG]


def test_q_also_matches_a_code_prefix(api_client_for, leader):
    found = codes(api_client_for(leader).get(REGIONS, {"q": world.YINHANG}))
    assert found == [world.YINHANG, world.YINHANG + "W001"]


def test_retired_regions_are_not_listed(api_client_for, leader):
    Region.objects.filter(code=world.PINGLIANG).update(is_active=False)
    assert world.PINGLIANG not in codes(
        api_client_for(leader).get(REGIONS, {"parent": world.YANGPU})
    )


def test_a_region_in_detail(api_client_for, leader):
    body = api_client_for(leader).get(f"{REGIONS}{world.YANGPU}").json()
    assert body["name"] == "杨浦区"
    assert body["full_name"] == "上海市杨浦区"
    assert body["level"] == 3
    assert body["parent_code"] == "3101"
    assert 121.48 <= body["longitude"] <= 121.58
    assert 31.24 <= body["latitude"] <= 31.36


def test_an_unknown_region_is_404_in_chinese(api_client_for, leader):
    response = api_client_for(leader).get(f"{REGIONS}999999")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到"}


def test_industries_are_listed_with_their_codes(api_client_for, leader):
    body = api_client_for(leader).get(f"{REGIONS}industries").json()
    assert [item["code"] for item in body] == [industry.code for industry in INDUSTRIES]
    assert body[0] == {
        "id": body[0]["id"],
        "code": "hazchem",
        "name": "危险化学品",
        "group": "危化",
    }


def test_departments_are_listed_with_their_industry_codes(api_client_for, leader):
    body = api_client_for(leader).get(f"{REGIONS}departments").json()
    housing = next(item for item in body if item["name"] == "杨浦区建设和管理委员会")
    assert housing["region_code"] == world.YANGPU
    assert housing["short_name"] == "建管委"
    assert housing["is_comprehensive"] is False
    assert sorted(housing["industries"]) == [
        "buildings",
        "construction",
        "gas",
        "municipal_facilities",
    ]


@pytest.mark.parametrize("name", ["enterprise_manager", "expert"])
@pytest.mark.parametrize(
    "path", [REGIONS, f"{REGIONS}industries", f"{REGIONS}departments", f"{REGIONS}{world.YANGPU}"]
)
def test_roles_without_region_view_get_403(api_client_for, name, path, db):
    response = api_client_for(world.actor(name)).get(path)
    assert response.status_code == 403
    assert response.json() == {"detail": "您的角色无权执行此操作"}


@pytest.mark.parametrize(
    "path", [REGIONS, f"{REGIONS}industries", f"{REGIONS}departments", f"{REGIONS}{world.YANGPU}"]
)
def test_anonymous_callers_get_401(client, path, db):
    assert client.get(path).status_code == 401


def test_the_region_api_is_read_only(api_client_for, admin):
    assert api_client_for(admin).post(REGIONS, {}).status_code == 405
