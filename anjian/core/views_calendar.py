"""工作日历: the years the working-day calendar carries and where from, and the form an
administrator enters a new year's holidays and make-up working days with (anjian/core/
workdays.py). One line per day or run of days::

    2027-01-01 元旦
    2027-02-05~2027-02-13 春节
    2027-02-14 调休上班
"""

import re
from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from anjian.core import permissions as perms
from anjian.core import workdays
from anjian.core.access import requires
from anjian.core.models import WorkCalendarDay, WorkCalendarYear
from anjian.core.scoping import require_city_wide

_LINE = re.compile(
    r"^(?P<first>\d{4}-\d{2}-\d{2})(?:\s*[~～至]\s*(?P<last>\d{4}-\d{2}-\d{2}))?\s+(?P<name>\S.*)$"
)
WORKING_WORDS = ("调休上班", "上班", "补班")
_LONGEST_RUN = 15


def parse_days(text: str) -> list[tuple[date, bool, str]]:
    """The lines of the form as (day, working, name); a Chinese error per bad line."""
    days, errors = [], []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = _LINE.match(line)
        if not match:
            errors.append(
                _(
                    "第%(n)d行“%(line)s”：应为“日期 名称”或“开始日期~结束日期 名称”，"
                    "日期写作2027-01-01"
                )
                % {"n": number, "line": line}
            )
            continue
        try:
            first = date.fromisoformat(match["first"])
            last = date.fromisoformat(match["last"]) if match["last"] else first
        except ValueError:
            errors.append(_("第%(n)d行：日期不存在") % {"n": number})
            continue
        if last < first or (last - first).days > _LONGEST_RUN:
            errors.append(
                _("第%(n)d行：结束日期应在开始日期之后%(days)d天以内")
                % {"n": number, "days": _LONGEST_RUN}
            )
            continue
        name = match["name"].strip()[:40]
        working = any(word in name for word in WORKING_WORDS)
        day = first
        while day <= last:
            # In a run of days off, the weekend days are off anyway: only weekdays count
            # (a single day is kept as written, so a mistake is named, not dropped).
            if working or first == last or day.weekday() < 5:
                days.append((day, working, name))
            day += timedelta(days=1)
    if errors:
        raise ValidationError(errors)
    return days


class CalendarYearForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("年份"), min_value=2000, max_value=2100)
    source = forms.CharField(
        label=gettext_lazy("依据"),
        max_length=200,
        help_text=gettext_lazy(
            "如“国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕X号）”"
        ),
    )
    days = forms.CharField(
        label=gettext_lazy("放假与调休"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "class": "font-monospace"}),
        help_text=gettext_lazy(
            "每行一项：“2027-01-01 元旦”、“2027-02-05~2027-02-13 春节”、“2027-02-14 调休上班”。"
            "名称含“上班”的为调休上班日，其余为放假；放假区间里的周末无需另列。"
        ),
    )

    def clean_days(self):
        return parse_days(self.cleaned_data["days"])


def _years() -> list[dict]:
    local = {entry.year: entry for entry in WorkCalendarYear.objects.all()}
    rows = [
        {"year": year, "source": workdays.PACKAGE, "local": False, "synthetic": False}
        for year in workdays.PACKAGE_YEARS
        if year not in local
    ]
    for year, entry in local.items():
        days = list(WorkCalendarDay.objects.filter(day__year=year))
        rows.append(
            {
                "year": year,
                "source": entry.source,
                "local": True,
                "synthetic": entry.synthetic,
                "entered_at": entry.entered_at,
                "days": days,
            }
        )
    return sorted(rows, key=lambda row: row["year"], reverse=True)


@require_http_methods(["GET", "POST"])
@requires(perms.CALENDAR_VIEW)
def work_calendar(request):
    may_enter = request.user.can(perms.CALENDAR_MANAGE)
    form = CalendarYearForm(request.POST or None, initial={"year": date.today().year + 1})
    if request.method == "POST":
        require_city_wide(request.user, what=_("工作日历"))
        if form.is_valid():
            try:
                workdays.enter_year(
                    form.cleaned_data["year"],
                    source=form.cleaned_data["source"],
                    days=form.cleaned_data["days"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("已录入%(year)d年的工作日历。") % {"year": form.cleaned_data["year"]}
                )
                return redirect("core:work_calendar")
    today = date.today()
    context = {
        "form": form,
        "may_enter": may_enter,
        "years": _years(),
        "package": workdays.PACKAGE,
        "next_year_covered": workdays.covers(date(today.year + 1, 1, 1)),
        "next_year": today.year + 1,
    }
    return render(request, "core/calendar.html", context)
