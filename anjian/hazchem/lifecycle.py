"""The lifecycle of a 重大危险源 on the kernel (``core.workflow``).

``SOURCE``: 已辨识，待备案 → 备案 (by the authority: the filing number and day; the next
assessment falls due three years on, RULES.md §15) → 核销 (by the authority, only when
the unit no longer qualifies, with the reason). A filed source whose grade changes, or a
closed one whose unit qualifies again, goes back to 待备案 (``reidentify``, internal: the
unit's evaluation does it, ``evaluation.follow_source``). Grade changes and the unit
ceasing to qualify without a change of state are events on the same timeline.
"""

from django.utils.translation import gettext_lazy as _

from anjian.core.workflow import Lifecycle, Transition
from anjian.hazchem import permissions as perms
from anjian.hazchem.choices import SourceState as S
from anjian.hazchem.models import MajorHazardSource, SourceTransition


def still_qualifies(source) -> str | None:
    if not source.qualifies:
        return _("该单元已不构成重大危险源，请办理核销")
    return None


def no_longer_qualifies(source) -> str | None:
    if source.qualifies:
        return _("该单元仍构成重大危险源，不能核销；核销须以单元不再构成重大危险源为前提")
    return None


def not_the_unit_itself(user, source) -> str | None:
    if user.scope.enterprise_id is not None:
        return _("重大危险源的备案和核销由应急管理部门办理")
    return None


SOURCE = Lifecycle(
    name="major_hazard_source",
    label=_("重大危险源"),
    model=MajorHazardSource,
    record=SourceTransition,
    record_fk="source",
    states=S,
    initial=S.IDENTIFIED,
    events={
        "identify": _("辨识为重大危险源"),
        "regrade": _("级别变化"),
        "lapse": _("单元不再构成重大危险源"),
        "requalify": _("单元重新构成重大危险源"),
        "monitoring": _("在线监测要求变更"),
    },
    transitions=[
        Transition(
            "file",
            _("备案"),
            {S.IDENTIFIED},
            S.FILED,
            perms.SOURCE_FILE,
            guards=(not_the_unit_itself,),
            conditions=(still_qualifies,),
            required=("filed_on", "filing_number"),
            who=_("应急管理部门：登记备案日期和备案编号；三年后到期复评"),
        ),
        Transition(
            "close",
            _("核销"),
            {S.IDENTIFIED, S.FILED},
            S.CLOSED,
            perms.SOURCE_FILE,
            guards=(not_the_unit_itself,),
            conditions=(no_longer_qualifies,),
            needs_reason=True,
            required=("closed_on",),
            who=_("应急管理部门：单元不再构成重大危险源时，登记核销日期和理由"),
        ),
        Transition(
            "reidentify",
            _("重新辨识，待备案"),
            {S.FILED, S.CLOSED},
            S.IDENTIFIED,
            perms.UNIT_MANAGE,
            internal=True,
            who=_("已备案的级别变化，或已核销的单元重新构成重大危险源时自动转入"),
        ),
    ],
)
