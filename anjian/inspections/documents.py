"""执法文书: numbered .docx documents rendered from templates officials can edit.

``issue`` is the one way a document comes into being: inside one transaction it takes the
next number of the department, kind and year (``numbering.take``: consecutive, no gaps — a
rollback gives the number back), renders the template, stores the file with its SHA-256
and appends a step to the inspection's or the case's 执法全过程记录 (``chain``) naming
that hash, so a file swapped later no longer matches the record. Nothing is deleted: a
wrong document is superseded by a new one with the next number.

Templates (RULES.md §17): ``document_templates/<kind>.docx``, made by
``scripts/make_document_templates.py``; a file of the same name in
``settings.DOCUMENT_TEMPLATES_DIR`` (``ANJIAN_DOCUMENT_TEMPLATES_DIR``) replaces the
default. They are docxtpl (Jinja) templates rendered with autoescape, so a unit named
"A&B<有限公司>" is text, never XML. The values a template can use are those of
``context_for``: ``department``, ``number``, ``date``, ``review_body``, ``enterprise``
(name, credit_code, address, legal_representative, principal, phone), and per kind
``inspection``, ``inspectors``/``inspectors_text``, ``marks``, ``findings``,
``extension_note``, ``order``, ``results``, ``reinspected_on``, ``opinion``, ``case``,
``handlers``/``handlers_text``, ``hearing``, ``reason``, and the signature images
``inspector_signature`` / ``enterprise_signature`` (``{{ … }}`` inserts the picture).

Time limits written into the documents (RULES.md §17.3): extension asked for ≥ 10 days
before the deadline, answered within 5 days, re-inspection within 10 days (办法 Art. 17);
陈述申辩 within 3 days (Art. 18); 听证 within 5 working days (行政处罚法 Art. 64) when the
fine reaches ``HEARING_FINE_ORGANISATION`` or the measure is a heavy one (Art. 63); payment
within 15 days, 3 % a day late capped at the fine (Art. 67, 72); 行政复议 within 60 days,
行政诉讼 within 6 months.
"""

import hashlib
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import jinja2
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from docx.image.exceptions import UnrecognizedImageError
from docx.image.image import Image as DocxImage
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from anjian.core.exceptions import Conflict, NotPermitted, OutOfScope, ValidationError
from anjian.inspections import chain, numbering
from anjian.inspections import permissions as perms
from anjian.inspections.models import Case, EnforcementDocument, Inspection
from anjian.inspections.record_models import DocumentKind, InspectionState, MarkResult

DEFAULT_DIR = Path(__file__).resolve().parent / "document_templates"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

INSPECTION_KINDS = frozenset(
    {
        DocumentKind.INSPECTION_RECORD,
        DocumentKind.RECTIFICATION_ORDER,
        DocumentKind.REINSPECTION_OPINION,
    }
)
CASE_KINDS = frozenset(DocumentKind) - INSPECTION_KINDS
# 较大数额罚款 for an organisation (办法 Art. 33; a province may set its own figure).
HEARING_FINE_ORGANISATION = 50_000
# Measures that give the right to a hearing whatever the fine (行政处罚法 Art. 63).
HEARING_MEASURES = ("停产停业", "关闭", "吊销", "降低资质", "限制从业", "没收")
SIGNATURE_HEIGHT = Mm(15)
# Characters XML 1.0 does not allow, and the ones docxtpl reads as paragraph/page breaks.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


@dataclass(frozen=True)
class Signature:
    """A signature picture; ``render`` inserts it as a docxtpl ``InlineImage``."""

    data: bytes


# --- formatting -----------------------------------------------------------------------------


def day(value: date | datetime | None) -> str:
    """2026年12月5日."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return f"{value.year}年{value.month}月{value.day}日"


def moment(value: datetime | None) -> str:
    """2026年12月5日9时30分."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{day(local)}{local.hour}时{local.minute:02d}分"


DIGITS = "零壹贰叁肆伍陆柒捌玖"
PLACES = ("", "拾", "佰", "仟")
GROUPS = ("", "万", "亿", "万亿")


def yuan_in_words(amount: int) -> str:
    """50000 → 伍万元整, 10500 → 壹万零伍佰元整 (大写金额 of whole yuan)."""
    if amount < 0 or amount >= 10**16:
        raise ValueError(amount)
    if amount == 0:
        return "零元整"
    groups = []
    while amount:
        amount, group = divmod(amount, 10_000)
        groups.append(group)
    words, zero = "", False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            zero = bool(words)
            continue
        if words and (zero or group < 1000):
            words += "零"
        text, gap = "", False
        for place in range(3, -1, -1):
            digit = group // 10**place % 10
            if digit:
                text += ("零" if gap else "") + DIGITS[digit] + PLACES[place]
                gap = False
            elif text:
                gap = True
        words += text + GROUPS[index]
        zero = False
    return words + "元整"


def clean(value) -> str:
    """User text made safe for the document: XML-illegal characters dropped, lines kept."""
    text = _UNSAFE.sub("", str(value or "")).replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\a", "").strip()


# --- the values a template sees ---------------------------------------------------------------


def _signature(field) -> Signature | None:
    if not field:
        return None
    try:
        with field.open("rb") as handle:
            data = handle.read()
        DocxImage.from_blob(data)  # a picture Word can show, or no picture at all
    except (OSError, ValueError, UnrecognizedImageError):  # the signature line stays blank
        return None
    return Signature(data)


def _common(kind: str, *, number: str, owner) -> dict:
    department, unit = owner.department, owner.enterprise
    return {
        "title": DocumentKind(kind).label,
        "department": clean(department.name),
        "number": number,
        "date": day(timezone.localdate()),
        "review_body": clean(f"{department.region.name}人民政府"),
        "enterprise": {
            "name": clean(unit.name),
            "credit_code": unit.credit_code,
            "address": clean(unit.address),
            "legal_representative": clean(unit.legal_representative),
            "principal": clean(unit.principal_name),
            "phone": clean(unit.principal_phone),
        },
    }


def _people(inspectors) -> tuple[list[dict], str]:
    people = [
        {"name": clean(i.user.name), "certificate": clean(i.certificate_number)} for i in inspectors
    ]
    text = "、".join(f"{p['name']}（执法证号{p['certificate']}）" for p in people)
    return people, text


def _mark_note(mark) -> str:
    parts = [clean(mark.note)]
    if mark.place:
        parts.insert(0, _("部位：%(p)s") % {"p": clean(mark.place)})
    if mark.result == MarkResult.FAIL and mark.deadline:
        parts.append(_("责令%(d)s前整改") % {"d": day(mark.deadline)})
    return "；".join(p for p in parts if p)


def _inspection_values(inspection: Inspection) -> dict:
    marks = list(
        inspection.marks.select_related("entry", "hazard").order_by("entry__position", "id")
    )
    failed = [m for m in marks if m.result == MarkResult.FAIL]
    people, people_text = _people(
        inspection.inspectors.select_related("user").order_by("certificate_number")
    )
    started, finished = inspection.started_at, inspection.finished_at
    end = ""
    if finished is not None:
        same_day = timezone.localtime(finished).date() == timezone.localtime(started).date()
        local = timezone.localtime(finished)
        end = f"{local.hour}时{local.minute:02d}分" if same_day else moment(finished)
    return {
        "inspection": {
            "kind": inspection.get_kind_display(),
            "place": clean(inspection.place or inspection.enterprise.address),
            "period": f"{moment(started)}至{end}",
            "started": moment(started),
            "finished": moment(finished),
            "unannounced": inspection.unannounced,
            "summary": clean(inspection.summary),
        },
        "signer": clean(inspection.enterprise_signer),
        "inspectors": people,
        "inspectors_text": people_text,
        "marks": [
            {
                "position": n,
                "text": clean(m.entry.text),
                "basis": clean(m.entry.basis),
                "result": m.get_result_display(),
                "note": _mark_note(m),
            }
            for n, m in enumerate(marks, start=1)
        ],
        "findings": [
            {
                "position": n,
                "finding": clean(m.entry.finding),
                "note": clean(m.note),
                "place": clean(m.place),
                "basis": clean(m.entry.basis),
                "deadline": day(m.deadline),
                "deadline_date": m.deadline,
                "hazard": m.hazard.number if m.hazard_id else "",
            }
            for n, m in enumerate(failed, start=1)
        ],
        "inspector_signature": _signature(inspection.inspector_signature),
        "enterprise_signature": _signature(inspection.enterprise_signature),
    }


def _order_values(values: dict) -> dict:
    findings = values["findings"]
    if not findings:
        raise ValidationError({"kind": _("本次检查没有发现问题，无需制作责令限期整改指令书")})
    missing = [str(f["position"]) for f in findings if f["deadline_date"] is None]
    if missing:
        raise ValidationError(
            {"deadline": _("第 %(n)s 项问题未填写整改期限") % {"n": "、".join(missing)}}
        )
    deadlines = sorted({f["deadline_date"] for f in findings})
    latest_request = day(deadlines[0] - timedelta(days=10))
    if len(deadlines) == 1:
        note = _("（即%(d)s前）") % {"d": latest_request}
    else:
        note = _("（最早一项整改期限为%(first)s，其延期申请应于%(d)s前提出）") % {
            "first": day(deadlines[0]),
            "d": latest_request,
        }
    return {"extension_note": note}


def _reinspection_values(inspection: Inspection, extra: dict) -> dict:
    order = extra.get("order")
    if not isinstance(order, EnforcementDocument) or order.kind != (
        DocumentKind.RECTIFICATION_ORDER
    ):
        raise ValidationError({"order": _("请选择所复查的责令限期整改指令书")})
    if order.enterprise_id != inspection.enterprise_id:
        raise ValidationError({"order": _("所选指令书不是对该单位作出的")})
    results = extra.get("results") or []
    if not results:
        raise ValidationError({"results": _("请逐项填写复查结果")})
    rows = []
    for n, row in enumerate(results, start=1):
        finding = clean(row.get("finding"))
        if not finding:
            raise ValidationError({"results": _("第 %(n)d 项复查结果缺少问题描述") % {"n": n}})
        rectified = bool(row.get("rectified"))
        rows.append(
            {
                "position": n,
                "finding": finding,
                "place": clean(row.get("place")),
                "rectified": rectified,
                "result": _("已整改") if rectified else _("未整改"),
                "note": clean(row.get("note")),
            }
        )
    open_count = sum(not r["rectified"] for r in rows)
    opinion = clean(extra.get("opinion"))
    if not opinion:
        opinion = (
            _("经复查，尚有%(n)d项问题未整改完毕，本部门将依法处理。") % {"n": open_count}
            if open_count
            else _("经复查，责令整改的问题已全部整改完毕。")
        )
    return {
        "order": {"number": order.number, "date": day(order.issued_at)},
        "results": rows,
        "reinspected_on": day(inspection.started_at),
        "opinion": opinion,
    }


def hearing_right(case: Case) -> bool:
    """听证: a larger fine for an organisation, or a heavy measure (行政处罚法 Art. 63)."""
    if (case.fine or 0) >= HEARING_FINE_ORGANISATION:
        return True
    return any(word in (case.other_measures or "") for word in HEARING_MEASURES)


def _penalty_text(case: Case) -> str:
    parts = []
    if case.fine:
        parts.append(
            _("罚款人民币%(words)s（¥%(figure)s）")
            % {"words": yuan_in_words(case.fine), "figure": f"{case.fine:,}"}
        )
    if case.other_measures:
        parts.append(clean(case.other_measures))
    return "，".join(parts)


def _case_values(kind: str, case: Case, extra: dict) -> dict:
    rule = case.rule
    if kind in (DocumentKind.PENALTY_NOTICE, DocumentKind.PENALTY_DECISION):
        if rule is None:
            raise ValidationError({"rule": _("请先选定适用的自由裁量基准（违法依据和处罚依据）")})
        if not case.fine and not case.other_measures:
            raise ValidationError({"fine": _("请填写罚款金额或其他处罚")})
    if kind == DocumentKind.CASE_TRANSFER and not case.transferred_to.strip():
        raise ValidationError({"transferred_to": _("请填写移送机关")})
    handlers, handlers_text = _people(
        case.handlers.select_related("user").order_by("certificate_number")
    )
    source = _("现场检查")
    if case.inspection_id and case.inspection.number:
        source = _("现场检查：%(n)s") % {"n": case.inspection.number}
    values = {
        "case": {
            "number": clean(case.number),
            "title": clean(case.title),
            "facts": clean(case.facts),
            "source": source,
            "violation": clean(rule.violation) if rule else "",
            "violated_basis": clean(rule.violated_basis) if rule else "",
            "penalty_basis": clean(rule.penalty_basis) if rule else "",
            "circumstance": rule.get_circumstance_display() if rule else "",
            "fine": case.fine or 0,
            "fine_words": yuan_in_words(case.fine) if case.fine else "",
            "fine_reason": clean(case.fine_reason),
            "other_measures": clean(case.other_measures),
            "penalty": _penalty_text(case),
            "legal_review_opinion": clean(case.legal_review_opinion),
            "filed_on": day(case.filed_on),
            "decide_by": day(case.decide_by),
            "decided_on": day(case.decided_on),
            "transferred_to": clean(case.transferred_to),
        },
        "handlers": handlers,
        "handlers_text": handlers_text,
        "hearing": hearing_right(case),
        "reason": clean(extra.get("reason")),
    }
    if kind == DocumentKind.PENALTY_DECISION and case.decided_on:
        values["date"] = day(case.decided_on)
    return values


def context_for(
    kind: str, *, number: str, inspection=None, case=None, extra: dict | None = None
) -> dict:
    """What the template of ``kind`` is filled with (ValidationError when something the
    document must state is missing)."""
    kind = _kind(kind)
    extra = extra or {}
    owner = _owner(kind, inspection, case)
    context = _common(kind, number=number, owner=owner)
    if kind in INSPECTION_KINDS:
        context.update(_inspection_values(inspection))
        if kind == DocumentKind.RECTIFICATION_ORDER:
            context.update(_order_values(context))
        elif kind == DocumentKind.REINSPECTION_OPINION:
            context.update(_reinspection_values(inspection, extra))
    else:
        context.update(_case_values(kind, case, extra))
    return context


# --- templates ---------------------------------------------------------------------------------


def template_path(kind: str) -> Path:
    """The department's own template when the override directory has one, else the default."""
    name = f"{_kind(kind)}.docx"
    if settings.DOCUMENT_TEMPLATES_DIR:
        custom = Path(settings.DOCUMENT_TEMPLATES_DIR) / name
        if custom.is_file():
            return custom
    return DEFAULT_DIR / name


def render(kind: str, context: dict) -> bytes:
    """The filled-in .docx; signature pictures (``Signature``) go in as inline images."""
    path = template_path(kind)
    template = DocxTemplate(path)
    values = {
        key: InlineImage(template, io.BytesIO(value.data), height=SIGNATURE_HEIGHT)
        if isinstance(value, Signature)
        else value
        for key, value in context.items()
    }
    try:
        template.render(values, autoescape=True)
    except jinja2.TemplateError as exc:
        raise ValidationError(
            {"kind": _("文书模板 %(name)s 有误：%(error)s") % {"name": path.name, "error": exc}}
        ) from exc
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


# --- issuing -------------------------------------------------------------------------------------


def _kind(kind) -> str:
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": _("未知的文书种类：%(k)s") % {"k": kind}})
    return DocumentKind(kind).value


def _owner(kind: str, inspection, case):
    """The inspection (inspection documents) or the case (case documents) it belongs to."""
    label = DocumentKind(kind).label
    if kind in INSPECTION_KINDS:
        if inspection is None:
            raise ValidationError({"kind": _("%(doc)s须对应一次现场检查") % {"doc": label}})
        return inspection
    if case is None:
        raise ValidationError({"kind": _("%(doc)s须对应一个处罚案件") % {"doc": label}})
    return case


def _in_scope(by, model, obj):
    """``obj`` read again through ``by``'s scope (OutOfScope → 404 otherwise)."""
    if obj is None:
        return None
    found = (
        model.objects.for_user(by)
        .select_related("department__region", "enterprise")
        .filter(pk=getattr(obj, "pk", obj))
        .first()
    )
    if found is None:
        raise OutOfScope()
    return found


def issue(
    *, by, kind: str, inspection=None, case=None, extra: dict | None = None
) -> EnforcementDocument:
    """制作文书: number, render, store, and record it on the 执法全过程记录.

    Inspection documents need ``by`` to hold ``inspection.record``, case documents
    ``inspection.case`` (NotPermitted otherwise); the inspection or case is read again
    through ``by``'s scope (OutOfScope). A 现场检查记录 also becomes the inspection's
    number. Side effects: the stored file (it stays if the transaction rolls back — its
    number is then given back and a later document stores under another name)."""
    kind = _kind(kind)
    extra = dict(extra or {})
    action = perms.INSPECTION_RECORD if kind in INSPECTION_KINDS else perms.INSPECTION_CASE
    if not by.can(action):
        raise NotPermitted()
    with transaction.atomic():
        order = extra.get("order")
        if isinstance(order, EnforcementDocument):
            order = extra["order"] = (
                EnforcementDocument.objects.for_user(by).filter(pk=order.pk).first()
            )
            if inspection is None and order is not None:
                inspection = order.inspection_id  # the re-inspection of the order's visit
        inspection = _in_scope(by, Inspection, inspection)
        case = _in_scope(by, Case, case)
        owner = _owner(kind, inspection, case)
        if kind in INSPECTION_KINDS and inspection.state == InspectionState.VOIDED:
            raise Conflict(_("该现场检查已作废，不能再制作文书"), state=inspection.state)
        taken = numbering.take(owner.department, kind)
        context = context_for(
            kind, number=taken.text, inspection=inspection, case=case, extra=extra
        )
        data = render(kind, context)
        digest = hashlib.sha256(data).hexdigest()
        document = EnforcementDocument(
            kind=kind,
            department=owner.department,
            enterprise=owner.enterprise,
            year=taken.year,
            serial=taken.serial,
            number=taken.text,
            inspection=inspection,
            case=case,
            sha256=digest,
            issued_by=by,
        )
        document.file.save(
            f"{kind}-{taken.year}-{taken.serial}.docx", ContentFile(data), save=False
        )
        document.full_clean()
        document.save()
        if kind == DocumentKind.INSPECTION_RECORD:
            Inspection.objects.filter(pk=inspection.pk).update(number=taken.text)
        label = DocumentKind(kind).label
        chain.append(
            chain.chain_key(owner),
            by=by,
            action="document",
            summary=_("制作%(label)s %(number)s") % {"label": label, "number": taken.text},
            data={"document": document.pk, "kind": kind, "number": taken.text, "sha256": digest},
        )
    return document


def download_name(document: EnforcementDocument) -> str:
    """责令限期整改指令书（杨浦）应急改〔2026〕3号.docx."""
    return f"{document.get_kind_display()}{document.number}.docx"
