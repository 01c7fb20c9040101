"""Reads of on-site inspections and visits, through the user's scope.

A 行业部门 user or an 执法人员 sees only their own department's inspections (as with draws:
an unannounced inspection is not another department's business); an 执法人员 only those
they are one of the inspectors of. An enterprise never reaches them (no enterprise path).
"""

import segno
from django.core import signing
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from anjian.accounts.roles import Role
from anjian.inspections import chain
from anjian.inspections.choices import TaskState
from anjian.inspections.lifecycle import INSPECTION
from anjian.inspections.models import (
    ChecklistEntry,
    Evidence,
    Inspection,
    InspectionTask,
    RecordEntry,
    Visit,
)
from anjian.inspections.standards.selectors import checklist_suits, checklists_for  # noqa: F401

VISIT_SALT = "anjian.inspections.visit"


def inspections(user, *, state: str = "", enterprise_id: int | None = None):
    found = Inspection.objects.for_user(user)
    if user.role in (Role.DEPARTMENT, Role.INSPECTOR) and user.department_id:
        found = found.filter(department_id=user.department_id)
    if user.role == Role.INSPECTOR:
        found = found.filter(inspectors__user=user)
    if state:
        found = found.filter(state=state)
    if enterprise_id:
        found = found.filter(enterprise_id=enterprise_id)
    return found.select_related("enterprise", "department", "checklist").order_by(
        "-started_at", "-id"
    )


def inspection_for(user, pk: int) -> Inspection:
    return get_object_or_404(inspections(user), pk=pk)


def tasks_to_start(user):
    """Drawn tasks assigned to ``user`` (an 执法人员) with no inspection started yet."""
    return (
        InspectionTask.objects.for_user(user)
        .filter(inspectors__user=user, state=TaskState.ASSIGNED, inspection__isnull=True)
        .select_related("enterprise", "draw")
        .order_by("draw__drawn_on", "position")
    )


def _date(value) -> str | None:
    return value.isoformat() if value else None


def bundle(user, pk: int) -> dict:
    """Everything the phone form needs to work offline, as JSON-ready data."""
    inspection = inspection_for(user, pk)
    marks = {m.entry_id: m for m in inspection.marks.all()}
    entries = [
        e
        for e in ChecklistEntry.objects.filter(template_id=inspection.checklist_id).order_by(
            "position", "id"
        )
        if e.is_active or e.pk in marks
    ]
    evidence = Evidence.objects.filter(inspection=inspection).order_by("uploaded_at", "id")
    return {
        "id": inspection.pk,
        "version": inspection.version,
        "state": inspection.state,
        "state_label": inspection.get_state_display(),
        "number": inspection.number,
        "kind": inspection.kind,
        "kind_label": inspection.get_kind_display(),
        "enterprise": {"id": inspection.enterprise_id, "name": inspection.enterprise.name},
        "department": inspection.department.name,
        "checklist": {"id": inspection.checklist_id, "name": inspection.checklist.name},
        "unannounced": inspection.unannounced,
        "started_at": timezone.localtime(inspection.started_at).isoformat(),
        "place": inspection.place,
        "summary": inspection.summary,
        "enterprise_signer": inspection.enterprise_signer,
        "signed": {
            "enterprise": bool(inspection.enterprise_signature),
            "inspector": bool(inspection.inspector_signature),
        },
        "inspectors": [
            {"id": i.pk, "name": i.user.name, "certificate": i.certificate_number}
            for i in inspection.inspectors.select_related("user")
        ],
        "entries": [
            {
                "id": e.pk,
                "position": e.position,
                "text": e.text,
                "basis": e.basis,
                "finding": e.finding,
                "major": e.major,
            }
            for e in entries
        ],
        "marks": [
            {
                "entry_id": m.entry_id,
                "result": m.result,
                "note": m.note,
                "place": m.place,
                "deadline": _date(m.deadline),
                "hazard": m.hazard_id,
            }
            for m in marks.values()
        ],
        "evidence": [
            {
                "id": e.pk,
                "kind": e.kind,
                "entry_id": e.mark.entry_id if e.mark_id else None,
                "sha256": e.sha256,
                "url": reverse("inspections:inspection_evidence", args=[inspection.pk, e.pk]),
            }
            for e in evidence.select_related("mark")
        ],
        "available": [t.name for t in INSPECTION.available(user, inspection)],
    }


def record_entries(inspection: Inspection):
    return RecordEntry.objects.filter(chain=chain.chain_key(inspection)).select_related("by")


def record_check(inspection: Inspection):
    return chain.verify(chain.chain_key(inspection))


def visits(user):
    found = Visit.objects.for_user(user)
    if user.role in (Role.DEPARTMENT, Role.INSPECTOR) and user.department_id:
        found = found.filter(department_id=user.department_id)
    return found.select_related("enterprise", "by", "inspection").order_by("-at", "-id")


def visit_token(enterprise) -> str:
    """The token in a unit's QR code: its id, signed so codes cannot be made up."""
    return signing.dumps(enterprise.pk, salt=VISIT_SALT, compress=True)


def enterprise_from_token(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=VISIT_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def enterprise_qr_svg(enterprise, request=None) -> str:
    """The unit's QR code (SVG markup) pointing at its 到达登记 page."""
    path = reverse("inspections:visit_scan", args=[visit_token(enterprise)])
    url = request.build_absolute_uri(path) if request is not None else path
    return segno.make(url, error="m").svg_inline(scale=4)
