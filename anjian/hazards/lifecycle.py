"""The hazard lifecycle as data: every transition, where it may start, where it ends, who may.

DESIGN.md: reported → registered (上账) → rectifying → awaiting acceptance → closed (销号);
acceptance can fail back to rectifying; 即查即改 closes a reported hazard in one step;
void with reason from any open state. Services look transitions up here and nowhere else;
tests walk this table (every state × every transition).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from anjian.accounts.roles import Role
from anjian.hazards.choices import GOVERNMENT_SOURCES, Grade, State

GOVERNMENT_ROLES = frozenset(
    {Role.ADMIN, Role.SUPERVISOR, Role.DEPARTMENT, Role.STREET, Role.INSPECTOR}
)


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[str]
    target: str
    action: str  # the role-map action (accounts.permissions) the actor needs
    needs_reason: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "register", _("上账"), frozenset({State.REPORTED}), State.REGISTERED, "hazard.rectify"
        ),
        Transition(
            "start",
            _("开始整改"),
            frozenset({State.REGISTERED}),
            State.RECTIFYING,
            "hazard.rectify",
        ),
        Transition(
            "submit",
            _("提请验收"),
            frozenset({State.RECTIFYING}),
            State.AWAITING_ACCEPTANCE,
            "hazard.rectify",
        ),
        Transition(
            "accept",
            _("验收销号"),
            frozenset({State.AWAITING_ACCEPTANCE}),
            State.CLOSED,
            "hazard.rectify",
        ),
        Transition(
            "reject",
            _("验收不通过"),
            frozenset({State.AWAITING_ACCEPTANCE}),
            State.RECTIFYING,
            "hazard.rectify",
            needs_reason=True,
        ),
        Transition(
            "close_on_spot",
            _("即查即改销号"),
            frozenset({State.REPORTED}),
            State.CLOSED,
            "hazard.report",
        ),
        Transition(
            "void",
            _("作废"),
            frozenset(
                {State.REPORTED, State.REGISTERED, State.RECTIFYING, State.AWAITING_ACCEPTANCE}
            ),
            State.VOID,
            "hazard.supervise",
            needs_reason=True,
        ),
    )
}


def allowed_from(state: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if state in t.sources]


def is_government(user) -> bool:
    return user.role in GOVERNMENT_ROLES


def acceptance_needs_government(hazard) -> bool:
    """Who may accept: a major hazard, or one the government side found, only government."""
    return hazard.grade == Grade.MAJOR or hazard.source in GOVERNMENT_SOURCES


def may(user, transition: Transition, hazard) -> bool:
    """Whether ``user`` may run ``transition`` on ``hazard`` (scope is checked separately)."""
    if not user.can(transition.action):
        return False
    if transition.name in ("accept", "reject") and acceptance_needs_government(hazard):
        return is_government(user) and user.can("hazard.supervise")
    if transition.name == "close_on_spot" and hazard.source in GOVERNMENT_SOURCES:
        # What an inspector or grid member found is closed by the government side.
        return is_government(user)
    return True


# How the timeline names the events that are not transitions.
EVENT_LABELS = {
    "report": _("登记"),
    "edit": _("修改"),
    "photo": _("补充照片"),
    "escalate": _("逾期督促"),
    "extension_request": _("申请延期"),
    "extension_approved": _("批准延期"),
    "extension_refused": _("不批准延期"),
    "list": _("挂牌督办"),
    "sign_off": _("摘牌"),
    "revisit": _("回头看"),
    "merge": _("合并重复隐患"),
}
