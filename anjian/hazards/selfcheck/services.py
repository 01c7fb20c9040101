"""Writes of enterprise self-checks. Pages, API, demo and CLI call these.

Plans: ``plan_create``, ``plan_update`` (the checklist is given whole: items are added,
reordered, reworded or removed by comparing texts), ``plan_deactivate`` /
``plan_activate`` (a plan is never deleted: its records stay with it),
``plan_create_from_checklist`` (start from a typical checklist of ``checklists``).

Checks: ``check_record_submit`` records one run of a plan, all or nothing: every failed
item raises one hazard in the ledger through ``hazards.services.hazard_report`` (source
企业自查, linked back to the record, 重大 when the item names a determination clause),
titled with the item's finding (问题表述; ``default_title``) unless the checker wrote
another, and located at the place the checker recorded for that item.

Every write needs the ``selfcheck.manage`` action, looks its plan up through the writer's
scope (out of scope = ``CheckPlan.DoesNotExist``, which pages answer with 404) and
re-checks scope after writing, inside its transaction.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.exceptions import NotPermitted, ValidationError
from anjian.core.scoping import ensure_in_scope
from anjian.enterprises.models import Enterprise
from anjian.enterprises.selectors import enterprise_for_write
from anjian.hazards.choices import CheckFrequency, Source
from anjian.hazards.models import (
    CheckItem,
    CheckPlan,
    CheckRecord,
    CheckResult,
    StandardClause,
)
from anjian.hazards.permissions import SELFCHECK_MANAGE
from anjian.hazards.photos import prepare_photos
from anjian.hazards.selfcheck import checklists
from anjian.hazards.selfcheck.selectors import clause_by_code
from anjian.hazards.services import hazard_report

FUTURE_TOLERANCE = timedelta(minutes=10)
MAX_ITEMS = 100
MAX_PHOTOS_PER_ITEM = 9
ITEM_TEXT_MAX = CheckItem._meta.get_field("text").max_length
ITEM_FINDING_MAX = CheckItem._meta.get_field("finding").max_length
ITEM_AREA_MAX = CheckItem._meta.get_field("area").max_length
RESULT_NOTE_MAX = CheckResult._meta.get_field("note").max_length
RESULT_PLACE_MAX = CheckResult._meta.get_field("place").max_length
HAZARD_TITLE_MAX = 120


@dataclass(frozen=True)
class ItemSpec:
    """One line of a checklist as the writer gives it: what should be true, the problem
    wording when it is not (``finding``), its clause and its usual place (``area``)."""

    text: str
    clause: StandardClause | None = None
    finding: str = ""
    area: str = ""


def default_title(item) -> str:
    """The title of the hazard a failed ``item`` raises unless the checker writes another:
    its finding, or — an item without one — the requirement it did not meet."""
    finding = (item.finding or "").strip()
    if finding:
        return _truncate(finding, HAZARD_TITLE_MAX)
    return _truncate(_("未做到：%(t)s") % {"t": item.text}, HAZARD_TITLE_MAX)


def result_key(item_id: int) -> str:
    """The ValidationError key of one item's errors in ``check_record_submit``."""
    return f"item-{item_id}"


# --- helpers ------------------------------------------------------------------------------


def _require(by) -> None:
    if not by.can(SELFCHECK_MANAGE):
        raise NotPermitted()


def _plan_for_write(by, plan_id: int) -> CheckPlan:
    return (
        CheckPlan.objects.for_user(by)
        .select_for_update(of=("self",))
        .select_related("enterprise")
        .get(pk=plan_id)
    )


def _item_specs(items: Sequence) -> list[ItemSpec]:
    specs = []
    for item in items or ():
        if isinstance(item, ItemSpec):
            fields = {
                "text": item.text,
                "clause": item.clause,
                "finding": item.finding,
                "area": item.area,
            }
        elif isinstance(item, dict):
            fields = item
        else:
            fields = {"text": str(item)}
        specs.append(
            ItemSpec(
                text=(fields.get("text") or "").strip(),
                clause=fields.get("clause"),
                finding=(fields.get("finding") or "").strip(),
                area=(fields.get("area") or "").strip(),
            )
        )
    return specs


def _check_plan_fields(errors: dict, *, name: str, frequency: str, scope_note: str) -> None:
    if not (name or "").strip():
        errors["name"] = _("请填写检查计划名称")
    elif len(name.strip()) > CheckPlan._meta.get_field("name").max_length:
        errors["name"] = _("检查计划名称过长")
    if frequency not in CheckFrequency.values:
        errors["frequency"] = _("请选择检查频次")
    if len((scope_note or "").strip()) > CheckPlan._meta.get_field("scope_note").max_length:
        errors["scope_note"] = _("检查范围过长")


def _check_items(errors: dict, specs: list[ItemSpec]) -> None:
    messages = []
    if not specs:
        messages.append(_("请至少填写一项检查内容"))
    if len(specs) > MAX_ITEMS:
        messages.append(_("一个计划最多 %(n)s 项检查内容") % {"n": MAX_ITEMS})
    seen = set()
    for number, spec in enumerate(specs, start=1):
        if not spec.text:
            messages.append(_("第 %(n)s 项检查内容为空") % {"n": number})
        elif len(spec.text) > ITEM_TEXT_MAX:
            messages.append(
                _("第 %(n)s 项检查内容超过 %(max)s 字") % {"n": number, "max": ITEM_TEXT_MAX}
            )
        if len(spec.finding) > ITEM_FINDING_MAX:
            messages.append(
                _("第 %(n)s 项的问题表述超过 %(max)s 字") % {"n": number, "max": ITEM_FINDING_MAX}
            )
        if len(spec.area) > ITEM_AREA_MAX:
            messages.append(
                _("第 %(n)s 项的检查部位超过 %(max)s 字") % {"n": number, "max": ITEM_AREA_MAX}
            )
        if spec.text in seen:
            messages.append(_("检查内容重复：“%(t)s”") % {"t": spec.text})
        seen.add(spec.text)
        clause = spec.clause
        if clause is not None and not (
            isinstance(clause, StandardClause)
            and StandardClause.objects.filter(
                pk=clause.pk, is_active=True, document__is_active=True
            ).exists()
        ):
            messages.append(_("“%(t)s”所选判定条款不存在或已停用") % {"t": spec.text})
    if messages:
        errors["items"] = messages


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _retire_items(items: Sequence[CheckItem]) -> None:
    """Take items off a plan's checklist.

    An item no check has used yet is deleted. An item with results is part of what past
    records say was checked (its results PROTECT it): it is retired instead — off the
    checklist for new checks, still shown in the records that used it.
    """
    used = set(CheckResult.objects.filter(item__in=items).values_list("item_id", flat=True))
    CheckItem.objects.filter(pk__in=[item.pk for item in items if item.pk in used]).update(
        is_active=False, retired_at=timezone.now()
    )
    CheckItem.objects.filter(pk__in=[item.pk for item in items if item.pk not in used]).delete()


# --- plans --------------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *,
    by,
    enterprise: Enterprise,
    name: str,
    frequency: str,
    scope_note: str = "",
    items: Sequence,
) -> CheckPlan:
    """Create an active plan of ``enterprise`` with its checklist (in the order given)."""
    _require(by)
    enterprise = enterprise_for_write(by, enterprise)
    specs = _item_specs(items)
    errors: dict = {}
    _check_plan_fields(errors, name=name, frequency=frequency, scope_note=scope_note)
    _check_items(errors, specs)
    _raise(errors)
    plan = CheckPlan(
        enterprise=enterprise,
        name=name.strip(),
        frequency=frequency,
        scope_note=(scope_note or "").strip(),
        created_by=by,
    )
    plan.full_clean()
    plan.save()
    CheckItem.objects.bulk_create(
        CheckItem(plan=plan, sort_order=(number + 1) * 10, **_item_fields(spec))
        for number, spec in enumerate(specs)
    )
    ensure_in_scope(by, plan, field="enterprise")
    return plan


@transaction.atomic
def plan_update(
    *,
    by,
    plan_id: int,
    name: str,
    frequency: str,
    scope_note: str = "",
    items: Sequence,
) -> CheckPlan:
    """Change a plan and set its whole checklist, in the order given.

    Items are matched by their text: a matching item keeps its identity (and its results)
    and takes the new position, clause, finding and area — a retired item whose text comes
    back is in use again; a new text is a new item; an item whose text is gone is retired
    (``_retire_items``: deleted if never used, kept but off the checklist otherwise).
    """
    _require(by)
    plan = _plan_for_write(by, plan_id)
    specs = _item_specs(items)
    errors: dict = {}
    _check_plan_fields(errors, name=name, frequency=frequency, scope_note=scope_note)
    _check_items(errors, specs)
    _raise(errors)
    plan.name = name.strip()
    plan.frequency = frequency
    plan.scope_note = (scope_note or "").strip()
    plan.full_clean()
    plan.save()
    existing = {item.text: item for item in plan.items.all()}
    wanted = {spec.text for spec in specs}
    _retire_items(
        [item for text, item in existing.items() if text not in wanted and item.is_active]
    )
    for number, spec in enumerate(specs):
        order = (number + 1) * 10
        item = existing.get(spec.text)
        if item is None:
            CheckItem.objects.create(plan=plan, sort_order=order, **_item_fields(spec))
        elif (
            item.sort_order != order
            or item.clause_id != getattr(spec.clause, "pk", None)
            or (item.finding, item.area) != (spec.finding, spec.area)
            or not item.is_active
        ):
            item.sort_order = order
            item.clause = spec.clause
            item.finding, item.area = spec.finding, spec.area
            item.is_active, item.retired_at = True, None
            item.save(
                update_fields=["sort_order", "clause", "finding", "area", "is_active", "retired_at"]
            )
    ensure_in_scope(by, plan)
    return plan


def _item_fields(spec: ItemSpec) -> dict:
    return {"text": spec.text, "clause": spec.clause, "finding": spec.finding, "area": spec.area}


def _set_active(by, plan_id: int, active: bool) -> CheckPlan:
    _require(by)
    plan = _plan_for_write(by, plan_id)
    if plan.is_active != active:
        plan.is_active = active
        plan.save(update_fields=["is_active"])
    return plan


@transaction.atomic
def plan_deactivate(*, by, plan_id: int) -> CheckPlan:
    """Stop a plan (it is no longer due or checkable); its records stay. Idempotent."""
    return _set_active(by, plan_id, False)


@transaction.atomic
def plan_activate(*, by, plan_id: int) -> CheckPlan:
    """Start a stopped plan again. Idempotent."""
    return _set_active(by, plan_id, True)


def checklist_items(key: str, enterprise) -> list[ItemSpec]:
    """A typical checklist's items, linked to the clauses the library holds (others without)."""
    checklist = checklists.checklist_get(key)
    if checklist is None:
        raise ValidationError({"checklist": _("没有这个检查表模板")})
    specs = []
    for item in checklist.items:
        found = clause_by_code(item.clause_code, enterprise) if item.clause_code else []
        specs.append(
            ItemSpec(
                text=str(item.text),
                clause=found[0] if len(found) == 1 else None,
                finding=str(item.finding),
                area=str(item.area),
            )
        )
    return specs


def plan_create_from_checklist(
    *, by, enterprise: Enterprise, key: str, name: str = "", frequency: str = ""
) -> CheckPlan:
    """Create a plan from a typical checklist (``checklists.CHECKLISTS``)."""
    checklist = checklists.checklist_get(key)
    if checklist is None:
        raise ValidationError({"checklist": _("没有这个检查表模板")})
    enterprise = enterprise_for_write(by, enterprise)
    return plan_create(
        by=by,
        enterprise=enterprise,
        name=name or str(checklist.name),
        frequency=frequency or checklist.frequency,
        scope_note=str(checklist.scope_note),
        items=checklist_items(key, enterprise),
    )


# --- checks -------------------------------------------------------------------------------


@dataclass
class _Answer:
    item: CheckItem
    passed: bool
    note: str
    photos: Sequence
    title: str = ""
    place: str = ""


def _answers(plan: CheckPlan, results: Sequence[dict], errors: dict) -> list[_Answer]:
    """Match the submitted results to the plan's items and check each one."""
    items = list(plan.items.active().select_related("clause", "clause__document"))
    by_id = {item.pk: item for item in items}
    given: dict[int, dict] = {}
    for result in results or ():
        try:
            item_id = int(result.get("item_id"))
        except (TypeError, ValueError):
            item_id = None
        if item_id not in by_id:
            errors.setdefault("results", []).append(_("检查项不属于本计划"))
        elif item_id in given:
            errors.setdefault("results", []).append(
                _("“%(t)s”提交了两次") % {"t": by_id[item_id].text}
            )
        else:
            given[item_id] = result
    answers = []
    for item in items:
        answer, messages = _answer(item, given.get(item.pk, {}))
        if messages:
            errors[result_key(item.pk)] = messages
        answers.append(answer)
    return answers


def _answer(item: CheckItem, result: dict) -> tuple[_Answer, list[str]]:
    """One item's answer and what is wrong with it. A failed item's hazard title defaults
    to ``default_title(item)`` and its place to the item's area."""
    messages = []
    passed = result.get("passed")
    note = (result.get("note") or "").strip()
    if passed is None:
        messages.append(_("请选择“%(t)s”是否合格") % {"t": item.text})
    elif not passed and not note:
        messages.append(_("“%(t)s”不合格，请填写问题说明") % {"t": item.text})
    if len(note) > RESULT_NOTE_MAX:
        messages.append(
            _("“%(t)s”的问题说明超过 %(max)s 字") % {"t": item.text, "max": RESULT_NOTE_MAX}
        )
    if passed is not False:
        return _Answer(item, bool(passed), note, ()), messages
    title = (result.get("title") or "").strip() or default_title(item)
    place = (result.get("place") or "").strip() or item.area
    photos = [photo for photo in result.get("photos") or () if photo]
    messages += _failure_messages(item, title, place)
    if len(photos) > MAX_PHOTOS_PER_ITEM:
        messages.append(
            _("“%(t)s”最多上传 %(n)s 张照片") % {"t": item.text, "n": MAX_PHOTOS_PER_ITEM}
        )
    else:
        try:
            prepare_photos(photos)
        except ValidationError as error:
            messages += [f"“{item.text}”：{m}" for m in error.message_dict["photos"]]
    return _Answer(item, False, note, photos, title=title, place=place), messages


def _failure_messages(item: CheckItem, title: str, place: str) -> list[str]:
    """What is wrong with the hazard title and place given for a failed item."""
    messages = []
    if len(title) > HAZARD_TITLE_MAX:
        messages.append(
            _("“%(t)s”的隐患名称超过 %(max)s 字") % {"t": item.text, "max": HAZARD_TITLE_MAX}
        )
    if not place:
        messages.append(_("“%(t)s”不合格，请填写检查部位") % {"t": item.text})
    elif len(place) > RESULT_PLACE_MAX:
        messages.append(
            _("“%(t)s”的检查部位超过 %(max)s 字") % {"t": item.text, "max": RESULT_PLACE_MAX}
        )
    return messages


def _check_performed_at(errors: dict, performed_at: datetime) -> None:
    if timezone.is_naive(performed_at):
        errors["performed_at"] = _("检查时间须带时区")
    elif performed_at > timezone.now() + FUTURE_TOLERANCE:
        errors["performed_at"] = _("检查时间不能晚于当前时间")


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _raise_hazard(*, by, plan: CheckPlan, record: CheckRecord, answer: _Answer):
    item = answer.item
    clause = item.clause
    active = clause is not None and clause.is_active and clause.document.is_active
    try:
        return hazard_report(
            by=by,
            enterprise=plan.enterprise,
            source=Source.SELF_CHECK,
            title=answer.title,
            description=answer.note,
            location=answer.place,
            found_at=record.performed_at,
            photos=answer.photos,
            clauses=[clause] if active else [],
            source_object=record,
        )
    except ValidationError as error:
        messages = [f"“{item.text}”：{m}" for m in error.messages]
        raise ValidationError({result_key(item.pk): messages}) from None


@transaction.atomic
def check_record_submit(
    *,
    by,
    plan_id: int,
    results: Sequence[dict],
    note: str = "",
    performed_at: datetime | None = None,
) -> CheckRecord:
    """Record one run of a plan: a result for every item, all or nothing.

    ``results``: one ``{item_id, passed, note, photos, title, place}`` per item of the plan
    (``photos``: uploaded files; kept only for failed items, as the raised hazard's 发现时
    photos). Each failed item needs a note and a place — ``place`` (检查部位), else the
    item's ``area`` — and raises one hazard (``hazard_report``; 重大 when the item names an
    active clause) titled ``title``, else ``default_title(item)``, and located at the place.
    ``title`` and ``place`` of passed items are ignored. Errors: ValidationError keyed
    ``item-<id>`` per item (``result_key``), ``performed_at``, ``note`` or ``results`` — and
    then nothing is saved, no record and no hazard (every photo is checked before anything
    is written).

    Submitting the same check twice (same plan, person and ``performed_at``, as a double
    tap on the form does) returns the first record instead of recording it again.
    """
    _require(by)
    plan = _plan_for_write(by, plan_id)
    performed_at = performed_at or timezone.now()
    if performed_at.tzinfo is not None:
        earlier = CheckRecord.objects.filter(
            plan=plan, performed_by=by, performed_at=performed_at
        ).first()
        if earlier is not None:
            return earlier
    errors: dict = {}
    if not plan.is_active:
        errors["plan"] = _("该检查计划已停用，不能再录入检查结果")
    _check_performed_at(errors, performed_at)
    note = (note or "").strip()
    if len(note) > CheckRecord._meta.get_field("note").max_length:
        errors["note"] = _("备注过长")
    answers = _answers(plan, results, errors)
    _raise(errors)
    record = CheckRecord.objects.create(
        plan=plan, enterprise=plan.enterprise, performed_by=by, performed_at=performed_at, note=note
    )
    for answer in answers:
        hazard = None
        if not answer.passed:
            hazard = _raise_hazard(by=by, plan=plan, record=record, answer=answer)
        CheckResult.objects.create(
            record=record,
            item=answer.item,
            passed=answer.passed,
            note=answer.note,
            place=answer.place,
            hazard=hazard,
        )
    ensure_in_scope(by, record)
    return record
