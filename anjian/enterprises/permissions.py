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
PLACE_VIEW = "place.view"
PLACE_MANAGE = "place.manage"

ACTIONS = {
    ENTERPRISE_VIEW: "enterprises in scope, their detail page and map",
    ENTERPRISE_ADD: "register an enterprise",
    ENTERPRISE_CHANGE: "edit every field of an enterprise",
    ENTERPRISE_CHANGE_OWN: "an enterprise's own contacts and headcount",
    ENTERPRISE_IMPORT: "import enterprises from Excel",
    ENTERPRISE_EXPORT: "export enterprises to Excel",
    ENTERPRISE_ACCOUNTS: "create and disable an enterprise's own logins",
    PLACE_VIEW: "public places (公共区域台账) in scope and their hazards' owner page",
    PLACE_MANAGE: "register, edit and retire public places",
}

_READ = {ENTERPRISE_VIEW, ENTERPRISE_EXPORT, PLACE_VIEW}
_WRITE = {ENTERPRISE_ADD, ENTERPRISE_CHANGE, ENTERPRISE_IMPORT, ENTERPRISE_ACCOUNTS, PLACE_MANAGE}

GRANTS = {
    Role.ADMIN: _READ | _WRITE,
    Role.SUPERVISOR: _READ | _WRITE,
    Role.DEPARTMENT: _READ | _WRITE,
    Role.STREET: _READ | _WRITE,
    Role.INSPECTOR: _READ,
    Role.ENTERPRISE: {ENTERPRISE_VIEW, ENTERPRISE_CHANGE_OWN},
    Role.LEADER: _READ,
}
