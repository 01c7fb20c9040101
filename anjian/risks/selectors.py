"""Reads of risk points, always through the user's scope; the register, map and figures."""

from dataclasses import dataclass

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from anjian.regions.models import Industry, Region
from anjian.risks.choices import LEVEL_RANK, RANK_LEVEL, REGISTER_LEVELS, Level, PointStatus
from anjian.risks.filters import RiskPointFilterSet
from anjian.risks.models import ControlMeasure, RiskAssessment, RiskPoint

LIST_RELATIONS = ("enterprise", "enterprise__street", "industry")


def risk_point_queryset(user) -> QuerySet[RiskPoint]:
    return RiskPoint.objects.for_user(user)


def risk_point_filter(user, params, *, register: bool = False) -> RiskPointFilterSet:
    """The filtered risk points for ``user``; ``.qs`` is what the list, export and API show.

    ``register``: only the 重大 and 较大 points (重大风险清单).
    """
    queryset = risk_point_queryset(user).select_related(*LIST_RELATIONS)
    if register:
        queryset = queryset.filter(current_level__in=REGISTER_LEVELS)
    return RiskPointFilterSet(params if params is not None else {}, queryset=queryset, user=user)


def active_measures() -> Prefetch:
    return Prefetch(
        "measures",
        queryset=ControlMeasure.objects.filter(is_active=True).order_by("sort_order", "id"),
        to_attr="active_measures",
    )


def risk_point_get(user, pk: int) -> RiskPoint:
    """The risk point if the user may see it; 404 otherwise (whether or not it exists)."""
    return get_object_or_404(
        risk_point_queryset(user).select_related(
            *LIST_RELATIONS, "created_by", "retired_by", "library_entry"
        ),
        pk=pk,
    )


def measure_get(user, pk: int) -> ControlMeasure:
    return get_object_or_404(
        ControlMeasure.objects.select_related("risk_point__enterprise").filter(
            risk_point__in=risk_point_queryset(user)
        ),
        pk=pk,
    )


def assessments_of(point: RiskPoint) -> QuerySet[RiskAssessment]:
    return point.assessments.select_related("band_table", "assessed_by").order_by(
        "-assessed_at", "-id"
    )


# --- the four-colour map ------------------------------------------------------------------

MAP_POINT_LIMIT = 50_000


def map_points(user, params) -> tuple[list[list], int]:
    """[enterprise id, lat, lon, name, highest level, industry, points] per located enterprise.

    The filters apply to the risk points; ``level`` is the enterprise's *highest* current
    level (an enterprise with a red point is red, whatever its orange points).
    """
    params = params.copy() if params is not None else {}
    level = params.pop("level", [""])
    level = (level[0] if isinstance(level, list) else level) or ""
    filterset = risk_point_filter(user, params)
    grouped = (
        filterset.qs.filter(current_rank__gt=0, enterprise__latitude__isnull=False)
        .order_by()
        .values(
            "enterprise_id",
            "enterprise__latitude",
            "enterprise__longitude",
            "enterprise__name",
            "enterprise__industry__name",
        )
        .annotate(rank=Max("current_rank"), points=Count("id"))
    )
    if level in LEVEL_RANK:
        grouped = grouped.filter(rank=LEVEL_RANK[level])
    total = grouped.count()
    rows = grouped.order_by("rank", "enterprise_id")[:MAP_POINT_LIMIT]
    return [
        [
            row["enterprise_id"],
            float(row["enterprise__latitude"]),
            float(row["enterprise__longitude"]),
            row["enterprise__name"],
            RANK_LEVEL[row["rank"]].value,
            row["enterprise__industry__name"],
            row["points"],
        ]
        for row in rows
    ], total


# --- concentration figures ------------------------------------------------------------------


@dataclass(frozen=True)
class ConcentrationRow:
    key: str
    label: str
    counts: dict[str, int]  # level → active points

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def weighted(self) -> int:
        return self.counts.get(Level.RED, 0) * 2 + self.counts.get(Level.ORANGE, 0)


@dataclass(frozen=True)
class Concentration:
    totals: dict[str, int]
    unassessed: int
    enterprises: int
    by_street: list[ConcentrationRow]
    by_industry: list[ConcentrationRow]


def _level_counts(**extra) -> dict:
    return {
        level.value: Count("id", filter=Q(current_level=level.value, **extra)) for level in Level
    }


def concentration(user, params=None) -> Concentration:
    """Where risk concentrates: active, assessed points per street and per industry, by level.

    Rows are ordered by 重大 then 较大 counts, so the places to look at come first.
    """
    filterset = risk_point_filter(user, _without(params, "level", "status"))
    scoped = filterset.qs.filter(status=PointStatus.ACTIVE).order_by()
    totals = scoped.aggregate(
        **_level_counts(),
        unassessed=Count("id", filter=Q(current_rank=0)),
        enterprises=Count("enterprise_id", distinct=True),
    )
    street_rows = list(
        scoped.filter(current_rank__gt=0)
        .values("enterprise__street_id")
        .annotate(**_level_counts())
    )
    names = dict(
        Region.objects.filter(
            code__in=[r["enterprise__street_id"] for r in street_rows]
        ).values_list("code", "name")
    )
    by_street = [
        ConcentrationRow(
            row["enterprise__street_id"],
            names.get(row["enterprise__street_id"], row["enterprise__street_id"]),
            {level.value: row[level.value] for level in Level},
        )
        for row in street_rows
    ]
    industry_rows = list(
        scoped.filter(current_rank__gt=0).values("industry_id").annotate(**_level_counts())
    )
    industries = {
        pk: (code, name) for pk, code, name in Industry.objects.values_list("id", "code", "name")
    }
    by_industry = [
        ConcentrationRow(
            *industries[row["industry_id"]], {level.value: row[level.value] for level in Level}
        )
        for row in industry_rows
    ]
    order = lambda row: (-row.counts[Level.RED], -row.counts[Level.ORANGE], -row.total, row.label)  # noqa: E731
    return Concentration(
        totals={level.value: totals[level.value] for level in Level},
        unassessed=totals["unassessed"],
        enterprises=totals["enterprises"],
        by_street=sorted(by_street, key=order),
        by_industry=sorted(by_industry, key=order),
    )


def _without(params, *names):
    if params is None:
        return {}
    copy = params.copy()
    for name in names:
        copy.pop(name, None)
    return copy
