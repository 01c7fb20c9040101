"""The actions of 预警发布 (public CAP warnings) and which roles are granted them
(``accounts.permissions`` assembles every app's into the one role → action map;
docs/permissions.md shows it)."""

from anjian.accounts.roles import Role

WARNING_VIEW = "warning.view"
WARNING_COMPOSE = "warning.compose"
WARNING_APPROVE = "warning.approve"

ACTIONS = {
    WARNING_VIEW: "public early warnings (CAP) inside the platform",
    WARNING_COMPOSE: "draft, edit, submit, discard; start an update",
    WARNING_APPROVE: "approve someone else's warning (签发); return; cancel",
}

_ALL = {WARNING_VIEW, WARNING_COMPOSE, WARNING_APPROVE}

GRANTS = {
    Role.ADMIN: _ALL,
    Role.SUPERVISOR: _ALL,
    Role.DEPARTMENT: {WARNING_VIEW},
    Role.STREET: {WARNING_VIEW},
    Role.LEADER: {WARNING_VIEW, WARNING_APPROVE},  # leaders sign off (签发) warnings
}
