"""The hazard lifecycle's transitions (``lifecycle.HAZARD`` on the workflow kernel):
上账, 开始整改, 提请验收, 验收销号, 验收不通过, 即查即改销号, 作废 — and merging a duplicate,
which voids it.

Each looks the hazard up through the writer's scope (out of scope =
``Hazard.DoesNotExist``, which interfaces answer with 404), checks who may and the state
(``_begin`` → ``HAZARD.begin``), validates, then compare-and-sets the state and version
(zero rows updated = someone else was first = ``Conflict``), writes one
``HazardTransition`` and applies the hazard's change to the clearing tally — all in one
transaction (``_commit``). A transition submitted twice by the same person is answered
with the hazard as it is (a replay), not an error. Photos are stored only once the
compare-and-set has won (a conflict leaves no file). Notices are rows written in the same
transaction; nothing leaves the process, so no step has after-commit effects today.
"""

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.exceptions import Conflict, NotPermitted, ValidationError
from anjian.hazards import lifecycle, notices
from anjian.hazards import permissions as perms
from anjian.hazards.choices import DuplicateState, Grade, PhotoStage, State
from anjian.hazards.lifecycle import HAZARD
from anjian.hazards.models import DuplicateCandidate, Hazard
from anjian.hazards.photos import prepare_photos_noting
from anjian.hazards.services.common import (
    _begin,
    _check_text,
    _clauses,
    _close_facts,
    _commit,
    _hazard_for_write,
    _raise,
    _record,
    _store_photos,
)
from anjian.hazards.services.revisits import revisit_schedule


@transaction.atomic
def hazard_register(
    *,
    by,
    hazard_id: int,
    expected_version: int | None,
    grade: str,
    deadline: date | None,
    owner_name: str,
    owner_phone: str = "",
    measures: str,
    clauses: Iterable | None = None,
    funds: Decimal | None = None,
    contingency_plan: str = "",
    interim_measures: str = "",
) -> Hazard:
    """上账: grade, deadline, owner and measures. A 重大 hazard needs its 五落实 (measures,
    funds, deadline, owner, contingency plan) and interim safety measures."""
    step = _begin(by, hazard_id, "register", expected_version)
    if step.replay:
        return step.obj
    hazard = step.obj
    picked = _clauses(clauses) if clauses is not None else list(hazard.clauses.all())
    errors: dict = {}
    dropped = set(hazard.clauses.values_list("pk", flat=True)) - {c.pk for c in picked}
    if dropped and not lifecycle.is_government(by):
        errors["clauses"] = _("重大事故隐患判定条款只能由监管部门取消")
    if grade not in (Grade.GENERAL, Grade.MAJOR):
        errors["grade"] = _("请选择隐患等级")
    if picked and grade == Grade.GENERAL:
        errors["grade"] = _("已符合重大事故隐患判定条款，不能定为一般隐患")
    today = timezone.localdate()
    if deadline is None:
        errors["deadline"] = _("请填写整改期限")
    elif deadline < today:
        errors["deadline"] = _("整改期限不能早于今天")
    _check_text(errors, "owner_name", owner_name, _("请填写整改责任人"))
    _check_text(errors, "measures", measures, _("请填写整改措施"))
    if grade == Grade.MAJOR:
        if funds is None:
            errors["funds"] = _("重大隐患须落实整改资金")
        elif funds < 0:
            errors["funds"] = _("整改资金不能为负数")
        _check_text(errors, "contingency_plan", contingency_plan, _("重大隐患须落实应急预案"))
        _check_text(
            errors, "interim_measures", interim_measures, _("重大隐患须落实整改期间的临时安全措施")
        )
    _raise(errors)
    hazard.grade = grade
    hazard.deadline = deadline
    hazard.owner_name = owner_name.strip()
    hazard.owner_phone = (owner_phone or "").strip()
    hazard.measures = measures.strip()
    hazard.funds = funds
    hazard.contingency_plan = (contingency_plan or "").strip()
    hazard.interim_measures = (interim_measures or "").strip()
    hazard.registered_at = timezone.now()
    hazard.full_clean(exclude=["clauses"])
    if clauses is not None:
        hazard.clauses.set(picked)
    hazard = _commit(
        step,
        by=by,
        fields=(
            "grade",
            "deadline",
            "owner_name",
            "owner_phone",
            "measures",
            "funds",
            "contingency_plan",
            "interim_measures",
            "registered_at",
        ),
        data={"grade": grade, "deadline": deadline.isoformat()},
    )
    notices.registered(hazard, by=by)
    return hazard


@transaction.atomic
def hazard_start(*, by, hazard_id: int, expected_version: int | None) -> Hazard:
    step = _begin(by, hazard_id, "start", expected_version)
    if step.replay:
        return step.obj
    return _commit(step, by=by)


@transaction.atomic
def hazard_submit(
    *,
    by,
    hazard_id: int,
    expected_version: int | None,
    rectification_note: str,
    photos: Sequence = (),
) -> Hazard:
    """提请验收: what was done, with at least one photo after rectification."""
    step = _begin(by, hazard_id, "submit", expected_version)
    if step.replay:
        return step.obj
    hazard = step.obj
    errors: dict = {}
    _check_text(errors, "rectification_note", rectification_note, _("请填写整改情况"))
    prepared = prepare_photos_noting(errors, photos)
    has_after = hazard.photos.filter(stage=PhotoStage.AFTER).exists()
    if not prepared and not has_after and "photos" not in errors:
        errors["photos"] = _("请上传整改后的照片")
    _raise(errors)
    hazard.rectification_note = rectification_note.strip()
    hazard.submitted_at = timezone.now()
    # Files are written only once the compare-and-set has won: a conflict leaves none.
    hazard = _commit(step, by=by, fields=("rectification_note", "submitted_at"))
    _store_photos(hazard=hazard, by=by, stage=PhotoStage.AFTER, photos=prepared)
    if lifecycle.acceptance_needs_government(hazard):
        notices.awaiting_acceptance(hazard, by=by)
    return hazard


@transaction.atomic
def hazard_accept(
    *, by, hazard_id: int, expected_version: int | None, acceptance_note: str, photos=()
) -> Hazard:
    """验收销号. A major hazard, or one the government found, is accepted by government only;
    a closed major hazard is scheduled for 回头看."""
    step = _begin(by, hazard_id, "accept", expected_version)
    if step.replay:
        return step.obj
    hazard = step.obj
    errors: dict = {}
    _check_text(errors, "acceptance_note", acceptance_note, _("请填写验收意见"))
    prepared = prepare_photos_noting(errors, photos)
    _raise(errors)
    hazard.acceptance_note = acceptance_note.strip()
    hazard.accepted_by = by
    _close_facts(hazard, timezone.now())
    hazard = _commit(
        step,
        by=by,
        fields=("acceptance_note", "accepted_by", "closed_at", "days_to_close", "closed_on_time"),
    )
    _store_photos(hazard=hazard, by=by, stage=PhotoStage.ACCEPTANCE, photos=prepared)
    if hazard.grade == Grade.MAJOR:
        revisit_schedule(hazard=hazard)
    notices.accepted(hazard, by=by)
    return hazard


@transaction.atomic
def hazard_reject(*, by, hazard_id: int, expected_version: int | None, reason: str) -> Hazard:
    """验收不通过: back to rectifying, with the reason the owner must address."""
    step = _begin(by, hazard_id, "reject", expected_version)
    if step.replay:
        return step.obj
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写验收不通过的原因")})
    hazard = _commit(step, by=by, reason=reason.strip())
    notices.rejected(hazard, by=by, reason=reason.strip())
    return hazard


@transaction.atomic
def hazard_close_on_spot(
    *,
    by,
    hazard_id: int,
    expected_version: int | None,
    rectification_note: str,
    before_photos: Sequence = (),
    after_photos: Sequence = (),
) -> Hazard:
    """即查即改: a general hazard fixed while the finder is there closes in one step, with the
    before/after pair of photos as its proof."""
    step = _begin(by, hazard_id, "close_on_spot", expected_version)
    if step.replay:
        return step.obj
    hazard = step.obj  # not major: the declaration's condition (``lifecycle.not_major``)
    errors: dict = {}
    _check_text(errors, "rectification_note", rectification_note, _("请填写现场整改情况"))
    before = prepare_photos_noting(errors, before_photos, "before_photos")
    after = prepare_photos_noting(errors, after_photos, "after_photos")
    has_found = hazard.photos.filter(stage__in=(PhotoStage.FOUND, PhotoStage.BEFORE)).exists()
    if not before and not has_found and "before_photos" not in errors:
        errors["before_photos"] = _("即查即改须有整改前照片")
    has_after = hazard.photos.filter(stage=PhotoStage.AFTER).exists()
    if not after and not has_after and "after_photos" not in errors:
        errors["after_photos"] = _("即查即改须有整改后照片")
    _raise(errors)
    now = timezone.now()
    hazard.grade = Grade.GENERAL
    hazard.fixed_on_spot = True
    hazard.rectification_note = rectification_note.strip()
    hazard.registered_at = now
    hazard.accepted_by = by
    _close_facts(hazard, now)
    hazard = _commit(
        step,
        by=by,
        fields=(
            "grade",
            "fixed_on_spot",
            "rectification_note",
            "registered_at",
            "accepted_by",
            "closed_at",
            "days_to_close",
            "closed_on_time",
        ),
    )
    _store_photos(hazard=hazard, by=by, stage=PhotoStage.BEFORE, photos=before)
    _store_photos(hazard=hazard, by=by, stage=PhotoStage.AFTER, photos=after)
    return hazard


@transaction.atomic
def hazard_void(
    *, by, hazard_id: int, expected_version: int | None, reason: str, merged_into=None
) -> Hazard:
    """作废 with a reason (never deleted): a report that was no hazard, or a duplicate."""
    step = _begin(by, hazard_id, "void", expected_version)
    if step.replay:
        return step.obj
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写作废原因")})
    hazard = step.obj  # not listed: ``lifecycle.signed_off_before_void``
    hazard.void_reason = reason.strip()[:500]
    hazard.merged_into = merged_into
    return _commit(step, by=by, fields=("void_reason", "merged_into"), reason=reason.strip())


# --- duplicates ------------------------------------------------------------------------------


@transaction.atomic
def hazard_merge(*, by, duplicate_id: int, into_id: int) -> Hazard:
    """Merge a flagged duplicate into the hazard it repeats: the duplicate is voided with a
    pointer to the one that stays; its photos stay with it and show on the kept hazard."""
    if duplicate_id == into_id:
        raise ValidationError(_("不能把隐患合并到它自己"))
    keep = _hazard_for_write(by, into_id)
    duplicate = _hazard_for_write(by, duplicate_id)
    if (keep.enterprise_id, keep.place_id) != (duplicate.enterprise_id, duplicate.place_id):
        raise ValidationError(_("只能合并同一单位或同一公共区域的隐患"))
    if keep.state == State.VOID:
        raise ValidationError(_("不能合并到已作废的隐患"))
    HAZARD.check_operation(by, "merge", duplicate)
    hazard_void(
        by=by,
        hazard_id=duplicate.pk,
        expected_version=None,
        reason=_("与隐患 %(n)s 重复，已合并") % {"n": keep.number},
        merged_into=keep,
    )
    DuplicateCandidate.objects.filter(
        hazard_id__in=(duplicate.pk, keep.pk), other_id__in=(duplicate.pk, keep.pk)
    ).update(state=DuplicateState.MERGED, decided_by=by, decided_at=timezone.now())
    _record(keep, action="merge", by=by, data={"merged": duplicate.pk, "number": duplicate.number})
    return keep


@transaction.atomic
def duplicate_dismiss(*, by, candidate_id: int) -> DuplicateCandidate:
    candidate = DuplicateCandidate.objects.select_related("hazard").get(pk=candidate_id)
    _hazard_for_write(by, candidate.hazard_id)  # scope
    if not by.can(perms.HAZARD_SUPERVISE):
        raise NotPermitted()
    updated = DuplicateCandidate.objects.filter(pk=candidate.pk, state=DuplicateState.OPEN).update(
        state=DuplicateState.DISMISSED, decided_by=by, decided_at=timezone.now()
    )
    if updated == 0:
        raise Conflict(_("该疑似重复已处理"))
    candidate.refresh_from_db()
    return candidate
