"""Identification (辨识, formula 1) and grading (分级, formula 2) of one unit under GB 18218-2018.

Pure functions: ``identify(lines, population=…)`` takes a unit's lines and the resident
population within 500 m of the plant boundary and returns an ``Identification`` that shows every
term — each line's q, Q and where Q came from, β and where it came from, q/Q and β·q/Q — then S,
α and its band, R, the grade and the edition. Rules (../shared/RULES.md §1):

1. **Q** (4.1.2). A line that names a table 1 row (by row number, CAS number, name or alias)
   takes that row's Q. Otherwise Q comes from table 2 by the hazard classes the line gives; with
   several classes, the lowest Q. No row and no class: ``CriticalQuantityUndetermined``.
2. **Mixtures** (4.2.3). ``Mixture.AS_PURE``: the mixture has its pure substance's hazard class,
   so it is counted as the pure substance (table 1 row or the pure substance's classes) with the
   whole mixture's mass. ``Mixture.OWN``: its class differs, so Q comes from table 2 by the
   mixture's own classes, even when the pure substance is a table 1 row.
3. **β**. A table 1 row that is a table 3 toxic gas takes table 3's β. Any other line takes
   table 4's β of one of its classes: the class that sets Q (the lowest Q); when several classes
   share that lowest Q, the largest of their β. RULES.md only says "the lowest Q" for several
   classes; taking β from the same class, and the larger β on a tie, is our reading (it errs on
   the side of the higher grade). A table 1 row outside table 3 needs its classes for β.
4. **S** = Σ q/Q; the unit is a major hazard source when S ≥ 1 (a single chemical: q ≥ Q).
5. **R** = α · Σ β·q/Q with α from table 5; the grade from table 6. The standard grades only
   major hazard sources, so ``grade`` is None when S < 1; R is still shown when every line has a
   β (and None otherwise). A major hazard source with a line lacking β raises
   ``BetaUndetermined``.

Lines are not merged: the same chemical on two lines counts twice, as the inventory lists it.

**Arithmetic.** Everything is Decimal, and sums are exact: each Q is n/d exactly, so a sum of
q/Q is one exact numerator over lcm(n…) and a single division (``_exact_sum``); Q = 0.3, 0.75,
75 or 150 can give recurring decimals only in that last step. Each figure is then rounded
*down* to 28 significant digits, so a stored figure never reaches a bound (S = 1; R = 10, 50,
100) that the exact figure does not; three lines of 0.1 t of phosgene (Q 0.3 t) give S = 1
exactly. ``shown()`` rounds down to 4 decimal places for display, for the same reason.
"""

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import (
    ROUND_DOWN,
    ROUND_FLOOR,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
)
from enum import StrEnum
from fractions import Fraction
from functools import lru_cache
from math import lcm

from anjian.hazchem import gb18218
from anjian.hazchem.errors import (
    BetaUndetermined,
    ChemicalIdentityError,
    CriticalQuantityUndetermined,
    EmptyUnit,
    IdentificationError,
    PopulationError,
    QuantityError,
    UnknownHazardClass,
)
from anjian.hazchem.gb18218 import EDITION, AlphaBand, GradeBand, HazardClass, Table1Row

DISPLAY_PLACES = 4
_STORED = Context(prec=28, rounding=ROUND_FLOOR)
_WIDE = Context(prec=80, rounding=ROUND_FLOOR, traps=[InvalidOperation, DivisionByZero, Overflow])
_PRODUCT = Context(prec=80)


class Mixture(StrEnum):
    """Whether a line is a mixture, and which hazard class it takes (GB 18218-2018 4.2.3)."""

    NO = "no"  # a pure substance
    AS_PURE = "as_pure"  # same hazard class as its pure substance: counted as the pure substance
    OWN = "own"  # a hazard class of its own: Q and β from table 2/4 by its own classes


@dataclass(frozen=True, slots=True)
class Line:
    """One chemical in a unit: who it is, its table 2 classes and its quantity q in tonnes.

    ``quantity`` is the design maximum quantity (设计最大量, 4.2.2) in tonnes: a Decimal, an int,
    or a numeric string; ``identify`` rejects anything else. ``row`` is the table 1 row number
    when the caller knows it (rows 37–42 and 43–44 share a CAS number). ``classes`` are table 2
    symbols (J1…J5, W1.1…W11). For ``Mixture.AS_PURE`` the identity and classes are the pure
    substance's; for ``Mixture.OWN`` the classes are the mixture's own.
    """

    quantity: object
    cas: str = ""
    name: str = ""
    row: int | None = None
    classes: tuple[str, ...] = ()
    mixture: Mixture = Mixture.NO


@dataclass(frozen=True, slots=True)
class Basis:
    """Where a figure comes from: ``table`` (1–6) and ``key`` (row number, symbol or gas)."""

    table: int
    key: str
    text: str  # e.g. 表1第4行（二氧化硫）
    edition: str = EDITION

    def __str__(self) -> str:
        return f"{self.edition} {self.text}"


@dataclass(frozen=True, slots=True)
class Term:
    """One line's part of S and R."""

    index: int  # 1-based, in input order
    chemical: str  # the name given, else the table 1 name, else the CAS number, else 第n项
    cas: str
    mixture: Mixture
    matched_by: str  # 行号, CAS号, 品名, 别名, CAS号、品名 … or 危险性类别 (table 2)
    q: Decimal
    critical: Decimal  # Q
    critical_basis: Basis
    ratio: Decimal  # q/Q
    beta: Decimal | None
    beta_basis: Basis | None
    weighted: Decimal | None  # β·q/Q


@dataclass(frozen=True, slots=True)
class Identification:
    """A unit's identification and grading, with every term."""

    terms: tuple[Term, ...]
    s: Decimal
    is_major: bool
    population: int
    alpha: Decimal
    alpha_band: AlphaBand
    r: Decimal | None  # None when a line has no β and the unit is not a major hazard source
    grade: GradeBand | None  # None unless is_major
    edition: str = EDITION

    def explain(self) -> tuple[str, ...]:
        """How each figure was computed, one Chinese sentence a line (figures via ``shown``)."""
        lines = [f"依据 {self.edition}《危险化学品重大危险源辨识》"]
        for term in self.terms:
            text = (
                f"第{term.index}项 {term.chemical}：q = {shown(term.q)} t，"
                f"Q = {shown(term.critical)} t（{term.critical_basis.text}），"
                f"q/Q = {shown(term.ratio)}"
            )
            if term.beta is not None and term.beta_basis is not None:
                text += (
                    f"；β = {shown(term.beta)}（{term.beta_basis.text}），"
                    f"β·q/Q = {shown(term.weighted)}"
                )
            lines.append(text)
        verdict = "构成重大危险源" if self.is_major else "不构成重大危险源"
        sign = "≥" if self.is_major else "<"
        lines.append(f"S = Σq/Q = {shown(self.s)} {sign} 1，{verdict}")
        lines.append(
            f"α = {shown(self.alpha)}（厂区边界外500米范围内常住人口{self.population}人，"
            f"{self.alpha_band.label}）"
        )
        if self.r is not None:
            text = f"R = α·Σβ·q/Q = {shown(self.r)}"
            if self.grade is not None:
                text += f"，{self.grade.label}（{self.grade.text}）"
            lines.append(text)
        return tuple(lines)


def identify(lines: Sequence[Line], *, population: int) -> Identification:
    """Identify and grade one unit. Raises an ``IdentificationError`` subclass on bad input."""
    if not lines:
        raise EmptyUnit("单元内没有危险化学品，无法辨识")
    people = _population(population)
    terms = tuple(evaluate_line(line, index) for index, line in enumerate(lines, start=1))
    s = _exact_sum((term.q, term.critical, Decimal(1)) for term in terms)
    is_major = s >= 1
    band = gb18218.alpha_band(people)
    missing = next((term for term in terms if term.beta is None), None)
    if missing is not None and is_major:
        raise BetaUndetermined(
            f"{_where(missing.index, missing.chemical)}无法确定校正系数β——"
            "不在表3中，也未给出表2危险性类别，无法分级"
        )
    r = None
    if missing is None:
        r = _exact_sum((term.q, term.critical, band.alpha * term.beta) for term in terms)
    return Identification(
        terms=terms,
        s=s,
        is_major=is_major,
        population=people,
        alpha=band.alpha,
        alpha_band=band,
        r=r,
        grade=gb18218.grade_band(r) if is_major and r is not None else None,
    )


def evaluate_line(line: Line, index: int = 1) -> Term:
    """One line's q, Q, β and their sources (``index`` numbers it in messages)."""
    name = (line.name or "").strip()
    cas_text = (line.cas or "").strip()
    where = _where(index, name or cas_text)
    q = _quantity(line.quantity, where)
    mixture = _mixture(line.mixture, where)
    if line.row is not None and (isinstance(line.row, bool) or not isinstance(line.row, int)):
        raise ChemicalIdentityError(f"{where}表1行号须为整数，现为“{line.row}”")
    codes = (line.classes,) if isinstance(line.classes, str) else tuple(map(str, line.classes))
    try:
        found = _identity(cas_text, name, line.row, codes, mixture)
    except IdentificationError as error:
        raise type(error)(f"{where}{error}") from None
    ratio = _STORED.divide(q, found.critical)
    weighted = None
    if found.beta is not None:
        weighted = _STORED.divide(_PRODUCT.multiply(found.beta, q), found.critical)
    return Term(
        index=index,
        chemical=name or found.table_name or found.cas or f"第{index}项",
        cas=found.cas,
        mixture=mixture,
        matched_by=found.matched_by,
        q=q,
        critical=found.critical,
        critical_basis=found.critical_basis,
        ratio=ratio,
        beta=found.beta,
        beta_basis=found.beta_basis,
        weighted=weighted,
    )


@lru_cache(maxsize=65536)
def shown(value: Decimal | None, places: int = DISPLAY_PLACES) -> str:
    """``value`` for display: rounded down to ``places`` decimals, no trailing zeros.
    Remembered: a unit's figures are each shown twice (its terms, its sentences) and the
    tables' Q and β recur in every unit."""
    if value is None:
        return "—"
    rounded = value.quantize(_STEPS[places], rounding=ROUND_DOWN)
    text = format(rounded.normalize(), "f")
    return "0" if text == "-0" else text


_STEPS = {places: Decimal(1).scaleb(-places) for places in range(13)}


# --- the steps -----------------------------------------------------------------------------------


def _where(index: int, who: str) -> str:
    return f"第{index}项（{who}）：" if who else f"第{index}项："


def _quantity(value: object, where: str) -> Decimal:
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int) and not isinstance(value, bool):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(str(value))
    elif isinstance(value, str):
        try:
            number = Decimal(unicodedata.normalize("NFKC", value).strip())
        except InvalidOperation:
            raise QuantityError(f"{where}数量“{value}”不是数字") from None
    else:
        raise QuantityError(f"{where}数量“{value}”不是数字")
    if not number.is_finite():
        raise QuantityError(f"{where}数量“{value}”不是数字")
    if number <= 0:
        raise QuantityError(f"{where}数量须大于0吨，现为{value}")
    return number


def _population(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PopulationError(f"厂区边界外500米范围内常住人口数须为整数，现为“{value}”")
    if value < 0:
        raise PopulationError(f"厂区边界外500米范围内常住人口数不能为负数，现为{value}")
    return value


def _mixture(value: object, where: str) -> Mixture:
    try:
        return Mixture(value)
    except ValueError:
        raise IdentificationError(f"{where}混合物规则“{value}”无效") from None


@dataclass(frozen=True, slots=True)
class _Identity:
    """What a line's identity and classes resolve to (independent of its quantity)."""

    cas: str
    table_name: str  # the table 1 row's name, or ""
    matched_by: str
    critical: Decimal
    critical_basis: Basis
    beta: Decimal | None
    beta_basis: Basis | None


@lru_cache(maxsize=65536)
def _identity(
    cas_text: str, name: str, number: int | None, codes: tuple[str, ...], mixture: Mixture
) -> _Identity:
    """Q and β for an identity; cached, as a unit's chemicals repeat across an inventory.

    Raises ``IdentificationError`` subclasses whose messages the caller prefixes with the line.
    """
    cas = _cas(cas_text)
    classes = _classes(codes)
    found = None if mixture is Mixture.OWN else _table1_row(number, cas, name)
    if found is not None:
        table_row, matched_by = found
        if table_row.beta is not None:
            beta, beta_basis = (
                table_row.beta,
                Basis(3, table_row.beta_name, f"表3 {table_row.beta_name}"),
            )
        else:
            beta, beta_basis = _class_beta(classes)
        return _Identity(
            cas=cas,
            table_name=table_row.name,
            matched_by=matched_by,
            critical=table_row.q,
            critical_basis=Basis(1, str(table_row.number), str(table_row)),
            beta=beta,
            beta_basis=beta_basis,
        )
    if not classes:
        reason = (
            "混合物按其自身危险性类别确定临界量，但未给出表2危险性类别"
            if mixture is Mixture.OWN
            else "不在GB 18218-2018表1中，也未给出表2危险性类别"
        )
        raise CriticalQuantityUndetermined(f"无法确定临界量——{reason}")
    governing = _governing(classes)
    text = f"表2 {governing}"
    if len(classes) > 1:
        text += f"；具有多种危险性（{'、'.join(c.code for c in classes)}），取最低临界量"
    beta, beta_basis = _class_beta(classes)
    return _Identity(
        cas=cas,
        table_name="",
        matched_by="危险性类别",
        critical=governing.q,
        critical_basis=Basis(2, governing.code, text),
        beta=beta,
        beta_basis=beta_basis,
    )


def _cas(text: str) -> str:
    if not text:
        return ""
    cas = gb18218.normalise_cas(text)
    if not gb18218.cas_is_well_formed(cas):
        raise ChemicalIdentityError(f"CAS号“{text}”格式不正确（应为如7664-41-7的形式）")
    if not gb18218.cas_check_digit_ok(cas):
        raise ChemicalIdentityError(f"CAS号“{text}”校验位不正确")
    return cas


def _classes(codes: tuple[str, ...]) -> tuple[HazardClass, ...]:
    found = []
    for code in codes:
        hazard = gb18218.hazard_class(code)
        if hazard is None:
            raise UnknownHazardClass(f"危险性类别“{code}”不是GB 18218-2018表2的类别")
        if hazard not in found:
            found.append(hazard)
    return tuple(found)


def _rows_text(rows: Sequence[Table1Row]) -> str:
    return "表1第" + "、".join(str(r.number) for r in rows) + "行"


def _table1_row(number: int | None, cas: str, name: str) -> tuple[Table1Row, str] | None:
    """The table 1 row a line names, and how it matched; None if it names none."""
    by_cas = gb18218.rows_by_cas(cas) if cas else ()
    by_name = gb18218.row_by_name(name) if name else None
    if number is not None:
        given = gb18218.row(number)
        if given is None:
            raise ChemicalIdentityError(f"GB 18218-2018表1没有第{number}行")
        if by_cas and given not in by_cas:
            raise ChemicalIdentityError(
                f"行号（表1第{given.number}行）与CAS号{cas}（{_rows_text(by_cas)}）不一致"
            )
        if by_name is not None and by_name[0] is not given:
            raise ChemicalIdentityError(
                f"行号（表1第{given.number}行）与品名“{name}”（表1第{by_name[0].number}行）不一致"
            )
        return given, "行号"
    if by_cas and by_name is not None:
        if by_name[0] in by_cas:
            return by_name[0], f"CAS号、{by_name[1]}"
        raise ChemicalIdentityError(
            f"品名“{name}”（表1第{by_name[0].number}行）与CAS号{cas}（{_rows_text(by_cas)}）不一致"
        )
    if by_name is not None:
        return by_name
    if len(by_cas) == 1:
        return by_cas[0], "CAS号"
    if by_cas:
        raise ChemicalIdentityError(f"CAS号{cas}对应{_rows_text(by_cas)}，请给出品名或表1行号")
    return None


def _governing(classes: Sequence[HazardClass]) -> HazardClass:
    """The class that sets Q: the lowest Q; on a tie, the largest β."""
    return min(classes, key=lambda c: (c.q, -c.beta))


def _class_beta(classes: Sequence[HazardClass]) -> tuple[Decimal | None, Basis | None]:
    if not classes:
        return None, None
    governing = _governing(classes)
    return governing.beta, Basis(4, governing.code, f"表4 {governing.code}（{governing.category}）")


def _exact_sum(terms: Iterable[tuple[Decimal, Decimal, Decimal]]) -> Decimal:
    """Σ k·q/Q over ``(q, Q, k)``, exact, then rounded down to 28 significant digits.

    Each Q is n/d exactly (d a power of 2 and 5), so q/Q = q·d/n. Over the common multiple
    N = lcm(n…), Σ k·q/Q = Σ k·q·d·(N/n) / N: the numerator is a sum of exact products, and
    the one division is the only rounding. Quantities too long for 80 digits fall back to
    fractions.
    """
    terms = tuple(terms)
    ratios = [critical.as_integer_ratio() for _, critical, _ in terms]
    common = lcm(*(n for n, _ in ratios))
    context = _WIDE.copy()
    context.clear_flags()
    numerator = Decimal(0)
    for (q, _, k), (n, d) in zip(terms, ratios, strict=True):
        numerator = context.add(
            numerator, context.multiply(context.multiply(k, q), d * (common // n))
        )
    if not context.flags[Inexact]:
        return _STORED.divide(numerator, common)
    exact = sum((Fraction(k) * Fraction(q) / Fraction(c) for q, c, k in terms), Fraction(0))
    return _STORED.divide(Decimal(exact.numerator), Decimal(exact.denominator))
