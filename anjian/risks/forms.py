"""Risk forms: one set of field rules for the pages and the API."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.accounts.models import phone_validator
from anjian.enterprises.models import Enterprise
from anjian.risks import grading
from anjian.risks.choices import (
    FACTOR_NAMES,
    METHOD_FACTORS,
    AccidentType,
    BoundaryRule,
    Level,
    Method,
    Stage,
)
from anjian.risks.models import ControlMeasure, RiskBandTable, RiskLibraryEntry, RiskPoint

POINT_FIELDS = [
    "name",
    "kind",
    "location",
    "hazard_factors",
    "factor_class",
    "accident_types",
    "control_level",
    "owner_name",
    "owner_phone",
    "emergency_phone",
    "reassess_due",
]

SECTIONS = [
    (gettext_lazy("风险点"), ["enterprise", "name", "kind", "location"]),
    (gettext_lazy("危险有害因素"), ["factor_class", "hazard_factors", "accident_types"]),
    (
        gettext_lazy("管控责任"),
        ["control_level", "owner_name", "owner_phone", "emergency_phone", "reassess_due"],
    ),
]

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_MESSAGES = {"invalid": gettext_lazy("请输入有效日期，格式为 YYYY-MM-DD")}


class AccidentTypesField(forms.MultipleChoiceField):
    """GB 6441 codes as checkboxes, stored as "08,17,19" (sorted, no duplicates)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", AccidentType.choices)
        kwargs.setdefault(
            "error_messages",
            {
                "required": gettext_lazy("请至少选择一种可能导致的事故类型"),
                "invalid_choice": gettext_lazy("事故类型“%(value)s”不是 GB 6441 的类别代码"),
                "invalid_list": gettext_lazy("事故类型应为代码列表"),
            },
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, str):
            return [code for code in value.split(",") if code]
        return value

    def to_python(self, value):
        if isinstance(value, str):
            value = [code.strip() for code in value.split(",") if code.strip()]
        return super().to_python(value)

    def clean(self, value):
        codes = super().clean(value)
        return ",".join(sorted(set(codes)))


class RiskPointForm(forms.ModelForm):
    """Create and edit a risk point. ``user`` limits the enterprise to their scope."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    accident_types = AccidentTypesField(label=gettext_lazy("可能导致的事故类型"))

    class Meta:
        model = RiskPoint
        fields = ["enterprise", *POINT_FIELDS]
        widgets = {
            "hazard_factors": forms.Textarea(attrs={"rows": 4}),
            "reassess_due": DATE_INPUT,
        }
        error_messages = {
            "enterprise": {"invalid_choice": gettext_lazy("单位不存在或不在您的管辖范围内")},
            "reassess_due": DATE_MESSAGES,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        enterprise = self.fields["enterprise"]
        enterprise.queryset = Enterprise.objects.for_user(user).only("id", "name")
        own = user.scope.enterprise_id
        if self.instance.pk:
            del self.fields["enterprise"]  # a risk point never changes enterprise
            self.fields["version"].initial = self.instance.version
        elif own is not None:
            # An enterprise user registers for their own unit only.
            enterprise.required = False
            enterprise.widget = forms.HiddenInput()
            enterprise.initial = own
        self.fields["accident_types"].help_text = self._meta.model._meta.get_field(
            "accident_types"
        ).help_text

    def clean_enterprise(self):
        enterprise = self.cleaned_data.get("enterprise")
        own = self.user.scope.enterprise_id
        if enterprise is None and own is not None:
            enterprise = Enterprise.objects.get(pk=own)
        if enterprise is None:
            raise forms.ValidationError(_("请选择单位"))
        return enterprise

    def clean_reassess_due(self):
        due = self.cleaned_data.get("reassess_due")
        if due is not None and due.year > timezone.localdate().year + 10:
            raise forms.ValidationError(_("下次评估日期过远，请填写10年内的日期"))
        return due

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in POINT_FIELDS if name in self.cleaned_data}


class RetireForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=gettext_lazy("注销原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("如：设备已拆除、工艺已停用、与其他风险点合并。注销后不可再评估。"),
        error_messages={"required": gettext_lazy("请填写注销原因")},
    )


def _factor_field(label, choices) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=[("", gettext_lazy("请选择")), *choices],
        required=False,
        error_messages={"invalid_choice": gettext_lazy("“%(value)s”不是现行分级标准中的取值")},
    )


class AssessForm(forms.Form):
    """An LEC or LS assessment: the factor choices come from the band tables in force."""

    method = forms.ChoiceField(
        label=gettext_lazy("评估方法"),
        choices=Method.choices,
        error_messages={
            "required": gettext_lazy("请选择评估方法"),
            "invalid_choice": gettext_lazy("评估方法应为 LEC 或 LS"),
        },
    )
    stage = forms.ChoiceField(
        label=gettext_lazy("评估阶段"),
        choices=Stage.choices,
        initial=Stage.INHERENT,
        error_messages={
            "required": gettext_lazy("请选择评估阶段"),
            "invalid_choice": gettext_lazy("评估阶段应为固有风险或剩余风险"),
        },
    )
    note = forms.CharField(
        label=gettext_lazy("评估说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reassess_due = forms.DateField(
        label=gettext_lazy("下次评估日期"),
        required=False,
        widget=DATE_INPUT,
        help_text=gettext_lazy("不填则为一年后"),
        error_messages=DATE_MESSAGES,
    )

    def __init__(self, *args, tables: dict[str, RiskBandTable], **kwargs):
        super().__init__(*args, **kwargs)
        self.tables = tables
        for method, table in tables.items():
            for factor in METHOD_FACTORS[Method(method)]:
                self.fields[f"{method}_{factor.lower()}"] = _factor_field(
                    FACTOR_NAMES[Method(method)][factor], table.factor_choices(factor)
                )

    def factor_fields(self, method: str) -> list:
        return [self[f"{method}_{factor.lower()}"] for factor in METHOD_FACTORS[Method(method)]]

    def clean(self):
        cleaned = super().clean()
        method = cleaned.get("method")
        if method not in self.tables:
            return cleaned
        factors = {}
        for factor in METHOD_FACTORS[Method(method)]:
            name = f"{method}_{factor.lower()}"
            value = cleaned.get(name)
            if value in (None, ""):
                if name not in self.errors:
                    self.add_error(name, _("请选择 %(f)s 值") % {"f": factor})
                continue
            factors[factor] = Decimal(value)
        cleaned["factors"] = factors
        return cleaned

    def preview(self) -> dict:
        """Score and level of the valid form (shown before saving), else {}."""
        if not self.is_valid() or "factors" not in self.cleaned_data:
            return {}
        method = self.cleaned_data["method"]
        value = grading.score(method, self.cleaned_data["factors"])
        return {"score": value, "level": grading.grade(method, value, self.tables[method])}


class MeasureForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ControlMeasure
        fields = ["kind", "text", "level", "owner_name", "owner_phone", "sort_order"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sort_order"].required = False
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean_sort_order(self):
        value = self.cleaned_data.get("sort_order")
        return 100 if value is None else value

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class DeactivateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=gettext_lazy("停用原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("请填写停用原因")},
    )


class LibraryPickForm(forms.Form):
    """Pick library entries to start an enterprise's risk points from."""

    entries = forms.ModelMultipleChoiceField(
        label=gettext_lazy("选择典型风险点"),
        queryset=RiskLibraryEntry.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": gettext_lazy("请至少选择一个典型风险点"),
            "invalid_choice": gettext_lazy("所选条目不存在或不适用于本单位"),
            "invalid_pk_value": gettext_lazy("所选条目不存在或不适用于本单位"),
        },
    )
    owner_name = forms.CharField(
        label=gettext_lazy("管控责任人"),
        max_length=40,
        error_messages={"required": gettext_lazy("请填写管控责任人")},
    )
    owner_phone = forms.CharField(
        label=gettext_lazy("责任人电话"),
        max_length=20,
        error_messages={"required": gettext_lazy("请填写责任人电话")},
    )
    assess_typical = forms.BooleanField(
        label=gettext_lazy("按典型取值做一次固有风险评估（之后请按现场实际复核）"),
        required=False,
    )

    def __init__(self, *args, entries, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entries"].queryset = entries
        if not self.is_bound:
            self.initial.setdefault("owner_name", enterprise.safety_manager_name)
            self.initial.setdefault(
                "owner_phone", enterprise.safety_manager_phone or enterprise.principal_phone
            )

    def clean_owner_phone(self):
        phone = self.cleaned_data["owner_phone"].strip()
        phone_validator(phone)
        return phone


def parse_factor_lines(text: str, *, label: str) -> list[list[str]]:
    """ "值 说明" lines (separated by |, ｜, a tab or the first space) → [["10", "…"], …].

    Values must be positive numbers with at most one decimal place, each once, and every
    line needs a description. Raises ValidationError naming the line.
    """
    rows: list[list[str]] = []
    seen: set[Decimal] = set()
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        for separator in ("|", "｜", "\t", " ", "　"):
            if separator in line:
                value_text, description = line.split(separator, 1)
                break
        else:
            value_text, description = line, ""
        description = description.strip(" |｜\t　")
        try:
            value = Decimal(value_text.strip())
        except InvalidOperation:
            raise forms.ValidationError(
                _("%(f)s 第 %(n)d 行：“%(v)s”不是数字") % {"f": label, "n": number, "v": value_text}
            ) from None
        if not value.is_finite() or value <= 0 or value > 1000:
            raise forms.ValidationError(
                _("%(f)s 第 %(n)d 行：取值须大于0且不超过1000") % {"f": label, "n": number}
            )
        if value != value.quantize(Decimal("0.1")):
            raise forms.ValidationError(
                _("%(f)s 第 %(n)d 行：取值最多保留一位小数") % {"f": label, "n": number}
            )
        if value in seen:
            raise forms.ValidationError(
                _("%(f)s 第 %(n)d 行：取值 %(v)s 重复")
                % {"f": label, "n": number, "v": grading.fmt(value)}
            )
        if not description:
            raise forms.ValidationError(
                _("%(f)s 第 %(n)d 行：请在取值后填写说明，如“10｜完全可以预料”")
                % {"f": label, "n": number}
            )
        seen.add(value)
        rows.append([grading.fmt(value), description[:100]])
    if not rows:
        raise forms.ValidationError(_("%(f)s：请至少填写一个取值") % {"f": label})
    rows.sort(key=lambda row: Decimal(row[0]), reverse=True)
    return rows


def factor_lines(table: RiskBandTable, factor: str) -> str:
    return "\n".join(f"{value}｜{label}" for value, label in table.factors.get(factor, []))


LIMIT_LEVELS = (Level.RED, Level.ORANGE, Level.YELLOW)


class BandTableForm(forms.Form):
    """A new version of a method's band table (never an edit of the current one)."""

    based_on_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    boundary_rule = forms.ChoiceField(
        label=gettext_lazy("边界值归属"),
        choices=BoundaryRule.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("请选择边界值归属")},
    )
    red_limit = forms.DecimalField(label=gettext_lazy("重大风险（红）下限"), max_digits=10)
    orange_limit = forms.DecimalField(label=gettext_lazy("较大风险（橙）下限"), max_digits=10)
    yellow_limit = forms.DecimalField(label=gettext_lazy("一般风险（黄）下限"), max_digits=10)
    source = forms.CharField(
        label=gettext_lazy("取值与分界依据"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "写明取值和分界所依据的标准、文件或本地规定（名称和文号）；"
            "没有权威依据的取值写“平台默认值，请按本地规定调整”。页面向所有用户显示。"
        ),
        error_messages={"required": gettext_lazy("请填写分级依据或来源")},
    )
    edition = forms.CharField(
        label=gettext_lazy("版本说明"),
        max_length=200,
        help_text=gettext_lazy("如：按《××区企业安全风险分级管控实施指南（2026版）》调整"),
        error_messages={"required": gettext_lazy("请填写版本说明")},
    )
    note = forms.CharField(
        label=gettext_lazy("备注"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, method: str, current: RiskBandTable | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.method = method
        for factor in METHOD_FACTORS[Method(method)]:
            self.fields[f"factor_{factor.lower()}"] = forms.CharField(
                label=_("%(f)s 取值及说明") % {"f": FACTOR_NAMES[Method(method)][factor]},
                widget=forms.Textarea(attrs={"rows": 7}),
                help_text=_("每行一个取值：“取值｜说明”，如“10｜完全可以预料”"),
                error_messages={"required": _("请填写 %(f)s 的取值及说明") % {"f": factor}},
            )
        for level in LIMIT_LEVELS:
            self.fields[f"{level}_limit"].error_messages.update(
                {"required": _("请填写下限值"), "invalid": _("请输入数字")}
            )
        if current is not None and not self.is_bound:
            limits = {band["level"]: band["limit"] for band in current.bands}
            self.initial.update(
                {
                    "based_on_version": current.version,
                    "boundary_rule": current.boundary_rule,
                    "source": current.source,
                    "edition": current.edition,
                    **{f"{level}_limit": limits.get(level.value) for level in LIMIT_LEVELS},
                    **{
                        f"factor_{factor.lower()}": factor_lines(current, factor)
                        for factor in METHOD_FACTORS[Method(method)]
                    },
                }
            )

    def clean(self):
        cleaned = super().clean()
        factors = {}
        for factor in METHOD_FACTORS[Method(self.method)]:
            name = f"factor_{factor.lower()}"
            if cleaned.get(name):
                try:
                    factors[factor] = parse_factor_lines(cleaned[name], label=factor)
                except forms.ValidationError as error:
                    self.add_error(name, error)
        cleaned["factors"] = factors
        limits = [cleaned.get(f"{level}_limit") for level in LIMIT_LEVELS]
        if all(limit is not None for limit in limits):
            bands = [
                {"level": level.value, "limit": grading.fmt(limit)}
                for level, limit in zip(LIMIT_LEVELS, limits, strict=True)
            ] + [{"level": Level.BLUE.value, "limit": None}]
            spec = grading.spec_from(
                bands,
                method=self.method,
                boundary_rule=cleaned.get("boundary_rule") or BoundaryRule.LOWER,
            )
            for problem in grading.check_spec(spec):
                self.add_error("red_limit", problem)
            cleaned["bands"] = bands
        return cleaned
