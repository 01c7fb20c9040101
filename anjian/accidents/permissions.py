"""The actions of 事故报告与调查 and which roles are granted them (``accounts.permissions``
assembles every app's into the one role → action map; docs/permissions.md shows it)."""

from anjian.accounts.roles import Role

ACCIDENT_VIEW = "accident.view"
ACCIDENT_REPORT = "accident.report"
ACCIDENT_MANAGE = "accident.manage"
ACCIDENT_FLAG = "accident.flag"

ACTIONS = {
    ACCIDENT_VIEW: "accident records of the scope, their reports, chain, investigation; export",
    ACCIDENT_REPORT: "file a quick report (快报) and follow-ups (续报) of an accident in scope",
    ACCIDENT_MANAGE: "record the chain's levels, run the investigation, measures, close, "
    "evaluate, void",
    ACCIDENT_FLAG: "set or withdraw 迟报/漏报/谎报/瞒报 on an accident, with the reason",
}

_REPORTERS = {ACCIDENT_VIEW, ACCIDENT_REPORT}
_GOVERNMENT = _REPORTERS | {ACCIDENT_MANAGE}

GRANTS = {
    Role.ADMIN: _GOVERNMENT | {ACCIDENT_FLAG},
    Role.SUPERVISOR: _GOVERNMENT | {ACCIDENT_FLAG},
    Role.DEPARTMENT: _GOVERNMENT,
    Role.STREET: _REPORTERS,
    Role.INSPECTOR: _REPORTERS,
    Role.ENTERPRISE: _REPORTERS,
    Role.LEADER: {ACCIDENT_VIEW},
}
CITY_WIDE: set[str] = set()
