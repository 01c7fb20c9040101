"""Every write to the hazard ledger. Pages, API, self-checks, alarms, demo and CLI call these.

Each transition: looks the hazard up through the writer's scope (out of scope =
``Hazard.DoesNotExist``, which interfaces answer with 404), checks the lifecycle table
(``lifecycle.py``) and the role, validates, then compare-and-sets the state and version
(zero rows updated = someone else was first = ``Conflict``), writes one
``HazardTransition`` and applies the hazard's change to the clearing tally — all in one
transaction. A transition submitted twice by the same person is answered with the hazard
as it is (idempotent), not an error.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core import search
from anjian.core.exceptions import Conflict, NotPermitted, ValidationError
from anjian.core.notifications import notify
from anjian.core.scoping import require_city_wide
from anjian.enterprises.models import Enterprise
from anjian.enterprises.selectors import enterprise_for_write
from anjian.hazards import duplicates, lifecycle, tally
from anjian.hazards.choices import (
    DEADLINE_STATES,
    OPEN_STATES,
    DuplicateState,
    ExtensionState,
    Grade,
    ListingLevel,
    ListingState,
    PhotoStage,
    RevisitResult,
    RevisitState,
    Source,
    State,
)
from anjian.hazards.models import (
    DeadlineExtension,
    DuplicateCandidate,
    Hazard,
    HazardPhoto,
    HazardTransition,
    Revisit,
    StandardClause,
    SupervisionListing,
)
from anjian.hazards.photos import PreparedPhoto, prepare_photos

# Sources whose report needs a photo of what was found (the inspector or grid member is there).
PHOTO_REQUIRED_SOURCES = (Source.INSPECTION, Source.PATROL)
FUTURE_TOLERANCE = timedelta(minutes=10)
# What an enterprise's own users may record; inspections, patrols and tip-offs are the
# government side's (they decide who accepts, and feed the government figures).
ENTERPRISE_SOURCES = (Source.SELF_CHECK, Source.ALARM, Source.OTHER)


# --- helpers ------------------------------------------------------------------------------


def _hazard_for_write(by, hazard_id: int) -> Hazard:
    return (
        Hazard.objects.for_user(by)
        .select_related("enterprise", "enterprise__street", "reported_by")
        .get(pk=hazard_id)
    )


def _store_photos(*, hazard: Hazard, by, stage: str, photos: Sequence[PreparedPhoto]) -> None:
    for photo in photos:
        stored = HazardPhoto(
            hazard=hazard,
            stage=stage,
            sha256=photo.sha256,
            width=photo.width,
            height=photo.height,
            taken_at=photo.taken_at,
            uploaded_by=by,
        )
        stored.image.save(photo.as_file().name, photo.as_file(), save=False)
        stored.save()


def _record(hazard: Hazard, *, action: str, by, from_state="", to_state="", reason="", data=None):
    return HazardTransition.objects.create(
        hazard=hazard,
        action=action,
        from_state=from_state,
        to_state=to_state,
        by=by,
        reason=reason,
        data=data or {},
    )


def _clauses(ids_or_clauses: Iterable) -> list[StandardClause]:
    ids = [getattr(c, "pk", c) for c in ids_or_clauses or ()]
    clauses = list(
        StandardClause.objects.filter(
            pk__in=ids, is_active=True, document__is_active=True
        ).select_related("document")
    )
    if len(clauses) != len(set(ids)):
        raise ValidationError({"clauses": _("所选判定条款不存在或已停用")})
    return clauses


def _enterprise_users(enterprise_id: int):
    from anjian.accounts.models import User

    return User.objects.filter(enterprise_link__enterprise_id=enterprise_id, is_active=True)


def _check_text(errors: dict, field: str, value: str, message: str) -> None:
    if not (value or "").strip():
        errors[field] = message


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


@dataclass
class _Step:
    """What one transition changes: the fields to write and the timeline entry."""

    hazard: Hazard
    transition: lifecycle.Transition
    before: tally.Contribution
    from_state: str


def _begin(by, hazard_id: int, name: str, expected_version: int | None) -> _Step | Hazard:
    """Load, check role, lifecycle and version. Returns the hazard itself when this very
    transition was already done by the same person (a double submit)."""
    transition = lifecycle.TRANSITIONS[name]
    hazard = _hazard_for_write(by, hazard_id)
    if not lifecycle.may(by, transition, hazard):
        raise NotPermitted(_("您的角色不能对该隐患执行“%(t)s”") % {"t": transition.label})
    if hazard.state not in transition.sources:
        last = hazard.transitions.order_by("-at", "-id").first()
        if (
            hazard.state == transition.target
            and last is not None
            and last.action == name
            and last.by_id == by.pk
        ):
            return hazard
        raise Conflict(
            _("隐患当前状态为“%(state)s”，不能%(t)s。请刷新页面查看最新情况。")
            % {"state": hazard.get_state_display(), "t": transition.label}
        )
    if expected_version is not None and hazard.version != expected_version:
        raise Conflict()
    return _Step(hazard, transition, tally.contribution(hazard), hazard.state)


def _commit(step: _Step, *, by, fields: Sequence[str] = (), reason="", data=None) -> Hazard:
    """Compare-and-set the state, write the timeline entry and the tally change."""
    hazard = step.hazard
    target = step.transition.target
    values = {name: getattr(hazard, name) for name in fields}
    updated = Hazard.objects.filter(
        pk=hazard.pk, state=step.from_state, version=hazard.version
    ).update(state=target, version=F("version") + 1, updated_at=timezone.now(), **values)
    if updated == 0:
        raise Conflict()
    hazard.state = target
    hazard.version += 1
    _record(
        hazard,
        action=step.transition.name,
        by=by,
        from_state=step.from_state,
        to_state=target,
        reason=reason,
        data=data,
    )
    tally.apply(step.before, tally.contribution(hazard))
    return hazard


def _close_facts(hazard: Hazard, closed_at: datetime) -> None:
    hazard.closed_at = closed_at
    closed_day = timezone.localtime(closed_at).date()
    found_day = timezone.localtime(hazard.found_at).date()
    hazard.days_to_close = max(0, (closed_day - found_day).days)
    hazard.closed_on_time = hazard.deadline is None or closed_day <= hazard.deadline


# --- report ------------------------------------------------------------------------------


@transaction.atomic
def hazard_report(
    *,
    by,
    enterprise: Enterprise,
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
) -> Hazard:
    """Record a hazard found by anyone, from any source, into the one ledger (待上账).

    Matching a clause of a major-hazard standard makes it 重大 at once. Side effects:
    timeline entry, tally, duplicate flags, a notice to the enterprise's users when the
    government side found it.
    """
    if not by.can("hazard.report"):
        raise NotPermitted()
    enterprise = enterprise_for_write(by, enterprise)
    now = timezone.now()
    found_at = found_at or now
    errors: dict = {}
    if found_at > now + FUTURE_TOLERANCE:
        errors["found_at"] = _("发现时间不能晚于当前时间")
    if source not in Source.values:
        errors["source"] = _("请选择隐患来源")
    elif source not in ENTERPRISE_SOURCES and not lifecycle.is_government(by):
        errors["source"] = _("企业只能登记自查、监测报警或其他来源的隐患")
    prepared = []
    try:
        prepared = prepare_photos(photos)
    except ValidationError as error:
        errors.update(error.message_dict)
    if source in PHOTO_REQUIRED_SOURCES and not photos and "photos" not in errors:
        errors["photos"] = _("监督检查和网格巡查发现的隐患须上传现场照片")
    picked = []
    try:
        picked = _clauses(clauses)
    except ValidationError as error:
        errors.update(error.message_dict)
    hazard = Hazard(
        enterprise=enterprise,
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
    hazard.save()
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
    if lifecycle.is_government(by):
        notify(
            users=_enterprise_users(enterprise.pk),
            title=_("新隐患待上账：%(t)s") % {"t": hazard.title},
            body=_("%(src)s发现，请尽快上账并落实整改。") % {"src": hazard.get_source_display()},
            url=hazard.get_absolute_url(),
            kind="hazard_reported",
            dedupe_key=f"hazard-reported-{hazard.pk}",
        )
    return hazard


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

    The finding side corrects its own finding (``lifecycle.may_correct``): what an inspector
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
    if not by.can("hazard.report") and not by.can("hazard.rectify"):
        raise NotPermitted()
    if data and not lifecycle.may_correct(by, hazard):
        raise NotPermitted(lifecycle.correction_refusal(hazard))
    if hazard.state not in OPEN_STATES:
        raise Conflict(_("隐患已销号或作废，不能再修改"))
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
        hazard.number, hazard.title, hazard.description, hazard.location, hazard.enterprise.name
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
    if not (by.can("hazard.report") or by.can("hazard.rectify")):
        raise NotPermitted()
    if hazard.state not in OPEN_STATES:
        raise Conflict(_("隐患已销号或作废，不能再补充说明"))
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
    count it where it is. The rows are locked and their versions bumped (a transition
    begun on the old values gets a conflict); the summaries move in the same transaction.
    Returns how many hazards moved."""
    moved = list(
        Hazard.objects.select_for_update()
        .filter(enterprise_id=enterprise.pk)
        .exclude(scope_region_code=enterprise.scope_region_code, industry_id=enterprise.industry_id)
    )
    changes = []
    for hazard in moved:
        before = tally.contribution(hazard)
        hazard.scope_region_code = enterprise.scope_region_code
        hazard.industry_id = enterprise.industry_id
        changes.append((before, tally.contribution(hazard)))
    Hazard.objects.filter(pk__in=[hazard.pk for hazard in moved]).update(
        scope_region_code=enterprise.scope_region_code,
        industry_id=enterprise.industry_id,
        version=F("version") + 1,
    )
    tally.apply_many(changes)
    return len(moved)


# --- the lifecycle ---------------------------------------------------------------------------


@transaction.atomic
def hazard_register(
    *,
    by,
    hazard_id: int,
    expected_version: int | None,
    grade: str,
    deadline: date | None,
    owner_name: str,
    owner_phone: str = "",
    measures: str,
    clauses: Iterable | None = None,
    funds: Decimal | None = None,
    contingency_plan: str = "",
    interim_measures: str = "",
) -> Hazard:
    """上账: grade, deadline, owner and measures. A 重大 hazard needs its 五落实 (measures,
    funds, deadline, owner, contingency plan) and interim safety measures."""
    step = _begin(by, hazard_id, "register", expected_version)
    if isinstance(step, Hazard):
        return step
    hazard = step.hazard
    picked = _clauses(clauses) if clauses is not None else list(hazard.clauses.all())
    errors: dict = {}
    dropped = set(hazard.clauses.values_list("pk", flat=True)) - {c.pk for c in picked}
    if dropped and not lifecycle.is_government(by):
        errors["clauses"] = _("重大事故隐患判定条款只能由监管部门取消")
    if grade not in (Grade.GENERAL, Grade.MAJOR):
        errors["grade"] = _("请选择隐患等级")
    if picked and grade == Grade.GENERAL:
        errors["grade"] = _("已符合重大事故隐患判定条款，不能定为一般隐患")
    today = timezone.localdate()
    if deadline is None:
        errors["deadline"] = _("请填写整改期限")
    elif deadline < today:
        errors["deadline"] = _("整改期限不能早于今天")
    _check_text(errors, "owner_name", owner_name, _("请填写整改责任人"))
    _check_text(errors, "measures", measures, _("请填写整改措施"))
    if grade == Grade.MAJOR:
        if funds is None:
            errors["funds"] = _("重大隐患须落实整改资金")
        elif funds < 0:
            errors["funds"] = _("整改资金不能为负数")
        _check_text(errors, "contingency_plan", contingency_plan, _("重大隐患须落实应急预案"))
        _check_text(
            errors, "interim_measures", interim_measures, _("重大隐患须落实整改期间的临时安全措施")
        )
    _raise(errors)
    hazard.grade = grade
    hazard.deadline = deadline
    hazard.owner_name = owner_name.strip()
    hazard.owner_phone = (owner_phone or "").strip()
    hazard.measures = measures.strip()
    hazard.funds = funds
    hazard.contingency_plan = (contingency_plan or "").strip()
    hazard.interim_measures = (interim_measures or "").strip()
    hazard.registered_at = timezone.now()
    hazard.full_clean(exclude=["clauses"])
    if clauses is not None:
        hazard.clauses.set(picked)
    return _commit(
        step,
        by=by,
        fields=(
            "grade",
            "deadline",
            "owner_name",
            "owner_phone",
            "measures",
            "funds",
            "contingency_plan",
            "interim_measures",
            "registered_at",
        ),
        data={"grade": grade, "deadline": deadline.isoformat()},
    )


@transaction.atomic
def hazard_start(*, by, hazard_id: int, expected_version: int | None) -> Hazard:
    step = _begin(by, hazard_id, "start", expected_version)
    if isinstance(step, Hazard):
        return step
    return _commit(step, by=by)


@transaction.atomic
def hazard_submit(
    *,
    by,
    hazard_id: int,
    expected_version: int | None,
    rectification_note: str,
    photos: Sequence = (),
) -> Hazard:
    """提请验收: what was done, with at least one photo after rectification."""
    step = _begin(by, hazard_id, "submit", expected_version)
    if isinstance(step, Hazard):
        return step
    hazard = step.hazard
    errors: dict = {}
    _check_text(errors, "rectification_note", rectification_note, _("请填写整改情况"))
    prepared = []
    try:
        prepared = prepare_photos(photos)
    except ValidationError as error:
        errors.update(error.message_dict)
    has_after = hazard.photos.filter(stage=PhotoStage.AFTER).exists()
    if not prepared and not has_after and "photos" not in errors:
        errors["photos"] = _("请上传整改后的照片")
    _raise(errors)
    hazard.rectification_note = rectification_note.strip()
    hazard.submitted_at = timezone.now()
    # Files are written only once the compare-and-set has won: a conflict leaves none.
    hazard = _commit(step, by=by, fields=("rectification_note", "submitted_at"))
    _store_photos(hazard=hazard, by=by, stage=PhotoStage.AFTER, photos=prepared)
    if lifecycle.acceptance_needs_government(hazard):
        _notify_supervisors(hazard, _("隐患待验收：%(t)s"), kind="hazard_awaiting_acceptance")
    return hazard


@transaction.atomic
def hazard_accept(
    *, by, hazard_id: int, expected_version: int | None, acceptance_note: str, photos=()
) -> Hazard:
    """验收销号. A major hazard, or one the government found, is accepted by government only;
    a closed major hazard is scheduled for 回头看."""
    step = _begin(by, hazard_id, "accept", expected_version)
    if isinstance(step, Hazard):
        return step
    hazard = step.hazard
    errors: dict = {}
    _check_text(errors, "acceptance_note", acceptance_note, _("请填写验收意见"))
    prepared = []
    try:
        prepared = prepare_photos(photos)
    except ValidationError as error:
        errors.update(error.message_dict)
    _raise(errors)
    hazard.acceptance_note = acceptance_note.strip()
    hazard.accepted_by = by
    _close_facts(hazard, timezone.now())
    hazard = _commit(
        step,
        by=by,
        fields=("acceptance_note", "accepted_by", "closed_at", "days_to_close", "closed_on_time"),
    )
    _store_photos(hazard=hazard, by=by, stage=PhotoStage.ACCEPTANCE, photos=prepared)
    if hazard.grade == Grade.MAJOR:
        revisit_schedule(hazard=hazard)
    return hazard


@transaction.atomic
def hazard_reject(*, by, hazard_id: int, expected_version: int | None, reason: str) -> Hazard:
    """验收不通过: back to rectifying, with the reason the owner must address."""
    step = _begin(by, hazard_id, "reject", expected_version)
    if isinstance(step, Hazard):
        return step
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写验收不通过的原因")})
    hazard = _commit(step, by=by, reason=reason.strip())
    notify(
        users=_enterprise_users(hazard.enterprise_id),
        title=_("隐患验收未通过：%(t)s") % {"t": hazard.title},
        body=reason.strip(),
        url=hazard.get_absolute_url(),
        kind="hazard_rejected",
    )
    return hazard


@transaction.atomic
def hazard_close_on_spot(
    *,
    by,
    hazard_id: int,
    expected_version: int | None,
    rectification_note: str,
    before_photos: Sequence = (),
    after_photos: Sequence = (),
) -> Hazard:
    """即查即改: a general hazard fixed while the finder is there closes in one step, with the
    before/after pair of photos as its proof."""
    step = _begin(by, hazard_id, "close_on_spot", expected_version)
    if isinstance(step, Hazard):
        return step
    hazard = step.hazard
    if hazard.grade == Grade.MAJOR:
        raise ValidationError(_("重大事故隐患不能即查即改销号，须上账整改并由政府部门验收"))
    errors: dict = {}
    _check_text(errors, "rectification_note", rectification_note, _("请填写现场整改情况"))
    before, after = [], []
    try:
        before = prepare_photos(before_photos)
    except ValidationError as error:
        errors["before_photos"] = error.message_dict["photos"]
    try:
        after = prepare_photos(after_photos)
    except ValidationError as error:
        errors["after_photos"] = error.message_dict["photos"]
    has_found = hazard.photos.filter(stage__in=(PhotoStage.FOUND, PhotoStage.BEFORE)).exists()
    if not before and not has_found and "before_photos" not in errors:
        errors["before_photos"] = _("即查即改须有整改前照片")
    has_after = hazard.photos.filter(stage=PhotoStage.AFTER).exists()
    if not after and not has_after and "after_photos" not in errors:
        errors["after_photos"] = _("即查即改须有整改后照片")
    _raise(errors)
    now = timezone.now()
    hazard.grade = Grade.GENERAL
    hazard.fixed_on_spot = True
    hazard.rectification_note = rectification_note.strip()
    hazard.registered_at = now
    hazard.accepted_by = by
    _close_facts(hazard, now)
    hazard = _commit(
        step,
        by=by,
        fields=(
            "grade",
            "fixed_on_spot",
            "rectification_note",
            "registered_at",
            "accepted_by",
            "closed_at",
            "days_to_close",
            "closed_on_time",
        ),
    )
    _store_photos(hazard=hazard, by=by, stage=PhotoStage.BEFORE, photos=before)
    _store_photos(hazard=hazard, by=by, stage=PhotoStage.AFTER, photos=after)
    return hazard


@transaction.atomic
def hazard_void(
    *, by, hazard_id: int, expected_version: int | None, reason: str, merged_into=None
) -> Hazard:
    """作废 with a reason (never deleted): a report that was no hazard, or a duplicate."""
    step = _begin(by, hazard_id, "void", expected_version)
    if isinstance(step, Hazard):
        return step
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写作废原因")})
    hazard = step.hazard
    if hazard.listings.filter(state=ListingState.LISTED).exists():
        raise ValidationError(_("该隐患正在挂牌督办，须先摘牌才能作废"))
    hazard.void_reason = reason.strip()[:500]
    hazard.merged_into = merged_into
    return _commit(step, by=by, fields=("void_reason", "merged_into"), reason=reason.strip())


# --- duplicates ------------------------------------------------------------------------------


@transaction.atomic
def hazard_merge(*, by, duplicate_id: int, into_id: int) -> Hazard:
    """Merge a flagged duplicate into the hazard it repeats: the duplicate is voided with a
    pointer to the one that stays; its photos stay with it and show on the kept hazard."""
    if duplicate_id == into_id:
        raise ValidationError(_("不能把隐患合并到它自己"))
    keep = _hazard_for_write(by, into_id)
    duplicate = _hazard_for_write(by, duplicate_id)
    if keep.enterprise_id != duplicate.enterprise_id:
        raise ValidationError(_("只能合并同一单位的隐患"))
    if keep.state == State.VOID:
        raise ValidationError(_("不能合并到已作废的隐患"))
    hazard_void(
        by=by,
        hazard_id=duplicate.pk,
        expected_version=None,
        reason=_("与隐患 %(n)s 重复，已合并") % {"n": keep.number},
        merged_into=keep,
    )
    DuplicateCandidate.objects.filter(
        hazard_id__in=(duplicate.pk, keep.pk), other_id__in=(duplicate.pk, keep.pk)
    ).update(state=DuplicateState.MERGED, decided_by=by, decided_at=timezone.now())
    _record(keep, action="merge", by=by, data={"merged": duplicate.pk, "number": duplicate.number})
    return keep


@transaction.atomic
def duplicate_dismiss(*, by, candidate_id: int) -> DuplicateCandidate:
    candidate = DuplicateCandidate.objects.select_related("hazard").get(pk=candidate_id)
    _hazard_for_write(by, candidate.hazard_id)  # scope
    if not by.can("hazard.supervise"):
        raise NotPermitted()
    updated = DuplicateCandidate.objects.filter(pk=candidate.pk, state=DuplicateState.OPEN).update(
        state=DuplicateState.DISMISSED, decided_by=by, decided_at=timezone.now()
    )
    if updated == 0:
        raise Conflict(_("该疑似重复已处理"))
    candidate.refresh_from_db()
    return candidate


# --- photos ----------------------------------------------------------------------------------


@transaction.atomic
def hazard_add_photos(*, by, hazard_id: int, stage: str, photos: Sequence) -> list[HazardPhoto]:
    """Photos of one stage for an open hazard, by whoever may add that stage
    (``lifecycle.photo_stages``): 验收 evidence only from those who may accept it."""
    hazard = _hazard_for_write(by, hazard_id)
    if not (by.can("hazard.report") or by.can("hazard.rectify")):
        raise NotPermitted()
    if hazard.state not in OPEN_STATES:
        raise Conflict(_("隐患已销号或作废，不能再补充照片"))
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


# --- deadline extensions ---------------------------------------------------------------------


@transaction.atomic
def extension_request(
    *, by, hazard_id: int, requested_deadline: date, reason: str
) -> DeadlineExtension:
    hazard = _hazard_for_write(by, hazard_id)
    if not by.can("hazard.rectify"):
        raise NotPermitted()
    if hazard.state not in DEADLINE_STATES or hazard.deadline is None:
        raise Conflict(_("只有已上账、未销号的隐患可以申请延期"))
    errors: dict = {}
    if requested_deadline is None:
        errors["requested_deadline"] = _("请填写申请延期至的日期")
    elif requested_deadline < timezone.localdate():
        errors["requested_deadline"] = _("延期日期不能早于今天")
    elif requested_deadline <= hazard.deadline:
        errors["requested_deadline"] = _("延期日期须晚于原整改期限（%(d)s）") % {
            "d": hazard.deadline.isoformat()
        }
    _check_text(errors, "reason", reason, _("请填写延期理由"))
    _raise(errors)
    try:
        with transaction.atomic():
            extension = DeadlineExtension.objects.create(
                hazard=hazard,
                current_deadline=hazard.deadline,
                requested_deadline=requested_deadline,
                reason=reason.strip(),
                requested_by=by,
            )
    except IntegrityError:
        raise Conflict(_("该隐患已有待审批的延期申请")) from None
    _record(
        hazard,
        action="extension_request",
        by=by,
        reason=reason.strip(),
        data={"requested_deadline": requested_deadline.isoformat()},
    )
    _notify_supervisors(hazard, _("隐患延期申请待审批：%(t)s"), kind="hazard_extension")
    return extension


@transaction.atomic
def extension_decide(
    *, by, extension_id: int, approve: bool, reason: str = ""
) -> DeadlineExtension:
    """Approve (the deadline moves, the overdue ladder starts again) or refuse, with reason."""
    extension = DeadlineExtension.objects.select_related("hazard").get(pk=extension_id)
    hazard = _hazard_for_write(by, extension.hazard_id)
    if not by.can("hazard.supervise"):
        raise NotPermitted()
    if extension.requested_by_id == by.pk:
        raise NotPermitted(_("不能审批自己提交的延期申请"))
    if not approve and not (reason or "").strip():
        raise ValidationError({"decision_reason": _("不批准时请填写理由")})
    decided = DeadlineExtension.objects.filter(
        pk=extension.pk, state=ExtensionState.PENDING
    ).update(
        state=ExtensionState.APPROVED if approve else ExtensionState.REFUSED,
        decided_by=by,
        decided_at=timezone.now(),
        decision_reason=(reason or "").strip(),
    )
    if decided == 0:
        raise Conflict(_("该延期申请已被处理"))
    if approve:
        before = tally.contribution(hazard)
        updated = Hazard.objects.filter(
            pk=hazard.pk, state__in=DEADLINE_STATES, version=hazard.version
        ).update(
            deadline=extension.requested_deadline,
            escalation_level=0,
            reminded_for=None,
            version=F("version") + 1,
        )
        if updated == 0:
            raise Conflict(_("隐患已变更（可能已销号或作废），请刷新后再审批延期"))
        hazard.deadline = extension.requested_deadline
        hazard.version += 1
        tally.apply(before, tally.contribution(hazard))
    _record(
        hazard,
        action="extension_approved" if approve else "extension_refused",
        by=by,
        reason=(reason or "").strip(),
        data={
            "from": extension.current_deadline.isoformat(),
            "to": extension.requested_deadline.isoformat(),
        },
    )
    notify(
        users=[extension.requested_by],
        title=(_("延期申请已批准：%(t)s") if approve else _("延期申请未批准：%(t)s"))
        % {"t": hazard.title},
        body=(reason or "").strip(),
        url=hazard.get_absolute_url(),
        kind="hazard_extension_decided",
    )
    extension.refresh_from_db()
    return extension


# --- 挂牌督办 -----------------------------------------------------------------------------------

# Which listing levels a user's region may issue: a street lists at street level, a district
# at district or street level, the city at any level.
_LEVELS_BY_CODE_LENGTH = {
    2: (ListingLevel.CITY, ListingLevel.DISTRICT, ListingLevel.STREET),
    4: (ListingLevel.CITY, ListingLevel.DISTRICT, ListingLevel.STREET),
    6: (ListingLevel.DISTRICT, ListingLevel.STREET),
}


def listing_levels_for(user) -> tuple[str, ...]:
    scope = user.scope
    if scope.everything:
        return tuple(ListingLevel.values)
    if scope.region_prefix is None:
        return ()
    return _LEVELS_BY_CODE_LENGTH.get(len(scope.region_prefix), (ListingLevel.STREET,))


@transaction.atomic
def listing_create(
    *,
    by,
    hazard_id: int,
    level: str,
    authority: str,
    document_number: str,
    deadline: date,
    requirements: str = "",
) -> SupervisionListing:
    """挂牌督办 of an open major hazard, with its own deadline and the issuing authority."""
    hazard = _hazard_for_write(by, hazard_id)
    if not by.can("hazard.list"):
        raise NotPermitted()
    errors: dict = {}
    if hazard.grade != Grade.MAJOR:
        errors["level"] = _("只有重大事故隐患可以挂牌督办")
    elif hazard.state not in OPEN_STATES:
        errors["level"] = _("隐患已销号或作废，不能挂牌督办")
    if level not in listing_levels_for(by):
        errors["level"] = _("您所在层级不能进行该级别的挂牌督办")
    _check_text(errors, "authority", authority, _("请填写督办单位"))
    _check_text(errors, "document_number", document_number, _("请填写督办文号"))
    if deadline is None:
        errors["deadline"] = _("请填写督办期限")
    elif deadline < timezone.localdate():
        errors["deadline"] = _("督办期限不能早于今天")
    _raise(errors)
    try:
        with transaction.atomic():
            listing = SupervisionListing.objects.create(
                hazard=hazard,
                level=level,
                authority=authority.strip(),
                document_number=document_number.strip(),
                deadline=deadline,
                requirements=(requirements or "").strip(),
                listed_by=by,
            )
    except IntegrityError:
        raise Conflict(_("该隐患已在挂牌督办中")) from None
    _record(
        hazard,
        action="list",
        by=by,
        data={
            "level": level,
            "authority": listing.authority,
            "document_number": listing.document_number,
            "deadline": deadline.isoformat(),
        },
    )
    notify(
        users=_enterprise_users(hazard.enterprise_id),
        title=_("重大隐患被挂牌督办：%(t)s") % {"t": hazard.title},
        body=_("%(a)s %(n)s，督办期限 %(d)s")
        % {"a": listing.authority, "n": listing.document_number, "d": deadline.isoformat()},
        url=hazard.get_absolute_url(),
        kind="hazard_listed",
    )
    return listing


@transaction.atomic
def listing_sign_off(*, by, listing_id: int, note: str) -> SupervisionListing:
    """摘牌 once the hazard is closed (accepted by government)."""
    listing = SupervisionListing.objects.select_related("hazard").get(pk=listing_id)
    hazard = _hazard_for_write(by, listing.hazard_id)
    if not by.can("hazard.list"):
        raise NotPermitted()
    if listing.level not in listing_levels_for(by):
        raise NotPermitted(_("只有同级或上级可以摘牌"))
    if hazard.state != State.CLOSED:
        raise ValidationError(_("隐患尚未验收销号，不能摘牌"))
    if not (note or "").strip():
        raise ValidationError({"sign_off_note": _("请填写摘牌意见")})
    updated = SupervisionListing.objects.filter(pk=listing.pk, state=ListingState.LISTED).update(
        state=ListingState.SIGNED_OFF,
        signed_off_by=by,
        signed_off_at=timezone.now(),
        sign_off_note=note.strip(),
    )
    if updated == 0:
        raise Conflict(_("该督办已摘牌"))
    _record(hazard, action="sign_off", by=by, reason=note.strip(), data={"listing": listing.pk})
    listing.refresh_from_db()
    return listing


# --- 回头看 -------------------------------------------------------------------------------------


def revisit_schedule(*, hazard: Hazard, sampled: bool = False) -> Revisit | None:
    """Schedule the one revisit of a closed hazard (idempotent: the second call does nothing)."""
    from django.conf import settings

    closed_day = timezone.localtime(hazard.closed_at).date()
    revisit, created = Revisit.objects.get_or_create(
        hazard=hazard,
        defaults={
            "due_on": closed_day + timedelta(days=settings.HAZARD_REVISIT_DAYS),
            "sampled": sampled,
        },
    )
    return revisit if created else None


@transaction.atomic
def revisit_complete(*, by, revisit_id: int, result: str, note: str) -> Revisit:
    """Record the revisit; a relapse is recorded as a new hazard linked to this revisit."""
    revisit = Revisit.objects.select_related("hazard", "hazard__enterprise").get(pk=revisit_id)
    hazard = _hazard_for_write(by, revisit.hazard_id)
    if not by.can("hazard.list"):
        raise NotPermitted()
    errors: dict = {}
    if result not in (RevisitResult.SUSTAINED, RevisitResult.RELAPSED):
        errors["result"] = _("请选择回头看结论")
    _check_text(errors, "note", note, _("请填写回头看情况"))
    _raise(errors)
    updated = Revisit.objects.filter(pk=revisit.pk, state=RevisitState.SCHEDULED).update(
        state=RevisitState.DONE,
        result=result,
        note=note.strip(),
        done_by=by,
        done_at=timezone.now(),
    )
    if updated == 0:
        raise Conflict(_("该回头看已完成"))
    _record(hazard, action="revisit", by=by, reason=note.strip(), data={"result": result})
    revisit.refresh_from_db()
    if result == RevisitResult.RELAPSED:
        hazard_report(
            by=by,
            enterprise=hazard.enterprise,
            source=Source.OTHER,
            title=(_("回头看发现反弹：%(t)s") % {"t": hazard.title})[:120],
            description=note.strip(),
            location=hazard.location,
            clauses=hazard.clauses.all(),
            source_object=revisit,
            flag_duplicates=False,
        )
    return revisit


# --- notifications -----------------------------------------------------------------------------


def supervisors_of(hazard: Hazard):
    """Government users who supervise this hazard: its enterprise's supervising department
    and the comprehensive (安委办) users of its district, each only if in scope."""
    from anjian.accounts.models import User
    from anjian.accounts.roles import Role

    district = hazard.scope_region_code[:6]
    candidates = User.objects.filter(
        is_active=True, role__in=(Role.SUPERVISOR, Role.DEPARTMENT), region_id=district
    )
    department_id = hazard.enterprise.supervising_department_id
    return [
        user
        for user in candidates.select_related("department", "region")
        if (user.department_id == department_id or user.role == Role.SUPERVISOR)
        and Hazard.objects.for_user(user).filter(pk=hazard.pk).exists()
    ]


def _notify_supervisors(hazard: Hazard, title_template: str, *, kind: str) -> None:
    notify(
        users=supervisors_of(hazard),
        title=title_template % {"t": hazard.title},
        body=f"{hazard.enterprise.name} · {hazard.number}",
        url=hazard.get_absolute_url(),
        kind=kind,
    )


# --- 制度措施清单 --------------------------------------------------------------------------------

MEASURE_FIELDS = (
    "region",
    "industry",
    "problem",
    "measure",
    "lead_unit",
    "partner_units",
    "deadline",
    "state",
    "progress",
)


def _check_measure_scope(by, measure) -> None:
    from anjian.hazards.models import SystemMeasure

    scope = by.scope
    if not scope.everything:
        if scope.enterprise_id is not None or not scope.covers_region(measure.region_id):
            raise ValidationError(
                {"region": _("只能登记您管辖范围（%(s)s）内的制度措施") % {"s": scope.label}}
            )
        if scope.industry_ids is not None and measure.industry_id not in scope.industry_ids:
            raise ValidationError({"industry": _("请选择本部门监管的行业")})
    if not SystemMeasure.objects.for_user(by).filter(pk=measure.pk).exists():
        raise ValidationError(_("超出您的管辖范围"))


@transaction.atomic
def measure_create(*, by, data: dict, hazards: Iterable = ()):
    """Add a 制度措施 for the writer's region (or an industry in it), with the hazards behind it."""
    from anjian.hazards.models import SystemMeasure

    if not by.can("hazard.supervise"):
        raise NotPermitted()
    measure = SystemMeasure(created_by=by, **{k: v for k, v in data.items() if k in MEASURE_FIELDS})
    measure.full_clean()
    measure.save()
    _check_measure_scope(by, measure)
    if hazards:
        measure.hazards.set(
            Hazard.objects.for_user(by).filter(pk__in=[getattr(h, "pk", h) for h in hazards])
        )
    return measure


@transaction.atomic
def measure_update(
    *, by, measure_id: int, data: dict, expected_version: int, hazards: Iterable | None = None
):
    """Change a 制度措施 (progress, state, …) at ``expected_version``; ``hazards``, when
    given, replaces the linked hazards (those in the writer's scope)."""
    from anjian.hazards.models import SystemMeasure

    if not by.can("hazard.supervise"):
        raise NotPermitted()
    measure = SystemMeasure.objects.for_user(by).select_for_update().get(pk=measure_id)
    if measure.version != expected_version:
        raise Conflict()
    for field, value in data.items():
        if field in MEASURE_FIELDS:
            setattr(measure, field, value)
    measure.full_clean()
    measure.version += 1
    measure.save()
    _check_measure_scope(by, measure)
    if hazards is not None:
        measure.hazards.set(
            Hazard.objects.for_user(by).filter(pk__in=[getattr(h, "pk", h) for h in hazards])
        )
    return measure


# --- the overdue ladder ------------------------------------------------------------------------


def _ladder_region(by, region):
    """Users whose scope is the whole deployment keep the city default (no region); a
    district's administrators and supervisors keep their district's."""
    scope = by.scope
    if region is None:
        require_city_wide(by, what=_("全市默认督促规则"))
        return None
    if not scope.covers_region(region.code) or len(region.code) != 6:
        raise ValidationError({"region": _("只能为您管辖的区设置督促规则")})
    return region


@transaction.atomic
def escalation_rule_set(*, by, region, grade: str, target: str, days_overdue: int):
    """Add or change one rung (region × grade × target) of the overdue ladder."""
    from anjian.hazards.models import EscalationRule

    if not (by.can("hazard.standards") or by.can("hazard.list")):
        raise NotPermitted()
    region = _ladder_region(by, region)
    errors: dict = {}
    if grade not in ("", Grade.GENERAL, Grade.MAJOR):
        errors["grade"] = _("请选择适用等级")
    if target not in {t for t, _l in EscalationRule._meta.get_field("target").choices}:
        errors["target"] = _("请选择督促对象")
    if days_overdue is None or days_overdue < 0 or days_overdue > 365:
        errors["days_overdue"] = _("逾期天数应为 0–365")
    _raise(errors)
    rule, _created = EscalationRule.objects.update_or_create(
        region=region, grade=grade, target=target, defaults={"days_overdue": days_overdue}
    )
    return rule


@transaction.atomic
def escalation_rule_remove(*, by, rule_id: int) -> None:
    """Remove one rung (the ladder is configuration; its history is in the audit trail)."""
    from anjian.hazards.models import EscalationRule

    if not (by.can("hazard.standards") or by.can("hazard.list")):
        raise NotPermitted()
    rule = EscalationRule.objects.select_related("region").get(pk=rule_id)
    _ladder_region(by, rule.region)
    rule.delete()


@transaction.atomic
def hazard_escalate(*, by, hazard_id: int, target: str, note: str) -> Hazard:
    """督促 by hand: an official presses the owner, the supervising department or the
    district's 安委办 about an open hazard now, without waiting for the sweep's ladder."""
    from anjian.hazards import sweeps
    from anjian.hazards.choices import EscalationTarget

    hazard = _hazard_for_write(by, hazard_id)
    if not by.can("hazard.supervise"):
        raise NotPermitted()
    if hazard.state not in OPEN_STATES:
        raise Conflict(_("隐患已销号或作废，无需督促"))
    errors: dict = {}
    if target not in EscalationTarget.values:
        errors["target"] = _("请选择督促对象")
    _check_text(errors, "note", note, _("请填写督促要求"))
    _raise(errors)
    level = sweeps.RUNG[target]
    Hazard.objects.filter(pk=hazard.pk, escalation_level__lt=level).update(escalation_level=level)
    told = sweeps.recipients(hazard, target)
    notify(
        users=told,
        title=_("隐患督促：%(t)s") % {"t": hazard.title},
        body=note.strip(),
        url=hazard.get_absolute_url(),
        kind="hazard_escalated",
    )
    _record(
        hazard,
        action="escalate",
        by=by,
        reason=note.strip(),
        data={"level": level, "target": target, "told": len(told), "manual": True},
    )
    hazard.refresh_from_db()
    return hazard
