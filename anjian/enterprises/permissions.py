"""The actions of the enterprise registry and which roles are granted them
(``accounts.permissions`` assembles every app's into the one role → action map;
docs/permissions.md shows it)."""

from anjian.accounts.roles import Role

ENTERPRISE_VIEW = "enterprise.view"
ENTERPRISE_ADD = "enterprise.add"
ENTERPRISE_CHANGE = "enterprise.change"
ENTERPRISE_CHANGE_OWN = "enterprise.change_own"
ENTERPRISE_IMPORT = "enterprise.import"
ENTERPRISE_EXPORT = "enterprise.export"
ENTERPRISE_ACCOUNTS = "enterprise.accounts"

ACTIONS = {
    ENTERPRISE_VIEW: "enterprises in scope, their detail page and map",
    ENTERPRISE_ADD: "register an enterprise",
    ENTERPRISE_CHANGE: "edit every field of an enterprise",
    ENTERPRISE_CHANGE_OWN: "an enterprise's own contacts and headcount",
    ENTERPRISE_IMPORT: "import enterprises from Excel",
    ENTERPRISE_EXPORT: "export enterprises to Excel",
    ENTERPRISE_ACCOUNTS: "create and disable an enterprise's own logins",
}

_READ = {ENTERPRISE_VIEW, ENTERPRISE_EXPORT}
_WRITE = {ENTERPRISE_ADD, ENTERPRISE_CHANGE, ENTERPRISE_IMPORT, ENTERPRISE_ACCOUNTS}

GRANTS = {
    Role.ADMIN: _READ | _WRITE,
    Role.SUPERVISOR: _READ | _WRITE,
    Role.DEPARTMENT: _READ | _WRITE,
    Role.STREET: _READ | _WRITE,
    Role.INSPECTOR: _READ,
    Role.ENTERPRISE: {ENTERPRISE_VIEW, ENTERPRISE_CHANGE_OWN},
    Role.LEADER: _READ,
}
