"""anjian/core/access.py: deny by default, one action per view, 403 for the wrong role."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from django.views import View
from ninja.errors import HttpError

from anjian.core.access import (
    PUBLIC,
    AccessMixin,
    api_public,
    api_requires,
    declared_access,
    public,
    requires,
)
from anjian.enterprises import permissions as perms


def view_function():
    """A fresh, undecorated function view (``public`` marks the function it is given)."""

    def ok(request, *args, **kwargs):
        return HttpResponse("ok")

    return ok


def request_as(user, path="/somewhere/?page=2"):
    request = RequestFactory().get(path)
    request.user = user
    return request


def test_requires_sends_anonymous_users_to_login_with_next():
    view = requires(perms.ENTERPRISE_VIEW)(view_function())
    response = view(request_as(AnonymousUser()))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/somewhere/%3Fpage%3D2"


def test_requires_lets_a_role_with_the_action_through(leader):
    view = requires(perms.ENTERPRISE_VIEW)(view_function())
    assert view(request_as(leader)).content == b"ok"


def test_requires_refuses_a_role_without_the_action(leader):
    view = requires(perms.ENTERPRISE_ADD)(view_function())
    with pytest.raises(PermissionDenied):
        view(request_as(leader))


def test_requires_accepts_any_of_its_alternatives(enterprise_manager, leader):
    view = requires(perms.ENTERPRISE_CHANGE, perms.ENTERPRISE_CHANGE_OWN)(view_function())
    assert view(request_as(enterprise_manager)).content == b"ok"
    with pytest.raises(PermissionDenied):
        view(request_as(leader))


def test_requires_refuses_an_inactive_user_with_the_right_role(district_official):
    district_official.is_active = False
    with pytest.raises(PermissionDenied):
        requires(perms.ENTERPRISE_VIEW)(view_function())(request_as(district_official))


def test_requires_declares_its_actions_on_the_view():
    assert requires(perms.ENTERPRISE_VIEW)(view_function()).access == "enterprise.view"
    both = requires(perms.ENTERPRISE_CHANGE, perms.ENTERPRISE_CHANGE_OWN)(view_function())
    assert both.access == "enterprise.change|enterprise.change_own"
    assert declared_access(both) == both.access


def test_public_declares_public_and_lets_anyone_in():
    view = public(view_function())
    assert declared_access(view) == PUBLIC
    assert view(request_as(AnonymousUser())).content == b"ok"


def test_a_view_declaring_nothing_has_no_declared_access():
    assert declared_access(view_function()) is None


class Undeclared(AccessMixin, View):
    def get(self, request):
        return HttpResponse("ok")


class RegistryPage(AccessMixin, View):
    access = perms.ENTERPRISE_ADD

    def get(self, request):
        return HttpResponse("ok")


class OpenPage(AccessMixin, View):
    access = PUBLIC

    def get(self, request):
        return HttpResponse("ok")


def test_a_class_based_view_without_access_is_denied_even_to_the_administrator(admin):
    with pytest.raises(PermissionDenied):
        Undeclared.as_view()(request_as(admin))
    assert declared_access(Undeclared.as_view()) is None


def test_a_class_based_view_checks_its_action(district_official, leader):
    view = RegistryPage.as_view()
    assert declared_access(view) == perms.ENTERPRISE_ADD
    assert view(request_as(district_official)).status_code == 200
    with pytest.raises(PermissionDenied):
        view(request_as(leader))
    assert view(request_as(AnonymousUser())).status_code == 302


def test_a_public_class_based_view_is_open_to_anonymous_users():
    view = OpenPage.as_view()
    assert declared_access(view) == PUBLIC
    assert view(request_as(AnonymousUser())).status_code == 200


def test_api_requires_answers_403_in_chinese_for_the_wrong_role(leader):
    operation = api_requires(perms.ENTERPRISE_ADD)(view_function())
    with pytest.raises(HttpError) as caught:
        operation(request_as(leader))
    assert caught.value.status_code == 403
    assert str(caught.value) == "您的角色无权执行此操作"


def test_api_requires_refuses_anonymous_callers():
    operation = api_requires(perms.ENTERPRISE_VIEW)(view_function())
    with pytest.raises(HttpError):
        operation(request_as(AnonymousUser()))


def test_api_requires_lets_a_role_with_any_alternative_through(enterprise_manager):
    operation = api_requires(perms.ENTERPRISE_CHANGE, perms.ENTERPRISE_CHANGE_OWN)(view_function())
    assert operation(request_as(enterprise_manager)).content == b"ok"
    assert operation.access == "enterprise.change|enterprise.change_own"


def test_api_public_declares_public():
    assert declared_access(api_public(view_function())) == PUBLIC
