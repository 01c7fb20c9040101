"""Scores and grades: pure functions, no database (tests hit every band boundary here).

A band table (``BandSpec``) lists the bands highest first; each band but the last has a
``limit``, the value that separates it from the band below. Whether a score *equal* to a
limit belongs to the band above or below is the table's ``boundary_rule`` — sources
disagree (">320" versus "≥320", RULES.md §4.2/§4.3), so it is configuration, not code.

    LEC default: red 320, orange 160, yellow 70, blue —, rule "lower"
        → D>320 red; 160<D≤320 orange; 70<D≤160 yellow; D≤70 blue
    LS default:  red 20, orange 9, yellow 4, blue —, rule "upper"
        → 20≤R≤25 red; 9≤R≤16 orange; 4≤R≤8 yellow; 1≤R≤3 blue
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from typing import Protocol

from anjian.risks.choices import METHOD_FACTORS, SCORE_LETTER, BoundaryRule, Level, Method

SCORE_PLACES = Decimal("0.001")


@dataclass(frozen=True)
class Band:
    level: str
    limit: Decimal | None  # lower limit of this band; None for the lowest band


@dataclass(frozen=True)
class BandSpec:
    method: str
    boundary_rule: str
    bands: tuple[Band, ...]  # highest first


class HasSpec(Protocol):
    def spec(self) -> BandSpec: ...


def as_decimal(value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValueError(f"not a number: {value!r}") from None


def spec_from(bands: list[dict], *, method: str, boundary_rule: str) -> BandSpec:
    """A BandSpec from the stored JSON form ``[{"level": "red", "limit": "320"}, …]``."""
    return BandSpec(
        method=method,
        boundary_rule=boundary_rule,
        bands=tuple(
            Band(b["level"], None if b.get("limit") in (None, "") else as_decimal(b["limit"]))
            for b in bands
        ),
    )


def check_spec(spec: BandSpec) -> list[str]:
    """What is wrong with a band table (empty when it is usable), in Chinese."""
    problems = []
    levels = [band.level for band in spec.bands]
    if levels != [level.value for level in Level]:
        problems.append("等级须依次为重大、较大、一般、低风险四级")
    limits = [band.limit for band in spec.bands[:-1]]
    if any(limit is None for limit in limits):
        problems.append("除低风险外，每一级都须填写下限值")
    elif any(limit <= 0 for limit in limits):
        problems.append("下限值须大于0")
    elif any(high <= low for high, low in pairwise(limits)):
        problems.append("下限值须从重大到一般依次减小")
    if spec.bands and spec.bands[-1].limit is not None:
        problems.append("最低一级（低风险）不设下限")
    if spec.boundary_rule not in BoundaryRule.values:
        problems.append("边界规则无效")
    return problems


def grade(method: str, score, table: BandSpec | HasSpec) -> str:
    """The level (``Level`` value) of ``score`` under ``table``.

    ``table`` is a BandSpec or anything with ``.spec()`` (a ``RiskBandTable``). Raises
    ValueError if the table is for another method or is malformed.
    """
    spec = table if isinstance(table, BandSpec) else table.spec()
    if spec.method != method:
        raise ValueError(f"band table is for {spec.method}, not {method}")
    problems = check_spec(spec)
    if problems:
        raise ValueError("；".join(problems))
    value = as_decimal(score)
    upper_takes_boundary = spec.boundary_rule == BoundaryRule.UPPER
    for band in spec.bands:
        if band.limit is None:
            return band.level
        if value > band.limit or (upper_takes_boundary and value == band.limit):
            return band.level
    raise AssertionError("unreachable: the lowest band has no limit")


def score(method: str, factors: dict[str, object]) -> Decimal:
    """D = L×E×C (LEC) or R = L×S (LS), rounded to 0.001."""
    names = METHOD_FACTORS[Method(method)]
    missing = [name for name in names if factors.get(name) in (None, "")]
    if missing:
        raise ValueError(f"missing factors: {', '.join(missing)}")
    product = Decimal(1)
    for name in names:
        product *= as_decimal(factors[name])
    return product.quantize(SCORE_PLACES).normalize() + Decimal(0)


def band_ranges(spec: BandSpec) -> list[tuple[str, str]]:
    """(level, "160 < D ≤ 320") for each band, as the configuration page shows them."""
    letter = SCORE_LETTER[Method(spec.method)]
    upper_takes_boundary = spec.boundary_rule == BoundaryRule.UPPER
    above, below = ("≥", "<") if upper_takes_boundary else (">", "≤")
    rows = []
    previous = None
    for band in spec.bands:
        if band.limit is None:
            text = f"{letter} {below} {fmt(previous)}" if previous is not None else letter
        elif previous is None:
            text = f"{letter} {above} {fmt(band.limit)}"
        else:
            low_op = "≤" if upper_takes_boundary else "<"
            text = f"{fmt(band.limit)} {low_op} {letter} {below} {fmt(previous)}"
        rows.append((band.level, text))
        previous = band.limit
    return rows


def fmt(value) -> str:
    """A Decimal as people write it: 320, 0.5, 1.75 (no trailing zeros, no exponent)."""
    if value is None:
        return ""
    number = as_decimal(value).normalize()
    text = format(number, "f")
    return text
