"""The actions of 应急准备与处置 and which roles are granted them (``accounts.permissions``
assembles every app's into the one role → action map; docs/permissions.md shows it)."""

from anjian.accounts.roles import Role

EMERGENCY_VIEW = "emergency.view"
PLAN_MANAGE = "plan.manage"
PLAN_FILE = "plan.file"
DRILL_MANAGE = "drill.manage"
RESOURCE_MANAGE = "resource.manage"
INCIDENT_OPEN = "incident.open"
INCIDENT_COMMAND = "incident.command"

ACTIONS = {
    EMERGENCY_VIEW: "plans, drills, resources and incidents of the scope, their figures, the "
    "map; export",
    PLAN_MANAGE: "write, publish, revise and abolish the plans of one's own organisation or "
    "unit; send them for filing; record assessments and revision triggers",
    PLAN_FILE: "accept (备案) or return a plan sent for filing in scope",
    DRILL_MANAGE: "plan, record and evaluate drills; track their improvement tasks",
    RESOURCE_MANAGE: "keep teams, warehouses and stock, equipment, shelters and experts; "
    "import them from Excel",
    INCIDENT_OPEN: "open an incident (by hand, from an accident or an alarm)",
    INCIDENT_COMMAND: "command an incident: level, plan activation, tasks, the command log, "
    "dispatch and assignments, close, after-action review, void",
}

_VIEW = {EMERGENCY_VIEW}
_KEEPERS = _VIEW | {PLAN_MANAGE, DRILL_MANAGE, RESOURCE_MANAGE}
_GOVERNMENT = _KEEPERS | {PLAN_FILE, INCIDENT_OPEN, INCIDENT_COMMAND}

GRANTS = {
    Role.ADMIN: _GOVERNMENT,
    Role.SUPERVISOR: _GOVERNMENT,
    Role.DEPARTMENT: _GOVERNMENT,
    Role.STREET: _KEEPERS | {INCIDENT_OPEN},
    Role.INSPECTOR: _VIEW,
    Role.ENTERPRISE: _KEEPERS,
    Role.LEADER: _VIEW,
}
CITY_WIDE: set[str] = set()
