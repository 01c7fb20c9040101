"""The actions of the regions app and which roles are granted them (``accounts.permissions``
assembles every app's into the one role → action map; docs/permissions.md shows it).

``regions`` sits below ``accounts``: it names roles by value (``accounts.roles.Role``),
checked against the roles at start-up.
"""

REGION_VIEW = "region.view"
REGION_MANAGE = "region.manage"
DEPARTMENT_VIEW = "department.view"
DEPARTMENT_MANAGE = "department.manage"

ACTIONS = {
    REGION_VIEW: "the region tree, 社区/网格 and their map",
    REGION_MANAGE: "add 社区/网格, label points (within scope)",
    DEPARTMENT_VIEW: "departments and industries",
    DEPARTMENT_MANAGE: "departments and industries (administrators)",
}

_READ = {REGION_VIEW, DEPARTMENT_VIEW}

GRANTS = {
    "admin": _READ | {REGION_MANAGE, DEPARTMENT_MANAGE},
    "supervisor": _READ | {REGION_MANAGE},
    "department": _READ,
    "street": _READ | {REGION_MANAGE},
    "inspector": _READ,
    "leader": _READ,
}
