"""On-site inspections: start, mark the checklist, attach evidence, sign, void, visits.

Every step is appended to the inspection's 执法全过程记录 (``chain``), with the position
the phone reported. Marks are saved with the version the form loaded (compare-and-set):
a phone that was offline while someone else saved gets a ``Conflict`` and is shown the
difference — never a silent overwrite. Completing and re-inspecting are in ``findings``.
"""

import base64
import binascii
import hashlib
import mimetypes
from datetime import date
from io import BytesIO
from uuid import UUID

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from anjian.accounts.roles import Role
from anjian.core.exceptions import Conflict, NotPermitted, OutOfScope, ValidationError
from anjian.core.scoping import ensure_in_scope
from anjian.enterprises.models import Enterprise
from anjian.hazards.photos import prepare_photo
from anjian.inspections import chain
from anjian.inspections import permissions as perms
from anjian.inspections import services as draw_services
from anjian.inspections.choices import TaskState
from anjian.inspections.lifecycle import INSPECTION
from anjian.inspections.models import (
    ChecklistEntry,
    ChecklistTemplate,
    Evidence,
    Inspection,
    InspectionMark,
    InspectionTask,
    Inspector,
    PlanEntry,
    Visit,
)
from anjian.inspections.onsite import selectors
from anjian.inspections.record_models import (
    EvidenceKind,
    InspectionKind,
    InspectionState,
    MarkResult,
    VisitMethod,
)
from anjian.inspections.standards.selectors import checklist_suits, checklists_for

MIN_INSPECTORS = 2  # 行政处罚法 Art. 42 / 办法 Art. 24: at least two enforcement officers
EVIDENCE_MAX_BYTES = 200 * 1024 * 1024
EVIDENCE_TYPES = {
    EvidenceKind.AUDIO: ("audio/",),
    EvidenceKind.VIDEO: ("video/",),
}


def _require(by, action: str = perms.INSPECTION_RECORD) -> None:
    if not by.can(action):
        raise NotPermitted()


def mark_key(entry_id: int) -> str:
    return f"entry-{entry_id}"


def decode_data_url(text: str, *, field: str = "signature") -> bytes:
    """The PNG bytes of a canvas ``data:image/png;base64,…`` URL."""
    prefix = "data:image/png;base64,"
    if not text or not text.startswith(prefix):
        raise ValidationError({field: _("签名须为手写签名板生成的 PNG 图片")})
    try:
        content = base64.b64decode(text[len(prefix) :], validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError({field: _("签名图片已损坏，请重新签名")}) from None
    return signature_png(content, field=field)


def signature_png(content: bytes, *, field: str = "signature") -> bytes:
    """The signature re-encoded as a clean PNG; a file that is not a PNG image is refused."""
    if not content or len(content) > 2 * 1024 * 1024:
        raise ValidationError({field: _("签名须为不超过 2 MB 的 PNG 图片")})
    try:
        with Image.open(BytesIO(content)) as image:
            if image.format != "PNG" or image.width * image.height > 4_000_000:
                raise ValidationError({field: _("签名须为不超过 2 MB 的 PNG 图片")})
            image.load()
            clean = BytesIO()
            image.save(clean, "PNG")
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise ValidationError({field: _("签名图片已损坏，请重新签名")}) from None
    return clean.getvalue()


def _position(latitude, longitude) -> dict:
    return {"latitude": latitude, "longitude": longitude}


def _inspection_for_write(by, inspection_id: int) -> Inspection:
    """The inspection as ``by`` sees it (``selectors.inspections``: a 行业部门 user only
    their department's, an 执法人员 only their own — others are not found), locked."""
    found = (
        selectors.inspections(by).select_for_update(of=("self",)).filter(pk=inspection_id).first()
    )
    if found is None:
        raise OutOfScope()
    return found


def _bump(inspection: Inspection, expected_version: int) -> None:
    """Compare-and-set on the version the form loaded: someone else first → Conflict."""
    if inspection.state != InspectionState.OPEN:
        raise Conflict(
            _("该检查已%(state)s，不能再修改") % {"state": inspection.get_state_display()},
            state=inspection.state,
            state_label=inspection.get_state_display(),
        )
    updated = Inspection.objects.filter(pk=inspection.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise Conflict(_("该检查记录已被他人修改（可能在您离线期间），请核对后再保存"))
    inspection.version = expected_version + 1


def _inspectors(department, inspector_ids, *, by) -> list[Inspector]:
    ids = {int(pk) for pk in inspector_ids or ()}
    found = list(Inspector.objects.filter(pk__in=ids, department=department).select_related("user"))
    errors = []
    if len(found) < len(ids):
        errors.append(_("检查人员须为本部门执法检查人员名录库中的人员"))
    today = timezone.localdate()
    expired = [i.user.name for i in found if i.certificate_valid_until < today]
    if expired:
        errors.append(
            _("%(names)s 的执法证已过有效期，不能参加执法检查") % {"names": "、".join(expired)}
        )
    if len(ids) < MIN_INSPECTORS:
        errors.append(_("执法检查须由两名以上持有效执法证的人员进行"))
    if by.role == Role.INSPECTOR and not any(i.user_id == by.pk for i in found):
        errors.append(_("您本人须是检查人员之一"))
    if errors:
        raise ValidationError({"inspectors": errors})
    return found


@transaction.atomic
def inspection_start(
    by,
    *,
    enterprise_id: int,
    checklist_id: int,
    inspector_ids,
    kind: str = InspectionKind.SPECIAL,
    task_id: int | None = None,
    plan_entry_id: int | None = None,
    department_id: int | None = None,
    unannounced: bool = False,
    place: str = "",
    latitude=None,
    longitude=None,
    client_token: UUID | None = None,
) -> Inspection:
    """开始检查: a unit in scope, a checklist that suits it, two or more inspectors with a
    valid 执法证. The same ``client_token`` sent again returns the first inspection."""
    _require(by)
    if client_token is not None:
        earlier = Inspection.objects.filter(client_token=client_token, created_by=by).first()
        if earlier is not None:
            return earlier
    department_id = department_id or by.department_id
    if department_id is None:
        raise ValidationError({"department": _("请选择实施检查的部门")})
    department = draw_services.department_for_write(
        by, department_id, refusal=_("只能以本部门名义实施检查")
    )
    enterprise = Enterprise.objects.for_user(by).filter(pk=enterprise_id).first()
    if enterprise is None:
        raise OutOfScope(field="enterprise")
    errors: dict = {}
    if kind not in InspectionKind.values:
        errors["kind"] = _("请选择检查类型")
    checklist = ChecklistTemplate.objects.filter(pk=checklist_id, is_active=True).first()
    if checklist is None:
        errors["checklist"] = _("请选择检查表")
    elif not checklist_suits(checklist, enterprise):
        suited = "、".join(t.name for t in checklists_for(enterprise)) or _("通用检查表")
        errors["checklist"] = _("“%(name)s”不适用于%(industry)s行业的单位，请选用：%(suited)s") % {
            "name": checklist.name,
            "industry": enterprise.industry,
            "suited": suited,
        }
    task = plan_entry = None
    if task_id is not None:
        task = InspectionTask.objects.for_user(by).filter(pk=task_id).first()
        if task is None or task.enterprise_id != enterprise.pk:
            errors["task"] = _("抽查任务与被检查单位不符")
        elif task.state != TaskState.ASSIGNED:
            errors["task"] = _("该抽查任务已%(state)s") % {"state": task.get_state_display()}
        elif Inspection.objects.filter(task=task).exists():
            errors["task"] = _("该抽查任务已开始检查")
    if plan_entry_id is not None:
        plan_entry = PlanEntry.objects.filter(
            pk=plan_entry_id, enterprise=enterprise, plan__department=department
        ).first()
        if plan_entry is None:
            errors["plan_entry"] = _("计划检查对象与被检查单位不符")
    place = (place or "").strip()
    if len(place) > 200:
        errors["place"] = _("检查场所不能超过 200 字")
    try:
        inspectors = _inspectors(department, inspector_ids, by=by)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    inspection = Inspection.objects.create(
        department=department,
        enterprise=enterprise,
        kind=kind,
        task=task,
        plan_entry=plan_entry,
        checklist=checklist,
        unannounced=bool(unannounced),
        place=place or enterprise.address or "",
        latitude=latitude,
        longitude=longitude,
        client_token=client_token,
        created_by=by,
    )
    inspection.inspectors.set(inspectors)
    ensure_in_scope(by, inspection)
    INSPECTION.record_event(inspection, by=by, action="start", data={"kind": kind})
    chain.append(
        chain.chain_key(inspection),
        by=by,
        action="start",
        summary=_("开始检查：%(unit)s，检查人员 %(names)s")
        % {"unit": enterprise.name, "names": "、".join(i.user.name for i in inspectors)},
        data={
            "enterprise": enterprise.pk,
            "checklist": checklist.key,
            "inspectors": [i.certificate_number for i in inspectors],
            "unannounced": bool(unannounced),
        },
        **_position(latitude, longitude),
    )
    return inspection


def inspection_from_task(
    by, *, task_id: int, checklist_id: int | None = None, latitude=None, longitude=None
) -> Inspection:
    """Start (or reopen) the inspection of a drawn task, with the task's inspectors."""
    task = InspectionTask.objects.for_user(by).filter(pk=task_id).first()
    if task is None or (by.role == Role.INSPECTOR and not task.inspectors.filter(user=by).exists()):
        raise OutOfScope()
    existing = Inspection.objects.filter(task=task).first()
    if existing is not None:
        return existing
    if checklist_id is None:
        suited = checklists_for(task.enterprise)
        if not suited:
            raise ValidationError({"checklist": _("没有适用于该单位的检查表")})
        checklist_id = suited[0].pk
    return inspection_start(
        by,
        enterprise_id=task.enterprise_id,
        checklist_id=checklist_id,
        inspector_ids=list(task.inspectors.values_list("pk", flat=True)),
        kind=InspectionKind.RANDOM,
        task_id=task.pk,
        department_id=task.department_id,
        unannounced=task.unannounced,
        latitude=latitude,
        longitude=longitude,
    )


def _deadline(value, started: date) -> date | None:
    if value in (None, ""):
        return None
    parsed = value if isinstance(value, date) else parse_date(str(value))
    if parsed is None:
        raise ValueError
    if parsed < started:
        raise OverflowError
    return parsed


@transaction.atomic
def inspection_mark(by, *, inspection_id: int, expected_version: int, marks) -> Inspection:
    """Save the results of some entries (all valid or none). A failed entry may be saved
    without its note yet (the form saves as the inspector goes); completing checks it."""
    _require(by)
    inspection = _inspection_for_write(by, inspection_id)
    entries = {e.pk: e for e in ChecklistEntry.objects.filter(template_id=inspection.checklist_id)}
    started = timezone.localtime(inspection.started_at).date()
    errors: dict = {}
    cleaned = []
    for mark in marks or ():
        entry = entries.get(_int(mark.get("entry_id")))
        if entry is None:
            errors.setdefault("marks", []).append(_("检查项不属于本次检查的检查表"))
            continue
        key, problems = mark_key(entry.pk), []
        result = mark.get("result")
        if result not in MarkResult.values:
            problems.append(_("请选择“符合”“不符合”或“不适用”"))
        note = str(mark.get("note") or "").strip()
        place = str(mark.get("place") or "").strip()
        if len(note) > 500:
            problems.append(_("情况说明不能超过 500 字"))
        if len(place) > 120:
            problems.append(_("问题部位不能超过 120 字"))
        deadline = None
        try:
            deadline = _deadline(mark.get("deadline"), started) if result == "fail" else None
        except ValueError:
            problems.append(_("整改期限不是有效日期"))
        except OverflowError:
            problems.append(_("整改期限不能早于检查日期"))
        if problems:
            errors[key] = problems
        else:
            cleaned.append((entry, result, note, place, deadline))
    if errors:
        raise ValidationError(errors)
    _bump(inspection, expected_version)
    now = timezone.now()
    for entry, result, note, place, deadline in cleaned:
        InspectionMark.objects.update_or_create(
            inspection=inspection,
            entry=entry,
            defaults={
                "result": result,
                "note": note,
                "place": place,
                "deadline": deadline,
                "marked_by": by,
                "marked_at": now,
            },
        )
    if cleaned:
        INSPECTION.record_event(
            inspection, by=by, action="mark", data={"entries": [c[0].pk for c in cleaned]}
        )
        chain.append(
            chain.chain_key(inspection),
            by=by,
            action="mark",
            summary=_("登记 %(n)d 项检查结果") % {"n": len(cleaned)},
            data={
                str(entry.pk): [result, note, place, deadline and deadline.isoformat()]
                for entry, result, note, place, deadline in cleaned
            },
        )
    return inspection


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _prepared(upload, kind: str):
    """(content bytes, suffix, taken_at) of one upload, checked for its kind."""
    if kind == EvidenceKind.PHOTO:
        photo = prepare_photo(upload)
        return photo.content, ".jpg", photo.taken_at
    size = getattr(upload, "size", 0) or 0
    name = getattr(upload, "name", "") or ""
    if size == 0 or size > EVIDENCE_MAX_BYTES:
        raise ValidationError(_("“%(name)s”为空或超过 200 MB") % {"name": name})
    content_type = getattr(upload, "content_type", "") or mimetypes.guess_type(name)[0] or ""
    if not content_type.startswith(EVIDENCE_TYPES[kind]):
        raise ValidationError(
            _("“%(name)s”不是%(kind)s文件") % {"name": name, "kind": EvidenceKind(kind).label}
        )
    upload.seek(0)
    return upload.read(), mimetypes.guess_extension(content_type) or "", None


@transaction.atomic
def evidence_add(
    by,
    *,
    inspection_id: int,
    files,
    entry_id: int | None = None,
    kind: str = EvidenceKind.PHOTO,
    latitude=None,
    longitude=None,
) -> list[Evidence]:
    """Photos, recordings or videos; the same content sent twice is stored once."""
    _require(by)
    inspection = _inspection_for_write(by, inspection_id)
    if inspection.state != InspectionState.OPEN:
        raise Conflict(_("该检查已结束，不能再上传材料"), state=inspection.state)
    if kind not in EvidenceKind.values:
        raise ValidationError({"kind": _("请选择材料类型")})
    mark = None
    if entry_id is not None:
        mark = InspectionMark.objects.filter(inspection=inspection, entry_id=entry_id).first()
        if mark is None:
            raise ValidationError({"entry": _("请先登记该检查项的结果，再上传照片")})
    if not files:
        raise ValidationError({"files": _("请选择要上传的文件")})
    prepared, problems = [], []
    for upload in files:
        try:
            prepared.append(_prepared(upload, kind))
        except ValidationError as error:
            problems.extend(error.messages)
    if problems:
        raise ValidationError({"files": problems})
    stored = []
    for content, suffix, taken_at in prepared:
        sha = hashlib.sha256(content).hexdigest()
        existing = Evidence.objects.filter(inspection=inspection, sha256=sha).first()
        if existing is not None:
            stored.append(existing)
            continue
        evidence = Evidence(
            inspection=inspection,
            mark=mark,
            kind=kind,
            sha256=sha,
            size=len(content),
            taken_at=taken_at,
            uploaded_by=by,
        )
        evidence.file.save(f"{sha}{suffix}", ContentFile(content), save=False)
        evidence.save()
        stored.append(evidence)
        chain.append(
            chain.chain_key(inspection),
            by=by,
            action="evidence",
            summary=_("上传%(kind)s") % {"kind": EvidenceKind(kind).label},
            data={"evidence": evidence.pk, "sha256": sha, "entry": entry_id},
            **_position(latitude, longitude),
        )
    return stored


@transaction.atomic
def inspection_sign(
    by,
    *,
    inspection_id: int,
    expected_version: int,
    enterprise_signer: str,
    enterprise_signature: bytes | None = None,
    inspector_signature: bytes | None = None,
) -> Inspection:
    """被检查单位现场负责人 and 检查人员 sign on the phone (PNG bytes from the pad)."""
    _require(by)
    inspection = _inspection_for_write(by, inspection_id)
    signer = (enterprise_signer or "").strip()
    if not signer or len(signer) > 40:
        raise ValidationError({"enterprise_signer": _("请填写被检查单位现场负责人姓名")})
    _bump(inspection, expected_version)
    inspection.enterprise_signer = signer
    hashes = {}
    for field, content in (
        ("enterprise_signature", enterprise_signature),
        ("inspector_signature", inspector_signature),
    ):
        if content:
            content = signature_png(content, field=field)
            sha = hashlib.sha256(content).hexdigest()
            getattr(inspection, field).save(f"{sha}.png", ContentFile(content), save=False)
            hashes[field] = sha
    inspection.save(
        update_fields=["enterprise_signer", "enterprise_signature", "inspector_signature"]
    )
    chain.append(
        chain.chain_key(inspection),
        by=by,
        action="sign",
        summary=_("现场签名：%(signer)s") % {"signer": signer},
        data=hashes,
    )
    return inspection


@transaction.atomic
def inspection_void(by, *, inspection_id: int, expected_version: int, reason: str) -> Inspection:
    _require(by)
    inspection = _inspection_for_write(by, inspection_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请写明作废原因")})
    step = INSPECTION.begin(by=by, obj=inspection, name="void", expected_version=expected_version)
    if step.replay:
        return step.obj
    inspection = INSPECTION.commit(step, by=by, reason=reason)
    chain.append(
        chain.chain_key(inspection), by=by, action="void", summary=_("作废：%s") % reason[:400]
    )
    return inspection


def visit_record(
    by, *, enterprise_id: int, method: str = VisitMethod.SCAN, latitude=None, longitude=None
) -> Visit:
    """到达登记: who arrived at which unit, when, where the phone was."""
    _require(by)
    if method not in VisitMethod.values:
        raise ValidationError({"method": _("请选择登记方式")})
    enterprise = Enterprise.objects.for_user(by).filter(pk=enterprise_id).first()
    if enterprise is None:
        raise OutOfScope(field="enterprise")
    with transaction.atomic():
        open_inspection = (
            Inspection.objects.filter(
                enterprise=enterprise, state=InspectionState.OPEN, inspectors__user=by
            )
            .order_by("-started_at")
            .first()
        )
        visit = Visit.objects.create(
            enterprise=enterprise,
            department_id=by.department_id,
            by=by,
            method=method,
            latitude=latitude,
            longitude=longitude,
            inspection=open_inspection,
        )
        if open_inspection is not None:
            chain.append(
                chain.chain_key(open_inspection),
                by=by,
                action="visit",
                summary=_("到达现场（%(method)s）") % {"method": VisitMethod(method).label},
                data={"visit": visit.pk},
                **_position(latitude, longitude),
            )
    return visit
