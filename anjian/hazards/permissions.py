"""The actions of 隐患排查治理 — the ledger, the standards library and enterprises'
self-checks — and which roles are granted them (``accounts.permissions`` assembles every
app's into the one role → action map; docs/permissions.md shows it)."""

from anjian.accounts.roles import Role

HAZARD_VIEW = "hazard.view"
HAZARD_EXPORT = "hazard.export"
HAZARD_REPORT = "hazard.report"
HAZARD_RECTIFY = "hazard.rectify"
HAZARD_SUPERVISE = "hazard.supervise"
HAZARD_LIST = "hazard.list"
HAZARD_STANDARDS = "hazard.standards"
SELFCHECK_MANAGE = "selfcheck.manage"

ACTIONS = {
    HAZARD_VIEW: "the hazard ledger, its figures, measures and the standards library",
    HAZARD_EXPORT: "export hazards and measures to Excel",
    HAZARD_REPORT: "record a hazard (self-check, inspection, patrol, tip-off, alarm …)",
    HAZARD_RECTIFY: "register, rectify, submit, request extensions (owner side)",
    HAZARD_SUPERVISE: "accept, void, merge, approve extensions; measures (government)",
    HAZARD_LIST: "挂牌督办, escalation rules and revisits (回头看)",
    HAZARD_STANDARDS: "edit and import the major-hazard standards library",
    SELFCHECK_MANAGE: "an enterprise's check plans and check records",
}

CITY_WIDE = {HAZARD_STANDARDS}  # the standards library judges every hazard in the city

_READ = {HAZARD_VIEW, HAZARD_EXPORT}
_GOVERNMENT = _READ | {HAZARD_REPORT, HAZARD_RECTIFY, HAZARD_SUPERVISE, HAZARD_LIST}

GRANTS = {
    Role.ADMIN: _GOVERNMENT | {HAZARD_STANDARDS},
    Role.SUPERVISOR: _GOVERNMENT,
    Role.DEPARTMENT: _GOVERNMENT,
    Role.STREET: _GOVERNMENT,
    Role.INSPECTOR: _READ | {HAZARD_REPORT},
    Role.ENTERPRISE: _READ | {HAZARD_REPORT, HAZARD_RECTIFY, SELFCHECK_MANAGE},
    Role.LEADER: _READ,
}
