"""Every write of a 特殊作业票 and its lifecycle (``lifecycle.PERMIT``).

- ``permit_create`` / ``permit_update`` (a draft only): the facts entered are checked and the
  rules applied in the writer's transaction — the grade and its reasons (``gb30871.grade``;
  for 动火 the rest days of the planned period from the working-day calendar, night work
  when the applicant says so or the start or end falls in 22:00–06:00), the end of validity
  (``gb30871.check_period``: a period longer than the kind and grade allow is refused on
  ``planned_end``). Facts that do not concern the kind are cleared. An enterprise user's
  permit is always its own enterprise's; where the work is may name one of its 危化品单元 or
  重大危险源.
- ``permit_submit``, ``permit_start``, ``permit_pause``, ``permit_resume``, ``permit_close``,
  ``permit_cancel``: the transitions, each a compare-and-set on the state and version with
  its timeline record; the gates are the lifecycle's conditions (``gates``).
- ``progress_record``: a line of the work record (only within the validity).

Gas analyses and signatures are in ``services_records``. Every service takes ``now`` (the
moment it happens; the demo builds past permits with it, tests move time); pages and the
API never pass it. Notices go after the commit (``notices``).
"""

import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from anjian.core import workdays
from anjian.core.exceptions import NotPermitted, ValidationError
from anjian.core.scoping import ensure_in_scope
from anjian.core.services import writable
from anjian.enterprises.selectors import enterprise_for_write
from anjian.specialwork import gb30871, notices
from anjian.specialwork import permissions as perms
from anjian.specialwork.choices import HeightHazard, HotPlace, Kind
from anjian.specialwork.gates import facts_of
from anjian.specialwork.lifecycle import PERMIT
from anjian.specialwork.models import PREFIXES, Permit, PermitTransition
from anjian.specialwork.selectors import permit_for_write

FLAGS = (
    "shutdown_approved",
    "night_work",
    "strong_wind",
    "other_special",
    "hazard_area",
    "long_use",
    "deep_near_lines",
    "oxygen_rich",
)
FACTS = ("hot_place", *FLAGS, "height_m", "height_hazards", "load_t")
PERMIT_FIELDS = (
    "kind",
    *FACTS,
    "unit",
    "source",
    "place",
    "content",
    "planned_start",
    "planned_end",
    "guardian",
    "workers",
)
# Which facts concern which kind (the rest are cleared).
KIND_FACTS = {
    Kind.HOT: {"hot_place", "shutdown_approved", "night_work", "strong_wind", "other_special"},
    Kind.HEIGHT: {"height_m", "height_hazards"},
    Kind.LIFTING: {"load_t"},
    Kind.POWER: {"hazard_area", "long_use"},
    Kind.DIGGING: {"deep_near_lines"},
}
OXYGEN_KINDS = {Kind.HOT, Kind.CONFINED}  # 富氧环境 / oxygen equipment matters to these
EARLIEST_START = timedelta(hours=24)  # a permit entered once work has begun, not later
LATEST_START = timedelta(days=366)
MAX_WORKERS = 50
AMOUNTS = (
    ("height_m", "作业高度（米）", gb30871.MAX_HEIGHT, 2),
    ("load_t", "吊物质量（吨）", gb30871.MAX_LOAD, 3),
)
TRUE, FALSE = {"1", "true", "on", "yes", "是"}, {"", "0", "false", "off", "no", "否"}


def _require(by) -> None:
    if not by.can(perms.PERMIT_ISSUE):
        raise NotPermitted()


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


# --- reading what a form or the API sent ------------------------------------------------------


def text(value, name: str, errors: dict, *, limit: int, missing: str = "") -> str:
    if value is not None and not isinstance(value, str):
        errors[name] = _("须为文字")
        return ""
    value = (value or "").strip()
    if missing and not value:
        errors[name] = missing
    elif len(value) > limit:
        errors[name] = _("不能超过%(n)d字") % {"n": limit}
    return value


def flag(value, name: str, errors: dict) -> bool:
    if isinstance(value, bool):
        return value
    if value is None or str(value).strip().lower() in FALSE:
        return False
    if str(value).strip().lower() in TRUE:
        return True
    errors[name] = _("须为是或否")
    return False


def moment(value, name: str, errors: dict, *, words: str) -> datetime | None:
    """An aware datetime from a datetime or ISO text (local time when it names no zone)."""
    if value in (None, ""):
        errors[name] = _("请填写%(w)s") % {"w": words}
        return None
    found = value if isinstance(value, datetime) else None
    if found is None and isinstance(value, str):
        try:
            found = parse_datetime(value.strip().replace(" ", "T", 1))
        except ValueError:
            found = None
    if found is None:
        errors[name] = _("%(w)s格式不对，请按“2026-06-30 08:00”填写") % {"w": words}
        return None
    if timezone.is_naive(found):
        found = timezone.make_aware(found)
    return found


def names(value, name: str, errors: dict) -> list[str]:
    """Workers: a list, or text with one name per line or separated by 、，,;；."""
    if isinstance(value, str):
        for mark in "\n、，,;；":
            value = value.replace(mark, "\n")
        value = value.split("\n")
    if not isinstance(value, list | tuple):
        errors[name] = _("请填写作业人员")
        return []
    found = [str(item).strip() for item in value if str(item).strip()]
    if not found:
        errors[name] = _("请填写作业人员（至少一人）")
    elif len(found) > MAX_WORKERS or any(len(item) > 40 for item in found):
        errors[name] = _("作业人员最多%(n)d人，每人姓名不超过40字") % {"n": MAX_WORKERS}
    return found


def codes(value, name: str, choices, errors: dict) -> list[str]:
    if value in (None, ""):
        return []
    items = value if isinstance(value, list | tuple) else str(value).replace("，", ",").split(",")
    found = [str(item).strip() for item in items if str(item).strip()]
    unknown = [item for item in found if item not in choices]
    if unknown:
        errors[name] = _("未知的选项：%(c)s") % {"c": "、".join(unknown)}
    return [item for item in choices if item in found]


def rest_days(start: datetime, end: datetime) -> list[date]:
    """The days of the planned period (local dates) the calendar does not count as working
    days. Raises ``CalendarNotCovered`` for a year no source carries."""
    first, last = timezone.localdate(start), timezone.localdate(end)
    found, day = [], first
    while day <= last:
        if not workdays.is_working_day(day):
            found.append(day)
        day += timedelta(days=1)
    return found


# --- the facts and the rules ----------------------------------------------------------------


def _where(enterprise_id: int | None, data: dict, errors: dict) -> dict:
    """The unit and source named, each the enterprise's own (another's is not found)."""
    unit_model = Permit._meta.get_field("unit").related_model
    source_model = Permit._meta.get_field("source").related_model
    found = {"unit": None, "source": None}
    for name, model, words in (
        ("source", source_model, _("请选择本单位的重大危险源")),
        ("unit", unit_model, _("请选择本单位在用的危化品单元")),
    ):
        value = data.get(name)
        value = getattr(value, "pk", value)
        if value in (None, ""):
            continue
        rows = model.objects.filter(enterprise_id=enterprise_id)
        if name == "unit":
            rows = rows.filter(active=True)
        found[name] = rows.filter(pk=value).first() if str(value).isdigit() else None
        if found[name] is None:
            errors[name] = words
    source, unit = found["source"], found["unit"]
    if source is not None and unit is None:
        found["unit"] = unit_model.objects.filter(pk=source.unit_id).first()
    elif source is not None and unit is not None and source.unit_id != unit.pk:
        errors["source"] = _("所选重大危险源不是该单元")
    return found


def _facts(kind: str, data: dict, errors: dict) -> dict:
    concerns = KIND_FACTS.get(kind, set()) | ({"oxygen_rich"} if kind in OXYGEN_KINDS else set())
    values = dict.fromkeys(FLAGS, False)
    values.update(hot_place="", height_m=None, height_hazards=[], load_t=None)
    for name in concerns & set(FLAGS):
        values[name] = flag(data.get(name), name, errors)
    if "hot_place" in concerns:
        values["hot_place"] = data.get("hot_place") or ""
        if values["hot_place"] not in HotPlace.values:
            errors["hot_place"] = _("请选择动火部位")
    if "height_hazards" in concerns:
        values["height_hazards"] = codes(
            data.get("height_hazards"), "height_hazards", HeightHazard.values, errors
        )
    for name, words, high, places in AMOUNTS:
        if name in concerns:
            values[name] = _amount(data.get(name), name, errors, words, high, places)
    return values


def _amount(value, name: str, errors: dict, words: str, high: Decimal, places: int):
    """A height or a load as a Decimal (the rules judge its size), or None with the error."""
    try:
        found = gb30871.number(value, name, words=words, low=Decimal(0), high=high)
    except gb30871.RuleError as error:
        errors[name] = str(error)
        return None
    if found.as_tuple().exponent < -places:
        errors[name] = _("%(w)s最多保留%(n)d位小数") % {"w": words, "n": places}
        return None
    return found


def _apply_rules(permit: Permit, errors: dict, now: datetime) -> None:
    """Grade, reasons, rest days and the end of validity from the permit's facts."""
    start, end = permit.planned_start, permit.planned_end
    if start is not None and "planned_start" not in errors:
        if start < now - EARLIEST_START:
            errors["planned_start"] = _("计划开始时间不能早于24小时前")
        elif start > now + LATEST_START:
            errors["planned_start"] = _("计划开始时间不能晚于一年后")
    days = []
    if permit.kind == Kind.HOT and start and end and end > start:
        try:
            days = rest_days(start, end)
        except workdays.CalendarNotCovered as error:
            errors["planned_start"] = error.messages[0]
        if gb30871.in_night(timezone.localtime(start)) or gb30871.in_night(timezone.localtime(end)):
            permit.night_work = True
    permit.rest_days = [day.isoformat() for day in days]
    facts = facts_of(permit, rest_days=tuple(days))
    try:
        grading = gb30871.grade(permit.kind, facts)
    except gb30871.RuleError as error:
        errors.setdefault(error.field, str(error))
        return
    permit.grade, permit.grade_reasons = grading.grade, list(grading.reasons)
    permit.edition = gb30871.EDITION
    if start and end and not {"planned_start", "planned_end"} & set(errors):
        try:
            permit.valid_until = gb30871.check_period(permit.kind, permit.grade, facts, start, end)
        except gb30871.RuleError as error:
            errors[error.field] = str(error)


def fill(permit: Permit, data: dict, errors: dict, *, now: datetime) -> Permit:
    """Set ``permit``'s fields from ``data`` (form or API values) and apply the rules."""
    kind = data.get("kind") or ""
    if kind not in Kind.values:
        errors["kind"] = _("请选择作业类别")
    permit.kind = kind
    for name, value in _facts(kind, data, errors).items():
        setattr(permit, name, value)
    where = _where(permit.enterprise_id, data, errors)
    permit.unit, permit.source = where["unit"], where["source"]
    permit.place = text(data.get("place"), "place", errors, limit=200, missing=_("请填写作业地点"))
    permit.content = text(
        data.get("content"), "content", errors, limit=2000, missing=_("请填写作业内容")
    )
    permit.guardian = text(
        data.get("guardian"), "guardian", errors, limit=40, missing=_("请填写监护人")
    )
    permit.workers = names(data.get("workers"), "workers", errors)
    permit.planned_start = moment(
        data.get("planned_start"), "planned_start", errors, words=_("计划开始时间")
    )
    permit.planned_end = moment(
        data.get("planned_end"), "planned_end", errors, words=_("计划结束时间")
    )
    if kind in Kind.values:
        _apply_rules(permit, errors, now)
    return permit


def permit_preview(data: dict, *, now: datetime | None = None) -> tuple[Permit, dict]:
    """What the facts entered make of a permit — grade, reasons, end of validity — unsaved,
    with the errors by field (the form's live 定级 box; nothing is written)."""
    permit, errors = Permit(), {}
    known = {k: v for k, v in data.items() if k in PERMIT_FIELDS and k not in ("unit", "source")}
    fill(permit, known, errors, now=now or timezone.now())
    return permit, errors


# --- creating and changing a draft ------------------------------------------------------------


@transaction.atomic
def permit_create(by, *, data: dict, now: datetime | None = None) -> Permit:
    """A new permit (申请) of ``data["enterprise"]`` — an enterprise user's is its own."""
    _require(by)
    now = now or timezone.now()
    data = writable(data, (*PERMIT_FIELDS, "enterprise"))
    enterprise = by.scope.enterprise_id or data.get("enterprise")
    if not str(getattr(enterprise, "pk", enterprise) or "").isdigit():
        raise ValidationError({"enterprise": _("请选择单位")})
    enterprise = enterprise_for_write(by, enterprise)
    errors: dict = {}
    permit = Permit(enterprise=enterprise, applicant=by, number=f"TMP{uuid.uuid4().hex[:20]}")
    permit.copy_enterprise_scope()
    fill(permit, data, errors, now=now)
    _raise(errors)
    permit.created_at = now
    permit.save()
    ensure_in_scope(by, permit, field="enterprise")
    permit.number = f"{PREFIXES[permit.kind]}{timezone.localdate(now):%Y%m%d}{permit.pk:06d}"
    Permit.objects.filter(pk=permit.pk).update(number=permit.number)
    PERMIT.record_event(
        permit,
        action="apply",
        by=by,
        reason=permit.grade_label,
        data={"grade": permit.grade, "reasons": permit.grade_reasons},
        at=now,
    )
    return permit


@transaction.atomic
def permit_update(
    by, *, permit_id: int, expected_version: int | None, data: dict, now: datetime | None = None
) -> Permit:
    """Change a draft (also one sent back by an approver); the grade is computed again."""
    _require(by)
    now = now or timezone.now()
    permit = permit_for_write(by, permit_id, expected_version)
    PERMIT.check_operation(by, "edit", permit)
    data = writable(data, PERMIT_FIELDS)
    current = {name: getattr(permit, name) for name in PERMIT_FIELDS}
    errors: dict = {}
    fill(permit, {**current, **data}, errors, now=now)
    _raise(errors)
    permit.version += 1
    permit.save()
    PERMIT.record_event(
        permit,
        action="edit",
        by=by,
        reason=permit.grade_label,
        data={"grade": permit.grade, "reasons": permit.grade_reasons},
        at=now,
    )
    return permit


# --- the transitions ------------------------------------------------------------------------


def _transition(
    by,
    *,
    permit_id: int,
    name: str,
    expected_version: int | None,
    now: datetime | None,
    values: dict | None = None,
    reason: str = "",
    data: dict | None = None,
    effects=(),
) -> Permit:
    _require(by)
    stamped = now is not None
    now = now or timezone.now()
    permit = permit_for_write(by, permit_id)
    permit.judged_at = now
    step = PERMIT.begin(by=by, obj=permit, name=name, expected_version=expected_version)
    if step.replay:
        return step.obj
    permit = PERMIT.commit(step, by=by, values=values, reason=reason, data=data, effects=effects)
    if stamped:  # the record carries the moment the caller said it happened
        PermitTransition.objects.filter(pk=permit.transitions.order_by("-id")[0].pk).update(at=now)
    return permit


def _reason(reason, errors_key: str = "reason", *, missing: str) -> str:
    errors: dict = {}
    found = text(reason, errors_key, errors, limit=500, missing=missing)
    _raise(errors)
    return found


@transaction.atomic
def permit_submit(
    by, *, permit_id: int, expected_version: int | None, now: datetime | None = None
) -> Permit:
    permit = _transition(
        by, permit_id=permit_id, name="submit", expected_version=expected_version, now=now
    )
    transaction.on_commit(lambda: notices.submitted(permit.pk, by_id=by.pk))
    return permit


@transaction.atomic
def permit_start(
    by, *, permit_id: int, expected_version: int | None, now: datetime | None = None
) -> Permit:
    at = now or timezone.now()
    return _transition(
        by,
        permit_id=permit_id,
        name="start",
        expected_version=expected_version,
        now=now,
        values={"started_at": at, "paused_at": None},
    )


@transaction.atomic
def permit_pause(
    by, *, permit_id: int, expected_version: int | None, reason: str, now: datetime | None = None
) -> Permit:
    reason = _reason(reason, missing=_("请填写暂停原因"))
    at = now or timezone.now()
    return _transition(
        by,
        permit_id=permit_id,
        name="pause",
        expected_version=expected_version,
        now=now,
        values={"paused_at": at},
        reason=reason,
    )


@transaction.atomic
def permit_resume(
    by, *, permit_id: int, expected_version: int | None, now: datetime | None = None
) -> Permit:
    at = now or timezone.now()
    permit = permit_for_write(by, permit_id)
    paused = int((at - permit.paused_at).total_seconds() // 60) if permit.paused_at else 0
    return _transition(
        by,
        permit_id=permit_id,
        name="resume",
        expected_version=expected_version,
        now=now,
        values={"paused_at": None},
        data={"paused_minutes": paused},
    )


@transaction.atomic
def permit_close(
    by, *, permit_id: int, expected_version: int | None, note: str = "", now=None
) -> Permit:
    errors: dict = {}
    note = text(note, "note", errors, limit=500)
    _raise(errors)
    at = now or timezone.now()
    return _transition(
        by,
        permit_id=permit_id,
        name="close",
        expected_version=expected_version,
        now=now,
        values={"ended_at": at, "paused_at": None},
        reason=note,
    )


@transaction.atomic
def permit_cancel(
    by, *, permit_id: int, expected_version: int | None, reason: str, now: datetime | None = None
) -> Permit:
    reason = _reason(reason, missing=_("请填写作废原因"))
    at = now or timezone.now()
    return _transition(
        by,
        permit_id=permit_id,
        name="cancel",
        expected_version=expected_version,
        now=now,
        values={"ended_at": at, "paused_at": None},
        reason=reason,
    )


@transaction.atomic
def progress_record(by, *, permit_id: int, note: str, now: datetime | None = None) -> Permit:
    """A line of the work record (作业记录) on a permit at work, within its validity."""
    _require(by)
    now = now or timezone.now()
    note = _reason(note, "note", missing=_("请填写作业记录"))
    permit = permit_for_write(by, permit_id)
    permit.judged_at = now
    PERMIT.check_operation(by, "progress", permit)
    PERMIT.record_event(permit, action="progress", by=by, reason=note, at=now)
    Permit.objects.filter(pk=permit.pk).update(updated_at=now)
    return permit


def version_bump(permit: Permit) -> None:
    """One more version of a permit held locked (a signature changes what it needs)."""
    Permit.objects.filter(pk=permit.pk).update(version=F("version") + 1)
    permit.version += 1
