"""Every write of 应急预案: a plan and its response levels, roles and tasks; publication
with the filing deadline; filing (备案) by the authority; assessment, revision triggers,
new versions; attachments. Pages, the API and the demo call these.

- ``plan_create`` / ``plan_update``: a draft. Who owns it decides its types (a government
  or department: 总体/专项/部门; a unit: 综合/专项/现场处置方案); an enterprise user writes
  for their own unit only. Levels are unique per plan; a task belongs to a level the plan
  defines.
- ``plan_publish``: the filing deadline is counted in working days
  (``add_working_days(published_on, EMERGENCY_PLAN_FILING_WORKING_DAYS)``, 88号令 Art. 26)
  and the calendar that counted it recorded; a deadline in a year no calendar carries
  refuses the publication (``CalendarNotCovered``), never guessed. A revision's publication
  supersedes the version before it in the same transaction.
- ``plan_submit`` → ``plan_file`` / ``plan_return``: the filing workflow; the authority
  files, never the author (``lifecycle.not_own_plan``). Filing after the deadline is
  derived (``filed_on > filing_due_on``), not flagged.
- ``plan_assess`` / ``plan_trigger``: the assessment cycle and the revision triggers
  (88号令 Art. 35–36); ``plan_revise`` copies a version into a new draft.

Notices go out after the commit (``notices``): to the filing authority on submission, to
the plan's keepers on filing, return and a revision trigger.
"""

from datetime import date
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core import workdays
from anjian.core.exceptions import Conflict, NotPermitted, ValidationError
from anjian.core.scoping import ensure_in_scope
from anjian.core.services import writable
from anjian.emergency import notices
from anjian.emergency import permissions as perms
from anjian.emergency.checks import day, number_in_range, raise_errors, text
from anjian.emergency.choices import (
    GOVERNMENT_PLAN_TYPES,
    UNIT_PLAN_TYPES,
    OwnerKind,
    PlanType,
    ResponseLevel,
    RevisionTrigger,
)
from anjian.emergency.lifecycle import PLAN
from anjian.emergency.models import (
    IN_FORCE_STATES,
    EmergencyPlan,
    PlanAssessment,
    PlanAttachment,
    PlanLevel,
    PlanRole,
    PlanState,
    PlanTask,
)
from anjian.emergency.selectors_plans import plan_for_write
from anjian.emergency.services_common import (
    OWNER_FIELDS,
    add_years,
    check_keeper,
    clean_levels,
    clean_roles,
    clean_tasks,
    plan_or_drill_owner,
    temporary_number,
)

# field: (limit, message when missing — None: optional)
TEXTS = {
    "title": (200, "请填写预案名称"),
    "edition": (40, "请填写版本，如“2026年版”"),
    "risks": (2000, "请填写预案针对的主要风险和事件类型"),
    "scope_text": (2000, None),
    "command_structure": (4000, None),
    "filing_authority": (120, None),
}
EDITABLE = (*TEXTS, "plan_type", "assessment_cycle_years")
ATTACHMENT_TYPES = {
    ".pdf",
    ".ofd",
    ".doc",
    ".docx",
    ".wps",
    ".xls",
    ".xlsx",
    ".jpg",
    ".jpeg",
    ".png",
}
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024


def _plan_values(values: dict, errors: dict, *, owner_kind: str | None, department) -> dict:
    clean = {
        name: text(values.get(name), name, errors, limit=limit, missing=missing)
        for name, (limit, missing) in TEXTS.items()
    }
    plan_type = values.get("plan_type") or ""
    if plan_type not in PlanType.values:
        errors["plan_type"] = _("请选择预案类型")
    elif owner_kind == OwnerKind.ENTERPRISE and plan_type not in UNIT_PLAN_TYPES:
        errors["plan_type"] = _("生产经营单位的预案类型为综合应急预案、专项应急预案或现场处置方案")
    elif owner_kind in (OwnerKind.GOVERNMENT, OwnerKind.DEPARTMENT) and (
        plan_type not in GOVERNMENT_PLAN_TYPES
    ):
        errors["plan_type"] = _("人民政府及其部门的预案类型为总体、专项或部门应急预案")
    elif plan_type == PlanType.DEPARTMENTAL and not department:
        errors["department"] = _("部门应急预案请选择编制预案的政府部门")
    elif owner_kind == OwnerKind.DEPARTMENT and plan_type != PlanType.DEPARTMENTAL:
        errors["plan_type"] = _("政府部门编制的是部门应急预案；总体和专项预案属人民政府")
    clean["plan_type"] = plan_type
    # The cycle is the plan's own (88号令 Art. 35: every 3 years for the units it names;
    # others periodically): the configured default unless the form gives one.
    cycle = values.get("assessment_cycle_years")
    clean["assessment_cycle_years"] = number_in_range(
        settings.EMERGENCY_PLAN_ASSESSMENT_YEARS if cycle in (None, "") else cycle,
        "assessment_cycle_years",
        errors,
        low=1,
        high=10,
        message="评估周期须为1至10年的整数",
    )
    return clean


def _write_parts(plan, *, levels=None, roles=None, tasks=None) -> None:
    """Replace the draft's levels, roles and tasks given (None: keep)."""
    for model, rows in ((PlanLevel, levels), (PlanRole, roles), (PlanTask, tasks)):
        if rows is None:
            continue
        model.objects.filter(plan=plan).delete()
        model.objects.bulk_create(model(plan=plan, **row) for row in rows)


def _full_clean(plan: EmergencyPlan) -> None:
    try:
        plan.full_clean(
            exclude=[
                "number",
                "region",
                "department",
                "enterprise",
                "industry",
                "scope_region_code",
                "previous",
                "created_by",
            ]
        )
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None


def _number(prefix: str, record) -> str:
    return f"{prefix}{timezone.localdate():%Y}{record.pk:07d}"


def _touch(plan: EmergencyPlan, **values) -> None:
    """Bump the plan's version (and set ``values``) for a change that is no transition."""
    EmergencyPlan.objects.filter(pk=plan.pk).update(
        version=F("version") + 1, updated_at=timezone.now(), **values
    )
    for name, value in values.items():
        setattr(plan, name, value)
    plan.version += 1


# --- drafts ----------------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    by, *, data: dict, levels=(), roles=(), tasks=(), synthetic: bool = False
) -> EmergencyPlan:
    """A new draft. ``data``: the owner (``owner_kind`` and ``enterprise``, ``department``
    or ``region``) and the plan's fields; ``levels``: [{level, trigger, commander}],
    ``roles``: [{name, holder, duties}], ``tasks``: [{level, title, responsible,
    due_minutes}]."""
    if not by.can(perms.PLAN_MANAGE):
        raise NotPermitted()
    data = writable(data, (*OWNER_FIELDS, *EDITABLE))
    errors: dict = {}
    owner = plan_or_drill_owner(by, data, errors)
    values = _plan_values(
        data, errors, owner_kind=owner.get("owner_kind"), department=owner.get("department")
    )
    level_rows = clean_levels(levels, errors)
    role_rows = clean_roles(roles, errors)
    task_rows = clean_tasks(tasks, {row["level"] for row in level_rows}, errors)
    raise_errors(errors)
    plan = EmergencyPlan(
        **owner, **values, created_by=by, synthetic=synthetic, number=temporary_number()
    )
    plan.copy_owner_scope()
    _full_clean(plan)
    plan.save()
    plan.number = _number("YA", plan)
    EmergencyPlan.objects.filter(pk=plan.pk).update(number=plan.number)
    _write_parts(plan, levels=level_rows, roles=role_rows, tasks=task_rows)
    ensure_in_scope(by, plan, field="enterprise" if plan.enterprise_id else "region")
    PLAN.record_event(plan, action="create", by=by, to_state=plan.state)
    return plan


@transaction.atomic
def plan_update(
    by,
    *,
    plan_id: int,
    expected_version: int | None,
    data: dict,
    levels=None,
    roles=None,
    tasks=None,
) -> EmergencyPlan:
    """Change a draft (its owner stays); ``levels``/``roles``/``tasks`` given replace the
    draft's, None keeps them."""
    if not by.can(perms.PLAN_MANAGE):
        raise NotPermitted()
    plan = plan_for_write(by, plan_id)
    check_keeper(by, plan)
    if plan.state != PlanState.DRAFT:
        raise PLAN.conflict(plan, _("修改"))
    if expected_version is not None and plan.version != expected_version:
        raise PLAN.conflict(plan)
    data = writable(data, EDITABLE)
    errors: dict = {}
    current = {name: getattr(plan, name) for name in EDITABLE}
    values = _plan_values(
        {**current, **data}, errors, owner_kind=plan.owner_kind, department=plan.department_id
    )
    level_rows = clean_levels(levels, errors) if levels is not None else None
    defined = (
        {row["level"] for row in level_rows}
        if level_rows is not None
        else set(plan.levels.values_list("level", flat=True))
    )
    task_rows = clean_tasks(tasks, defined, errors) if tasks is not None else None
    if tasks is None and level_rows is not None:
        orphans = set(plan.tasks.values_list("level", flat=True)) - defined
        if orphans:
            errors["levels"] = _("已登记的响应任务用到了%(l)s，请一并修改任务") % {
                "l": "、".join(str(ResponseLevel(level).label) for level in sorted(orphans))
            }
    role_rows = clean_roles(roles, errors) if roles is not None else None
    raise_errors(errors)
    for name, value in values.items():
        setattr(plan, name, value)
    _full_clean(plan)
    plan.version += 1
    plan.save()
    _write_parts(plan, levels=level_rows, roles=role_rows, tasks=task_rows)
    PLAN.record_event(plan, action="edit", by=by, data={"fields": sorted(data)})
    return plan


# --- publication and filing ---------------------------------------------------------------


def _begin(by, plan_id: int, name: str, expected_version: int | None, *, keeper: bool = True):
    plan = plan_for_write(by, plan_id)
    if keeper and by.can(PLAN.transition(name).action):
        check_keeper(by, plan)
    return PLAN.begin(by=by, obj=plan, name=name, expected_version=expected_version)


@transaction.atomic
def plan_publish(
    by, *, plan_id: int, expected_version: int | None, published_on, today: date | None = None
) -> EmergencyPlan:
    """发布: the filing deadline in working days and the next assessment are set; a
    revision supersedes its previous version. ``today`` is the clock (tests)."""
    step = _begin(by, plan_id, "publish", expected_version)
    if step.replay:
        return step.obj
    plan = step.obj
    today = today or timezone.localdate()
    errors: dict = {}
    published_on = day(published_on, "published_on", errors, missing="请填写发布日期", today=today)
    previous = (
        EmergencyPlan.objects.select_for_update().get(pk=plan.previous_id)
        if plan.previous_id
        else None
    )
    if (
        previous is not None
        and published_on
        and previous.published_on
        and published_on < previous.published_on
    ):
        errors["published_on"] = _("修订版的发布日期不能早于原版本的发布日期（%(d)s）") % {
            "d": previous.published_on.isoformat()
        }
    raise_errors(errors)
    if previous is not None and previous.state == PlanState.SUPERSEDED:
        raise Conflict(_("原版本已被另一修订版替代，此修订版不能再发布"))
    # CalendarNotCovered (a deadline in a year no calendar carries) refuses it here.
    due = workdays.add_working_days(published_on, settings.EMERGENCY_PLAN_FILING_WORKING_DAYS)
    if previous is not None and previous.state in IN_FORCE_STATES:
        PLAN.commit(
            PLAN.internal(previous, "supersede"),
            by=by,
            reason=_("由修订版%(number)s替代") % {"number": plan.number},
        )
    return PLAN.commit(
        step,
        by=by,
        values={
            "published_on": published_on,
            "filing_due_on": due,
            "filing_due_basis": workdays.basis(published_on, due)[:80],
            "assessment_due_on": add_years(published_on, plan.assessment_cycle_years),
            "last_assessed_on": None,
            "revision_due": False,
        },
        data={"published_on": published_on.isoformat(), "filing_due_on": due.isoformat()},
    )


@transaction.atomic
def plan_submit(
    by,
    *,
    plan_id: int,
    expected_version: int | None,
    filing_authority: str,
    submitted_on=None,
) -> EmergencyPlan:
    """报送备案 to ``filing_authority`` on ``submitted_on`` (today unless given: a filing
    made on paper is entered afterwards); the authority's officials are told."""
    step = _begin(by, plan_id, "submit", expected_version)
    if step.replay:
        return step.obj
    plan = step.obj
    today = timezone.localdate()
    errors: dict = {}
    authority = text(
        filing_authority, "filing_authority", errors, limit=120, missing="请填写受理备案的单位"
    )
    submitted_on = day(
        submitted_on or today, "submitted_on", errors, missing="请填写报送日期", today=today
    )
    if "submitted_on" not in errors and submitted_on < plan.published_on:
        errors["submitted_on"] = _("报送日期不能早于发布日期（%(d)s）") % {
            "d": plan.published_on.isoformat()
        }
    raise_errors(errors)
    return PLAN.commit(
        step,
        by=by,
        values={"filing_authority": authority, "submitted_on": submitted_on},
        data={"filing_authority": authority, "submitted_on": submitted_on.isoformat()},
        effects=[partial(notices.plan_submitted, plan.pk, by_id=by.pk)],
    )


@transaction.atomic
def plan_file(
    by, *, plan_id: int, expected_version: int | None, filing_number: str, filed_on=None
) -> EmergencyPlan:
    """备案 by the authority (not the author): the filing number and day; a day after the
    deadline makes it a late filing (derived)."""
    step = _begin(by, plan_id, "file", expected_version, keeper=False)
    if step.replay:
        return step.obj
    plan = step.obj
    today = timezone.localdate()
    errors: dict = {}
    number = text(filing_number, "filing_number", errors, limit=60, missing="请填写备案编号")
    filed_on = day(filed_on or today, "filed_on", errors, missing="请填写备案日期", today=today)
    if "filed_on" not in errors and plan.submitted_on and filed_on < plan.submitted_on:
        errors["filed_on"] = _("备案日期不能早于报送日期（%(d)s）") % {
            "d": plan.submitted_on.isoformat()
        }
    raise_errors(errors)
    late = bool(plan.filing_due_on and filed_on > plan.filing_due_on)
    return PLAN.commit(
        step,
        by=by,
        values={"filing_number": number, "filed_on": filed_on},
        data={"filing_number": number, "filed_on": filed_on.isoformat(), "late": late},
        effects=[partial(notices.plan_filed, plan.pk, by_id=by.pk)],
    )


def _reason(reason: str, missing: str) -> str:
    errors: dict = {}
    value = text(reason, "reason", errors, limit=2000, missing=missing)
    raise_errors(errors)
    return value


@transaction.atomic
def plan_return(by, *, plan_id: int, expected_version: int | None, reason: str) -> EmergencyPlan:
    """退回 with the reason; the plan's keepers are told."""
    step = _begin(by, plan_id, "return", expected_version, keeper=False)
    if step.replay:
        return step.obj
    reason = _reason(reason, "请写明退回理由和需要修改的内容")
    return PLAN.commit(
        step,
        by=by,
        reason=reason,
        effects=[partial(notices.plan_returned, step.obj.pk, by_id=by.pk, reason=reason)],
    )


@transaction.atomic
def plan_abolish(by, *, plan_id: int, expected_version: int | None, reason: str) -> EmergencyPlan:
    """废止 with the reason (kept, never deleted)."""
    step = _begin(by, plan_id, "abolish", expected_version)
    if step.replay:
        return step.obj
    reason = _reason(reason, "请写明废止理由")
    return PLAN.commit(step, by=by, reason=reason)


# --- assessment, revision ----------------------------------------------------------------


def _operate(by, plan_id: int, name: str, *, keeper: bool = True) -> EmergencyPlan:
    plan = plan_for_write(by, plan_id)
    if keeper and by.can(perms.PLAN_MANAGE):
        check_keeper(by, plan)
    PLAN.check_operation(by, name, plan)
    return plan


@transaction.atomic
def plan_assess(
    by, *, plan_id: int, assessed_on, conclusion: str, needs_revision: bool
) -> PlanAssessment:
    """评估: the next assessment falls due a cycle after ``assessed_on``; a conclusion that
    the plan needs revision marks it due for revision."""
    plan = _operate(by, plan_id, "assess")
    today = timezone.localdate()
    errors: dict = {}
    assessed_on = day(assessed_on, "assessed_on", errors, missing="请填写评估日期", today=today)
    conclusion = text(conclusion, "conclusion", errors, limit=2000, missing="请填写评估结论")
    if "assessed_on" not in errors:
        if plan.published_on and assessed_on < plan.published_on:
            errors["assessed_on"] = _("评估日期不能早于预案发布日期（%(d)s）") % {
                "d": plan.published_on.isoformat()
            }
        elif plan.last_assessed_on and assessed_on < plan.last_assessed_on:
            errors["assessed_on"] = _("评估日期不能早于上次评估日期（%(d)s）") % {
                "d": plan.last_assessed_on.isoformat()
            }
    raise_errors(errors)
    assessment = PlanAssessment.objects.create(
        plan=plan,
        assessed_on=assessed_on,
        conclusion=conclusion,
        needs_revision=bool(needs_revision),
        by=by,
    )
    values = {
        "last_assessed_on": assessed_on,
        "assessment_due_on": add_years(assessed_on, plan.assessment_cycle_years),
    }
    if needs_revision:
        values["revision_due"] = True
    _touch(plan, **values)
    PLAN.record_event(
        plan,
        action="assess",
        by=by,
        reason=conclusion,
        data={"assessed_on": assessed_on.isoformat(), "needs_revision": bool(needs_revision)},
    )
    if needs_revision:
        transaction.on_commit(partial(notices.revision_due, plan.pk, by_id=by.pk))
    return assessment


def record_trigger(plan: EmergencyPlan, *, by, trigger: str, conclusion: str) -> PlanAssessment:
    """A revision trigger on ``plan`` (locked by the caller): recorded, the plan due for
    revision, its keepers told after the commit. Also the drills' evaluation's step."""
    assessment = PlanAssessment.objects.create(
        plan=plan, trigger=trigger, conclusion=conclusion, needs_revision=True, by=by
    )
    _touch(plan, revision_due=True)
    PLAN.record_event(plan, action="trigger", by=by, reason=conclusion, data={"trigger": trigger})
    transaction.on_commit(partial(notices.revision_due, plan.pk, by_id=by.pk))
    return assessment


@transaction.atomic
def plan_trigger(by, *, plan_id: int, trigger: str, conclusion: str) -> PlanAssessment:
    """修订情形 (88号令 Art. 36) recorded by the plan's keepers or a supervising official."""
    plan = _operate(by, plan_id, "trigger", keeper=False)
    errors: dict = {}
    if trigger not in RevisionTrigger.values:
        errors["trigger"] = _("请选择需要修订的情形")
    conclusion = text(conclusion, "conclusion", errors, limit=2000, missing="请写明具体情况")
    raise_errors(errors)
    return record_trigger(plan, by=by, trigger=trigger, conclusion=conclusion)


@transaction.atomic
def plan_revise(by, *, plan_id: int, edition: str = "") -> EmergencyPlan:
    """修订: a new draft copying the version's fields, levels, roles and tasks, whose
    publication will supersede it. A draft revision already open is returned instead."""
    plan = _operate(by, plan_id, "revise")
    open_draft = plan.revisions.filter(state=PlanState.DRAFT).order_by("pk").first()
    if open_draft is not None:
        return open_draft
    errors: dict = {}
    edition = text(edition or _("修订版"), "edition", errors, limit=40)
    raise_errors(errors)
    copied = {name: getattr(plan, name) for name in EDITABLE}
    draft = EmergencyPlan(
        owner_kind=plan.owner_kind,
        region_id=plan.region_id,
        department_id=plan.department_id,
        enterprise_id=plan.enterprise_id,
        scope_region_code=plan.scope_region_code,
        industry_id=plan.industry_id,
        **{**copied, "edition": edition},
        previous=plan,
        created_by=by,
        synthetic=plan.synthetic,
        number=temporary_number(),
    )
    draft.save()
    draft.number = _number("YA", draft)
    EmergencyPlan.objects.filter(pk=draft.pk).update(number=draft.number)
    _write_parts(
        draft,
        levels=list(plan.levels.values("level", "trigger", "commander")),
        roles=list(plan.roles.values("name", "holder", "duties", "sort_order")),
        tasks=list(plan.tasks.values("level", "title", "responsible", "due_minutes", "sort_order")),
    )
    PLAN.record_event(plan, action="revise", by=by, data={"draft": draft.pk})
    PLAN.record_event(
        draft, action="create", by=by, to_state=draft.state, data={"previous": plan.pk}
    )
    return draft


@transaction.atomic
def plan_attach(by, *, plan_id: int, name: str, file) -> PlanAttachment:
    """An attachment (the signed text, the filing receipt …) to a plan not yet replaced."""
    if not by.can(perms.PLAN_MANAGE):
        raise NotPermitted()
    plan = plan_for_write(by, plan_id)
    check_keeper(by, plan)
    if plan.state in (PlanState.SUPERSEDED, PlanState.ABOLISHED):
        raise PLAN.conflict(plan, _("上传附件"))
    errors: dict = {}
    name = text(name, "name", errors, limit=200, missing="请填写附件名称")
    if file is None:
        errors["file"] = _("请选择文件")
    elif Path(file.name or "").suffix.lower() not in ATTACHMENT_TYPES:
        errors["file"] = _("只能上传PDF、OFD、Word、WPS、Excel或图片文件")
    elif not 0 < (file.size or 0) <= ATTACHMENT_MAX_BYTES:
        errors["file"] = _("文件不能为空，也不能超过20MB")
    raise_errors(errors)
    attachment = PlanAttachment.objects.create(plan=plan, name=name, file=file, uploaded_by=by)
    _touch(plan)
    PLAN.record_event(plan, action="attach", by=by, data={"attachment": attachment.pk})
    return attachment
