"""What the risk pages share: the colour legend, the refusal to change a retired point."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from anjian.risks.choices import LEVEL_COLOURS, Level
from anjian.risks.models import RiskPoint


def legend() -> list[dict]:
    return [
        {"value": level.value, "label": level.label, "colour": LEVEL_COLOURS[level]}
        for level in Level
    ]


def refuse_retired(request, point: RiskPoint):
    if not point.is_active:
        messages.error(request, _("该风险点已注销，不能再修改、评估或增加措施。"))
        return redirect(point)
    return None
