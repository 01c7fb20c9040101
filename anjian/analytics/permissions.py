"""The actions of 指标与统计 and which roles are granted them (``accounts.permissions``
assembles every app's into the one role → action map; docs/permissions.md shows it).

Which region's figures a user may read is the scope: the region must be inside it
(``selectors.indicator_report``). The figures are the region's statistics, the same for
every reader; the accident records behind them are listed by the accidents pages, which
apply the reader's full scope.
"""

from anjian.accounts.roles import Role

INDICATOR_VIEW = "indicator.view"
INDICATOR_MANAGE = "indicator.manage"
REPORT_MONTHLY = "report.monthly"
REPORT_VIEW = "report.view"

ACTIONS = {
    INDICATOR_VIEW: "plan indicators of a region in scope: figures, year-on-year change, trend, "
    "targets, breakdowns and drill-down; export",
    INDICATOR_MANAGE: "yearly denominators (GDP, 工矿商贸 employees, motor vehicles) and their "
    "Excel import; indicator plans and their targets",
    REPORT_MONTHLY: "generate the monthly situation report (区情月报) of a region in scope",
    REPORT_VIEW: "view and download the monthly situation reports of a region in scope",
}

_READERS = {INDICATOR_VIEW}
_MANAGERS = {INDICATOR_VIEW, INDICATOR_MANAGE, REPORT_MONTHLY, REPORT_VIEW}

GRANTS = {
    Role.ADMIN: _MANAGERS,
    Role.SUPERVISOR: _MANAGERS,
    Role.DEPARTMENT: _READERS | {REPORT_VIEW},
    Role.STREET: _READERS,
    Role.INSPECTOR: _READERS,
    Role.LEADER: _READERS | {REPORT_VIEW},
}
CITY_WIDE: set[str] = set()
