"""The warning lifecycle, declared on the workflow kernel (``core.workflow``).

draft → pending (提交审核) → published (审核发布, by someone who did not write it, with
an optional opinion — 签发意见); pending → draft (退回修改, the opinion required: the
kernel's ``needs_reason``); draft → discarded (作废; nothing is deleted).
A published message leaves the feed in one of two ways:

- superseded: a later Update message that references it was approved and published;
- cancelled:  an approver cancelled it; a Cancel message referencing it is published at
  once (``publish_cancel``), because taking a warning back must not wait for a second person.

Co-issuing (联合发布): a warning may name departments that issue it together with its
authority (``CapCoIssuer``). Each agrees once (会签 — ``services.alert_cosign``, by a user
of that department with ``warning.cosign``: ``may_cosign``); approving waits until all
have (the condition ``co_issuers_agreed``, a Conflict naming the departments still
pending). A return to draft clears the agreements: the content may change.

``supersede``, ``drop`` (an Update still being written when its message is cancelled)
and ``publish_cancel`` are done by the services as part of another step, never asked
for directly. The generated diagram and table: docs/lifecycles.md.
"""

from django.utils.translation import gettext_lazy as _

from anjian.cap import permissions as perms
from anjian.cap.choices import MsgType, State
from anjian.cap.models import CapAlert, CapAlertTransition, CapCoIssuer
from anjian.core.workflow import Lifecycle, Operation, Transition

WRITING = ("create", "edit", "co_issuers", "submit")


def authors(alert) -> set[int]:
    """Who wrote the message — drafted it, changed any version of it, or submitted it:
    they may not also approve it."""
    found = {pk for pk in (alert.created_by_id, alert.submitted_by_id, alert.updated_by_id) if pk}
    if alert.pk:
        found |= set(
            alert.transitions.filter(action__in=WRITING, by__isnull=False).values_list(
                "by_id", flat=True
            )
        )
    return found


def not_an_author(user, alert) -> str | None:
    if user.pk in authors(alert):
        return _("不能审核发布本人起草、修改或提交的预警，须由其他有审核权限的人员签发")
    return None


def pending_co_issuers(alert) -> list[CapCoIssuer]:
    """The co-issuing departments that have not agreed yet, in their order."""
    if not alert.pk:
        return []
    return list(
        CapCoIssuer.objects.filter(alert=alert, approved_at__isnull=True).select_related(
            "department"
        )
    )


def co_issuers_agreed(alert) -> str | None:
    """Approving waits for every co-issuing department's agreement (会签)."""
    pending = pending_co_issuers(alert)
    if pending:
        return _("尚待联合发布部门会签：%(d)s。全部会签后才能审核发布") % {
            "d": "、".join(co.department.name for co in pending)
        }
    return None


def may_cosign(user, alert) -> str | None:
    """Who may agree for a co-issuing department: one of its own users (with the role's
    ``warning.cosign``), while the department has not agreed yet."""
    if not user.can(perms.WARNING_COSIGN):
        return _("您的角色无权会签")
    named = CapCoIssuer.objects.filter(alert=alert, department_id=user.department_id).first()
    if user.department_id is None or named is None:
        return _("您所在的部门不是该预警的联合发布部门")
    if named.agreed:
        return _("本部门已会签（%(who)s）") % {"who": named.approved_by}
    return None


def not_a_cancel_message(alert) -> str | None:
    if alert.msg_type == MsgType.CANCEL:
        return _("取消报文不能再被更新或取消")
    return None


ALERT = Lifecycle(
    name="cap_alert",
    label=_("预警"),
    model=CapAlert,
    record=CapAlertTransition,
    record_fk="alert",
    states=State,
    initial=State.DRAFT,
    transitions=[
        Transition(
            "submit",
            _("提交审核"),
            {State.DRAFT},
            State.PENDING,
            perms.WARNING_COMPOSE,
            who=_("起草人（预警编制权限）"),
        ),
        Transition(
            "return",
            _("退回修改"),
            {State.PENDING},
            State.DRAFT,
            perms.WARNING_APPROVE,
            needs_reason=True,
            who=_("审核人（签发意见写明需要修改什么）"),
        ),
        Transition(
            "approve",
            _("审核发布"),
            {State.PENDING},
            State.PUBLISHED,
            perms.WARNING_APPROVE,
            guards=(not_an_author,),
            conditions=(co_issuers_agreed,),
            who=_(
                "审核人，且不是起草、修改或提交该预警的人（双人审核）；签发意见可选；"
                "有联合发布部门的，须各部门均已会签"
            ),
        ),
        Transition(
            "discard",
            _("作废草稿"),
            {State.DRAFT},
            State.DISCARDED,
            perms.WARNING_COMPOSE,
            who=_("起草人"),
        ),
        Transition(
            "cancel",
            _("取消预警"),
            {State.PUBLISHED},
            State.CANCELLED,
            perms.WARNING_APPROVE,
            needs_reason=True,
            conditions=(not_a_cancel_message,),
            who=_("审核人；随即发布引用原预警的取消报文"),
        ),
        Transition(
            "supersede",
            _("被更新报文替代"),
            {State.PUBLISHED},
            State.SUPERSEDED,
            perms.WARNING_APPROVE,
            internal=True,
        ),
        Transition(
            "drop",
            _("随原预警取消而作废"),
            {State.DRAFT, State.PENDING},
            State.DISCARDED,
            perms.WARNING_APPROVE,
            internal=True,
        ),
        Transition(
            "publish_cancel",
            _("发布取消报文"),
            {State.DRAFT},
            State.PUBLISHED,
            perms.WARNING_APPROVE,
            internal=True,
        ),
    ],
    operations=[
        Operation(
            "update",
            _("更新预警"),
            perms.WARNING_COMPOSE,
            {State.PUBLISHED},
            conditions=(not_a_cancel_message,),
            who=_("起草人：新起草一份引用原预警的更新报文，审核发布后替代原预警"),
        ),
    ],
    events={
        "create": _("起草"),
        "edit": _("修改"),
        "co_issuers": _("确定联合发布部门"),
        "cosign": _("联合发布部门会签"),
        "cosign_reset": _("会签作废（退回修改）"),
    },
)
