"""The generated scoping tests fail, never pass silently, on an incomplete declaration.

STYLE habit 4: a generated test that finds a URL missing must fail instead of returning
early. Each optional URL of a ``ScopedCrudTests`` subclass is set or declared not
applicable with a reason (then its tests are skipped, saying why); these tests drive the
base class with broken declarations and check that it says so.
"""

import pytest

from anjian.monitoring.models import Device
from testsupport import world
from testsupport.scoped import ScopedCrudTests


class DeviceScopingWithoutItsPages(ScopedCrudTests):
    """Like monitoring's TestDeviceScoping before it declared its create and edit pages.
    (Not named Test…: pytest does not collect it.)"""

    model = Device
    list_url = "monitoring:console"
    detail_url = "monitoring:device_detail"
    api_list = "/api/v1/monitoring/devices"
    api_detail = "/api/v1/monitoring/devices/{pk}"
    visible = world.VISIBLE

    def get_object(self, name):
        raise AssertionError("not reached")


class DeviceScopingDeclared(DeviceScopingWithoutItsPages):
    not_applicable = {
        "create_url": "registered elsewhere",
        "edit_url": "edited elsewhere",
        "export_url": "no export",
    }


def test_an_undeclared_url_fails_the_declaration_naming_the_url_the_resolver_has():
    problems = DeviceScopingWithoutItsPages().declaration_problems()
    assert problems == [
        "edit_url is not declared — the URL 'monitoring:device_edit' exists and is not "
        "tested: set it, or list it in not_applicable with the reason it does not apply",
        "create_url is not declared — the URL 'monitoring:device_create' exists and is not "
        "tested: set it, or list it in not_applicable with the reason it does not apply",
        "export_url is not declared: set it, or list it in not_applicable with the reason "
        "it does not apply",
    ]
    with pytest.raises(AssertionError, match="monitoring:device_create"):
        DeviceScopingWithoutItsPages().test_the_declaration_is_complete()


@pytest.mark.parametrize(
    "test",
    [
        "test_roles_without_the_right_cannot_create",
        "test_creating_outside_scope_writes_nothing",
        "test_creating_inside_scope_works",
        "test_export_contains_exactly_the_scope",
    ],
)
def test_a_test_that_needs_an_undeclared_url_fails_instead_of_returning(test):
    with pytest.raises(pytest.fail.Exception, match="is not declared"):
        getattr(DeviceScopingWithoutItsPages(), test)(db=None)


def test_a_url_declared_not_applicable_skips_its_tests_with_the_reason():
    declared = DeviceScopingDeclared()
    assert declared.declaration_problems() == []
    with pytest.raises(pytest.skip.Exception, match="create_url: registered elsewhere"):
        declared.test_creating_inside_scope_works(db=None)
    with pytest.raises(pytest.skip.Exception, match="export_url: no export"):
        declared.test_export_contains_exactly_the_scope(db=None)


def test_contradictory_or_unexplained_declarations_are_reported():
    class Contradictory(DeviceScopingDeclared):
        create_url = "monitoring:device_create"
        creators = ("district_official",)
        not_creators = ("expert",)
        not_applicable = {
            "create_url": "registered elsewhere",
            "edit_url": " ",
            "export_url": "no export",
            "export": "a typo",
        }

    assert Contradictory().declaration_problems() == [
        "not_applicable names 'export', which is none of edit_url, create_url, export_url, "
        "api_list, api_detail",
        "not_applicable['edit_url'] needs a reason",
        "create_url is set and also declared not applicable",
    ]


def test_a_create_page_without_its_actors_or_data_fails():
    class WithoutActors(DeviceScopingDeclared):
        create_url = "monitoring:device_create"
        not_applicable = {"edit_url": "edited elsewhere", "export_url": "no export"}

    assert WithoutActors().declaration_problems() == [
        "with a create_url, declare creators and not_creators"
    ]
    with pytest.raises(AssertionError, match="declare creators"):
        WithoutActors().test_creating_inside_scope_works(db=None)

    class WithEmptyForms(WithoutActors):
        creators = ("district_official",)
        not_creators = ("expert",)

        def outside_data(self, actor):
            return {}

    with pytest.raises(AssertionError, match="an empty form proves nothing"):
        WithEmptyForms().test_creating_outside_scope_writes_nothing(db=None)
    with pytest.raises(pytest.fail.Exception, match="define create_data"):
        WithEmptyForms().create_data("district_official")


def test_a_list_no_actor_may_read_checks_nothing_and_fails(db):
    class NobodyReads(DeviceScopingDeclared):
        visible = {"expert": set()}

    with pytest.raises(AssertionError, match="nothing was checked"):
        NobodyReads().test_every_actor_lists_exactly_its_scope(db=None)
