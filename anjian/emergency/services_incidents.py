"""Every write of an incident (突发事件) but dispatch (``dispatch``): open, respond, level,
plan activation, the command log, tasks, close, the after-action review, void.

- ``incident_open``: by hand, from an accident or from an alarm (their place, time and
  unit copied); idempotent on the form's one-time key; numbered SJ + year + serial; the
  first command-log line written; the district's commanders told after the commit.
- ``incident_respond`` / ``incident_close`` / ``incident_review`` / ``incident_void``: the
  transitions of ``lifecycle.INCIDENT`` (close needs every assignment released or
  cancelled and ends the running plan activations; review needs the after-action review).
- ``incident_set_level``, ``incident_activate``, ``incident_log``, ``incident_task_add``,
  ``incident_task_done``, ``incident_after_action``: operations, each with its log line.

Every write reads the incident through the user's scope and locks it first. Each log line
a service writes names the records it stands for (``data["refs"]``), so the timeline
(``selectors_incidents.timeline``) shows each fact once.
"""

from datetime import date, datetime, timedelta
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.accidents.models import AccidentState
from anjian.core.exceptions import Conflict, NotPermitted, OutOfScope, ValidationError
from anjian.core.scoping import ensure_in_scope
from anjian.emergency import checks
from anjian.emergency import notices_incidents as notices
from anjian.emergency import permissions as perms
from anjian.emergency.choices import (
    IncidentLevel,
    IncidentSource,
    IncidentType,
    LogKind,
    ResponseLevel,
    TaskSource,
    TaskState,
)
from anjian.emergency.lifecycle import INCIDENT
from anjian.emergency.models import (
    IN_FORCE_STATES,
    AfterActionReview,
    CommandLogEntry,
    Incident,
    IncidentState,
    IncidentTask,
    PlanActivation,
)
from anjian.emergency.selectors_incidents import (
    incident_for_write,
    opening_values,
    plans_within_reach,
)

FUTURE_TOLERANCE = timedelta(minutes=10)
OPEN_FIELDS = (
    *("incident_type", "subtype", "title", "place", "summary", "occurred_at"),
    *("region", "region_id", "enterprise", "enterprise_id", "latitude", "longitude"),
)
REQUIRED_TEXT = {"title": gettext_lazy("请填写事件名称"), "place": gettext_lazy("请填写发生地点")}
REQUIRED_TEXT["summary"] = gettext_lazy("请填写事件概况")
PLACE_MISSING = gettext_lazy("请在地图上标出事发位置（%(label)s）")


# --- small helpers ----------------------------------------------------------------------------


def _when(value, field: str, errors: dict, *, now: datetime, label: str) -> datetime | None:
    if not isinstance(value, datetime):
        errors[field] = _("请填写%(label)s") % {"label": label}
        return None
    if timezone.is_naive(value):
        errors[field] = _("%(label)s须带时区") % {"label": label}
        return None
    if value > now + FUTURE_TOLERANCE:
        errors[field] = _("%(label)s不能晚于当前时间") % {"label": label}
        return None
    return value


def _local(at: datetime) -> str:
    return f"{timezone.localtime(at):%Y-%m-%d %H:%M}"


def write_log(incident: Incident, by, kind: str, text: str, event="", **link) -> CommandLogEntry:
    """A command-log line a service writes about what it did: ``event`` names it for the
    timeline; ``link``: ``about`` (incident, activation, task or assignment), ``refs`` (the
    records it stands for: ``selectors_incidents.timeline``) and ``at``."""
    data = {"event": event, "about": link.get("about", "incident"), "refs": [*link.get("refs", ())]}
    at = link.get("at") or timezone.now()
    return CommandLogEntry.objects.create(
        incident=incident, by=by, kind=kind, text=text[:4000], at=at, data=data if event else {}
    )


def _record(incident: Incident, *, by, action: str, reason: str = "", data=None) -> str:
    """An event on the incident's record; its timeline key."""
    record = INCIDENT.record_event(incident, action=action, by=by, reason=reason, data=data)
    return f"incident:{record.pk}"


def _last_record_ref(incident: Incident) -> str:
    return f"incident:{INCIDENT.last_record(incident).pk}"


# --- open -------------------------------------------------------------------------------------


@transaction.atomic
def incident_open(
    by,
    *,
    data: dict,
    accident_id: int | None = None,
    alarm_id: int | None = None,
    token: UUID | None = None,
    synthetic: bool = False,
    now: datetime | None = None,
) -> Incident:
    """Open an incident: by hand (``data``: incident_type, title, place, latitude,
    longitude, region — a street or a grid —, occurred_at, summary, optional subtype and
    enterprise), from an accident (``accident_id``: its place, time, coordinates, unit and
    summary; type 事故灾难) or from an alarm (``alarm_id``: its device's or unit's place).
    The same ``token`` sent again by the same user returns the first incident."""
    if not by.can(perms.INCIDENT_OPEN):
        raise NotPermitted()
    earlier = _opened_with(by, token)
    if earlier is not None:
        return earlier
    data = dict(data or {})
    unknown = set(data) - set(OPEN_FIELDS)
    if unknown:
        raise ValidationError(
            _("不能填写的字段：%(f)s") % {"f": "、".join(sorted(unknown))}, code="unknown_fields"
        )
    if accident_id is not None and alarm_id is not None:
        raise ValidationError({"alarm_id": _("事件只能来自一起事故或一条报警")})
    now = now or timezone.now()
    # the accident or alarm read through the scope and locked: one incident from each
    values = opening_values(by, data=data, accident_id=accident_id, alarm_id=alarm_id, lock=True)
    if values.get("accident") and values["accident"].state == AccidentState.VOIDED:
        raise ValidationError({"accident_id": _("该事故报告已作废，不能转为突发事件")})
    elif values["source"] != IncidentSource.MANUAL:
        _not_opened_yet(accident=values.get("accident"), alarm=values.get("alarm"))
    errors: dict = {}
    values["occurred_at"] = _when(
        values["occurred_at"], "occurred_at", errors, now=now, label=_("发生时间")
    )
    for field, limit in (("title", 200), ("place", 200), ("summary", 4000), ("subtype", 60)):
        values[field] = checks.text(
            values.get(field), field, errors, limit=limit, missing=REQUIRED_TEXT.get(field)
        )
    if values["incident_type"] not in IncidentType.values:
        errors["incident_type"] = _("请选择事件类型（自然灾害、事故灾难、公共卫生、社会安全）")
    for field in ("latitude", "longitude"):
        values[field] = checks.coordinate(values.get(field), field, errors, missing=PLACE_MISSING)
    checks.raise_errors(errors)
    number = f"TMP{now.timestamp():.6f}-{by.pk}"
    values.update(reported_at=now, reported_by=by, open_token=token, synthetic=synthetic)
    incident = Incident(**values, number=number)
    try:
        with transaction.atomic():  # a savepoint: the loser of a race finds the winner
            incident.save()
    except IntegrityError:
        earlier = _opened_with(by, token)
        if earlier is None:
            raise
        return earlier
    incident.number = f"SJ{timezone.localtime(incident.occurred_at):%Y}{incident.pk:06d}"
    Incident.objects.filter(pk=incident.pk).update(number=incident.number)
    ensure_in_scope(by, incident, field="region")  # nobody opens one they could not see
    ref = _record(
        incident, by=by, action="open", data={"source": incident.source, "number": incident.number}
    )
    text = _("接报：%(title)s。%(at)s，%(place)s。%(summary)s") % {
        "title": incident.title,
        "at": _local(incident.occurred_at),
        "place": incident.place,
        "summary": incident.summary,
    }
    write_log(incident, by, LogKind.SITUATION, text, "open", refs=[ref], at=now)
    transaction.on_commit(lambda: notices.opened(incident, by=by))
    return incident


def _opened_with(by, token: UUID | None) -> Incident | None:
    if token is None:
        return None
    return Incident.objects.filter(reported_by=by, open_token=token).first()


def _not_opened_yet(**source) -> None:
    source = {name: value for name, value in source.items() if value is not None}
    existing = Incident.objects.filter(**source).exclude(state=IncidentState.VOIDED).first()
    if existing is not None:
        raise Conflict(
            _("已据此登记突发事件%(number)s，请在该事件中继续处置") % {"number": existing.number}
        )


# --- the transitions --------------------------------------------------------------------------


@transaction.atomic
def incident_respond(
    by,
    *,
    incident_id: int,
    expected_version: int | None,
    level: str,
    lead_organisation: str,
    commander: str,
    commander_phone: str = "",
) -> Incident:
    """启动响应: the incident's level, who leads and who commands on site."""
    incident = incident_for_write(by, incident_id)
    step = INCIDENT.begin(by=by, obj=incident, name="respond", expected_version=expected_version)
    if step.replay:
        return step.obj
    errors: dict = {}
    if level not in IncidentLevel.values:
        errors["level"] = _("请选择事件级别（Ⅰ—Ⅳ级）")
    lead = checks.text(
        lead_organisation, "lead_organisation", errors, limit=120, missing=_("请填写牵头处置单位")
    )
    chief = checks.text(commander, "commander", errors, limit=60, missing=_("请填写现场总指挥"))
    phone = checks.text(commander_phone, "commander_phone", errors, limit=40)
    checks.raise_errors(errors)
    values = {"level": level, "lead_organisation": lead, "commander": chief}
    values.update(commander_phone=phone, responding_since=timezone.now())
    INCIDENT.commit(step, by=by, values=values, data={"level": level})
    text = _("启动响应：%(level)s，牵头处置单位%(lead)s，现场总指挥%(chief)s%(phone)s") % {
        "level": IncidentLevel(level).label,
        "lead": lead,
        "chief": chief,
        "phone": f"（{phone}）" if phone else "",
    }
    write_log(incident, by, LogKind.DECISION, text, "respond", refs=[_last_record_ref(incident)])
    return incident


@transaction.atomic
def incident_set_level(
    by, *, incident_id: int, expected_version: int | None, level: str, reason: str
) -> Incident:
    """升级或降级 while responding, with the reason."""
    incident = incident_for_write(by, incident_id)
    INCIDENT.check_operation(by, "level", incident)
    if expected_version is not None and incident.version != expected_version:
        raise INCIDENT.conflict(incident)
    errors: dict = {}
    if level not in IncidentLevel.values:
        errors["level"] = _("请选择事件级别（Ⅰ—Ⅳ级）")
    elif level == incident.level:
        errors["level"] = _("事件已是%(level)s") % {"level": IncidentLevel(level).label}
    reason = checks.text(reason, "reason", errors, limit=2000, missing=_("请写明调整级别的理由"))
    checks.raise_errors(errors)
    before = incident.level
    updated = Incident.objects.filter(pk=incident.pk, version=incident.version).update(
        level=level, version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise INCIDENT.conflict(incident)
    incident.level, incident.version = level, incident.version + 1
    ref = _record(
        incident, by=by, action="level", reason=reason, data={"from": before, "to": level}
    )
    text = _("事件级别由%(before)s调整为%(after)s。理由：%(reason)s") % {
        "before": IncidentLevel(before).label if before else _("未定级"),
        "after": IncidentLevel(level).label,
        "reason": reason,
    }
    write_log(incident, by, LogKind.DECISION, text, "level", refs=[ref])
    return incident


@transaction.atomic
def incident_close(
    by, *, incident_id: int, expected_version: int | None, reason: str = ""
) -> Incident:
    """结束响应: every assignment released or cancelled (the lifecycle's condition); the
    plan activations still running end now."""
    incident = incident_for_write(by, incident_id)
    step = INCIDENT.begin(by=by, obj=incident, name="close", expected_version=expected_version)
    if step.replay:
        return step.obj
    errors: dict = {}
    reason = checks.text(reason, "reason", errors, limit=2000)
    checks.raise_errors(errors)
    now = timezone.now()
    INCIDENT.commit(step, by=by, values={"closed_at": now}, reason=reason)
    refs = [_last_record_ref(incident), *_end_activations(incident, now)]
    text = _("结束响应。%(reason)s") % {"reason": reason} if reason else _("结束响应。")
    write_log(incident, by, LogKind.DECISION, text, "close", refs=refs)
    return incident


def _end_activations(incident: Incident, now: datetime, **match) -> list[str]:
    running = PlanActivation.objects.filter(incident=incident, ended_at__isnull=True, **match)
    ended = [f"activation_end:{pk}" for pk in running.values_list("pk", flat=True)]
    running.update(ended_at=now)
    return ended


@transaction.atomic
def incident_review(by, *, incident_id: int, expected_version: int | None) -> Incident:
    """完成复盘: the after-action review is recorded (the lifecycle's condition)."""
    incident = incident_for_write(by, incident_id)
    step = INCIDENT.begin(by=by, obj=incident, name="review", expected_version=expected_version)
    if step.replay:
        return step.obj
    return INCIDENT.commit(step, by=by)


@transaction.atomic
def incident_void(by, *, incident_id: int, expected_version: int | None, reason: str) -> Incident:
    """作废 (误报、重复登记) before the response, with the reason; nothing sent may still be
    out; running activations end and open tasks are cancelled."""
    incident = incident_for_write(by, incident_id)
    step = INCIDENT.begin(by=by, obj=incident, name="void", expected_version=expected_version)
    if step.replay:
        return step.obj
    errors: dict = {}
    reason = checks.text(reason, "reason", errors, limit=2000, missing=_("请写明作废理由"))
    checks.raise_errors(errors)
    out = incident.assignments.filter(state__in=("dispatched", "en_route", "on_scene")).count()
    if out:
        raise Conflict(
            _("还有%(count)d项调派未撤离或取消，不能作废") % {"count": out},
            state=incident.state,
            state_label=INCIDENT.state_label(incident),
        )
    now = timezone.now()
    INCIDENT.commit(step, by=by, reason=reason)
    _end_activations(incident, now)
    incident.tasks.filter(state=TaskState.OPEN).update(
        state=TaskState.CANCELLED, version=F("version") + 1
    )
    return incident


# --- plan activation --------------------------------------------------------------------------


@transaction.atomic
def incident_activate(by, *, incident_id: int, plan_id: int, level: str) -> PlanActivation:
    """启动预案 at ``level``: one task per task the plan lists for that level, due
    ``due_minutes`` after now. The same plan running at another level ends first (a change
    of response level); at the same level it is refused (its tasks exist)."""
    incident = incident_for_write(by, incident_id)
    INCIDENT.check_operation(by, "activate", incident)
    plan = _plan_to_start(by, incident, plan_id, level)
    now = timezone.now()
    refs = _end_activations(incident, now, plan=plan)
    activation = PlanActivation.objects.create(
        incident=incident, plan=plan, level=level, activated_at=now, activated_by=by
    )
    rows = plan.tasks.filter(level=level).order_by("sort_order", "id")
    created = IncidentTask.objects.bulk_create(
        IncidentTask(
            incident=incident,
            activation=activation,
            source=TaskSource.PLAN,
            title=row.title,
            responsible=row.responsible,
            due_at=None if row.due_minutes is None else now + timedelta(minutes=row.due_minutes),
            created_at=now,
        )
        for row in rows
    )
    data = {"plan": plan.pk, "level": level, "tasks": len(created)}
    refs += [f"activation:{activation.pk}", _record(incident, by=by, action="activate", data=data)]
    refs += [f"task:{task.pk}" for task in created]
    text = _("启动预案《%(plan)s》%(level)s，生成%(n)d项响应任务") % {
        "plan": plan.title,
        "level": ResponseLevel(level).label,
        "n": len(created),
    }
    write_log(
        incident, by, LogKind.ACTIVATION, text, "activate", about="activation", refs=refs, at=now
    )
    return activation


def _plan_to_start(by, incident: Incident, plan_id, level: str):
    """The plan, if it may be started at ``level`` now: within reach (else OutOfScope), in
    force, defining the level, and not already running at it."""
    if level not in ResponseLevel.values:
        raise ValidationError({"level": _("请选择响应级别（Ⅰ—Ⅳ级响应）")})
    plan = plans_within_reach(by, incident).filter(pk=plan_id).first()
    if plan is None:
        raise OutOfScope(field="plan")
    names = {"plan": plan.title, "level": ResponseLevel(level).label}
    if plan.state not in IN_FORCE_STATES:
        message = _("预案《%(plan)s》当前为“%(state)s”，只能启动已发布且现行有效的预案")
        raise ValidationError({"plan": message % {**names, "state": plan.get_state_display()}})
    defined = [str(row.get_level_display()) for row in plan.levels.order_by("level")]
    if ResponseLevel(level).label not in defined:
        message = _("预案《%(plan)s》没有规定%(level)s，只规定了：%(defined)s")
        raise ValidationError(
            {"level": message % {**names, "defined": "、".join(defined) or _("（无）")}}
        )
    same = (
        PlanActivation.objects.filter(incident=incident, plan=plan, level=level)
        .filter(ended_at__isnull=True)
        .select_related("activated_by")
        .first()
    )
    if same is not None:
        who = same.activated_by.name or same.activated_by.username
        raise Conflict(
            _("预案《%(plan)s》%(level)s已于%(at)s由%(who)s启动，不能重复启动")
            % {**names, "at": _local(same.activated_at), "who": who}
        )
    return plan


# --- the command log and tasks ----------------------------------------------------------------


@transaction.atomic
def incident_log(by, *, incident_id: int, kind: str, text: str) -> CommandLogEntry:
    """One line of the command log under ``by``: a decision, an instruction, a report, what
    is seen on site. Never edited: a correction is a new line."""
    incident = incident_for_write(by, incident_id)
    INCIDENT.check_operation(by, "log", incident)
    errors: dict = {}
    if kind not in LogKind.values:
        errors["kind"] = _("请选择日志类别")
    text = checks.text(text, "text", errors, limit=4000, missing=_("请填写日志内容"))
    checks.raise_errors(errors)
    return CommandLogEntry.objects.create(incident=incident, by=by, kind=kind, text=text)


def _task_values(title, responsible, due_at, errors: dict, *, field: str = "") -> dict:
    """A task's title, who is responsible and its time limit (``field``: the errors'
    prefix, for a lesson of the review)."""
    values = {
        "title": checks.text(title, f"{field}title", errors, limit=200, missing=_("请填写任务")),
        "responsible": checks.text(responsible, f"{field}responsible", errors, limit=120),
        "due_at": None if due_at in (None, "") else due_at,
    }
    if not values["responsible"] and f"{field}responsible" not in errors:
        errors[f"{field}responsible"] = _("请填写责任岗位或单位")
    if values["due_at"] and (not isinstance(due_at, datetime) or timezone.is_naive(due_at)):
        errors[f"{field}due_at"] = _("完成时限须为带时区的日期时间")
    return values


@transaction.atomic
def incident_task_add(
    by, *, incident_id: int, title: str, responsible: str, due_at: datetime | None = None
) -> IncidentTask:
    """指派任务 by the command post."""
    incident = incident_for_write(by, incident_id)
    INCIDENT.check_operation(by, "task", incident)
    errors: dict = {}
    values = _task_values(title, responsible, due_at, errors)
    if values["due_at"] and values["due_at"] < incident.occurred_at:
        errors["due_at"] = _("完成时限不能早于事件发生时间")
    checks.raise_errors(errors)
    task = IncidentTask.objects.create(incident=incident, source=TaskSource.MANUAL, **values)
    ref = _record(incident, by=by, action="task", data={"task": task.pk})
    due = _("，时限%(due)s") % {"due": _local(task.due_at)} if task.due_at else ""
    text = _("指派任务：%(title)s（%(who)s%(due)s）") % {
        "title": task.title,
        "who": task.responsible,
        "due": due,
    }
    write_log(incident, by, LogKind.TASK, text, "task", about="task", refs=[ref, f"task:{task.pk}"])
    return task


@transaction.atomic
def incident_task_done(
    by, *, task_id: int, expected_version: int | None, note: str = ""
) -> IncidentTask:
    """任务完成, compare-and-set on the task's version."""
    found = IncidentTask.objects.filter(pk=task_id).values_list("incident_id", flat=True).first()
    if found is None:
        raise OutOfScope()
    incident = incident_for_write(by, found)
    INCIDENT.check_operation(by, "task", incident)
    task = IncidentTask.objects.select_for_update().get(pk=task_id)
    errors: dict = {}
    note = checks.text(note, "note", errors, limit=500)
    checks.raise_errors(errors)
    if task.state != TaskState.OPEN:
        raise Conflict(
            _("该任务当前为“%(state)s”，不能再登记完成") % {"state": task.get_state_display()}
        )
    now = timezone.now()
    match = {"pk": task.pk, "state": TaskState.OPEN}
    if expected_version is not None:
        match["version"] = expected_version
    updated = IncidentTask.objects.filter(**match).update(
        state=TaskState.DONE, done_at=now, done_by=by, note=note, version=F("version") + 1
    )
    if not updated:
        raise Conflict()
    task.refresh_from_db()
    ref = _record(incident, by=by, action="task_done", data={"task": task.pk})
    text = _("任务完成：%(title)s") % {"title": task.title}
    if note:
        text = f"{text}。{note}"
    refs = [ref, f"task_done:{task.pk}"]
    write_log(incident, by, LogKind.TASK, text, "task_done", about="task", refs=refs, at=now)
    return task


# --- after the response -----------------------------------------------------------------------


@transaction.atomic
def incident_after_action(
    by,
    *,
    incident_id: int,
    summary: str,
    went_well: str,
    problems: str,
    reviewed_on: date,
    lessons=(),
) -> AfterActionReview:
    """复盘评估 of a closed incident; each lesson ({title, responsible, due_at}) becomes a
    复盘整改 task."""
    incident = incident_for_write(by, incident_id)
    INCIDENT.check_operation(by, "after_action", incident)
    if AfterActionReview.objects.filter(incident=incident).exists():
        raise Conflict(_("该事件已登记复盘评估"))
    errors: dict = {}
    summary = checks.text(summary, "summary", errors, limit=4000, missing=_("请填写处置总结"))
    went_well = checks.text(went_well, "went_well", errors, limit=4000)
    problems = checks.text(problems, "problems", errors, limit=4000)
    today = timezone.localdate()
    if not isinstance(reviewed_on, date) or isinstance(reviewed_on, datetime):
        errors["reviewed_on"] = _("请填写复盘日期")
    elif reviewed_on > today:
        errors["reviewed_on"] = _("复盘日期不能晚于今天")
    elif incident.closed_at and reviewed_on < timezone.localdate(incident.closed_at):
        errors["reviewed_on"] = _("复盘日期不能早于响应结束日期")
    rows = []
    for number, lesson in enumerate(lessons or (), start=1):
        lesson = lesson if isinstance(lesson, dict) else {}
        given = (lesson.get(name) for name in ("title", "responsible", "due_at"))
        rows.append(_task_values(*given, errors, field=f"lessons.{number}."))
    checks.raise_errors(errors)
    texts = {"summary": summary, "went_well": went_well, "problems": problems}
    review = AfterActionReview.objects.create(
        incident=incident, reviewed_on=reviewed_on, by=by, **texts
    )
    created = IncidentTask.objects.bulk_create(
        [IncidentTask(incident=incident, source=TaskSource.REVIEW, **row) for row in rows]
    )
    ref = _record(incident, by=by, action="after_action", data={"lessons": len(created)})
    text = _("登记复盘评估：%(summary)s（整改任务%(n)d项）") % {
        "summary": summary[:200],
        "n": len(created),
    }
    refs = [ref, *(f"task:{task.pk}" for task in created)]
    write_log(incident, by, LogKind.OTHER, text, "after_action", refs=refs)
    return review
