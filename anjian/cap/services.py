"""Every write to the warnings. Pages, API, demo and CLI call these.

Each step looks the message up through the writer's *strict* scope (outside it =
``OutOfScope``, answered 404), checks role and lifecycle (``lifecycle.py``), validates,
then compare-and-sets state and version with a conditional UPDATE (zero rows = someone
was first = ``Conflict``) and writes one ``CapAlertTransition`` — in one transaction.
A transition submitted twice by the same person answers with the message as it is.

Publishing (``alert_approve``, and the Cancel message of ``alert_cancel``) assigns the
identifier, sender and sent time, builds the CAP XML and validates it against the OASIS
schema before anything is stored; an invalid document rolls the whole step back. The XML
of an issued message is never written again.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accounts import permissions as perms
from anjian.cap import lifecycle, selectors, xml
from anjian.cap.choices import MsgType, State
from anjian.cap.models import CapAlert, CapAlertTransition
from anjian.core.exceptions import Conflict, NotPermitted, OutOfScope, ValidationError
from anjian.core.scoping import ensure_in_scope

# What a composer writes; everything else is set by the workflow.
EDITABLE_FIELDS = (
    "region",
    "status",
    "category",
    "event",
    "response_type",
    "urgency",
    "severity",
    "certainty",
    "effective",
    "onset",
    "expires",
    "sender_name",
    "headline",
    "description",
    "instruction",
    "contact",
    "note",
    "area_desc",
    "polygon",
    "circle",
)
# What an Update or Cancel message takes over from the message it replaces.
CARRIED_FIELDS = tuple(name for name in EDITABLE_FIELDS if name != "note")


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


def _record(alert: CapAlert, *, action: str, by, from_state="", to_state="", reason=""):
    return CapAlertTransition.objects.create(
        alert=alert, action=action, from_state=from_state, to_state=to_state, by=by, reason=reason
    )


def _check_region(by, alert: CapAlert) -> None:
    if not selectors.issuing_regions(by).filter(pk=alert.region_id).exists():
        raise ValidationError(
            {"region": _("只能发布您管辖范围（%(s)s）内的预警") % {"s": by.scope.label}}
        )


def _check_not_expired(alert: CapAlert, now) -> None:
    if alert.expires <= now:
        raise ValidationError({"expires": _("失效时间已过，请修改失效时间后再提交")})


@dataclass
class _Step:
    alert: CapAlert
    transition: lifecycle.Transition
    from_state: str


def _begin(by, alert_id: int, name: str, expected_version: int | None) -> _Step | CapAlert:
    """Load, check role, lifecycle and version. Returns the message itself when this very
    transition was already done by the same person (a double submit)."""
    transition = lifecycle.TRANSITIONS[name]
    if not by.can(transition.action):
        raise NotPermitted()
    alert = _alert_for_write(by, alert_id)
    if alert.state not in transition.sources:
        last = alert.transitions.order_by("-at", "-id").first()
        if (
            alert.state == transition.target
            and last is not None
            and last.action == name
            and last.by_id == by.pk
        ):
            return alert
        raise Conflict(
            _("该预警当前为“%(state)s”，不能%(t)s。请刷新页面查看最新情况。")
            % {"state": alert.get_state_display(), "t": transition.label}
        )
    if not lifecycle.may(by, transition, alert):
        raise NotPermitted(
            _("不能审核发布本人起草、修改或提交的预警，须由其他有审核权限的人员签发")
        )
    if expected_version is not None and alert.version != expected_version:
        raise Conflict()
    return _Step(alert, transition, alert.state)


def _commit(step: _Step, *, by, reason: str = "", **values) -> CapAlert:
    """Compare-and-set the state (and ``values``), and write the timeline entry."""
    alert = step.alert
    target = step.transition.target
    updated = CapAlert.objects.filter(
        pk=alert.pk, state=step.from_state, version=alert.version
    ).update(state=target, version=F("version") + 1, updated_at=timezone.now(), **values)
    if updated == 0:
        raise Conflict()
    for name, value in values.items():
        setattr(alert, name, value)
    alert.state = target
    alert.version += 1
    _record(
        alert,
        action=step.transition.name,
        by=by,
        from_state=step.from_state,
        to_state=target,
        reason=reason,
    )
    return alert


def _publish(step: _Step, *, by, now, replaced: CapAlert | None) -> CapAlert:
    """Give the message its CAP header, build and validate the XML, store it all at once."""
    alert = step.alert
    alert.sent = timezone.localtime(now).replace(microsecond=0)
    alert.sender = sender_for(alert.region_id)
    alert.identifier = f"anjian-{alert.region_id}-{alert.sent:%Y%m%d%H%M%S}-{alert.pk}"
    alert.references = replaced.cap_reference if replaced is not None else ""
    document = xml.build(alert)
    xml.check(document)
    return _commit(
        step,
        by=by,
        identifier=alert.identifier,
        sender=alert.sender,
        sent=alert.sent,
        references=alert.references,
        xml=document.decode("utf-8"),
        approved_by=by,
        published_at=now,
    )


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写原因")})
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
    _record(successor, action="create", by=by, to_state=State.DRAFT, reason=original.identifier)
    return successor


def _replaceable(original: CapAlert) -> None:
    if original.msg_type == MsgType.CANCEL:
        raise Conflict(_("取消报文不能再被更新或取消"))


# --- drafts --------------------------------------------------------------------------------


@transaction.atomic
def alert_create(*, by, data: dict) -> CapAlert:
    """A new draft (msgType Alert) for a region the writer may issue for."""
    if not by.can(perms.WARNING_COMPOSE):
        raise NotPermitted()
    alert = CapAlert(
        created_by=by, updated_by=by, **{k: v for k, v in data.items() if k in EDITABLE_FIELDS}
    )
    alert.full_clean()
    _check_region(by, alert)
    alert.save()
    ensure_in_scope(by, alert, field="region")
    _record(alert, action="create", by=by, to_state=State.DRAFT)
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
    for name, value in data.items():
        if name in EDITABLE_FIELDS:
            setattr(alert, name, value)
    if alert.replaces_id and alert.region_id != region_before:
        raise ValidationError({"region": _("更新报文的发布单位须与原预警一致")})
    alert.full_clean()
    _check_region(by, alert)
    alert.updated_by = by
    alert.updated_at = timezone.now()
    alert.version += 1
    alert.save()
    ensure_in_scope(by, alert, field="region")
    _record(alert, action="edit", by=by, from_state=State.DRAFT, to_state=State.DRAFT)
    return alert


# --- transitions ---------------------------------------------------------------------------


@transaction.atomic
def alert_submit(*, by, alert_id: int, expected_version: int | None) -> CapAlert:
    """提交审核: the draft waits for someone else with WARNING_APPROVE."""
    step = _begin(by, alert_id, "submit", expected_version)
    if isinstance(step, CapAlert):
        return step
    step.alert.full_clean()
    now = timezone.now()
    _check_not_expired(step.alert, now)
    return _commit(step, by=by, submitted_by=by, submitted_at=now)


@transaction.atomic
def alert_return(*, by, alert_id: int, expected_version: int | None, reason: str) -> CapAlert:
    """退回修改: back to draft, with the approver's reason on the timeline."""
    reason = _require_reason(reason)
    step = _begin(by, alert_id, "return", expected_version)
    if isinstance(step, CapAlert):
        return step
    return _commit(step, by=by, reason=reason, submitted_by=None, submitted_at=None)


@transaction.atomic
def alert_discard(*, by, alert_id: int, expected_version: int | None) -> CapAlert:
    """作废 a draft that will not be published (kept, never deleted)."""
    step = _begin(by, alert_id, "discard", expected_version)
    if isinstance(step, CapAlert):
        return step
    return _commit(step, by=by)


@transaction.atomic
def alert_approve(*, by, alert_id: int, expected_version: int | None) -> CapAlert:
    """审核发布: publish the message (identifier, sent, XML validated and stored). An
    Update also marks the message it replaces superseded — if that one is still
    published; otherwise (someone cancelled or updated it first) this is a conflict."""
    step = _begin(by, alert_id, "approve", expected_version)
    if isinstance(step, CapAlert):
        return step
    alert = step.alert
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
        _commit(
            _Step(replaced, lifecycle.TRANSITIONS["supersede"], replaced.state),
            by=by,
            reason=_("由更新报文 %(pk)s 替代") % {"pk": alert.pk},
        )
    return _publish(step, by=by, now=now, replaced=replaced)


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
    if original.state != State.PUBLISHED:
        raise Conflict(
            _("只有已发布的预警可以更新；该预警当前为“%(state)s”。")
            % {"state": original.get_state_display()}
        )
    _replaceable(original)
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
    if isinstance(step, CapAlert):
        return step.successors.filter(msg_type=MsgType.CANCEL).get()
    original = step.alert
    _replaceable(original)
    drop = lifecycle.TRANSITIONS["drop"]
    for draft in original.successors.filter(state__in=drop.sources):
        _commit(_Step(draft, drop, draft.state), by=by, reason=_("原预警已取消"))
    _commit(step, by=by, reason=reason)
    message = _copy(original, by=by, msg_type=MsgType.CANCEL, note=reason)
    publish = _Step(message, lifecycle.TRANSITIONS["publish_cancel"], message.state)
    return _publish(publish, by=by, now=timezone.now(), replaced=original)
