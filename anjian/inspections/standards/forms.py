"""Forms of the checklist pages. They parse; ``standards.services`` decides."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.inspections.record_models import ChecklistEntry, ChecklistTemplate
from anjian.regions.models import Industry


class TemplateForm(forms.ModelForm):
    """A checklist: its code (fixed once created), name, industries, crowded places."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ChecklistTemplate
        fields = ["key", "name", "industries", "for_crowded_places"]
        widgets = {"industries": forms.CheckboxSelectMultiple}
        help_texts = {
            "key": gettext_lazy("英文字母、数字、下划线，创建后不能修改，如 hazchem"),
            "industries": gettext_lazy(
                "不选行业且不勾选“适用人员密集场所”即为通用检查表，适用于所有单位"
            ),
        }

    def __init__(self, *args, **kwargs):
        kwargs.pop("user", None)
        super().__init__(*args, **kwargs)
        self.fields["industries"].queryset = Industry.objects.filter(for_places=False).order_by(
            "sort_order", "code"
        )
        self.fields["industries"].required = False
        if self.instance.pk:
            self.fields["key"].disabled = True
            self.fields["version"].initial = self.instance.version

    def validate_unique(self):
        # The service checks the code (and says so in Chinese).
        pass

    def _post_clean(self):
        pass

    def service_data(self) -> dict:
        names = [name for name in self.Meta.fields if not self.fields[name].disabled]
        return {name: self.cleaned_data[name] for name in names}


class EntryForm(forms.ModelForm):
    """A checklist entry. A used entry shows its text and basis but does not offer them."""

    position = forms.IntegerField(
        label=gettext_lazy("序号"),
        min_value=1,
        max_value=32767,
        required=False,
        help_text=gettext_lazy("不填则排在最后"),
    )

    class Meta:
        model = ChecklistEntry
        fields = ["position", "text", "basis", "finding", "major"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "basis": forms.Textarea(
                attrs={"rows": 2, "placeholder": "如：《中华人民共和国安全生产法》第四十一条"}
            ),
            "finding": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "text": gettext_lazy("写应当达到的要求，符合即合格"),
            "finding": gettext_lazy("不符合时检查记录中的问题表述，也是登记隐患的标题"),
        }

    def __init__(self, *args, used: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        # The service says what is missing, in its own words.
        for name in ("text", "basis", "finding"):
            self.fields[name].required = False
        if used:
            for name in ("text", "basis"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _(
                    "已在 %(n)d 条检查记录中使用，不能修改；如需修订，请停用本项并新增检查项"
                ) % {"n": used}

    def _post_clean(self):
        pass

    def service_data(self) -> dict:
        names = [name for name in self.Meta.fields if not self.fields[name].disabled]
        return {name: self.cleaned_data[name] for name in names}
