"""What is recorded on a 特殊作业票 besides its transitions: gas analyses, the signatures of
table B.1, and who holds each approving role in an enterprise.

- ``analysis_record``: a sample (when, where, readings, analyst), judged by ``gb30871.judge``
  — the readings the kind requires must be there (422 on the missing one); pass or fail and
  each check are stored with it and put on the timeline. It changes no state and no version:
  the start and resume gates read the samples as they are.
- ``approval_record``: one step of table B.1 the permit still needs (countersignatures
  before the approval), by the account the enterprise mapped to the role when it mapped one;
  it bumps the version (what the permit still needs has changed). A signature that agrees
  and completes the table moves the permit to 已批准; one that does not agree sends it back
  to the draft and withdraws the signatures given (``lifecycle`` internal transitions).
- ``approver_set``: map a role to a person (and optionally an account of the enterprise).
"""

from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accounts.models import User
from anjian.core.exceptions import NotPermitted, ValidationError
from anjian.core.services import writable
from anjian.enterprises.selectors import enterprise_for_write
from anjian.specialwork import gates, gb30871, notices
from anjian.specialwork import permissions as perms
from anjian.specialwork.choices import ApproverRole, Stage, ToxicUnit
from anjian.specialwork.lifecycle import PERMIT
from anjian.specialwork.models import Approval, ApproverMapping, GasAnalysis, Permit
from anjian.specialwork.selectors import permit_for_write
from anjian.specialwork.services import flag, moment, text, version_bump

ANALYSIS_FIELDS = (
    "taken_at",
    "point",
    "lel_percent",
    "flammable_percent",
    "oxygen_percent",
    "toxic_name",
    "toxic_value",
    "toxic_limit",
    "toxic_unit",
    "analyst",
)
SIGNATURE_FIELDS = ("stage", "role", "person", "agreed", "opinion")
FUTURE_TOLERANCE = timedelta(minutes=5)  # clocks of a phone and the server differ a little
OLDEST_SAMPLE = timedelta(days=1)  # before the planned start by more: not this work's sample


def _require(by) -> None:
    if not by.can(perms.PERMIT_ISSUE):
        raise NotPermitted()


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


# --- gas analyses ----------------------------------------------------------------------------


def _reading(data: dict) -> gb30871.Reading:
    return gb30871.Reading(
        lel=data.get("lel_percent"),
        flammable=data.get("flammable_percent"),
        oxygen=data.get("oxygen_percent"),
        toxic_name=str(data.get("toxic_name") or ""),
        toxic_value=data.get("toxic_value"),
        toxic_limit=data.get("toxic_limit"),
        toxic_unit=str(data.get("toxic_unit") or ""),
    )


READINGS = (  # field, words, highest
    ("lel_percent", "可燃介质爆炸下限（%）", Decimal(100)),
    ("flammable_percent", "可燃气体浓度（%）", Decimal(100)),
    ("oxygen_percent", "氧含量（%）", Decimal(100)),
    ("toxic_value", "有毒物质浓度", Decimal(1000000)),
    ("toxic_limit", "有毒物质容许浓度", Decimal(1000000)),
)


def _check_readings(data: dict, errors: dict) -> None:
    """Every reading sent is a number in range with at most 3 decimals (as stored)."""
    for name, words, high in READINGS:
        value = data.get(name)
        if value in (None, ""):
            continue
        try:
            found = gb30871.number(value, name, words=words, low=Decimal(0), high=high)
        except gb30871.RuleError as error:
            errors[name] = str(error)
            continue
        if found.as_tuple().exponent < -3:
            errors[name] = _("%(w)s最多保留3位小数") % {"w": words}


def _number(value) -> Decimal | None:
    """A reading ``gb30871.judge`` has checked, as stored."""
    return None if value in (None, "") else Decimal(str(value).strip().replace(",", ""))


@transaction.atomic
def analysis_record(by, *, permit_id: int, data: dict, now: datetime | None = None) -> GasAnalysis:
    _require(by)
    now = now or timezone.now()
    data = writable(data, ANALYSIS_FIELDS)
    permit = permit_for_write(by, permit_id)
    PERMIT.check_operation(by, "analyse", permit)
    errors: dict = {}
    taken_at = moment(data.get("taken_at"), "taken_at", errors, words=_("取样时间"))
    if taken_at is not None and taken_at > now + FUTURE_TOLERANCE:
        errors["taken_at"] = _("取样时间不能晚于现在")
    elif taken_at is not None and taken_at < permit.planned_start - OLDEST_SAMPLE:
        errors["taken_at"] = _("取样时间不能早于计划开始时间前一天")
    point = text(data.get("point"), "point", errors, limit=100, missing=_("请填写取样部位"))
    analyst = text(data.get("analyst"), "analyst", errors, limit=40, missing=_("请填写分析人"))
    toxic_name = text(data.get("toxic_name"), "toxic_name", errors, limit=40)
    unit = data.get("toxic_unit") or ""
    if unit not in ("", *ToxicUnit.values):
        errors["toxic_unit"] = _("浓度单位须为 mg/m³ 或 ppm")
    _check_readings(data, errors)
    verdict = None
    try:
        verdict = gb30871.judge(permit.kind, _reading(data), gates.facts_of(permit))
    except gb30871.RuleError as error:
        errors.setdefault(error.field, str(error))
    _raise(errors)
    analysis = GasAnalysis.objects.create(
        permit=permit,
        taken_at=taken_at,
        point=point,
        lel_percent=_number(data.get("lel_percent")),
        flammable_percent=_number(data.get("flammable_percent")),
        oxygen_percent=_number(data.get("oxygen_percent")),
        toxic_name=toxic_name,
        toxic_value=_number(data.get("toxic_value")) if toxic_name else None,
        toxic_limit=_number(data.get("toxic_limit")) if toxic_name else None,
        toxic_unit=(unit or ToxicUnit.MG_M3) if toxic_name else "",
        passed=verdict.passed,
        checks=[
            {"what": c.what, "measured": c.measured, "limit": c.limit, "ok": c.ok}
            for c in verdict.checks
        ],
        analyst=analyst,
        recorded_by=by,
        created_at=now,
    )
    PERMIT.record_event(
        permit,
        action="analyse",
        by=by,
        reason=_("%(at)s %(point)s：%(verdict)s（%(checks)s）")
        % {
            "at": gates.local(taken_at),
            "point": point,
            "verdict": _("合格") if verdict.passed else _("不合格"),
            "checks": "；".join(str(check) for check in verdict.checks),
        },
        data={"analysis": analysis.pk, "passed": verdict.passed},
        at=now,
    )
    return analysis


# --- signatures of table B.1 -----------------------------------------------------------------


def _step(permit: Permit, data: dict, errors: dict) -> gb30871.Step | None:
    stage, role = data.get("stage") or gb30871.APPROVE, data.get("role") or ""
    if stage not in Stage.values or role not in ApproverRole.values:
        errors["role"] = _("请选择审批环节和角色")
        return None
    step = gb30871.Step(stage, role)
    missing = gates.missing_steps(permit)
    if step not in gates.steps(permit):
        errors["role"] = _("%(what)s不需要%(step)s") % {"what": permit.grade_label, "step": step}
    elif step not in missing:
        errors["role"] = _("%(step)s已签署") % {"step": step}
    elif step.stage == gb30871.APPROVE and any(s.stage == gb30871.COUNTERSIGN for s in missing):
        errors["role"] = _("须先完成审核会签，再审批")
    return step


@transaction.atomic
def approval_record(
    by, *, permit_id: int, expected_version: int | None, data: dict, now: datetime | None = None
) -> Permit:
    """Record one signature; the permit as it is after (已批准 when it completed the table,
    back to 申请 when it did not agree)."""
    _require(by)
    now = now or timezone.now()
    data = writable(data, SIGNATURE_FIELDS)
    permit = permit_for_write(by, permit_id, expected_version)
    PERMIT.check_operation(by, "sign", permit)
    errors: dict = {}
    step = _step(permit, data, errors)
    mapping = (
        ApproverMapping.objects.filter(enterprise_id=permit.enterprise_id, role=step.role).first()
        if step is not None and "role" not in errors
        else None
    )
    if mapping is not None and mapping.user_id and mapping.user_id != by.pk:
        raise NotPermitted(
            _("%(role)s的意见须由%(person)s本人的账号记录")
            % {"role": mapping.get_role_display(), "person": mapping.person}
        )
    person = data.get("person") or (mapping.person if mapping else "")
    person = text(person, "person", errors, limit=40, missing=_("请填写签字人"))
    agreed = flag(data.get("agreed"), "agreed", errors)
    opinion = text(data.get("opinion"), "opinion", errors, limit=500, missing=_("请填写意见"))
    _raise(errors)
    Approval.objects.create(
        permit=permit,
        stage=step.stage,
        role=step.role,
        person=person,
        at=now,
        agreed=agreed,
        opinion=opinion,
        recorded_by=by,
        created_at=now,
    )
    PERMIT.record_event(
        permit,
        action="sign",
        by=by,
        reason=_("%(step)s：%(person)s %(agreed)s。%(opinion)s")
        % {
            "step": step,
            "person": person,
            "agreed": _("同意") if agreed else _("不同意"),
            "opinion": opinion,
        },
        data={"stage": step.stage, "role": step.role, "agreed": agreed},
        at=now,
    )
    version_bump(permit)
    if not agreed:
        Approval.objects.filter(permit=permit, withdrawn=False).update(withdrawn=True)
        permit = _internal(permit, "send_back", by=by, now=now, reason=opinion)
        transaction.on_commit(lambda: notices.sent_back(permit.pk, by_id=by.pk, reason=opinion))
    elif not gates.missing_steps(permit):
        permit = _internal(permit, "approve", by=by, now=now)
        transaction.on_commit(lambda: notices.approved(permit.pk, by_id=by.pk))
    return permit


def _internal(permit: Permit, name: str, *, by, now: datetime, reason: str = "") -> Permit:
    step = PERMIT.internal(permit, name)
    permit = PERMIT.commit(step, by=by, reason=reason)
    permit.transitions.filter(pk=permit.transitions.order_by("-id")[0].pk).update(at=now)
    return permit


# --- who holds the roles ---------------------------------------------------------------------


@transaction.atomic
def approver_set(by, *, enterprise_id: int, role: str, person: str, user_id=None):
    """Map ``role`` of table B.1 to ``person`` (and an account of the enterprise, who then
    records that role's signatures); an empty ``person`` removes the mapping."""
    _require(by)
    enterprise = enterprise_for_write(by, enterprise_id)
    errors: dict = {}
    if role not in ApproverRole.values:
        errors["role"] = _("请选择审批角色")
    person = text(person, "person", errors, limit=60)
    account = None
    if user_id not in (None, ""):
        account = User.objects.filter(
            pk=user_id if str(user_id).isdigit() else None,
            enterprise_link__enterprise_id=enterprise.pk,
            is_active=True,
        ).first()
        if account is None:
            errors["user"] = _("请选择本单位的平台账号")
    _raise(errors)
    if not person:
        ApproverMapping.objects.filter(enterprise=enterprise, role=role).delete()
        return None
    mapping, _created = ApproverMapping.objects.update_or_create(
        enterprise=enterprise, role=role, defaults={"person": person, "user": account}
    )
    return mapping
