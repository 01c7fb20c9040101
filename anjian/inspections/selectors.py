"""Reads of 双随机一公开, scoped by the user (``for_user``), and the public reads.

The public page (no login) reads only published draws (``public_draws``,
``public_draw``) and, beside a published draw, the earlier attempts of the same task that
were voided, with their reasons — so a draw retried until it suited someone shows.
"""

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404

from anjian.accounts.roles import Role
from anjian.inspections import records
from anjian.inspections.choices import DrawState, TaskState
from anjian.inspections.draw import DrawError
from anjian.inspections.models import (
    CheckMatter,
    Draw,
    DrawTransition,
    EnforcementDocument,
    InspectionTask,
    Inspector,
    InspectorConflict,
)


def inspectors(user):
    return (
        Inspector.objects.for_user(user)
        .select_related("user", "department")
        .annotate(conflict_count=Count("conflicts", filter=Q(conflicts__withdrawn_at__isnull=True)))
        .order_by("department_id", "certificate_number")
    )


def inspector_get(user, pk: int) -> Inspector:
    return get_object_or_404(
        Inspector.objects.for_user(user).select_related("user", "department"), pk=pk
    )


def conflicts_of(inspector: Inspector):
    return (
        InspectorConflict.objects.filter(inspector=inspector)
        .select_related("enterprise", "declared_by", "withdrawn_by")
        .order_by("withdrawn_at", "-created_at")
    )


def matters(user):
    return (
        CheckMatter.objects.for_user(user)
        .select_related("department")
        .prefetch_related("industries")
        .order_by("department_id", "name")
    )


def matter_get(user, pk: int) -> CheckMatter:
    return get_object_or_404(matters(user), pk=pk)


def _visible_draws(user):
    """Draws in the user's scope; a 行业部门 user or an 执法人员 sees only their own
    department's (before publication a draw names the units to be inspected unannounced —
    another department has no need to know them; published ones are on the public page)."""
    found = Draw.objects.for_user(user)
    if user.role in (Role.DEPARTMENT, Role.INSPECTOR) and user.department_id:
        found = found.filter(department_id=user.department_id)
    return found


def draws(user):
    return (
        _visible_draws(user)
        .select_related("department", "matter", "street", "created_by")
        .defer("record")
        .order_by("-created_at", "-id")
    )


def draw_get(user, pk: int) -> Draw:
    return get_object_or_404(
        _visible_draws(user).select_related("department", "matter", "street", "created_by"),
        pk=pk,
    )


def tasks_of(drawn: Draw):
    return (
        drawn.tasks.select_related("enterprise", "enterprise__street")
        .prefetch_related(Prefetch("inspectors", queryset=Inspector.objects.select_related("user")))
        .order_by("position", "id")
    )


def tasks(user):
    """The tasks in the user's scope; an 执法人员 sees only those they were drawn for (the
    targets of unannounced inspections are not shown to colleagues)."""
    found = InspectionTask.objects.for_user(user)
    if user.role == Role.INSPECTOR:
        found = found.filter(inspectors__user=user)
    return (
        found.select_related("enterprise", "department", "draw")
        .prefetch_related(Prefetch("inspectors", queryset=Inspector.objects.select_related("user")))
        .order_by("state", "-id")
    )


def my_tasks(user):
    """The tasks ``user`` was drawn for, open first."""
    return tasks(user).filter(inspectors__user=user).distinct()


def task_get(user, pk: int) -> InspectionTask:
    return get_object_or_404(tasks(user), pk=pk)


def draw_check(drawn: Draw) -> list[str]:
    """What is wrong with a stored draw: an empty list when its record re-runs to the
    stored fingerprints and result and the stored tasks are the record's assignments."""
    try:
        record = records.loads(drawn.record)
        problems = records.check(record)
    except (records.RecordError, DrawError) as exc:
        return [f"抽取记录无法复核：{exc}"]
    result = record.result
    if result.seed != drawn.seed:
        problems.append("记录中的随机种子与登记的不同")
    stored = (
        (result.target_fingerprint, drawn.target_fingerprint, "检查对象名录"),
        (result.inspector_fingerprint, drawn.inspector_fingerprint, "执法人员名录"),
        (result.rules_fingerprint, drawn.rules_fingerprint, "抽取规则"),
    )
    for recorded, registered, what in stored:
        if recorded != registered:
            problems.append(f"记录中的{what}指纹与登记的不同")
    assigned = {
        (task.enterprise_id, tuple(sorted(i.pk for i in task.inspectors.all())))
        for task in drawn.tasks.prefetch_related("inspectors")
    }
    if assigned != {(a.target, a.inspectors) for a in result.assignments}:
        problems.append("检查任务与抽取记录中的结果不一致")
    return problems


def record_file(drawn: Draw) -> bytes:
    """The record as the public page offers it for download (``anjian verify_draw``)."""
    return drawn.record.encode()


# --- public (no login) ---------------------------------------------------------------------


def public_draws():
    return (
        Draw.objects.filter(state=DrawState.PUBLISHED)
        .select_related("department", "department__region", "matter")
        .defer("record")
        .annotate(
            done=Count("tasks", filter=Q(tasks__state=TaskState.DONE)),
            target_count=Count("tasks"),
        )
        .order_by("-published_at", "-id")
    )


def public_draw(pk: int) -> Draw:
    return get_object_or_404(
        Draw.objects.filter(state=DrawState.PUBLISHED).select_related(
            "department", "department__region", "matter"
        ),
        pk=pk,
    )


def unannounced_pending(drawn: Draw) -> bool:
    """Whether an unannounced (四不两直) task of the draw is still to be inspected: until
    then the public page withholds its unit and the record."""
    return drawn.tasks.filter(unannounced=True, state=TaskState.ASSIGNED).exists()


def voided_attempts(drawn: Draw):
    """The voided attempts of the same task, each with the reason given."""
    voided = Draw.objects.filter(
        department_id=drawn.department_id, title=drawn.title, state=DrawState.VOIDED
    ).order_by("attempt")
    reasons = dict(
        DrawTransition.objects.filter(draw__in=voided, action="void").values_list(
            "draw_id", "reason"
        )
    )
    return [(attempt, reasons.get(attempt.pk, "")) for attempt in voided.defer("record")]


def documents(user):
    """Issued enforcement documents (文书台账) in scope; a 行业部门 user or an 执法人员 sees
    their own department's (as with draws)."""
    found = EnforcementDocument.objects.for_user(user)
    if user.role in (Role.DEPARTMENT, Role.INSPECTOR) and user.department_id:
        found = found.filter(department_id=user.department_id)
    return found.select_related("enterprise", "department", "issued_by").order_by(
        "-issued_at", "-id"
    )
