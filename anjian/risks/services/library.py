"""The industry library: which entries apply to an enterprise, risk points (with their
typical measures, optionally assessed) created from picked entries, and loading the
shipped library files (``anjian risk_library load``)."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.exceptions import ValidationError
from anjian.enterprises.models import Enterprise
from anjian.risks.choices import Stage
from anjian.risks.models import ControlMeasure, RiskLibraryEntry, RiskPoint
from anjian.risks.services.assessments import (
    apply_grade,
    assessment_row,
    compute_grade,
    current_tables,
)
from anjian.risks.services.audit import write_log_entries
from anjian.risks.services.common import check_scope, clean_point, enterprise_for


def library_for(enterprise: Enterprise) -> list[RiskLibraryEntry]:
    """Library entries that apply to ``enterprise`` (its industry or key-object flags);
    the generic entries when none does."""
    entries = list(RiskLibraryEntry.objects.filter(is_active=True))
    matching = [entry for entry in entries if entry.applies_to(enterprise)]
    if matching:
        return matching
    return [entry for entry in entries if entry.is_generic]


def point_from_entry(
    entry: RiskLibraryEntry, *, enterprise: Enterprise, by, owner_name: str, owner_phone: str
) -> tuple[RiskPoint, list[ControlMeasure]]:
    """An unsaved risk point and its measures, copied from a library entry."""
    point = RiskPoint(
        enterprise=enterprise,
        name=entry.name,
        kind=entry.kind,
        location=entry.location_hint,
        hazard_factors=entry.hazard_factors,
        factor_class=entry.factor_class,
        accident_types=entry.accident_types,
        control_level=entry.control_level,
        owner_name=owner_name,
        owner_phone=owner_phone,
        library_entry=entry,
        created_by=by,
    )
    measures = [
        ControlMeasure(
            risk_point=point,
            kind=item["kind"],
            text=item["text"],
            level=item["level"],
            owner_name=owner_name,
            sort_order=(index + 1) * 10,
        )
        for index, item in enumerate(entry.measures)
    ]
    return point, measures


@transaction.atomic
def risk_points_from_library(
    *,
    by,
    enterprise: Enterprise,
    entries: Iterable[RiskLibraryEntry],
    owner_name: str,
    owner_phone: str,
    assess_typical: bool = False,
) -> list[RiskPoint]:
    """Create one risk point (with its typical measures) per picked library entry.

    Entries must apply to the enterprise. With ``assess_typical`` each point also gets an
    inherent assessment with the entry's typical factor values; otherwise it waits to be
    assessed.
    """
    enterprise = enterprise_for(by, enterprise)
    applicable = {entry.pk for entry in library_for(enterprise)}
    created = []
    tables = current_tables() if assess_typical else {}
    for entry in entries:
        if entry.pk not in applicable:
            raise ValidationError({"entries": _("“%(e)s”不适用于本单位") % {"e": entry.name}})
        point, measures = point_from_entry(
            entry, enterprise=enterprise, by=by, owner_name=owner_name, owner_phone=owner_phone
        )
        clean_point(point)
        point.save()
        for measure in measures:
            measure.risk_point = point
            measure.full_clean(exclude=["risk_point"])
        ControlMeasure.objects.bulk_create(measures)
        write_log_entries(by, ControlMeasure, measures)
        if assess_typical:
            grade = compute_grade(
                method=entry.method,
                stage=Stage.INHERENT,
                factors=entry.typical_factors(),
                table=tables[entry.method],
            )
            now = timezone.now()
            assessment_row(point, grade, by=by, at=now, note=_("按风险点库典型取值")).save()
            apply_grade(point, grade, at=now, reassess_due=None)
            point.save()
        check_scope(by, point)
        created.append(point)
    return created


# --- loading the library files ---------------------------------------------------------------


@dataclass
class LibraryLoad:
    """What loading library entries does (or did), by code."""

    created: list[str] = field(default_factory=list)
    updated: dict[str, list[str]] = field(default_factory=dict)  # code → changed fields
    unchanged: list[str] = field(default_factory=list)
    not_in_files: list[str] = field(default_factory=list)  # left as they are

    def summary(self) -> str:
        text = _("新增 %(c)d 条，修改 %(u)d 条，未变 %(n)d 条") % {
            "c": len(self.created),
            "u": len(self.updated),
            "n": len(self.unchanged),
        }
        if self.not_in_files:
            text += _("；数据库中另有 %(m)d 条不在文件中（保留不动）：%(codes)s") % {
                "m": len(self.not_in_files),
                "codes": "、".join(self.not_in_files),
            }
        return text


def _changed_fields(entry: RiskLibraryEntry, values: dict) -> list[str]:
    return [
        name
        for name, value in values.items()
        if RiskLibraryEntry._meta.get_field(name).to_python(value) != getattr(entry, name)
    ]


def library_plan(entries: list[dict], *, lock: bool = False) -> LibraryLoad:
    """Compare ``entries`` (model values with their code, as ``library.read_files`` gives
    them) with the library in the database. Writes nothing."""
    rows = RiskLibraryEntry.objects.all()
    existing = {row.code: row for row in (rows.select_for_update() if lock else rows)}
    plan = LibraryLoad()
    for values in entries:
        row = existing.pop(values["code"], None)
        if row is None:
            plan.created.append(values["code"])
        elif changed := _changed_fields(row, values):
            plan.updated[values["code"]] = changed
        else:
            plan.unchanged.append(values["code"])
    plan.not_in_files = sorted(existing)
    return plan


@transaction.atomic
def library_load(*, entries: list[dict]) -> LibraryLoad:
    """Insert or update library entries by code, in one transaction (all or nothing).

    Entries not listed stay as they are (risk points created from them keep their link);
    to retire one, list it with ``is_active`` false. Side effects: audit entries for each
    inserted or changed row. The library is the same for the whole deployment; the
    command line loads it (there is no page or endpoint for it).
    """
    plan = library_plan(entries, lock=True)
    rows = {row.code: row for row in RiskLibraryEntry.objects.filter(code__in=plan.updated)}
    for values in entries:
        code = values["code"]
        if code in plan.unchanged:
            continue
        row = rows.get(code) or RiskLibraryEntry()
        for name, value in values.items():
            setattr(row, name, value)
        row.full_clean()
        row.save()
    return plan
