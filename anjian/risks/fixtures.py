"""Synthetic risk points for the demo district, built with the services' own logic.

Every enterprise gets 2–6 risk points drawn from the library entries that apply to it
(its industry or key-object flags; the generic entries fill up), each with the entry's
measures, an inherent assessment near the entry's typical values and, for most points,
a residual assessment after measures — graded by the band tables in force, through
``services.compute_grade`` and written by ``services.risk_points_bulk_create`` (with audit
entries). Assessment dates spread over the past year, so some re-assessments are overdue
or due soon and the reminder sweep has work. Everything here is invented.
"""

import random
from collections.abc import Callable, Iterable
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from anjian.accounts.models import phone_validator
from anjian.core.exceptions import ValidationError
from anjian.enterprises.models import Enterprise
from anjian.regions.models import Industry
from anjian.risks import services
from anjian.risks.choices import METHOD_FACTORS, Method, Stage
from anjian.risks.models import RiskLibraryEntry, RiskPoint

MIN_POINTS, MAX_POINTS = 2, 6
BATCH_ENTERPRISES = 500
FLAG_FIELDS = (
    "involves_hazchem",
    "dust_explosion",
    "ammonia_refrigeration",
    "confined_space",
    "fire_key_unit",
    "crowded_place",
)


def _valid_phone(*candidates: str, rng: random.Random) -> str:
    for phone in candidates:
        if not phone:
            continue
        try:
            phone_validator(phone)
        except ValidationError:
            continue
        return phone
    return f"13{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}"


class _Library:
    """The library and the band tables in memory: matching and grading without queries."""

    def __init__(self):
        self.entries = list(RiskLibraryEntry.objects.filter(is_active=True))
        self.generic = [entry for entry in self.entries if entry.is_generic]
        self.tables = services.current_tables()
        self.values = {
            method: {
                name: sorted((Decimal(v) for v in table.factor_values(name)), reverse=True)
                for name in METHOD_FACTORS[Method(method)]
            }
            for method, table in self.tables.items()
        }
        self.industry_codes = dict(Industry.objects.values_list("id", "code"))

    def for_enterprise(self, enterprise: Enterprise) -> list[RiskLibraryEntry]:
        code = self.industry_codes.get(enterprise.industry_id)
        flags = {flag for flag in FLAG_FIELDS if getattr(enterprise, flag)}
        return [
            entry
            for entry in self.entries
            if code in entry.industry_code_list or flags & set(entry.flag_list)
        ]

    def step(self, method: str, factor: str, value, offset: int) -> Decimal:
        """The table value ``offset`` places lower (positive) or higher (negative)."""
        values = self.values[method][factor]
        value = Decimal(value)
        index = values.index(value) if value in values else len(values) // 2
        return values[max(0, min(len(values) - 1, index + offset))]


def _pick(library: _Library, enterprise: Enterprise, rng: random.Random) -> list:
    matching = library.for_enterprise(enterprise)
    wanted = rng.randint(MIN_POINTS, MAX_POINTS)
    chosen = rng.sample(matching, min(wanted, len(matching)))
    fillers = [entry for entry in library.generic if entry not in chosen]
    rng.shuffle(fillers)
    while len(chosen) < MIN_POINTS and fillers:
        chosen.append(fillers.pop())
    return chosen


def _grades(library: _Library, entry: RiskLibraryEntry, rng: random.Random, now):
    """An inherent grade near the typical values and, mostly, a lower residual one."""
    method = entry.method
    factors = dict(entry.typical_factors())
    factors["L"] = library.step(method, "L", factors["L"], rng.choice((-1, 0, 0, 0, 1)))
    inherent_at = now - timedelta(days=rng.randint(20, 400), hours=rng.randint(0, 8))
    grades = [
        (
            services.compute_grade(
                method=method, stage=Stage.INHERENT, factors=factors, table=library.tables[method]
            ),
            inherent_at,
            "按风险点库典型取值并结合现场辨识（演示数据）",
        )
    ]
    if rng.random() < 0.75:
        residual = dict(factors)
        residual["L"] = library.step(method, "L", factors["L"], rng.choice((1, 1, 2)))
        grades.append(
            (
                services.compute_grade(
                    method=method,
                    stage=Stage.RESIDUAL,
                    factors=residual,
                    table=library.tables[method],
                ),
                inherent_at + timedelta(days=rng.randint(1, 15)),
                "落实管控措施后复核（演示数据）",
            )
        )
    return grades


def build_demo_risks(
    *,
    by,
    enterprises: Iterable[Enterprise],
    rng: random.Random,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Give every enterprise without risk points 2–6 assessed risk points with measures.

    Returns the number of risk points created. Writes in batches of 500 enterprises, each
    batch in its own transaction.
    """
    library = _Library()
    now = timezone.now()
    have_points = set(RiskPoint.objects.values_list("enterprise_id", flat=True).distinct())
    created = 0
    batch: list[services.PreparedPoint] = []
    seen = 0

    def flush():
        nonlocal created, batch
        if batch:
            with transaction.atomic():
                created += len(services.risk_points_bulk_create(by=by, rows=batch))
            batch = []

    for enterprise in enterprises:
        if enterprise.pk in have_points:
            continue
        owner_name = enterprise.safety_manager_name or enterprise.principal_name
        owner_phone = _valid_phone(
            enterprise.safety_manager_phone, enterprise.principal_phone, rng=rng
        )
        for entry in _pick(library, enterprise, rng):
            point, measures = services.point_from_entry(
                entry,
                enterprise=enterprise,
                by=by,
                owner_name=owner_name,
                owner_phone=owner_phone,
            )
            prepared = services.PreparedPoint(
                point=point, measures=measures, grades=_grades(library, entry, rng, now)
            )
            services.prepare_point(prepared, by=by)
            batch.append(prepared)
        seen += 1
        if seen % BATCH_ENTERPRISES == 0:
            flush()
            if progress:
                progress(BATCH_ENTERPRISES)
    flush()
    if progress and seen % BATCH_ENTERPRISES:
        progress(seen % BATCH_ENTERPRISES)
    return created
