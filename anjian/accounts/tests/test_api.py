"""/api/v1/me — the caller, their role, their scope and their actions."""

import pytest

from anjian.accounts.permissions import role_actions
from anjian.regions.models import Industry
from testsupport import world

ME = "/api/v1/me"


def test_me_reports_a_district_officials_scope(api_client_for, district_official):
    body = api_client_for(district_official).get(ME).json()
    assert body["username"] == "district_official"
    assert body["role"] == "supervisor"
    assert body["role_label"] == "应急局/安委办（综合监管）"
    assert body["scope"] == {
        "label": "上海市杨浦区",
        "everything": False,
        "region_prefix": world.YANGPU,
        "industry_ids": None,
        "enterprise_id": None,
    }
    assert body["actions"] == sorted(role_actions("supervisor"))


def test_me_reports_a_department_users_industries(api_client_for, housing_official):
    scope = api_client_for(housing_official).get(ME).json()["scope"]
    expected = sorted(
        Industry.objects.filter(
            code__in=["construction", "gas", "buildings", "municipal_facilities"]
        ).values_list("id", flat=True)
    )
    assert scope["industry_ids"] == expected
    assert scope["region_prefix"] == world.YANGPU


def test_me_reports_an_enterprise_users_enterprise(api_client_for, enterprise_manager):
    scope = api_client_for(enterprise_manager).get(ME).json()["scope"]
    assert scope["enterprise_id"] == world.enterprise("yinhang_chemical").pk
    assert scope["region_prefix"] is None
    assert scope["label"] == "上海殷行化工有限公司"


def test_me_reports_everything_for_the_administrator(api_client_for, admin):
    scope = api_client_for(admin).get(ME).json()["scope"]
    assert scope["everything"] is True
    assert scope["label"] == "全部"


def test_me_reports_an_empty_scope_for_an_expert(api_client_for, expert):
    body = api_client_for(expert).get(ME).json()
    assert body["scope"]["label"] == "无"
    assert body["scope"]["region_prefix"] is None
    assert "enterprise.view" not in body["actions"]


def test_me_works_with_a_browser_session_too(client_for, grid_member):
    body = client_for(grid_member).get(ME).json()
    assert body["scope"]["region_prefix"] == world.YINHANG + "W001"


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_me_is_read_only(api_client_for, leader, method):
    assert getattr(api_client_for(leader), method)(ME).status_code == 405


def test_me_without_credentials_is_401(client, db):
    response = client.get(ME)
    assert response.status_code == 401
    assert response.json() == {"detail": "需要登录或提供有效的 API 令牌"}
