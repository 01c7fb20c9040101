"""Forms of the warning pages (and the API's validator). Services decide the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.cap import selectors
from anjian.cap.models import CapAlert

DATETIME_INPUT = {"type": "datetime-local"}
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _datetime_widget():
    return forms.DateTimeInput(attrs=DATETIME_INPUT, format=DATETIME_FORMAT)


class AlertForm(forms.ModelForm):
    """What a composer writes. The model's ``clean`` checks the area and the times."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = CapAlert
        fields = [
            "region",
            "sender_name",
            "status",
            "category",
            "event",
            "urgency",
            "severity",
            "certainty",
            "response_type",
            "headline",
            "description",
            "instruction",
            "effective",
            "onset",
            "expires",
            "area_desc",
            "polygon",
            "circle",
            "contact",
            "note",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "instruction": forms.Textarea(attrs={"rows": 3}),
            "polygon": forms.Textarea(attrs={"rows": 3}),
            "effective": _datetime_widget(),
            "onset": _datetime_widget(),
            "expires": _datetime_widget(),
        }

    # How the page lays the fields out: (heading, note, [(field, columns of 12)]).
    GROUPS = (
        (
            _("发布单位与分级"),
            "",
            [
                ("region", 4),
                ("sender_name", 4),
                ("status", 4),
                ("category", 4),
                ("event", 8),
                ("urgency", 3),
                ("severity", 3),
                ("certainty", 3),
                ("response_type", 3),
            ],
        ),
        (
            _("预警内容"),
            "",
            [
                ("headline", 12),
                ("description", 12),
                ("instruction", 12),
                ("effective", 4),
                ("onset", 4),
                ("expires", 4),
            ],
        ),
        (
            _("影响区域"),
            _("多边形和圆形区域至少填写一项（WGS-84 坐标，纬度在前）。"),
            [("area_desc", 6), ("circle", 6), ("polygon", 12), ("contact", 6), ("note", 6)],
        ),
    )

    def groups(self):
        return [
            {"title": title, "note": note, "fields": [(self[name], width) for name, width in rows]}
            for title, note, rows in self.GROUPS
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = selectors.issuing_regions(user)
        self.fields["region"].queryset = regions
        self.fields["region"].empty_label = None
        self.fields["region"].error_messages["invalid_choice"] = _(
            "只能发布您管辖范围内的预警（发布单位区划不在可选范围内）"
        )
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            if self.instance.replaces_id:
                self.fields["region"].disabled = True
        else:
            default = regions.filter(pk=getattr(user, "region_id", None)).first() or regions.first()
            if default is not None:
                self.fields["region"].initial = default.pk
                department = getattr(user, "department", None)
                self.fields["sender_name"].initial = (
                    department.name
                    if department is not None and department.region_id == default.pk
                    else f"{default.name}应急管理局"
                )


class VersionForm(forms.Form):
    """A transition: the version the page was showing (a stale page is a conflict)."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class ReasonForm(VersionForm):
    reason = forms.CharField(
        label=_("原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class CancelForm(VersionForm):
    reason = forms.CharField(
        label=_("取消原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("写入取消报文的 note，公众可见"),
    )
