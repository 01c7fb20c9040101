"""The lists' filters of 应急准备: each list's filter form (its selector's parameters as
fields), and ``SelectorFilter``, which runs a list's query through its selector and says in
words which conditions apply — for the list, its Excel (导出说明) and the overview's links.

A list's filters are its selector's keyword arguments, not a FilterSet of their own: the
overview links to a list with the filters its figure counted by, and the list must show
exactly those records."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.filters import filter_choices, flag_field
from anjian.core.forms import DATE
from anjian.emergency.choices import (
    DrillForm,
    DrillKind,
    EquipmentStatus,
    ExpertField,
    OwnerKind,
    PlanType,
    Readiness,
    ShelterKind,
    ShelterStatus,
    Speciality,
    StorageLevel,
    SupplyCategory,
    TeamKind,
)
from anjian.emergency.forms_resources import TeamChoiceField, WarehouseChoiceField
from anjian.emergency.models import DrillState, EmergencyPlan, PlanState, RescueTeam, Warehouse
from anjian.enterprises.models import Enterprise
from anjian.regions.forms import region_filter_choices
from anjian.regions.models import Department, Region

# --- the filter -----------------------------------------------------------------------------


# --- the list's filters -----------------------------------------------------------------------


YES = [("", gettext_lazy("不限")), ("1", gettext_lazy("是"))]


class PlanFilterForm(forms.Form):
    """The plan list's filter bar: ``selectors_plans.filter_plans``'s parameters."""

    q = forms.CharField(label=gettext_lazy("编号或名称"), required=False)
    region = forms.ChoiceField(label=gettext_lazy("地区"), required=False)
    owner_kind = forms.ChoiceField(
        label=gettext_lazy("编制主体"),
        required=False,
        choices=filter_choices(OwnerKind.choices, gettext_lazy("全部")),
    )
    plan_type = forms.ChoiceField(
        label=gettext_lazy("预案类型"),
        required=False,
        choices=filter_choices(PlanType.choices, gettext_lazy("全部类型")),
    )
    state = forms.ChoiceField(label=gettext_lazy("状态"), required=False)
    in_force = forms.ChoiceField(
        label=gettext_lazy("现行有效"),
        required=False,
        choices=[("", gettext_lazy("不限")), ("1", gettext_lazy("现行有效（已发布未废止）"))],
    )
    revision_due = forms.ChoiceField(label=gettext_lazy("需修订"), required=False, choices=YES)
    filed_late = forms.ChoiceField(label=gettext_lazy("超期备案"), required=False, choices=YES)
    filing_overdue = forms.DateField(
        label=gettext_lazy("备案期限早于（未备案）"), required=False, widget=DATE
    )
    assessment_overdue = forms.DateField(
        label=gettext_lazy("评估期限早于（现行有效）"), required=False, widget=DATE
    )
    enterprise = forms.ModelChoiceField(
        label=gettext_lazy("编制单位"),
        queryset=Enterprise.objects.none(),
        required=False,
        widget=forms.HiddenInput,
    )
    previous = forms.IntegerField(
        label=gettext_lazy("修订自"), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = filter_choices(PlanState.choices, _("全部状态"))
        self.fields["region"].choices = region_filter_choices(user)
        if len(self.fields["region"].choices) <= 2 and not self.data.get("region"):
            del self.fields["region"]
        self.fields["enterprise"].queryset = Enterprise.objects.for_user(user)


# --- the list's filters -----------------------------------------------------------------------


class DrillFilterForm(forms.Form):
    """The drill list's filter bar: ``selectors_drills.drills``'s parameters."""

    q = forms.CharField(label=gettext_lazy("编号或名称"), required=False)
    year = forms.ChoiceField(label=gettext_lazy("年度"), required=False)
    kind = forms.ChoiceField(
        label=gettext_lazy("演练类型"),
        required=False,
        choices=filter_choices(DrillKind.choices, gettext_lazy("全部类型")),
    )
    form = forms.ChoiceField(
        label=gettext_lazy("演练形式"),
        required=False,
        choices=filter_choices(DrillForm.choices, gettext_lazy("全部形式")),
    )
    state = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=filter_choices(DrillState.choices, gettext_lazy("全部状态")),
    )
    owner_kind = forms.ChoiceField(
        label=gettext_lazy("组织主体"),
        required=False,
        choices=filter_choices(OwnerKind.choices, gettext_lazy("全部")),
    )
    held_from = forms.DateField(label=gettext_lazy("实施日期自"), required=False, widget=DATE)
    held_to = forms.DateField(label=gettext_lazy("实施日期至"), required=False, widget=DATE)
    unit = forms.CharField(label=gettext_lazy("单位"), required=False, widget=forms.HiddenInput)
    plan = forms.ModelChoiceField(
        label=gettext_lazy("预案"),
        queryset=EmergencyPlan.objects.none(),
        required=False,
        widget=forms.HiddenInput,
    )
    enterprise = forms.ModelChoiceField(
        label=gettext_lazy("组织单位"),
        queryset=Enterprise.objects.none(),
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        this_year = timezone.localdate().year
        years = [str(y) for y in range(this_year + 1, this_year - 6, -1)]
        asked = self.data.get("year") if self.is_bound else None
        if asked and asked not in years:
            years.append(asked)
        self.fields["year"].choices = [("", _("全部年度")), *[(y, f"{y}年") for y in years]]
        self.fields["plan"].queryset = EmergencyPlan.objects.for_user(user)
        self.fields["enterprise"].queryset = Enterprise.objects.for_user(user)

    def clean_unit(self) -> str:
        """The compliance row's unit, by name (the key goes to the selector as typed)."""
        key = self.cleaned_data.get("unit") or ""
        return unit_name(self.user, key) if key else ""


def unit_name(user, key: str) -> str:
    kind, _sep, value = key.partition(":")
    if kind == OwnerKind.ENTERPRISE and value.isdigit():
        found = Enterprise.objects.for_user(user).filter(pk=int(value)).first()
        return found.name if found else key
    if kind == OwnerKind.DEPARTMENT and value.isdigit():
        found = Department.objects.filter(pk=int(value)).first()
        return found.name if found else key
    if kind == OwnerKind.GOVERNMENT:
        found = Region.objects.filter(pk=value).first()
        return _("%(region)s人民政府") % {"region": found.name} if found else key
    return key


class ComplianceForm(forms.Form):
    year = forms.ChoiceField(label=gettext_lazy("年度"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("完成情况"),
        required=False,
        choices=[
            ("", gettext_lazy("全部应演练单位")),
            ("on_track", gettext_lazy("按期完成")),
            ("behind", gettext_lazy("未按期完成")),
            ("done", gettext_lazy("全年已完成")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [
            (str(y), f"{y}年") for y in range(this_year, this_year - 6, -1)
        ]

    def chosen_year(self) -> int:
        if self.is_valid() and self.cleaned_data.get("year"):
            return int(self.cleaned_data["year"])
        return timezone.localdate().year


# --- the lists' filters -----------------------------------------------------------------------


class ResourceFilterForm(forms.Form):
    """What every resource list filters by: a name and the region (a district or street)."""

    q = forms.CharField(label=gettext_lazy("名称"), required=False)
    region = forms.ChoiceField(label=gettext_lazy("地区"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["region"].choices = region_filter_choices(user)
        if len(self.fields["region"].choices) <= 2 and not self.data.get("region"):
            del self.fields["region"]


class TeamFilterForm(ResourceFilterForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("队伍类型"),
        required=False,
        choices=filter_choices(TeamKind.choices, gettext_lazy("全部类型")),
    )
    speciality = forms.ChoiceField(
        label=gettext_lazy("专业方向"),
        required=False,
        choices=filter_choices(Speciality.choices, gettext_lazy("全部专业")),
    )
    readiness = forms.ChoiceField(
        label=gettext_lazy("战备状态"),
        required=False,
        choices=filter_choices(Readiness.choices, gettext_lazy("全部")),
    )
    active = flag_field(gettext_lazy("在册"), gettext_lazy("在册"), gettext_lazy("已撤销"))


class WarehouseFilterForm(ResourceFilterForm):
    storage_level = forms.ChoiceField(
        label=gettext_lazy("储备层级"),
        required=False,
        choices=filter_choices(StorageLevel.choices, gettext_lazy("全部层级")),
    )
    active = flag_field(gettext_lazy("在用"), gettext_lazy("在用"), gettext_lazy("停用"))


class SupplyFilterForm(ResourceFilterForm):
    category = forms.ChoiceField(
        label=gettext_lazy("物资类别"),
        required=False,
        choices=filter_choices(SupplyCategory.choices, gettext_lazy("全部类别")),
    )
    storage_level = forms.ChoiceField(
        label=gettext_lazy("储备层级"),
        required=False,
        choices=filter_choices(StorageLevel.choices, gettext_lazy("全部层级")),
    )
    expiry = forms.ChoiceField(
        label=gettext_lazy("有效期"),
        required=False,
        choices=[
            ("", gettext_lazy("不限")),
            ("soon", gettext_lazy("30天内到期")),
            ("expired", gettext_lazy("已过期")),
        ],
    )
    below_target = forms.TypedChoiceField(
        label=gettext_lazy("低于储备定额"),
        required=False,
        choices=[("", gettext_lazy("不限")), ("1", gettext_lazy("是"))],
        coerce=lambda value: value == "1",
        empty_value=None,
    )
    warehouse = WarehouseChoiceField(
        label=gettext_lazy("储备库"),
        queryset=Warehouse.objects.none(),
        required=False,
        empty_label=_("全部储备库"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].queryset = Warehouse.objects.for_user(self.user).order_by("name")


class EquipmentFilterForm(ResourceFilterForm):
    category = forms.CharField(label=gettext_lazy("装备类别"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=filter_choices(EquipmentStatus.choices, gettext_lazy("全部")),
    )
    team = TeamChoiceField(
        label=gettext_lazy("配属队伍"),
        queryset=RescueTeam.objects.none(),
        required=False,
        widget=forms.HiddenInput,
    )
    warehouse = WarehouseChoiceField(
        label=gettext_lazy("存放储备库"),
        queryset=Warehouse.objects.none(),
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = RescueTeam.objects.for_user(self.user)
        self.fields["warehouse"].queryset = Warehouse.objects.for_user(self.user)


class ShelterFilterForm(ResourceFilterForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("场所类型"),
        required=False,
        choices=filter_choices(ShelterKind.choices, gettext_lazy("全部类型")),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=filter_choices(ShelterStatus.choices, gettext_lazy("全部")),
    )


class ExpertFilterForm(ResourceFilterForm):
    field = forms.ChoiceField(
        label=gettext_lazy("专业领域"),
        required=False,
        choices=filter_choices(ExpertField.choices, gettext_lazy("全部领域")),
    )
    available = flag_field(
        gettext_lazy("可参与处置"), gettext_lazy("可参与"), gettext_lazy("暂不可参与")
    )


MAP_KINDS = [
    ("team", gettext_lazy("救援队伍")),
    ("warehouse", gettext_lazy("物资储备库")),
    ("equipment", gettext_lazy("救援装备")),
    ("shelter", gettext_lazy("避难场所")),
    ("expert", gettext_lazy("应急专家")),
]


class MapFilterForm(ResourceFilterForm):
    """The resource map: which layers (kinds) to draw, and what to keep of each."""

    kind = forms.MultipleChoiceField(
        label=gettext_lazy("图层"),
        required=False,
        choices=MAP_KINDS,
        widget=forms.CheckboxSelectMultiple,
    )
    speciality = forms.ChoiceField(
        label=gettext_lazy("队伍专业"),
        required=False,
        choices=filter_choices(Speciality.choices, gettext_lazy("全部专业")),
    )
    field = forms.ChoiceField(
        label=gettext_lazy("专家领域"),
        required=False,
        choices=filter_choices(ExpertField.choices, gettext_lazy("全部领域")),
    )
    storage_level = forms.ChoiceField(
        label=gettext_lazy("储备层级"),
        required=False,
        choices=filter_choices(StorageLevel.choices, gettext_lazy("全部层级")),
    )

    layers = forms.CharField(required=False, widget=forms.HiddenInput)  # "1": the form was sent

    def kinds(self) -> list[str]:
        """The layers asked for: those ticked on a sent form, every one on a fresh page."""
        if self.is_bound and self.data.get("layers") and self.is_valid():
            return self.cleaned_data.get("kind") or []
        return [value for value, _label in MAP_KINDS]
