"""Page numbers and sizes stay within bounds everywhere (anjian/core/pagination.py).

The API: every paginated list — found by walking the API's operations, so a new list is
covered without being named here — answers a page nobody can mean (10**18, junk, 0) and
an oversized page size with 422 in the usual error shape, never a 500 from an OFFSET
the database cannot hold. The pages: every list page — found by walking the URLs —
shows at most ``WEB_MAX_PER_PAGE`` rows whatever ``?per_page=`` asks for, and the
nearest real page for a junk or huge ``?page=``.
"""

import re

import pytest
from django.core.paginator import Page
from django.db import connection
from django.test.utils import CaptureQueriesContext, ContextList
from django.urls import URLPattern, URLResolver, get_resolver
from django_tables2 import Table
from ninja import Schema

from anjian.core import pagination
from anjian.core.pagination import MAX_PAGE, MAX_PAGE_SIZE, WEB_MAX_PER_PAGE, PageIn
from anjian.enterprises.models import Enterprise
from config.api import api

HUGE = 10**18


def paginated_operations() -> dict[str, object]:
    """``"GET /api/v1/…"`` → operation, for every operation django-ninja paginates."""
    found = {}
    assert api.urls  # mounts the nested routers too: ``api._routers`` lists them from then on
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                if getattr(operation.view_func, "_ninja_is_paginated", False):
                    for method in operation.methods:
                        # A nested router's prefix is "hazchem/": one slash between parts.
                        route = re.sub("/+", "/", f"/api/v1/{prefix}{path}")
                        found[f"{method} {route}"] = operation
    return found


def documented_with_page_parameter() -> set[str]:
    schema = api.get_openapi_schema()
    return {
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if any(p["name"] == "page" for p in operation.get("parameters", ()))
    }


PAGINATED = paginated_operations()


def url_of(key: str) -> str:
    """A callable URL for the operation (path parameters filled with 1)."""
    path = key.split(" ", 1)[1]
    while "{" in path:
        start, end = path.index("{"), path.index("}")
        path = path[:start] + "1" + path[end + 1 :]
    return path


def test_the_walk_finds_the_lists_and_only_the_lists():
    normalised = {key.replace("{int:", "{") for key in PAGINATED}
    assert normalised == documented_with_page_parameter()
    for known in (
        "GET /api/v1/enterprises/",
        "GET /api/v1/risk-points/",
        "GET /api/v1/hazards/",
        "GET /api/v1/monitoring/alarms",
        "GET /api/v1/warnings/",
    ):
        assert known in PAGINATED


@pytest.mark.parametrize("key", sorted(PAGINATED))
def test_every_paginated_list_uses_the_shared_bounded_pagination(key):
    operation = PAGINATED[key]
    contributed = {name: kind for name, kind, _source in operation.view_func._ninja_contribute_args}
    assert contributed["ninja_pagination"] is PageIn, f"{key}: use anjian.core.pagination.paginate"
    assert 422 in operation.response_models, f"{key}: the 422 for a bad page is not documented"


@pytest.mark.parametrize("key", sorted(PAGINATED))
def test_every_paginated_list_refuses_a_page_nobody_can_mean(key, admin, api_client_for):
    client = api_client_for(admin)
    url = url_of(key)
    cases = [
        ({"page": HUGE}, "page", f"应不大于 {MAX_PAGE}", "less_than_equal"),
        ({"page": str(HUGE) * 3}, "page", f"应不大于 {MAX_PAGE}", "less_than_equal"),
        ({"page": "abc"}, "page", "应为整数", "int_parsing"),
        ({"page": 0}, "page", "应不小于 1", "greater_than_equal"),
        ({"page_size": HUGE}, "page_size", f"应不大于 {MAX_PAGE_SIZE}", "less_than_equal"),
        ({"page_size": "x"}, "page_size", "应为整数", "int_parsing"),
    ]
    for query, field, message, kind in cases:
        response = client.get(url, query)
        assert response.status_code == 422, (key, query, response.content[:200])
        assert response.json() == {
            "detail": [{"loc": ["query", field], "msg": message, "type": kind}]
        }, (key, query)


def test_the_deepest_page_answers_an_empty_page_with_the_total(admin, api_client_for):
    response = api_client_for(admin).get("/api/v1/enterprises/", {"page": MAX_PAGE})
    assert response.status_code == 200
    assert response.json() == {"items": [], "count": Enterprise.objects.for_user(admin).count()}


def registry_reads(queries) -> list[str]:
    return [q["sql"] for q in queries if 'FROM "enterprises_enterprise"' in q["sql"]]


@pytest.mark.parametrize(
    "query", [{"page_size": 1}, {"page_size": 1, "page": 2}, {"page_size": 3, "page": 2}, {}]
)
def test_a_page_and_its_total_are_one_statement(admin, api_client_for, query):
    """Full, last and short pages: the rows and the exact total in one read (issue 11,
    item 4) — the total is counted inside it, not by a COUNT of its own."""
    client = api_client_for(admin)
    everything = list(Enterprise.objects.for_user(admin).order_by("name_sort_key", "id"))
    size, page = query.get("page_size", 50), query.get("page", 1)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/enterprises/", query)
    body = response.json()
    assert body["count"] == len(everything)
    shown = everything[(page - 1) * size : page * size]
    assert shown, "a page with rows"
    assert [item["id"] for item in body["items"]] == [e.pk for e in shown]
    assert len(registry_reads(queries)) == 1


def test_a_page_past_the_end_is_counted_apart(admin, api_client_for):
    """No row carries the total past the end: the one case with a second read."""
    with CaptureQueriesContext(connection) as queries:
        response = api_client_for(admin).get("/api/v1/enterprises/", {"page": 50})
    assert response.json() == {"items": [], "count": Enterprise.objects.for_user(admin).count()}
    assert len(registry_reads(queries)) == 2


@pytest.mark.django_db
def test_a_filter_that_can_match_nothing_is_an_empty_page():
    # An empty scope filters by ``pk__in=[]``: Django compiles no SQL for it at all.
    assert pagination.page_with_total(Enterprise.objects.filter(pk__in=[]), 0, 20) == ([], 0)


def test_a_list_row_reads_as_the_record_does(admin, api_client_for):
    """The registry list reads plain rows (``rows_for``), the detail a model: each list
    item is what the detail answers, byte for byte — with and without a grid and a
    supervising department (a relation left unset is null, not an object of nulls)."""
    without = Enterprise.objects.for_user(admin).order_by("id")
    without.filter(pk=without.filter(grid=None)[0].pk).update(supervising_department=None)
    client = api_client_for(admin)
    items = client.get("/api/v1/enterprises/", {"page_size": MAX_PAGE_SIZE}).json()["items"]
    assert len(items) == min(without.count(), MAX_PAGE_SIZE)
    assert any(item["grid"] is None and item["supervising_department"] is None for item in items)
    assert any(item["grid"] for item in items)
    assert any(item["supervising_department"] for item in items)
    for item in items:
        assert item == client.get(f"/api/v1/enterprises/{item['id']}").json()


def test_rows_for_refuses_a_schema_that_computes_fields():
    class Computed(Schema):
        name: str
        label: str

        @staticmethod
        def resolve_label(obj):
            return obj.name

    with pytest.raises(ValueError, match="Computed"):
        pagination.rows_for(Enterprise.objects.all(), Computed)


# --- pages -----------------------------------------------------------------------------------


def routes_without_arguments(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from routes_without_arguments(
                entry.url_patterns, prefix + str(entry.pattern), inner
            )
        elif isinstance(entry, URLPattern):
            path = prefix + str(entry.pattern)
            if "<" in path or "(?P" in path:
                continue
            if path.startswith("api/") or path.endswith((".xlsx", ".json", ".atom")):
                continue  # the API (above), downloads and data feeds: no page of rows
            yield "/" + path


def pages_in(response) -> list[Page]:
    """Every page of rows the response's templates were given (tables included)."""
    contexts = response.context
    if contexts is None:
        return []
    if not isinstance(contexts, ContextList):
        contexts = [contexts]
    found = []
    for context in contexts:
        for value in context.flatten().values():
            if isinstance(value, Page):
                found.append(value)
            elif isinstance(value, Table) and getattr(value, "page", None) is not None:
                found.append(value.page)
    return found


LIST_PAGES = sorted(set(routes_without_arguments(get_resolver().url_patterns)))


_showing_rows: list[str] = []  # the URLs of LIST_PAGES that show a page of rows


@pytest.fixture
def lists_seen_by_admin(admin, client_for):
    """``visit(query)`` → {url: [pages]} for every list page, as admin. The first visit
    walks every page without URL arguments; later ones only those that showed rows."""
    client = client_for(admin)

    def visit(query):
        seen = {}
        for url in _showing_rows or LIST_PAGES:
            response = client.get(url, query)
            assert response.status_code < 500, url
            pages = pages_in(response)
            if pages:
                seen[url] = pages
        if not _showing_rows:
            _showing_rows.extend(seen)
        return seen

    return visit


KNOWN_LISTS = {
    "/enterprises/",
    "/risks/",
    "/risks/register/",
    "/hazards/",
    "/hazards/self-checks/",
    "/hazards/self-checks/records/",
    "/monitoring/",
    "/monitoring/alarms/",
    "/monitoring/dead-letters/",
    "/notifications/",
}


def test_no_list_page_shows_more_rows_than_the_cap(lists_seen_by_admin):
    seen = lists_seen_by_admin({"per_page": 100_000_000, "page": "1"})
    assert set(seen) >= KNOWN_LISTS, KNOWN_LISTS - set(seen)
    for url, pages in seen.items():
        for page in pages:
            assert page.paginator.per_page <= WEB_MAX_PER_PAGE, url


def test_the_cap_holds_the_rows_rendered(lists_seen_by_admin, monkeypatch):
    monkeypatch.setattr(pagination, "WEB_MAX_PER_PAGE", 2)
    seen = lists_seen_by_admin({"per_page": 100_000_000})
    assert len(seen["/enterprises/"][0].object_list) == 2  # the world has more than two
    for url, pages in seen.items():
        for page in pages:
            assert len(page.object_list) <= 2, url


@pytest.mark.parametrize("page", ["99999999999999999999", str(HUGE), "1e400"])
def test_a_huge_page_number_shows_the_last_page(lists_seen_by_admin, page):
    for url, pages in lists_seen_by_admin({"page": page, "per_page": 2}).items():
        for shown in pages:
            if page == "1e400":  # not an integer: the first page
                assert shown.number == 1, url
            else:
                assert shown.number == shown.paginator.num_pages, url


@pytest.mark.parametrize("per_page", ["junk", "-5", "0", ""])
def test_a_junk_or_non_positive_per_page_shows_a_sensible_page(lists_seen_by_admin, per_page):
    seen = lists_seen_by_admin({"per_page": per_page, "page": "abc"})
    assert set(seen) >= KNOWN_LISTS
    for url, pages in seen.items():
        for page in pages:
            assert 1 <= page.paginator.per_page <= WEB_MAX_PER_PAGE, url
            assert page.number == 1, url
