"""Reads of the inspection checklists (检查表).

The checklists serve every district (city-wide configuration, like the standards library):
anyone who may see inspections reads all of them; no region scope applies. Which lists a
unit is inspected with:

- the active lists whose industries include the unit's industry;
- the lists for 人员密集场所 (``for_crowded_places``) when the unit is flagged 消防重点单位
  or 人员密集场所 (``Enterprise.fire_key_unit`` / ``crowded_place``);
- last, the general lists (no industries, not for crowded places): they suit every unit.
"""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from anjian.inspections.record_models import ChecklistEntry, ChecklistTemplate, InspectionMark
from anjian.regions.models import Industry

CROWDED_FLAGS = ("fire_key_unit", "crowded_place")


def is_general(template: ChecklistTemplate) -> bool:
    """A list without industries that is not a crowded-place list: the fallback."""
    return not template.for_crowded_places and not template.industries.exists()


def _crowded(enterprise) -> bool:
    return any(getattr(enterprise, flag, False) for flag in CROWDED_FLAGS)


def checklists_for(enterprise) -> list[ChecklistTemplate]:
    """The active checklists ``enterprise`` is inspected with, its industry's first, the
    crowded-place lists next (for flagged units), the general lists last."""
    active = ChecklistTemplate.objects.filter(is_active=True)
    industry_id = getattr(enterprise, "industry_id", None)
    found = list(active.filter(industries=industry_id).order_by("key")) if industry_id else []
    if _crowded(enterprise):
        crowded = active.filter(for_crowded_places=True).exclude(pk__in=[t.pk for t in found])
        found += crowded.order_by("key")
    general = active.annotate(industry_count=Count("industries")).filter(
        industry_count=0, for_crowded_places=False
    )
    found += general.order_by("key")
    return found


def checklist_suits(template: ChecklistTemplate, enterprise) -> bool:
    """Whether ``template`` may be used to inspect ``enterprise`` (an inactive list never;
    the general list always)."""
    if not template.is_active:
        return False
    industries = set(template.industries.values_list("pk", flat=True))
    if not industries and not template.for_crowded_places:
        return True
    if getattr(enterprise, "industry_id", None) in industries:
        return True
    return template.for_crowded_places and _crowded(enterprise)


def active_entries(template: ChecklistTemplate) -> QuerySet[ChecklistEntry]:
    """The entries an inspection with ``template`` marks now, in order."""
    return ChecklistEntry.objects.filter(template=template, is_active=True).order_by(
        "position", "id"
    )


# --- the standards pages ---------------------------------------------------------------------


def templates() -> QuerySet[ChecklistTemplate]:
    """Every checklist (active first), with its industries and entry counts."""
    return (
        ChecklistTemplate.objects.annotate(
            entry_active=Count("entries", filter=Q(entries__is_active=True), distinct=True),
            entry_total=Count("entries", distinct=True),
            major_count=Count(
                "entries", filter=Q(entries__is_active=True, entries__major=True), distinct=True
            ),
        )
        .prefetch_related(Prefetch("industries", queryset=Industry.objects.order_by("sort_order")))
        .order_by("-is_active", "key")
    )


def template_get(pk: int) -> ChecklistTemplate:
    """One checklist (shared by every region: 404 only when missing)."""
    return get_object_or_404(templates(), pk=pk)


def entries_of(template: ChecklistTemplate) -> list[ChecklistEntry]:
    """Every entry of ``template`` (retired ones too), each with ``used``: how many
    inspections marked it."""
    entries = list(ChecklistEntry.objects.filter(template=template).order_by("position", "id"))
    used = dict(
        InspectionMark.objects.filter(entry__template=template)
        .values("entry_id")
        .annotate(n=Count("id"))
        .values_list("entry_id", "n")
    )
    for entry in entries:
        entry.used = used.get(entry.pk, 0)
    return entries


def entry_get(template: ChecklistTemplate, pk: int) -> ChecklistEntry:
    """An entry of ``template`` (404 when missing or of another template)."""
    return get_object_or_404(ChecklistEntry.objects.filter(template=template), pk=pk)


def entry_used(entry_id: int) -> int:
    """How many inspection marks were made against the entry."""
    return InspectionMark.objects.filter(entry_id=entry_id).count()
