"""The warning lifecycle as data: every transition, where it may start, where it ends, who may.

draft → pending (提交审核) → published (审核发布, by someone who did not write it);
pending → draft (退回修改, with a reason); draft → discarded (作废; nothing is deleted).
A published message leaves the feed in one of two ways:

- superseded: a later Update message that references it was approved and published;
- cancelled:  an approver cancelled it; a Cancel message referencing it is published at
  once (``publish_cancel``), because taking a warning back must not wait for a second person.

``supersede``, ``drop`` (an Update still being written when its message is cancelled)
and ``publish_cancel`` are done by the services as part of another step, never asked
for directly. Services look transitions up here and nowhere else; tests walk
this table (every state × every transition).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from anjian.accounts import permissions as perms
from anjian.cap.choices import State


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[str]
    target: str
    action: str  # the role-map action (accounts.permissions) the actor needs
    needs_reason: bool = False
    internal: bool = False  # a step of another service, not offered as a button


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "submit",
            _("提交审核"),
            frozenset({State.DRAFT}),
            State.PENDING,
            perms.WARNING_COMPOSE,
        ),
        Transition(
            "return",
            _("退回修改"),
            frozenset({State.PENDING}),
            State.DRAFT,
            perms.WARNING_APPROVE,
            needs_reason=True,
        ),
        Transition(
            "approve",
            _("审核发布"),
            frozenset({State.PENDING}),
            State.PUBLISHED,
            perms.WARNING_APPROVE,
        ),
        Transition(
            "discard",
            _("作废草稿"),
            frozenset({State.DRAFT}),
            State.DISCARDED,
            perms.WARNING_COMPOSE,
        ),
        Transition(
            "cancel",
            _("取消预警"),
            frozenset({State.PUBLISHED}),
            State.CANCELLED,
            perms.WARNING_APPROVE,
            needs_reason=True,
        ),
        Transition(
            "supersede",
            _("被更新报文替代"),
            frozenset({State.PUBLISHED}),
            State.SUPERSEDED,
            perms.WARNING_APPROVE,
            internal=True,
        ),
        Transition(
            "drop",
            _("随原预警取消而作废"),
            frozenset({State.DRAFT, State.PENDING}),
            State.DISCARDED,
            perms.WARNING_APPROVE,
            internal=True,
        ),
        Transition(
            "publish_cancel",
            _("发布取消报文"),
            frozenset({State.DRAFT}),
            State.PUBLISHED,
            perms.WARNING_APPROVE,
            internal=True,
        ),
    )
}

# How the timeline names the events that are not transitions.
EVENT_LABELS = {
    "create": _("起草"),
    "edit": _("修改"),
}


def allowed_from(state: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if state in t.sources and not t.internal]


def authors(alert) -> set[int]:
    """Who wrote the message: they may not also approve it."""
    return {pk for pk in (alert.created_by_id, alert.submitted_by_id, alert.updated_by_id) if pk}


def may(user, transition: Transition, alert) -> bool:
    """Whether ``user``'s role allows ``transition`` on ``alert`` (scope is checked apart)."""
    if not user.can(transition.action):
        return False
    if transition.name == "approve":
        return user.pk not in authors(alert)
    return True
