"""The accident's lifecycle on the kernel: 快报 → (续报) → 调查 → 结案 → 后评估, or 作废.

Follow-ups, the chain's levels, flags, the investigation's extension and the measures
are operations: they do not change the state."""

from django.utils.translation import gettext_lazy as _

from anjian.accidents import permissions as perms
from anjian.accidents.models import (
    Accident,
    AccidentState,
    AccidentTransition,
    MeasureState,
)
from anjian.core.workflow import Lifecycle, Operation, Transition

S = AccidentState


def investigation_reported(accident) -> str | None:
    investigation = getattr(accident, "investigation", None)
    if investigation is None or investigation.submitted_on is None:
        return _("请先登记调查报告（提交日期、事故原因、事故性质）")
    if investigation.replied_on is None:
        return _("请先登记人民政府对调查报告的批复日期")
    if not accident.measures.exists():
        return _("请先登记调查报告提出的整改措施")
    return None


def measures_done(accident) -> str | None:
    open_count = accident.measures.filter(state=MeasureState.OPEN).count()
    if open_count:
        return _("还有%(count)d项整改措施未落实，落实后才能评估") % {"count": open_count}
    return None


ACCIDENT = Lifecycle(
    name="accident",
    label=_("生产安全事故"),
    model=Accident,
    record=AccidentTransition,
    record_fk="accident",
    states=AccidentState,
    initial=S.REPORTED,
    events={
        "report": _("快报"),
        "follow_up": _("续报"),
        "inform": _("登记逐级上报"),
        "flag": _("认定报告违规"),
        "unflag": _("撤销认定"),
        "extend": _("延长调查期限"),
        "investigation": _("登记调查报告"),
        "responsibility": _("责任认定"),
        "measure": _("登记整改措施"),
        "measure_done": _("整改措施落实"),
    },
    transitions=[
        Transition(
            "investigate",
            _("成立调查组"),
            {S.REPORTED},
            S.INVESTIGATING,
            perms.ACCIDENT_MANAGE,
            required=("leader", "members"),
            who=_("组织调查的部门：登记调查组组长和成员，按等级计算调查报告期限"),
        ),
        Transition(
            "close",
            _("结案"),
            {S.INVESTIGATING},
            S.CLOSED,
            perms.ACCIDENT_MANAGE,
            conditions=(investigation_reported,),
            who=_("组织调查的部门：调查报告已提交并批复、整改措施已登记"),
        ),
        Transition(
            "evaluate",
            _("完成后评估"),
            {S.CLOSED},
            S.EVALUATED,
            perms.ACCIDENT_MANAGE,
            conditions=(measures_done,),
            required=("rating", "conclusion"),
            who=_("组织调查的部门：整改措施全部落实后，批复后一年内评估"),
        ),
        Transition(
            "void",
            _("作废"),
            {S.REPORTED},
            S.VOIDED,
            perms.ACCIDENT_MANAGE,
            needs_reason=True,
            who=_("应急管理部门：误报或经核实不属于生产安全事故，须写明理由"),
        ),
    ],
    operations=[
        Operation(
            "follow_up",
            _("续报"),
            perms.ACCIDENT_REPORT,
            {S.REPORTED, S.INVESTIGATING},
            who=_("报告人、事故单位或监管部门；伤亡人数减少须写明原因"),
        ),
        Operation(
            "inform",
            _("登记逐级上报"),
            perms.ACCIDENT_MANAGE,
            {S.REPORTED, S.INVESTIGATING},
            who=_("应急管理部门：登记向上级报告的时间、接报人和方式"),
        ),
        Operation(
            "flag",
            _("认定迟报/漏报/谎报/瞒报"),
            perms.ACCIDENT_FLAG,
            {S.REPORTED, S.INVESTIGATING, S.CLOSED, S.EVALUATED},
            who=_("应急管理局（综合监管），须写明认定理由；撤销也须写明理由"),
        ),
        Operation(
            "investigation",
            _("调查报告与延期"),
            perms.ACCIDENT_MANAGE,
            {S.INVESTIGATING},
            who=_("组织调查的部门：延期一次、技术鉴定天数、调查报告、责任认定、整改措施"),
        ),
        Operation(
            "measure",
            _("整改措施落实"),
            perms.ACCIDENT_MANAGE,
            {S.INVESTIGATING, S.CLOSED},
            who=_("组织调查的部门：登记每项措施的落实情况"),
        ),
    ],
)
