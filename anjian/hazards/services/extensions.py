"""Deadline extensions (延期): the rectifying side asks, the supervising side decides.

Who asks and who decides is declared with the lifecycle (``lifecycle.HAZARD``, the
``extension`` and ``extension_decide`` operations): an enterprise's own users ask
(``hazard.rectify`` without ``hazard.supervise``), government supervisors decide, and
nobody decides their own request. An approval moves the deadline (the overdue ladder
starts again) and the open-deadline summaries with it, in the same transaction.
"""

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.exceptions import Conflict, NotPermitted, ValidationError
from anjian.hazards import notices, tally
from anjian.hazards.choices import DEADLINE_STATES, ExtensionState
from anjian.hazards.lifecycle import HAZARD
from anjian.hazards.models import DeadlineExtension, Hazard
from anjian.hazards.services.common import (
    _check_text,
    _hazard_for_write,
    _raise,
    _record,
)


@transaction.atomic
def extension_request(
    *, by, hazard_id: int, requested_deadline: date, reason: str
) -> DeadlineExtension:
    """申请延期 of a registered, open hazard to a later date, with a reason; one pending
    request at a time. The hazard's supervisors are told."""
    hazard = _hazard_for_write(by, hazard_id)
    HAZARD.check_operation(by, "extension", hazard)
    errors: dict = {}
    if requested_deadline is None:
        errors["requested_deadline"] = _("请填写申请延期至的日期")
    elif requested_deadline < timezone.localdate():
        errors["requested_deadline"] = _("延期日期不能早于今天")
    elif requested_deadline <= hazard.deadline:
        errors["requested_deadline"] = _("延期日期须晚于原整改期限（%(d)s）") % {
            "d": hazard.deadline.isoformat()
        }
    _check_text(errors, "reason", reason, _("请填写延期理由"))
    _raise(errors)
    try:
        with transaction.atomic():
            extension = DeadlineExtension.objects.create(
                hazard=hazard,
                current_deadline=hazard.deadline,
                requested_deadline=requested_deadline,
                reason=reason.strip(),
                requested_by=by,
            )
    except IntegrityError:  # a concurrent request was first
        raise Conflict(_("该隐患已有待审批的延期申请")) from None
    _record(
        hazard,
        action="extension_request",
        by=by,
        reason=reason.strip(),
        data={"requested_deadline": requested_deadline.isoformat()},
    )
    notices.extension_requested(hazard, extension, by=by)
    return extension


@transaction.atomic
def extension_decide(
    *, by, extension_id: int, approve: bool, reason: str = ""
) -> DeadlineExtension:
    """Approve (the deadline moves, the overdue ladder starts again) or refuse, with reason."""
    extension = DeadlineExtension.objects.select_related("hazard").get(pk=extension_id)
    hazard = _hazard_for_write(by, extension.hazard_id)
    if not by.can(HAZARD.operations_by_name["extension_decide"].action):
        raise NotPermitted()
    if extension.requested_by_id == by.pk:
        raise NotPermitted(_("不能审批自己提交的延期申请"))
    if not approve and not (reason or "").strip():
        raise ValidationError({"decision_reason": _("不批准时请填写理由")})
    HAZARD.check_operation(by, "extension_decide", hazard)
    decided = DeadlineExtension.objects.filter(
        pk=extension.pk, state=ExtensionState.PENDING
    ).update(
        state=ExtensionState.APPROVED if approve else ExtensionState.REFUSED,
        decided_by=by,
        decided_at=timezone.now(),
        decision_reason=(reason or "").strip(),
    )
    if decided == 0:
        raise Conflict(_("该延期申请已被处理"))
    if approve:
        before = tally.contribution(hazard)
        updated = Hazard.objects.filter(
            pk=hazard.pk, state__in=DEADLINE_STATES, version=hazard.version
        ).update(
            deadline=extension.requested_deadline,
            escalation_level=0,
            reminded_for=None,
            version=F("version") + 1,
        )
        if updated == 0:
            raise Conflict(_("隐患已变更（可能已销号或作废），请刷新后再审批延期"))
        hazard.deadline = extension.requested_deadline
        hazard.version += 1
        tally.apply(before, tally.contribution(hazard))
    _record(
        hazard,
        action="extension_approved" if approve else "extension_refused",
        by=by,
        reason=(reason or "").strip(),
        data={
            "from": extension.current_deadline.isoformat(),
            "to": extension.requested_deadline.isoformat(),
        },
    )
    notices.extension_decided(
        hazard, extension, by=by, approve=approve, reason=(reason or "").strip()
    )
    extension.refresh_from_db()
    return extension
