"""Every write of 包保责任 (应急厅〔2021〕12号, RULES.md §14): naming a source's holders,
ending a term, recording a holder's check, and setting how often each role checks.

- ``duty_assign``: names the holder of one role from ``since`` (not in the future, not
  before the current holder's start); the current holder's term ends that day (the handover
  day belongs to both). ``replaces`` is the holder the writer saw (None: nobody): anything
  else is a conflict, so two people naming a holder at once do not both win. A platform
  account, when given, must be an active account of the source's enterprise; its owner is
  told after the commit (``notices_duties``).
- ``duty_end``: a term ends on ``until`` (not before its start or its last check, not in the
  future) with the reason; the role has no holder until someone is named.
- ``check_record``: a check made by one of the source's holders (the current one or an
  earlier one) on a day of their term and not in the future, entered by them or by someone
  else for them (``recorded_by`` says who); findings required, hazards found 0 or more. The
  same check sent twice by the same person is recorded once. ``checks_record``: several of
  one source at once, all or none (the demo; a paper record entered in one go).
- ``duty_rule_set``: a role's frequency, city-wide (``dutyrule.manage`` and a scope covering
  the deployment): a new ``DutyRule`` row at the next version, nothing overwritten.

Holders and checks are written by ``chemunit.manage`` holders for sources in their scope (an
enterprise for its own; an official for the enterprises in scope, entering a paper record);
a closed (核销) source takes none. Every write holds the source's row lock.
"""

import re
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.core.exceptions import Conflict, NotPermitted, OutOfScope, ValidationError
from anjian.core.scoping import require_city_wide
from anjian.hazchem import notices_duties
from anjian.hazchem import permissions as perms
from anjian.hazchem.choices import DutyRole
from anjian.hazchem.duty_periods import MOST_CHECKS, DutyPeriod
from anjian.hazchem.models import DutyCheck, DutyRule, SourceDuty
from anjian.hazchem.selectors_duties import rules_in_force, source_for_write

PHONE = re.compile(r"[0-9+\-() ]{5,20}")
MOST_HAZARDS = 10_000


def _require(by) -> None:
    if not by.can(perms.UNIT_MANAGE):
        raise NotPermitted()


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _text(value, name: str, errors: dict, *, limit: int, missing: str = "") -> str:
    if value is not None and not isinstance(value, str):
        errors[name] = _("须为文字")
        return ""
    value = (value or "").strip()
    if missing and not value:
        errors[name] = missing
    elif len(value) > limit:
        errors[name] = _("不能超过%(n)d字") % {"n": limit}
    return value


def _day(value, name: str, errors: dict) -> date | None:
    """A day not in the future (a date, or text as 2026-03-01)."""
    if value in (None, ""):
        errors[name] = _("请填写日期")
        return None
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value).strip())
        except ValueError:
            errors[name] = _("请填写日期，如 2026-03-01")
            return None
    today = timezone.localdate()
    if value > today:
        errors[name] = _("不能晚于今天（%(today)s）") % {"today": today.isoformat()}
    return value


def _not_before(value: date | None, earliest: date, name: str, errors: dict, words: str) -> None:
    if value is not None and name not in errors and value < earliest:
        errors[name] = _("不能早于%(what)s（%(day)s）") % {"what": words, "day": earliest}


def _whole(value, name: str, errors: dict, *, low: int, high: int, message: str) -> int | None:
    if isinstance(value, bool) or value in (None, ""):
        errors[name] = message
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        errors[name] = message
        return None
    if not low <= number <= high:
        errors[name] = message
        return None
    return number


def _key(value) -> int | None:
    value = getattr(value, "pk", value)
    if isinstance(value, bool) or not str(value or "").strip().isdigit():
        return None
    return int(value)


# --- holders ------------------------------------------------------------------------------------


def _account(source, value, errors: dict) -> User | None:
    """The holder's platform account: an active account of the source's enterprise."""
    if value in (None, ""):
        return None
    found = (
        User.objects.filter(
            pk=_key(value),
            is_active=True,
            role=Role.ENTERPRISE,
            enterprise_link__enterprise_id=source.enterprise_id,
        ).first()
        if _key(value) is not None
        else None
    )
    if found is None:
        errors["user"] = _("请选择本单位的平台账号")
    return found


def _holder_values(source, data: dict, errors: dict) -> dict:
    values = {
        "name": _text(data.get("name"), "name", errors, limit=40, missing=_("请填写姓名")),
        "position": _text(data.get("position"), "position", errors, limit=60),
        "phone": _text(data.get("phone"), "phone", errors, limit=20, missing=_("请填写联系电话")),
        "user": _account(source, data.get("user"), errors),
        "since": _day(data.get("since"), "since", errors),
    }
    if values["phone"] and "phone" not in errors and not PHONE.fullmatch(values["phone"]):
        errors["phone"] = _("请填写有效的联系电话")
    return values


def _same_holder(duty: SourceDuty, values: dict) -> bool:
    return all(getattr(duty, name) == value for name, value in values.items())


@transaction.atomic
def duty_assign(by, *, source_id: int, role: str, replaces: int | None, data: dict) -> SourceDuty:
    """Name the holder of ``role`` (``data``: name, position, phone, user, since)."""
    _require(by)
    source = source_for_write(by, source_id)
    if role not in DutyRole.values:
        raise ValidationError({"role": _("请选择包保角色")})
    current = source.duties.filter(role=role, until__isnull=True).first()
    replaces = _key(replaces)
    errors: dict = {}
    values = _holder_values(source, data, errors)
    seen = current.pk if current is not None else None
    if seen != replaces:
        replaced = source.duties.filter(pk=replaces, role=role).first() if replaces else None
        if (
            current is not None
            and not errors
            and current.assigned_by_id == by.pk
            and _same_holder(current, values)
            and (replaced is None or (replaced.until == current.since and replaced.ended_by == by))
        ):
            return current  # the same naming sent twice
        raise Conflict(
            _("%(role)s已变更为%(name)s，请刷新后重试")
            % {"role": DutyRole(role).label, "name": current.name if current else _("未明确")}
        )
    if current is not None:
        _not_before(values["since"], current.since, "since", errors, _("现任的起始日期"))
    _raise(errors)
    if current is not None:
        current.until = values["since"]
        current.ended_by = by
        current.end_reason = _("由%(name)s接任") % {"name": values["name"]}
        current.version += 1
        current.save()
    duty = SourceDuty(source=source, role=role, assigned_by=by, **values)
    # The related rows were read above and the role's holder closed: only the fields' own
    # checks are left to run (one holder per role stays a database constraint).
    duty.full_clean(exclude=("source", "user", "assigned_by"), validate_constraints=False)
    duty.save()
    if duty.user_id and duty.user_id != by.pk:
        transaction.on_commit(lambda: notices_duties.holder_named(duty.pk, by_id=by.pk))
    return duty


@transaction.atomic
def duty_end(
    by, *, source_id: int, duty_id: int, expected_version: int | None, until, reason: str
) -> SourceDuty:
    """End a holder's term on ``until``: the role has no holder until someone is named."""
    _require(by)
    source = source_for_write(by, source_id)
    duty = source.duties.filter(pk=_key(duty_id)).first() if _key(duty_id) else None
    if duty is None:
        raise OutOfScope()
    errors: dict = {}
    day = _day(until, "until", errors)
    reason = _text(reason, "reason", errors, limit=200, missing=_("请填写结束原因"))
    if duty.until is not None:
        if duty.ended_by == by and duty.until == day and duty.end_reason == reason:
            return duty  # the same ending sent twice
        raise Conflict(_("该任期已于%(day)s结束") % {"day": duty.until})
    if expected_version is not None and duty.version != expected_version:
        raise Conflict(_("该记录已被他人修改，请刷新后重试"))
    _not_before(day, duty.since, "until", errors, _("任期起始日期"))
    last = duty.checks.order_by("-checked_on").values_list("checked_on", flat=True).first()
    if last is not None:
        _not_before(day, last, "until", errors, _("该责任人最近一次履职记录的日期"))
    _raise(errors)
    duty.until, duty.ended_by, duty.end_reason = day, by, reason
    duty.version += 1
    duty.save()
    return duty


# --- checks -------------------------------------------------------------------------------------


def _check_values(duties: dict, data: dict, errors: dict) -> tuple:
    """One check's holder (from ``duties``, the source's terms by id) and its values."""
    duty = duties.get(_key(data.get("duty")))
    if duty is None:
        errors["duty"] = _("请选择该重大危险源的包保责任人")
    checked_on = _day(data.get("checked_on"), "checked_on", errors)
    findings = _text(
        data.get("findings"), "findings", errors, limit=4000, missing=_("请填写检查情况")
    )
    hazards = _whole(
        0 if data.get("hazards_found") in (None, "") else data.get("hazards_found"),
        "hazards_found",
        errors,
        low=0,
        high=MOST_HAZARDS,
        message=_("发现隐患数须为0或正整数"),
    )
    if duty is not None:
        _not_before(checked_on, duty.since, "checked_on", errors, _("该责任人任期起始日期"))
        if duty.until and checked_on and "checked_on" not in errors and checked_on > duty.until:
            errors["checked_on"] = _("不能晚于该责任人任期截止日期（%(day)s）") % {
                "day": duty.until
            }
    return duty, {"checked_on": checked_on, "findings": findings, "hazards_found": hazards}


@transaction.atomic
def check_record(by, *, source_id: int, data: dict) -> DutyCheck:
    """A check by a holder of the source (``data``: duty, checked_on, findings,
    hazards_found)."""
    _require(by)
    source = source_for_write(by, source_id)
    errors: dict = {}
    key = _key(data.get("duty"))
    found = source.duties.filter(pk=key).first() if key is not None else None
    duty, values = _check_values({key: found} if found else {}, data, errors)
    _raise(errors)
    again = duty.checks.filter(recorded_by=by, **values).first()
    if again is not None:
        return again  # the same check sent twice
    check = DutyCheck(source=source, duty=duty, role=duty.role, recorded_by=by, **values)
    check.full_clean()
    check.save()
    return check


@transaction.atomic
def checks_record(by, *, source_id: int, rows: list[dict]) -> list[DutyCheck]:
    """Several checks of one source at once (a holder's paper record entered in one go):
    each row as ``check_record`` takes it, all or none — a refusal names the row
    (``第3条：…``) on the field. A row equal to a check already recorded by ``by`` is not
    recorded again."""
    _require(by)
    source = source_for_write(by, source_id)
    duties = {duty.pk: duty for duty in source.duties.all()}
    errors: dict = {}
    made = []
    for number, data in enumerate(rows, start=1):
        row_errors: dict = {}
        duty, values = _check_values(duties, data, row_errors)
        for field, message in row_errors.items():
            errors.setdefault(field, []).append(_("第%(n)d条：%(m)s") % {"n": number, "m": message})
        if not row_errors:
            made.append(
                DutyCheck(source=source, duty=duty, role=duty.role, recorded_by=by, **values)
            )
    _raise(errors)
    recorded = set(
        source.checks.filter(recorded_by=by).values_list(
            "duty_id", "checked_on", "findings", "hazards_found"
        )
    )
    fresh, seen = [], set()
    for check in made:
        key = (check.duty_id, check.checked_on, check.findings, check.hazards_found)
        if key not in recorded and key not in seen:
            seen.add(key)
            fresh.append(check)
    return DutyCheck.objects.bulk_create(fresh)


# --- frequencies --------------------------------------------------------------------------------


def require_rule_editor(by) -> None:
    """Refuse anyone but a city-wide user whose role sets the frequencies."""
    require_city_wide(by, what=_("包保检查频次"))
    if not by.can(perms.DUTYRULE_MANAGE):
        raise NotPermitted()


@transaction.atomic
def duty_rule_set(by, *, role: str, expected_version: int | None, data: dict) -> DutyRule:
    """A new frequency for ``role`` (``data``: period, checks, basis), effective at once for
    every figure; ``expected_version`` is the one the writer saw (0: the shipped default)."""
    require_rule_editor(by)
    if role not in DutyRole.values:
        raise ValidationError({"role": _("请选择包保角色")})
    current = rules_in_force()[role]
    if expected_version is not None and expected_version != current.version:
        raise Conflict(_("该角色的检查频次已被他人修改，请刷新后重试"))
    errors: dict = {}
    period = data.get("period") or ""
    if period not in DutyPeriod.values:
        errors["period"] = _("请选择检查周期")
    checks = 0
    if period in MOST_CHECKS:
        most = MOST_CHECKS[DutyPeriod(period)]
        checks = _whole(
            data.get("checks"),
            "checks",
            errors,
            low=1,
            high=most,
            message=_("每周期检查次数须为1至%(n)d之间的整数") % {"n": most},
        )
    basis = _text(data.get("basis"), "basis", errors, limit=300, missing=_("请填写依据或修改说明"))
    _raise(errors)
    rule = DutyRule(
        role=role,
        version=current.version + 1,
        period=period,
        checks=checks,
        basis=basis,
        set_by=by,
    )
    rule.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            rule.save()
    except IntegrityError:
        raise Conflict(_("该角色的检查频次已被他人修改，请刷新后重试")) from None
    return rule
