"""What every registry and ledger FilterSet shares."""

from django.utils.translation import gettext as _


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
