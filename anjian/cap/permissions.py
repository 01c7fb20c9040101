"""The actions of 预警发布 (public CAP warnings) and which roles are granted them
(``accounts.permissions`` assembles every app's into the one role → action map;
docs/permissions.md shows it)."""

from anjian.accounts.roles import Role

WARNING_VIEW = "warning.view"
WARNING_COMPOSE = "warning.compose"
WARNING_APPROVE = "warning.approve"
WARNING_COSIGN = "warning.cosign"
WARNING_CONTACTS = "warning.contacts"

ACTIONS = {
    WARNING_VIEW: "public early warnings (CAP) inside the platform; their deliveries and reach",
    WARNING_COMPOSE: "draft, edit, submit, discard; start an update; name co-issuing departments",
    WARNING_APPROVE: "approve someone else's warning (签发); return; cancel",
    WARNING_COSIGN: "agree to a warning one's own department co-issues (会签, 联合发布)",
    WARNING_CONTACTS: "keep the warning contact lists of streets and communities",
}

_ALL = {WARNING_VIEW, WARNING_COMPOSE, WARNING_APPROVE, WARNING_COSIGN, WARNING_CONTACTS}

GRANTS = {
    Role.ADMIN: _ALL,
    Role.SUPERVISOR: _ALL,
    Role.DEPARTMENT: {WARNING_VIEW, WARNING_COSIGN},
    Role.STREET: {WARNING_VIEW, WARNING_CONTACTS},
    # leaders sign off (签发) warnings, and agree for their department when it co-issues
    Role.LEADER: {WARNING_VIEW, WARNING_APPROVE, WARNING_COSIGN},
}
