"""Every named actor against every read operation of the API (STYLE habit 3): 200 when
the role grants the operation's declared action, 403 when it does not, 401 anonymous."""

import pytest
from django.test import Client

from anjian.core.access import declared_access
from anjian.web.tests.access_setup import (
    Setup,
    build_setup,
    granted,
    monitoring_alarm,
    monitoring_device,
    monitoring_gateway,
    public_place,
    selfcheck_plan,
    standard,
    standard_clause,
)
from anjian.web.tests.route_walk import api_operations_from_routers
from testsupport import world

API_READS = {
    "/api/v1/me",
    "/api/v1/regions/",
    "/api/v1/regions/industries",
    "/api/v1/regions/departments",
    "/api/v1/regions/{code}",
    "/api/v1/enterprises/",
    "/api/v1/enterprises/{int:enterprise_id}",
    "/api/v1/places/",
    "/api/v1/places/{int:place_id}",
    "/api/v1/hazards/",
    "/api/v1/hazards/figures",
    "/api/v1/hazards/measures",
    "/api/v1/hazards/{int:hazard_id}",
    "/api/v1/hazards/{int:hazard_id}/timeline",
    "/api/v1/hazards/{int:hazard_id}/extensions",
    "/api/v1/hazards/{int:hazard_id}/listings",
    "/api/v1/hazards/{int:hazard_id}/revisits",
    "/api/v1/hazards/{int:hazard_id}/duplicates",
    "/api/v1/self-checks/plans",
    "/api/v1/self-checks/plans/{int:plan_id}",
    "/api/v1/self-checks/records",
    "/api/v1/hazard-standards/",
    "/api/v1/hazard-standards/suggest",
    "/api/v1/hazard-standards/clauses/{int:clause_id}",
    "/api/v1/hazard-standards/{int:document_id}",
    "/api/v1/risk-points/",
    "/api/v1/risk-points/{int:risk_point_id}",
    "/api/v1/risk-points/{int:risk_point_id}/measures",
    "/api/v1/risk-register/",
    "/api/v1/risk-band-tables/",
    "/api/v1/risk-library/",
    "/api/v1/warnings/",
    "/api/v1/warnings/{int:alert_id}",
    "/api/v1/warnings/{int:alert_id}/xml",
    "/api/v1/monitoring/device-types",
    "/api/v1/monitoring/devices",
    "/api/v1/monitoring/devices/{int:device_id}",
    "/api/v1/monitoring/devices/{int:device_id}/readings",
    "/api/v1/monitoring/alarms",
    "/api/v1/monitoring/alarms/{int:alarm_id}",
    "/api/v1/monitoring/rates",
    "/api/v1/monitoring/dead-letters",
    "/api/v1/monitoring/auth-failures",
    "/api/v1/monitoring/gateways",
    "/api/v1/monitoring/gateways/{int:gateway_id}",
}


def api_get_operations() -> dict[str, object]:
    found = {}
    for path, operation in api_operations_from_routers():
        if "GET" in operation.methods:
            template = "/api/v1" + path.replace("//", "/")
            found[template] = operation
    return found


def api_url(template_path: str, setup: Setup) -> str:
    return (
        template_path.replace("{code}", setup.region_code)
        .replace("{int:enterprise_id}", str(setup.enterprise.pk))
        .replace("{int:hazard_id}", str(setup.hazard.pk))
        .replace("{int:plan_id}", str(selfcheck_plan(setup).pk))
        .replace("{int:document_id}", str(standard(setup).pk))
        .replace("{int:clause_id}", str(standard_clause(setup).pk))
        .replace("{int:risk_point_id}", str(setup.risk_point.pk))
        .replace("{int:alert_id}", str(setup.cap_alert.pk))
        .replace("{int:device_id}", str(monitoring_device(setup).pk))
        .replace("{int:alarm_id}", str(monitoring_alarm(setup).pk))
        .replace("{int:gateway_id}", str(monitoring_gateway(setup).pk))
        .replace("{int:place_id}", str(public_place(setup).pk))
    )


def test_the_api_table_covers_every_read_operation():
    assert set(api_get_operations()) == API_READS


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize("name", world.ACTORS)
def test_each_role_reads_the_api_exactly_where_its_actions_allow(name, media, api_client_for, db):
    setup = build_setup(name)
    client = api_client_for(setup.user)
    wrong = []
    for path, operation in sorted(api_get_operations().items()):
        access = declared_access(operation.view_func)
        status = client.get(api_url(path, setup)).status_code
        expected = 200 if granted(setup.user, access) else 403
        if status != expected:
            wrong.append(f"{path} [{access}]: {status}, expected {expected}")
    assert not wrong, f"{name}:\n" + "\n".join(wrong)


def test_anonymous_api_calls_are_401(media, db):
    setup = build_setup("district_official")
    for path in api_get_operations():
        response = Client().get(api_url(path, setup))
        assert response.status_code == 401, path
        assert response.json() == {"detail": "需要登录或提供有效的 API 令牌"}
