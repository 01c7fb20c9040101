"""Forms of the penalty-case pages and the discretion table. They parse; the services
decide (scope, the department, the handlers' 执法证, the discretion range, the gate)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.inspections.case_models import Circumstance, DiscretionRule
from anjian.inspections.cases import selectors
from anjian.inspections.forms import DATE_INPUT, DepartmentChoiceField, acting_departments
from anjian.inspections.models import Inspector

COORDINATE = {"max_digits": 9, "decimal_places": 6, "required": False, "widget": forms.HiddenInput}


class PositionForm(forms.Form):
    """The phone's position for the 执法全过程记录 (filled in by the page when allowed)."""

    latitude = forms.DecimalField(min_value=-90, max_value=90, **COORDINATE)
    longitude = forms.DecimalField(min_value=-180, max_value=180, **COORDINATE)

    def position(self) -> dict:
        return {
            "latitude": self.cleaned_data.get("latitude"),
            "longitude": self.cleaned_data.get("longitude"),
        }


class HandlerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        label = f"{obj.name} · {obj.department.short_name or obj.department.name} · "
        label += _("执法证 %(n)s") % {"n": obj.certificate_number}
        if not obj.certificate_valid_on(timezone.localdate()):
            label += _("（已过期）")
        return label


def handler_choices(user):
    """The officials of the departments ``user`` may file for, in their scope."""
    return (
        Inspector.objects.for_user(user)
        .filter(department__in=acting_departments(user), user__is_active=True)
        .select_related("user", "department")
        .order_by("department_id", "certificate_number")
    )


class CaseFileForm(PositionForm):
    """立案 (``services.case_file``); the party is picked on the page (``?q=`` / ``?enterprise=``)
    and a completed inspection may prefill it (``?inspection=``)."""

    enterprise = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": _("请先查找并选择当事人")}
    )
    inspection = forms.IntegerField(widget=forms.HiddenInput, required=False)
    department = DepartmentChoiceField(label=_("立案部门"), queryset=None, empty_label=None)
    title = forms.CharField(
        label=_("案由"),
        max_length=200,
        help_text=_("如：未如实记录安全生产教育和培训情况案"),
        error_messages={"required": _("请填写案由")},
    )
    facts = forms.CharField(
        label=_("违法事实"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("请写明违法事实")},
    )
    handlers = HandlerChoiceField(
        label=_("承办人"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("至少两名持有效执法证的本部门执法人员"),
        error_messages={"required": _("请选择至少两名承办人")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        departments = acting_departments(user)
        self.fields["department"].queryset = departments
        self.fields["department"].error_messages["invalid_choice"] = _("只能以本部门名义立案")
        if user.department_id and departments.filter(pk=user.department_id).exists():
            self.fields["department"].initial = user.department_id
        self.fields["handlers"].queryset = handler_choices(user)
        self.fields["handlers"].error_messages["invalid_choice"] = _(
            "承办人须为您管辖范围内执法检查人员名录库中的人员"
        )

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "enterprise_id": data["enterprise"],
            "inspection_id": data.get("inspection") or None,
            "department_id": data["department"].pk,
            "title": data["title"],
            "facts": data["facts"],
            "handler_ids": [i.pk for i in data["handlers"]],
            **self.position(),
        }


class RuleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        label = _("%(c)s：%(min)s–%(max)s 元") % {
            "c": obj.get_circumstance_display(),
            "min": f"{obj.fine_min:,}",
            "max": f"{obj.fine_max:,}",
        }
        if obj.other_measures:
            label += f"，{obj.other_measures}"
        return f"{label}（{obj.circumstance_note}）"


def grouped_rule_choices(rules) -> list:
    """The select's options grouped by violation: [(“AQF-97-4 未如实记录…”, [(id, label)])]."""
    field = RuleChoiceField(queryset=DiscretionRule.objects.none())
    groups = selectors.rules_by_violation()
    allowed = {r.pk for r in rules}
    return [("", "---------")] + [
        (
            f"{group.code} {group.violation}",
            [(r.pk, field.label_from_instance(r)) for r in group.levels if r.pk in allowed],
        )
        for group in groups
    ]


class WeighForm(PositionForm):
    """裁量 (``services.case_weigh``)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    rule = RuleChoiceField(
        label=_("适用的自由裁量基准"),
        queryset=None,
        error_messages={
            "required": _("请选择适用的自由裁量基准"),
            "invalid_choice": _("请选择启用中的自由裁量基准"),
        },
    )
    fine = forms.IntegerField(
        label=_("罚款金额（元）"),
        min_value=0,
        error_messages={"required": _("请填写罚款金额（元，不处罚款填 0）")},
    )
    fine_reason = forms.CharField(
        label=_("裁量理由"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("金额超出基准范围时必须说明（记为“超出基准”，须法制审核）"),
    )
    other_measures = forms.CharField(
        label=_("其他处罚"),
        max_length=200,
        required=False,
        help_text=_("如：警告、责令停产停业整顿；留空则按所选基准"),
    )
    complex_case = forms.BooleanField(
        label=_("案情复杂（须法制审核）"),
        required=False,
        help_text=_("行政处罚法第五十八条：案情复杂、涉及多个法律关系的"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        active = selectors.rules()
        self.fields["rule"].queryset = active
        self.fields["rule"].choices = grouped_rule_choices(active)

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "expected_version": data["version"],
            "rule_id": data["rule"].pk,
            "fine": data["fine"],
            "fine_reason": data.get("fine_reason", ""),
            "other_measures": data.get("other_measures", ""),
            "complex_case": data.get("complex_case", False),
            **self.position(),
        }


def transition_kwargs(cleaned: dict) -> dict:
    """A step form's cleaned data as ``services.case_transition``'s keyword arguments."""
    data = dict(cleaned)
    return {
        "expected_version": data.pop("version"),
        "reason": data.pop("reason", ""),
        "latitude": data.pop("latitude", None),
        "longitude": data.pop("longitude", None),
        "values": data,
    }


class TransitionForm(PositionForm):
    """A step of the case: the version the page showed, and what the step asks for."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def service_data(self) -> dict:
        return transition_kwargs(self.cleaned_data)


class ReasonTransitionForm(TransitionForm):
    reason = forms.CharField(
        label=_("原因"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请写明原因")},
    )


class ReviewPassForm(TransitionForm):
    legal_review_opinion = forms.CharField(
        label=_("法制审核意见"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("对执法主体、程序、事实证据、法律适用、裁量基准的审核意见"),
        error_messages={"required": _("请填写法制审核意见")},
    )


class ExecuteForm(TransitionForm):
    execution_note = forms.CharField(
        label=_("执行情况"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("缴款（票据号）或履行情况；逾期的，写明加处罚款或申请强制执行情况"),
        error_messages={"required": _("请填写执行情况（缴款或履行情况）")},
    )
    paid_on = forms.DateField(
        label=_("缴款日期"),
        required=False,
        widget=forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d"),
    )


class TransferForm(ReasonTransitionForm):
    transferred_to = forms.CharField(
        label=_("移送机关"),
        max_length=120,
        help_text=_("如：XX市公安局XX分局"),
        error_messages={"required": _("请填写接收移送的机关")},
    )


REASON_LABELS = {
    "return_review": (_("退回理由"), _("写明需要补充调查或改正的内容；退回后须重新提交审核")),
    "drop": (
        _("不予处罚的理由"),
        _("如：违法事实不成立；违法行为轻微并及时改正，没有造成危害后果"),
    ),
    "transfer": (_("移送理由"), _("涉嫌的罪名及依据（行政执法机关移送涉嫌犯罪案件的规定）")),
}


def transition_form(name: str, data=None, *, version: int | None = None):
    """The form of the step ``name`` (bound to ``data`` when posted)."""
    initial = {"version": version}
    form_class = {
        "pass_review": ReviewPassForm,
        "execute": ExecuteForm,
        "transfer": TransferForm,
        "return_review": ReasonTransitionForm,
        "drop": ReasonTransitionForm,
    }.get(name, TransitionForm)
    form = form_class(data, initial=initial)
    if name in REASON_LABELS:
        form.fields["reason"].label, form.fields["reason"].help_text = REASON_LABELS[name]
    return form


class RuleForm(forms.ModelForm):
    """One row of the discretion table (``services.discretion_rule_save``)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = DiscretionRule
        fields = [
            "code",
            "violation",
            "violated_basis",
            "penalty_basis",
            "circumstance",
            "circumstance_note",
            "fine_min",
            "fine_max",
            "other_measures",
        ]
        widgets = {
            "violation": forms.Textarea(attrs={"rows": 2}),
            "circumstance_note": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "code": _("如 AQF-97-4；同一违法行为的各档情节使用同一编码"),
            "penalty_basis": _("法律条款及项，如《中华人民共和国安全生产法》第九十七条第（四）项"),
            "fine_max": _("须在法定罚款幅度内（地方裁量基准）"),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["circumstance"].choices = Circumstance.choices
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def _post_clean(self):
        # The service validates the record (the range, the one active rule per level).
        pass

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
