"""The permit list's filters: its query function's parameters as a form, run by
``SelectorFilter`` (which also says in words which conditions apply, for the list's 当前条件
and the Excel's 导出说明). The list, its Excel, the API list and every figure's link read the
same function, so a figure's count is the number of rows its link shows."""

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.filters import SelectorFilter, filter_choices
from anjian.core.forms import DATE, DATE_FORMATS
from anjian.regions.forms import region_filter_choices
from anjian.specialwork import selectors
from anjian.specialwork.choices import OPEN_STATES, Grade, Kind, State
from anjian.specialwork.selectors import SUBMITTED

OPEN = "open"  # the state filter: approved, at work or paused (the map's)
STATE_CHOICES = [
    (SUBMITTED, gettext_lazy("已提交（不含草稿）")),
    (OPEN, gettext_lazy("有效（已批准、作业中、暂停）")),
    *State.choices,
]


def permits(
    user,
    *,
    q=None,
    kind=None,
    grade=None,
    state=None,
    enterprise=None,
    street=None,
    date_from=None,
    date_to=None,
) -> QuerySet:
    """The permits in ``user``'s scope: ``kind``, ``grade``, ``state`` (a state,
    ``SUBMITTED`` or ``OPEN``), ``enterprise`` (an id), ``street`` (a region-code prefix),
    planned to start from ``date_from`` to ``date_to`` (local days); ``q`` part of the
    number, the place or the enterprise's name. Latest planned start first."""
    found = selectors.permits(user).select_related("enterprise", "unit", "source")
    if kind:
        found = found.filter(kind=kind)
    if grade:
        found = found.filter(grade=grade)
    if state == SUBMITTED:
        found = found.exclude(state=State.DRAFT)
    elif state == OPEN:
        found = found.filter(state__in=OPEN_STATES)
    elif state:
        found = found.filter(state=state)
    if enterprise:
        found = found.filter(enterprise_id=getattr(enterprise, "pk", enterprise))
    if street:
        found = found.filter(scope_region_code__startswith=street)
    if date_from:
        found = found.filter(planned_start__date__gte=date_from)
    if date_to:
        found = found.filter(planned_start__date__lte=date_to)
    if q and q.strip():
        q = q.strip()
        found = found.filter(
            Q(number__icontains=q) | Q(place__icontains=q) | Q(enterprise__name__icontains=q)
        )
    return found.order_by("-planned_start", "-id")


def date_filter(label) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=DATE,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": _("日期格式不对，请按“2026-06-30”填写")},
    )


class PermitFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("编号、地点或单位"), required=False)
    kind = forms.ChoiceField(
        label=gettext_lazy("作业类别"),
        required=False,
        choices=filter_choices(Kind.choices, gettext_lazy("全部类别")),
    )
    grade = forms.ChoiceField(
        label=gettext_lazy("作业级别"),
        required=False,
        choices=filter_choices(Grade.choices, gettext_lazy("全部级别")),
    )
    state = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=filter_choices(STATE_CHOICES, gettext_lazy("全部状态")),
    )
    enterprise = forms.TypedChoiceField(
        label=gettext_lazy("单位"), required=False, coerce=int, empty_value=None
    )
    street = forms.ChoiceField(label=gettext_lazy("地区"), required=False)
    date_from = date_filter(gettext_lazy("计划开始自"))
    date_to = date_filter(gettext_lazy("计划开始至"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.scope.enterprise_id is not None:
            del self.fields["enterprise"]
        else:
            self.fields["enterprise"].choices = [
                ("", _("全部单位")),
                *selectors.enterprises_with_permits(user).values_list("pk", "name"),
            ]
        self.fields["street"].choices = region_filter_choices(user)
        if len(self.fields["street"].choices) <= 2 and not self.data.get("street"):
            del self.fields["street"]


def permit_filter(user, params) -> SelectorFilter:
    return SelectorFilter(user, params, form_class=PermitFilterForm, select=permits, typed=True)
