"""Every named actor against every read operation of the API (STYLE habit 3): 200 when
the role grants the operation's declared action (404 for a record read by an actor whose
scope holds no such record: ``access_emergency.api_unseen``), 403 when it does not, 401
anonymous."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from anjian.core.access import declared_access
from anjian.web.tests.access_analytics import (
    indicator_denominator,
    indicator_plan,
    monthly_report,
)
from anjian.web.tests.access_emergency import api_unseen, emergency_api_url
from anjian.web.tests.access_hazchem import hazchem_api_url
from anjian.web.tests.access_hazchem_coverage import COVERAGE_API_READS
from anjian.web.tests.access_hazchem_duties import HAZCHEM_DUTY_API_READS
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
from anjian.web.tests.access_specialwork import SPECIALWORK_API_READS, specialwork_api_url
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
    "/api/v1/warnings/{int:alert_id}/co-issuers",
    "/api/v1/warnings/{int:alert_id}/deliveries",
    "/api/v1/warnings/{int:alert_id}/reach",
    "/api/v1/warnings/reach",
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
    "/api/v1/inspections/inspectors/",
    "/api/v1/inspections/inspectors/{int:inspector_id}",
    "/api/v1/inspections/matters/",
    "/api/v1/inspections/draws/",
    "/api/v1/inspections/draws/{int:draw_id}",
    "/api/v1/inspections/draws/{int:draw_id}/record",
    "/api/v1/inspections/draws/{int:draw_id}/verify",
    "/api/v1/inspections/tasks/",
    "/api/v1/inspections/tasks/{int:task_id}",
    "/api/v1/inspection-plans/",
    "/api/v1/inspection-plans/policy",
    "/api/v1/inspection-plans/{int:plan_id}",
    "/api/v1/inspection-plans/{int:plan_id}/entries",
    "/api/v1/onsite-inspections/",
    "/api/v1/onsite-inspections/visits/",
    "/api/v1/onsite-inspections/{int:inspection_id}",
    "/api/v1/onsite-inspections/units/{int:unit_id}/checklists",
    "/api/v1/penalty-cases/",
    "/api/v1/penalty-cases/discretion-rules",
    "/api/v1/penalty-cases/{int:case_id}",
    "/api/v1/enforcement-documents/",
    "/api/v1/enforcement-documents/{int:enforcement_document_id}",
    "/api/v1/enforcement-documents/{int:enforcement_document_id}/file",
    "/api/v1/accidents/",
    "/api/v1/accidents/{int:accident_id}",
    "/api/v1/analytics/indicators",
    "/api/v1/analytics/breakdown",
    "/api/v1/analytics/denominators",
    "/api/v1/analytics/denominators/{int:denominator_id}",
    "/api/v1/analytics/plans",
    "/api/v1/analytics/plans/{int:indicator_plan_id}",
    "/api/v1/analytics/monthly-reports/",
    "/api/v1/analytics/monthly-reports/{int:monthly_report_id}",
    "/api/v1/analytics/monthly-reports/{int:monthly_report_id}/{kind}",
    "/api/v1/emergency/figures/plans",
    "/api/v1/emergency/figures/drills",
    "/api/v1/emergency/nearest",
    *(
        f"/api/v1/emergency/{kind}{detail}"
        for kind, record in (
            ("plans", "emergency_plan"),
            ("drills", "drill"),
            ("teams", "team"),
            ("warehouses", "warehouse"),
            ("supplies", "supply"),
            ("equipment", "equipment"),
            ("shelters", "shelter"),
            ("experts", "expert"),
            ("incidents", "incident"),
        )
        for detail in ("", f"/{{int:{record}_id}}")
    ),
    "/api/v1/emergency/plans/{int:emergency_plan_id}/attachments/{int:plan_attachment_id}",
    "/api/v1/emergency/supplies/{int:supply_id}/movements",
    "/api/v1/emergency/incidents/{int:incident_id}/timeline",
    "/api/v1/emergency/incidents/{int:incident_id}/candidates",
    "/api/v1/hazchem/chemicals",
    "/api/v1/hazchem/chemicals/{int:chemical_id}",
    "/api/v1/hazchem/units",
    "/api/v1/hazchem/units/{int:unit_id}",
    "/api/v1/hazchem/units/{int:unit_id}/evaluations",
    "/api/v1/hazchem/sources",
    "/api/v1/hazchem/sources/{int:source_id}",
    *COVERAGE_API_READS,
    *HAZCHEM_DUTY_API_READS,
    *SPECIALWORK_API_READS,
    "/api/v1/hazchem/figures/sources",
}


def api_get_operations() -> dict[str, object]:
    found = {}
    for path, operation in api_operations_from_routers():
        if "GET" in operation.methods:
            template = "/api/v1" + path.replace("//", "/")
            found[template] = operation
    return found


def own_department(setup: Setup):
    """The actor's own department when it has one in its enterprise's district (a draw is
    seen by its own department only among 行业部门 users), else the district's first."""
    from anjian.regions.models import Department

    district = setup.enterprise.street.parent
    user = setup.user
    if (
        user is not None
        and getattr(user, "department", None)
        and user.department.region == district
    ):
        return user.department
    return Department.objects.filter(region=district).order_by("pk")[0]


def inspection_plan(setup: Setup):
    """A 2027 plan of the actor's department (``own_department``), made once per setup."""
    from anjian.inspections.plan_models import InspectionPlan
    from anjian.inspections.plans import services as plan_services

    department = own_department(setup)
    found = InspectionPlan.objects.filter(department=department, year=2027).first()
    return found or plan_services.plan_propose(
        world.actor("admin"), department=department, year=2027
    )


def inspection_draw(setup: Setup):
    """A draw of the actor's enterprise alone (its street and industry) by the first
    department of its district, with a pool of two, made once per setup through the
    services: the inspector, draw and task the inspection reads are requested with."""
    from anjian.accounts.models import User
    from anjian.accounts.roles import Role
    from anjian.inspections import services
    from anjian.inspections.models import Draw

    enterprise = setup.enterprise
    department = own_department(setup)
    title = "接口访问表抽查"
    found = Draw.objects.filter(department=department, title=title).first()
    if found is not None:
        return found
    admin = world.actor("admin")
    # An 执法人员 actor of the department is one of the two: they read their own task.
    user = setup.user
    people = [user] if user.role == Role.INSPECTOR and user.department == department else []
    for n in range(2 - len(people)):
        people.append(
            User.objects.create(
                username=f"zf_access_{department.pk}_{n}",
                name="执法人员",
                role=Role.INSPECTOR,
                region=department.region,
                department=department,
            )
        )
    for n, official in enumerate(people):
        services.inspector_save(
            admin,
            data={
                "user": official,
                "department": department,
                "certificate_number": f"ACCESS{department.pk:04d}{n}",
                "certificate_valid_until": date.today() + timedelta(days=365),
            },
        )
    matter = services.matter_save(
        admin,
        data={
            "department": department,
            "name": title,
            "basis": "《中华人民共和国安全生产法》第六十五条",
            "industries": [enterprise.industry],
        },
    )
    return services.draw_run(
        admin, department=department, matter=matter, title=title, count=1, street=enterprise.street
    )


def penalty_case(setup: Setup):
    """A case of the actor's enterprise filed by the administrator for the department
    ``inspection_draw`` draws for, its two pooled officials handling it; made once per setup."""
    from anjian.inspections.case_models import Case
    from anjian.inspections.cases import services as case_services

    department = inspection_draw(setup).department
    found = Case.objects.filter(department=department, title="接口访问表案件").first()
    return found or case_services.case_file(
        world.actor("admin"),
        enterprise_id=setup.enterprise.pk,
        department_id=department.pk,
        title="接口访问表案件",
        facts="违法事实",
        handler_ids=[i.pk for i in department.inspectors.order_by("pk")[:2]],
    )


def onsite_inspection(setup: Setup):
    """The on-site inspection of ``inspection_draw``'s task (its two officials, the actor
    among them when an 执法人员 of the department), started by the administrator."""
    from anjian.inspections.onsite import services as onsite

    task = inspection_draw(setup).tasks.get()
    return onsite.inspection_from_task(world.actor("admin"), task_id=task.pk)


def enforcement_document(setup: Setup):
    """The 现场检查记录 of ``onsite_inspection`` (issued by the administrator, once)."""
    from anjian.inspections import documents
    from anjian.inspections.models import EnforcementDocument

    inspection = onsite_inspection(setup)
    found = EnforcementDocument.objects.filter(inspection=inspection).first()
    return found or documents.issue(
        by=world.actor("admin"), kind="inspection_record", inspection=inspection
    )


def accident(setup: Setup):
    """A quick report of an accident at the actor's enterprise (scoped like the unit, down
    to its grid), filed by the administrator through the service, once per setup."""
    from anjian.accidents import services as accident_services
    from anjian.accidents.models import Accident

    enterprise = setup.enterprise
    found = Accident.objects.filter(enterprise=enterprise).first()
    if found is not None:
        return found
    occurred = timezone.now() - timedelta(minutes=30)
    return accident_services.accident_report(
        by=world.actor("admin"),
        enterprise=enterprise.pk,
        occurred_at=occurred,
        known_at=occurred,
        place=enterprise.address,
        accident_type="04",
        category="trade_other",
        summary="接口访问表事故",
        deaths=1,
    )


def api_url(template_path: str, setup: Setup) -> str:
    if template_path.startswith("/api/v1/emergency/"):
        return emergency_api_url(template_path, setup)
    if template_path.startswith("/api/v1/hazchem/"):
        return hazchem_api_url(template_path, setup)
    if template_path.startswith("/api/v1/specialwork/"):
        return specialwork_api_url(template_path, setup)
    if "{int:denominator_id}" in template_path:
        denominator_id = str(indicator_denominator(setup).pk)
        template_path = template_path.replace("{int:denominator_id}", denominator_id)
    if "{int:indicator_plan_id}" in template_path:
        plan_id = str(indicator_plan(setup).pk)
        template_path = template_path.replace("{int:indicator_plan_id}", plan_id)
    if "{int:monthly_report_id}" in template_path:
        report_id = str(monthly_report(setup).pk)
        template_path = template_path.replace("{int:monthly_report_id}", report_id)
        template_path = template_path.replace("{kind}", "docx")
    if "{int:accident_id}" in template_path:
        template_path = template_path.replace("{int:accident_id}", str(accident(setup).pk))
    if "{int:enforcement_document_id}" in template_path:
        template_path = template_path.replace(
            "{int:enforcement_document_id}", str(enforcement_document(setup).pk)
        )
    if template_path.startswith("/api/v1/penalty-cases/{int:case_id}"):
        template_path = template_path.replace("{int:case_id}", str(penalty_case(setup).pk))
    if template_path.startswith("/api/v1/onsite-inspections/"):
        # Their own names: {int:inspection_id}, {int:unit_id} (the actor's enterprise).
        if "{int:inspection_id}" in template_path:
            inspection_id = str(onsite_inspection(setup).pk)
            template_path = template_path.replace("{int:inspection_id}", inspection_id)
        template_path = template_path.replace("{int:unit_id}", str(setup.enterprise.pk))
    if "{int:draw_id}" in template_path or "{int:task_id}" in template_path:
        drawn = inspection_draw(setup)
        template_path = template_path.replace("{int:draw_id}", str(drawn.pk)).replace(
            "{int:task_id}", str(drawn.tasks.get().pk)
        )
    if template_path.startswith("/api/v1/inspection-plans/{int:plan_id}"):
        # Not the self-check plans' {int:plan_id}, filled further down.
        template_path = template_path.replace("{int:plan_id}", str(inspection_plan(setup).pk))
    if "{int:inspector_id}" in template_path:
        inspector = inspection_draw(setup).department.inspectors.order_by("pk")[0]
        template_path = template_path.replace("{int:inspector_id}", str(inspector.pk))
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
        if expected == 200 and name in api_unseen(path):
            expected = 404
        if status != expected:
            wrong.append(f"{path} [{access}]: {status}, expected {expected}")
    assert not wrong, f"{name}:\n" + "\n".join(wrong)


def test_anonymous_api_calls_are_401(media, db):
    setup = build_setup("district_official")
    for path in api_get_operations():
        response = Client().get(api_url(path, setup))
        assert response.status_code == 401, path
        assert response.json() == {"detail": "需要登录或提供有效的 API 令牌"}
