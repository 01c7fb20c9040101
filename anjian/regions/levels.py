"""Reading a region code by level, without a query.

GB/T 2260 codes are a materialised path: a region's code begins with its parent's, so the
code of any region above it is a prefix of fixed length — 31 (省/直辖市) → 3101 (市) →
310110 (区/县) → 310110001 (街道/镇) → 310110001001 (社区/村). A grid (网格) extends its
parent's code (a street's or a community's) with ``W`` and three digits. Code that needs
"the district of this hazard" or "is this scope a district" asks here instead of slicing
or measuring the code by hand.
"""

from django.db.models import Expression
from django.db.models.functions import Substr

from anjian.regions.choices import RegionLevel

GRID_MARK = "W"

# How many characters a code has at each level of the path (a grid: its parent's + 4).
CODE_LENGTHS = {
    RegionLevel.PROVINCE: 2,
    RegionLevel.CITY: 4,
    RegionLevel.DISTRICT: 6,
    RegionLevel.STREET: 9,
    RegionLevel.COMMUNITY: 12,
}
_LEVEL_BY_LENGTH = {length: level for level, length in CODE_LENGTHS.items()}
_CITY = CODE_LENGTHS[RegionLevel.CITY]
_DISTRICT = CODE_LENGTHS[RegionLevel.DISTRICT]
_STREET = CODE_LENGTHS[RegionLevel.STREET]


def code_length(level: RegionLevel) -> int:
    """The length of a code at ``level`` (not for grids, whose length depends on the parent)."""
    return CODE_LENGTHS[level]


def level_of(code: str) -> RegionLevel | None:
    """The level of the region ``code`` names, read off the code (None: not a region code)."""
    if GRID_MARK in code:
        return RegionLevel.GRID
    return _LEVEL_BY_LENGTH.get(len(code))


def is_at_or_below(code: str, level: RegionLevel) -> bool:
    """Whether ``code`` names a region at ``level`` or inside one (a street's grid is below
    its district): it is at least as long as a code at ``level``."""
    return len(code) >= CODE_LENGTHS[level]


def city_of(code: str) -> str:
    """The 市 of a region code (the code itself above the city)."""
    return code[:_CITY]


def district_of(code: str) -> str:
    """The 区/县 of a region code: ``district_of("310110001W002") == "310110"``."""
    return code[:_DISTRICT]


def street_of(code: str) -> str:
    """The 街道/镇 of a region code: ``street_of("310110001W002") == "310110001"``."""
    return code[:_STREET]


def code_at_sql(expression: str | Expression, level: RegionLevel) -> Substr:
    """The code of the region at ``level`` containing a code column or expression, in SQL
    (grouping rows by district or street); a code above ``level`` comes back whole."""
    return Substr(expression, 1, CODE_LENGTHS[level])


def ancestor_codes(code: str) -> list[str]:
    """``code`` and the codes above it, deepest first, read off the code itself.

    >>> ancestor_codes("310110001W002")
    ['310110001W002', '310110001', '310110', '3101', '31']
    """
    base, _, _grid = code.partition(GRID_MARK)
    codes = [code] if base != code else []
    codes += [base[:n] for n in reversed(CODE_LENGTHS.values()) if n <= len(base)]
    return codes
