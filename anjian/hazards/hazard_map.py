"""Reads for 挂图作战, the hazard map: the filtered ledger as compact points.

The map and the ledger start from the same filter (``selectors.hazard_filter``), so the
map's count is the ledger's for the same query; a hazard is drawn at its own position,
else at its enterprise's. At most ``MAP_POINT_LIMIT`` are drawn, the most serious first
(major, then overdue, then the nearest deadline): the page says when the limit cut in.
"""

from django.db.models import BooleanField, Case, ExpressionWrapper, F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from anjian.hazards.choices import DEADLINE_STATES, Grade

MAP_POINT_LIMIT = 20_000

_OWN_POSITION = Q(latitude__isnull=False, longitude__isnull=False)


def with_position(queryset: QuerySet) -> QuerySet:
    """``queryset`` annotated with ``lat``/``lon`` (the hazard's own, else its enterprise's
    or public place's), keeping only hazards that have one."""
    owner_lat = Coalesce(F("enterprise__latitude"), F("place__latitude"))
    owner_lon = Coalesce(F("enterprise__longitude"), F("place__longitude"))
    return queryset.annotate(
        lat=Case(When(_OWN_POSITION, then=F("latitude")), default=owner_lat),
        lon=Case(When(_OWN_POSITION, then=F("longitude")), default=owner_lon),
        unit_name=Coalesce(F("enterprise__name"), F("place__name")),
    ).filter(lat__isnull=False, lon__isnull=False)


def overdue_q(today) -> Q:
    """Open with a deadline before ``today`` (as the ledger's 已逾期 filter)."""
    return Q(state__in=DEADLINE_STATES, deadline__lt=today)


def map_points(queryset: QuerySet, *, today=None) -> tuple[list[list], int, int]:
    """([id, lat, lon, number, title, grade, state, overdue, enterprise, deadline] …, the
    ledger's count of ``queryset``, how many of them have a position)."""
    today = today or timezone.localdate()
    queryset = queryset.order_by()
    total = queryset.count()
    positioned = with_position(queryset)
    located = positioned.count()
    rows = (
        positioned.annotate(
            overdue=ExpressionWrapper(overdue_q(today), output_field=BooleanField()),
            major_first=Case(When(grade=Grade.MAJOR, then=Value(0)), default=Value(1)),
        )
        .order_by("major_first", F("overdue").desc(), F("deadline").asc(nulls_last=True), "pk")
        .values_list(
            "pk",
            "lat",
            "lon",
            "number",
            "title",
            "grade",
            "state",
            "overdue",
            "unit_name",
            "deadline",
        )[:MAP_POINT_LIMIT]
    )
    points = [
        [
            pk,
            float(lat),
            float(lon),
            number,
            title,
            grade,
            state,
            1 if overdue else 0,
            enterprise,
            deadline.isoformat() if deadline else "",
        ]
        for pk, lat, lon, number, title, grade, state, overdue, enterprise, deadline in rows
    ]
    return points, total, located
