"""The actions of 危险化学品与重大危险源 and which roles are granted them (``accounts.permissions``
assembles every app's into the one role → action map; docs/permissions.md shows it)."""

from anjian.accounts.roles import Role

HAZCHEM_VIEW = "hazchem.view"
UNIT_MANAGE = "chemunit.manage"
SOURCE_FILE = "source.file"
CATALOGUE_MANAGE = "catalogue.manage"
DUTYRULE_MANAGE = "dutyrule.manage"

ACTIONS = {
    HAZCHEM_VIEW: "the chemical catalogue; the units, inventories and major hazard sources of "
    "the scope with how each was identified and graded; their figures; export",
    UNIT_MANAGE: "keep a unit's production and storage units and their inventories (each "
    "change re-identifies and re-grades the unit); name the 包保责任人 and record their checks",
    SOURCE_FILE: "accept the filing (备案) of a major hazard source in scope, or close (核销) "
    "one that no longer qualifies",
    CATALOGUE_MANAGE: "keep the chemical catalogue (entries beyond the shipped GB 18218 table 1 "
    "rows; import from Excel)",
    DUTYRULE_MANAGE: "set how often each 包保 role checks its major hazard source (whole "
    "deployment; every change kept)",
}

_VIEW = {HAZCHEM_VIEW}
_GOVERNMENT = _VIEW | {UNIT_MANAGE, SOURCE_FILE}

GRANTS = {
    Role.ADMIN: _GOVERNMENT | {CATALOGUE_MANAGE, DUTYRULE_MANAGE},
    Role.SUPERVISOR: _GOVERNMENT | {DUTYRULE_MANAGE},
    Role.DEPARTMENT: _GOVERNMENT,
    Role.STREET: _VIEW,
    Role.INSPECTOR: _VIEW,
    Role.ENTERPRISE: _VIEW | {UNIT_MANAGE},
    Role.LEADER: _VIEW,
}
CITY_WIDE: set[str] = {CATALOGUE_MANAGE, DUTYRULE_MANAGE}
