"""Forms of the accident pages. They parse what a browser (often a phone) sends; the
services decide the rest — scope, grading, the clock, what a state allows.

Money is typed in 万元 (how officials say it) and handed to the services in 元."""

import uuid
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.accidents.choices import AccidentType, Category, FlagKind, Level, Nature, Rating
from anjian.accidents.models import Accident, Investigation
from anjian.accounts.roles import Role
from anjian.core.forms import VersionForm
from anjian.enterprises.models import Enterprise
from anjian.regions import selectors as region_selectors
from anjian.regions.models import Region

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
TEN_THOUSAND = Decimal(10_000)
PEOPLE = (
    ("deaths", _("死亡人数")),
    ("missing", _("失踪人数")),
    ("serious_injuries", _("重伤人数")),
    ("minor_injuries", _("轻伤人数")),
)


def datetime_field(label, **kwargs) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=DATETIME_FORMATS,
        **kwargs,
    )


def people_field(label, *, required: bool = False) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=100_000,
        required=required,
        initial=0,
        widget=forms.NumberInput(attrs={"min": 0, "step": 1, "inputmode": "numeric"}),
        error_messages={
            "invalid": _("%(label)s须为整数") % {"label": label},
            "min_value": _("%(label)s不能为负数") % {"label": label},
            "max_value": _("%(label)s超出合理范围，请核对") % {"label": label},
            "required": _("请填写%(label)s（没有填 0）") % {"label": label},
        },
    )


def loss_field(*, required: bool = False) -> forms.DecimalField:
    return forms.DecimalField(
        label=_("直接经济损失（万元）"),
        min_value=0,
        max_digits=14,
        decimal_places=4,
        required=required,
        initial=0,
        help_text=_("单位：万元。如 12.5 表示 12.5 万元（125000 元）；暂无法估算填 0，续报时更正"),
        widget=forms.NumberInput(attrs={"min": 0, "step": "any", "inputmode": "decimal"}),
        error_messages={
            "invalid": _("直接经济损失须为数字（单位：万元）"),
            "min_value": _("直接经济损失不能为负数"),
            "max_digits": _("直接经济损失超出合理范围，请核对（单位：万元）"),
            "max_whole_digits": _("直接经济损失超出合理范围，请核对（单位：万元）"),
            "max_decimal_places": _("直接经济损失最多精确到元（小数点后4位万元）"),
            "required": _("请填写直接经济损失（万元，没有填 0）"),
        },
    )


def to_yuan(ten_thousands) -> int:
    """万元 as typed → whole 元 for the services."""
    return int(((ten_thousands or Decimal(0)) * TEN_THOUSAND).to_integral_value())


def to_ten_thousands(yuan: int) -> Decimal:
    """元 → 万元, exactly and without an exponent (12,000,000 → 1200, 125,000 → 12.5)."""
    value = Decimal(yuan) / TEN_THOUSAND
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def figures_of(cleaned: dict) -> dict:
    """The five figures as the services take them (people counts, loss in 元)."""
    values = {name: cleaned.get(name) or 0 for name, _label in PEOPLE}
    values["direct_loss"] = to_yuan(cleaned.get("direct_loss"))
    return values


def report_regions(user):
    """The places a user may file an accident at: the streets in scope; a user whose scope
    lies below a street (a grid) files at their own grid."""
    scope = user.scope
    streets = [r for r in region_selectors.streets_for(user) if scope.covers_region(r.code)]
    if streets or scope.region_prefix is None:
        return Region.objects.filter(code__in=[r.code for r in streets]).order_by("code")
    return Region.objects.filter(code=scope.region_prefix)


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ReportForm(forms.Form):
    """快报 (``services.accident_report``), one column on a phone."""

    # A new key each time the form is shown, kept when it comes back with errors: the same
    # form posted twice files one accident (``services.accident_report``'s report_token).
    report_token = forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4)
    enterprise = forms.ModelChoiceField(
        label=_("事故单位"),
        queryset=Enterprise.objects.none(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("请选择您管辖范围内的登记单位")},
    )
    unit_name = forms.CharField(
        label=_("事故单位名称"),
        max_length=200,
        required=False,
        help_text=_("未登记的单位（或无单位）填写名称；选择了登记单位可不填"),
    )
    region = RegionChoiceField(
        label=_("发生地（街道/镇）"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("请选择"),
        error_messages={"invalid_choice": _("请选择您管辖范围内的街道/镇")},
    )
    occurred_at = datetime_field(
        _("发生时间"), error_messages={"required": _("请填写事故发生时间")}
    )
    known_at = datetime_field(
        _("单位负责人接报时间"),
        required=False,
        help_text=_("不填视为发生时即知道；报告时限从此时起算（1小时内报告县级应急管理部门）"),
    )
    place = forms.CharField(
        label=_("发生地点"),
        max_length=200,
        help_text=_("如：XX路XX号XX车间"),
        error_messages={"required": _("请填写事故发生地点")},
    )
    latitude = forms.DecimalField(
        label=_("纬度"), min_value=-90, max_value=90, max_digits=9, decimal_places=6,
        required=False,
    )  # fmt: skip
    longitude = forms.DecimalField(
        label=_("经度"), min_value=-180, max_value=180, max_digits=9, decimal_places=6,
        required=False,
    )  # fmt: skip
    accident_type = forms.ChoiceField(
        label=_("事故类型（GB 6441）"),
        choices=[("", _("请选择")), *AccidentType.choices],
        error_messages={"required": _("请选择事故类型（GB 6441）")},
    )
    category = forms.ChoiceField(
        label=_("统计类别"),
        choices=[("", _("请选择")), *Category.choices],
        error_messages={"required": _("请选择统计类别")},
    )
    larger_risk = forms.BooleanField(
        label=_("较大涉险事故"),
        required=False,
        help_text=Accident._meta.get_field("larger_risk").help_text,
    )
    deaths = people_field(_("死亡人数"))
    missing = people_field(_("失踪人数"))
    serious_injuries = people_field(_("重伤人数"))
    minor_injuries = people_field(_("轻伤人数"))
    direct_loss = loss_field()
    summary = forms.CharField(
        label=_("事故简要经过"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请填写事故简要经过")},
    )
    measures_taken = forms.CharField(
        label=_("已采取的措施"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.own_unit = user.role == Role.ENTERPRISE
        if self.own_unit:
            # An enterprise reports for its own unit, where that unit is (the service too).
            del self.fields["enterprise"], self.fields["region"], self.fields["unit_name"]
        else:
            self.fields["enterprise"].queryset = Enterprise.objects.for_user(user)
            self.fields["region"].queryset = report_regions(user)
        if not self.is_bound:
            self.initial.setdefault("occurred_at", timezone.localtime().replace(second=0))

    def clean(self):
        data = super().clean()
        if self.own_unit:
            return data
        enterprise, region = data.get("enterprise"), data.get("region")
        if region is None and enterprise is not None:
            data["region"] = self._region_of(enterprise)
        if data.get("region") is None and "region" not in self.errors:
            self.add_error("region", _("请选择事故发生地（街道/镇）"))
        if enterprise is None and not data.get("unit_name") and "unit_name" not in self.errors:
            self.add_error("unit_name", _("请选择登记单位，或填写事故单位名称"))
        return data

    def _region_of(self, enterprise) -> Region | None:
        """Where a picked unit is: its street, or its grid for a user who sees the grid only."""
        for code in (enterprise.street_id, enterprise.grid_id):
            if code and self.user.scope.covers_region(code):
                return Region.objects.get(code=code)
        return None

    def service_data(self) -> dict:
        data = self.cleaned_data
        values = {
            name: data.get(name)
            for name in (
                "occurred_at",
                "known_at",
                "place",
                "latitude",
                "longitude",
                "accident_type",
                "category",
                "summary",
                "measures_taken",
                "report_token",
            )
        }
        values["larger_risk"] = bool(data.get("larger_risk"))
        if not self.own_unit:
            enterprise = data.get("enterprise")
            values["enterprise"] = enterprise.pk if enterprise else None
            values["region"] = data["region"].code
            values["unit_name"] = data.get("unit_name", "")
        return {**values, **figures_of(data)}


class FollowUpForm(VersionForm):
    """续报 (``services.accident_follow_up``): the figures as they stand now."""

    deaths = people_field(_("死亡人数"), required=True)
    missing = people_field(_("失踪人数"), required=True)
    serious_injuries = people_field(_("重伤人数"), required=True)
    minor_injuries = people_field(_("轻伤人数"), required=True)
    direct_loss = loss_field(required=True)
    content = forms.CharField(
        label=_("续报内容"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("事故进展、救援和善后情况"),
        error_messages={"required": _("请填写续报内容（事故进展、救援和善后情况）")},
    )
    reason = forms.CharField(
        label=_("变化原因"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("任一人数或损失比上次报告减少时必须写明原因（如失踪人员已找到、核实重复统计）"),
    )

    @classmethod
    def for_accident(cls, accident: Accident, data=None, **kwargs):
        initial = {name: getattr(accident, name) for name, _label in PEOPLE}
        initial["direct_loss"] = to_ten_thousands(accident.direct_loss)
        initial["version"] = accident.version
        return cls(data, initial=initial, **kwargs)

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "expected_version": data["version"],
            "content": data["content"],
            "reason": data.get("reason", ""),
            **figures_of(data),
        }


class InformForm(forms.Form):
    """登记逐级上报 (``services.accident_inform``)."""

    level = forms.ChoiceField(
        label=_("报告层级"),
        choices=[("", _("请选择")), *Level.choices],
        error_messages={"required": _("请选择报告层级")},
    )
    informed_at = datetime_field(_("报告时间"), error_messages={"required": _("请填写报告时间")})
    recipient = forms.CharField(
        label=_("接报单位及接报人"),
        max_length=120,
        error_messages={"required": _("请填写接报单位及接报人")},
    )
    channel = forms.CharField(
        label=_("报告方式"),
        max_length=40,
        required=False,
        help_text=_("电话、传真、信息系统直报等"),
    )

    def __init__(self, *args, accident=None, **kwargs):
        super().__init__(*args, **kwargs)
        if accident is not None:
            pending = [s.level for s in accident.steps.all() if s.informed_at is None]
            if pending and not self.is_bound:
                self.initial.setdefault("level", pending[0])
        if not self.is_bound:
            self.initial.setdefault("informed_at", timezone.localtime().replace(second=0))


class FlagForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("认定为"),
        choices=[("", _("请选择")), *FlagKind.choices],
        error_messages={"required": _("请选择迟报、漏报、谎报或瞒报")},
    )
    reason = forms.CharField(
        label=_("认定理由和依据"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请写明认定理由和依据")},
    )


class FlagWithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("撤销理由"),
        max_length=500,
        error_messages={"required": _("请写明撤销理由")},
    )


class VoidForm(VersionForm):
    reason = forms.CharField(
        label=_("作废理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("误报，或经核实不属于生产安全事故"),
        error_messages={"required": _("请写明作废理由（误报、经核实不属于生产安全事故等）")},
    )


# --- the investigation --------------------------------------------------------------------


class InvestigateForm(VersionForm):
    """成立调查组 (``investigation.investigation_start``)."""

    leader = forms.CharField(
        label=_("调查组组长"), max_length=60, error_messages={"required": _("请填写调查组组长")}
    )
    members = forms.CharField(
        label=_("调查组成员"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一人：姓名、单位、职务"),
        error_messages={"required": _("请填写调查组成员（每行一人：姓名、单位、职务）")},
    )
    started_on = forms.DateField(
        label=_("成立日期"), required=False, widget=DATE, help_text=_("空白为今天")
    )
    entrusted_to_unit = forms.BooleanField(
        label=_("委托事故单位调查"),
        required=False,
        help_text=_("仅限未造成人员伤亡的一般事故（条例第十九条）"),
    )


class ExtendForm(forms.Form):
    days = forms.IntegerField(
        label=_("延长天数"),
        min_value=1,
        error_messages={
            "required": _("请填写延长天数"),
            "invalid": _("延长天数须为整数"),
            "min_value": _("延长天数至少1天"),
        },
    )
    reason = forms.CharField(
        label=_("延期理由和批准机关"),
        max_length=500,
        error_messages={"required": _("请写明延期理由和批准机关")},
    )


class InvestigationForm(forms.Form):
    """调查报告与批复 (``investigation.investigation_update``), prefilled with what is there."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    appraisal_days = forms.IntegerField(
        label=_("技术鉴定天数"),
        min_value=0,
        max_value=365,
        required=False,
        help_text=_("技术鉴定所需时间不计入调查期限"),
        error_messages={"invalid": _("技术鉴定天数须为0至365的整数")},
    )
    submitted_on = forms.DateField(label=_("调查报告提交日期"), required=False, widget=DATE)
    cause = forms.CharField(
        label=_("事故原因"), max_length=4000, required=False, widget=forms.Textarea({"rows": 3})
    )
    nature = forms.ChoiceField(
        label=_("事故性质"), choices=[("", _("请选择")), *Nature.choices], required=False
    )
    findings = forms.CharField(
        label=_("调查报告摘要"),
        max_length=4000,
        required=False,
        widget=forms.Textarea({"rows": 3}),
    )
    replied_on = forms.DateField(label=_("批复日期"), required=False, widget=DATE)

    FIELDS = ("appraisal_days", "submitted_on", "cause", "nature", "findings", "replied_on")

    @classmethod
    def for_investigation(cls, investigation: Investigation, data=None, **kwargs):
        initial = {name: getattr(investigation, name) for name in cls.FIELDS}
        initial["version"] = investigation.version
        return cls(data, initial=initial, **kwargs)

    def service_data(self) -> dict:
        data = self.cleaned_data
        values = {name: data.get(name) for name in self.FIELDS}
        values["appraisal_days"] = values["appraisal_days"] or 0
        values["cause"] = values["cause"] or ""
        values["findings"] = values["findings"] or ""
        values["nature"] = values["nature"] or ""
        return {"expected_version": data["version"], "data": values}


class ResponsibilityForm(forms.Form):
    party = forms.CharField(label=_("责任单位或人员"), max_length=120)
    is_person = forms.BooleanField(label=_("个人（不勾选为单位）"), required=False, initial=True)
    finding = forms.CharField(label=_("责任认定"), max_length=300)
    handling = forms.CharField(
        label=_("处理意见"), max_length=500, help_text=_("如：建议给予罚款、移送司法机关")
    )
    fine = forms.IntegerField(
        label=_("罚款（元）"),
        min_value=0,
        required=False,
        error_messages={
            "invalid": _("罚款须为不小于0的整数（元）"),
            "min_value": _("罚款须为不小于0的整数（元）"),
        },
    )


class MeasureForm(forms.Form):
    description = forms.CharField(
        label=_("整改措施"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写整改措施")},
    )
    responsible = forms.CharField(
        label=_("责任单位"), max_length=120, error_messages={"required": _("请填写责任单位")}
    )
    due_on = forms.DateField(
        label=_("完成期限"), widget=DATE, error_messages={"required": _("请填写完成期限")}
    )


class MeasureDoneForm(forms.Form):
    done_on = forms.DateField(
        label=_("完成日期"), required=False, widget=DATE, help_text=_("空白为今天")
    )
    done_note = forms.CharField(
        label=_("落实情况"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写落实情况")},
    )


class EvaluateForm(VersionForm):
    """整改措施落实后评估 (``investigation.accident_evaluate``)."""

    rating = forms.ChoiceField(
        label=_("评估结论"),
        choices=[("", _("请选择")), *Rating.choices],
        error_messages={"required": _("请选择评估结论")},
    )
    conclusion = forms.CharField(
        label=_("评估意见"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写评估意见")},
    )
    evaluated_on = forms.DateField(
        label=_("评估日期"), required=False, widget=DATE, help_text=_("空白为今天")
    )
