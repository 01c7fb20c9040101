"""Forms of the plan pages: they parse; ``plans.services`` decides."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.enterprises.choices import SupervisionGrade
from anjian.inspections.forms import DepartmentChoiceField, VersionForm, acting_departments
from anjian.inspections.plan_models import PlanPolicy
from anjian.regions.models import Department

QUARTERS = [
    (0, _("年度计划")),
    (1, _("第一季度")),
    (2, _("第二季度")),
    (3, _("第三季度")),
    (4, _("第四季度")),
]


class ProposeForm(forms.Form):
    department = DepartmentChoiceField(label=_("编制部门"), queryset=None, empty_label=None)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("计划期间"), choices=QUARTERS, coerce=int, initial=0)
    title = forms.CharField(
        label=_("计划名称"), max_length=120, required=False, help_text=_("不填则自动命名")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = acting_departments(user)
        self.fields["department"].error_messages["invalid_choice"] = _("只能编制本部门的检查计划")
        self.fields["year"].initial = timezone.localdate().year + 1

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class EntryForm(VersionForm):
    """One unit's planned visits; ``version`` is the plan's."""

    visits = forms.IntegerField(label=_("计划次数"), min_value=0, max_value=24)
    reason = forms.CharField(
        label=_("调整理由"),
        max_length=200,
        required=False,
        help_text=_("计划次数与建议次数不同时必填"),
    )
    joint_departments = forms.ModelMultipleChoiceField(
        label=_("联合检查部门"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("一次检查、多个部门共同参加（联合检查）"),
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["joint_departments"].queryset = (
            Department.objects.filter(is_active=True, region_id=plan.department.region_id)
            .exclude(pk=plan.department_id)
            .order_by("sort_order", "pk")
        )


class PolicyForm(VersionForm):
    grade_a = forms.IntegerField(label=_("A类（次/年）"), min_value=0, max_value=24)
    grade_b = forms.IntegerField(label=_("B类（次/年）"), min_value=0, max_value=24)
    grade_c = forms.IntegerField(label=_("C类（次/年）"), min_value=0, max_value=24)
    grade_d = forms.IntegerField(label=_("D类（次/年）"), min_value=0, max_value=24)
    major_risk_extra = forms.IntegerField(
        label=_("存在重大风险的单位每年加检（次）"), min_value=0, max_value=24
    )
    yearly_cap = forms.IntegerField(
        label=_("同一部门对同一单位每年检查上限（次）"), min_value=1, max_value=52
    )
    basis = forms.CharField(
        label=_("政策依据"), max_length=200, help_text=_("本地文件名称和文号；频次属于地方政策")
    )

    def __init__(self, *args, policy: PlanPolicy, own: bool, **kwargs):
        """``policy``: the one in force; not ``own`` (inherited or the default), its
        frequencies are offered as a start but not its 依据, which the region must state."""
        initial = {name: getattr(policy, name) for name in self.base_fields if name != "version"}
        initial["version"] = policy.version if own else 0
        if not own:
            initial["basis"] = ""
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["version"].required = False


GRADE_CHOICES = [("", _("全部等级")), *SupervisionGrade.choices]
