"""Forms of the standards pages and API: a clause, an edition's description, an upload."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.forms import XLSX_MAGIC
from anjian.hazards.library.vocabulary import Vocabulary
from anjian.hazards.models import StandardClause, StandardDocument


def industry_choices() -> list[tuple[str, str]]:
    return list(Vocabulary.current().industries.items())


class IndustryCodesField(forms.MultipleChoiceField):
    """A JSON list of industry codes, picked from checkboxes (or sent as a list by the API)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(choices=industry_choices, **kwargs)

    def prepare_value(self, value):
        return value or []


class ClauseForm(forms.ModelForm):
    """A clause. Its code is fixed once created (imports match clauses by code)."""

    industry_codes = IndustryCodesField(
        label=gettext_lazy("条款适用行业"), help_text=gettext_lazy("不选则随标准的适用行业")
    )

    class Meta:
        model = StandardClause
        fields = ["code", "article", "group", "text", "industry_codes", "keywords", "sort_order"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 4}),
            "keywords": forms.TextInput(
                attrs={"placeholder": "用顿号分隔，如：除尘器、泄爆、抑爆"}
            ),
        }
        help_texts = {
            "group": gettext_lazy(
                "“粉尘涉爆”“涉氨制冷”“有限空间”三个分组只对有相应重点对象标记的单位显示"
            ),
        }

    def __init__(self, *args, document: StandardDocument | None = None, cited=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.document = document
        self.cited = list(cited)
        if document is not None and self.instance.pk is None:
            self.instance.document = document
            self.fields["sort_order"].initial = self._next_sort_order()
        self.fields["sort_order"].required = False
        if self.instance.pk:
            self.fields["code"].disabled = True
            if self.cited:
                self.fields["text"].disabled = True
                self.fields["text"].help_text = _(
                    "已被隐患 %(h)s 引用，判定情形文字不能修改；如需修订，请停用本条款并新增条款"
                ) % {"h": "、".join(self.cited[:5])}

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        new = self.instance.pk is None and self.document is not None
        if new and self.document.clauses.filter(code=code).exists():
            raise forms.ValidationError(_("本标准已有条款编号“%(c)s”（含已停用的）") % {"c": code})
        return code

    def _next_sort_order(self) -> int:
        if self.document is None:
            return 0
        last = self.document.clauses.order_by("-sort_order").values_list("sort_order", flat=True)
        return (last.first() or 0) + 10

    def clean_sort_order(self):
        value = self.cleaned_data.get("sort_order")
        if value is None:
            return self.instance.sort_order if self.instance.pk else self._next_sort_order()
        return value

    def validate_unique(self):
        # The (document, code) rule is checked in clean_code and again by the service.
        pass

    def service_data(self) -> dict:
        names = [name for name in self.Meta.fields if not self.fields[name].disabled]
        return {name: self.cleaned_data[name] for name in names}


class DocumentForm(forms.ModelForm):
    """An edition's description; its code names the edition and stays."""

    industry_codes = IndustryCodesField(
        label=gettext_lazy("适用行业"), help_text=gettext_lazy("不选则适用于所有行业")
    )

    class Meta:
        model = StandardDocument
        fields = [
            "title",
            "edition",
            "domain",
            "issued_on",
            "effective_from",
            "superseded_by",
            "industry_codes",
            "note",
            "is_active",
        ]
        widgets = {
            "issued_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "effective_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        others = StandardDocument.objects.order_by("domain", "code")
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["superseded_by"].queryset = others

    def clean(self):
        cleaned = super().clean()
        issued, effective = cleaned.get("issued_on"), cleaned.get("effective_from")
        if issued and effective and effective < issued:
            self.add_error("effective_from", _("实施日期不能早于发布日期"))
        return cleaned

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class StandardUploadForm(forms.Form):
    """A standard file (.json as shipped, or .xlsx), validated and previewed before import."""

    file = forms.FileField(label=gettext_lazy("标准文件（.json 或 .xlsx）"))
    dry_run = forms.BooleanField(
        label=gettext_lazy("只校验并预览，不写入（确认无误后再导入）"), required=False, initial=True
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size == 0:
            raise forms.ValidationError(_("文件是空的"))
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("文件超过 %(mb)d MB") % {"mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        name = upload.name.lower()
        if not name.endswith((".json", ".xlsx")):
            raise forms.ValidationError(
                _("请上传 .json 或 .xlsx 文件（旧版 .xls 请先另存为 .xlsx）")
            )
        if name.endswith(".xlsx"):
            head = upload.read(4)
            upload.seek(0)
            if head != XLSX_MAGIC:
                raise forms.ValidationError(_("文件内容不是有效的 .xlsx 表格"))
        return upload
