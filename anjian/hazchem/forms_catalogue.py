"""Forms of the catalogue pages: an entry (a shipped GB 18218 table 1 row without its name,
aliases, CAS number and row: the standard's), and the catalogue list's filter (with the
retired entries for an administrator).

Forms parse what a browser sends; ``services_catalogue`` decides the rest (the CAS check
digit, a class the 目录 or GB 18218 does not use, a name another entry has, a row that
disagrees with the name) and names the field in Chinese. An edit carries the ``version``
the page was read at."""

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.filters import SelectorFilter
from anjian.core.forms import text_field
from anjian.hazchem import filters_sources
from anjian.hazchem import permissions as perms
from anjian.hazchem.filters_sources import ChemicalFilterForm
from anjian.hazchem.gb18218 import TABLE_2, normalise_cas
from anjian.hazchem.identification import shown
from anjian.hazchem.models import Chemical
from anjian.hazchem.services_catalogue import FLAGS, SHIPPED_FIXED, is_shipped

TEXTS = ("name", "aliases", "cas", "un_number", "ghs_classes")
NUMBERS = ("catalogue_number", "table1_row")


def class_label(hazard) -> str:
    return _("%(c)s %(k)s：%(s)s（临界量 %(q)s 吨，β %(b)s）") % {
        "c": hazard.code,
        "k": hazard.category,
        "s": hazard.scope,
        "q": shown(hazard.q),
        "b": shown(hazard.beta),
    }


def _number_field(label, help_text):
    return forms.CharField(
        label=label,
        max_length=12,
        required=False,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class ChemicalForm(forms.Form):
    name = text_field(gettext_lazy("品名"), max_length=200)
    aliases = text_field(
        gettext_lazy("别名"),
        max_length=500,
        required=False,
        help_text=gettext_lazy("多个别名用顿号分隔"),
    )
    cas = forms.CharField(
        label=gettext_lazy("CAS号"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("如 67-56-1；校验位将被核对"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    un_number = forms.CharField(
        label=gettext_lazy("UN号"),
        max_length=12,
        required=False,
        help_text=gettext_lazy("4位数字，如 1230"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    catalogue_number = _number_field(
        gettext_lazy("目录序号"), gettext_lazy("《危险化学品目录（2015版）》中的序号")
    )
    table1_row = _number_field(
        gettext_lazy("GB 18218 表1行号"),
        gettext_lazy("该条目是表1某行的化学品（如某工业级产品）时填写，按该行的临界量辨识"),
    )
    ghs_classes = text_field(
        gettext_lazy("危险性类别"),
        max_length=1000,
        required=False,
        rows=3,
        help_text=gettext_lazy(
            "按《危险化学品目录》实施指南填写，多个类别用分号分隔，如“易燃液体，类别2；"
            "急性毒性-经口，类别3”"
        ),
    )
    gb18218_classes = forms.MultipleChoiceField(
        label=gettext_lazy("GB 18218 表2类别"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "表1未列名的化学品按这些类别确定临界量Q（多个类别取最低）；表1列名而不在表3中的"
            "化学品（如甲醇）按这些类别从表4确定校正系数β"
        ),
    )
    highly_toxic = forms.BooleanField(label=gettext_lazy("剧毒"), required=False)
    explosive_precursor = forms.BooleanField(label=gettext_lazy("易制爆"), required=False)
    drug_precursor = forms.BooleanField(label=gettext_lazy("易制毒"), required=False)
    key_supervised = forms.BooleanField(label=gettext_lazy("重点监管"), required=False)
    special_control = forms.BooleanField(label=gettext_lazy("特别管控"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user=None, instance: Chemical | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance = instance
        self.fields["gb18218_classes"].choices = [
            (hazard.code, class_label(hazard)) for hazard in TABLE_2
        ]
        self.shipped = instance is not None and is_shipped(instance)
        if self.shipped:
            for name in SHIPPED_FIXED:
                del self.fields[name]
        if instance is not None and not self.is_bound:
            self.initial["version"] = instance.version
            for name in (*TEXTS, *NUMBERS, "gb18218_classes", *FLAGS):
                if name in self.fields:
                    value = getattr(instance, name)
                    self.initial[name] = "" if value is None else value

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields if name != "version"}


# --- the list's filter ---------------------------------------------------------------------


def catalogue_rows(user, *, retired=False, q=None, flag=None, gb18218=None) -> QuerySet:
    """The list's entries: ``filters_sources.chemicals`` (the active ones); for an
    administrator asking ``retired``, the retired entries matching ``q``."""
    if not (retired and user.can(perms.CATALOGUE_MANAGE)):
        return filters_sources.chemicals(user, q=q, flag=flag, gb18218=gb18218)
    found = Chemical.objects.filter(active=False)
    if q and q.strip():
        q = q.strip()
        found = found.filter(
            Q(name__icontains=q) | Q(aliases__icontains=q) | Q(cas__startswith=normalise_cas(q))
        )
    return found.order_by("name")


class CatalogueFilterForm(ChemicalFilterForm):
    retired = forms.BooleanField(label=gettext_lazy("只看已停用的条目"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if not user.can(perms.CATALOGUE_MANAGE):
            del self.fields["retired"]


def catalogue_filter(user, params) -> SelectorFilter:
    return SelectorFilter(
        user, params, form_class=CatalogueFilterForm, select=catalogue_rows, typed=True
    )
