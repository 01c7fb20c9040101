"""The hazard lifecycle as data: every transition, where it may start, where it ends, who may.

DESIGN.md: reported → registered (上账) → rectifying → awaiting acceptance → closed (销号);
acceptance can fail back to rectifying; 即查即改 closes a reported hazard in one step;
void with reason from any open state. Services look transitions up here and nowhere else;
tests walk this table (every state × every transition).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from anjian.accounts.roles import Role
from anjian.hazards.choices import GOVERNMENT_SOURCES, Grade, PhotoStage, State

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


# --- whose finding it is ------------------------------------------------------------------
# The finding side (government or the enterprise) owns what it recorded: it corrects the
# wording, place and category and brings the 发现时 photos; the other side adds notes
# (``services.hazard_add_note``). Acceptance evidence comes from whoever may accept.


def found_by_government(hazard) -> bool:
    """Whether the government side found ``hazard``: a source only it records (inspection,
    patrol, tip-off), or a government user reported it. Otherwise the enterprise did."""
    return hazard.source in GOVERNMENT_SOURCES or is_government(hazard.reported_by)


def _on_finding_side(user, hazard) -> bool:
    if found_by_government(hazard):
        return is_government(user)
    return user.role == Role.ENTERPRISE


def may_correct(user, hazard) -> bool:
    """Whether ``user`` may correct what was recorded about ``hazard`` (scope apart)."""
    works_on_it = user.can("hazard.report") or user.can("hazard.rectify")
    return works_on_it and _on_finding_side(user, hazard)


def correction_refusal(hazard) -> str:
    if found_by_government(hazard):
        return str(
            _("该隐患由监管部门发现，登记信息只能由监管部门更正；如有不同意见，请补充说明。")
        )
    return str(_("该隐患由企业自行发现上报，登记信息只能由企业更正；如有意见，请补充说明。"))


def photo_stages(user, hazard) -> list[str]:
    """The photo stages ``user`` may add to ``hazard``, in the order pages offer them:
    发现时 only the finding side, 整改前/后 anyone who works on it, 验收 whoever may accept."""
    if not (user.can("hazard.report") or user.can("hazard.rectify")):
        return []
    allowed = {PhotoStage.BEFORE, PhotoStage.AFTER}
    if _on_finding_side(user, hazard):
        allowed.add(PhotoStage.FOUND)
    if may(user, TRANSITIONS["accept"], hazard):
        allowed.add(PhotoStage.ACCEPTANCE)
    return [stage for stage in PhotoStage.values if stage in allowed]


def photo_refusal(user, hazard, stage: str) -> str:
    if stage == PhotoStage.ACCEPTANCE:
        if acceptance_needs_government(hazard) and not is_government(user):
            return str(_("该隐患须由监管部门验收，验收照片只能由监管部门上传。"))
        return str(_("只有有权验收该隐患的人员可以上传验收照片。"))
    if stage == PhotoStage.FOUND:
        return str(_("发现时照片是发现方的取证，只能由发现方上传；请选择整改前或整改后照片。"))
    return str(_("您不能上传该环节的照片。"))


# How the timeline names the events that are not transitions.
EVENT_LABELS = {
    "report": _("登记"),
    "edit": _("更正登记信息"),
    "note": _("补充说明"),
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
