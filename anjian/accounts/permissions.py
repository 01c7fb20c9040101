"""The one role → action map, assembled from what each app declares.

Actions are ``<area>.<verb>``. Each app declares its own in its ``permissions`` module —
the actions its pages, API and services check, and which roles are granted them::

    ACTIONS = {HAZARD_VIEW: "the hazard ledger and its figures", ...}  # action → what it opens
    GRANTS = {Role.ADMIN: {HAZARD_VIEW, ...}, ...}  # role (or EVERY_ROLE) → its own actions
    CITY_WIDE = {HAZARD_STANDARDS}  # optional: actions on the whole deployment, see below

Apps below ``accounts`` (``core``, ``regions``) cannot import ``Role`` and name roles by
value (``"admin"``). This module collects the declarations of every installed app at
start-up (``AccountsConfig.ready``), by module name the way the admin finds ``admin``
modules, so no app imports one above it; an app that grants an action it does not
declare, names a role that does not exist, or declares an action another app declares
stops the start with ImproperlyConfigured. ``anjian permissions`` prints the assembled map
(docs/permissions.md). *Which records* a role may act on is the scope
(``anjian.core.scoping``).

City-wide actions act on configuration (or data) of the whole deployment, which no region
scope filters: a role grants them only to users whose scope covers the whole deployment
(``core.scoping.covers_deployment``; ``User.can`` checks it). A district's administrator
keeps every other administrator action inside the district.
"""

import functools
import importlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from types import ModuleType

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import module_has_submodule

from anjian.accounts.roles import Role

EVERY_ROLE = "*"  # a GRANTS key: every role, present and future

PROFILE = "account.profile"
USER_MANAGE = "user.manage"
AUDIT_VIEW = "audit.view"

ACTIONS = {
    PROFILE: "own profile, password and API tokens",
    USER_MANAGE: "user accounts (administrators)",
    AUDIT_VIEW: "the change history of records in scope",
}

GRANTS = {
    EVERY_ROLE: {PROFILE},
    Role.ADMIN: {USER_MANAGE, AUDIT_VIEW},
    Role.SUPERVISOR: {AUDIT_VIEW},
    Role.DEPARTMENT: {AUDIT_VIEW},
    Role.STREET: {AUDIT_VIEW},
    Role.INSPECTOR: {AUDIT_VIEW},
    Role.ENTERPRISE: {AUDIT_VIEW},
    Role.LEADER: {AUDIT_VIEW},
}

_ACTION_NAME = re.compile(r"[a-z]+\.[a-z_]+")


@dataclass(frozen=True)
class Action:
    name: str
    app: str  # the label of the app that declares it
    description: str
    city_wide: bool


@dataclass(frozen=True)
class ActionMap:
    actions: dict[str, Action]  # in the order the apps are installed
    roles: dict[str, frozenset[str]]  # every role → the actions it is granted


def collect(declarations: Iterable[tuple[str, ModuleType]]) -> ActionMap:
    """The map from ``(app label, permissions module)`` pairs; refuses what does not add up."""
    actions: dict[str, Action] = {}
    roles: dict[str, set[str]] = {role: set() for role in Role.values}
    for app, module in declarations:
        for action in _declared(app, module):
            if action.name in actions:
                raise ImproperlyConfigured(
                    f"{action.name!r} is declared by both {actions[action.name].app} and {app}"
                )
            actions[action.name] = action
        for role, granted in _grants(module).items():
            for target in roles if role == EVERY_ROLE else [role]:
                roles[target] |= granted
    if ungranted := actions.keys() - set().union(*roles.values()):
        raise ImproperlyConfigured(f"no role is granted {sorted(ungranted)}")
    return ActionMap(actions, {role: frozenset(granted) for role, granted in roles.items()})


def _declared(app: str, module: ModuleType) -> list[Action]:
    declared = getattr(module, "ACTIONS", None)
    if not isinstance(declared, dict):
        raise ImproperlyConfigured(f"{module.__name__} declares no ACTIONS dict")
    if bad := [name for name in declared if not _ACTION_NAME.fullmatch(name)]:
        raise ImproperlyConfigured(f"{module.__name__}: {bad} are not <area>.<verb>")
    city_wide = set(getattr(module, "CITY_WIDE", ()))
    if stray := city_wide - declared.keys():
        raise ImproperlyConfigured(f"{module.__name__}: CITY_WIDE {sorted(stray)} not in ACTIONS")
    return [Action(name, app, text, name in city_wide) for name, text in declared.items()]


def _grants(module: ModuleType) -> dict[str, set[str]]:
    """The module's GRANTS, each role's actions declared by the module itself."""
    grants = {str(role): set(granted) for role, granted in getattr(module, "GRANTS", {}).items()}
    for role, granted in grants.items():
        if role != EVERY_ROLE and role not in Role.values:
            raise ImproperlyConfigured(f"{module.__name__} grants to an unknown role {role!r}")
        if stray := granted - module.ACTIONS.keys():
            raise ImproperlyConfigured(
                f"{module.__name__} grants {role!r} {sorted(stray)}, which it does not declare"
            )
    return grants


def discover() -> list[tuple[str, ModuleType]]:
    """Every installed anjian app's ``permissions`` module, in INSTALLED_APPS order."""
    return [
        (config.label, importlib.import_module(f"{config.name}.permissions"))
        for config in apps.get_app_configs()
        if config.name.startswith("anjian.") and module_has_submodule(config.module, "permissions")
    ]


@functools.cache
def action_map() -> ActionMap:
    return collect(discover())


def role_actions(role: str) -> frozenset[str]:
    return action_map().roles.get(role, frozenset())


def role_can(role: str, action: str) -> bool:
    return action in role_actions(role)


def all_actions() -> frozenset[str]:
    return frozenset(action_map().actions)


def city_wide_actions() -> frozenset[str]:
    return frozenset(a.name for a in action_map().actions.values() if a.city_wide)


def document() -> str:
    """docs/permissions.md: every action, the app declaring it and the roles granted it."""
    assembled = action_map()
    header = ["action", "app", *Role.values, "what it opens"]
    rows = [
        "# Permissions",
        "",
        "Generated by `anjian permissions --write` from the declarations in "
        "`anjian/<app>/permissions.py` (assembled by `anjian/accounts/permissions.py`). "
        "Do not edit by hand: a test fails when this file and the code disagree.",
        "",
        "Roles: " + "; ".join(f"`{role.value}` {role.label}" for role in Role) + ".",
        "",
        "A role grants what it may do; the user's scope (`anjian/core/scoping.py`) decides "
        "to which records. City-wide actions (**bold**) are granted only to users whose "
        "scope covers the whole deployment.",
        "",
        "| " + " | ".join(header) + " |",
        "| " + " | ".join("---" for _ in header) + " |",
    ]
    for action in assembled.actions.values():
        name = f"**`{action.name}`**" if action.city_wide else f"`{action.name}`"
        marks = ["✓" if action.name in assembled.roles[role] else "" for role in Role.values]
        rows.append("| " + " | ".join([name, action.app, *marks, action.description]) + " |")
    return "\n".join(rows) + "\n"
