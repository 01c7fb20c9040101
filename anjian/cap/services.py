"""Every write to the warnings. Pages, API, demo and CLI call these.

Each step looks the message up through the writer's *strict* scope (outside it =
``OutOfScope``, answered 404) and runs its transition on the workflow kernel
(``lifecycle.ALERT``: role, state, guards, version, compare-and-set, one
``CapAlertTransition``) — in one transaction. A transition submitted twice by the same
person answers with the message as it is.

Publishing (``alert_approve``, and the Cancel message of ``alert_cancel``) assigns the
identifier, sender and sent time, builds the CAP XML and validates it against the OASIS
schema before anything is stored; an invalid document rolls the whole step back. The XML
of an issued message is never written again.

The area is picked as regions (``data["areas"]``: districts and streets inside the
issuing region); typed polygons and circles remain an advanced option. The timeline's
create and edit lines carry the picked regions' names.

Co-issuing (联合发布): a draft names departments of its issuing region
(``data["co_issuers"]`` or ``alert_set_co_issuers``); once submitted, a user of each
department agrees (``alert_cosign``, 会签, once per department); approval waits for all
(the lifecycle's condition); a return clears the agreements.

Side effects: ``notices`` — submitted → the approvers, and the co-issuing departments'
users; every department agreed → the approvers; published → the composer; returned →
the composer with the opinion (签发意见). Written in the same transaction. Publishing
writes the message's deliveries (``delivery.queue_for``: the recipients of its area by
every configured channel), sent after the commit.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.cap import delivery, notices, recipients, selectors, xml
from anjian.cap import permissions as perms
from anjian.cap.choices import MsgType, State
from anjian.cap.lifecycle import ALERT, may_cosign
from anjian.cap.models import EDITABLE_FIELDS, CapAlert, CapCoIssuer
from anjian.core.exceptions import Conflict, NotPermitted, OutOfScope, ValidationError
from anjian.core.notifications import notify
from anjian.core.scoping import ensure_in_scope
from anjian.core.workflow import Step
from anjian.regions.choices import RegionLevel
from anjian.regions.models import Department, Region

# What a composer writes is ``models.EDITABLE_FIELDS`` (the change log keeps the same).
# What an Update or Cancel message takes over from the message it replaces (and its areas).
CARRIED_FIELDS = tuple(name for name in EDITABLE_FIELDS if name != "note")
# The key of ``data`` with the regions picked as the area (Region objects or codes).
AREAS = "areas"
AREA_LEVELS = (RegionLevel.DISTRICT, RegionLevel.STREET)
AREA_DESC_LENGTH = 200
# The key of ``data`` with the co-issuing departments (Department objects or ids).
CO_ISSUERS = "co_issuers"
MAX_CO_ISSUERS = 10


# --- helpers ------------------------------------------------------------------------------


def sender_for(region_code: str) -> str:
    """The CAP sender of a region's 应急管理局 (no spaces, commas, < or &)."""
    return f"yjj.{region_code}@anjian"


def _alert_for_write(by, alert_id: int) -> CapAlert:
    alert = (
        CapAlert.objects.for_user(by)
        .select_for_update(of=("self",))
        .select_related("region")
        .filter(pk=alert_id)
        .first()
    )
    if alert is None:
        raise OutOfScope()
    return alert


def _record(alert: CapAlert, *, action: str, by, from_state="", to_state="", reason="", data=None):
    return ALERT.record_event(
        alert,
        action=action,
        by=by,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=data,
    )


# --- the area ------------------------------------------------------------------------------


def _resolve_areas(picked) -> list[Region]:
    """The picked regions (objects or codes), districts and streets only, by code."""
    codes = sorted({getattr(item, "pk", item) for item in picked or ()})
    regions = list(
        Region.objects.filter(code__in=codes, level__in=AREA_LEVELS)
        .select_related("parent")
        .order_by("code")
    )
    unknown = set(codes) - {region.code for region in regions}
    if unknown:
        raise ValidationError(
            {AREAS: _("不是可选的区或街道（镇）：%(c)s") % {"c": "、".join(sorted(unknown))}}
        )
    return regions


def _describe(alert: CapAlert, regions: list[Region], *, before: list[Region] = ()) -> None:
    """An empty area description is made from the picked regions; one that was made from
    the regions picked ``before`` follows the new picks."""
    if before and alert.area_desc == _description(before):
        alert.area_desc = ""
    if not alert.area_desc.strip():
        alert.area_desc = _description(regions)


def _description(regions: list[Region]) -> str:
    """杨浦区全境 for a district, 杨浦区殷行街道、平凉路街道 for streets ("" for none)."""
    districts = {r.code for r in regions if r.level == RegionLevel.DISTRICT}
    parts = [f"{r.name}全境" for r in regions if r.code in districts]
    streets: dict[str, list[str]] = {}
    for region in regions:
        if region.level == RegionLevel.STREET and region.parent_id not in districts:
            streets.setdefault(region.parent.name, []).append(region.name)
    parts += [f"{district}{'、'.join(names)}" for district, names in streets.items()]
    text = "；".join(parts)
    if len(text) > AREA_DESC_LENGTH:
        text = text[: AREA_DESC_LENGTH - 1] + "等"
    return text


def _check_area(alert: CapAlert, regions: list[Region]) -> None:
    """Something says where (regions, a polygon or a circle), and every region lies inside
    the region the message is issued for."""
    outside = [r.name for r in regions if not r.code.startswith(alert.region_id)]
    if outside:
        raise ValidationError(
            {
                AREAS: _("影响区划须在发布单位区划（%(r)s）内：%(n)s")
                % {"r": alert.region.name, "n": "、".join(outside)}
            }
        )
    if not regions and not alert.polygon and not alert.circle:
        raise ValidationError(
            {
                AREAS: _(
                    "请选择影响区划（区或街道），或在高级选项中填写多边形或圆形区域："
                    "接收方据此在地图上显示预警并按位置推送"
                )
            }
        )
    if not alert.area_desc.strip():
        raise ValidationError({"area_desc": _("请填写影响区域说明")})


def _check_region(by, alert: CapAlert) -> None:
    if not selectors.issuing_regions(by).filter(pk=alert.region_id).exists():
        raise ValidationError(
            {"region": _("只能发布您管辖范围（%(s)s）内的预警") % {"s": by.scope.label}}
        )


def _check_not_expired(alert: CapAlert, now) -> None:
    if alert.expires <= now:
        raise ValidationError({"expires": _("失效时间已过，请修改失效时间后再提交")})


def _begin(by, alert_id: int, name: str, expected_version: int | None) -> Step:
    """The kernel's checks, on the message looked up (and locked) through the scope."""
    if not by.can(ALERT.transition(name).action):
        raise NotPermitted()
    return ALERT.begin(
        by=by, obj=_alert_for_write(by, alert_id), name=name, expected_version=expected_version
    )


def _publish(step: Step, *, by, now, replaced: CapAlert | None, reason: str = "") -> CapAlert:
    """Give the message its CAP header, build and validate the XML, store it all at once."""
    alert = step.obj
    alert.sent = timezone.localtime(now).replace(microsecond=0)
    alert.sender = sender_for(alert.region_id)
    alert.identifier = f"anjian-{alert.region_id}-{alert.sent:%Y%m%d%H%M%S}-{alert.pk}"
    alert.references = replaced.cap_reference if replaced is not None else ""
    document = xml.build(alert)
    xml.check(document)
    published = ALERT.commit(
        step,
        by=by,
        reason=reason,
        values={
            "identifier": alert.identifier,
            "sender": alert.sender,
            "sent": alert.sent,
            "references": alert.references,
            "xml": document.decode("utf-8"),
            "approved_by": by,
            "published_at": now,
        },
    )
    delivery.queue_for(published)
    return published


def _require_reason(reason: str, message: str = "") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": message or _("请填写原因")})
    return reason


def _copy(original: CapAlert, *, by, msg_type: str, note: str = "") -> CapAlert:
    successor = CapAlert(
        **{name: getattr(original, name) for name in CARRIED_FIELDS},
        msg_type=msg_type,
        replaces=original,
        note=note,
        created_by=by,
        updated_by=by,
    )
    successor.full_clean()
    successor.save()
    regions = selectors.area_regions(original)
    successor.areas.set(regions)
    if msg_type == MsgType.UPDATE:  # a Cancel is published at once, by the authority alone
        CapCoIssuer.objects.bulk_create(
            CapCoIssuer(alert=successor, department_id=co.department_id)
            for co in original.co_issuers.all()
        )
    _record(
        successor,
        action="create",
        by=by,
        to_state=State.DRAFT,
        reason=original.identifier,
        data=_area_data(regions),
    )
    return successor


def _area_data(regions: list[Region]) -> dict:
    return {AREAS: selectors.area_names(regions)} if regions else {}


# --- co-issuing (联合发布) ----------------------------------------------------------------


def _resolve_co_issuers(alert: CapAlert, picked) -> list[Department]:
    """The named departments (objects or ids): active departments of the issuing region."""
    try:
        ids = sorted({int(getattr(item, "pk", item)) for item in picked or ()})
    except (TypeError, ValueError):
        raise ValidationError({CO_ISSUERS: _("联合发布部门须以部门编号指定")}) from None
    if len(ids) > MAX_CO_ISSUERS:
        raise ValidationError({CO_ISSUERS: _("联合发布部门最多 %(n)d 个") % {"n": MAX_CO_ISSUERS}})
    found = list(Department.objects.filter(pk__in=ids, region_id=alert.region_id, is_active=True))
    if len(found) != len(ids):
        raise ValidationError(
            {
                CO_ISSUERS: _("联合发布部门须是发布单位区划（%(r)s）的在用部门")
                % {"r": alert.region.name}
            }
        )
    return sorted(found, key=lambda d: (d.sort_order, d.pk))


def _set_co_issuers(alert: CapAlert, departments: list[Department], *, by) -> bool:
    """Name exactly ``departments`` (a draft's: none has agreed yet); True if changed."""
    before = set(alert.co_issuers.values_list("department_id", flat=True))
    after = {d.pk for d in departments}
    if before == after:
        return False
    alert.co_issuers.exclude(department_id__in=after).delete()
    CapCoIssuer.objects.bulk_create(
        CapCoIssuer(alert=alert, department=d) for d in departments if d.pk not in before
    )
    _record(
        alert,
        action="co_issuers",
        by=by,
        data={CO_ISSUERS: [d.name for d in departments]},
    )
    return True


def _ask_co_issuers(alert: CapAlert, *, by) -> int:
    """Each department that has not agreed: its users who may agree are asked to."""
    told = 0
    for co in alert.co_issuers.filter(approved_at__isnull=True).select_related("department"):
        told += notify(
            users=[u for u in recipients.cosigners(alert, co.department_id) if u.pk != by.pk],
            title=_("联合发布待会签：%(t)s") % {"t": alert.headline},
            body=_("%(who)s 提交了以%(d)s为联合发布部门的预警，请核对后会签。")
            % {"who": by, "d": co.department.name},
            url=reverse("cap:alert_co_issue", args=[alert.pk]),
            kind="cap_alert_cosign",
            dedupe_key=f"cap-{alert.pk}-cosign-{co.department_id}-v{alert.version}",
        )
    return told


@transaction.atomic
def alert_set_co_issuers(
    *, by, alert_id: int, departments, expected_version: int | None
) -> CapAlert:
    """Name the departments that issue a draft together with its authority (联合发布)."""
    if not by.can(perms.WARNING_COMPOSE):
        raise NotPermitted()
    alert = _alert_for_write(by, alert_id)
    if alert.state != State.DRAFT:
        raise ALERT.conflict(alert, str(_("修改联合发布部门")))
    if expected_version is not None and alert.version != expected_version:
        raise Conflict()
    if _set_co_issuers(alert, _resolve_co_issuers(alert, departments), by=by):
        CapAlert.objects.filter(pk=alert.pk).update(
            version=alert.version + 1, updated_by=by, updated_at=timezone.now()
        )
        alert.refresh_from_db()
    return alert


@transaction.atomic
def alert_cosign(
    *, by, alert_id: int, expected_version: int | None, reason: str = ""
) -> CapCoIssuer:
    """会签: the acting user's department agrees to the pending warning it co-issues —
    once (a second agreement by the same person answers with the first; by anyone else
    of the department it is refused). The last department's agreement tells the
    approvers it can be signed off. ``expected_version``: the content the user read."""
    if not by.can(perms.WARNING_COSIGN):
        raise NotPermitted()
    alert = _alert_for_write(by, alert_id)
    named = (
        CapCoIssuer.objects.select_for_update(of=("self",))
        .select_related("department", "approved_by")
        .filter(alert=alert, department_id=by.department_id)
        .first()
    )
    if named is not None and named.approved_by_id == by.pk:
        return named  # a double submit
    refusal = may_cosign(by, alert)
    if refusal:
        raise NotPermitted(refusal)
    if alert.state != State.PENDING:
        raise ALERT.conflict(alert, str(_("会签")))
    if expected_version is not None and alert.version != expected_version:
        raise Conflict()
    now = timezone.now()
    named.approved_by, named.approved_at = by, now
    named.opinion = (reason or "").strip()[:500]
    named.save(update_fields=["approved_by", "approved_at", "opinion"])
    _record(
        alert,
        action="cosign",
        by=by,
        reason=named.opinion,
        data={"department": named.department.name},
    )
    if not alert.co_issuers.filter(approved_at__isnull=True).exists():
        notify(
            users=[u for u in notices.approvers(alert) if u.pk != by.pk],
            title=_("联合发布部门已全部会签：%(t)s") % {"t": alert.headline},
            body=_("%(d)s 等联合发布部门均已会签，可以审核发布。") % {"d": named.department.name},
            url=alert.get_absolute_url(),
            kind="cap_alert_cosigned",
            dedupe_key=f"cap-{alert.pk}-cosigned-v{alert.version}",
        )
    return named


# --- drafts --------------------------------------------------------------------------------


@transaction.atomic
def alert_create(*, by, data: dict) -> CapAlert:
    """A new draft (msgType Alert) for a region the writer may issue for."""
    if not by.can(perms.WARNING_COMPOSE):
        raise NotPermitted()
    alert = CapAlert(
        created_by=by, updated_by=by, **{k: v for k, v in data.items() if k in EDITABLE_FIELDS}
    )
    regions = _resolve_areas(data.get(AREAS))
    _describe(alert, regions)
    alert.full_clean()
    _check_region(by, alert)
    _check_area(alert, regions)
    co_issuers = _resolve_co_issuers(alert, data.get(CO_ISSUERS))
    alert.save()
    alert.areas.set(regions)
    ensure_in_scope(by, alert, field="region")
    _record(alert, action="create", by=by, to_state=State.DRAFT, data=_area_data(regions))
    _set_co_issuers(alert, co_issuers, by=by)
    return alert


@transaction.atomic
def alert_edit(*, by, alert_id: int, data: dict, expected_version: int) -> CapAlert:
    """Change a draft at ``expected_version``. An Update keeps the region of the message
    it replaces (it is the same authority's message)."""
    if not by.can(perms.WARNING_COMPOSE):
        raise NotPermitted()
    alert = _alert_for_write(by, alert_id)
    if alert.state != State.DRAFT:
        raise Conflict(
            _("只有草稿可以修改；该预警当前为“%(state)s”。") % {"state": alert.get_state_display()}
        )
    if alert.version != expected_version:
        raise Conflict()
    region_before = alert.region_id
    before = selectors.area_regions(alert)
    for name, value in data.items():
        if name in EDITABLE_FIELDS:
            setattr(alert, name, value)
    if alert.replaces_id and alert.region_id != region_before:
        raise ValidationError({"region": _("更新报文的发布单位须与原预警一致")})
    regions = _resolve_areas(data[AREAS]) if AREAS in data else before
    _describe(alert, regions, before=before)
    alert.full_clean()
    _check_region(by, alert)
    _check_area(alert, regions)
    co_issuers = _resolve_co_issuers(alert, data[CO_ISSUERS]) if CO_ISSUERS in data else None
    alert.updated_by = by
    alert.updated_at = timezone.now()
    alert.version += 1
    alert.save()
    alert.areas.set(regions)
    ensure_in_scope(by, alert, field="region")
    changed = [r.code for r in regions] != [r.code for r in before]
    _record(
        alert,
        action="edit",
        by=by,
        from_state=State.DRAFT,
        to_state=State.DRAFT,
        data=_area_data(regions) if changed else None,
    )
    if co_issuers is not None:
        _set_co_issuers(alert, co_issuers, by=by)
    return alert


# --- transitions ---------------------------------------------------------------------------


@transaction.atomic
def alert_submit(*, by, alert_id: int, expected_version: int | None) -> CapAlert:
    """提交审核: the draft waits for someone else with WARNING_APPROVE."""
    step = _begin(by, alert_id, "submit", expected_version)
    if step.replay:
        return step.obj
    step.obj.full_clean()
    now = timezone.now()
    _check_not_expired(step.obj, now)
    _check_area(step.obj, selectors.area_regions(step.obj))
    alert = ALERT.commit(step, by=by, values={"submitted_by": by, "submitted_at": now})
    notices.submitted(alert, by=by)
    _ask_co_issuers(alert, by=by)
    return alert


@transaction.atomic
def alert_return(*, by, alert_id: int, expected_version: int | None, reason: str) -> CapAlert:
    """退回修改: back to draft, with the approver's opinion (签发意见, required) on the
    timeline and in the composer's notice."""
    reason = _require_reason(reason, _("退回修改须填写签发意见，说明需要修改什么"))
    step = _begin(by, alert_id, "return", expected_version)
    if step.replay:
        return step.obj
    alert = ALERT.commit(
        step, by=by, reason=reason, values={"submitted_by": None, "submitted_at": None}
    )
    agreed = list(
        alert.co_issuers.filter(approved_at__isnull=False)
        .select_related("department")
        .values_list("department__name", flat=True)
    )
    if agreed:  # the content may change: the departments agree again to what is resubmitted
        alert.co_issuers.update(approved_by=None, approved_at=None, opinion="")
        _record(alert, action="cosign_reset", by=by, data={CO_ISSUERS: agreed})
    notices.returned(alert, by=by, opinion=reason)
    return alert


@transaction.atomic
def alert_discard(*, by, alert_id: int, expected_version: int | None) -> CapAlert:
    """作废 a draft that will not be published (kept, never deleted)."""
    step = _begin(by, alert_id, "discard", expected_version)
    if step.replay:
        return step.obj
    return ALERT.commit(step, by=by)


@transaction.atomic
def alert_approve(*, by, alert_id: int, expected_version: int | None, reason: str = "") -> CapAlert:
    """审核发布: publish the message (identifier, sent, XML validated and stored), with the
    approver's opinion (签发意见, optional) on the timeline and in the composer's notice.
    An Update also marks the message it replaces superseded — if that one is still
    published; otherwise (someone cancelled or updated it first) this is a conflict."""
    reason = (reason or "").strip()
    step = _begin(by, alert_id, "approve", expected_version)
    if step.replay:
        return step.obj
    alert = step.obj
    now = timezone.now()
    _check_not_expired(alert, now)
    replaced = None
    if alert.replaces_id:
        replaced = CapAlert.objects.select_for_update().get(pk=alert.replaces_id)
        if replaced.state != State.PUBLISHED:
            raise Conflict(
                _("原预警已“%(state)s”，此更新不能再发布。")
                % {"state": replaced.get_state_display()}
            )
        ALERT.commit(
            ALERT.internal(replaced, "supersede"),
            by=by,
            reason=_("由更新报文 %(pk)s 替代") % {"pk": alert.pk},
        )
    alert = _publish(step, by=by, now=now, replaced=replaced, reason=reason)
    notices.published(alert, by=by, opinion=reason)
    return alert


@transaction.atomic
def alert_start_update(
    *, by, alert_id: int, expected_version: int | None = None
) -> tuple[CapAlert, bool]:
    """Begin an Update of a published message: a new draft (msgType Update) with the same
    content, to edit, submit and have approved. Returns (draft, created); a second call
    while one is open returns that one."""
    if not by.can(perms.WARNING_COMPOSE):
        raise NotPermitted()
    original = _alert_for_write(by, alert_id)
    existing = selectors.open_successor(original)
    if existing is not None:
        return existing, False
    ALERT.check_operation(by, "update", original)
    if expected_version is not None and original.version != expected_version:
        raise Conflict()
    return _copy(original, by=by, msg_type=MsgType.UPDATE), True


@transaction.atomic
def alert_cancel(*, by, alert_id: int, expected_version: int | None, reason: str) -> CapAlert:
    """取消预警: publish a Cancel message referencing the message at once, mark that one
    cancelled and discard any Update still being written for it. Returns the Cancel
    message. Needs WARNING_APPROVE; no second person (withdrawing must not wait)."""
    reason = _require_reason(reason)
    step = _begin(by, alert_id, "cancel", expected_version)
    if step.replay:
        return step.obj.successors.filter(msg_type=MsgType.CANCEL).get()
    original = step.obj
    drop = ALERT.transition("drop")
    for draft in original.successors.filter(state__in=drop.sources):
        ALERT.commit(ALERT.internal(draft, "drop"), by=by, reason=_("原预警已取消"))
    ALERT.commit(step, by=by, reason=reason)
    message = _copy(original, by=by, msg_type=MsgType.CANCEL, note=reason)
    publish = ALERT.internal(message, "publish_cancel")
    return _publish(publish, by=by, now=timezone.now(), replaced=original)
