"""What every registry and ledger FilterSet shares."""

from functools import cached_property

import django_filters
from django import forms
from django.utils.translation import gettext as _


class ScopedModelChoiceFilter(django_filters.ModelChoiceFilter):
    """A choice of records that offers only the user's: ``choices_for(user)`` gives them
    when the FilterSet (a ``ScopedChoicesMixin``) is made for a user."""

    def __init__(self, *args, choices_for, **kwargs):
        kwargs.setdefault("queryset", None)
        super().__init__(*args, **kwargs)
        self.choices_for = choices_for


class ScopedChoicesMixin:
    """A FilterSet made for ``user`` (kept as ``self.user``): each of its
    ``ScopedModelChoiceFilter`` offers what that user may see."""

    def __init__(self, data=None, queryset=None, *, user, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.user = user
        for scoped in self.filters.values():
            if isinstance(scoped, ScopedModelChoiceFilter):
                scoped.queryset = scoped.choices_for(user)


class ActiveFiltersMixin:
    """``active_filters``: (label, value) pairs of the filters in use, for the list's
    "当前条件" line and the export's 导出说明 sheet."""

    @property
    def active_filters(self) -> list[tuple[str, str]]:
        if not self.is_bound or not self.form.is_valid():
            return []
        shown = []
        for name, value in self.form.cleaned_data.items():
            if name == "sort" or value is False or value in (None, "", [], ()):
                continue  # a tick box left empty is no condition
            if value is True:
                value = _("是")
            field = self.form.fields[name]
            if hasattr(field, "choices") and not hasattr(value, "pk"):
                choices = dict(field.choices)
                if isinstance(value, list):
                    value = "、".join(str(choices.get(v, v)) for v in value)
                else:
                    value = choices.get(value, value)
            if hasattr(value, "strftime"):
                value = value.strftime("%Y-%m")
            shown.append((str(field.label), str(value)))
        return shown


# --- lists filtered through their selectors ----------------------------------------------


def raw_filters(params, names) -> dict:
    """The query parameters ``names`` as a selector takes them: a repeated one as a list,
    an empty one left off."""
    found = {}
    for name in names:
        values = [v for v in params.getlist(name) if v.strip()] if params else []
        if len(values) == 1:
            found[name] = values[0].strip()
        elif values:
            found[name] = values
    return found


class SelectorFilter:
    """What ``RegistryList`` / ``RegistryExport`` read of a FilterSet — ``form``, ``qs``,
    ``errors``, ``active_filters`` — over a selector that takes the list's query
    parameters as keyword arguments and ignores a malformed value: the form checks them
    only to say which conditions apply (and which value is wrong)."""

    def __init__(self, user, params, *, form_class, select, related=(), typed=False):
        self.user, self.params, self.select, self.related = user, params, select, related
        self.typed = typed  # the selector takes the form's values, not the query's text
        self.form = form_class(params or None, user=user)
        self.errors = self.form.errors if self.form.is_bound else {}

    def kwargs(self) -> dict:
        if not self.typed:
            return raw_filters(self.params, self.form.fields)
        if not self.form.is_bound or (not self.form.is_valid() and not self.form.cleaned_data):
            return {}
        return {
            name: value
            for name, value in self.form.cleaned_data.items()
            if value not in (None, "", [], ())
        }

    @cached_property
    def qs(self):
        found = self.select(self.user, **self.kwargs())
        return found.select_related(*self.related) if self.related else found

    @cached_property
    def active_filters(self) -> list[tuple[str, str]]:
        if not self.form.is_bound:
            return []
        self.form.is_valid()
        shown = []
        for name, value in self.form.cleaned_data.items():
            if value in (None, "", [], ()) or (value is False and not self.typed):
                continue
            field = self.form.fields[name]
            if isinstance(value, bool) and not hasattr(field, "choices"):
                value = _("是") if value else _("否")
            elif isinstance(value, bool):
                choices = {str(k): v for k, v in field.choices}
                value = choices.get("1" if value else "0", value)
            elif hasattr(value, "pk"):
                value = str(value)
            elif hasattr(field, "choices"):
                choices = {str(k): v for k, v in field.choices}
                if isinstance(value, list):
                    value = "、".join(str(choices.get(str(v), v)) for v in value)
                else:
                    value = choices.get(str(value), value)
            shown.append((str(field.label), str(value)))
        return shown


def filter_choices(pairs, empty) -> list:
    return [("", empty), *[(str(value), str(label)) for value, label in pairs]]


def flag_field(label, yes, no):
    """A yes/no filter: "" applies nothing (the selector's default), "1" True, "0" False."""
    return forms.TypedChoiceField(
        label=label,
        required=False,
        choices=[("", _("不限")), ("1", yes), ("0", no)],
        coerce=lambda value: value == "1",
        empty_value=None,
    )
