"""The actions of 在线监测 and which roles are granted them (``accounts.permissions``
assembles every app's into the one role → action map; docs/permissions.md shows it)."""

from anjian.accounts.roles import Role

MONITOR_VIEW = "monitor.view"
MONITOR_MANAGE = "monitor.manage"
ALARM_HANDLE = "alarm.handle"
MONITOR_ADMIN = "monitor.admin"

ACTIONS = {
    MONITOR_VIEW: "devices, latest values, alarms, online rates (in scope)",
    MONITOR_MANAGE: "register devices and gateways, thresholds and duty persons (in scope)",
    ALARM_HANDLE: "acknowledge and dispose alarms, raise a hazard from one",
    MONITOR_ADMIN: "device types and metrics, the ingest dead-letter table",
}

CITY_WIDE = {MONITOR_ADMIN}  # the dead-letter table holds every district's refused messages

_OPERATE = {MONITOR_VIEW, MONITOR_MANAGE, ALARM_HANDLE}

GRANTS = {
    Role.ADMIN: _OPERATE | {MONITOR_ADMIN},
    Role.SUPERVISOR: _OPERATE,
    Role.DEPARTMENT: _OPERATE,
    Role.STREET: _OPERATE,
    Role.INSPECTOR: {MONITOR_VIEW},
    Role.ENTERPRISE: _OPERATE,
    Role.LEADER: {MONITOR_VIEW},
}
