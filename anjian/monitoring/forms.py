from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from anjian.accounts.models import User
from anjian.enterprises.models import Enterprise
from anjian.monitoring.choices import AlarmCause, ThresholdLevel
from anjian.monitoring.filters import source_choices, source_label
from anjian.monitoring.models import Device, Gateway

# A device may watch one of its enterprise's risk points (Device.risk_point): a declared
# edge monitoring → risks in the import-linter contract (pyproject.toml).
from anjian.risks.models import RiskPoint


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AcknowledgeForm(VersionForm):
    note = forms.CharField(label=_("备注"), required=False, max_length=500)


class AlarmVersionsField(forms.Field):
    """The ticked alarms of a list, each as "id:version" (the version the list showed)."""

    widget = forms.MultipleHiddenInput
    most = 200  # a list page's most rows

    def to_python(self, value) -> list[tuple[int, int]]:
        items = []
        for text in value or []:
            alarm_id, _sep, version = str(text).partition(":")
            if not (alarm_id.isdigit() and version.isdigit()):
                raise forms.ValidationError(_("所选报警无效，请刷新页面后重试"))
            items.append((int(alarm_id), int(version)))
        return items

    def validate(self, value) -> None:
        if not value:
            raise forms.ValidationError(_("请先勾选要确认的报警"))
        if len(value) > self.most:
            raise forms.ValidationError(_("一次最多确认 %(n)d 条报警") % {"n": self.most})


class BatchAcknowledgeForm(forms.Form):
    """批量确认 from the alarm list; ``query`` is the list's filter to return to."""

    alarm = AlarmVersionsField(label=_("报警"))
    note = forms.CharField(label=_("备注"), required=False, max_length=500)
    query = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def clean_query(self) -> str:
        # Only a query string of the list (re-encoded): never a place to send the user.
        return QueryDict(self.cleaned_data["query"]).urlencode()


class DisposeForm(VersionForm):
    cause = forms.ChoiceField(label=_("报警原因"), choices=[("", "—"), *AlarmCause.choices])
    note = forms.CharField(
        label=_("处置情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class HazardFromAlarmForm(forms.Form):
    title = forms.CharField(label=_("隐患名称"), required=False, max_length=100)
    description = forms.CharField(
        label=_("隐患描述"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DeviceForm(forms.ModelForm):
    """Register or change a device; the enterprise list is the user's scope."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Device
        fields = [
            "enterprise",
            "device_type",
            "code",
            "name",
            "risk_point",
            "hazard_source",
            "location",
            "latitude",
            "longitude",
            "offline_after_seconds",
            "is_active",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        enterprises = Enterprise.objects.for_user(user).order_by("name_sort_key")
        self.fields["enterprise"].queryset = enterprises
        self.fields["risk_point"].queryset = RiskPoint.objects.for_user(user).select_related(
            "enterprise"
        )
        self.fields["risk_point"].required = False
        sources = self.fields["hazard_source"]
        sources.queryset = source_choices(user)
        sources.label_from_instance = source_label
        sources.help_text = _("本单位未核销的重大危险源；设备的监测项计入该危险源的在线监测")
        if self.instance.pk:
            # Who owns the device and what it reports under do not change: a new code is a
            # new device (its readings and alarms stay with the old one).
            for name in ("enterprise", "device_type", "code"):
                self.fields[name].disabled = True
            self.fields["version"].initial = self.instance.version
            self.fields["risk_point"].queryset = self.fields["risk_point"].queryset.filter(
                enterprise=self.instance.enterprise
            )
            # The source it watches stays offered even if closed since (its history).
            kept = source_choices(user, closed=True).filter(pk=self.instance.hazard_source_id)
            sources.queryset = (source_choices(user) | kept).filter(
                enterprise=self.instance.enterprise
            )
        else:
            del self.fields["is_active"]
            if enterprises.count() == 1:
                self.fields["enterprise"].initial = enterprises.first()


class ThresholdForm(forms.Form):
    metric = forms.ModelChoiceField(label=_("监测项"), queryset=None)
    level = forms.ChoiceField(label=_("级别"))
    value = forms.FloatField(label=_("阈值"))
    hysteresis = forms.FloatField(label=_("回差（死区）"), min_value=0, initial=0)
    min_duration_seconds = forms.IntegerField(
        label=_("持续时间（秒）"), min_value=0, max_value=86400, initial=0
    )
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].queryset = device.device_type.metrics.all()
        self.fields["level"].choices = ThresholdLevel.choices


class DutyPersonForm(forms.Form):
    user = forms.ModelChoiceField(label=_("值班人员"), queryset=None)
    phone = forms.CharField(label=_("值班电话"), required=False, max_length=20)
    is_active = forms.BooleanField(label=_("在岗"), required=False, initial=True)

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(
            enterprise_link__enterprise=enterprise, is_active=True
        ).order_by("name")


class GatewayForm(forms.ModelForm):
    """Register or change a data gateway; the enterprise list is the user's scope."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Gateway
        fields = ["enterprise", "code", "name", "location", "is_active"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.for_user(user).order_by(
            "name_sort_key"
        )
        if self.instance.pk:
            # The login name (gw.<code>) and the topic (the enterprise's) stay.
            for name in ("enterprise", "code"):
                self.fields[name].disabled = True
            self.fields["version"].initial = self.instance.version
        else:
            del self.fields["is_active"]
