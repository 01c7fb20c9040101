"""The role → action map assembled from each app's ``permissions`` module: the same grants
as the single map it replaced, refusal at start-up of what does not add up, and the
generated table in docs/permissions.md kept current."""

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import module_has_submodule

from anjian.accounts import permissions
from anjian.accounts.roles import Role

BEFORE = json.loads((Path(__file__).parent / "role_actions_before.json").read_text())


def declaring(name: str, actions: dict, grants: dict, city_wide=()) -> SimpleNamespace:
    return SimpleNamespace(
        __name__=f"anjian.{name}.permissions", ACTIONS=actions, GRANTS=grants, CITY_WIDE=city_wide
    )


HAZARDS = declaring("hazards", {"hazard.view": "ledger"}, {Role.LEADER: {"hazard.view"}})


def test_every_role_is_granted_what_the_single_map_granted():
    assembled = permissions.action_map().roles
    assert {role: sorted(actions) for role, actions in assembled.items()} == BEFORE["role_actions"]


def test_the_actions_and_the_city_wide_ones_are_those_of_the_single_map():
    assert sorted(permissions.all_actions()) == BEFORE["all_actions"]
    assert sorted(permissions.city_wide_actions()) == BEFORE["city_wide_actions"]


def test_each_action_is_declared_by_the_app_that_checks_it():
    declared_by = {a.name: a.app for a in permissions.action_map().actions.values()}
    assert declared_by["selfcheck.manage"] == declared_by["hazard.standards"] == "hazards"
    assert declared_by["job.view"] == declared_by["notification.view"] == "core"
    assert declared_by["home.view"] == "web"
    assert declared_by["region.view"] == "regions"
    assert declared_by["warning.approve"] == "cap"
    # Every app with a permissions module is collected (an app without one checks nothing).
    installed = [
        c.label
        for c in apps.get_app_configs()
        if c.name.startswith("anjian.") and module_has_submodule(c.module, "permissions")
    ]
    assert sorted(set(declared_by.values())) == sorted(installed)
    assert "hazards" in installed


def test_an_app_granting_an_action_it_does_not_declare_stops_the_start():
    risks = declaring("risks", {"risk.view": "points"}, {Role.LEADER: {"risk.view", "hazard.view"}})
    with pytest.raises(ImproperlyConfigured, match=r"grants 'leader' \['hazard.view'\]"):
        permissions.collect([("hazards", HAZARDS), ("risks", risks)])


def test_a_misspelt_grant_stops_the_start():
    typo = declaring("hazards", {"hazard.view": "ledger"}, {Role.LEADER: {"hazard.veiw"}})
    with pytest.raises(ImproperlyConfigured, match="does not declare"):
        permissions.collect([("hazards", typo)])


def test_two_apps_declaring_the_same_action_stop_the_start():
    again = declaring("risks", {"hazard.view": "again"}, {Role.LEADER: {"hazard.view"}})
    with pytest.raises(ImproperlyConfigured, match=r"'hazard\.view' is declared by both hazards"):
        permissions.collect([("hazards", HAZARDS), ("risks", again)])


def test_a_grant_to_a_role_that_does_not_exist_stops_the_start():
    module = declaring("hazards", {"hazard.view": "ledger"}, {"leaders": {"hazard.view"}})
    with pytest.raises(ImproperlyConfigured, match="unknown role 'leaders'"):
        permissions.collect([("hazards", module)])


def test_a_city_wide_action_the_app_does_not_declare_stops_the_start():
    module = declaring("hazards", HAZARDS.ACTIONS, HAZARDS.GRANTS, city_wide={"hazard.standards"})
    with pytest.raises(ImproperlyConfigured, match="CITY_WIDE"):
        permissions.collect([("hazards", module)])


def test_an_action_no_role_is_granted_stops_the_start():
    module = declaring("hazards", {"hazard.view": "ledger", "hazard.list": "督办"}, HAZARDS.GRANTS)
    with pytest.raises(ImproperlyConfigured, match=r"no role is granted \['hazard.list'\]"):
        permissions.collect([("hazards", module)])


def test_an_action_that_is_not_area_dot_verb_stops_the_start():
    module = declaring("hazards", {"HazardView": "ledger"}, {})
    with pytest.raises(ImproperlyConfigured, match=r"<area>\.<verb>"):
        permissions.collect([("hazards", module)])


def test_a_permissions_module_without_actions_stops_the_start():
    with pytest.raises(ImproperlyConfigured, match="declares no ACTIONS"):
        permissions.collect([("hazards", SimpleNamespace(__name__="anjian.hazards.permissions"))])


def test_the_accounts_app_assembles_the_map_when_django_starts(monkeypatch):
    monkeypatch.setattr(permissions, "discover", lambda: [("hazards", HAZARDS)] * 2)
    permissions.action_map.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured, match="declared by both"):
            apps.get_app_config("accounts").ready()
    finally:
        monkeypatch.undo()
        permissions.action_map.cache_clear()
    assert permissions.role_can(Role.ADMIN, "hazard.standards")


def test_every_role_key_grants_to_all_roles_and_keeps_city_wide_marks():
    module = declaring(
        "hazards",
        {"hazard.view": "ledger", "hazard.standards": "library"},
        {permissions.EVERY_ROLE: {"hazard.view"}, Role.ADMIN: {"hazard.standards"}},
        city_wide={"hazard.standards"},
    )
    assembled = permissions.collect([("hazards", module)])
    assert all("hazard.view" in assembled.roles[role] for role in Role.values)
    assert assembled.roles[Role.ADMIN] == {"hazard.view", "hazard.standards"}
    assert assembled.actions["hazard.standards"].city_wide


def test_docs_permissions_md_is_current():
    doc = Path(settings.BASE_DIR, "docs", "permissions.md").read_text()
    assert doc == permissions.document(), "run `anjian permissions --write`"
