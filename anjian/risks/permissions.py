"""The actions of 风险分级管控 and which roles are granted them (``accounts.permissions``
assembles every app's into the one role → action map; docs/permissions.md shows it)."""

from anjian.accounts.roles import Role

RISK_VIEW = "risk.view"
RISK_MANAGE = "risk.manage"
RISK_CONFIGURE = "risk.configure"

ACTIONS = {
    RISK_VIEW: "risk points, assessments, the regional risk list and map",
    RISK_MANAGE: "an enterprise's own risk points, assessments and measures",
    RISK_CONFIGURE: "the LEC/LS band tables and the industry risk library",
}

CITY_WIDE = {RISK_CONFIGURE}  # the band tables grade every risk point in the city

GRANTS = {
    Role.ADMIN: {RISK_VIEW, RISK_CONFIGURE},
    Role.SUPERVISOR: {RISK_VIEW},
    Role.DEPARTMENT: {RISK_VIEW},
    Role.STREET: {RISK_VIEW},
    Role.INSPECTOR: {RISK_VIEW},
    Role.ENTERPRISE: {RISK_VIEW, RISK_MANAGE},
    Role.LEADER: {RISK_VIEW},
}
