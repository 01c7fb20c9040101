"""The lifecycle of a 特殊作业票 on the kernel (``core.workflow``).

申请（草稿） → 提交审批 → 待审批 → (every signature of table B.1 recorded, agreed) 已批准 →
开始作业 → 作业中 ⇄ 暂停 → 完工关闭 → 已完成关闭. A signature that does not agree sends the
permit back to the draft (its signatures withdrawn). 作废 with a reason from any state
before the end (the guardian takes the permit back); 已过期 by the sweep once the validity
has passed (``sweeps.expire_permits``).

The gates (``gates``) are conditions — whoever asks, they must hold now: start needs the
signatures, a passing gas analysis taken within 30 minutes (where the kind requires one),
the planned start reached and the validity not passed; resume needs the validity and, after
a pause longer than the kind's limit, a new passing analysis; the work record
(``progress``) needs the validity. Gas analyses and signatures are operations (no change of
state) recorded on the same timeline.
"""

from django.utils.translation import gettext_lazy as _

from anjian.core.workflow import Lifecycle, Operation, Transition
from anjian.specialwork import gates
from anjian.specialwork import permissions as perms
from anjian.specialwork.choices import State as S
from anjian.specialwork.models import Permit, PermitTransition

ISSUE = perms.PERMIT_ISSUE

PERMIT = Lifecycle(
    name="work_permit",
    label=_("特殊作业票"),
    model=Permit,
    record=PermitTransition,
    record_fk="permit",
    states=S,
    initial=S.DRAFT,
    events={"apply": _("填写申请")},
    transitions=[
        Transition(
            "submit",
            _("提交审批"),
            {S.DRAFT},
            S.PENDING,
            ISSUE,
            conditions=(gates.not_past_end,),
            who=_("本单位：申请的作业时间未过"),
        ),
        Transition(
            "approve",
            _("审批完成"),
            {S.PENDING},
            S.APPROVED,
            ISSUE,
            internal=True,
            who=_("附录B 表B.1 要求的会签、审批均已同意时自动转入"),
        ),
        Transition(
            "send_back",
            _("退回修改"),
            {S.PENDING},
            S.DRAFT,
            ISSUE,
            internal=True,
            who=_("审批人不同意时自动退回，已有签字作废"),
        ),
        Transition(
            "start",
            _("开始作业"),
            {S.APPROVED},
            S.WORKING,
            ISSUE,
            conditions=(
                gates.approvals_complete,
                gates.within_validity,
                gates.on_time,
                gates.analysis_fresh,
            ),
            who=_("本单位：审批齐全、在有效期内、到计划开始时间、开始前30分钟内气体分析合格"),
        ),
        Transition(
            "pause",
            _("暂停作业"),
            {S.WORKING},
            S.PAUSED,
            ISSUE,
            needs_reason=True,
            who=_("本单位：记录中断原因与时间"),
        ),
        Transition(
            "resume",
            _("恢复作业"),
            {S.PAUSED},
            S.WORKING,
            ISSUE,
            conditions=(gates.within_validity, gates.retested_after_pause),
            who=_("本单位：在有效期内；中断超过规定时间的须重新分析合格"),
        ),
        Transition(
            "close",
            _("完工关闭"),
            {S.WORKING, S.PAUSED},
            S.CLOSED,
            ISSUE,
            who=_("本单位：作业完成，现场验收后关闭作业票"),
        ),
        Transition(
            "cancel",
            _("作废"),
            {S.DRAFT, S.PENDING, S.APPROVED, S.WORKING, S.PAUSED},
            S.CANCELLED,
            ISSUE,
            needs_reason=True,
            who=_("本单位：不再作业，或监护人收回作业票"),
        ),
        Transition(
            "expire",
            _("到期失效"),
            {S.PENDING, S.APPROVED, S.WORKING, S.PAUSED},
            S.EXPIRED,
            ISSUE,
            internal=True,
            who=_("超过有效期仍未关闭的，由定时任务转入"),
        ),
    ],
    operations=[
        Operation(
            "edit",
            _("修改申请"),
            ISSUE,
            {S.DRAFT},
            who=_("本单位：草稿可修改，级别随之重新计算"),
        ),
        Operation(
            "sign",
            _("记录审批意见"),
            ISSUE,
            {S.PENDING},
            who=_("本单位：按附录B 表B.1 记录会签、审批人的意见（设置了平台账号的，由该账号记录）"),
        ),
        Operation(
            "analyse",
            _("记录气体分析"),
            ISSUE,
            {S.PENDING, S.APPROVED, S.WORKING, S.PAUSED},
            who=_("本单位：取样时间、部位、数据和分析人；合格与否自动判定"),
        ),
        Operation(
            "progress",
            _("作业记录"),
            ISSUE,
            {S.WORKING},
            conditions=(gates.within_validity,),
            who=_("本单位：作业过程记录（如受限空间每2小时的检测记录）；超过有效期不能再记录"),
        ),
    ],
)
