"""The page's request form: which region (the city or a district in the user's scope) and
which month. The service checks both again (scope, a month not in the future)."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.analytics.monthly import selectors


def last_month(today: date | None = None) -> str:
    today = today or timezone.localdate()
    first = today.replace(day=1)
    previous = date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
    return f"{previous:%Y-%m}"


class ReportRequestForm(forms.Form):
    # Offered from the user's scope; checked by the service (a region outside it is 404).
    region = forms.CharField(label=_("地区"), max_length=24, widget=forms.Select)
    month = forms.CharField(
        label=_("月份"),
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month"}),
        help_text=_("如 2026-11；当月可生成截至今日的月报"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = selectors.report_regions(user)
        self.fields["region"].widget.choices = [(r.code, r.name) for r in regions]
        self.fields["region"].initial = selectors.default_region(user)
        self.fields["month"].initial = last_month()
