"""Every write of the investigation side of an accident (493号令 Ch. III–IV): the team,
its deadline and its one extension, days of technical appraisal, the report and its reply,
who was responsible, the rectification measures tracked to completion, the close, the
post-evaluation within a year of the reply, and voiding a record that was no accident.

- ``investigation_start`` (``investigate``): the team; who leads by grade (Art. 19: 一般 →
  the county, 较大 → the city, 重大 → the province, 特别重大 → the State Council); a
  一般 accident without casualties may be entrusted to the unit; the report is due
  ``ACCIDENT_INVESTIGATION_DAYS[grade]`` days after the accident.
- ``investigation_extend``: once, by at most as many days again (Art. 29), with a reason.
- ``investigation_update``: appraisal days (not counted, Art. 27), the report (submitted
  on, cause, nature, findings) and the reply (批复) date.
- ``responsibility_add``, ``measure_add``, ``measure_done``.
- ``accident_close`` (``close``): report submitted and replied, measures registered.
- ``accident_evaluate`` (``evaluate``): every measure done; due one year after the reply.
- ``accident_void`` (``void``): only a record still at the quick-report stage, with reason.
"""

from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accidents import clock
from anjian.accidents.choices import Grade, Level, MeasureState, Nature, Rating
from anjian.accidents.lifecycle import ACCIDENT
from anjian.accidents.models import (
    Accident,
    Investigation,
    PostEvaluation,
    RectificationMeasure,
    Responsibility,
)
from anjian.accidents.selectors import accident_for_write
from anjian.core.exceptions import Conflict, OutOfScope, ValidationError

LED_BY = {
    Grade.GENERAL: Level.COUNTY,
    Grade.LARGER: Level.CITY,
    Grade.MAJOR: Level.PROVINCE,
    Grade.EXTRAORDINARY: Level.STATE,
}
REPORT_FIELDS = {"appraisal_days", "submitted_on", "cause", "nature", "findings", "replied_on"}
TEXT_LIMITS = {"cause": 4000, "findings": 4000}


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _day(value, field: str, errors: dict, *, label: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors[field] = _("%(label)s须为日期，如 2026-03-01") % {"label": label}
        return None


def _has_casualties(accident: Accident) -> bool:
    return any(
        (accident.deaths, accident.missing, accident.serious_injuries, accident.minor_injuries)
    )


@transaction.atomic
def investigation_start(
    *,
    by,
    accident_id: int,
    expected_version: int | None,
    leader: str,
    members: str,
    started_on: date | None = None,
    entrusted_to_unit: bool = False,
) -> Accident:
    accident = accident_for_write(by, accident_id)
    step = ACCIDENT.begin(
        by=by, obj=accident, name="investigate", expected_version=expected_version
    )
    if step.replay:
        return step.obj
    errors: dict = {}
    leader, members = (leader or "").strip(), (members or "").strip()
    if not leader:
        errors["leader"] = _("请填写调查组组长")
    elif len(leader) > 60:
        errors["leader"] = _("不能超过%(n)d字") % {"n": 60}
    if not members:
        errors["members"] = _("请填写调查组成员（每行一人：姓名、单位、职务）")
    elif len(members) > 2000:
        errors["members"] = _("不能超过%(n)d字") % {"n": 2000}
    today = timezone.localdate()
    started_on = _day(started_on, "started_on", errors, label=_("成立日期")) or today
    occurred_on = timezone.localtime(accident.occurred_at).date()
    if "started_on" not in errors and not occurred_on <= started_on <= today:
        errors["started_on"] = _("成立日期须在事故发生之后、今天之前")
    if entrusted_to_unit and (accident.grade != Grade.GENERAL or _has_casualties(accident)):
        errors["entrusted_to_unit"] = _(
            "只有未造成人员伤亡的一般事故可以委托事故单位调查（条例第十九条）"
        )
    if entrusted_to_unit and not accident.enterprise_id:
        errors["entrusted_to_unit"] = _("没有登记事故单位，不能委托单位调查")
    _raise(errors)
    Investigation.objects.create(
        accident=accident,
        led_by=LED_BY[accident.grade],
        entrusted_to_unit=bool(entrusted_to_unit),
        leader=leader,
        members=members,
        started_on=started_on,
        due_on=clock.investigation_due(
            occurred_on, accident.grade, settings.ACCIDENT_INVESTIGATION_DAYS
        ),
    )
    return ACCIDENT.commit(step, by=by, data={"leader": leader, "led_by": LED_BY[accident.grade]})


def _investigation_for_write(by, accident_id: int, operation: str = "investigation"):
    accident = accident_for_write(by, accident_id)
    ACCIDENT.check_operation(by, operation, accident)
    investigation = Investigation.objects.select_for_update().filter(accident=accident).first()
    if investigation is None:
        raise Conflict(_("尚未成立调查组"))
    return accident, investigation


def _touch(accident: Accident) -> None:
    Accident.objects.filter(pk=accident.pk).update(
        version=F("version") + 1, updated_at=timezone.now()
    )


@transaction.atomic
def investigation_extend(*, by, accident_id: int, days, reason: str) -> Investigation:
    accident, investigation = _investigation_for_write(by, accident_id)
    limit = settings.ACCIDENT_INVESTIGATION_DAYS[accident.grade]
    errors: dict = {}
    try:
        days = int(days)
    except (TypeError, ValueError):
        errors["days"] = _("延长天数须为整数")
    else:
        if not 1 <= days <= limit:
            errors["days"] = _("延长天数须在1至%(n)d天之间（条例第二十九条）") % {"n": limit}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("请写明延期理由和批准机关")
    elif len(reason) > 500:
        errors["reason"] = _("不能超过%(n)d字") % {"n": 500}
    _raise(errors)
    if investigation.extension_days:
        raise Conflict(_("调查期限已延长过一次，不能再次延长"))
    investigation.extension_days = days
    investigation.extension_reason = reason
    investigation.due_on = _due(accident, investigation)
    investigation.version += 1
    investigation.save()
    _touch(accident)
    ACCIDENT.record_event(accident, action="extend", by=by, reason=reason, data={"days": days})
    return investigation


def _due(accident: Accident, investigation: Investigation) -> date:
    return clock.investigation_due(
        timezone.localtime(accident.occurred_at).date(),
        accident.grade,
        settings.ACCIDENT_INVESTIGATION_DAYS,
        extension_days=investigation.extension_days,
        appraisal_days=investigation.appraisal_days,
    )


@transaction.atomic
def investigation_update(
    *, by, accident_id: int, expected_version: int | None, data: dict
) -> Investigation:
    """Appraisal days, the report and the reply (any of them; the others stay)."""
    accident, investigation = _investigation_for_write(by, accident_id)
    if expected_version is not None and investigation.version != expected_version:
        raise Conflict(_("调查信息已被他人修改，请刷新后重试"))
    unknown = set(data) - REPORT_FIELDS
    if unknown:
        raise ValidationError(
            _("不能修改的字段：%(f)s") % {"f": "、".join(sorted(unknown))}, code="unknown_fields"
        )
    errors: dict = {}
    today = timezone.localdate()
    if "appraisal_days" in data:
        try:
            appraisal = int(data["appraisal_days"] or 0)
            if not 0 <= appraisal <= 365:
                raise ValueError
            investigation.appraisal_days = appraisal
        except (TypeError, ValueError):
            errors["appraisal_days"] = _("技术鉴定天数须为0至365的整数")
    for field, label in (("submitted_on", _("提交日期")), ("replied_on", _("批复日期"))):
        if field in data:
            setattr(investigation, field, _day(data[field], field, errors, label=label))
    for field in ("cause", "findings"):
        if field in data:
            text = (data[field] or "").strip()
            if len(text) > TEXT_LIMITS[field]:
                errors[field] = _("不能超过%(n)d字") % {"n": TEXT_LIMITS[field]}
            setattr(investigation, field, text)
    if "nature" in data:
        if data["nature"] not in ("", *Nature.values):
            errors["nature"] = _("请选择事故性质")
        investigation.nature = data["nature"] or ""
    submitted, replied = investigation.submitted_on, investigation.replied_on
    if submitted and "submitted_on" not in errors:
        if submitted < investigation.started_on or submitted > today:
            errors["submitted_on"] = _("提交日期须在调查组成立之后、今天之前")
        elif not investigation.cause or not investigation.nature:
            errors["cause" if not investigation.cause else "nature"] = _(
                "提交调查报告须填写事故原因和事故性质"
            )
    if replied and "replied_on" not in errors:
        if submitted is None:
            errors["replied_on"] = _("请先登记调查报告提交日期")
        elif replied < submitted or replied > today:
            errors["replied_on"] = _("批复日期须在报告提交之后、今天之前")
    _raise(errors)
    investigation.due_on = _due(accident, investigation)
    investigation.version += 1
    investigation.save()
    _touch(accident)
    ACCIDENT.record_event(
        accident,
        action="investigation",
        by=by,
        data={k: str(v) for k, v in data.items() if k not in ("cause", "findings")},
    )
    return investigation


@transaction.atomic
def responsibility_add(
    *, by, accident_id: int, party: str, finding: str, handling: str, is_person=True, fine=None
) -> Responsibility:
    accident, _investigation = _investigation_for_write(by, accident_id)
    errors: dict = {}
    values = {"party": party, "finding": finding, "handling": handling}
    limits = {"party": 120, "finding": 300, "handling": 500}
    for field, value in list(values.items()):
        values[field] = (value or "").strip()
        if not values[field]:
            errors[field] = _("此项必填")
        elif len(values[field]) > limits[field]:
            errors[field] = _("不能超过%(n)d字") % {"n": limits[field]}
    if fine not in (None, ""):
        try:
            fine = int(fine)
            if fine < 0:
                raise ValueError
        except (TypeError, ValueError):
            errors["fine"] = _("罚款须为不小于0的整数（元）")
    else:
        fine = None
    _raise(errors)
    found = Responsibility.objects.create(
        accident=accident, is_person=bool(is_person), fine=fine, **values
    )
    _touch(accident)
    ACCIDENT.record_event(accident, action="responsibility", by=by, data={"party": found.party})
    return found


@transaction.atomic
def measure_add(
    *, by, accident_id: int, description: str, responsible: str, due_on
) -> RectificationMeasure:
    accident, _investigation = _investigation_for_write(by, accident_id, "measure")
    errors: dict = {}
    description, responsible = (description or "").strip(), (responsible or "").strip()
    if not description:
        errors["description"] = _("请填写整改措施")
    elif len(description) > 1000:
        errors["description"] = _("不能超过%(n)d字") % {"n": 1000}
    if not responsible:
        errors["responsible"] = _("请填写责任单位")
    elif len(responsible) > 120:
        errors["responsible"] = _("不能超过%(n)d字") % {"n": 120}
    due = _day(due_on, "due_on", errors, label=_("完成期限"))
    if due is None and "due_on" not in errors:
        errors["due_on"] = _("请填写完成期限")
    _raise(errors)
    measure = RectificationMeasure.objects.create(
        accident=accident, description=description, responsible=responsible, due_on=due
    )
    _touch(accident)
    ACCIDENT.record_event(accident, action="measure", by=by, data={"measure": measure.pk})
    return measure


@transaction.atomic
def measure_done(*, by, measure_id: int, done_on, done_note: str) -> RectificationMeasure:
    measure = RectificationMeasure.objects.filter(pk=measure_id).first()
    if measure is None:
        raise OutOfScope()
    accident = accident_for_write(by, measure.accident_id)
    ACCIDENT.check_operation(by, "measure", accident)
    errors: dict = {}
    done = _day(done_on, "done_on", errors, label=_("完成日期")) or timezone.localdate()
    if done > timezone.localdate():
        errors["done_on"] = _("完成日期不能晚于今天")
    done_note = (done_note or "").strip()
    if not done_note:
        errors["done_note"] = _("请填写落实情况")
    elif len(done_note) > 1000:
        errors["done_note"] = _("不能超过%(n)d字") % {"n": 1000}
    _raise(errors)
    updated = RectificationMeasure.objects.filter(pk=measure.pk, state=MeasureState.OPEN).update(
        state=MeasureState.DONE,
        done_on=done,
        done_note=done_note,
        done_by=by,
        version=F("version") + 1,
    )
    if not updated:
        raise Conflict(_("该措施已登记落实"))
    _touch(accident)
    ACCIDENT.record_event(accident, action="measure_done", by=by, data={"measure": measure.pk})
    measure.refresh_from_db()
    return measure


@transaction.atomic
def accident_close(*, by, accident_id: int, expected_version: int | None) -> Accident:
    accident = accident_for_write(by, accident_id)
    step = ACCIDENT.begin(by=by, obj=accident, name="close", expected_version=expected_version)
    if step.replay:
        return step.obj
    return ACCIDENT.commit(step, by=by)


@transaction.atomic
def accident_evaluate(
    *,
    by,
    accident_id: int,
    expected_version: int | None,
    rating: str,
    conclusion: str,
    evaluated_on=None,
) -> Accident:
    accident = accident_for_write(by, accident_id)
    step = ACCIDENT.begin(by=by, obj=accident, name="evaluate", expected_version=expected_version)
    if step.replay:
        return step.obj
    errors: dict = {}
    if rating not in Rating.values:
        errors["rating"] = _("请选择评估结论")
    conclusion = (conclusion or "").strip()
    if not conclusion:
        errors["conclusion"] = _("请填写评估意见")
    elif len(conclusion) > 2000:
        errors["conclusion"] = _("不能超过%(n)d字") % {"n": 2000}
    day = _day(evaluated_on, "evaluated_on", errors, label=_("评估日期")) or timezone.localdate()
    replied = accident.investigation.replied_on
    if "evaluated_on" not in errors and (day < replied or day > timezone.localdate()):
        errors["evaluated_on"] = _("评估日期须在批复之后、今天之前")
    _raise(errors)
    PostEvaluation.objects.create(
        accident=accident,
        due_on=clock.evaluation_due(replied),
        evaluated_on=day,
        rating=rating,
        conclusion=conclusion,
        evaluated_by=by,
    )
    return ACCIDENT.commit(step, by=by, data={"rating": rating})


@transaction.atomic
def accident_void(*, by, accident_id: int, expected_version: int | None, reason: str) -> Accident:
    accident = accident_for_write(by, accident_id)
    step = ACCIDENT.begin(by=by, obj=accident, name="void", expected_version=expected_version)
    if step.replay:
        return step.obj
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请写明作废理由（误报、经核实不属于生产安全事故等）")})
    if len(reason) > 2000:
        raise ValidationError({"reason": _("不能超过%(n)d字") % {"n": 2000}})
    return ACCIDENT.commit(step, by=by, reason=reason)
