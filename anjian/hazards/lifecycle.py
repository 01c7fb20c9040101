"""The hazard lifecycle, declared on the workflow kernel (``core.workflow``).

DESIGN.md: reported → registered (上账) → rectifying → awaiting acceptance → closed (销号);
acceptance can fail back to rectifying; 即查即改 closes a reported general hazard in one
step; void with reason from any open state. Overdue is derived from the deadline, never a
state. The generated diagram and table: docs/lifecycles.md.

Who may, beyond the role map (guards: 403 with the reason):

- a major hazard, or one the government side found (inspection, patrol, tip-off), is
  accepted — or sent back — by government supervisors only; what the government found is
  closed on the spot by the government side only;
- the finding side corrects what was recorded (the government what it found, the
  enterprise what it found itself); the other side adds a note;
- 申请延期 is asked for by the side that rectifies and decided by the side that
  supervises: the enterprise's own users ask (``hazard.rectify`` without
  ``hazard.supervise``); a user who may decide extensions (``hazard.supervise``: 应急局,
  行业部门, 街镇 — the same officials who accept major and government-found hazards) is
  never offered one and is refused, so the acceptor never asks for more time for work it
  is to judge, and nobody decides their own request. (An enterprise without a login has
  no one to ask: it gets an account, or the deadline set at 上账 stands.)
- 挂牌督办 at the levels the user's region may issue; 摘牌 by the same level or above.

What can be done now, whoever asks (conditions: 409 with the state it is in):
即查即改 is not for major hazards; a listed hazard is signed off before it is voided;
申请延期 while no other request is pending; 督促 only for overdue open hazards; 挂牌督办
only for registered (上账) major hazards not listed already. The services keep answering
what the hazard itself refuses as a form error where they always did (422: 即查即改 of a
major hazard, voiding a listed one, listing one that is general, not registered or
closed), so the API's answers do not change; the offers follow the conditions.

Services run the transitions (``services/``); pages and the API offer what
``HAZARD.available(user, hazard)`` lists.
"""

from django.utils.translation import gettext_lazy as _

from anjian.accounts.roles import Role
from anjian.core.workflow import Lifecycle, Operation, Transition
from anjian.hazards import permissions as perms
from anjian.hazards.choices import (
    DEADLINE_STATES,
    GOVERNMENT_SOURCES,
    OPEN_STATES,
    ExtensionState,
    Grade,
    ListingLevel,
    ListingState,
    PhotoStage,
    RevisitState,
    State,
)
from anjian.hazards.models import Hazard, HazardTransition
from anjian.regions.choices import RegionLevel
from anjian.regions.levels import level_of

GOVERNMENT_ROLES = frozenset(
    {Role.ADMIN, Role.SUPERVISOR, Role.DEPARTMENT, Role.STREET, Role.INSPECTOR}
)


def is_government(user) -> bool:
    return user.role in GOVERNMENT_ROLES


# --- who accepts --------------------------------------------------------------------------


def acceptance_needs_government(hazard) -> bool:
    """Who may accept: a major hazard, or one the government side found, only government."""
    return hazard.grade == Grade.MAJOR or hazard.source in GOVERNMENT_SOURCES


def accepted_by_government(user, hazard) -> str | None:
    if acceptance_needs_government(hazard) and not (
        is_government(user) and user.can(perms.HAZARD_SUPERVISE)
    ):
        return _("重大事故隐患和监管部门发现的隐患须由监管部门验收销号")
    return None


def closed_on_spot_by_its_finder(user, hazard) -> str | None:
    """What an inspector or grid member found is closed by the government side."""
    if hazard.source in GOVERNMENT_SOURCES and not is_government(user):
        return _("监管部门发现的隐患须由监管部门即查即改销号")
    return None


def not_major(hazard) -> str | None:
    if hazard.grade == Grade.MAJOR:
        return _("重大事故隐患不能即查即改销号，须上账整改并由政府部门验收")
    return None


def _listed(hazard) -> bool:
    return hazard.listings.filter(state=ListingState.LISTED).exists()


def signed_off_before_void(hazard) -> str | None:
    if _listed(hazard):
        return _("该隐患正在挂牌督办，须先摘牌才能作废")
    return None


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


def correction_refusal(hazard) -> str:
    if found_by_government(hazard):
        return str(
            _("该隐患由监管部门发现，登记信息只能由监管部门更正；如有不同意见，请补充说明。")
        )
    return str(_("该隐患由企业自行发现上报，登记信息只能由企业更正；如有意见，请补充说明。"))


def on_finding_side(user, hazard) -> str | None:
    return None if _on_finding_side(user, hazard) else correction_refusal(hazard)


def may_accept(user, hazard) -> bool:
    """Whether ``user`` may accept ``hazard`` (role and guards; not the state, not scope)."""
    return HAZARD.refusal(user, "accept", hazard) is None


def photo_stages(user, hazard) -> list[str]:
    """The photo stages ``user`` may add to ``hazard``, in the order pages offer them:
    发现时 only the finding side, 整改前/后 anyone who works on it, 验收 whoever may accept."""
    if not (user.can(perms.HAZARD_REPORT) or user.can(perms.HAZARD_RECTIFY)):
        return []
    allowed = {PhotoStage.BEFORE, PhotoStage.AFTER}
    if _on_finding_side(user, hazard):
        allowed.add(PhotoStage.FOUND)
    if may_accept(user, hazard):
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


# --- deadline extensions ------------------------------------------------------------------


def on_rectifying_side(user, hazard) -> str | None:
    """申请延期 is the rectifying side's: whoever may decide extensions does not ask."""
    if user.can(perms.HAZARD_SUPERVISE):
        return _(
            "延期由整改责任单位申请、监管部门审批；可审批延期或验收销号的监管人员不提出延期申请"
        )
    return None


def _pending_extensions(hazard):
    return hazard.extensions.filter(state=ExtensionState.PENDING)


def no_pending_extension(hazard) -> str | None:
    if hazard.deadline is None:
        return _("只有已上账、未销号的隐患可以申请延期")
    if _pending_extensions(hazard).exists():
        return _("该隐患已有待审批的延期申请")
    return None


def not_own_request(user, hazard) -> str | None:
    if _pending_extensions(hazard).filter(requested_by_id=user.pk).exists():
        return _("不能审批自己提交的延期申请")
    return None


def a_pending_extension(hazard) -> str | None:
    if not _pending_extensions(hazard).exists():
        return _("该隐患没有待审批的延期申请（可能已被他人审批）")
    return None


# --- 督促 and 挂牌督办 ----------------------------------------------------------------------


def overdue(hazard) -> str | None:
    if not hazard.is_overdue():
        return _("隐患尚未逾期，无需督促")
    return None


# Which listing levels a user's region may issue: a street lists at street level, a district
# at district or street level, the city (or the province above it) at any level.
_LISTING_LEVELS_BY_REGION_LEVEL = {
    RegionLevel.PROVINCE: (ListingLevel.CITY, ListingLevel.DISTRICT, ListingLevel.STREET),
    RegionLevel.CITY: (ListingLevel.CITY, ListingLevel.DISTRICT, ListingLevel.STREET),
    RegionLevel.DISTRICT: (ListingLevel.DISTRICT, ListingLevel.STREET),
}


def listing_levels_for(user) -> tuple[str, ...]:
    scope = user.scope
    if scope.everything:
        return tuple(ListingLevel.values)
    if scope.region_prefix is None:
        return ()
    return _LISTING_LEVELS_BY_REGION_LEVEL.get(
        level_of(scope.region_prefix), (ListingLevel.STREET,)
    )


def lists_at_some_level(user, hazard) -> str | None:
    if not listing_levels_for(user):
        return _("您所在层级不能挂牌督办")
    return None


def major(hazard) -> str | None:
    if hazard.grade != Grade.MAJOR:
        return _("只有重大事故隐患可以挂牌督办")
    return None


def not_listed_yet(hazard) -> str | None:
    if _listed(hazard):
        return _("该隐患已在挂牌督办中")
    return None


def same_level_or_above(user, hazard) -> str | None:
    """摘牌: the listing's level must be one the user's region may issue."""
    listing = hazard.listings.filter(state=ListingState.LISTED).first()
    if listing is not None and listing.level not in listing_levels_for(user):
        return _("只有同级或上级可以摘牌")
    return None


def a_listing_to_sign_off(hazard) -> str | None:
    if not _listed(hazard):
        return _("该隐患没有督办中的挂牌（可能已摘牌）")
    return None


def a_revisit_due(hazard) -> str | None:
    if not hazard.revisits.filter(state=RevisitState.SCHEDULED).exists():
        return _("该隐患没有待完成的回头看（可能已完成）")
    return None


HAZARD = Lifecycle(
    name="hazard",
    label=_("隐患"),
    model=Hazard,
    record=HazardTransition,
    record_fk="hazard",
    states=State,
    initial=State.REPORTED,
    transitions=[
        Transition(
            "register",
            _("上账"),
            {State.REPORTED},
            State.REGISTERED,
            perms.HAZARD_RECTIFY,
            required=("grade", "deadline", "owner_name", "measures"),
            who=_("整改方（企业）或监管部门；定级、期限、责任人、措施，重大隐患须五落实"),
        ),
        Transition(
            "start",
            _("开始整改"),
            {State.REGISTERED},
            State.RECTIFYING,
            perms.HAZARD_RECTIFY,
            who=_("整改方（企业）或监管部门"),
        ),
        Transition(
            "submit",
            _("提请验收"),
            {State.RECTIFYING},
            State.AWAITING_ACCEPTANCE,
            perms.HAZARD_RECTIFY,
            required=("rectification_note",),
            who=_("整改方（企业）或监管部门；须有整改后照片"),
        ),
        Transition(
            "accept",
            _("验收销号"),
            {State.AWAITING_ACCEPTANCE},
            State.CLOSED,
            perms.HAZARD_RECTIFY,
            guards=(accepted_by_government,),
            required=("acceptance_note",),
            who=_("重大隐患和监管部门发现的隐患只由监管部门；企业自查的一般隐患也可由企业"),
        ),
        Transition(
            "reject",
            _("验收不通过"),
            {State.AWAITING_ACCEPTANCE},
            State.RECTIFYING,
            perms.HAZARD_RECTIFY,
            guards=(accepted_by_government,),
            needs_reason=True,
            who=_("有权验收该隐患的人员（同验收销号）"),
        ),
        Transition(
            "close_on_spot",
            _("即查即改销号"),
            {State.REPORTED},
            State.CLOSED,
            perms.HAZARD_REPORT,
            guards=(closed_on_spot_by_its_finder,),
            conditions=(not_major,),
            required=("rectification_note",),
            who=_(
                "可登记隐患的人员，监管部门发现的只由监管部门；不适用于重大隐患；须有整改前后照片"
            ),
        ),
        Transition(
            "void",
            _("作废"),
            set(OPEN_STATES),
            State.VOID,
            perms.HAZARD_SUPERVISE,
            conditions=(signed_off_before_void,),
            needs_reason=True,
            who=_("监管部门；挂牌督办中的须先摘牌"),
        ),
    ],
    operations=[
        Operation(
            "photos",
            _("补充照片"),
            perms.HAZARD_REPORT,
            set(OPEN_STATES),
            who=_(
                "处理该隐患的人员（可登记或整改隐患）：发现时照片只由发现方，整改前后照片"
                "双方均可，验收照片只由有权验收的一方"
            ),
        ),
        Operation(
            "details",
            _("更正登记信息"),
            perms.HAZARD_REPORT,
            set(OPEN_STATES),
            guards=(on_finding_side,),
            who=_("发现方：监管部门发现的由监管部门更正，企业自查的由企业更正；另一方补充说明"),
        ),
        Operation(
            "note",
            _("补充说明"),
            perms.HAZARD_REPORT,
            set(OPEN_STATES),
            who=_("处理该隐患的人员（双方），不改变登记内容"),
        ),
        Operation(
            "extension",
            _("申请延期"),
            perms.HAZARD_RECTIFY,
            set(DEADLINE_STATES),
            guards=(on_rectifying_side,),
            conditions=(no_pending_extension,),
            who=_(
                "整改责任单位（企业用户）；可审批延期的监管人员不申请。同一时间只有一份待审批的申请"
            ),
        ),
        Operation(
            "extension_decide",
            _("审批延期"),
            perms.HAZARD_SUPERVISE,
            set(State.values),
            guards=(not_own_request,),
            conditions=(a_pending_extension,),
            who=_("监管部门，不审批本人提交的申请；批准须隐患未销号、未作废"),
        ),
        Operation(
            "escalate",
            _("逾期督促"),
            perms.HAZARD_SUPERVISE,
            set(DEADLINE_STATES),
            conditions=(overdue,),
            who=_("监管部门；只对已逾期、未销号的隐患"),
        ),
        Operation(
            "listing",
            _("挂牌督办"),
            perms.HAZARD_LIST,
            set(DEADLINE_STATES),
            guards=(lists_at_some_level,),
            conditions=(major, not_listed_yet),
            who=_("按所在层级（市、区、街镇）；只对已上账、未销号、未在督办中的重大隐患"),
        ),
        Operation(
            "sign_off",
            _("摘牌"),
            perms.HAZARD_LIST,
            {State.CLOSED},
            guards=(same_level_or_above,),
            conditions=(a_listing_to_sign_off,),
            who=_("同级或上级；隐患验收销号后"),
        ),
        Operation(
            "revisit",
            _("回头看"),
            perms.HAZARD_LIST,
            {State.CLOSED},
            conditions=(a_revisit_due,),
            who=_("监管部门；销号后排定的回头看，反弹时登记新隐患"),
        ),
        Operation(
            "merge",
            _("合并重复隐患"),
            perms.HAZARD_SUPERVISE,
            set(OPEN_STATES),
            who=_("监管部门：本隐患作废并指向保留的同一单位隐患"),
        ),
    ],
    # The timeline's other events (an operation's record may carry another name).
    events={
        "report": _("登记"),
        "edit": _("更正登记信息"),
        "photo": _("补充照片"),
        "extension_request": _("申请延期"),
        "extension_approved": _("批准延期"),
        "extension_refused": _("不批准延期"),
        "list": _("挂牌督办"),
    },
)
