"""Forms of the self-check pages. They read what a browser sends; services decide the rest.

The checklist is edited as text, one item per line: the item, then optional parts each
after ``｜`` (or ``|``), in any order — a clause code of a major-hazard determination
standard (``｜HG-12``), the problem wording (``｜问题：报警装置失效``) and the usual place
(``｜部位：消防控制室``)::

    可燃气体报警装置完好｜HG-12｜问题：可燃气体报警装置缺失或失效
"""

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.hazards.choices import CheckFrequency
from anjian.hazards.selfcheck.selectors import clause_by_code
from anjian.hazards.selfcheck.services import ItemSpec

SEPARATOR = re.compile(r"\s*[|｜]\s*")
FINDING_PREFIX = "问题"
AREA_PREFIX = "部位"
LABELLED = re.compile(r"^(问题|部位)\s*[:：]\s*")
PART_NAMES = {
    "code": gettext_lazy("条款编号"),
    FINDING_PREFIX: gettext_lazy("问题表述"),
    AREA_PREFIX: gettext_lazy("检查部位"),
}
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def items_text(items) -> str:
    """The textarea form of a checklist (``ItemSpec`` or ``CheckItem`` objects)."""
    lines = []
    for item in items:
        parts = [item.text]
        if item.clause is not None:
            parts.append(item.clause.code)
        if item.finding:
            parts.append(f"{FINDING_PREFIX}：{item.finding}")
        if item.area:
            parts.append(f"{AREA_PREFIX}：{item.area}")
        lines.append("｜".join(parts))
    return "\n".join(lines)


def _line_parts(line: str, number: int, errors: list) -> tuple[str, str, str, str]:
    """(text, clause code, finding, area) of one line; a part given twice is an error."""
    text_part, *rest = SEPARATOR.split(line)
    found = {"code": "", FINDING_PREFIX: "", AREA_PREFIX: ""}
    for part in rest:
        labelled = LABELLED.match(part)
        key = labelled.group(1) if labelled else "code"
        value = part[labelled.end() :].strip() if labelled else part.strip()
        if not value:
            continue
        if found[key]:
            errors.append(
                _("第 %(n)s 行：%(what)s只能填写一个") % {"n": number, "what": PART_NAMES[key]}
            )
        found[key] = value
    return text_part.strip(), found["code"], found[FINDING_PREFIX], found[AREA_PREFIX]


def parse_items(text: str, enterprise) -> tuple[list[ItemSpec], list[str]]:
    """(items, errors) from the textarea: blank lines skipped, clause codes resolved."""
    specs, errors = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        text_part, code, finding, area = _line_parts(line, number, errors)
        clause = None
        if code:
            found = clause_by_code(code, enterprise)
            if not found:
                errors.append(
                    _("第 %(n)s 行：未找到判定条款“%(code)s”（条款编号见下方列表）")
                    % {"n": number, "code": code}
                )
            elif len(found) > 1:
                errors.append(
                    _("第 %(n)s 行：条款编号“%(code)s”对应多部判定标准，请联系管理员")
                    % {"n": number, "code": code}
                )
            else:
                clause = found[0]
        if not text_part:
            errors.append(_("第 %(n)s 行：请填写检查内容") % {"n": number})
            continue
        specs.append(ItemSpec(text_part, clause, finding=finding, area=area))
    return specs, errors


class PlanForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("计划名称"), max_length=80)
    frequency = forms.ChoiceField(label=gettext_lazy("频次"), choices=CheckFrequency.choices)
    scope_note = forms.CharField(
        label=gettext_lazy("检查范围"),
        max_length=200,
        required=False,
        help_text=gettext_lazy(
            "如：罐区、装卸区、仓库。不合格项的隐患部位在检查时逐项填写具体位置。"
        ),
    )
    items = forms.CharField(
        label=gettext_lazy("检查内容"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=gettext_lazy(
            "每行一项，写应当达到的状态（如“安全出口畅通”）。行末可用“｜”追加："
            "对应的重大事故隐患判定条款编号（该项不合格即为重大隐患）；"
            "“问题：……”——不合格时登记的隐患名称（如“问题：安全出口堵塞”），"
            "不写则记为“未做到：检查内容”；“部位：……”——该项固定的检查部位。"
            "如：可燃气体报警装置完好｜HG-12｜问题：可燃气体报警装置缺失或失效"
        ),
    )

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.enterprise = enterprise

    def clean_items(self):
        specs, errors = parse_items(self.cleaned_data["items"], self.enterprise)
        if errors:
            raise forms.ValidationError(errors)
        if not specs:
            raise forms.ValidationError(_("请至少填写一项检查内容"))
        return specs


class RecordForm(forms.Form):
    """The record's own fields on the check page; the items are read by ``results_from``."""

    performed_at = forms.DateTimeField(
        label=gettext_lazy("检查时间"),
        required=False,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    note = forms.CharField(
        label=gettext_lazy("备注"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    @staticmethod
    def initial_now() -> dict:
        now = timezone.localtime().replace(second=0, microsecond=0)
        return {"performed_at": now}


def field_names(item_id: int) -> dict[str, str]:
    prefix = f"item-{item_id}"
    return {name: f"{prefix}-{name}" for name in ("passed", "title", "place", "note", "photos")}


def results_from(items, data, files) -> list[dict]:
    """One ``{item_id, passed, title, place, note, photos}`` per item from the check page."""
    results = []
    for item in items:
        names = field_names(item.pk)
        choice = data.get(names["passed"])
        results.append(
            {
                "item_id": item.pk,
                "passed": {"1": True, "0": False}.get(choice),
                "title": data.get(names["title"], ""),
                "place": data.get(names["place"], ""),
                "note": data.get(names["note"], ""),
                "photos": files.getlist(names["photos"]),
            }
        )
    return results
