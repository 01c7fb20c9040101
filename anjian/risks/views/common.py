"""What the risk pages share: the answer status of a form page, the colour legend, the
refusal to change a retired point, form sections."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from anjian.risks.choices import LEVEL_COLOURS, Level
from anjian.risks.forms import SECTIONS
from anjian.risks.models import RiskPoint


def form_status(form, conflict: bool = False) -> int:
    return 409 if conflict else 422 if form.errors else 200


def legend() -> list[dict]:
    return [
        {"value": level.value, "label": level.label, "colour": LEVEL_COLOURS[level]}
        for level in Level
    ]


def sections(form):
    return [
        (title, [form[name] for name in names if name in form.fields])
        for title, names in SECTIONS
        if any(name in form.fields for name in names)
    ]


def refuse_retired(request, point: RiskPoint):
    if not point.is_active:
        messages.error(request, _("该风险点已注销，不能再修改、评估或增加措施。"))
        return redirect(point)
    return None
