"""完成检查 and 整改复查: what an inspection's findings become.

Completing turns each failed mark into a hazard in the one ledger (source 监督检查, with its
photos) with the ordered deadline, issues the 现场检查记录 and, with findings, the
责令限期整改指令书, and completes the drawn task it came from. 整改复查 records, per finding,
whether it was rectified and issues the 整改复查意见书 that refers to the order.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.exceptions import Conflict, ValidationError
from anjian.hazards.choices import Source
from anjian.hazards.models import Hazard
from anjian.hazards.services import hazard_report
from anjian.inspections import chain, documents
from anjian.inspections import services as draw_services
from anjian.inspections.choices import Outcome
from anjian.inspections.lifecycle import INSPECTION
from anjian.inspections.models import ChecklistEntry, Evidence, Inspection, InspectionMark
from anjian.inspections.onsite.services import (
    _inspection_for_write,
    _int,
    _position,
    _require,
    mark_key,
)
from anjian.inspections.record_models import (
    DocumentKind,
    EvidenceKind,
    InspectionState,
    MarkResult,
)


def _completion_errors(inspection: Inspection, marks: list[InspectionMark]) -> dict:
    errors: dict = {}
    marked = {m.entry_id for m in marks}
    missing = ChecklistEntry.objects.filter(
        template_id=inspection.checklist_id, is_active=True
    ).exclude(pk__in=marked)
    if missing.exists():
        errors["marks"] = [
            _("还有 %(n)d 项未检查：%(first)s")
            % {"n": missing.count(), "first": missing.order_by("position").first().text}
        ]
    with_photos = set(
        Evidence.objects.filter(inspection=inspection, kind=EvidenceKind.PHOTO).values_list(
            "mark_id", flat=True
        )
    )
    for mark in marks:
        if mark.result != MarkResult.FAIL:
            continue
        problems = []
        if not mark.note:
            problems.append(_("请填写存在的问题"))
        if not mark.place:
            problems.append(_("请填写问题部位"))
        if mark.deadline is None:
            problems.append(_("请填写责令整改期限"))
        elif mark.deadline < timezone.localdate():
            problems.append(_("责令整改期限不能早于今天"))
        if mark.pk not in with_photos:
            problems.append(_("请拍摄现场照片"))
        if problems:
            errors[mark_key(mark.entry_id)] = problems
    if not inspection.enterprise_signer or not inspection.enterprise_signature:
        errors["enterprise_signature"] = [_("请被检查单位现场负责人签名")]
    if not inspection.inspector_signature:
        errors["inspector_signature"] = [_("请检查人员签名")]
    return errors


def _raise_hazard(by, inspection: Inspection, mark: InspectionMark) -> Hazard:
    entry = mark.entry
    photos = [e.file for e in mark.evidence.filter(kind=EvidenceKind.PHOTO)]
    description = _("%(note)s（检查依据：%(basis)s；责令于 %(deadline)s 前整改完毕）") % {
        "note": mark.note,
        "basis": entry.basis,
        "deadline": f"{mark.deadline:%Y年%m月%d日}",
    }
    hazard = hazard_report(
        by=by,
        enterprise=inspection.enterprise,
        source=Source.INSPECTION,
        title=entry.finding[:120],
        description=description[:2000],
        location=mark.place,
        found_at=mark.marked_at,
        photos=photos,
        source_object=inspection,
        latitude=inspection.latitude,
        longitude=inspection.longitude,
    )
    # The ordered deadline (责令整改期限) is where 上账 starts from.
    Hazard.objects.filter(pk=hazard.pk).update(deadline=mark.deadline)
    mark.hazard = hazard
    mark.save(update_fields=["hazard"])
    return hazard


@transaction.atomic
def inspection_complete(
    by,
    *,
    inspection_id: int,
    expected_version: int,
    summary: str = "",
    latitude=None,
    longitude=None,
) -> Inspection:
    """完成检查: findings → hazards, the documents, the drawn task's outcome."""
    _require(by)
    inspection = _inspection_for_write(by, inspection_id)
    step = INSPECTION.begin(
        by=by, obj=inspection, name="complete", expected_version=expected_version
    )
    if step.replay:
        return step.obj
    inspection = step.obj
    summary = (summary or inspection.summary or "").strip()
    if len(summary) > 4000:
        raise ValidationError({"summary": _("检查情况不能超过 4000 字")})
    marks = list(inspection.marks.select_related("entry").order_by("entry__position"))
    errors = _completion_errors(inspection, marks)
    if errors:
        raise ValidationError(errors)
    failed = [m for m in marks if m.result == MarkResult.FAIL]
    hazards = [_raise_hazard(by, inspection, mark) for mark in failed]
    inspection = INSPECTION.commit(
        step,
        by=by,
        values={"summary": summary, "finished_at": timezone.now()},
        data={"findings": len(failed)},
    )
    chain.append(
        chain.chain_key(inspection),
        by=by,
        action="complete",
        summary=_("完成检查，发现问题 %(n)d 项") % {"n": len(failed)},
        data={"hazards": [h.number for h in hazards]},
        **_position(latitude, longitude),
    )
    documents.issue(by=by, kind=DocumentKind.INSPECTION_RECORD, inspection=inspection)
    if failed:
        documents.issue(by=by, kind=DocumentKind.RECTIFICATION_ORDER, inspection=inspection)
    if inspection.task_id:
        task = inspection.task
        draw_services.task_complete(
            by,
            task_id=task.pk,
            inspected_on=timezone.localtime(inspection.started_at).date(),
            outcome=Outcome.RECTIFY if failed else Outcome.NO_PROBLEM,
            note=_("现场检查发现问题 %(n)d 项") % {"n": len(failed)} if failed else "",
            version=task.version,
        )
    inspection.refresh_from_db()
    return inspection


@transaction.atomic
def reinspect(
    by,
    *,
    inspection_id: int,
    results,
    opinion: str = "",
    latitude=None,
    longitude=None,
):
    """整改复查: for each finding of a completed inspection, whether it was rectified (with a
    note), and the opinion — issued as the 整改复查意见书 referring to the 责令限期整改指令书.
    ``results``: ``{entry_id, rectified, note}`` per finding; a finding left out is an error.
    Re-inspect within 10 days of the deadline (办法 Art. 17); the form proposes 已整改 where
    the finding's hazard is 已销号."""
    _require(by)
    inspection = _inspection_for_write(by, inspection_id)
    if inspection.state != InspectionState.DONE:
        raise Conflict(_("检查完成后才能整改复查"), state=inspection.state)
    findings = list(
        inspection.marks.filter(result=MarkResult.FAIL)
        .select_related("entry")
        .order_by("entry__position")
    )
    order = inspection.documents.filter(kind=DocumentKind.RECTIFICATION_ORDER).first()
    if not findings or order is None:
        raise ValidationError({"results": _("本次检查没有责令整改的问题，无需复查")})
    given = {_int(row.get("entry_id")): row for row in results or ()}
    errors: dict = {}
    rows = []
    for mark in findings:
        row = given.get(mark.entry_id)
        if row is None:
            errors[mark_key(mark.entry_id)] = [_("请填写该问题的复查结果")]
            continue
        note = str(row.get("note") or "").strip()
        if len(note) > 500:
            errors[mark_key(mark.entry_id)] = [_("复查情况不能超过 500 字")]
        rows.append(
            {
                "entry_id": mark.entry_id,
                "finding": mark.entry.finding,
                "place": mark.place,
                "rectified": bool(row.get("rectified")),
                "note": note,
            }
        )
    opinion = (opinion or "").strip()
    if len(opinion) > 1000:
        errors["opinion"] = [_("复查意见不能超过 1000 字")]
    if errors:
        raise ValidationError(errors)
    document = documents.issue(
        by=by,
        kind=DocumentKind.REINSPECTION_OPINION,
        inspection=inspection,
        extra={"order": order, "results": rows, "opinion": opinion},
    )
    INSPECTION.record_event(
        inspection,
        by=by,
        action="reinspect",
        data={"document": document.pk, "open": sum(not r["rectified"] for r in rows)},
    )
    chain.append(
        chain.chain_key(inspection),
        by=by,
        action="reinspect",
        summary=_("整改复查：%(done)d 项已整改，%(open)d 项未整改")
        % {
            "done": sum(r["rectified"] for r in rows),
            "open": sum(not r["rectified"] for r in rows),
        },
        data={str(r["entry_id"]): [r["rectified"], r["note"]] for r in rows},
        **_position(latitude, longitude),
    )
    return document
