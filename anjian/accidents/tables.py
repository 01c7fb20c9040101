"""The accident list: its filters (``selectors.filter_accidents``, shown in words), the
table (django-tables2; on a phone each row is a card) and the badges it shares with the
record page.

The filters are the selector's query parameters, not a FilterSet of their own: the
indicators page links here with the parameters its figure counted by
(``?region=310115&year=2025&group=industry_trade&counted=1``), and the list must show
exactly those accidents and say which conditions apply."""

from functools import cached_property

import django_tables2 as tables
from django import forms
from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.accidents import clock, selectors
from anjian.accidents.choices import RANK, Category, FlagKind, Grade
from anjian.accidents.models import Accident, AccidentState, ReportingFlag, ReportingStep
from anjian.regions import selectors as region_selectors
from anjian.regions.models import Region

GRADE_COLOURS = {
    Grade.GENERAL: "blue",
    Grade.LARGER: "yellow",
    Grade.MAJOR: "orange",
    Grade.EXTRAORDINARY: "red",
}
STATE_COLOURS = {
    AccidentState.REPORTED: "blue",
    AccidentState.INVESTIGATING: "orange",
    AccidentState.CLOSED: "green",
    AccidentState.EVALUATED: "teal",
    AccidentState.VOIDED: "secondary",
}
# selectors.chain's statuses → the badge colour
CHAIN_COLOURS = {
    "informed": "green",
    "late": "orange",
    "due": "azure",
    "overdue": "red",
    "not_required": "secondary",
}
GROUP_LABELS = {"industry_trade": gettext_lazy("工矿商贸"), "road": gettext_lazy("道路交通")}
WIDE_ONLY = "d-none d-md-table-cell"
WIDE = {"th": {"class": WIDE_ONLY}, "td": {"class": WIDE_ONLY}}
WRAP = {"td": {"class": "text-wrap"}}


def badge(colour: str, text, **data) -> str:
    attributes = format_html_join("", ' data-{}="{}"', data.items())
    return format_html('<span class="badge bg-{}-lt"{}>{}</span>', colour, attributes, text)


def grade_badge(accident: Accident) -> str:
    return badge(GRADE_COLOURS[accident.grade], accident.get_grade_display(), grade=accident.grade)


def state_badge(accident: Accident) -> str:
    return badge(STATE_COLOURS[accident.state], accident.get_state_display(), state=accident.state)


# --- the filters ------------------------------------------------------------------------------


def _choices(pairs, empty) -> list:
    return [("", empty), *[(str(value), str(label)) for value, label in pairs]]


class AccidentFilterForm(forms.Form):
    """The filter bar: the selector's parameters as fields (values it ignores stay shown)."""

    q = forms.CharField(label=gettext_lazy("编号、单位或地点"), required=False)
    region = forms.ChoiceField(label=gettext_lazy("地区"), required=False)
    year = forms.ChoiceField(label=gettext_lazy("年度"), required=False)
    month = forms.ChoiceField(
        label=gettext_lazy("月份"),
        required=False,
        choices=_choices(((m, f"{m}月") for m in range(1, 13)), gettext_lazy("全年")),
    )
    through = forms.ChoiceField(
        label=gettext_lazy("月份口径"),
        required=False,
        choices=[("", gettext_lazy("当月")), ("1", gettext_lazy("1月至该月累计"))],
    )
    group = forms.ChoiceField(
        label=gettext_lazy("统计口径"),
        required=False,
        choices=_choices(GROUP_LABELS.items(), gettext_lazy("全部事故")),
    )
    category = forms.ChoiceField(
        label=gettext_lazy("统计类别"),
        required=False,
        choices=_choices(Category.choices, gettext_lazy("全部类别")),
    )
    grade = forms.ChoiceField(
        label=gettext_lazy("事故等级"),
        required=False,
        choices=_choices(Grade.choices, gettext_lazy("全部等级")),
    )
    grade_at_least = forms.ChoiceField(label=gettext_lazy("等级不低于"), required=False)
    state = forms.ChoiceField(
        label=gettext_lazy("状态"),
        required=False,
        choices=_choices(AccidentState.choices, gettext_lazy("全部状态")),
    )
    counted = forms.ChoiceField(
        label=gettext_lazy("计入统计"),
        required=False,
        choices=[("", gettext_lazy("含已作废")), ("1", gettext_lazy("计入统计的（不含已作废）"))],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = [*region_selectors.districts_in(user), *region_selectors.streets_for(user)]
        choices = [(r.code, r.name) for r in regions]
        asked = (self.data.get("region") or "").strip()
        if asked and asked not in {code for code, _label in choices}:
            choices.append((asked, region_name(asked)))
        if len(choices) <= 1 and not asked:
            del self.fields["region"]
        else:
            self.fields["region"].choices = [("", _("全部地区")), *choices]
        self.fields["grade_at_least"].choices = _choices(
            ((g, _at_least(g)) for g in Grade.values[1:]), _("不限")
        )
        this_year = timezone.localdate().year
        years = [str(y) for y in range(this_year, this_year - 10, -1)]
        if self.data.get("year") and self.data["year"] not in years:
            years.append(self.data["year"])
        self.fields["year"].choices = [("", _("全部年度")), *[(y, f"{y}年") for y in years]]


def _at_least(grade: str) -> str:
    return _("%(grade)s及以上") % {"grade": Grade(grade).label}


def region_name(code: str) -> str:
    region = Region.objects.filter(code=code).first()
    return region.full_name if region else code


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def describe(params) -> list[tuple[str, str]]:
    """The conditions ``selectors.filter_accidents`` applies to ``params``, in words — only
    those it applies (a malformed value is ignored there, so it is not shown here)."""
    said = []
    query = (params.get("q") or "").strip()
    if query:
        said.append((_("关键词"), query))
    region = (params.get("region") or "").strip()
    if region.isdigit():
        said.append((_("地区"), region_name(region)))
    year, month = _int(params.get("year")), _int(params.get("month"))
    if year and 1900 < year < 3000:
        if month and 1 <= month <= 12:
            if params.get("through") == "1" and month > 1:
                period = _("%(y)d年1–%(m)d月（累计）") % {"y": year, "m": month}
            else:
                period = _("%(y)d年%(m)d月") % {"y": year, "m": month}
        else:
            period = _("%(y)d年") % {"y": year}
        said.append((_("发生时间"), period))
    group = params.get("group")
    if group in GROUP_LABELS:
        said.append((_("统计口径"), str(GROUP_LABELS[group])))
    if params.get("category") in Category.values:
        said.append((_("统计类别"), str(Category(params["category"]).label)))
    if params.get("grade") in Grade.values:
        said.append((_("事故等级"), str(Grade(params["grade"]).label)))
    if params.get("grade_at_least") in Grade.values:
        said.append((_("事故等级"), _at_least(params["grade_at_least"])))
    state = params.get("state")
    if state:
        label = AccidentState(state).label if state in AccidentState.values else state
        said.append((_("状态"), str(label)))
    if params.get("counted") == "1":
        said.append((_("计入统计"), _("是（不含已作废）")))
    return said


class AccidentFilter:
    """What ``RegistryList`` / ``RegistryExport`` read of a FilterSet — ``form``, ``qs``,
    ``errors``, ``active_filters`` — over ``selectors.filter_accidents``."""

    def __init__(self, user, params):
        self.user, self.params = user, params
        self.form = AccidentFilterForm(params or None, user=user)
        self.errors = {}  # nothing is refused: a value the selector ignores is not applied

    @cached_property
    def qs(self):
        return (
            selectors.filter_accidents(selectors.visible_accidents(self.user), self.params)
            .select_related("region", "enterprise")
            .prefetch_related(
                Prefetch("steps", queryset=ReportingStep.objects.order_by("due_at", "id")),
                Prefetch(
                    "flags",
                    queryset=ReportingFlag.objects.filter(withdrawn_at__isnull=True),
                    to_attr="active_flags",
                ),
            )
        )

    @cached_property
    def active_filters(self) -> list[tuple[str, str]]:
        return describe(self.params)


def accident_filter(user, params) -> AccidentFilter:
    return AccidentFilter(user, params)


# --- the reporting chain in one badge ------------------------------------------------------


def chain_summary(accident: Accident, now=None) -> tuple[str, str, str]:
    """(status, colour, words) of the chain for the list: a level overdue first, then a
    late one, then what is still due; else how far it was reported."""
    now = now or timezone.now()
    steps = [s for s in accident.steps.all() if s.required]
    overdue = [s for s in steps if s.informed_at is None and s.due_at < now]
    if overdue:
        return "overdue", "red", _("%(level)s已超时") % {"level": _short(overdue[0].level)}
    late = [s for s in steps if s.informed_at is not None and s.informed_at > s.due_at]
    pending = [s for s in steps if s.informed_at is None]
    if late:
        return "late", "orange", _("%(level)s迟报") % {"level": _short(late[0].level)}
    if pending:
        return "due", "azure", _("待报%(level)s") % {"level": _short(pending[0].level)}
    top = clock.TOP_LEVEL[accident.grade]
    return "informed", "green", _("已报至%(level)s") % {"level": _short(top)}


SHORT_LEVELS = {
    "county": gettext_lazy("县级"),
    "city": gettext_lazy("市级"),
    "province": gettext_lazy("省级"),
    "state": gettext_lazy("国务院"),
}


def _short(level: str) -> str:
    return str(SHORT_LEVELS.get(level, level))


FLAG_COLOURS = {
    FlagKind.LATE: "orange",
    FlagKind.OMITTED: "red",
    FlagKind.FALSE: "red",
    FlagKind.CONCEALED: "red",
}


# --- the table --------------------------------------------------------------------------------


class AccidentTable(tables.Table):
    number = tables.Column(linkify=True, verbose_name=gettext_lazy("编号"))
    unit_name = tables.Column(verbose_name=gettext_lazy("单位"), attrs=WRAP)
    occurred_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=gettext_lazy("发生时间"))
    place = tables.Column(
        verbose_name=gettext_lazy("地点（街道）"), order_by="region_code", attrs=WRAP
    )
    category = tables.Column(verbose_name=gettext_lazy("类别"), attrs=WIDE)
    accident_type = tables.Column(verbose_name=gettext_lazy("类型"), attrs=WIDE)
    grade = tables.Column(verbose_name=gettext_lazy("等级"))
    casualties = tables.Column(
        accessor="deaths",
        verbose_name=gettext_lazy("死亡/失踪/重伤"),
        order_by=("-deaths", "-missing", "-serious_injuries"),
    )
    state = tables.Column(verbose_name=gettext_lazy("状态"))
    chain = tables.Column(
        accessor="pk", verbose_name=gettext_lazy("上报"), orderable=False, attrs=WIDE
    )
    flags = tables.Column(accessor="pk", verbose_name=gettext_lazy("标记"), orderable=False)

    card_fields = (
        "number",
        "unit_name",
        "occurred_at",
        "place",
        "grade",
        "casualties",
        "state",
        "chain",
        "flags",
    )

    class Meta:
        model = Accident
        fields = (
            "number",
            "unit_name",
            "occurred_at",
            "place",
            "category",
            "accident_type",
            "grade",
            "casualties",
            "state",
            "chain",
            "flags",
        )
        order_by_field = "sort"
        page_field = "page"
        empty_text = gettext_lazy("没有符合条件的事故")

    def render_number(self, value, record):
        return format_html('<span class="font-monospace">{}</span>', value)

    def render_place(self, value, record):
        return format_html(
            '{}<div class="small text-secondary">{}</div>', value, record.region.name
        )

    def render_grade(self, value, record):
        return grade_badge(record)

    def order_grade(self, queryset, is_descending):
        """By gravity (一般 → 特别重大), not by the values' spelling."""
        rank = Case(
            *(When(grade=grade, then=Value(n)) for grade, n in RANK.items()),
            output_field=IntegerField(),
        )
        order = "-grade_rank" if is_descending else "grade_rank"
        return queryset.annotate(grade_rank=rank).order_by(order, "-occurred_at"), True

    def render_casualties(self, value, record):
        return format_html(
            '<span data-casualties="{}/{}/{}">{}/{}/{}</span>',
            record.deaths,
            record.missing,
            record.serious_injuries,
            record.deaths,
            record.missing,
            record.serious_injuries,
        )

    def render_state(self, value, record):
        return state_badge(record)

    def render_chain(self, value, record):
        if record.state == AccidentState.VOIDED:
            return "—"
        status, colour, words = chain_summary(record)
        return badge(colour, words, chain=status)

    def render_flags(self, value, record):
        flags = getattr(record, "active_flags", None)
        if flags is None:
            flags = list(record.flags.filter(withdrawn_at__isnull=True))
        if not flags:
            return "—"
        return format_html_join(
            " ",
            '<span class="badge bg-{}-lt" data-flag="{}">{}</span>',
            ((FLAG_COLOURS[f.kind], f.kind, f.get_kind_display()) for f in flags),
        )
