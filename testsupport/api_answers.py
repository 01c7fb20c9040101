"""Every status an /api/v1 operation answers in the test suite is one its OpenAPI
document declares.

``conftest.py`` records ``(method, path, status)`` for each response the test client
gets from /api/v1 during a test (``recording``) and fails the test at teardown with
``undocumented(...)``'s findings. The path is resolved with Django's ``resolve()`` to
the operation's path template, whose documented responses come from
``config.api.api.get_openapi_schema()``.
"""

import re
from contextlib import contextmanager
from functools import cache

from django.test import Client
from django.urls import Resolver404, resolve

from config.api import api

API_PREFIX = "/api/v1/"
_CONVERTER = re.compile(r"<(?:[^>:]+:)?([^>]+)>")


@cache
def _documented_paths() -> dict:
    return api.get_openapi_schema()["paths"]


def _is_operation(callback) -> bool:
    """django-ninja dispatches every path of the API through a PathView closure."""
    return "PathView" in getattr(callback, "__qualname__", "")


def template_of(path: str) -> str | None:
    """``/api/v1/hazards/7/accept`` → ``/api/v1/hazards/{hazard_id}/accept``; None when
    the path is no operation (the docs, the schema, an unknown URL)."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if not _is_operation(match.func):
        return None
    return "/" + _CONVERTER.sub(r"{\1}", match.route)


def undocumented(answers) -> list[str]:
    """The answers ``(method, path, status)`` whose status the operation does not document."""
    problems = []
    for method, path, status in dict.fromkeys(answers):
        template = template_of(path)
        if template is None:
            continue
        operations = _documented_paths().get(template)
        if operations is None:
            problems.append(f"{method} {template}: the operation is not in the OpenAPI document")
            continue
        operation = operations.get(method.lower())
        if operation is None:
            continue  # 405 from django-ninja: no operation answers this method
        documented = {int(code) for code in operation["responses"]}
        if status not in documented:
            listed = ", ".join(str(code) for code in sorted(documented))
            problems.append(
                f"{method} {template} answered {status}, which its documented responses "
                f"({listed}) do not include: declare it in response={{...}}"
            )
    return problems


@contextmanager
def recording():
    """Collect ``(method, path, status)`` for every /api/v1 response the test client gets."""
    answers: list[tuple[str, str, int]] = []
    original = Client.request

    def request(self, **environ):
        response = original(self, **environ)
        sent = response.request
        path = sent.get("PATH_INFO", "")
        if path.startswith(API_PREFIX):
            answers.append((sent.get("REQUEST_METHOD", "GET"), path, response.status_code))
        return response

    Client.request = request
    try:
        yield answers
    finally:
        Client.request = original
