from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.monitoring.choices import AlarmCause, DeviceCategory, DeviceState


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AcknowledgeForm(VersionForm):
    note = forms.CharField(label=_("备注"), required=False, max_length=500)


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


class ConsoleFilter(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=60)
    state = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), *DeviceState.choices]
    )
    category = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("", _("全部")), *DeviceCategory.choices]
    )
