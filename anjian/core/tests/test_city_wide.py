"""City-wide configuration needs a city-wide scope (issue 9, item 12): the one check
(``core.scoping.require_city_wide``) and the actions the role map marks as city-wide."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from ninja.errors import HttpError

from anjian.accounts import permissions as account_perms
from anjian.core import permissions as core_perms
from anjian.core.access import api_requires, requires
from anjian.core.exceptions import NotPermitted
from anjian.core.scoping import (
    EMPTY,
    EVERYTHING,
    Scope,
    covers_deployment,
    is_city_wide,
    require_city_wide,
)
from anjian.enterprises import permissions as enterprise_perms
from anjian.hazards import permissions as hazard_perms
from anjian.hazchem import permissions as hazchem_perms
from anjian.inspections import permissions as inspection_perms
from anjian.monitoring import permissions as monitoring_perms
from anjian.risks import permissions as risk_perms
from testsupport import world

pytestmark = pytest.mark.django_db


@pytest.fixture
def district_admin():
    return world.administrator_of(world.YANGPU)


@pytest.fixture
def city_admin():
    return world.administrator_of("31")


def test_the_whole_deployment_is_everything_or_the_region_root_or_above(settings):
    settings.REGION_ROOT = "3101"
    assert covers_deployment(EVERYTHING)
    assert covers_deployment(Scope(region_prefix="3101"))
    assert covers_deployment(Scope(region_prefix="31"))
    assert not covers_deployment(Scope(region_prefix="310110"))
    assert not covers_deployment(Scope(region_prefix="3101", industry_ids=frozenset({1})))
    assert not covers_deployment(Scope(enterprise_id=1))
    assert not covers_deployment(EMPTY)


def test_the_superuser_and_the_root_s_administrator_are_city_wide(admin, city_admin):
    assert is_city_wide(admin) and is_city_wide(city_admin)
    require_city_wide(admin)
    require_city_wide(city_admin)


@pytest.mark.parametrize("name", ["district_official", "housing_official", "enterprise_manager"])
def test_district_and_enterprise_users_are_not_city_wide(name):
    with pytest.raises(NotPermitted):
        require_city_wide(world.actor(name))


def test_a_district_administrator_is_refused_in_chinese_naming_the_scope(district_admin):
    with pytest.raises(NotPermitted) as refused:
        require_city_wide(district_admin, what="风险分级标准")

    message = str(refused.value)
    assert message.startswith("风险分级标准是全市统一配置")
    assert "杨浦区" in message


def test_the_city_wide_actions_need_a_city_wide_scope(district_admin, city_admin):
    for action in account_perms.city_wide_actions():
        assert account_perms.role_can("admin", action)
        assert not district_admin.can(action), action
        assert city_admin.can(action), action
    # Everything else an administrator does in the district stays granted.
    assert district_admin.can(enterprise_perms.ENTERPRISE_ADD) and district_admin.can(
        account_perms.USER_MANAGE
    )


def test_the_city_wide_actions_are_the_configuration_of_the_whole_deployment():
    city_wide = {
        risk_perms.RISK_CONFIGURE,
        hazard_perms.HAZARD_STANDARDS,
        monitoring_perms.MONITOR_ADMIN,
        inspection_perms.INSPECTION_STANDARDS,
        core_perms.CALENDAR_MANAGE,
        hazchem_perms.CATALOGUE_MANAGE,
        hazchem_perms.DUTYRULE_MANAGE,
    }
    assert city_wide == account_perms.city_wide_actions()


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_a_page_refuses_a_district_administrator_with_the_reason(district_admin):
    view = requires(hazard_perms.HAZARD_STANDARDS)(lambda request: HttpResponse("ok"))

    with pytest.raises(PermissionDenied) as refused:
        view(_request(district_admin))

    assert "全市统一配置" in str(refused.value)


def test_a_page_refuses_a_wrong_role_without_a_reason(leader):
    view = requires(hazard_perms.HAZARD_STANDARDS)(lambda request: HttpResponse("ok"))

    with pytest.raises(PermissionDenied) as refused:
        view(_request(leader))

    assert str(refused.value) == ""


def test_the_api_refuses_a_district_administrator_in_chinese(district_admin, leader):
    operation = api_requires(hazard_perms.HAZARD_STANDARDS)(lambda request: {"ok": True})

    with pytest.raises(HttpError) as refused:
        operation(_request(district_admin))
    with pytest.raises(HttpError) as wrong_role:
        operation(_request(leader))

    assert refused.value.status_code == wrong_role.value.status_code == 403
    assert "全市统一配置" in str(refused.value)
    assert str(wrong_role.value) == "您的角色无权执行此操作"
