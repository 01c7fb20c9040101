"""Reads of the hazard ledger and the clearing figures, always through the user's scope.

The dynamic-clearing figures (动态清零) are in ``clearing``, read through the names below."""

from django.core.exceptions import FieldDoesNotExist
from django.shortcuts import get_object_or_404
from django.urls import reverse

from anjian.core.todo import TodoItem
from anjian.hazards.choices import Category, Grade
from anjian.hazards.clearing import (  # noqa: F401 — the figures' reads, by their usual names
    BREAKDOWN_COUNTERS,
    CURRENT,
    ClearingReport,
    FigureFilters,
    Figures,
    clearing_breakdown,
    clearing_figures,
)
from anjian.hazards.filters import TODO_CHOICES, HazardFilterSet
from anjian.hazards.models import Hazard, SystemMeasure

LIST_RELATIONS = ("enterprise", "place", "industry")


def hazard_queryset(user):
    return Hazard.objects.for_user(user)


def hazard_filter(user, params) -> HazardFilterSet:
    """The filtered ledger for ``user``: what the list, the export and the API show."""
    queryset = hazard_queryset(user).select_related(*LIST_RELATIONS)
    return HazardFilterSet(params or None, queryset=queryset, user=user)


def hazard_get(user, pk: int) -> Hazard:
    """The hazard if the user may see it; 404 otherwise (whether or not it exists)."""
    return get_object_or_404(
        hazard_queryset(user).select_related(
            "enterprise",
            "enterprise__street",
            "place",
            "place__street",
            "industry",
            "reported_by",
            "accepted_by",
        ),
        pk=pk,
    )


def todo_items(user) -> list[TodoItem]:
    """待上账, 待验收, 延期待审批, 回头看到期 — each only for a user who acts on it (a count
    of zero is shown: nothing waits), each counted by the ledger filter its link opens."""
    list_url = reverse("hazards:hazard_list")
    items = []
    for key, label in TODO_CHOICES:
        found = hazard_filter(user, {"todo": key}).qs
        if not found.query.is_empty():
            url = f"{list_url}?todo={key}"
            items.append(TodoItem(key, str(label), found.count(), url))
    return items


# --- the timeline -----------------------------------------------------------------------------

# Values a correction records as codes, shown by their label.
_CODED = {"category": Category, "grade": Grade}


def _shown(name: str, value) -> str:
    if name in _CODED:
        try:
            return str(_CODED[name](value).label)
        except ValueError:
            return str(value)
    if isinstance(value, list):
        return "、".join(value) or "—"
    return str(value) if value not in ("", None) else "—"


def _field_label(name: str) -> str:
    try:
        return str(Hazard._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a field recorded by an older version of the code
        return name


def hazard_timeline(hazard: Hazard) -> list:
    """The hazard's timeline, oldest first; each correction (``edit``) carries ``changes``:
    one dict per changed field with its Chinese label and the old and new value as read."""
    entries = list(hazard.transitions.select_related("by"))
    for entry in entries:
        recorded = (entry.data or {}).get("changes") or {}
        entry.changes = [
            {
                "field": name,
                "label": _field_label(name),
                "old": _shown(name, values.get("from")),
                "new": _shown(name, values.get("to")),
            }
            for name, values in recorded.items()
        ]
    return entries


def measure_queryset(user):
    """The 制度措施清单 in ``user``'s scope, with what the list and the API show."""

    return (
        SystemMeasure.objects.for_user(user)
        .select_related("region", "industry")
        .prefetch_related("hazards")
    )


def measure_get(user, pk: int):
    return get_object_or_404(measure_queryset(user), pk=pk)
