"""The walk behind the access tests (STYLE habit 3): every route of the URL resolver
(config.urls) and every operation of the django-ninja API, with the access each declares.

Django's own and third-party routes that cannot carry a declaration are listed in
``ALLOW_UNDECLARED`` — reviewed, with the reason."""

import inspect
from dataclasses import dataclass
from functools import partial

from django.urls import URLPattern, URLResolver, get_resolver
from ninja.operation import PathView

from anjian.core.access import declared_access
from config.api import api

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
                # A nested router's prefix comes without its leading slash ("hazchem").
                yield f"/{prefix.lstrip('/')}{path}", operation


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
