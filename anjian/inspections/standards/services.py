"""Writes to the inspection checklists (检查表). Pages and the API call these.

The checklists serve every district: only a user whose role grants
``inspection.standards`` and whose scope covers the whole deployment (the city bureau)
writes them (``permissions.CITY_WIDE``); anyone else is refused with the reason.

Nothing is deleted. An entry is retired (停用) and can be restored; a template is
deactivated. An entry an inspection has already marked keeps its text and legal basis —
the records were made against them — so a change of either is refused: retire the entry
and add a new one. Every save lands in the audit trail (django-auditlog; both models are
registered in ``inspections/apps.py``; the actor comes from the request).
"""

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from anjian.core.exceptions import Conflict, NotPermitted, ValidationError
from anjian.core.scoping import city_wide_refusal
from anjian.core.services import writable
from anjian.inspections import permissions as perms
from anjian.inspections.record_models import ChecklistEntry, ChecklistTemplate
from anjian.inspections.standards import selectors
from anjian.regions.models import Industry

TEMPLATE_FIELDS = ("key", "name", "industries", "for_crowded_places")
ENTRY_FIELDS = ("text", "basis", "finding", "major", "position")
LOCKED_WHEN_USED = ("text", "basis")


def require_editor(by) -> None:
    """Refuse anyone but a city-wide holder of ``inspection.standards``, saying why."""
    if by.can(perms.INSPECTION_STANDARDS):
        return
    if by.role_grants(perms.INSPECTION_STANDARDS):
        raise NotPermitted(city_wide_refusal(by, _("检查表")))
    raise NotPermitted()


def _text(data: dict, name: str, message: str, errors: dict) -> str:
    value = " ".join(str(data.get(name) or "").split())
    if not value:
        errors[name] = message
    return value


def _industries(values, errors: dict) -> list[Industry]:
    pks = [getattr(value, "pk", value) for value in values or ()]
    if not all(isinstance(pk, int) for pk in pks):
        errors["industries"] = _("适用行业应为行业的列表")
        return []
    found = list(Industry.objects.filter(pk__in=pks))
    if len(found) != len(set(pks)):
        errors["industries"] = _("适用行业中有不存在的行业")
    places = [industry.name for industry in found if industry.for_places]
    if places:
        errors["industries"] = _("“%(names)s”是公共区域的监管领域，不是单位的行业") % {
            "names": "、".join(places)
        }
    return found


# --- templates ---------------------------------------------------------------------------------


def template_save(
    by, *, template_id: int | None = None, data: dict, version: int | None = None
) -> ChecklistTemplate:
    """Create a checklist, or change its name, industries and whether it serves crowded
    places. ``data``: key (only when creating: it names the list for good), name,
    industries (Industry objects or ids; none and not for crowded places = a general list
    every unit may use), for_crowded_places. ``version``: the version the editor read."""
    require_editor(by)
    data = writable(data, TEMPLATE_FIELDS)
    with transaction.atomic():
        if template_id is None:
            template = ChecklistTemplate()
        else:
            template = ChecklistTemplate.objects.select_for_update().get(pk=template_id)
            if version is not None and template.version != version:
                raise Conflict()
        errors: dict[str, str] = {}
        key = str(data.get("key", template.key) or "").strip()
        if template.pk and key != template.key:
            errors["key"] = _("检查表代码创建后不能修改")
        elif not key:
            errors["key"] = _("请填写检查表代码（英文字母、数字、下划线）")
        elif ChecklistTemplate.objects.filter(key=key).exclude(pk=template.pk).exists():
            errors["key"] = _("代码“%(key)s”已被其他检查表使用") % {"key": key}
        name = _text(data, "name", _("请填写检查表名称"), errors)
        if "industries" in data or template.pk is None:
            industries = _industries(data.get("industries", ()), errors)
        else:
            industries = list(template.industries.all())
        if errors:
            raise ValidationError(errors)
        template.key, template.name = key, name
        template.for_crowded_places = bool(
            data.get("for_crowded_places", template.for_crowded_places)
        )
        if template.pk:
            template.version += 1
        template.full_clean()
        template.save()
        template.industries.set(industries)
    return template


def _general_left(template: ChecklistTemplate) -> bool:
    """Another active general list remains when ``template`` stops being one."""
    others = ChecklistTemplate.objects.filter(is_active=True).exclude(pk=template.pk)
    return any(selectors.is_general(other) for other in others)


def _set_active(by, template_id: int, active: bool) -> ChecklistTemplate:
    require_editor(by)
    with transaction.atomic():
        template = ChecklistTemplate.objects.select_for_update().get(pk=template_id)
        if template.is_active == active:
            return template
        if not active and selectors.is_general(template) and not _general_left(template):
            raise ValidationError(
                _(
                    "这是唯一启用的通用检查表：停用后，没有行业检查表的单位将无表可用。"
                    "请先启用或新建另一个通用检查表。"
                )
            )
        template.is_active = active
        template.version += 1
        template.save()
    return template


def template_deactivate(by, *, template_id: int) -> ChecklistTemplate:
    """Stop offering the checklist for new inspections (inspections made with it keep it)."""
    return _set_active(by, template_id, False)


def template_activate(by, *, template_id: int) -> ChecklistTemplate:
    return _set_active(by, template_id, True)


# --- entries -----------------------------------------------------------------------------------


def _position(value, template: ChecklistTemplate, errors: dict) -> int:
    if value in (None, ""):
        last = ChecklistEntry.objects.filter(template=template).aggregate(n=Max("position"))["n"]
        return (last or 0) + 1
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 32767:
        errors["position"] = _("序号应为 1 至 32767 之间的整数")
        return 0
    return value


def _used_message(count: int) -> str:
    return _(
        "该检查项已在 %(n)d 条检查记录中使用，不能修改检查内容和检查依据（已有记录按原文字记载）。"
        "如需修订，请停用本项并新增检查项。"
    ) % {"n": count}


def entry_save(by, *, template_id: int, entry_id: int | None = None, data: dict) -> ChecklistEntry:
    """Add an entry to a checklist or change one. ``data``: text (what should be true),
    basis (law or standard and article: required), finding (the problem as written when
    it fails), major (failing it is a 重大事故隐患), position (none: after the last).
    An entry already marked in an inspection keeps its text and basis."""
    require_editor(by)
    data = writable(data, ENTRY_FIELDS)
    with transaction.atomic():
        template = ChecklistTemplate.objects.get(pk=template_id)
        if entry_id is None:
            entry = ChecklistEntry(template=template)
        else:
            entry = ChecklistEntry.objects.select_for_update().get(pk=entry_id, template=template)
        if entry.pk:  # what the editor leaves out stays as it is
            data = {"text": entry.text, "basis": entry.basis, "finding": entry.finding, **data}
        errors: dict[str, str] = {}
        text = _text(data, "text", _("请填写检查内容"), errors)
        basis = _text(data, "basis", _("请填写检查依据（法律法规及条款）"), errors)
        finding = _text(data, "finding", _("请填写问题表述（不符合时记录的问题）"), errors)
        position = _position(data.get("position"), template, errors)
        if entry.pk:
            changed = [
                name
                for name, value in (("text", text), ("basis", basis))
                if value and value != getattr(entry, name)
            ]
            used = selectors.entry_used(entry.pk) if changed else 0
            for name in changed if used else ():
                errors[name] = _used_message(used)
        if errors:
            raise ValidationError(errors)
        entry.text, entry.basis, entry.finding = text, basis, finding
        entry.major = bool(data.get("major", entry.major))
        entry.position = position if "position" in data or entry.pk is None else entry.position
        entry.full_clean()
        entry.save()
    return entry


def _entry_active(by, entry_id: int, active: bool) -> ChecklistEntry:
    require_editor(by)
    with transaction.atomic():
        entry = ChecklistEntry.objects.select_for_update().get(pk=entry_id)
        if entry.is_active == active:
            return entry
        if not active:
            others = ChecklistEntry.objects.filter(template_id=entry.template_id, is_active=True)
            if not others.exclude(pk=entry.pk).exists():
                raise ValidationError(
                    _("检查表至少要保留一个启用的检查项；不再使用整张检查表请停用检查表")
                )
        entry.is_active = active
        entry.save()
    return entry


def entry_retire(by, *, entry_id: int) -> ChecklistEntry:
    """停用: no longer offered in new inspections; marks made against it keep it."""
    return _entry_active(by, entry_id, False)


def entry_restore(by, *, entry_id: int) -> ChecklistEntry:
    return _entry_active(by, entry_id, True)
