"""GB 18218-2018《危险化学品重大危险源辨识》: tables 1–6 as data, and lookups.

Pure data and functions (no Django). Figures as ../shared/RULES.md §1 gives them:

- 表1 named chemicals and their critical quantity Q (85 rows, in ``gb18218_table1``);
- 表2 hazard classes for chemicals not in table 1, with Q (``TABLE_2``);
- 表3 β for named toxic gases (``TABLE_3``, joined onto the table 1 rows);
- 表4 β by table 2 class (the ``beta`` of each ``HazardClass``);
- 表5 α by the resident population within 500 m of the plant boundary (``ALPHA_BANDS``);
- 表6 grade by R (``GRADE_BANDS``).

Quantities are tonnes, as Decimal. Names and aliases are looked up after ``normalise`` (NFKC, so
full-width letters, digits and brackets equal half-width ones; whitespace removed; case folded).
"""

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from anjian.hazchem.gb18218_table1 import TABLE_1_ROWS

EDITION = "GB 18218-2018"


@dataclass(frozen=True)
class Table1Row:
    """One row of table 1. ``beta`` is table 3's β when the row is a named toxic gas there."""

    number: int
    name: str
    aliases: tuple[str, ...]
    cas: tuple[str, ...]
    q: Decimal
    beta: Decimal | None = None
    beta_name: str = ""  # the table 3 entry that gives ``beta``

    def __str__(self) -> str:
        return f"表1第{self.number}行（{self.name}）"


@dataclass(frozen=True)
class HazardClass:
    """One row of table 2 (Q) with its table 4 β. ``code`` is the standard's symbol (J1, W5.1…)."""

    code: str
    category: str  # the hazard class, e.g. 急性毒性
    scope: str  # which GHS categories and conditions the row covers
    ghs: tuple[str, ...]  # the GHS categories named by the row
    q: Decimal
    beta: Decimal
    note: str = ""

    def __str__(self) -> str:
        return f"{self.code}（{self.category}：{self.scope}）"


@dataclass(frozen=True)
class NamedBeta:
    """One row of table 3: a named toxic gas, its β, and the table 1 row it is."""

    name: str
    cas: str
    beta: Decimal
    row: int


@dataclass(frozen=True)
class AlphaBand:
    """One row of table 5: α for ``minimum``–``maximum`` people (no maximum: and more)."""

    minimum: int
    maximum: int | None
    alpha: Decimal
    label: str


@dataclass(frozen=True)
class GradeBand:
    """One row of table 6: grade ``grade`` (1 = 一级, the highest) for R ≥ ``minimum``."""

    grade: int
    label: str
    minimum: Decimal | None  # None for the lowest band
    text: str

    def __str__(self) -> str:
        return self.label


# --- table 3: β for named toxic gases (RULES.md §1.4, H) -----------------------------------------
# 一氧化碳 is not a table 1 row by itself; table 1 row 13 (煤气) names CO first, so the β of
# 一氧化碳 applies to row 13 (our reading; RULES.md does not say how 煤气 takes β).
TABLE_3: tuple[NamedBeta, ...] = (
    NamedBeta("一氧化碳", "630-08-0", Decimal(2), 13),
    NamedBeta("二氧化硫", "7446-09-5", Decimal(2), 4),
    NamedBeta("氨", "7664-41-7", Decimal(2), 1),
    NamedBeta("环氧乙烷", "75-21-8", Decimal(2), 7),
    NamedBeta("氯化氢", "7647-01-0", Decimal(3), 11),
    NamedBeta("溴甲烷", "74-83-9", Decimal(3), 17),
    NamedBeta("氯", "7782-50-5", Decimal(4), 12),
    NamedBeta("硫化氢", "7783-06-4", Decimal(5), 10),
    NamedBeta("氟化氢", "7664-39-3", Decimal(5), 20),
    NamedBeta("二氧化氮", "10102-44-0", Decimal(10), 3),
    NamedBeta("氰化氢", "74-90-8", Decimal(10), 25),
    NamedBeta("碳酰氯(光气)", "75-44-5", Decimal(20), 6),
    NamedBeta("磷化氢", "7803-51-2", Decimal(20), 9),
    NamedBeta("异氰酸甲酯", "624-83-9", Decimal(20), 30),
)

# --- table 1 -------------------------------------------------------------------------------------
_BETA_BY_ROW = {entry.row: entry for entry in TABLE_3}

TABLE_1: tuple[Table1Row, ...] = tuple(
    Table1Row(
        number=number,
        name=name,
        aliases=aliases,
        cas=cas,
        q=Decimal(q),
        beta=_BETA_BY_ROW[number].beta if number in _BETA_BY_ROW else None,
        beta_name=_BETA_BY_ROW[number].name if number in _BETA_BY_ROW else "",
    )
    for number, name, aliases, cas, q in TABLE_1_ROWS
)

# --- tables 2 and 4: classes of chemicals not in table 1, with Q and β ---------------------------
# J5: sources disagree (RULES.md §1.3 footnote 2). The two code sources read "类别2，所有暴露
# 途径，液体（除J4外）、固体"; one summary reads "类别2、3 … 固体、液体（除吸入途径）". We follow
# RULES.md's table, i.e. the code sources.
# J2's β: one source gives 2; RULES.md §1.4 footnote 3 recommends 1 (the PDF extraction).
TABLE_2: tuple[HazardClass, ...] = (
    HazardClass(
        "J1", "急性毒性", "类别1，所有暴露途径，气体", ("急性毒性-类别1",), Decimal(5), Decimal(4)
    ),
    HazardClass(
        "J2",
        "急性毒性",
        "类别1，所有暴露途径，固体、液体",
        ("急性毒性-类别1",),
        Decimal(50),
        Decimal(1),
    ),
    HazardClass(
        "J3",
        "急性毒性",
        "类别2、类别3，所有暴露途径，气体",
        ("急性毒性-类别2", "急性毒性-类别3"),
        Decimal(50),
        Decimal(2),
    ),
    HazardClass(
        "J4",
        "急性毒性",
        "类别2、类别3，吸入途径，液体（沸点≤35℃）",
        ("急性毒性-类别2", "急性毒性-类别3"),
        Decimal(50),
        Decimal(2),
    ),
    HazardClass(
        "J5",
        "急性毒性",
        "类别2，所有暴露途径，液体（除J4外）、固体",
        ("急性毒性-类别2",),
        Decimal(500),
        Decimal(1),
    ),
    HazardClass(
        "W1.1",
        "爆炸物",
        "不稳定爆炸物；1.1项爆炸物",
        ("爆炸物-不稳定爆炸物", "爆炸物-1.1项"),
        Decimal(1),
        Decimal(2),
    ),
    HazardClass(
        "W1.2",
        "爆炸物",
        "1.2、1.3、1.5、1.6项爆炸物",
        ("爆炸物-1.2项", "爆炸物-1.3项", "爆炸物-1.5项", "爆炸物-1.6项"),
        Decimal(10),
        Decimal(2),
    ),
    HazardClass("W1.3", "爆炸物", "1.4项爆炸物", ("爆炸物-1.4项",), Decimal(50), Decimal(2)),
    HazardClass(
        "W2",
        "易燃气体",
        "类别1和类别2",
        ("易燃气体-类别1", "易燃气体-类别2"),
        Decimal(10),
        Decimal("1.5"),
    ),
    HazardClass(
        "W3",
        "气溶胶",
        "类别1和类别2",
        ("气溶胶-类别1", "气溶胶-类别2"),
        Decimal(150),
        Decimal(1),
        note="临界量按净重计",
    ),
    HazardClass("W4", "氧化性气体", "类别1", ("氧化性气体-类别1",), Decimal(50), Decimal(1)),
    HazardClass(
        "W5.1",
        "易燃液体",
        "类别1；类别2和3，工作温度高于沸点",
        ("易燃液体-类别1", "易燃液体-类别2", "易燃液体-类别3"),
        Decimal(10),
        Decimal("1.5"),
    ),
    HazardClass(
        "W5.2",
        "易燃液体",
        "类别2和3，具有引发重大事故的特殊工艺条件，包括危险化工工艺、爆炸极限范围或附近操作、"
        "操作压力大于1.6MPa等",
        ("易燃液体-类别2", "易燃液体-类别3"),
        Decimal(50),
        Decimal(1),
    ),
    HazardClass(
        "W5.3",
        "易燃液体",
        "不属于W5.1或W5.2的其他类别2",
        ("易燃液体-类别2",),
        Decimal(1000),
        Decimal(1),
    ),
    HazardClass(
        "W5.4",
        "易燃液体",
        "不属于W5.1或W5.2的其他类别3",
        ("易燃液体-类别3",),
        Decimal(5000),
        Decimal(1),
    ),
    HazardClass(
        "W6.1",
        "自反应物质和混合物",
        "A型和B型",
        ("自反应物质和混合物-A型", "自反应物质和混合物-B型"),
        Decimal(10),
        Decimal("1.5"),
    ),
    HazardClass(
        "W6.2",
        "自反应物质和混合物",
        "C型、D型、E型",
        ("自反应物质和混合物-C型", "自反应物质和混合物-D型", "自反应物质和混合物-E型"),
        Decimal(50),
        Decimal(1),
    ),
    HazardClass(
        "W7.1",
        "有机过氧化物",
        "A型和B型",
        ("有机过氧化物-A型", "有机过氧化物-B型"),
        Decimal(10),
        Decimal("1.5"),
    ),
    HazardClass(
        "W7.2",
        "有机过氧化物",
        "C型、D型、E型、F型",
        ("有机过氧化物-C型", "有机过氧化物-D型", "有机过氧化物-E型", "有机过氧化物-F型"),
        Decimal(50),
        Decimal(1),
    ),
    HazardClass(
        "W8",
        "自燃液体和自燃固体",
        "类别1自燃液体、类别1自燃固体",
        ("自燃液体-类别1", "自燃固体-类别1"),
        Decimal(50),
        Decimal(1),
    ),
    HazardClass(
        "W9.1",
        "氧化性固体和液体",
        "类别1",
        ("氧化性固体-类别1", "氧化性液体-类别1"),
        Decimal(50),
        Decimal(1),
    ),
    HazardClass(
        "W9.2",
        "氧化性固体和液体",
        "类别2、类别3",
        ("氧化性固体-类别2", "氧化性固体-类别3", "氧化性液体-类别2", "氧化性液体-类别3"),
        Decimal(200),
        Decimal(1),
    ),
    HazardClass("W10", "易燃固体", "类别1", ("易燃固体-类别1",), Decimal(200), Decimal(1)),
    HazardClass(
        "W11",
        "遇水放出易燃气体的物质和混合物",
        "类别1和类别2",
        ("遇水放出易燃气体的物质和混合物-类别1", "遇水放出易燃气体的物质和混合物-类别2"),
        Decimal(200),
        Decimal(1),
    ),
)

# --- table 5: α by resident population within 500 m of the plant boundary ------------------------
ALPHA_BANDS: tuple[AlphaBand, ...] = (
    AlphaBand(100, None, Decimal("2.0"), "100人以上"),
    AlphaBand(50, 99, Decimal("1.5"), "50～99人"),
    AlphaBand(30, 49, Decimal("1.2"), "30～49人"),
    AlphaBand(1, 29, Decimal("1.0"), "1～29人"),
    AlphaBand(0, 0, Decimal("0.5"), "0人"),
)

# --- table 6: grade by R (bounds belong to the higher grade: R ≥ 100 is 一级) --------------------
GRADE_BANDS: tuple[GradeBand, ...] = (
    GradeBand(1, "一级", Decimal(100), "R≥100"),
    GradeBand(2, "二级", Decimal(50), "50≤R<100"),
    GradeBand(3, "三级", Decimal(10), "10≤R<50"),
    GradeBand(4, "四级", None, "R<10"),
)


# --- normalising and checking identities ---------------------------------------------------------
_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−﹣"), "-")
_CAS_FORM = re.compile(r"[0-9]{2,7}-[0-9]{2}-[0-9]")


def normalise(text: str) -> str:
    """A name or alias as a lookup key: NFKC (full-width → half-width), no spaces, casefolded."""
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def normalise_cas(text: str) -> str:
    """A CAS number as written, with full-width digits, dashes and spaces made plain."""
    return "".join(unicodedata.normalize("NFKC", text).translate(_DASHES).split())


def cas_is_well_formed(cas: str) -> bool:
    """True for ``NNNNNNN-NN-N`` (2–7 digits, 2 digits, 1 check digit)."""
    return _CAS_FORM.fullmatch(cas) is not None


def cas_check_digit_ok(cas: str) -> bool:
    """The CAS check digit: Σ (position from the right × digit) over the other digits, mod 10."""
    digits = cas.replace("-", "")
    body, check = digits[:-1], int(digits[-1])
    return sum(i * int(d) for i, d in enumerate(reversed(body), start=1)) % 10 == check


def normalise_code(code: str) -> str:
    """A table 2 symbol as a key: ``ｗ５．１`` and ``w5.1 `` become ``W5.1``."""
    return "".join(unicodedata.normalize("NFKC", code).split()).upper()


# --- indexes -------------------------------------------------------------------------------------
def _name_index() -> dict[str, tuple[Table1Row, str]]:
    index: dict[str, tuple[Table1Row, str]] = {}
    for row in TABLE_1:
        for text, kind in ((row.name, "品名"), *((alias, "别名") for alias in row.aliases)):
            key = normalise(text)
            other = index.get(key)
            if other is not None and other[0] is not row:
                raise ValueError(
                    f"{text} names both table 1 rows {other[0].number} and {row.number}"
                )
            index.setdefault(key, (row, kind))
    return index


def _cas_index() -> dict[str, tuple[Table1Row, ...]]:
    index: dict[str, tuple[Table1Row, ...]] = {}
    for row in TABLE_1:
        for cas in row.cas:
            index[cas] = (*index.get(cas, ()), row)
    return index


_BY_NUMBER = {row.number: row for row in TABLE_1}
_BY_NAME = _name_index()
_BY_CAS = _cas_index()
_CLASS_BY_CODE = {normalise_code(c.code): c for c in TABLE_2}


def row(number: int) -> Table1Row | None:
    """Table 1 row ``number`` (1–85), or None."""
    return _BY_NUMBER.get(number)


def rows_by_cas(cas: str) -> tuple[Table1Row, ...]:
    """The table 1 rows listing ``cas`` (several for 9004-70-0 and 6484-52-2; none if unlisted)."""
    return _BY_CAS.get(normalise_cas(cas), ())


def row_by_name(name: str) -> tuple[Table1Row, str] | None:
    """The table 1 row named ``name`` (or aliased so) and how it matched ("品名" or "别名")."""
    return _BY_NAME.get(normalise(name))


def hazard_class(code: str) -> HazardClass | None:
    """The table 2 class with symbol ``code`` (J1…J5, W1.1…W11), or None."""
    return _CLASS_BY_CODE.get(normalise_code(code))


def alpha_band(population: int) -> AlphaBand:
    """Table 5's band for ``population`` people (a whole number ≥ 0) within 500 m."""
    for band in ALPHA_BANDS:
        if population >= band.minimum:
            return band
    raise ValueError(f"population must be ≥ 0, not {population}")


def grade_band(r: Decimal) -> GradeBand:
    """Table 6's grade for R (a bound belongs to the higher grade)."""
    for band in GRADE_BANDS:
        if band.minimum is None or r >= band.minimum:
            return band
    raise AssertionError("unreachable: the lowest band has no minimum")
