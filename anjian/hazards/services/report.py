"""Recording a hazard and what is said about it without changing its state: the report
(待上账), corrections of the finding, notes, photos, and the ledger following an
enterprise that moved. Each writes one timeline row (``HAZARD.record_event``) and keeps
the clearing tally exact in the same transaction."""

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from uuid import UUID

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core import search
from anjian.core.exceptions import Conflict, NotPermitted, ValidationError
from anjian.enterprises.models import Enterprise, PublicPlace
from anjian.enterprises.places.selectors import place_for_write
from anjian.enterprises.selectors import enterprise_for_write
from anjian.hazards import duplicates, lifecycle, notices, tally
from anjian.hazards import permissions as perms
from anjian.hazards.choices import OPEN_STATES, Grade, PhotoStage, Source, State
from anjian.hazards.lifecycle import HAZARD
from anjian.hazards.models import Hazard, HazardPhoto, HazardTransition, StandardClause
from anjian.hazards.photos import prepare_photos, prepare_photos_noting
from anjian.hazards.services.common import (
    _check_text,
    _clauses,
    _hazard_for_write,
    _raise,
    _record,
    _store_photos,
)

# Sources whose report needs a photo of what was found (the inspector or grid member is there).
PHOTO_REQUIRED_SOURCES = (Source.INSPECTION, Source.PATROL)
FUTURE_TOLERANCE = timedelta(minutes=10)
# What an enterprise's own users may record; inspections, patrols and tip-offs are the
# government side's (they decide who accepts, and feed the government figures).
ENTERPRISE_SOURCES = (Source.SELF_CHECK, Source.ALARM, Source.OTHER)


@transaction.atomic
def hazard_report(
    *,
    by,
    enterprise: Enterprise | int | None = None,
    place: PublicPlace | int | None = None,
    source: str,
    title: str,
    description: str,
    location: str,
    found_at: datetime | None = None,
    photos: Sequence = (),
    category: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    clauses: Iterable = (),
    source_object=None,
    flag_duplicates: bool = True,
    report_token: UUID | None = None,
) -> Hazard:
    """Record a hazard found by anyone, from any source, into the one ledger (待上账).

    Matching a clause of a major-hazard standard makes it 重大 at once. Side effects:
    timeline entry, tally, duplicate flags, the notice of ``notices.reported`` (the
    enterprise when the government side found it; its supervisors and street when the
    enterprise reports a major hazard).

    ``report_token`` is the report form's one-time key: the same form posted again (a
    double tap, a resent request) returns the hazard its first post recorded, unchanged,
    with no second record, notice or photo — even when the two posts race (the
    ``hazard_report_once`` constraint). A report is not a transition, so the workflow
    kernel's replay does not cover it.

    The hazard belongs to ``enterprise`` or to ``place`` (a public place in use, ADR 14),
    exactly one of them; both are re-read through the reporter's scope.
    """
    if not by.can(perms.HAZARD_REPORT):
        raise NotPermitted()
    earlier = _reported_with(by, report_token)
    if earlier is not None:
        return earlier
    if (enterprise is None) == (place is None):
        raise ValidationError({"enterprise": _("请选择隐患所属的单位或公共区域（二者选一）")})
    if enterprise is not None:
        enterprise = enterprise_for_write(by, enterprise)
    else:
        place = place_for_write(by, place)
    now = timezone.now()
    found_at = found_at or now
    errors: dict = {}
    if found_at > now + FUTURE_TOLERANCE:
        errors["found_at"] = _("发现时间不能晚于当前时间")
    if source not in Source.values:
        errors["source"] = _("请选择隐患来源")
    elif source not in ENTERPRISE_SOURCES and not lifecycle.is_government(by):
        errors["source"] = _("企业只能登记自查、监测报警或其他来源的隐患")
    prepared = prepare_photos_noting(errors, photos)
    if source in PHOTO_REQUIRED_SOURCES and not photos and "photos" not in errors:
        errors["photos"] = _("监督检查和网格巡查发现的隐患须上传现场照片")
    picked = []
    try:
        picked = _clauses(clauses)
    except ValidationError as error:
        errors.update(error.message_dict)
    hazard = Hazard(
        enterprise=enterprise,
        place=place,
        source=source,
        title=(title or "").strip(),
        description=(description or "").strip(),
        location=(location or "").strip(),
        found_at=found_at,
        category=category or "",
        latitude=latitude,
        longitude=longitude,
        reported_by=by,
        grade=Grade.MAJOR if picked else Grade.NONE,
        number=f"TMP{now.timestamp():.6f}",
    )
    if source_object is not None:
        hazard.source_type = ContentType.objects.get_for_model(source_object)
        hazard.source_id = source_object.pk
    hazard.refresh_derived_fields()
    try:
        hazard.full_clean(exclude=["number", "clauses"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, messages)
    _raise(errors)
    hazard.report_token = report_token
    try:
        with transaction.atomic():  # a savepoint: the loser of a race finds the winner
            hazard.save()
    except IntegrityError:
        earlier = _reported_with(by, report_token)
        if earlier is None:
            raise
        return earlier
    hazard.number = f"YH{timezone.localtime(hazard.found_at):%Y}{hazard.pk:08d}"
    Hazard.objects.filter(pk=hazard.pk).update(number=hazard.number)
    hazard.refresh_derived_fields()
    Hazard.objects.filter(pk=hazard.pk).update(
        search_document=hazard.search_document, search_tokens=hazard.search_tokens
    )
    if picked:
        hazard.clauses.set(picked)
    _store_photos(hazard=hazard, by=by, stage=PhotoStage.FOUND, photos=prepared)
    _record(
        hazard,
        action="report",
        by=by,
        to_state=State.REPORTED,
        data={"source": source, "clauses": [c.pk for c in picked]},
    )
    tally.apply(None, tally.contribution(hazard))
    if flag_duplicates:
        duplicates.flag(hazard)
    notices.reported(hazard, by=by, by_government=lifecycle.is_government(by))
    return hazard


def _reported_with(by, report_token: UUID | None) -> Hazard | None:
    """The hazard ``by`` already reported with this form's one-time key, if any."""
    if report_token is None:
        return None
    return Hazard.objects.filter(reported_by=by, report_token=report_token).first()


DETAIL_FIELDS = ("title", "description", "location", "category", "latitude", "longitude")


def _timeline_value(value):
    """A field's value as the timeline keeps it (JSON: text, numbers as text, lists)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(value)
    return value


def _citations(clauses: Iterable[StandardClause]) -> list[str]:
    return sorted(clause.citation for clause in clauses)


@transaction.atomic
def hazard_update_details(
    *, by, hazard_id: int, expected_version: int, data: dict, clauses: Iterable | None = None
) -> Hazard:
    """Correct what was recorded (title, description, place, category, clauses) while open.

    The finding side corrects its own finding (the ``details`` operation): what an inspector
    or grid member found, the government side; what the enterprise found itself, the
    enterprise. The other side adds a note instead (``hazard_add_note``). Clauses are the
    supervisor's determination, not the finding's wording: they follow their own rules.
    Clauses can be added to an open hazard (it becomes 重大); a registered 重大 hazard keeps
    its grade — downgrading goes through void and a new record, so history stays true.
    The timeline entry keeps every changed value, old and new.
    """
    unknown = set(data) - set(DETAIL_FIELDS)
    if unknown:
        raise ValidationError(_("不能修改这些字段：%(f)s") % {"f": "、".join(sorted(unknown))})
    hazard = _hazard_for_write(by, hazard_id)
    if data:  # the finding's wording: the finding side's (``details``)
        HAZARD.check_operation(by, "details", hazard)
    else:  # clauses alone: anyone who works on it, by the rules below
        if not by.can(perms.HAZARD_REPORT):
            raise NotPermitted()
        if hazard.state not in OPEN_STATES:
            raise HAZARD.conflict(hazard, _("修改判定条款"))
    if hazard.version != expected_version:
        raise Conflict()
    before = tally.contribution(hazard)
    old = {name: _timeline_value(getattr(hazard, name)) for name in (*data, "grade")}
    old_clauses = list(hazard.clauses.select_related("document"))
    for field, value in data.items():
        setattr(hazard, field, value.strip() if isinstance(value, str) else value)
    picked = None
    if clauses is not None:
        picked = _clauses(clauses)
        removed = {c.pk for c in old_clauses} - {c.pk for c in picked}
        if removed and not lifecycle.is_government(by):
            raise ValidationError({"clauses": _("重大事故隐患判定条款只能由监管部门取消")})
        if not picked and hazard.grade == Grade.MAJOR and hazard.state != State.REPORTED:
            raise ValidationError({"clauses": _("已上账的重大隐患不能取消判定条款")})
        if picked:
            hazard.grade = Grade.MAJOR
        elif hazard.state == State.REPORTED:
            hazard.grade = Grade.NONE
    # Only the search columns follow the edit; the scope key stays where it was reported.
    hazard.search_document, hazard.search_tokens = search.document(
        hazard.number, hazard.title, hazard.description, hazard.location, hazard.owner.name
    )
    hazard.full_clean(exclude=["clauses"])
    changed = {
        name: getattr(hazard, name) for name in (*data, "grade", "search_document", "search_tokens")
    }
    updated = Hazard.objects.filter(
        pk=hazard.pk, version=expected_version, state=hazard.state
    ).update(version=F("version") + 1, updated_at=timezone.now(), **changed)
    if updated == 0:
        raise Conflict()
    hazard.version += 1
    changes = {
        name: {"from": old[name], "to": _timeline_value(getattr(hazard, name))}
        for name in (*data, "grade")
        if old[name] != _timeline_value(getattr(hazard, name))
    }
    if picked is not None:
        hazard.clauses.set(picked)
        if _citations(old_clauses) != _citations(picked):
            changes["clauses"] = {"from": _citations(old_clauses), "to": _citations(picked)}
    _record(
        hazard,
        action="edit",
        by=by,
        data={"fields": sorted(set(changes) & set(DETAIL_FIELDS)), "changes": changes},
    )
    tally.apply(before, tally.contribution(hazard))
    return hazard


@transaction.atomic
def hazard_add_note(*, by, hazard_id: int, note: str) -> HazardTransition:
    """A note on an open hazard's timeline: how the side that did not find a hazard says
    what it knows (a wrong place, a disputed fact) without rewriting the finding. The
    hazard itself is unchanged (no version bump: nobody's open form goes stale)."""
    hazard = _hazard_for_write(by, hazard_id)
    HAZARD.check_operation(by, "note", hazard)
    text = (note or "").strip()
    errors: dict = {}
    _check_text(errors, "note", text, _("请填写说明内容"))
    if len(text) > 2000:
        errors["note"] = _("说明不能超过 2000 字")
    _raise(errors)
    return _record(hazard, action="note", by=by, reason=text)


@transaction.atomic
def hazards_follow_enterprise(enterprise: Enterprise) -> int:
    """An enterprise moved street/grid or changed industry: its hazards go with it, open
    and closed, so the officials who now supervise it see its whole ledger and the figures
    count it where it is. ``Hazard``'s follower of ``enterprise_moved`` (the default of
    ``EnterpriseOwned``, extended): the rows are locked and moved with their versions
    bumped (a transition begun on the old values gets a conflict); the summaries move in
    the same transaction. Returns how many hazards moved."""
    moved = list(Hazard.behind(enterprise).select_for_update())
    changes = []
    for hazard in moved:
        before = tally.contribution(hazard)
        hazard.copy_enterprise_scope()
        changes.append((before, tally.contribution(hazard)))
    Hazard.follow_enterprise(enterprise, rows=Hazard.objects.filter(pk__in=[h.pk for h in moved]))
    tally.apply_many(changes)
    return len(moved)


@transaction.atomic
def hazards_follow_place(sender=None, *, place: PublicPlace, **kwargs) -> int:
    """A public place moved street/grid or changed industry (``place_moved``): its hazards
    and their tally contributions go with it, as ``hazards_follow_enterprise`` does."""
    moved = list(
        Hazard.objects.filter(place_id=place.pk)
        .exclude(scope_region_code=place.scope_region_code, industry_id=place.industry_id)
        .select_for_update()
    )
    changes = []
    for hazard in moved:
        before = tally.contribution(hazard)
        hazard.place = place
        hazard.copy_enterprise_scope()
        changes.append((before, tally.contribution(hazard)))
    Hazard.objects.filter(pk__in=[h.pk for h in moved]).update(
        scope_region_code=place.scope_region_code,
        industry_id=place.industry_id,
        version=F("version") + 1,
    )
    tally.apply_many(changes)
    return len(moved)


@transaction.atomic
def hazard_add_photos(*, by, hazard_id: int, stage: str, photos: Sequence) -> list[HazardPhoto]:
    """Photos of one stage for an open hazard, by whoever may add that stage
    (``lifecycle.photo_stages``): 验收 evidence only from those who may accept it."""
    hazard = _hazard_for_write(by, hazard_id)
    HAZARD.check_operation(by, "photos", hazard)
    if stage not in PhotoStage.values:
        raise ValidationError({"stage": _("请选择照片环节")})
    if stage not in lifecycle.photo_stages(by, hazard):
        raise NotPermitted(lifecycle.photo_refusal(by, hazard, stage))
    if not photos:
        raise ValidationError({"photos": _("请选择要上传的照片")})
    prepared = prepare_photos(photos)
    before = set(hazard.photos.values_list("pk", flat=True))
    _store_photos(hazard=hazard, by=by, stage=stage, photos=prepared)
    _record(hazard, action="photo", by=by, data={"stage": stage, "count": len(prepared)})
    return list(hazard.photos.exclude(pk__in=before))
