"""The one role → action map. Views and API operations name an action; this grants it.

Actions are ``<area>.<verb>``. What a role may do is listed here and nowhere else;
*which records* it may do it to is the scope (``anjian.core.scoping``).
"""

from anjian.accounts.roles import Role

# Actions of apps below accounts are declared in those apps (they may not import this
# module); imported here for the role map and re-exported as ``perms.REGION_VIEW`` etc.
from anjian.regions.permissions import (
    DEPARTMENT_MANAGE,
    DEPARTMENT_VIEW,
    REGION_MANAGE,
    REGION_VIEW,
)

HOME_VIEW = "home.view"
PROFILE = "account.profile"  # own profile, password and API tokens
USER_MANAGE = "user.manage"
AUDIT_VIEW = "audit.view"
JOB_VIEW = "job.view"  # own background jobs

ENTERPRISE_VIEW = "enterprise.view"
ENTERPRISE_ADD = "enterprise.add"
ENTERPRISE_CHANGE = "enterprise.change"  # every field
ENTERPRISE_CHANGE_OWN = "enterprise.change_own"  # an enterprise's own contacts and headcount
ENTERPRISE_IMPORT = "enterprise.import"
ENTERPRISE_EXPORT = "enterprise.export"
ENTERPRISE_ACCOUNTS = "enterprise.accounts"  # create/disable an enterprise's own logins

RISK_VIEW = "risk.view"  # risk points, assessments, regional risk list and map
RISK_MANAGE = "risk.manage"  # an enterprise's own risk points, assessments and measures
RISK_CONFIGURE = "risk.configure"  # LEC/LS band tables and the industry risk library

HAZARD_VIEW = "hazard.view"
HAZARD_EXPORT = "hazard.export"
HAZARD_REPORT = "hazard.report"  # record a hazard (self-check, inspection, patrol, tip-off …)
HAZARD_RECTIFY = "hazard.rectify"  # register, rectify, submit, request extensions (owner side)
HAZARD_SUPERVISE = "hazard.supervise"  # accept, void, merge, approve extensions (government)
HAZARD_LIST = "hazard.list"  # 挂牌督办 and revisits (回头看)
HAZARD_STANDARDS = "hazard.standards"  # edit and import the major-hazard standards library
SELFCHECK_MANAGE = "selfcheck.manage"  # an enterprise's check plans and check records

NOTIFICATION_VIEW = "notification.view"

MONITOR_VIEW = "monitor.view"  # devices, latest values, alarms, online rates (in scope)
MONITOR_MANAGE = "monitor.manage"  # register devices, thresholds and duty persons (in scope)
ALARM_HANDLE = "alarm.handle"  # acknowledge and dispose alarms, raise a hazard from one
MONITOR_ADMIN = "monitor.admin"  # device types and metrics, the ingest dead-letter table

WARNING_VIEW = "warning.view"  # public early warnings (CAP) inside the platform
WARNING_COMPOSE = "warning.compose"  # draft, edit, submit, discard; start an update
WARNING_APPROVE = "warning.approve"  # approve someone else's warning; return; cancel

_EVERY_USER = {HOME_VIEW, PROFILE, JOB_VIEW, NOTIFICATION_VIEW}
_REGISTRY_READ = {ENTERPRISE_VIEW, ENTERPRISE_EXPORT, REGION_VIEW, DEPARTMENT_VIEW, AUDIT_VIEW}
_REGISTRY_WRITE = {ENTERPRISE_ADD, ENTERPRISE_CHANGE, ENTERPRISE_IMPORT, ENTERPRISE_ACCOUNTS}
_PREVENTION_READ = {RISK_VIEW, HAZARD_VIEW, HAZARD_EXPORT}
_GOVERNMENT_HAZARDS = {HAZARD_REPORT, HAZARD_RECTIFY, HAZARD_SUPERVISE, HAZARD_LIST}
_MONITORING = {MONITOR_VIEW, MONITOR_MANAGE, ALARM_HANDLE}

ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(
        _EVERY_USER
        | _REGISTRY_READ
        | _REGISTRY_WRITE
        | _PREVENTION_READ
        | _GOVERNMENT_HAZARDS
        | {USER_MANAGE, REGION_MANAGE, DEPARTMENT_MANAGE}
        | {HAZARD_STANDARDS, RISK_CONFIGURE}
        | _MONITORING
        | {MONITOR_ADMIN, WARNING_VIEW, WARNING_COMPOSE, WARNING_APPROVE}
    ),
    Role.SUPERVISOR: frozenset(
        _EVERY_USER
        | _REGISTRY_READ
        | _REGISTRY_WRITE
        | _PREVENTION_READ
        | _GOVERNMENT_HAZARDS
        | _MONITORING
        | {REGION_MANAGE, WARNING_VIEW, WARNING_COMPOSE, WARNING_APPROVE}
    ),
    Role.DEPARTMENT: frozenset(
        _EVERY_USER
        | _REGISTRY_READ
        | _REGISTRY_WRITE
        | _PREVENTION_READ
        | _GOVERNMENT_HAZARDS
        | _MONITORING
        | {WARNING_VIEW}
    ),
    Role.STREET: frozenset(
        _EVERY_USER
        | _REGISTRY_READ
        | _REGISTRY_WRITE
        | _PREVENTION_READ
        | _GOVERNMENT_HAZARDS
        | _MONITORING
        | {REGION_MANAGE, WARNING_VIEW}
    ),
    Role.INSPECTOR: frozenset(
        _EVERY_USER | _REGISTRY_READ | _PREVENTION_READ | {HAZARD_REPORT, MONITOR_VIEW}
    ),
    Role.ENTERPRISE: frozenset(
        _EVERY_USER
        | {ENTERPRISE_VIEW, ENTERPRISE_CHANGE_OWN, AUDIT_VIEW}
        | {RISK_VIEW, RISK_MANAGE, HAZARD_VIEW, HAZARD_EXPORT, HAZARD_REPORT, HAZARD_RECTIFY}
        | {SELFCHECK_MANAGE}
        | _MONITORING
    ),
    Role.EXPERT: frozenset(_EVERY_USER),
    # Leaders read everything in scope and sign off (签发) public warnings.
    Role.LEADER: frozenset(
        _EVERY_USER
        | _REGISTRY_READ
        | _PREVENTION_READ
        | {MONITOR_VIEW, WARNING_VIEW, WARNING_APPROVE}
    ),
}

ALL_ACTIONS: frozenset[str] = frozenset().union(*ROLE_ACTIONS.values())

# Actions on configuration (or data) of the whole deployment, which no region scope
# filters: a role grants them only to users whose scope covers the whole deployment
# (``core.scoping.covers_deployment``; ``User.can`` checks it). A district's administrator
# keeps every other administrator action inside the district.
CITY_WIDE_ACTIONS: frozenset[str] = frozenset(
    {
        RISK_CONFIGURE,  # the LEC/LS band tables grade every risk point in the city
        HAZARD_STANDARDS,  # the major-hazard standards library judges every hazard
        MONITOR_ADMIN,  # the dead-letter table holds every district's refused messages
    }
)


def role_can(role: str, action: str) -> bool:
    return action in ROLE_ACTIONS.get(role, frozenset())
