"""The registry page base (core/registry.py) and the one table of how a page answers a
service (core/forms.py): a scratch edit page whose service raises each domain error in turn,
then the real pages for what the base adds (declared access, 405 first, the 409 page)."""

import re

import pytest
from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client, RequestFactory
from django.urls import path, reverse

from anjian.core.access import declared_access
from anjian.core.exceptions import Conflict, NotPermitted, OutOfScope, ValidationError
from anjian.core.forms import page_error, submit
from anjian.core.middleware import ScopeErrorMiddleware
from anjian.core.registry import RegistryDetail, RegistryEdit
from anjian.core.services import writable
from anjian.enterprises import permissions as perms
from anjian.enterprises.models import Enterprise
from config.urls import urlpatterns as site_urlpatterns

# --- a scratch page whose service answers what the test tells it to -----------------------


class NameForm(forms.Form):
    name = forms.CharField(label="名称", max_length=20)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class Saved:
    name = "新名称"

    def get_absolute_url(self):
        return "/saved/"


class ScratchEdit(RegistryEdit):
    access = perms.ENTERPRISE_VIEW
    form_class = NameForm
    template_name = "core/registry/form.html"
    sections = [("基本信息", ["name"])]
    list_url = "enterprises:enterprise_list"
    outcome: object = None  # what save() raises or returns

    def form_kwargs(self, obj) -> dict:
        return {}

    def save(self, obj, data, version):
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        self.seen = (data, version)
        return self.outcome


urlpatterns = [path("scratch/edit/", ScratchEdit.as_view(), name="scratch_edit")]
urlpatterns += site_urlpatterns
handler403 = "anjian.web.errors.forbidden"
handler404 = "anjian.web.errors.not_found"


@pytest.fixture
def scratch(settings, monkeypatch, client_for, district_official):
    """``scratch(outcome)`` posts a valid form to the scratch page whose service gives
    ``outcome`` (raises it when it is an exception) and returns the response."""
    settings.ROOT_URLCONF = __name__

    def post(outcome):
        monkeypatch.setattr(ScratchEdit, "outcome", outcome)
        return client_for(district_official).post("/scratch/edit/", {"name": "新名称"})

    return post


def test_a_services_field_error_lands_on_its_field_with_422(scratch):
    response = scratch(ValidationError({"name": "该名称已被使用"}))
    assert response.status_code == 422
    assert response.context["form"].errors == {"name": ["该名称已被使用"]}
    assert "有 1 处需要修改" in response.content.decode()


def test_a_services_message_for_the_whole_form_is_shown_above_it_with_422(scratch):
    response = scratch(ValidationError("不能修改的字段：code"))
    assert response.status_code == 422
    assert "不能修改的字段：code" in response.content.decode()


def test_a_conflict_is_409_with_the_message_and_a_reload_link(scratch):
    response = scratch(Conflict())
    html = response.content.decode()
    assert response.status_code == 409
    assert "该记录已被他人修改，请刷新页面后重新编辑。" in html
    assert 'href="/scratch/edit/">重新打开最新版本' in html


def test_not_permitted_is_a_403_page_that_gives_the_reason(scratch):
    response = scratch(NotPermitted("只有发现人可以更正这条记录"))
    assert response.status_code == 403
    assert re.search(r"data-reason>只有发现人可以更正这条记录<", response.content.decode())


@pytest.mark.parametrize("error", [OutOfScope(), Enterprise.DoesNotExist()])
def test_out_of_scope_is_the_404_of_a_missing_record(scratch, error):
    response = scratch(error)
    assert response.status_code == 404
    assert "不在您的管辖范围内" in response.content.decode()


def test_a_saved_record_is_announced_and_shown(scratch):
    response = scratch(Saved())
    assert response.status_code == 302
    assert response["Location"] == "/saved/"


def test_the_service_gets_the_data_without_the_version_and_the_version_apart():
    view = ScratchEdit()
    view.setup(RequestFactory().post("/", {"name": "甲", "version": "7"}))
    form = view.get_form(None)
    assert form.is_valid()
    assert (view.service_data(form), view.expected_version(form)) == ({"name": "甲"}, 7)


def test_an_invalid_form_never_reaches_the_service(
    scratch, monkeypatch, client_for, district_official
):
    monkeypatch.setattr(ScratchEdit, "outcome", NotPermitted("不该走到服务"))
    response = client_for(district_official).post("/scratch/edit/", {"name": ""})
    assert response.status_code == 422
    assert response.context["form"].errors == {"name": ["这个字段是必填项。"]}


# --- submit() and the middleware: the table itself ----------------------------------------


def _request(method="post"):
    return getattr(RequestFactory(), method)("/", {"name": "甲"})


@pytest.mark.parametrize(
    ("error", "answer"),
    [
        (NotPermitted("理由"), PermissionDenied),
        (OutOfScope(), Http404),
        (Enterprise.DoesNotExist(), Http404),
    ],
)
def test_submit_raises_what_a_page_answers(error, answer):
    def service(data):
        raise error

    with pytest.raises(answer) as raised:
        submit(_request(), NameForm({"name": "甲"}), service)
    if answer is PermissionDenied:
        assert str(raised.value) == "理由"


def test_submit_marks_a_conflict_so_the_page_can_show_the_current_version():
    def service(data):
        raise Conflict()

    form = NameForm({"name": "甲"})
    outcome = submit(_request(), form, service)
    assert (outcome.status, outcome.conflict, outcome.done) == (409, True, False)
    assert form.non_field_errors() == ["该记录已被他人修改，请刷新页面后重新编辑。"]


def test_a_get_never_calls_the_service():
    outcome = submit(_request("get"), NameForm(), lambda data: pytest.fail("called"))
    assert (outcome.status, outcome.done) == (200, False)


@pytest.mark.parametrize(
    ("error", "answer"), [(OutOfScope(), Http404), (NotPermitted("理由"), PermissionDenied)]
)
def test_an_error_escaping_any_page_view_is_answered_by_the_same_table(error, answer):
    middleware = ScopeErrorMiddleware(lambda request: None)
    with pytest.raises(answer):
        middleware.process_exception(_request(), error)
    assert middleware.process_exception(_request(), ValueError()) is None


def test_page_error_refuses_what_is_not_a_domain_error():
    with pytest.raises(TypeError):
        page_error(ValueError("x"))


# --- services refuse fields they do not write --------------------------------------------


def test_writable_names_every_field_it_does_not_write():
    with pytest.raises(ValidationError) as error:
        writable({"name": "甲", "token_hash": "x", "created_by": 1}, ("name",))
    assert error.value.messages == ["不能修改的字段：created_by、token_hash"]
    assert writable({"name": "甲"}, ("name", "code")) == {"name": "甲"}


# --- declarations ------------------------------------------------------------------------


def test_alternative_actions_are_declared_as_requires_declares_them():
    class Either(RegistryDetail):
        access = (perms.ENTERPRISE_CHANGE, perms.ENTERPRISE_CHANGE_OWN)

    assert declared_access(Either.as_view()) == "enterprise.change|enterprise.change_own"


def test_a_declared_selector_is_called_as_a_plain_function():
    calls = []

    def record_get(user, pk):
        calls.append((user, pk))
        return "记录"

    class Page(RegistryDetail):
        read = record_get

    view = Page()
    view.setup(RequestFactory().get("/"), pk=5)
    view.request.user = "某人"
    assert view.get_object() == "记录"
    assert calls == [("某人", 5)]


def test_a_method_the_page_does_not_take_is_405_even_before_login(db):
    assert Client().post(reverse("enterprises:enterprise_list")).status_code == 405
    assert Client().get(reverse("monitoring:threshold_set", args=[1])).status_code == 405


def test_either_alternative_action_lets_in(client_for, enterprise_manager, leader, enterprises):
    url = reverse("enterprises:enterprise_edit", args=[enterprises["yinhang_chemical"].pk])
    assert client_for(enterprise_manager).get(url).status_code == 200  # enterprise.change_own
    assert client_for(leader).get(url).status_code == 403


# --- the 409 page on a real registry -----------------------------------------------------


def _as_browser_sends(form) -> dict:
    """The edit form's fields as a browser would post them unchanged."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else value
    return data


def test_a_conflict_shows_the_current_version_what_differs_and_a_reload_link(
    client_for, district_official, street_officer, enterprises
):
    chemical = enterprises["yinhang_chemical"]
    url = reverse("enterprises:enterprise_edit", args=[chemical.pk])
    mine = _as_browser_sends(client_for(district_official).get(url).context["form"])
    theirs = _as_browser_sends(client_for(street_officer).get(url).context["form"])
    assert (
        client_for(street_officer).post(url, {**theirs, "supervision_grade": "A"}).status_code
        == 302
    )

    response = client_for(district_official).post(url, {**mine, "employees": "999"})

    html = response.content.decode()
    assert response.status_code == 409
    assert "最新为第 2 版" in html
    # Where the record now differs from what was posted (their change, and mine), as it is:
    fields = response.context["form"].fields
    assert response.context["differences"] == [
        (fields["employees"].label, "120"),
        (fields["supervision_grade"].label, "A类（重点监管）"),
    ]
    assert f"{fields['supervision_grade'].label}：A类（重点监管）" in html
    assert f'href="{url}">重新打开最新版本' in html
    assert 'value="999"' in html  # the input is kept, not lost
    chemical.refresh_from_db()
    assert (chemical.supervision_grade, chemical.employees, chemical.version) == ("A", 120, 2)
