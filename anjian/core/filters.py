"""What every registry and ledger FilterSet shares."""

import django_filters
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
