"""``core.forms.submit()`` is the only way a page form reaches a service (issue 10, item 3):
what it gives pages that show a refusal outside the form, and guards over the source that
no page hand-rolls the form → service → error answers again."""

import ast
from pathlib import Path

import pytest
from django import forms
from django.http import HttpResponse
from django.test import RequestFactory

from anjian.core.exceptions import Conflict, ValidationError
from anjian.core.forms import submit, submit_on_page

ANJIAN = Path(__file__).resolve().parents[2]
# Where the one table of answers lives (and the registry base, which calls it).
THE_TABLE = {ANJIAN / "core" / "forms.py", ANJIAN / "core" / "registry.py"}
REFUSALS = {"Conflict", "NotPermitted", "ValidationError", "OutOfScope"}


class ChecklistForm(forms.Form):
    note = forms.CharField(required=False)


def _post(data=None):
    return RequestFactory().post("/", data or {})


def _refuse(error):
    def service(data):
        raise error

    return service


def test_a_refusal_the_page_shows_elsewhere_stays_off_the_form():
    form = ChecklistForm({"note": "巡查"})
    error = ValidationError({"note": "太短", "item-7": "须拍照", "plan": "计划已停用"})

    outcome = submit(_post(), form, _refuse(error), elsewhere=lambda key: key.startswith("item-"))

    assert outcome.status == 422
    assert form.errors == {"note": ["太短"], "__all__": ["计划已停用"]}
    assert outcome.errors["item-7"] == ["须拍照"]


def test_a_conflict_gives_its_reason_for_above_the_page():
    outcome = submit(_post(), ChecklistForm({}), _refuse(Conflict("该隐患已被他人处理")))
    assert (outcome.status, outcome.message, outcome.errors) == (409, "该隐患已被他人处理", {})


def test_a_service_that_returns_nothing_is_still_done():
    outcome = submit(_post(), ChecklistForm({}), lambda data: None)
    assert outcome.done and outcome.status == 200


def _shown(**context):
    return HttpResponse(repr(sorted(context)), status=context.pop("status"))


@pytest.mark.parametrize(
    ("service", "status", "shown"),
    [
        (_refuse(ValidationError({"note": "太短"})), 422, "['bound', 'status']"),
        (_refuse(Conflict()), 409, "['error', 'status']"),
        (lambda data: "结果", 200, "完成：结果"),
    ],
)
def test_a_form_posted_from_a_record_page_shows_that_page_again(service, status, shown):
    response = submit_on_page(
        _post({"note": "x"}),
        ChecklistForm({"note": "x"}),
        service,
        show=_shown,
        name="note",
        answer=lambda result: HttpResponse(f"完成：{result}"),
    )
    assert (response.status_code, response.content.decode()) == (status, shown)


# --- guards over the source ----------------------------------------------------------------


def _modules():
    for path in sorted(ANJIAN.rglob("*.py")):
        if "tests" not in path.parts and "migrations" not in path.parts:
            yield path


def _is_view_module(path: Path) -> bool:
    return path.name == "views.py" or path.parent.name == "views"


def test_only_the_table_applies_service_errors_to_a_form():
    users = [
        str(path.relative_to(ANJIAN))
        for path in _modules()
        if path not in THE_TABLE and "apply_service_errors" in path.read_text()
    ]
    assert users == [], "route these pages through core.forms.submit()"


def _caught(handler) -> set[str]:
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return {kind.id if isinstance(kind, ast.Name) else getattr(kind, "attr", "") for kind in kinds}


def _calls_a_service(body) -> bool:
    return any(
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "services"
        for statement in body
        for node in ast.walk(statement)
    )


def test_no_view_answers_a_service_refusal_itself():
    """A ``try`` around a service call that catches a refusal is the hand-rolled copy of
    ``submit()`` this guard keeps out (catching a parser's ValidationError is fine)."""
    found = []
    for path in filter(_is_view_module, _modules()):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Try) or not _calls_a_service(node.body):
                continue
            for handler in node.handlers:
                if handler.type is not None and _caught(handler) & REFUSALS:
                    found.append(f"{path.relative_to(ANJIAN)}:{handler.lineno}")
    assert found == [], "route these pages through core.forms.submit()"
