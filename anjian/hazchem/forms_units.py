"""Forms of the unit pages: a unit (its enterprise picked by a government user, forced for
an enterprise user), an inventory line (the chemical picked from the catalogue by search),
a line's change, retiring a unit, removing a line.

Forms parse what a browser sends; the services decide the rest and name the field in
Chinese when it is wrong (a quantity that is not a number, a class GB 18218 does not know,
a chemical without a critical quantity): the page shows their message on the field. Every
change of an existing record carries the ``version`` the page was read at."""

import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.forms import VersionForm, choice_field, text_field
from anjian.enterprises.models import Enterprise
from anjian.hazchem.choices import Mixture, UnitKind
from anjian.hazchem.models import Chemical, ChemicalUnit, InventoryLine

CLASS_SEPARATORS = re.compile(r"[\s,，、;；/]+")
UNIT_FIELDS = ("kind", "name", "boundary", "population_500m", "latitude", "longitude")


def typed(label, *, max_length: int, mode: str, required: bool = False, **kwargs):
    """A text field for a number the service parses (so its message is the one shown)."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=forms.TextInput(attrs={"inputmode": mode, "autocomplete": "off"}),
        error_messages={
            "required": _("请填写%(label)s") % {"label": label},
            "max_length": _("%(label)s过长，请核对") % {"label": label},
        },
        **kwargs,
    )


class UnitForm(forms.Form):
    """A unit's fields; on create by a government user also its enterprise (the picker on
    the page sends ``enterprise``); an enterprise user's unit is always its own."""

    kind = choice_field(gettext_lazy("单元类型"), UnitKind.choices)
    name = text_field(
        gettext_lazy("单元名称"),
        max_length=120,
        help_text=gettext_lazy("如“液氯储罐区”“二号甲类仓库”“合成氨装置”"),
    )
    boundary = text_field(
        gettext_lazy("单元边界"),
        max_length=500,
        required=False,
        rows=2,
        help_text=ChemicalUnit._meta.get_field("boundary").help_text,
    )
    population_500m = typed(
        gettext_lazy("500米范围内常住人口"),
        max_length=12,
        mode="numeric",
        required=True,
        help_text=gettext_lazy("厂区边界向外500米范围内的常住人口数量，决定校正系数α；无人填0"),
    )
    latitude = typed(gettext_lazy("纬度"), max_length=20, mode="decimal")
    longitude = typed(gettext_lazy("经度"), max_length=20, mode="decimal")
    enterprise = forms.ModelChoiceField(
        label=gettext_lazy("单位"),
        queryset=Enterprise.objects.none(),
        required=True,
        widget=forms.HiddenInput,
        error_messages={
            "required": _("请查找并选择单元所属的单位"),
            "invalid_choice": _("请选择您管辖范围内的登记单位"),
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.instance = user, instance
        self.own_unit = user.scope.enterprise_id is not None
        if instance is not None or self.own_unit:
            del self.fields["enterprise"]
        else:
            self.fields["enterprise"].queryset = Enterprise.objects.for_user(user)
        if instance is not None and not self.is_bound:
            self.initial["version"] = instance.version
            for name in UNIT_FIELDS:
                value = getattr(instance, name)
                self.initial[name] = "" if value is None else value

    @property
    def picked(self) -> Enterprise | None:
        """The enterprise the form holds (shown as chosen by the picker)."""
        if "enterprise" not in self.fields:
            return None
        value = self.data.get("enterprise") if self.is_bound else self.initial.get("enterprise")
        if not str(value or "").isdigit():
            return None
        queryset = self.fields["enterprise"].queryset.select_related("street")
        return queryset.filter(pk=int(value)).first()

    def service_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in UNIT_FIELDS}
        if "enterprise" in self.fields:
            data["enterprise"] = self.cleaned_data["enterprise"].pk
        return data


class ChemicalChoiceField(forms.ModelChoiceField):
    """A catalogue entry by id. Its widget lists only the entry chosen and the matches of a
    search (``offer``), never the catalogue (thousands of rows): the page's picker fills it
    from ``hazchem:chemical_search``."""

    def label_from_instance(self, obj) -> str:
        return str(obj)


class LineFields(forms.Form):
    """What an inventory line holds besides its chemical (shared by add and change)."""

    max_quantity = typed(
        gettext_lazy("设计最大量（吨）"),
        max_length=30,
        mode="decimal",
        required=True,
        help_text=gettext_lazy("单元内该化学品可能存在的最大量，单位：吨"),
    )
    mixture = choice_field(gettext_lazy("纯物质/混合物"), Mixture.choices, initial=Mixture.NO)
    own_classes = forms.CharField(
        label=gettext_lazy("混合物自身的表2类别"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("仅“按自身危险性类别”的混合物填写，如 W5.3, J4"),
    )
    note = text_field(gettext_lazy("备注"), max_length=200, required=False)

    def clean_own_classes(self) -> list[str]:
        text = self.cleaned_data.get("own_classes") or ""
        return [code for code in CLASS_SEPARATORS.split(text.strip()) if code]

    def line_data(self) -> dict:
        return {
            name: self.cleaned_data.get(name)
            for name in ("max_quantity", "mixture", "own_classes", "note")
        }


class LineForm(LineFields):
    """A new line: the chemical (picked by search), its quantity and kind."""

    chemical = ChemicalChoiceField(
        label=gettext_lazy("危险化学品"),
        queryset=Chemical.objects.filter(active=True),
        error_messages={
            "required": _("请查找并选择危险化学品"),
            "invalid_choice": _("请从危险化学品目录中选择"),
        },
    )
    field_order = ("chemical", "max_quantity", "mixture", "own_classes", "note")

    def __init__(self, *args, offer=(), **kwargs):
        super().__init__(*args, **kwargs)
        chosen = self.chosen()
        options = [chosen] if chosen is not None else []
        options += [c for c in offer if chosen is None or c.pk != chosen.pk]
        empty = _("请先在上方输入品名、别名或CAS号查找") if not options else _("请选择")
        self.fields["chemical"].widget.choices = [("", empty)] + [(c.pk, str(c)) for c in options]
        if not self.is_bound and len(options) == 1:
            self.initial["chemical"] = options[0].pk  # the one match: chosen already

    def chosen(self) -> Chemical | None:
        value = self.data.get(self.add_prefix("chemical")) if self.is_bound else None
        if not str(value or "").isdigit():
            return None
        return Chemical.objects.filter(pk=int(value), active=True).first()

    def service_data(self) -> dict:
        return {"chemical": self.cleaned_data["chemical"].pk, **self.line_data()}


class LineChangeForm(LineFields):
    """A line's quantity, kind and note (another chemical: remove the line, add one)."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, line: InventoryLine | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if line is not None and not self.is_bound:
            self.initial.update(
                version=line.version,
                max_quantity=format(line.max_quantity.normalize(), "f"),
                mixture=line.mixture,
                own_classes=", ".join(line.own_classes),
                note=line.note,
            )

    def service_data(self) -> dict:
        return self.line_data()


class RetireForm(VersionForm):
    reason = text_field(
        gettext_lazy("停用原因"),
        max_length=500,
        rows=2,
        help_text=gettext_lazy("如“储罐已拆除”“装置永久停产”；停用后单元及其辨识记录保留"),
    )
