"""Properties over random units: S is additive over lines; scaling every q by k scales S and R
by k; S ≥ 1 exactly when the exact rational sum is; R = α·Σβ·q/Q.

hypothesis is not installed here, so the units come from seeded ``random.Random`` generators (a
failure names its seed, which reproduces it)."""

import random
from decimal import Decimal as D
from fractions import Fraction

import pytest

from anjian.hazchem.gb18218 import TABLE_1, TABLE_2, TABLE_3
from anjian.hazchem.identification import Line, Mixture, identify

SEEDS = range(60)
POPULATIONS = (0, 1, 29, 30, 49, 50, 99, 100, 5000)
CODES = [c.code for c in TABLE_2]


def random_line(rng: random.Random) -> Line:
    q = D(rng.randint(1, 2_000_000)) / 1000  # 0.001 t … 2000 t, three decimals
    kind = rng.choice(("table3", "row", "class", "own"))
    if kind == "table3":
        return Line(q, cas=rng.choice(TABLE_3).cas)
    classes = tuple(rng.sample(CODES, rng.randint(1, 3)))
    if kind == "row":
        return Line(q, row=rng.choice(TABLE_1).number, classes=classes)
    if kind == "own":
        return Line(q, cas="7664-41-7", classes=classes, mixture=Mixture.OWN)
    return Line(q, name="未列名物质", classes=classes)


def random_unit(rng: random.Random) -> list[Line]:
    return [random_line(rng) for _ in range(rng.randint(1, 10))]


def close(a: D, b: D) -> bool:
    """Equal up to the rounding of 28-digit figures (each rounded down once)."""
    return abs(a - b) <= max(abs(a), abs(b), D(1)) * D("1e-25")


def exact_s(result) -> Fraction:
    return sum((Fraction(t.q) / Fraction(t.critical) for t in result.terms), Fraction(0))


@pytest.mark.parametrize("seed", SEEDS)
def test_s_is_additive_over_lines(seed):
    rng = random.Random(seed)
    first, second = random_unit(rng), random_unit(rng)
    population = rng.choice(POPULATIONS)
    whole = identify(first + second, population=population)
    parts = [identify(lines, population=population) for lines in (first, second)]
    assert close(whole.s, parts[0].s + parts[1].s)
    assert close(whole.r, parts[0].r + parts[1].r)


@pytest.mark.parametrize("seed", SEEDS)
def test_scaling_every_quantity_by_k_scales_s_and_r_by_k(seed):
    rng = random.Random(seed)
    lines = random_unit(rng)
    k = D(rng.randint(1, 100_000)) / 1000
    population = rng.choice(POPULATIONS)
    base = identify(lines, population=population)
    scaled = identify(
        [
            Line(line.quantity * k, line.cas, line.name, line.row, line.classes, line.mixture)
            for line in lines
        ],
        population=population,
    )
    assert close(scaled.s, k * base.s)
    assert close(scaled.r, k * base.r)


@pytest.mark.parametrize("seed", SEEDS)
def test_major_means_the_exact_sum_reaches_one_and_r_is_alpha_times_the_weighted_sum(seed):
    rng = random.Random(seed)
    result = identify(random_unit(rng), population=rng.choice(POPULATIONS))
    assert result.is_major == (exact_s(result) >= 1)
    assert result.s <= exact_s(result)  # rounded down, never up
    assert close(result.r, result.alpha * sum(t.weighted for t in result.terms))
    assert (result.grade is None) == (not result.is_major)
    for term in result.terms:
        assert close(term.ratio, term.q / term.critical)
        assert close(term.weighted, term.beta * term.q / term.critical)
