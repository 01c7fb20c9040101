"""Forms of the warning pages (and the API's validator). Services decide the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.cap import selectors
from anjian.cap.models import CapAlert
from anjian.core.forms import VersionForm

DATETIME_INPUT = {"type": "datetime-local"}
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _datetime_widget():
    return forms.DateTimeInput(attrs=DATETIME_INPUT, format=DATETIME_FORMAT)


class AlertForm(forms.ModelForm):
    """What a composer writes. The model's ``clean`` checks the times, the services the
    area (regions inside the issuing region, or a typed polygon or circle)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    areas = forms.MultipleChoiceField(
        label=_("影响区划"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("勾选受影响的区（全境）或街道（镇）：报文带上区划代码和区的轮廓"),
    )

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
        labels = {"polygon": _("自定义多边形"), "circle": _("自定义圆形区域")}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "instruction": forms.Textarea(attrs={"rows": 3}),
            "polygon": forms.Textarea(attrs={"rows": 3}),
            "effective": _datetime_widget(),
            "onset": _datetime_widget(),
            "expires": _datetime_widget(),
        }

    # How the page lays the fields out: (heading, note, [(field, columns of 12)]).
    # The area group's typed shapes are an advanced option, folded away (``ADVANCED``).
    ADVANCED = ("polygon", "circle")
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
            _("勾选受影响的区或街道（镇）；报文的多边形取自平台已有的区轮廓。"),
            [("areas", 12), ("area_desc", 12), ("polygon", 12), ("circle", 6)],
        ),
        (_("联系方式与备注"), "", [("contact", 6), ("note", 6)]),
    )

    def groups(self):
        groups = []
        for title, note, rows in self.GROUPS:
            fields = [(self[name], width) for name, width in rows if name not in self.ADVANCED]
            advanced = [(self[name], width) for name, width in rows if name in self.ADVANCED]
            groups.append(
                {
                    "title": title,
                    "note": note,
                    "fields": fields,
                    "advanced": advanced,
                    "advanced_open": any(f.value() or f.errors for f, _width in advanced),
                }
            )
        return groups

    def area_groups(self) -> list[dict]:
        """The area's checkboxes by district (the district itself first: 全境), each group
        open when something in it is picked or there is only one."""
        picked = {str(code) for code in self["areas"].value() or ()}
        groups = []
        for district, streets in self._area_choices:
            options = [(district.code, _("%(d)s全境") % {"d": district.name})]
            options += [(street.code, street.name) for street in streets]
            chosen = [code for code, _label in options if code in picked]
            groups.append(
                {
                    "code": district.code,
                    "name": district.name,
                    "options": [(code, label, code in picked) for code, label in options],
                    "picked": len(chosen),
                    "open": bool(chosen) or len(self._area_choices) == 1,
                }
            )
        return groups

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = selectors.issuing_regions(user)
        self._area_choices = selectors.area_choices(user)
        self.fields["areas"].choices = [
            (district.code, district.name) for district, _streets in self._area_choices
        ] + [(street.code, street.name) for _d, streets in self._area_choices for street in streets]
        self.fields["areas"].error_messages["invalid_choice"] = _(
            "影响区划须在您的管辖范围内：%(value)s 不可选"
        )
        self.fields["region"].queryset = regions
        self.fields["region"].empty_label = None
        self.fields["region"].error_messages["invalid_choice"] = _(
            "只能发布您管辖范围内的预警（发布单位区划不在可选范围内）"
        )
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.initial.setdefault(
                "areas", list(self.instance.areas.values_list("code", flat=True))
            )
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


OPINION_HELP = _("退回修改时必填，写明需要修改什么；审核发布时可选。记入处理记录并通知起草人")


class ApproveForm(VersionForm):
    """审核发布 from the sign-off panel: the opinion (签发意见) is optional, and the button
    that publishes is the second step (``confirm``) — a post without it publishes nothing
    and shows the confirmation again."""

    reason = forms.CharField(
        label=_("签发意见"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=OPINION_HELP,
    )
    confirm = forms.BooleanField(required=False)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("confirm"):
            raise forms.ValidationError(
                _("请核对预警内容后点击“确认发布”：发布后立即向公众公开，报文不能再修改"),
                code="unconfirmed",
            )
        return cleaned


class ReturnForm(VersionForm):
    """退回修改 from the same panel: the opinion is required (the transition's
    ``needs_reason``)."""

    reason = forms.CharField(
        label=_("签发意见"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=OPINION_HELP,
        error_messages={"required": _("退回修改须填写签发意见，说明需要修改什么")},
    )


class CancelForm(VersionForm):
    reason = forms.CharField(
        label=_("取消原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("写入取消报文的 note，公众可见"),
    )
