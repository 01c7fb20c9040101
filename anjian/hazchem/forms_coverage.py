"""The forms of 重大危险源在线监测: the figure's and the drill-down's conditions (one query
string for the page, the list, the Excel and the API), and the source page's 关联设备 and
解除关联."""

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.core.filters import filter_choices
from anjian.hazchem.choices import Grade
from anjian.hazchem.coverage import UNCOVERED as REASONS
from anjian.hazchem.coverage import Status
from anjian.hazchem.selectors_coverage import ALL, UNCOVERED, linkable_devices
from anjian.regions.models import Industry

GROUP_LABELS = {"grade": _("按级别"), "street": _("按街镇"), "industry": _("按行业")}
STATUS_LABELS = {
    ALL: _("须在线监测的全部"),
    Status.COVERED: _("已覆盖"),
    UNCOVERED: _("未覆盖"),
    **{reason: Status(reason).label for reason in REASONS},
}


@dataclass(frozen=True)
class Where:
    """The conditions as the selectors take them (``selectors_coverage.matching``)."""

    group: str = "grade"
    status: str = ALL
    grade: str = ""
    street: str = ""
    industry: int | None = None
    industry_code: str = ""

    def query(self, **changes) -> dict:
        """The query string of these conditions (and ``changes``), empty ones left off."""
        values = {
            "status": self.status,
            "grade": self.grade,
            "street": self.street,
            "industry": self.industry_code,
            **changes,
        }
        return {key: value for key, value in values.items() if value}

    def matching(self) -> dict:
        return {
            "status": self.status,
            "grade": self.grade,
            "street": self.street,
            "industry": self.industry,
        }


class CoverageFilterForm(forms.Form):
    by = forms.ChoiceField(
        label=_("分组"), required=False, choices=[("", _("按级别")), *GROUP_LABELS.items()]
    )
    status = forms.ChoiceField(label=_("情况"), required=False, choices=list(STATUS_LABELS.items()))
    grade = forms.ChoiceField(
        label=_("级别"), required=False, choices=filter_choices(Grade.choices, _("全部级别"))
    )
    street = forms.RegexField(label=_("街镇"), required=False, regex=r"^[0-9]{6,12}$")
    industry = forms.SlugField(label=_("行业"), required=False, max_length=40)

    def clean_industry(self) -> str:
        code = self.cleaned_data["industry"]
        if code and not Industry.objects.filter(code=code).exists():
            raise forms.ValidationError(_("没有这个行业：%(c)s") % {"c": code})
        return code

    def where(self) -> Where:
        """The valid conditions (a wrong one is left off, and named by ``errors``)."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})  # an unbound form: no condition
        data = {name: cleaned.get(name) or "" for name in self.fields}
        code = data["industry"]
        industry = Industry.objects.filter(code=code).values_list("pk", flat=True).first()
        return Where(
            group=data["by"] or "grade",
            status=data["status"],
            grade=data["grade"],
            street=data["street"],
            industry=industry if code else None,
            industry_code=code if industry else "",
        )


def read_where(params) -> tuple[Where, dict]:
    """The conditions of a query string, and the errors of the wrong ones."""
    form = CoverageFilterForm(params or None)
    return form.where(), dict(form.errors) if form.is_bound else {}


class LinkDevicesForm(forms.Form):
    """关联设备: devices of the source's enterprise (one linked elsewhere moves here)."""

    devices = forms.ModelMultipleChoiceField(
        label=_("选择本单位的设备"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请选择要关联的设备")},
    )

    def __init__(self, *args, user, source, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["devices"]
        field.queryset = linkable_devices(user, source)
        field.label_from_instance = device_label


def device_label(device) -> str:
    label = f"{device.code} {device.name}（{device.device_type.name}）"
    if device.hazard_source_id:
        return f"{label} · " + str(_("现关联 %(n)s") % {"n": device.hazard_source.number})
    return label


class UnlinkForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
