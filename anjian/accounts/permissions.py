"""The one role → action map. Views and API operations name an action; this grants it.

Actions are ``<area>.<verb>``. What a role may do is listed here and nowhere else;
*which records* it may do it to is the scope (``anjian.core.scoping``).
"""

from anjian.accounts.roles import Role

HOME_VIEW = "home.view"
PROFILE = "account.profile"  # own profile, password and API tokens
USER_MANAGE = "user.manage"
AUDIT_VIEW = "audit.view"
JOB_VIEW = "job.view"  # own background jobs

REGION_VIEW = "region.view"
REGION_MANAGE = "region.manage"  # add 社区/网格, label points (within scope)
DEPARTMENT_VIEW = "department.view"
DEPARTMENT_MANAGE = "department.manage"  # departments and industries (administrators)

ENTERPRISE_VIEW = "enterprise.view"
ENTERPRISE_ADD = "enterprise.add"
ENTERPRISE_CHANGE = "enterprise.change"  # every field
ENTERPRISE_CHANGE_OWN = "enterprise.change_own"  # an enterprise's own contacts and headcount
ENTERPRISE_IMPORT = "enterprise.import"
ENTERPRISE_EXPORT = "enterprise.export"
ENTERPRISE_ACCOUNTS = "enterprise.accounts"  # create/disable an enterprise's own logins

_EVERY_USER = {HOME_VIEW, PROFILE, JOB_VIEW}
_REGISTRY_READ = {ENTERPRISE_VIEW, ENTERPRISE_EXPORT, REGION_VIEW, DEPARTMENT_VIEW, AUDIT_VIEW}
_REGISTRY_WRITE = {ENTERPRISE_ADD, ENTERPRISE_CHANGE, ENTERPRISE_IMPORT, ENTERPRISE_ACCOUNTS}

ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(
        _EVERY_USER
        | _REGISTRY_READ
        | _REGISTRY_WRITE
        | {USER_MANAGE, REGION_MANAGE, DEPARTMENT_MANAGE}
    ),
    Role.SUPERVISOR: frozenset(_EVERY_USER | _REGISTRY_READ | _REGISTRY_WRITE | {REGION_MANAGE}),
    Role.DEPARTMENT: frozenset(_EVERY_USER | _REGISTRY_READ | _REGISTRY_WRITE),
    Role.STREET: frozenset(_EVERY_USER | _REGISTRY_READ | _REGISTRY_WRITE | {REGION_MANAGE}),
    Role.INSPECTOR: frozenset(_EVERY_USER | _REGISTRY_READ),
    Role.ENTERPRISE: frozenset(_EVERY_USER | {ENTERPRISE_VIEW, ENTERPRISE_CHANGE_OWN, AUDIT_VIEW}),
    Role.EXPERT: frozenset(_EVERY_USER),
    Role.LEADER: frozenset(_EVERY_USER | _REGISTRY_READ),
}

ALL_ACTIONS: frozenset[str] = frozenset().union(*ROLE_ACTIONS.values())


def role_can(role: str, action: str) -> bool:
    return action in ROLE_ACTIONS.get(role, frozenset())
