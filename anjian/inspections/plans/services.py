"""Writes of the inspection plans. Pages, API and demo call these.

``plan_propose`` drafts a department's plan from the policy: every operating unit of the
department's industries in its region (and the writer's scope) with the visits its grade
asks for, plus the policy's extra visit where the unit has an active 重大风险 point. A
quarterly plan takes each unit's share of its yearly visits for that quarter, spread so
that units of one grade do not all fall in the same quarter. The department then adjusts
entries (a change from the proposal needs a reason; a joint visit names the departments
that join it), submits, and someone else approves (``lifecycle.PLAN``).
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accounts.roles import Role
from anjian.core.exceptions import Conflict, NotPermitted, OutOfScope, ValidationError
from anjian.core.scoping import scope_of
from anjian.enterprises.choices import Status as EnterpriseStatus
from anjian.enterprises.models import Enterprise
from anjian.inspections import permissions as perms
from anjian.inspections.lifecycle import PLAN
from anjian.inspections.plan_models import (
    DEFAULT_POLICY,
    InspectionPlan,
    PlanEntry,
    PlanPolicy,
    PlanState,
)
from anjian.inspections.services import department_for_write
from anjian.regions.levels import ancestor_codes
from anjian.regions.models import Department, Region
from anjian.risks.choices import Level
from anjian.risks.models import RiskPoint

POLICY_FIELDS = ("grade_a", "grade_b", "grade_c", "grade_d", "major_risk_extra", "yearly_cap")


def policy_for(region_code: str) -> PlanPolicy:
    """The policy of the nearest region up the tree that has one, else the default."""
    codes = ancestor_codes(region_code)
    found = {p.region_id: p for p in PlanPolicy.objects.filter(region_id__in=codes)}
    return next((found[code] for code in codes if code in found), DEFAULT_POLICY)


def policy_save(by, *, region: Region, data: dict, version: int | None = None) -> PlanPolicy:
    """Set ``region``'s frequencies (``POLICY_FIELDS`` and ``basis``)."""
    if not by.can(perms.INSPECTION_PLAN):
        raise NotPermitted()
    if by.role == Role.DEPARTMENT or not scope_of(by).covers_region(region.code):
        raise NotPermitted(_("检查频次政策由本级应急管理部门设定"))
    with transaction.atomic():
        policy = PlanPolicy.objects.select_for_update().filter(region=region).first()
        if policy is None:
            policy = PlanPolicy(region=region)
        elif version is not None and policy.version != version:
            raise Conflict()
        else:
            policy.version += 1
        for name in POLICY_FIELDS:
            setattr(policy, name, data[name])
        policy.basis = (data.get("basis") or "").strip()
        policy.full_clean()
        policy.save()
    return policy


def quarter_share(visits: int, quarter: int, offset: int) -> int:
    """How many of a unit's ``visits`` a year fall in ``quarter`` (1–4): the visits spread
    evenly over the year, started at a quarter that depends on the unit (``offset``), so
    that the four quarters' shares add up to ``visits``."""
    before = (visits * (quarter - 1) + offset % 4) // 4
    through = (visits * quarter + offset % 4) // 4
    return through - before


def _department_for_plan(by, department) -> Department:
    return department_for_write(by, department, refusal=_("只能编制本部门的检查计划"))


def plan_propose(by, *, department, year: int, quarter: int = 0, title: str = "") -> InspectionPlan:
    """Draft ``department``'s plan for ``year`` (``quarter`` 0: the whole year)."""
    if not by.can(perms.INSPECTION_PLAN):
        raise NotPermitted()
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("年度不正确")})
    if quarter not in (0, 1, 2, 3, 4):
        raise ValidationError({"quarter": _("季度只能是 1–4（年度计划为 0）")})
    with transaction.atomic():
        department = _department_for_plan(by, department)
        policy = policy_for(department.region_id)
        period = f"{year}年" + (f"第{quarter}季度" if quarter else "度")
        try:
            with transaction.atomic():
                plan = InspectionPlan.objects.create(
                    department=department,
                    year=year,
                    quarter=quarter,
                    title=(title or "").strip() or f"{department.name}{period}监督检查计划",
                    policy_basis=policy.basis,
                    created_by=by,
                )
        except IntegrityError:
            raise ValidationError(
                {"quarter": _("本部门%(period)s的检查计划已存在") % {"period": period}}
            ) from None
        units = Enterprise.objects.for_user(by).filter(
            scope_region_code__startswith=department.region_id,
            industry__in=department.industries.all(),
            status=EnterpriseStatus.OPERATING,
        )
        major = set(
            RiskPoint.objects.active()
            .filter(current_level=Level.RED, enterprise__in=units)
            .values_list("enterprise_id", flat=True)
        )
        entries = []
        for pk, grade in units.values_list("pk", "supervision_grade").order_by("pk").iterator():
            yearly = policy.visits_for(grade) + (policy.major_risk_extra if pk in major else 0)
            visits = quarter_share(yearly, quarter, pk) if quarter else yearly
            if visits:
                entries.append(
                    PlanEntry(
                        plan=plan,
                        enterprise_id=pk,
                        grade=grade,
                        major_risk=pk in major,
                        proposed_visits=visits,
                        visits=visits,
                    )
                )
        PlanEntry.objects.bulk_create(entries, batch_size=2000)
        PLAN.record_event(
            plan, action="propose", by=by, to_state=PlanState.DRAFT, data={"units": len(entries)}
        )
    return plan


def _plan_for_write(by, plan_id: int) -> InspectionPlan:
    plan = (
        InspectionPlan.objects.for_user(by)
        .select_for_update(of=("self",))
        .filter(pk=plan_id)
        .first()
    )
    if plan is None:
        raise OutOfScope()
    return plan


def entry_adjust(
    by,
    *,
    entry_id: int,
    visits: int,
    reason: str = "",
    joint_departments=(),
    plan_version: int | None = None,
) -> PlanEntry:
    """Change one unit's planned visits (a reason when it differs from the proposal) and
    the departments that join them. Only while the plan is being drawn up."""
    if not by.can(perms.INSPECTION_PLAN):
        raise NotPermitted()
    reason = (reason or "").strip()
    with transaction.atomic():
        entry = PlanEntry.objects.filter(pk=entry_id).select_related("plan").first()
        if entry is None:
            raise OutOfScope()
        plan = _plan_for_write(by, entry.plan_id)
        _department_for_plan(by, plan.department_id)
        if plan.state != PlanState.DRAFT:
            raise PLAN.conflict(plan, _("调整检查对象"))
        if plan_version is not None and plan.version != plan_version:
            raise Conflict()
        errors = {}
        if not 0 <= visits <= 24:
            errors["visits"] = _("计划次数须在 0 到 24 之间")
        elif visits != entry.proposed_visits and not reason:
            errors["reason"] = _("计划次数与建议次数（%(n)s）不同，请写明调整理由") % {
                "n": entry.proposed_visits
            }
        joint = list(joint_departments)
        if any(d.pk == plan.department_id for d in joint):
            errors["joint_departments"] = _("联合检查部门不能是本部门")
        elif any(not d.is_active for d in joint):
            errors["joint_departments"] = _("联合检查部门已停用")
        if errors:
            raise ValidationError(errors)
        before = entry.visits
        entry.visits, entry.reason = visits, reason[:200]
        entry.save(update_fields=["visits", "reason"])
        entry.joint_departments.set(joint)
        InspectionPlan.objects.filter(pk=plan.pk).update(version=plan.version + 1)
        PLAN.record_event(
            plan,
            action="adjust",
            by=by,
            reason=reason,
            data={
                "enterprise": entry.enterprise_id,
                "before": before,
                "visits": visits,
                "joint": sorted(d.pk for d in joint),
            },
        )
    return entry


def _transition(by, plan_id: int, name: str, *, version=None, reason: str = ""):
    with transaction.atomic():
        step = PLAN.begin(
            by=by, obj=_plan_for_write(by, plan_id), name=name, expected_version=version
        )
        if step.replay:
            return step.obj
        values = {}
        if name == "approve":
            values["approved_at"] = timezone.now()
        return PLAN.commit(step, by=by, values=values, reason=reason)


def plan_submit(by, *, plan_id: int, version: int | None = None) -> InspectionPlan:
    return _transition(by, plan_id, "submit", version=version)


def plan_approve(
    by, *, plan_id: int, version: int | None = None, reason: str = ""
) -> InspectionPlan:
    return _transition(by, plan_id, "approve", version=version, reason=reason)


def plan_return(by, *, plan_id: int, reason: str, version: int | None = None) -> InspectionPlan:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请写明退回原因")})
    return _transition(by, plan_id, "return", version=version, reason=reason)
