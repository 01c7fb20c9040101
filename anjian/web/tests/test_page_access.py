"""Every named actor against every page (STYLE habit 3): 200/302 when the role grants the
page's declared action (404 where its scope holds no such record: ``Page.unseen``), 403 when
it does not, and login for anonymous visitors. Rows of some apps live beside the records they
open (``access_emergency``, ``access_cap``, ``access_hazchem``)."""

import pytest
from django.test import Client
from django.urls import reverse

from anjian.core.access import PUBLIC, declared_access
from anjian.regions.models import Industry
from anjian.web.tests.access_accidents import accident_records
from anjian.web.tests.access_analytics import (
    indicator_denominator,
    indicator_plan,
    monthly_report,
)
from anjian.web.tests.access_cap import CAP_DELIVERY_PAGES
from anjian.web.tests.access_emergency import EMERGENCY_PAGES
from anjian.web.tests.access_hazchem import HAZCHEM_PAGES
from anjian.web.tests.access_hazchem_catalogue import CATALOGUE_PAGES
from anjian.web.tests.access_hazchem_coverage import COVERAGE_PAGES
from anjian.web.tests.access_hazchem_duties import HAZCHEM_DUTY_PAGES
from anjian.web.tests.access_inspections import (
    checklist,
    discretion_rule,
    enforcement_document,
    inspection,
    inspection_plan,
    onsite_inspection,
    onsite_selectors,
    onsite_visit,
    penalty_case,
)
from anjian.web.tests.access_pages import Page
from anjian.web.tests.access_setup import (
    Setup,
    account_data,
    build_setup,
    granted,
    monitoring_alarm,
    monitoring_device,
    monitoring_gateway,
    public_place,
    selfcheck_plan,
    selfcheck_record,
    standard,
    standard_clause,
)
from anjian.web.tests.access_specialwork import SPECIALWORK_PAGES
from anjian.web.tests.route_walk import Route, all_routes
from testsupport import world

PAGES: dict[str, Page] = {
    "web:home": Page(),
    "web:healthz": Page(),
    "accounts:login": Page(ok=(200, 302)),  # signed-in users are sent on
    "accounts:logout": Page(method="post"),
    "accounts:profile": Page(),
    "accounts:password_change": Page(),
    "accounts:token_create": Page(
        method="post", data=lambda s: {"token-name": "对接", "token-days": "30"}
    ),
    "accounts:token_revoke": Page(method="post", args=lambda s: [s.token.pk]),
    "accounts:user_list": Page(),
    "accounts:user_create": Page(),
    "accounts:user_edit": Page(args=lambda s: [s.user.pk]),
    # Not locked: let in and told so (302 back to the user page), nothing written.
    "accounts:user_unlock": Page(method="post", args=lambda s: [s.user.pk]),
    "accounts:user_password_reset": Page(args=lambda s: [s.user.pk]),
    # An enterprise's own users are sent to their unit's page (a registry of one).
    "enterprises:enterprise_list": Page(ok=(200, 302)),
    "enterprises:enterprise_create": Page(),
    "enterprises:enterprise_map": Page(),
    "enterprises:enterprise_map_data": Page(),
    "enterprises:enterprise_export": Page(),
    "enterprises:enterprise_import": Page(),
    "enterprises:enterprise_import_template": Page(),
    "enterprises:grid_options": Page(query={"street": world.YINHANG}),
    "enterprises:enterprise_detail": Page(args=lambda s: [s.enterprise.pk]),
    "enterprises:place_list": Page(),
    "enterprises:place_create": Page(),
    "enterprises:place_export": Page(),
    "enterprises:place_detail": Page(args=lambda s: [public_place(s).pk]),
    "enterprises:place_edit": Page(args=lambda s: [public_place(s).pk]),
    "enterprises:enterprise_edit": Page(args=lambda s: [s.enterprise.pk]),
    "enterprises:enterprise_account_create": Page(
        method="post", args=lambda s: [s.enterprise.pk], data=account_data
    ),
    "enterprises:enterprise_account_toggle": Page(
        method="post", args=lambda s: [s.enterprise.pk, s.link.pk]
    ),
    "regions:region_list": Page(ok=(302,)),
    "regions:region_detail": Page(args=lambda s: [s.region_code]),
    "regions:region_add_child": Page(
        method="post", args=lambda s: [s.region_code], data=lambda s: {"name": "新网格", "level": 6}
    ),
    "regions:department_list": Page(),
    "regions:department_edit": Page(args=lambda s: [s.department.pk]),
    "regions:industry_create": Page(),
    "regions:industry_edit": Page(args=lambda s: [Industry.objects.get(code="hazchem").pk]),
    "core:job_detail": Page(args=lambda s: [s.job.pk]),
    "core:job_download": Page(args=lambda s: [s.job.pk]),
    "hazards:hazard_list": Page(),
    "hazards:hazard_export": Page(),
    "hazards:hazard_report": Page(),
    "hazards:report_nearby": Page(query={"lat": "31.32", "lon": "121.53"}),
    "hazards:hazard_map": Page(),
    "hazards:hazard_map_data": Page(),
    "hazards:clearing_figures": Page(),
    "hazards:clearing_figures_export": Page(),
    "hazards:listing_list": Page(),
    "hazards:revisit_list": Page(),
    "hazards:hazard_detail": Page(args=lambda s: [s.hazard.pk]),
    "hazards:escalation_rules": Page(),
    "hazards:measure_list": Page(),
    "hazards:measure_create": Page(),
    "hazards:measure_export": Page(),
    # 制度措施 belong to a street or district: a grid member's or an enterprise user's scope
    # never holds one (404, as for any record outside scope); the rest are let in.
    "hazards:measure_detail": Page(args=lambda s: [s.measure.pk], ok=(200, 404)),
    "hazards:measure_edit": Page(args=lambda s: [s.measure.pk], ok=(200, 404)),
    # Transitions and side actions: an empty POST is let in (the role may) and answered
    # with the form's errors (422) or a conflict with the state (409), never performed.
    **{
        f"hazards:{name}": Page(method="post", args=lambda s: [s.hazard.pk], ok=(409, 422))
        for name in (
            "hazard_register",
            "hazard_start",
            "hazard_submit",
            "hazard_accept",
            "hazard_reject",
            "hazard_close_on_spot",
            "hazard_void",
            "hazard_add_photos",
            "hazard_edit",
            "hazard_note",
            "extension_request",
            "hazard_escalate",
            "listing_create",
        )
    },
    "hazards:hazard_photo": Page(args=lambda s: [s.hazard.pk, s.hazard_photo.pk]),
    "hazards:extension_decide": Page(
        method="post", args=lambda s: [s.hazard.pk, s.extension.pk], ok=(302, 409, 422)
    ),
    "hazards:listing_sign_off": Page(
        method="post", args=lambda s: [s.hazard.pk, s.listing.pk], ok=(409, 422)
    ),
    "hazards:revisit_complete": Page(
        method="post", args=lambda s: [s.revisit.hazard_id, s.revisit.pk], ok=(409, 422)
    ),
    "hazards:duplicate_merge": Page(
        method="post", args=lambda s: [s.hazard.pk, s.duplicate.pk], ok=(302, 409)
    ),
    "hazards:duplicate_dismiss": Page(method="post", args=lambda s: [s.hazard.pk, s.duplicate.pk]),
    "core:notification_list": Page(),
    "core:work_calendar": Page(),
    "core:notification_read_all": Page(method="post"),
    "core:notification_read": Page(method="post", args=lambda s: [s.notification.pk]),
    "selfcheck:plan_list": Page(),
    "selfcheck:plan_create": Page(),
    "selfcheck:plan_detail": Page(args=lambda s: [selfcheck_plan(s).pk]),
    "selfcheck:plan_edit": Page(args=lambda s: [selfcheck_plan(s).pk]),
    "selfcheck:plan_deactivate": Page(method="post", args=lambda s: [selfcheck_plan(s, "停用").pk]),
    "selfcheck:plan_activate": Page(method="post", args=lambda s: [selfcheck_plan(s).pk]),
    "selfcheck:check_perform": Page(args=lambda s: [selfcheck_plan(s).pk]),
    "selfcheck:record_list": Page(),
    "selfcheck:record_detail": Page(args=lambda s: [selfcheck_record(s).pk]),
    "standards:document_list": Page(),
    "standards:document_import": Page(),
    "standards:import_template": Page(),
    "standards:clause_picker": Page(query={"q": "除尘器没有泄爆片"}),
    "standards:document_detail": Page(args=lambda s: [standard(s).pk]),
    "standards:document_edit": Page(args=lambda s: [standard(s).pk]),
    "standards:document_export": Page(args=lambda s: [standard(s).pk]),
    "standards:clause_create": Page(args=lambda s: [standard(s).pk]),
    "standards:clause_edit": Page(args=lambda s: [standard_clause(s).pk]),
    "standards:clause_deactivate": Page(method="post", args=lambda s: [standard_clause(s).pk]),
    "standards:clause_activate": Page(method="post", args=lambda s: [standard_clause(s).pk]),
    "cap:alert_list": Page(),
    "cap:alert_public": Page(args=lambda s: [s.cap_alert.identifier]),
    "cap:alert_create": Page(),
    "cap:alert_detail": Page(args=lambda s: [s.cap_alert.pk]),
    "cap:alert_edit": Page(args=lambda s: [s.cap_draft.pk]),
    # Public: the Atom feed and an issued message's CAP XML (no login).
    "cap:alert_feed": Page(),
    "cap:alert_xml": Page(args=lambda s: [s.cap_alert.identifier]),
    # Actions: an empty POST is let in and answered with the form's errors, never performed.
    **{
        f"cap:alert_{name}": Page(method="post", args=lambda s: [s.cap_draft.pk], ok=(422,))
        for name in ("submit", "return", "approve", "discard")
    },
    **{
        f"cap:alert_{name}": Page(method="post", args=lambda s: [s.cap_alert.pk], ok=(422,))
        for name in ("update", "cancel")
    },
    "inspections:draw_list": Page(),
    "inspections:draw_create": Page(),
    "inspections:draw_detail": Page(args=lambda s: [inspection(s).draw.pk]),
    "inspections:draw_record": Page(args=lambda s: [inspection(s).draw.pk]),
    "inspections:task_list": Page(),
    "inspections:task_detail": Page(args=lambda s: [inspection(s).task.pk]),
    "inspections:inspector_list": Page(),
    "inspections:inspector_create": Page(),
    "inspections:inspector_detail": Page(args=lambda s: [inspection(s).inspector.pk]),
    "inspections:inspector_edit": Page(args=lambda s: [inspection(s).inspector.pk]),
    "inspections:matter_list": Page(),
    "inspections:matter_create": Page(),
    "inspections:matter_edit": Page(args=lambda s: [inspection(s).matter.pk]),
    # Transitions and the 回避 form: an empty POST is let in and answered with the form's
    # errors (422), never performed; withdrawing a conflict already withdrawn changes nothing.
    **{
        f"inspections:draw_{name}": Page(
            method="post", args=lambda s: [inspection(s).draw.pk], ok=(422,)
        )
        for name in ("publish", "void")
    },
    **{
        f"inspections:task_{name}": Page(
            method="post", args=lambda s: [inspection(s).task.pk], ok=(422,)
        )
        for name in ("complete", "cancel")
    },
    "inspections:conflict_declare": Page(
        method="post", args=lambda s: [inspection(s).inspector.pk], ok=(422,)
    ),
    "inspections:conflict_withdraw": Page(
        method="post", args=lambda s: [inspection(s).inspector.pk, inspection(s).conflict.pk]
    ),
    "inspections:figures": Page(),
    "inspections:figures_records": Page(query={"figure": "inspected"}),
    "inspections:figures_export": Page(),
    "inspections:plan_list": Page(),
    "inspections:plan_create": Page(),
    "inspections:plan_policy": Page(),
    "inspections:plan_detail": Page(args=lambda s: [inspection_plan(s)[0].pk]),
    "inspections:plan_export": Page(args=lambda s: [inspection_plan(s)[0].pk]),
    "inspections:plan_entry_edit": Page(
        args=lambda s: [inspection_plan(s)[0].pk, inspection_plan(s)[1].pk]
    ),
    **{
        f"inspections:plan_{name}": Page(
            method="post", args=lambda s: [inspection_plan(s)[0].pk], ok=(422,)
        )
        for name in ("submit", "approve", "return")
    },
    # 检查表 (inspections/standards): city-wide edits, on a checklist of its own.
    "inspections:checklist_list": Page(),
    "inspections:checklist_create": Page(),
    "inspections:checklist_detail": Page(args=lambda s: [checklist()[0].pk]),
    "inspections:checklist_edit": Page(args=lambda s: [checklist()[0].pk]),
    "inspections:checklist_deactivate": Page(method="post", args=lambda s: [checklist()[0].pk]),
    "inspections:checklist_activate": Page(method="post", args=lambda s: [checklist()[0].pk]),
    "inspections:checklist_entry_create": Page(args=lambda s: [checklist()[0].pk]),
    **{
        f"inspections:checklist_entry_{name}": Page(
            method="get" if name == "edit" else "post",
            args=lambda s: [checklist()[0].pk, checklist()[1].pk],
        )
        for name in ("edit", "retire", "restore")
    },
    # A download: the .docx of a document in the actor's scope.
    "inspections:document_download": Page(args=lambda s: [enforcement_document(s).pk]),
    # 现场检查 (inspections/onsite): an empty POST of the form or 作废 is let in and answered
    # with the form's errors (422); 开始检查 of a task already started opens it (302).
    "inspections:inspection_list": Page(),
    "inspections:inspection_start": Page(),
    "inspections:inspection_from_task": Page(
        method="post", args=lambda s: [onsite_inspection(s)[0].task_id]
    ),
    "inspections:inspection_detail": Page(args=lambda s: [onsite_inspection(s)[0].pk]),
    **{
        f"inspections:inspection_{name}": Page(
            method="post", args=lambda s: [onsite_inspection(s)[0].pk], ok=(422,)
        )
        for name in ("form", "void")
    },
    # 整改复查 of an inspection still open: let in and refused as a conflict (409).
    "inspections:inspection_reinspect": Page(
        method="post", args=lambda s: [onsite_inspection(s)[0].pk], ok=(409,)
    ),
    "inspections:inspection_evidence": Page(
        args=lambda s: [onsite_inspection(s)[0].pk, onsite_inspection(s)[1].pk]
    ),
    "inspections:inspection_signature": Page(
        args=lambda s: [onsite_inspection(s)[0].pk, "enterprise"]
    ),
    "inspections:onsite_sw": Page(),
    "inspections:visit_list": Page(),
    "inspections:visit_detail": Page(args=lambda s: [onsite_visit(s).pk]),
    "inspections:document_list": Page(),
    "inspections:visit_scan": Page(args=lambda s: [onsite_selectors().visit_token(s.enterprise)]),
    # 行政处罚案件 (inspections/cases): a step posted empty is let in and answered with the
    # form's errors (422), never taken; so is 停用 of a discretion rule.
    "inspections:case_list": Page(),
    "inspections:case_create": Page(),
    "inspections:case_review_queue": Page(),
    "inspections:case_detail": Page(args=lambda s: [penalty_case(s).pk]),
    "inspections:case_weigh": Page(args=lambda s: [penalty_case(s).pk]),
    **{
        f"inspections:case_{name}": Page(
            method="post", args=lambda s: [penalty_case(s).pk], ok=(422,)
        )
        for name in (
            "investigate",
            "submit_review",
            "pass_review",
            "return_review",
            "notify",
            "decide",
            "execute",
            "close",
            "transfer",
            "drop",
        )
    },
    "inspections:discretion_list": Page(),
    "inspections:discretion_create": Page(),
    "inspections:discretion_edit": Page(args=lambda s: [discretion_rule().pk]),
    "inspections:discretion_retire": Page(
        method="post", args=lambda s: [discretion_rule().pk], ok=(422,)
    ),
    # Public (no login): the published results, each draw's page and its record.
    "inspections:public_draws": Page(),
    "inspections:public_draw": Page(args=lambda s: [inspection(s).draw.pk]),
    "inspections:public_draw_record": Page(args=lambda s: [inspection(s).draw.pk]),
    "monitoring:console": Page(),
    "monitoring:device_detail": Page(args=lambda s: [monitoring_device(s).pk]),
    "monitoring:device_create": Page(),
    "monitoring:device_map": Page(),
    "monitoring:device_map_data": Page(),
    "monitoring:device_edit": Page(args=lambda s: [monitoring_device(s).pk]),
    # A new token is shown on its own page (200), never redirected to.
    "monitoring:device_token": Page(
        method="post", args=lambda s: [monitoring_device(s).pk], ok=(200,)
    ),
    "monitoring:threshold_set": Page(
        method="post", args=lambda s: [monitoring_device(s).pk], ok=(422,)
    ),
    "monitoring:duty_persons": Page(),
    "monitoring:gateway_list": Page(),
    "monitoring:gateway_create": Page(),
    "monitoring:gateway_detail": Page(args=lambda s: [monitoring_gateway(s).pk]),
    "monitoring:gateway_edit": Page(args=lambda s: [monitoring_gateway(s).pk]),
    # A new token is shown on its own page (200), never redirected to.
    "monitoring:gateway_token": Page(
        method="post", args=lambda s: [monitoring_gateway(s).pk], ok=(200,)
    ),
    "monitoring:alarm_list": Page(),
    "monitoring:alarm_export": Page(),
    "monitoring:alarm_acknowledge_batch": Page(method="post"),
    "monitoring:alarm_detail": Page(args=lambda s: [monitoring_alarm(s).pk]),
    # Alarm actions: an empty POST is let in and answered with the form's errors (422)
    # or, for the hazard, performed (302).
    "monitoring:alarm_acknowledge": Page(
        method="post", args=lambda s: [monitoring_alarm(s).pk], ok=(302, 409)
    ),
    "monitoring:alarm_dispose": Page(
        method="post", args=lambda s: [monitoring_alarm(s).pk], ok=(409, 422)
    ),
    "monitoring:alarm_hazard": Page(
        method="post", args=lambda s: [monitoring_alarm(s).pk], ok=(302, 409)
    ),
    "monitoring:rates": Page(),
    "monitoring:dead_letters": Page(),
    # 事故报告与调查: a form of the accident page posted empty is let in and answered with
    # its errors (422), never performed.
    "accidents:accident_list": Page(),
    "accidents:accident_export": Page(),
    "accidents:accident_report": Page(),
    "accidents:accident_detail": Page(args=lambda s: [accident_records(s).accident.pk]),
    **{
        f"accidents:accident_{name}": Page(
            method="post", args=lambda s: [accident_records(s).accident.pk], ok=(422,)
        )
        for name in (
            "follow_up",
            "inform",
            "flag",
            "void",
            "investigate",
            "investigation_update",
            "extend",
            "responsibility_add",
            "measure_add",
            "close",
            "evaluate",
        )
    },
    "accidents:accident_flag_withdraw": Page(
        method="post",
        args=lambda s: [accident_records(s).accident.pk, accident_records(s).flag.pk],
        ok=(422,),
    ),
    "accidents:accident_measure_done": Page(
        method="post",
        args=lambda s: [accident_records(s).accident.pk, accident_records(s).measure.pk],
        ok=(422,),
    ),
    # 区情月报: the request form posted empty is let in and answered with its errors (422).
    "analytics:report_list": Page(),
    "analytics:report_generate": Page(method="post", ok=(422,)),
    "analytics:report_detail": Page(args=lambda s: [monthly_report(s).pk]),
    "analytics:report_download": Page(args=lambda s: [monthly_report(s).pk, "docx"]),
    # 指标监测 and 基数与目标: forms posted empty are let in and answered with their errors
    # (422); removing a target the plan lacks is refused the same way.
    "analytics:indicators": Page(),
    "analytics:indicators_export": Page(),
    "analytics:denominator_list": Page(),
    "analytics:denominator_create": Page(),
    "analytics:denominator_edit": Page(args=lambda s: [indicator_denominator(s).pk]),
    "analytics:denominator_import": Page(),
    "analytics:denominator_import_template": Page(),
    "analytics:denominator_export": Page(),
    "analytics:plan_list": Page(),
    "analytics:plan_create": Page(),
    "analytics:plan_detail": Page(args=lambda s: [indicator_plan(s).pk]),
    "analytics:plan_edit": Page(args=lambda s: [indicator_plan(s).pk]),
    "analytics:plan_target_save": Page(
        method="post", args=lambda s: [indicator_plan(s).pk], ok=(422,)
    ),
    "analytics:plan_target_delete": Page(
        method="post", args=lambda s: [indicator_plan(s).pk, "deaths"], ok=(422,)
    ),
    "risks:risk_point_list": Page(),
    "risks:risk_point_create": Page(),
    "risks:risk_point_export": Page(),
    "risks:risk_point_from_library": Page(),
    "risks:risk_register": Page(),
    "risks:risk_register_export": Page(),
    "risks:risk_map": Page(),
    "risks:risk_map_data": Page(),
    "risks:risk_concentration": Page(),
    "risks:library_list": Page(),
    "risks:band_table_list": Page(),
    "risks:band_table_publish": Page(args=lambda s: ["lec"]),
    "risks:risk_point_detail": Page(args=lambda s: [s.risk_point.pk]),
    "risks:risk_point_edit": Page(args=lambda s: [s.risk_point.pk]),
    "risks:risk_point_retire": Page(args=lambda s: [s.risk_point.pk]),
    "risks:risk_point_assess": Page(args=lambda s: [s.risk_point.pk]),
    "risks:risk_point_card": Page(args=lambda s: [s.risk_point.pk]),
    "risks:measure_create": Page(args=lambda s: [s.risk_point.pk]),
    "risks:measure_edit": Page(args=lambda s: [s.risk_measure.pk]),
    "risks:measure_deactivate": Page(args=lambda s: [s.risk_measure.pk]),
    **CAP_DELIVERY_PAGES,
    **EMERGENCY_PAGES,
    **HAZCHEM_PAGES,
    **COVERAGE_PAGES,
    **HAZCHEM_DUTY_PAGES,
    **SPECIALWORK_PAGES,
    **CATALOGUE_PAGES,
}


def page_routes() -> dict[str, Route]:
    return {route.name: route for route in all_routes() if not route.path.startswith("api/")}


def test_the_table_covers_every_page_and_only_existing_pages():
    routes = page_routes()
    assert set(PAGES) == set(routes), (
        f"add to PAGES: {sorted(set(routes) - set(PAGES))}; "
        f"remove from PAGES: {sorted(set(PAGES) - set(routes))}"
    )


def request_page(client: Client, name: str, setup: Setup):
    page = PAGES[name]
    url = reverse(name, args=page.args(setup) if page.args else None)
    if page.method == "get":
        return client.get(url, page.query)
    return client.post(url, page.data(setup) if page.data else {})


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize("name", world.ACTORS)
def test_each_role_is_let_in_exactly_where_its_actions_allow(name, media, db):
    setup = build_setup(name)
    routes = page_routes()
    wrong = []
    for url_name in sorted(PAGES):
        access = declared_access(routes[url_name].callback)
        client = Client()
        client.force_login(setup.user)
        status = request_page(client, url_name, setup).status_code
        expected = PAGES[url_name].expected_ok(name) if granted(setup.user, access) else (403,)
        if status not in expected:
            wrong.append(f"{url_name} [{access}]: {status}, expected {expected}")
    assert not wrong, f"{name}:\n" + "\n".join(wrong)


def test_anonymous_visitors_are_sent_to_login_except_on_public_pages(media, db):
    setup = build_setup("district_official")
    routes = page_routes()
    login = reverse("accounts:login")
    wrong = []
    for url_name in sorted(PAGES):
        response = request_page(Client(), url_name, setup)
        access = declared_access(routes[url_name].callback)
        if access == PUBLIC:
            ok = response.status_code in (200, 302)
        else:
            ok = response.status_code == 302 and response["Location"].startswith(login + "?next=")
        if not ok:
            wrong.append(f"{url_name}: {response.status_code}")
    assert not wrong, "\n".join(wrong)
