"""Every URL and API operation declares who may use it, and the answers match (STYLE habit 3).

Part one walks the whole URL resolver (config.urls) and the django-ninja API's operations
and fails for any route that declares no access. Django's own and third-party routes that
cannot carry a declaration are listed in ``ALLOW_UNDECLARED`` — reviewed, with the reason.

Part two is the table: every named actor against every page, asserting 200/302 when the
role grants the page's declared action and 403 when it does not (and login for anonymous).
"""

import inspect
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views.generic import View
from ninja.operation import PathView

from anjian.accounts.models import ApiToken, User
from anjian.accounts.permissions import ALL_ACTIONS, ROLE_ACTIONS
from anjian.accounts.roles import Role
from anjian.cap.tests.factories import cap_setup
from anjian.core.access import PUBLIC, declared_access
from anjian.core.models import BackgroundJob, JobStatus, Notification
from anjian.enterprises.models import Enterprise, EnterpriseUser
from anjian.enterprises.services import enterprise_link_user
from anjian.regions.models import Department, Industry
from anjian.regions.selectors import departments_for
from config.api import api
from testsupport import world

# Routes whose callbacks cannot declare access, each reviewed. Keyed by the callback's
# qualified name (for functools.partial, the wrapped function's).
ALLOW_UNDECLARED = {
    "ninja.openapi.views.openapi_json": (
        "django-ninja: the OpenAPI schema of /api/v1 — describes the operations, holds no data; "
        "every operation it lists is declared and checked below"
    ),
    "ninja.openapi.views.openapi_view": (
        "django-ninja: the interactive docs page for the same schema (linked from the profile "
        "page for integrators); served from local static files"
    ),
    "ninja.openapi.views.default_home": (
        "django-ninja: /api/v1/ root, always answers 404 (it only names the docs URL)"
    ),
}


@dataclass(frozen=True)
class Route:
    path: str
    name: str  # namespace:name
    callback: object


def iter_routes(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from iter_routes(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or ""
            yield Route(prefix + str(entry.pattern), name, entry.callback)


def qualified_name(callback) -> str:
    target = callback.func if isinstance(callback, partial) else callback
    view_class = getattr(target, "view_class", None)
    if view_class is not None:
        target = view_class
    return f"{target.__module__}.{target.__qualname__}"


def ninja_path_view(callback) -> PathView | None:
    """The PathView behind a django-ninja URL callback (its dispatching closure)."""
    try:
        closure = inspect.getclosurevars(callback).nonlocals
    except TypeError:
        return None
    candidate = closure.get("self")
    return candidate if isinstance(candidate, PathView) else None


def api_operations_from_routers():
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                yield f"{prefix}{path}", operation


def undeclared_routes(patterns) -> tuple[list[str], set]:
    """(problems, operations seen) for a list of URL patterns."""
    problems, operations = [], set()
    for route in iter_routes(patterns):
        path_view = ninja_path_view(route.callback)
        if path_view is not None:
            for operation in path_view.operations:
                operations.add(operation)
                if declared_access(operation.view_func) is None:
                    problems.append(
                        f"/{route.path} {operation.methods}: API operation "
                        f"{operation.view_func.__name__} declares no access (api_requires)"
                    )
            continue
        if qualified_name(route.callback) in ALLOW_UNDECLARED:
            continue
        if declared_access(route.callback) is None:
            problems.append(
                f"/{route.path} ({route.name or qualified_name(route.callback)}) declares no "
                "access: use @requires(...), @public or AccessMixin.access"
            )
    return problems, operations


def all_routes():
    return list(iter_routes(get_resolver().url_patterns))


def declared_actions():
    for route in all_routes():
        path_view = ninja_path_view(route.callback)
        if path_view is not None:
            for operation in path_view.operations:
                yield f"/{route.path}", declared_access(operation.view_func)
        elif qualified_name(route.callback) not in ALLOW_UNDECLARED:
            yield f"/{route.path}", declared_access(route.callback)


# --- part one: the guard -----------------------------------------------------------------------


def test_every_route_and_api_operation_declares_access():
    problems, _operations = undeclared_routes(get_resolver().url_patterns)
    assert not problems, "\n".join(problems)


def test_the_walk_reaches_every_api_operation_of_every_router():
    _problems, seen = undeclared_routes(get_resolver().url_patterns)
    declared = {operation.view_func for _path, operation in api_operations_from_routers()}
    assert declared, "the API has no operations: the walk would be vacuous"
    assert {operation.view_func for operation in seen} == declared


def test_every_api_operation_declares_access_on_its_view_function():
    missing = [
        f"{path} {operation.methods} {operation.view_func.__name__}"
        for path, operation in api_operations_from_routers()
        if declared_access(operation.view_func) is None
    ]
    assert not missing


def test_every_declared_action_exists_in_the_role_map():
    unknown = []
    for path, access in declared_actions():
        if access == PUBLIC:
            continue
        unknown += [
            f"{path}: {action}" for action in access.split("|") if action not in ALL_ACTIONS
        ]
    assert not unknown, "actions no role grants (typo?):\n" + "\n".join(unknown)


def test_every_allow_listed_route_still_exists_and_gives_a_reason():
    present = {qualified_name(route.callback) for route in all_routes()}
    for name, reason in ALLOW_UNDECLARED.items():
        assert name in present, f"stale allow-list entry: {name}"
        assert len(reason) > 30


def test_only_reviewed_views_are_public():
    public = sorted(path for path, access in declared_actions() if access == PUBLIC)
    assert public == [
        "/accounts/login/",
        "/accounts/logout/",
        "/api/v1/monitoring/devices/<code>/telemetry",  # devices use their own tokens
        "/healthz",
        "/warnings/<str:identifier>.xml",  # public CAP messages (issued ones only)
        "/warnings/feed.atom",  # public Atom feed of active warnings
    ]


def test_the_guard_reports_an_undeclared_function_view_and_class_view():
    def forgotten(request):
        raise AssertionError

    class Forgotten(View):
        pass

    patterns = [
        URLPattern(pattern=get_resolver().url_patterns[0].pattern, callback=forgotten),
        URLPattern(pattern=get_resolver().url_patterns[0].pattern, callback=Forgotten.as_view()),
    ]
    problems, _operations = undeclared_routes(patterns)
    assert len(problems) == 2
    assert "forgotten" in problems[0]
    assert "Forgotten" in problems[1]


def test_the_guard_reports_an_undeclared_api_operation():
    from ninja import NinjaAPI, Router

    router = Router()

    @router.get("/leaky")
    def leaky(request):
        return {}

    scratch = NinjaAPI(urls_namespace="scratch-api")
    scratch.add_router("/", router)
    problems, operations = undeclared_routes(scratch.urls[0])
    assert [p for p in problems if "leaky" in p]
    assert len(operations) == 1


def test_every_role_maps_to_known_actions_only():
    # Actions are <area>.<verb>; the role map is the only place that grants them.
    for role, actions in ROLE_ACTIONS.items():
        for action in actions:
            area, _, verb = action.partition(".")
            assert area and verb, (role, action)


# --- part two: every actor against every page --------------------------------------------------

ACCOUNT_PASSWORD = "Another-pass-2026x"


@dataclass
class Setup:
    """Per-actor objects the pages are requested with (each inside the actor's scope)."""

    user: object
    enterprise: Enterprise
    region_code: str
    department: Department
    token: ApiToken
    job: BackgroundJob
    link: EnterpriseUser
    notification: Notification
    hazard: object = None
    hazard_photo: object = None
    extension: object = None
    listing: object = None
    revisit: object = None
    duplicate: object = None
    measure: object = None
    risk_point: object = None
    risk_measure: object = None
    cap_alert: object = None
    cap_draft: object = None


@dataclass(frozen=True)
class Page:
    args: object = None  # Setup -> list of URL args
    method: str = "get"
    data: object = None  # Setup -> POST data
    query: dict = field(default_factory=dict)
    ok: tuple[int, ...] = ()  # statuses that mean "let in"; default 200 (GET) / 302 (POST)

    def expected_ok(self) -> tuple[int, ...]:
        return self.ok or ((200,) if self.method == "get" else (302,))


def account_data(setup: Setup) -> dict:
    return {
        "username": f"new_{setup.user.username}",
        "name": "新账号",
        "phone": "",
        "position": "safety_manager",
        "password1": ACCOUNT_PASSWORD,
        "password2": ACCOUNT_PASSWORD,
    }


def selfcheck_plan(setup: Setup, name: str = "自查计划"):
    """A self-check plan of the actor's enterprise (one item), made directly."""
    from anjian.hazards.models import CheckPlan

    plan, created = CheckPlan.objects.get_or_create(
        enterprise=setup.enterprise,
        name=name,
        defaults={"frequency": "daily", "created_by": world.actor("admin")},
    )
    if created:
        plan.items.create(text="安全出口畅通", sort_order=10)
    return plan


def selfcheck_record(setup: Setup):
    plan = selfcheck_plan(setup)
    return plan.records.first() or plan.records.create(
        enterprise=plan.enterprise, performed_by=world.actor("admin")
    )


def monitoring_device(setup: Setup):
    """A device of the actor's enterprise, and an open alarm of it (made directly)."""
    from anjian.monitoring.tests.factories import plain_device

    return plain_device(setup.enterprise, f"URL-{setup.enterprise.pk}")


def monitoring_gateway(setup: Setup):
    from anjian.monitoring.tests.factories import plain_gateway

    return plain_gateway(setup.enterprise, f"URL-GW-{setup.enterprise.pk}")


def monitoring_alarm(setup: Setup):
    from anjian.monitoring.tests.factories import plain_alarm

    return plain_alarm(monitoring_device(setup))


def standard(setup: Setup):
    """A shipped standard of the library (reference data: the same for every actor)."""
    from anjian.hazards.models import StandardDocument

    return StandardDocument.objects.get(code="应急管理部令第10号")


def standard_clause(setup: Setup):
    return standard(setup).clauses.get(code="DUST-03")


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
    "enterprises:enterprise_list": Page(),
    "enterprises:enterprise_create": Page(),
    "enterprises:enterprise_map": Page(),
    "enterprises:enterprise_map_data": Page(),
    "enterprises:enterprise_export": Page(),
    "enterprises:enterprise_import": Page(),
    "enterprises:enterprise_import_template": Page(),
    "enterprises:grid_options": Page(query={"street": world.YINHANG}),
    "enterprises:enterprise_detail": Page(args=lambda s: [s.enterprise.pk]),
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
    "hazards:clearing_figures": Page(),
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
}


def page_routes() -> dict[str, Route]:
    return {route.name: route for route in all_routes() if not route.path.startswith("api/")}


def test_the_table_covers_every_page_and_only_existing_pages():
    routes = page_routes()
    assert set(PAGES) == set(routes), (
        f"add to PAGES: {sorted(set(routes) - set(PAGES))}; "
        f"remove from PAGES: {sorted(set(PAGES) - set(routes))}"
    )


def build_setup(name: str) -> Setup:
    user = world.actor(name)
    admin = world.actor("admin")
    visible = sorted(world.VISIBLE[name])
    enterprise = world.enterprise(visible[0] if visible else "yinhang_chemical")
    scope = user.scope
    region_code = "31" if scope.everything else scope.region_prefix or world.YANGPU
    department = departments_for(user).order_by("pk").first() or Department.objects.first()
    token, _raw = ApiToken.issue(user=user, name="表格")
    job = BackgroundJob.objects.create(
        kind="enterprise_export", created_by=user, status=JobStatus.SUCCEEDED
    )
    job.output_file.save("ledger.xlsx", ContentFile(b"x"))
    # A second login of the enterprise, to toggle (no password: hashing is slow and irrelevant).
    member = User.objects.create(username=f"member_{name}", name="成员", role=Role.ENTERPRISE)
    link = enterprise_link_user(by=admin, enterprise=enterprise, user=member, position="principal")
    notification = Notification.objects.create(
        recipient=user, kind="test", title="测试通知", url="/"
    )
    hazards = hazard_setup(enterprise)
    return Setup(
        **hazards,
        **risk_setup(enterprise),
        **cap_setup(enterprise),
        user=user,
        enterprise=enterprise,
        region_code=region_code,
        department=department,
        token=token,
        job=job,
        link=link,
        notification=notification,
    )


def risk_setup(enterprise) -> dict:
    """An assessed risk point of ``enterprise`` with one measure (the risk pages' objects)."""
    from anjian.risks.services import measure_add
    from anjian.risks.tests.factories import make_point

    admin = world.actor("admin")
    point = make_point(enterprise, assess=("lec", {"L": 3, "E": 6, "C": 15}))
    measure = measure_add(
        by=admin,
        risk_point_id=point.pk,
        data={"kind": "ppe", "text": "佩戴防护用品", "level": "post", "owner_name": "李四"},
    )
    return {"risk_point": point, "risk_measure": measure}


def hazard_setup(enterprise) -> dict:
    """A hazard of ``enterprise`` with a photo, a pending extension, an active listing, a
    revisit and a duplicate flag — the objects the hazard pages are requested with."""
    from anjian.hazards import services as hazard_services
    from anjian.hazards.choices import Grade
    from anjian.hazards.models import DuplicateCandidate, Revisit
    from anjian.hazards.tests.factories import hazard_in, report
    from anjian.hazards.tests.support import rectifier_of

    admin = world.actor("admin")
    hazard = hazard_in("rectifying", grade=Grade.MAJOR, by=admin, enterprise=enterprise)
    extension = hazard_services.extension_request(
        by=rectifier_of(enterprise),  # the rectifying side asks, the supervising side decides
        hazard_id=hazard.pk,
        requested_deadline=hazard.deadline + timedelta(days=30),
        reason="设备到货延迟",
    )
    listing = hazard_services.listing_create(
        by=admin,
        hazard_id=hazard.pk,
        level="district",
        authority="区安委办",
        document_number="安委办督〔2026〕1号",
        deadline=hazard.deadline,
    )
    twin = report(by=admin, enterprise=enterprise)
    duplicate, _created = DuplicateCandidate.objects.get_or_create(
        hazard=hazard, other=twin, defaults={"similarity": 0.9}
    )
    closed = hazard_in("closed", by=admin, enterprise=enterprise)
    revisit = Revisit.objects.create(hazard=closed, due_on=hazard.deadline)
    from anjian.hazards.models import SystemMeasure

    measure = SystemMeasure.objects.create(
        region=enterprise.street,
        industry=enterprise.industry,
        problem="电动自行车违规充电屡查屡犯",
        measure="建立集中充电点并纳入日常巡查",
        lead_unit="街道安全办",
        deadline=hazard.deadline,
        created_by=admin,
    )
    return {
        "measure": measure,
        "hazard": hazard,
        "hazard_photo": hazard.photos.first(),
        "extension": extension,
        "listing": listing,
        "revisit": revisit,
        "duplicate": duplicate,
    }


def request_page(client: Client, name: str, setup: Setup):
    page = PAGES[name]
    url = reverse(name, args=page.args(setup) if page.args else None)
    if page.method == "get":
        return client.get(url, page.query)
    return client.post(url, page.data(setup) if page.data else {})


def granted(user, access: str) -> bool:
    return access == PUBLIC or any(user.can(action) for action in access.split("|"))


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
        expected = PAGES[url_name].expected_ok() if granted(setup.user, access) else (403,)
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


# --- the API's read operations, the same way ---------------------------------------------------

API_READS = {
    "/api/v1/me",
    "/api/v1/regions/",
    "/api/v1/regions/industries",
    "/api/v1/regions/departments",
    "/api/v1/regions/{code}",
    "/api/v1/enterprises/",
    "/api/v1/enterprises/{int:enterprise_id}",
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
    )


def test_the_api_table_covers_every_read_operation():
    assert set(api_get_operations()) == API_READS


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
