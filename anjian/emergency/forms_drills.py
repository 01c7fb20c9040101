"""Forms of the 应急演练 pages: the drill plan, its record (实施), its evaluation with the
problems it found (one per line: each becomes an improvement task tracked to completion),
cancelling it, and marking a problem's improvement done."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.emergency.choices import DrillForm, DrillKind
from anjian.emergency.forms_plans import (
    Cell,
    OwnerForm,
    VersionForm,
    choice_field,
    date_field,
    parse_rows,
    text_field,
    whole_number,
)
from anjian.emergency.models import IN_FORCE_STATES, EmergencyPlan

PROBLEM_CELLS = [
    Cell("description", gettext_lazy("发现的问题"), max_length=2000),
    Cell("improvement", gettext_lazy("改进措施"), max_length=500),
    Cell("responsible", gettext_lazy("责任人/部门"), max_length=120),
    Cell("due_on", gettext_lazy("完成期限"), kind="date"),
]
DRILL_FIELDS = ("title", "kind", "form", "scenario", "planned_on", "place")


class PlanChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title}（{obj.edition}）"


class DrillCreateForm(OwnerForm):
    """登记演练计划 (``drill_create``)."""

    title = text_field(gettext_lazy("演练名称"), max_length=200)
    kind = choice_field(gettext_lazy("演练类型"), DrillKind.choices)
    form = choice_field(gettext_lazy("演练形式"), DrillForm.choices)
    plan = PlanChoiceField(
        label=gettext_lazy("演练的预案"),
        queryset=EmergencyPlan.objects.none(),
        required=False,
        empty_label=_("不指定"),
        error_messages={"invalid_choice": _("请选择您管辖范围内现行有效的预案")},
    )
    scenario = text_field(
        gettext_lazy("演练情景"),
        max_length=2000,
        rows=3,
        help_text=gettext_lazy("假定发生的事件、地点、规模和需要检验的环节"),
    )
    planned_on = date_field(gettext_lazy("计划日期"))
    place = text_field(gettext_lazy("演练地点"), max_length=200, required=False)

    def __init__(self, *args, user, instance=None, **kwargs):
        super().__init__(*args, user=user, instance=instance, **kwargs)
        plans = EmergencyPlan.objects.for_user(user).filter(state__in=IN_FORCE_STATES)
        self.fields["plan"].queryset = plans.order_by("plan_type", "title")

    def service_data(self) -> dict:
        data = self.cleaned_data
        values = {name: data.get(name) for name in DRILL_FIELDS}
        plan = data.get("plan")
        values["plan_id"] = plan.pk if plan else None
        values.update(self.owner_data())
        return values


class HoldForm(VersionForm):
    held_on = date_field(gettext_lazy("实施日期"))
    participants = whole_number(gettext_lazy("参演人数"), min_value=1, max_value=100_000)
    record = text_field(
        gettext_lazy("演练记录"),
        max_length=4000,
        rows=4,
        help_text=gettext_lazy("演练过程：启动、处置各环节、结束，参演单位和人员"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("held_on", timezone.localdate())


class EvaluateForm(VersionForm):
    score = whole_number(gettext_lazy("评估得分"), min_value=0, max_value=100)
    evaluators = text_field(
        gettext_lazy("评估人员"), max_length=200, help_text=gettext_lazy("评估组成员姓名、单位")
    )
    evaluated_on = date_field(gettext_lazy("评估日期"))
    summary = text_field(
        gettext_lazy("评估结论"),
        max_length=4000,
        rows=3,
        help_text=gettext_lazy("演练目标是否实现，预案是否适用，应急准备是否充分"),
    )
    plan_needs_revision = forms.BooleanField(
        label=gettext_lazy("演练发现预案需要修订"), required=False
    )
    problems = text_field(
        gettext_lazy("发现的问题及整改"),
        max_length=20000,
        required=False,
        rows=4,
        help_text=gettext_lazy(
            "每行一项：发现的问题｜改进措施｜责任人/部门｜完成期限（如 2025-09-30）；"
            "每项生成一条整改任务，跟踪至完成"
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("evaluated_on", timezone.localdate())
        self.fields["score"].error_messages["max_value"] = _("评估得分须在 0 至 100 之间")

    def clean_problems(self):
        return parse_rows(self.cleaned_data.get("problems"), PROBLEM_CELLS)

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["expected_version"] = data.pop("version")
        data["plan_needs_revision"] = bool(data.get("plan_needs_revision"))
        return data


class CancelForm(VersionForm):
    reason = text_field(gettext_lazy("取消理由"), max_length=2000, rows=2)


class ProblemDoneForm(VersionForm):
    done_on = date_field(gettext_lazy("完成日期"))
    note = text_field(gettext_lazy("完成情况"), max_length=500, rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("done_on", timezone.localdate())
