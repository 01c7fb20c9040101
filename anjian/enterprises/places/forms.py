"""The public place form: the edit page and the API validate with the same rules."""

from django import forms
from django.utils.translation import gettext_lazy

from anjian.enterprises.places.filters import place_industries_for
from anjian.enterprises.places.models import DEFAULT_INDUSTRY, PublicPlace
from anjian.enterprises.places.services import PLACE_FIELDS
from anjian.regions import selectors as region_selectors

SECTIONS = [
    (gettext_lazy("基本信息"), ["kind", "name", "address", "is_active"]),
    (gettext_lazy("位置"), ["street", "grid", "latitude", "longitude"]),
    (
        gettext_lazy("责任"),
        ["industry", "responsible_department", "contact_name", "contact_phone", "note"],
    ),
]


class PlaceForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = PublicPlace
        fields = PLACE_FIELDS
        widgets = {
            "latitude": forms.NumberInput(attrs={"step": "0.000001"}),
            "longitude": forms.NumberInput(attrs={"step": "0.000001"}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "street": {"invalid_choice": gettext_lazy("街镇不存在或不在您的管辖范围内")},
            "grid": {"invalid_choice": gettext_lazy("网格/社区不存在或不属于所选街镇")},
            "industry": {
                "invalid_choice": gettext_lazy("监管领域不存在或不在您的监管范围内"),
            },
            "responsible_department": {
                "invalid_choice": gettext_lazy("责任部门不存在或不在您的管辖范围内")
            },
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        fields = self.fields
        fields["street"].queryset = region_selectors.streets_for(user)
        fields["grid"].queryset = region_selectors.grids_for(user, self._street_code())
        fields["industry"].queryset = place_industries_for(user)
        fields["industry"].required = False
        fields["industry"].help_text = gettext_lazy("不填则按类型确定（路段→道路交通 …）")
        fields["responsible_department"].queryset = region_selectors.departments_for(user)
        for name in ("street", "grid", "industry"):
            fields[name].to_field_name = "code"
        if self.instance.pk:
            fields["version"].initial = self.instance.version
            if not self.is_bound:
                self.initial["industry"] = self.instance.industry.code

    def _street_code(self) -> str | None:
        if self.is_bound:
            return self.data.get(self.add_prefix("street")) or None
        if self.instance.pk:
            return self.instance.street_id
        return self.initial.get("street")

    def clean(self):
        data = super().clean()
        if not data.get("industry") and data.get("kind"):
            code = DEFAULT_INDUSTRY.get(data["kind"])
            data["industry"] = self.fields["industry"].queryset.filter(code=code).first()
            if data["industry"] is None:
                self.add_error("industry", gettext_lazy("请选择监管领域"))
        return data

    def _post_clean(self):
        # The service validates the model (with the writer's scope); the form only parses.
        pass
