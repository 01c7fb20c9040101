"""Every write of 双随机一公开. Pages, API, demo and CLI call these.

The pools (``inspector_save``, ``conflict_declare`` / ``conflict_withdraw``,
``matter_save``) are kept by the department that draws from them. ``draw_run`` reads both
pools as they are at that moment, runs the pure engine (``draw.py``) with a fresh seed and
stores the complete record with the tasks it gives, in one transaction: what is stored is
exactly what was drawn from. ``draw_publish`` / ``draw_void`` and ``task_complete`` /
``task_cancel`` run on the workflow kernel (``lifecycle.DRAW`` / ``TASK``).

A draw cannot be retried quietly: while a draw of the same title is valid (drawn or
published) another is refused; after it is voided (with a reason, kept) the next one is
numbered as the next attempt, and the public page lists every attempt.
"""

import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accounts.roles import Role
from anjian.core.exceptions import Conflict, NotPermitted, OutOfScope, ValidationError
from anjian.core.notifications import notify
from anjian.core.scoping import ensure_in_scope, scope_of
from anjian.core.workdays import add_working_days
from anjian.enterprises.choices import Status as EnterpriseStatus
from anjian.enterprises.models import Enterprise
from anjian.inspections import draw as engine
from anjian.inspections import permissions as perms
from anjian.inspections import records
from anjian.inspections.choices import DrawState, Outcome, TaskState
from anjian.inspections.lifecycle import DRAW, TASK
from anjian.inspections.models import (
    CheckMatter,
    Draw,
    InspectionTask,
    Inspector,
    InspectorConflict,
)
from anjian.regions.models import Department

# Risk weight of a target in a weighted draw, by its 分级分类监管等级: an A-class unit is
# about four times as likely to be drawn as a D-class one.
GRADE_WEIGHTS = {"A": 4.0, "B": 3.0, "C": 2.0, "D": 1.0}
MAX_DRAW = 5000
MAX_PER_TARGET = 5


def _require(by, action: str) -> None:
    if not by.can(action):
        raise NotPermitted()


def department_for_write(by, department: Department | int, *, refusal: str = "") -> Department:
    """The department if ``by`` may act for it: inside their scope (else OutOfScope), and
    their own department for a 行业部门 user (else NotPermitted with ``refusal``)."""
    pk = getattr(department, "pk", department)
    found = Department.objects.filter(pk=pk).select_related("region").first()
    if found is None or not scope_of(by).covers_region(found.region_id):
        raise OutOfScope(field="department")
    if by.role == Role.DEPARTMENT and by.department_id != found.pk:
        raise NotPermitted(refusal or _("只能管理本部门的名录库和抽取"))
    return found


# --- the inspector pool ------------------------------------------------------------------


def inspector_save(by, *, data: dict, inspector_id: int | None = None, version=None) -> Inspector:
    """Add an official to the pool or change their entry. ``data``: user, department,
    certificate_number, certificate_valid_until, in_pool, home_regions (regions)."""
    _require(by, perms.INSPECTION_POOL)
    with transaction.atomic():
        department = department_for_write(by, data["department"])
        user = data["user"]
        if not user.is_active or user.role in (Role.ENTERPRISE, Role.EXPERT):
            raise ValidationError({"user": _("执法检查人员须为在职的政府工作人员账号")})
        if not scope_of(by).covers_region(user.region_id or ""):
            raise ValidationError({"user": _("只能登记您管辖范围内的人员")})
        outside = [
            region.name
            for region in data.get("home_regions", ())
            if not region.pk.startswith(department.region_id)
        ]
        if outside:
            raise ValidationError(
                {
                    "home_regions": _("须为所属部门辖区内的街镇或社区：%(names)s 不在其中")
                    % {"names": "、".join(outside)}
                }
            )
        if inspector_id is None:
            inspector = Inspector(department=department, user=user)
        else:
            inspector = (
                Inspector.objects.for_user(by).select_for_update().filter(pk=inspector_id).first()
            )
            if inspector is None:
                raise OutOfScope()
            if version is not None and inspector.version != version:
                raise Conflict()
            inspector.department, inspector.user = department, user
            inspector.version += 1
        inspector.certificate_number = data["certificate_number"].strip()
        inspector.certificate_valid_until = data["certificate_valid_until"]
        inspector.in_pool = data.get("in_pool", True)
        duplicate = Inspector.objects.filter(certificate_number=inspector.certificate_number)
        if duplicate.exclude(pk=inspector.pk).exists():
            raise ValidationError({"certificate_number": _("该执法证号已登记")})
        if Inspector.objects.filter(user=user).exclude(pk=inspector.pk).exists():
            raise ValidationError({"user": _("该人员已在执法检查人员名录库中")})
        inspector.full_clean(exclude=["home_regions"])
        inspector.save()
        inspector.home_regions.set(data.get("home_regions", ()))
        ensure_in_scope(by, inspector, field="department")
    return inspector


def conflict_declare(by, *, inspector: Inspector | int, enterprise, reason: str):
    """Declare that ``inspector`` must step aside (回避) from ``enterprise``."""
    _require(by, perms.INSPECTION_POOL)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请写明回避理由")})
    with transaction.atomic():
        found = Inspector.objects.for_user(by).filter(pk=getattr(inspector, "pk", inspector))
        found = found.first()
        if found is None:
            raise OutOfScope(field="inspector")
        department_for_write(by, found.department_id)
        target = Enterprise.objects.for_user(by).filter(pk=getattr(enterprise, "pk", enterprise))
        target = target.first()
        if target is None:
            raise OutOfScope(field="enterprise")
        try:
            with transaction.atomic():
                return InspectorConflict.objects.create(
                    inspector=found, enterprise=target, reason=reason[:200], declared_by=by
                )
        except IntegrityError:
            raise ValidationError({"enterprise": _("该人员对此单位的回避已登记")}) from None


def conflict_withdraw(by, *, conflict_id: int) -> InspectorConflict:
    _require(by, perms.INSPECTION_POOL)
    with transaction.atomic():
        conflict = (
            InspectorConflict.objects.filter(inspector__in=Inspector.objects.for_user(by))
            .select_for_update(of=("self",))
            .filter(pk=conflict_id)
            .select_related("inspector")
            .first()
        )
        if conflict is None:
            raise OutOfScope()
        department_for_write(by, conflict.inspector.department_id)
        if conflict.withdrawn_at is None:
            conflict.withdrawn_at, conflict.withdrawn_by = timezone.now(), by
            conflict.save(update_fields=["withdrawn_at", "withdrawn_by"])
    return conflict


# --- the matters list --------------------------------------------------------------------


def matter_save(by, *, data: dict, matter_id: int | None = None, version=None) -> CheckMatter:
    """``data``: department, name, basis, industries, is_active."""
    _require(by, perms.INSPECTION_POOL)
    with transaction.atomic():
        department = department_for_write(by, data["department"])
        if matter_id is None:
            matter = CheckMatter(department=department)
        else:
            matter = CheckMatter.objects.for_user(by).select_for_update().filter(pk=matter_id)
            matter = matter.first()
            if matter is None:
                raise OutOfScope()
            if version is not None and matter.version != version:
                raise Conflict()
            matter.department = department
            matter.version += 1
        matter.name = data["name"].strip()
        matter.basis = data["basis"].strip()
        matter.is_active = data.get("is_active", True)
        industries = list(data.get("industries") or ())
        if not industries:
            raise ValidationError({"industries": _("请选择抽查对象的行业")})
        scope = scope_of(by)
        foreign = [i.name for i in industries if not scope.covers_industry(i.pk)]
        if foreign:
            raise ValidationError(
                {
                    "industries": _("不在本部门监管范围内的行业：%(names)s")
                    % {"names": "、".join(foreign)}
                }
            )
        taken = CheckMatter.objects.filter(department=department, name=matter.name)
        if taken.exclude(pk=matter.pk).exists():
            raise ValidationError({"name": _("本部门已有同名抽查事项")})
        matter.full_clean(exclude=["industries"])
        matter.save()
        matter.industries.set(industries)
    return matter


# --- the draw ------------------------------------------------------------------------------


def target_pool(by, *, department: Department, matter: CheckMatter, street=None, grades=""):
    """The enterprises a draw picks from: operating units of the matter's industries in
    the department's region (and in ``by``'s scope), narrowed to a street and grades."""
    units = Enterprise.objects.for_user(by).filter(
        scope_region_code__startswith=department.region_id,
        industry__in=matter.industries.all(),
        status=EnterpriseStatus.OPERATING,
    )
    if street is not None:
        units = units.filter(street_id=street.pk)
    if grades:
        units = units.filter(supervision_grade__in=list(grades))
    return units


def inspector_pool(department: Department, day):
    """The department's officials who may be drawn on ``day``: in the pool, active, with a
    certificate valid that day."""
    return Inspector.objects.filter(
        department=department,
        in_pool=True,
        user__is_active=True,
        certificate_valid_until__gte=day,
    )


def _last_visits(department: Department, pool_ids: set[int]) -> frozenset[tuple[int, int]]:
    """(inspector, enterprise) of each enterprise's latest task of this department that was
    not cancelled and whose draw was not voided: 确保每次双随机人员不同. Read in one
    statement over the department's tasks (not an IN list of the whole target pool)."""
    latest = (
        InspectionTask.objects.filter(department=department)
        .exclude(state=TaskState.CANCELLED)
        .exclude(draw__state=DrawState.VOIDED)
        .values("enterprise_id")
        .annotate(last=Max("id"))
        .values("last")
    )
    through = InspectionTask.inspectors.through.objects.filter(inspectiontask_id__in=latest)
    return frozenset(
        pair
        for pair in through.values_list("inspector_id", "inspectiontask__enterprise_id")
        if pair[0] in pool_ids
    )


def draw_run(
    by,
    *,
    department: Department | int,
    matter: CheckMatter | int,
    title: str,
    count: int,
    per_target: int = engine.MIN_INSPECTORS,
    weighted: bool = False,
    street=None,
    grades: str = "",
    unannounced: bool = True,
) -> Draw:
    """Draw ``count`` targets and ``per_target`` inspectors for each, store the record
    and the tasks; tell the drawn inspectors after the commit."""
    _require(by, perms.INSPECTION_DRAW)
    title = (title or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("请填写抽查任务名称")
    if not 1 <= count <= MAX_DRAW:
        errors["count"] = _("抽取对象数须在 1 到 %(max)s 之间") % {"max": MAX_DRAW}
    if per_target < engine.MIN_INSPECTORS:
        errors["per_target"] = _("每个检查对象至少派 %(n)s 名执法人员") % {
            "n": engine.MIN_INSPECTORS
        }
    elif per_target > MAX_PER_TARGET:
        errors["per_target"] = _("每个检查对象至多派 %(n)s 名执法人员") % {"n": MAX_PER_TARGET}
    grades = "".join(sorted(set(grades or "")))
    if set(grades) - set(GRADE_WEIGHTS):
        errors["grades"] = _("监管等级只能是 A、B、C、D")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        department = department_for_write(by, department)
        matter = (
            CheckMatter.objects.filter(pk=getattr(matter, "pk", matter), department=department)
            .prefetch_related("industries")
            .first()
        )
        if matter is None or not matter.is_active:
            raise ValidationError({"matter": _("请选择本部门启用中的抽查事项")})
        if street is not None and not street.pk.startswith(department.region_id):
            raise ValidationError({"street": _("所选街镇不在本部门辖区内")})
        # One draw of a title at a time: the lock serialises two officials drawing it at once.
        Department.objects.select_for_update().filter(pk=department.pk).first()
        earlier = Draw.objects.filter(department=department, title=title)
        if earlier.exclude(state=DrawState.VOIDED).exists():
            raise ValidationError(
                {"title": _("该抽查任务已有有效的抽取结果；如需重新抽取，请先作废并写明原因")}
            )
        today = timezone.localdate()
        units = list(
            target_pool(by, department=department, matter=matter, street=street, grades=grades)
            .values_list("id", "grid_id", "street_id", "supervision_grade")
            .order_by("id")
        )
        targets = [
            engine.Target(
                id=pk,
                region=grid or street_code,
                weight=GRADE_WEIGHTS[grade] if weighted else 1.0,
            )
            for pk, grid, street_code, grade in units
        ]
        pool = list(
            inspector_pool(department, today)
            .select_related("user")
            .prefetch_related("home_regions")
        )
        inspectors = [
            engine.Inspector(id=i.pk, home_regions=tuple(r.pk for r in i.home_regions.all()))
            for i in pool
        ]
        target_ids = {t.id for t in targets}
        pool_ids = {i.pk for i in pool}
        declared = frozenset(
            (i, e)
            for i, e in InspectorConflict.objects.filter(
                inspector_id__in=pool_ids, withdrawn_at__isnull=True
            ).values_list("inspector_id", "enterprise_id")
            if e in target_ids
        )
        rules = engine.Rules(
            count=count,
            per_target=per_target,
            weighted=weighted,
            conflicts=declared,
            last_time=frozenset(
                pair for pair in _last_visits(department, pool_ids) if pair[1] in target_ids
            ),
        )
        seed = secrets.token_hex(16)
        try:
            result = engine.draw(seed, targets, inspectors, rules)
        except engine.DrawError as exc:
            raise ValidationError({exc.field: _describe(exc)}) from None
        drawn = Draw.objects.create(
            department=department,
            matter=matter,
            title=title,
            attempt=earlier.count() + 1,
            street=street,
            grades=grades,
            count=count,
            per_target=per_target,
            weighted=weighted,
            drawn_on=today,
            publish_by=add_working_days(today, settings.DRAW_PUBLISH_WORKING_DAYS),
            seed=seed,
            engine=result.engine,
            target_fingerprint=result.target_fingerprint,
            inspector_fingerprint=result.inspector_fingerprint,
            rules_fingerprint=result.rules_fingerprint,
            target_pool_size=len(targets),
            inspector_pool_size=len(inspectors),
            record=records.dumps(result, targets, inspectors, rules),
            created_by=by,
        )
        tasks = InspectionTask.objects.bulk_create(
            InspectionTask(
                draw=drawn,
                department=department,
                enterprise_id=assignment.target,
                position=position,
                unannounced=unannounced,
            )
            for position, assignment in enumerate(result.assignments, start=1)
        )
        Through = InspectionTask.inspectors.through
        Through.objects.bulk_create(
            Through(inspectiontask_id=task.pk, inspector_id=inspector_id)
            for task, assignment in zip(tasks, result.assignments, strict=True)
            for inspector_id in assignment.inspectors
        )
        DRAW.record_event(
            drawn,
            action="draw",
            by=by,
            to_state=DrawState.DRAWN,
            data={"seed": seed, "targets": len(targets), "inspectors": len(inspectors)},
        )
        ensure_in_scope(by, drawn, field="department")
        _tell_inspectors(drawn, pool, result)
    return drawn


def _describe(exc: engine.DrawError) -> str:
    """The engine's reason, with the unit short of officials named rather than numbered."""
    message = str(exc)
    if exc.target is not None:
        name = Enterprise.objects.filter(pk=exc.target).values_list("name", flat=True).first()
        message = message.replace(f"检查对象 {exc.target} ", f"检查对象“{name}”", 1)
    return message


def _tell_inspectors(drawn: Draw, pool, result) -> None:
    """One notice per drawn inspector, written in one statement per distinct task count."""
    counts: dict[int, int] = {}
    for assignment in result.assignments:
        for inspector_id in assignment.inspectors:
            counts[inspector_id] = counts.get(inspector_id, 0) + 1
    users = {i.pk: i.user for i in pool}
    by_count: dict[int, list] = {}
    for inspector_id, tasks in counts.items():
        by_count.setdefault(tasks, []).append(users[inspector_id])
    for tasks, told in sorted(by_count.items()):
        notify(
            users=told,
            title=_("您被抽中参加“%(title)s”") % {"title": str(drawn)},
            body=_("共 %(n)s 个检查对象，请在任务列表中查看（检查前不得通知被检查单位）")
            % {"n": tasks},
            url=drawn.get_absolute_url(),
            kind="inspection_draw",
            dedupe_key=f"inspection-draw-{drawn.pk}",
        )


def _draw_for_write(by, draw_id: int) -> Draw:
    found = Draw.objects.for_user(by).select_for_update(of=("self",)).filter(pk=draw_id).first()
    if found is None:
        raise OutOfScope()
    return found


def draw_publish(by, *, draw_id: int, version: int | None = None) -> Draw:
    """公示: the draw and its tasks' outcomes appear on the public page."""
    with transaction.atomic():
        step = DRAW.begin(
            by=by, obj=_draw_for_write(by, draw_id), name="publish", expected_version=version
        )
        if step.replay:
            return step.obj
        return DRAW.commit(step, by=by, values={"published_at": timezone.now()})


def draw_void(by, *, draw_id: int, reason: str, version: int | None = None) -> Draw:
    """作废 (with the reason): its tasks are cancelled; the draw stays on record."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请写明作废原因")})
    with transaction.atomic():
        step = DRAW.begin(
            by=by, obj=_draw_for_write(by, draw_id), name="void", expected_version=version
        )
        if step.replay:
            return step.obj
        drawn = DRAW.commit(step, by=by, reason=reason)
        for task in drawn.tasks.filter(state=TaskState.ASSIGNED).select_for_update():
            TASK.commit(
                TASK.internal(task, "cancel"), by=by, reason=_("抽取作废：%(r)s") % {"r": reason}
            )
    return drawn


# --- tasks --------------------------------------------------------------------------------


def _task_for_write(by, task_id: int) -> InspectionTask:
    """The task through ``by``'s scope; an 执法人员 reaches only the tasks they were drawn
    for (others are not found, as on the pages and the API)."""
    tasks = InspectionTask.objects.for_user(by)
    if by.role == Role.INSPECTOR:
        tasks = tasks.filter(inspectors__user=by)
    found = tasks.select_for_update(of=("self",)).filter(pk=task_id).first()
    if found is None:
        raise OutOfScope()
    return found


def task_complete(
    by, *, task_id: int, inspected_on, outcome: str, note: str = "", version: int | None = None
) -> InspectionTask:
    """登记检查结果: the date of the visit and the outcome the publication states."""
    errors = {}
    if inspected_on is None:
        errors["inspected_on"] = _("请填写检查日期")
    elif inspected_on > timezone.localdate():
        errors["inspected_on"] = _("检查日期不能晚于今天")
    if outcome not in Outcome.values:
        errors["outcome"] = _("请选择检查结果")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        task = _task_for_write(by, task_id)
        step = TASK.begin(by=by, obj=task, name="complete", expected_version=version)
        if step.replay:
            return step.obj
        if task.draw_id and inspected_on < task.draw.drawn_on:
            raise ValidationError({"inspected_on": _("检查日期不能早于抽取日期")})
        return TASK.commit(
            step,
            by=by,
            values={"inspected_on": inspected_on, "outcome": outcome, "outcome_note": note[:500]},
            data={"outcome": outcome},
        )


def task_cancel(by, *, task_id: int, reason: str, version: int | None = None) -> InspectionTask:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请写明取消原因")})
    with transaction.atomic():
        step = TASK.begin(
            by=by, obj=_task_for_write(by, task_id), name="cancel", expected_version=version
        )
        if step.replay:
            return step.obj
        return TASK.commit(step, by=by, reason=reason)
