"""The actions of 特殊作业票 and which roles are granted them (``accounts.permissions``
assembles every app's into the one role → action map; docs/permissions.md shows it).

An enterprise issues, approves and closes its own permits (GB 30871 puts the permit in the
enterprise's hands); officials see the permits of their scope, the map of those open now and
the figures. The system administrator may act for an enterprise (support, the demo)."""

from anjian.accounts.roles import Role

SPECIALWORK_VIEW = "specialwork.view"
PERMIT_ISSUE = "permit.issue"

ACTIONS = {
    SPECIALWORK_VIEW: "the special-work permits (特殊作业票) of the scope with their gas "
    "analyses, approvals and timelines; the map of the permits open now; the figures by kind "
    "and grade; export",
    PERMIT_ISSUE: "issue an enterprise's own permits: apply, record gas analyses and the "
    "approvals of table B.1, start, pause, resume, close or cancel the work; map the "
    "approving roles to the enterprise's people",
}

_VIEW = {SPECIALWORK_VIEW}

GRANTS = {
    Role.ADMIN: _VIEW | {PERMIT_ISSUE},
    Role.SUPERVISOR: _VIEW,
    Role.DEPARTMENT: _VIEW,
    Role.STREET: _VIEW,
    Role.INSPECTOR: _VIEW,
    Role.ENTERPRISE: _VIEW | {PERMIT_ISSUE},
    Role.LEADER: _VIEW,
}
CITY_WIDE: set[str] = set()
