"""Every URL and API operation declares who may use it (STYLE habit 3): the guard.

Walks the whole URL resolver (config.urls) and the django-ninja API's operations
(``route_walk``) and fails for any route that declares no access. Django's own and
third-party routes that cannot carry a declaration are listed in
``route_walk.ALLOW_UNDECLARED`` — reviewed, with the reason.

The answers are checked against the declarations in ``test_page_access`` (every actor
against every page) and ``test_api_access`` (every actor against every API read)."""

from django.urls import URLPattern, get_resolver
from django.views.generic import View

from anjian.accounts.permissions import action_map, all_actions
from anjian.core.access import PUBLIC, declared_access
from anjian.web.tests.route_walk import (
    ALLOW_UNDECLARED,
    all_routes,
    api_operations_from_routers,
    declared_actions,
    qualified_name,
    undeclared_routes,
)


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
            f"{path}: {action}" for action in access.split("|") if action not in all_actions()
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
        "/api/v1/warnings/receipts",  # the SMS gateway's receipts, with its own token
        "/healthz",
        "/inspections/public/",  # 双随机抽查结果公示: published draws only
        "/inspections/public/<int:pk>/",  # one published draw (unpublished/voided: 404)
        "/inspections/public/<int:pk>/record.json",  # its record, for anjian verify_draw
        "/warnings/<str:identifier>.html",  # public page of an issued warning
        "/warnings/<str:identifier>.xml",  # public CAP messages (issued ones only)
        "/warnings/feed.atom",  # public Atom feed of active warnings
        "/warnings/subscribe/",  # the public subscribes to warnings of its area
        "/warnings/subscribe/<str:token>/cancel/",  # by the link in the confirmation
        "/warnings/subscribe/<str:token>/confirm/",  # by the link sent to the address
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
    # Actions are <area>.<verb>; each app grants only its own (accounts.permissions).
    for role, actions in action_map().roles.items():
        for action in actions:
            area, _, verb = action.partition(".")
            assert area and verb, (role, action)
