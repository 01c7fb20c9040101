"""Every write of the reporting side of an accident: the quick report (快报), follow-ups
(续报), the levels of the chain, and the four reporting-failure flags. Pages, the API and
the demo call these; the investigation's writes are in ``investigation``.

- ``accident_report``: the quick report, graded (``grading``) and clocked (``clock``).
  Filing it here *is* the report to the county-level authority (the platform is the
  county's): the county step is informed at the moment of filing, and a filing more than
  an hour after the unit knew is flagged 迟报 by the clock. The steps above are due by the
  clock up to the level the grade requires. Idempotent on the form's one-time key.
- ``accident_follow_up``: new figures and what happened since; the grade is recomputed (a
  higher grade adds the levels it requires, a lower one keeps what was done), a figure
  that goes down needs its reason, and a change of casualties after the statutory window
  (30 days; road traffic and fire 7) is flagged on the report.
- ``accident_inform``: a level was informed (when, whom, how); after its time limit it is
  flagged 迟报 by the clock; the later levels' limits follow from the actual time.
- ``accident_flag`` / ``accident_flag_withdraw``: 迟报/漏报/谎报/瞒报 by an official with
  the reason; withdrawn with a reason, never deleted.

Each write is recorded on the accident's timeline; each report is also pushed to the
upper-level systems through the outbox (``direct_report``), after the commit.
"""

from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accidents import clock, direct_report, grading, notices
from anjian.accidents.choices import AccidentType, Category, FlagKind, Level, ReportKind
from anjian.accidents.lifecycle import ACCIDENT
from anjian.accidents.models import Accident, AccidentReport, ReportingFlag, ReportingStep
from anjian.accidents.selectors import accident_for_write
from anjian.accounts.roles import Role
from anjian.core.exceptions import Conflict, NotPermitted, OutOfScope, ValidationError
from anjian.enterprises.selectors import enterprise_for_write
from anjian.regions.choices import RegionLevel
from anjian.regions.levels import is_at_or_below
from anjian.regions.models import Region

FUTURE_TOLERANCE = timedelta(minutes=10)
FIGURES = ("deaths", "missing", "serious_injuries", "minor_injuries", "direct_loss")
FIGURE_LABELS = {
    "deaths": "死亡人数",
    "missing": "失踪人数",
    "serious_injuries": "重伤人数",
    "minor_injuries": "轻伤人数",
    "direct_loss": "直接经济损失",
}
TEXT_LIMITS = {"unit_name": 200, "place": 200, "summary": 4000, "measures_taken": 2000}
MAX_PEOPLE = 100_000
MAX_LOSS = 10**13  # CNY; anything larger is a typing error


def _figures(data: dict, errors: dict) -> dict[str, int]:
    """The five figures as whole numbers ≥ 0, or a Chinese error per bad field. Loss may be
    given in 元 with decimals (rounded to the 元)."""
    figures = {}
    for name in FIGURES:
        value = data.get(name, 0)
        label = FIGURE_LABELS[name]
        if value is None or value == "":
            value = 0
        if isinstance(value, bool):
            errors[name] = _("%(label)s须为数字") % {"label": label}
            continue
        try:
            number = Decimal(str(value).strip().replace(",", ""))
        except InvalidOperation:
            errors[name] = _("%(label)s须为数字，不能是“%(value)s”") % {
                "label": label,
                "value": str(value)[:20],
            }
            continue
        if not number.is_finite():
            errors[name] = _("%(label)s须为数字") % {"label": label}
            continue
        if number < 0:
            errors[name] = _("%(label)s不能为负数") % {"label": label}
            continue
        if name != "direct_loss" and number != number.to_integral_value():
            errors[name] = _("%(label)s须为整数") % {"label": label}
            continue
        number = int(number.to_integral_value())
        limit = MAX_LOSS if name == "direct_loss" else MAX_PEOPLE
        if number > limit:
            errors[name] = _("%(label)s超出合理范围，请核对") % {"label": label}
            continue
        figures[name] = number
    return figures


def _casualties(figures: dict[str, int]) -> grading.Casualties:
    return grading.Casualties(**figures)


def _region_for_write(by, region) -> Region:
    code = getattr(region, "pk", region)
    found = Region.objects.filter(pk=code).first() if code else None
    if found is None:
        raise ValidationError({"region": _("请选择事故发生地（街道/镇）")})
    if not by.scope.covers_region(found.code):
        raise OutOfScope(field="region")
    if not is_at_or_below(found.code, RegionLevel.STREET):
        raise ValidationError({"region": _("请选择事故发生的街道/镇，不能只选到区")})
    return found


def _text(data: dict, name: str, errors: dict, *, required: bool = True) -> str:
    value = (data.get(name) or "").strip()
    if required and not value:
        errors[name] = {
            "unit_name": _("请填写事故单位名称"),
            "place": _("请填写事故发生地点"),
            "summary": _("请填写事故简要经过"),
        }.get(name, _("此项必填"))
    elif len(value) > TEXT_LIMITS[name]:
        errors[name] = _("不能超过%(n)d字") % {"n": TEXT_LIMITS[name]}
    return value


def _times(occurred_at, known_at, now: datetime, errors: dict) -> None:
    if not isinstance(occurred_at, datetime):
        errors["occurred_at"] = _("请填写事故发生时间")
        return
    if timezone.is_naive(occurred_at):
        errors["occurred_at"] = _("发生时间须带时区")
    elif occurred_at > now + FUTURE_TOLERANCE:
        errors["occurred_at"] = _("事故发生时间不能晚于当前时间")
    if known_at is not None and isinstance(known_at, datetime) and "occurred_at" not in errors:
        if known_at < occurred_at:
            errors["known_at"] = _("单位负责人接报时间不能早于事故发生时间")
        elif known_at > now + FUTURE_TOLERANCE:
            errors["known_at"] = _("接报时间不能晚于当前时间")


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def accident_report(
    *,
    by,
    region=None,
    enterprise=None,
    unit_name: str = "",
    occurred_at: datetime | None = None,
    known_at: datetime | None = None,
    place: str = "",
    latitude=None,
    longitude=None,
    accident_type: str = "",
    category: str = "",
    larger_risk: bool = False,
    summary: str = "",
    measures_taken: str = "",
    report_token: UUID | None = None,
    synthetic: bool = False,
    now: datetime | None = None,
    **figures,
) -> Accident:
    """File the quick report (快报). ``figures``: deaths, missing, serious_injuries,
    minor_injuries, direct_loss (CNY). An enterprise user reports for their own unit."""
    if not by.can("accident.report"):
        raise NotPermitted()
    earlier = _reported_with(by, report_token)
    if earlier is not None:
        return earlier
    unknown = set(figures) - set(FIGURES)
    if unknown:
        raise ValidationError(
            _("不能填写的字段：%(f)s") % {"f": "、".join(sorted(unknown))}, code="unknown_fields"
        )
    now = now or timezone.now()
    errors: dict = {}
    data = {"unit_name": unit_name, "place": place, "summary": summary}
    data["measures_taken"] = measures_taken
    if by.role == Role.ENTERPRISE:
        own = by.scope.enterprise_id
        if own is None:
            raise NotPermitted(_("您的账号尚未关联单位，请联系管理员"))
        if enterprise not in (None, "") and int(getattr(enterprise, "pk", enterprise)) != own:
            raise OutOfScope(field="enterprise")
        enterprise = own
    if enterprise not in (None, ""):
        enterprise = enterprise_for_write(by, enterprise)
        if region in (None, ""):
            region = enterprise.street_id
        data["unit_name"] = data["unit_name"] or enterprise.name
    else:
        enterprise = None
        if by.scope.industry_ids is not None:
            raise ValidationError(
                {"enterprise": _("行业主管部门只能报告本行业登记单位的事故，请选择事故单位")}
            )
    if by.role == Role.ENTERPRISE:
        place_region = enterprise.street
    else:
        place_region = _region_for_write(by, region)
    values = _figures(figures, errors)
    _times(occurred_at, known_at, now, errors)
    if accident_type not in AccidentType.values:
        errors["accident_type"] = _("请选择事故类型（GB 6441）")
    if category not in Category.values:
        errors["category"] = _("请选择统计类别")
    texts = {name: _text(data, name, errors, required=name != "measures_taken") for name in data}
    _raise(errors)
    casualties = _casualties(values)
    grade = grading.grade_of(casualties)
    accident = Accident(
        region=place_region,
        # a unit's accident is scoped like the unit (down to its grid); others by the street
        region_code=(
            enterprise.scope_region_code
            if enterprise and enterprise.scope_region_code.startswith(place_region.code)
            else place_region.code
        ),
        enterprise=enterprise,
        industry_id=enterprise.industry_id if enterprise else None,
        occurred_at=occurred_at,
        known_at=known_at or occurred_at,
        latitude=latitude,
        longitude=longitude,
        accident_type=accident_type,
        category=category,
        larger_risk=bool(larger_risk),
        grade=grade,
        window_ends_at=clock.window_ends(occurred_at, category),
        reported_at=now,
        reported_by=by,
        report_token=report_token,
        synthetic=synthetic,
        number=f"TMP{now.timestamp():.6f}-{by.pk}",
        **texts,
        **values,
    )
    try:
        accident.full_clean(exclude=["number", "region", "enterprise", "reported_by"])
    except ValidationError as error:
        _raise(error.message_dict)
    try:
        with transaction.atomic():  # a savepoint: the loser of a race finds the winner
            accident.save()
    except IntegrityError:
        earlier = _reported_with(by, report_token)
        if earlier is None:
            raise
        return earlier
    accident.number = f"SG{timezone.localtime(occurred_at):%Y}{accident.pk:07d}"
    Accident.objects.filter(pk=accident.pk).update(number=accident.number)
    report = AccidentReport.objects.create(
        accident=accident,
        sequence=1,
        kind=ReportKind.QUICK,
        reported_at=now,
        reported_by=by,
        grade=grade,
        content=accident.summary,
        **values,
    )
    _place_steps(
        accident, informed={Level.COUNTY: now}, by=by, recipient=_county_recipient(accident)
    )
    ACCIDENT.record_event(
        accident,
        action="report",
        by=by,
        to_state=accident.state,
        data={"grade": grade, **values},
        at=now,
    )
    notices.reported(accident, by=by)
    direct_report.push(accident, report)
    return accident


def _reported_with(by, report_token: UUID | None) -> Accident | None:
    if report_token is None:
        return None
    return Accident.objects.filter(reported_by=by, report_token=report_token).first()


def _county_recipient(accident: Accident) -> str:
    district = Region.objects.filter(pk=accident.region_code[:6]).first()
    name = district.name if district else ""
    return _("%(district)s应急管理局（本平台接报）") % {"district": name}


def _place_steps(accident: Accident, *, informed=None, by=None, recipient: str = "") -> None:
    """Create or re-time the chain's steps for the accident's grade: the required levels
    exist, each not yet informed is due by the clock from the actual times; levels no longer
    required keep what was done. A step informed after its limit flags 迟报."""
    existing = {step.level: step for step in accident.steps.all()}
    informed_times = {level: step.informed_at for level, step in existing.items()}
    informed_times.update(informed or {})
    due = clock.due_times(accident.known_at, accident.grade, informed_times)
    for level in clock.CHAIN:
        step = existing.get(level)
        if level in due:
            if step is None:
                step = ReportingStep(accident=accident, level=level, due_at=due[level])
            if step.informed_at is None:
                step.due_at = due[level]
            step.required = True
            if level in (informed or {}) and step.informed_at is None:
                step.informed_at = informed[level]
                step.recorded_by = by
                step.recipient = recipient
                step.channel = step.channel or _("系统直报")
            step.save()
            existing[level] = step
        elif step is not None and step.required:
            step.required = False
            step.save(update_fields=["required"])
    for step in existing.values():
        if step.required and step.informed_at and step.informed_at > step.due_at:
            _clock_flag(accident, step)


def _clock_flag(accident: Accident, step: ReportingStep) -> None:
    """迟报 set by the clock (no person), once while an active one exists."""
    if accident.flags.filter(kind=FlagKind.LATE, withdrawn_at__isnull=True).exists():
        return
    late_by = step.informed_at - step.due_at
    minutes = int(late_by.total_seconds() // 60)
    ReportingFlag.objects.create(
        accident=accident,
        kind=FlagKind.LATE,
        set_by=None,
        reason=_("%(level)s报告时间%(at)s，超过时限%(due)s（晚%(h)d小时%(m)d分钟）")
        % {
            "level": step.get_level_display(),
            "at": f"{timezone.localtime(step.informed_at):%Y-%m-%d %H:%M}",
            "due": f"{timezone.localtime(step.due_at):%Y-%m-%d %H:%M}",
            "h": minutes // 60,
            "m": minutes % 60,
        },
    )
    ACCIDENT.record_event(
        accident, action="flag", data={"kind": FlagKind.LATE, "by": "clock", "level": step.level}
    )


@transaction.atomic
def accident_follow_up(
    *,
    by,
    accident_id: int,
    expected_version: int | None,
    content: str,
    reason: str = "",
    now: datetime | None = None,
    **figures,
) -> Accident:
    """A follow-up report (续报): the figures as they stand now and what happened since."""
    accident = accident_for_write(by, accident_id)
    ACCIDENT.check_operation(by, "follow_up", accident)
    if expected_version is not None and accident.version != expected_version:
        raise ACCIDENT.conflict(accident)
    unknown = set(figures) - set(FIGURES)
    if unknown:
        raise ValidationError(
            _("不能填写的字段：%(f)s") % {"f": "、".join(sorted(unknown))}, code="unknown_fields"
        )
    now = now or timezone.now()
    errors: dict = {}
    current = {name: getattr(accident, name) for name in FIGURES}
    values = _figures({**current, **figures}, errors)
    content = (content or "").strip()
    reason = (reason or "").strip()
    if not content:
        errors["content"] = _("请填写续报内容（事故进展、救援和善后情况）")
    elif len(content) > 4000:
        errors["content"] = _("不能超过%(n)d字") % {"n": 4000}
    if len(reason) > 500:
        errors["reason"] = _("不能超过%(n)d字") % {"n": 500}
    _raise(errors)
    lowered = [FIGURE_LABELS[n] for n in FIGURES if values[n] < current[n]]
    if lowered and not reason:
        raise ValidationError(
            {
                "reason": _("%(what)s比上次报告减少，须写明原因（如失踪人员已找到、核实重复统计）")
                % {"what": "、".join(lowered)}
            }
        )
    changed = values != current
    previous_grade = accident.grade
    grade = grading.grade_of(_casualties(values))
    sequence = accident.reports.count() + 1
    after_window = changed and now > accident.window_ends_at
    updated = Accident.objects.filter(pk=accident.pk, version=accident.version).update(
        grade=grade, version=F("version") + 1, updated_at=now, **values
    )
    if not updated:
        raise ACCIDENT.conflict(accident)
    for name, value in values.items():
        setattr(accident, name, value)
    accident.grade, accident.version = grade, accident.version + 1
    report = AccidentReport.objects.create(
        accident=accident,
        sequence=sequence,
        kind=ReportKind.FOLLOW_UP,
        reported_at=now,
        reported_by=by,
        grade=grade,
        previous_grade=previous_grade if grade != previous_grade else "",
        content=content,
        reason=reason,
        after_window=after_window,
        **values,
    )
    if grade != previous_grade:
        _place_steps(accident)
        notices.regraded(accident, by=by, previous=previous_grade, sequence=sequence)
    ACCIDENT.record_event(
        accident,
        action="follow_up",
        by=by,
        reason=reason,
        data={
            "sequence": sequence,
            "grade": grade,
            "previous_grade": previous_grade,
            "after_window": after_window,
            **values,
        },
        at=now,
    )
    direct_report.push(accident, report)
    return accident


@transaction.atomic
def accident_inform(
    *,
    by,
    accident_id: int,
    level: str,
    informed_at: datetime,
    recipient: str,
    channel: str = "",
    now: datetime | None = None,
) -> ReportingStep:
    """Record that ``level`` was informed at ``informed_at`` (whom, how)."""
    accident = accident_for_write(by, accident_id)
    ACCIDENT.check_operation(by, "inform", accident)
    now = now or timezone.now()
    errors: dict = {}
    if level not in Level.values:
        errors["level"] = _("请选择报告层级")
    if not isinstance(informed_at, datetime):
        errors["informed_at"] = _("请填写报告时间")
    elif informed_at > now + FUTURE_TOLERANCE:
        errors["informed_at"] = _("报告时间不能晚于当前时间")
    elif informed_at < accident.known_at:
        errors["informed_at"] = _("报告时间不能早于单位负责人接报时间")
    recipient = (recipient or "").strip()
    if not recipient:
        errors["recipient"] = _("请填写接报单位及接报人")
    elif len(recipient) > 120:
        errors["recipient"] = _("不能超过%(n)d字") % {"n": 120}
    channel = (channel or "").strip()[:40]
    _raise(errors)
    step = accident.steps.filter(level=level).first()
    if step is not None and step.informed_at is not None:
        raise Conflict(
            _("%(level)s已于%(at)s登记报告")
            % {
                "level": step.get_level_display(),
                "at": f"{timezone.localtime(step.informed_at):%Y-%m-%d %H:%M}",
            }
        )
    if step is None:  # a level above what the grade requires (越级或加报)
        step = ReportingStep.objects.create(
            accident=accident, level=level, required=False, due_at=informed_at
        )
    ReportingStep.objects.filter(pk=step.pk).update(
        informed_at=informed_at, recipient=recipient, channel=channel, recorded_by=by
    )
    _place_steps(accident)
    Accident.objects.filter(pk=accident.pk).update(version=F("version") + 1, updated_at=now)
    ACCIDENT.record_event(
        accident,
        action="inform",
        by=by,
        data={
            "level": level,
            "informed_at": informed_at.isoformat(),
            "recipient": recipient,
            "channel": channel,
        },
        at=now,
    )
    step.refresh_from_db()
    return step


@transaction.atomic
def accident_flag(*, by, accident_id: int, kind: str, reason: str) -> ReportingFlag:
    accident = accident_for_write(by, accident_id)
    ACCIDENT.check_operation(by, "flag", accident)
    reason = (reason or "").strip()
    errors = {}
    if kind not in FlagKind.values:
        errors["kind"] = _("请选择迟报、漏报、谎报或瞒报")
    if not reason:
        errors["reason"] = _("请写明认定理由和依据")
    elif len(reason) > 2000:
        errors["reason"] = _("不能超过%(n)d字") % {"n": 2000}
    _raise(errors)
    if accident.flags.filter(kind=kind, withdrawn_at__isnull=True).exists():
        raise Conflict(_("该事故已被认定为%(kind)s") % {"kind": FlagKind(kind).label})
    flag = ReportingFlag.objects.create(accident=accident, kind=kind, reason=reason, set_by=by)
    ACCIDENT.record_event(accident, action="flag", by=by, reason=reason, data={"kind": kind})
    return flag


@transaction.atomic
def accident_flag_withdraw(*, by, flag_id: int, reason: str) -> ReportingFlag:
    flag = ReportingFlag.objects.filter(pk=flag_id).select_related("accident").first()
    if flag is None:
        raise OutOfScope()
    accident = accident_for_write(by, flag.accident_id)
    ACCIDENT.check_operation(by, "flag", accident)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请写明撤销理由")})
    if len(reason) > 500:
        raise ValidationError({"reason": _("不能超过%(n)d字") % {"n": 500}})
    updated = ReportingFlag.objects.filter(pk=flag.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), withdrawn_by=by, withdrawn_reason=reason
    )
    if not updated:
        raise Conflict(_("该标记已被撤销"))
    ACCIDENT.record_event(accident, action="unflag", by=by, reason=reason, data={"kind": flag.kind})
    flag.refresh_from_db()
    return flag
