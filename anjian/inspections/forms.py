"""Forms of the 双随机一公开 pages, and the lists' filters. They parse; the services decide
(scope, the department a user may act for, the pools, the rules of a draw)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.accounts.models import User
from anjian.accounts.roles import REGION_ROLES, Role
from anjian.core.filters import ActiveFiltersMixin
from anjian.core.forms import VersionForm
from anjian.enterprises.choices import SupervisionGrade
from anjian.inspections import selectors
from anjian.inspections.choices import DrawState, Outcome, TaskState
from anjian.inspections.draw import MIN_INSPECTORS
from anjian.inspections.models import CheckMatter, Draw, InspectionTask, Inspector
from anjian.regions import selectors as region_selectors
from anjian.regions.choices import RegionLevel
from anjian.regions.models import Region

DATE_INPUT = {"type": "date"}


def acting_departments(user):
    """The departments ``user`` may draw and keep pools for: active ones inside their
    scope; a 行业部门 user only their own (``services._department_for_write``)."""
    departments = region_selectors.departments_managed_by(user).filter(is_active=True)
    if user.role == Role.DEPARTMENT:
        departments = departments.filter(pk=user.department_id)
    return departments.order_by("region_id", "sort_order", "pk")


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class MatterChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.department.short_name or obj.department.name} · {obj.name}"


class DrawForm(forms.Form):
    """发起抽取 (``services.draw_run``): which department draws, on which matter, how many."""

    department = DepartmentChoiceField(label=_("实施部门"), queryset=None, empty_label=None)
    matter = MatterChoiceField(
        label=_("抽查事项"),
        queryset=None,
        help_text=_("本部门随机抽查事项清单中启用的事项；检查对象名录按其行业确定"),
    )
    title = forms.CharField(
        label=_("抽查任务名称"),
        max_length=120,
        help_text=_("如：2026年第四季度危险化学品双随机抽查"),
    )
    count = forms.IntegerField(label=_("抽取对象数"), min_value=1)
    per_target = forms.IntegerField(
        label=_("每个对象的检查人员数"),
        initial=MIN_INSPECTORS,
        max_value=5,
        help_text=_("至少 %(n)s 名执法人员") % {"n": MIN_INSPECTORS},
    )
    weighted = forms.BooleanField(
        label=_("按风险加权（A类单位被抽中的概率约为D类的4倍）"), required=False
    )
    street = forms.ModelChoiceField(
        label=_("限定街镇"), queryset=None, required=False, empty_label=_("不限")
    )
    grades = forms.MultipleChoiceField(
        label=_("限定监管等级"),
        choices=SupervisionGrade.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不勾选为不限"),
    )
    unannounced = forms.BooleanField(
        label=_("四不两直（不发通知、不打招呼、直奔基层、直插现场）"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        departments = acting_departments(user)
        self.fields["department"].queryset = departments
        self.fields["department"].error_messages["invalid_choice"] = _(
            "只能以您有权办理的部门发起抽取"
        )
        self.fields["matter"].queryset = (
            selectors.matters(user)
            .filter(is_active=True, department__in=departments)
            .order_by("department_id", "name")
        )
        self.fields["matter"].error_messages["invalid_choice"] = _("请选择本部门启用中的抽查事项")
        self.fields["street"].queryset = region_selectors.streets_for(user)

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["grades"] = "".join(sorted(data.get("grades") or ()))
        return data


class ReasonForm(VersionForm):
    reason = forms.CharField(
        label=_("原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请写明原因")},
    )


class CompleteForm(VersionForm):
    """登记检查结果 (``services.task_complete``)."""

    inspected_on = forms.DateField(
        label=_("检查日期"),
        widget=forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d"),
        error_messages={"required": _("请填写检查日期")},
    )
    outcome = forms.ChoiceField(
        label=_("检查结果"),
        choices=[("", "---------"), *Outcome.choices],
        error_messages={"required": _("请选择检查结果")},
        help_text=_("公示页面按此公布检查结果"),
    )
    note = forms.CharField(
        label=_("结果说明"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspected_on"].initial = timezone.localdate()


# --- the pools ------------------------------------------------------------------------------


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        parts = [obj.name or obj.username, obj.username]
        if obj.department_id:
            parts.append(obj.department.short_name or obj.department.name)
        return " · ".join(parts)


def pool_users(user, current: Inspector | None = None):
    """Active government accounts inside ``user``'s scope not yet in a pool (a 行业部门
    user: their own department's staff)."""
    users = User.objects.filter(is_active=True, role__in=sorted(REGION_ROLES)).select_related(
        "department"
    )
    scope = user.scope
    if not scope.everything:
        users = users.filter(region__code__startswith=scope.region_prefix or "-")
    if user.role == Role.DEPARTMENT:
        users = users.filter(department_id=user.department_id)
    free = Q(inspector__isnull=True)
    if current is not None:
        free |= Q(pk=current.user_id)
    return users.filter(free).order_by("department_id", "username")


def home_region_choices(user):
    """Streets and communities inside ``user``'s scope."""
    regions = Region.objects.active().filter(level__in=(RegionLevel.STREET, RegionLevel.COMMUNITY))
    scope = user.scope
    if not scope.everything:
        regions = regions.filter(code__startswith=scope.region_prefix or "-")
    return regions.defer("boundary").order_by("code")


class InspectorForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    user = UserChoiceField(label=_("人员账号"), queryset=None)
    department = DepartmentChoiceField(label=_("所属部门"), queryset=None, empty_label=None)

    class Meta:
        model = Inspector
        fields = [
            "user",
            "department",
            "certificate_number",
            "certificate_valid_until",
            "in_pool",
            "home_regions",
        ]
        widgets = {
            "certificate_valid_until": forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d"),
            "home_regions": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance if self.instance.pk else None
        self.fields["user"].queryset = pool_users(user, current)
        self.fields["user"].error_messages["invalid_choice"] = _(
            "请选择您管辖范围内在职的政府工作人员账号（已在名录库中的人员不可重复登记）"
        )
        self.fields["department"].queryset = acting_departments(user)
        self.fields["home_regions"].queryset = home_region_choices(user)
        self.fields["home_regions"].required = False
        if current is not None:
            self.fields["version"].initial = current.version

    def clean(self):
        data = super().clean()
        department = data.get("department")
        outside = [
            region.name
            for region in data.get("home_regions") or ()
            if department is not None and not region.pk.startswith(department.region_id)
        ]
        if outside:
            self.add_error(
                "home_regions",
                _("须为所属部门辖区内的街镇或社区：%(names)s 不在其中")
                % {"names": "、".join(outside)},
            )
        return data

    def _post_clean(self):
        # The service validates the record (unique 执法证号, the writer's scope).
        pass


class ConflictForm(forms.Form):
    """回避: the enterprise picked by search on the inspector's page, and why."""

    enterprise = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": _("请先查找并选择回避的单位")}
    )
    reason = forms.CharField(
        label=_("回避理由"),
        max_length=200,
        help_text=_("如：近亲属在该单位任职"),
        error_messages={"required": _("请写明回避理由")},
    )


class MatterForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    department = DepartmentChoiceField(label=_("实施部门"), queryset=None, empty_label=None)

    class Meta:
        model = CheckMatter
        fields = ["department", "name", "basis", "industries", "is_active"]
        widgets = {
            "basis": forms.Textarea(attrs={"rows": 4}),
            "industries": forms.CheckboxSelectMultiple,
        }
        error_messages = {"industries": {"required": _("请选择抽查对象的行业")}}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = acting_departments(user)
        self.fields["industries"].queryset = region_selectors.unit_industries_for(user)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def _post_clean(self):
        pass


# --- the lists' filters ------------------------------------------------------------------------


class _ListFilter(ActiveFiltersMixin, django_filters.FilterSet):
    def __init__(self, data=None, queryset=None, *, user, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.user = user
        if "department" in self.filters:
            self.filters["department"].queryset = region_selectors.departments_for(user)


class DrawFilterSet(_ListFilter):
    state = django_filters.ChoiceFilter(
        label=_("状态"), choices=DrawState.choices, empty_label=_("全部状态")
    )
    department = django_filters.ModelChoiceFilter(
        label=_("实施部门"), queryset=None, empty_label=_("全部部门")
    )
    q = django_filters.CharFilter(label=_("任务名称"), field_name="title", lookup_expr="contains")

    class Meta:
        model = Draw
        fields = []


class TaskFilterSet(_ListFilter):
    state = django_filters.ChoiceFilter(
        label=_("状态"), choices=TaskState.choices, empty_label=_("全部状态")
    )
    q = django_filters.CharFilter(
        label=_("检查对象"), field_name="enterprise__name", lookup_expr="contains"
    )

    class Meta:
        model = InspectionTask
        fields = []


class InspectorFilterSet(_ListFilter):
    department = django_filters.ModelChoiceFilter(
        label=_("所属部门"), queryset=None, empty_label=_("全部部门")
    )
    in_pool = django_filters.ChoiceFilter(
        label=_("名录库"),
        choices=[("yes", _("纳入名录库")), ("no", _("未纳入"))],
        method="filter_in_pool",
        empty_label=_("全部"),
    )

    class Meta:
        model = Inspector
        fields = []

    def filter_in_pool(self, queryset, name, value):
        return queryset.filter(in_pool=value == "yes")


class MatterFilterSet(_ListFilter):
    department = django_filters.ModelChoiceFilter(
        label=_("实施部门"), queryset=None, empty_label=_("全部部门")
    )

    class Meta:
        model = CheckMatter
        fields = []
