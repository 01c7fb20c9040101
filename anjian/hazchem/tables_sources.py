"""The tables of the major hazard sources (重大危险源) and of the chemical catalogue
(django-tables2; on a phone each row is a card, ``card_fields``). The badges and colours are
``tables``' (one place for every hazchem page); a source's state here also says when its
unit no longer qualifies."""

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.hazchem import gb18218
from anjian.hazchem.choices import SourceState
from anjian.hazchem.identification import shown
from anjian.hazchem.models import Chemical, MajorHazardSource
from anjian.hazchem.tables import (
    LINK,
    WIDE,
    WIDE_ONLY,
    WRAP,
    BaseTable,
    badge,
    grade_badge,
    state_badge,
)

# The catalogue's flags, in the order the 危险化学品目录 names them.
FLAGS = (
    ("highly_toxic", "red"),
    ("explosive_precursor", "orange"),
    ("drug_precursor", "purple"),
    ("key_supervised", "azure"),
    ("special_control", "dark"),
)


def source_state_badge(source) -> str:
    """The source's state, and 已不构成 when its unit no longer qualifies (not yet 核销)."""
    found = state_badge(source.state)
    if not source.qualifies and source.state != SourceState.CLOSED:
        found = format_html("{} {}", found, badge("secondary", _("已不构成"), qualifies="0"))
    return found


def due_mark(day, *, overdue_words, today=None) -> str:
    """A date, red with ``overdue_words`` when it has passed."""
    if day is None:
        return "—"
    today = today or timezone.localdate()
    if day < today:
        return format_html(
            '{} <span class="badge bg-red-lt" data-overdue>{}</span>',
            day.isoformat(),
            overdue_words,
        )
    return day.isoformat()


def flag_badges(chemical) -> str:
    found = [
        (badge(colour, Chemical._meta.get_field(name).verbose_name, flag=name),)
        for name, colour in FLAGS
        if getattr(chemical, name)
    ]
    return format_html_join(" ", "{}", found)


def gb18218_words(chemical) -> str:
    """Where GB 18218 puts the chemical: its table 1 row with Q (and table 3's β), else its
    table 2 classes with their Q and β, else "—" (it cannot be identified alone)."""
    row = gb18218.row(chemical.table1_row) if chemical.table1_row else None
    if row is not None:
        words = _("表1第%(n)d行 临界量 %(q)s 吨") % {"n": row.number, "q": shown(row.q)}
        if row.beta is not None:
            words += _("，β %(b)s（表3）") % {"b": shown(row.beta)}
        return format_html('<span data-table1="{}">{}</span>', row.number, words)
    classes = [gb18218.hazard_class(code) for code in chemical.gb18218_classes or ()]
    classes = [found for found in classes if found is not None]
    if not classes:
        return "—"
    return format_html_join(
        "<br>",
        '<span data-table2="{}">{}</span>',
        (
            (
                found.code,
                _("表2 %(c)s 临界量 %(q)s 吨，β %(b)s")
                % {"c": found.code, "q": shown(found.q), "b": shown(found.beta)},
            )
            for found in classes
        ),
    )


class SourceTable(BaseTable):
    unit = tables.Column(
        accessor="unit__name",
        linkify=("hazchem:source_detail", {"pk": tables.A("pk")}),
        verbose_name=gettext_lazy("重大危险源（单元）"),
        attrs=LINK,
    )
    enterprise = tables.Column(
        accessor="enterprise__name", verbose_name=gettext_lazy("单位"), attrs=WRAP
    )
    number = tables.Column(verbose_name=gettext_lazy("编号"))
    grade = tables.Column(verbose_name=gettext_lazy("级别"))
    state = tables.Column(verbose_name=gettext_lazy("状态"))
    identified_on = tables.DateColumn(
        format="Y-m-d", verbose_name=gettext_lazy("辨识日期"), attrs=WIDE
    )
    filed_on = tables.DateColumn(format="Y-m-d", verbose_name=gettext_lazy("备案日期"), attrs=WIDE)
    assessment_due_on = tables.Column(verbose_name=gettext_lazy("下次评估期限"), attrs=WIDE)

    card_fields = ("unit", "enterprise", "number", "grade", "state")

    class Meta(BaseTable.Meta):
        model = MajorHazardSource
        fields = ()
        sequence = (
            "unit",
            "enterprise",
            "number",
            "grade",
            "state",
            "identified_on",
            "filed_on",
            "assessment_due_on",
        )
        row_attrs = {"data-source": lambda record: record.number}
        empty_text = gettext_lazy("没有符合条件的重大危险源")

    def render_number(self, value, record):
        return format_html('<span class="font-monospace">{}</span>', value)

    def render_grade(self, value, record):
        return grade_badge(record.grade)

    def render_state(self, value, record):
        return source_state_badge(record)

    def render_filed_on(self, value, record):
        if value is None:
            return "—"
        if record.filing_number:
            return format_html(
                '{} <span class="text-secondary small">{}</span>',
                value.isoformat(),
                record.filing_number,
            )
        return value.isoformat()

    def render_assessment_due_on(self, value, record):
        if record.state == SourceState.CLOSED:
            return "—"
        return due_mark(value, overdue_words=_("逾期未评估"))


class ChemicalTable(BaseTable):
    name = tables.Column(verbose_name=gettext_lazy("品名"), attrs=WRAP)
    cas = tables.Column(verbose_name=gettext_lazy("CAS号"))
    un_number = tables.Column(verbose_name=gettext_lazy("UN号"), attrs=WIDE)
    ghs_classes = tables.Column(
        verbose_name=gettext_lazy("危险性类别"),
        orderable=False,
        attrs={"th": {"class": WIDE_ONLY}, "td": {"class": f"{WIDE_ONLY} text-wrap small"}},
    )
    flags = tables.Column(
        accessor="pk", verbose_name=gettext_lazy("管控类别"), orderable=False, attrs=WRAP
    )
    gb18218 = tables.Column(
        accessor="table1_row",
        verbose_name=gettext_lazy("GB 18218 临界量"),
        order_by=("table1_row", "name"),
        empty_values=(),
        attrs=WRAP,
    )

    card_fields = ("name", "cas", "flags", "gb18218")

    class Meta(BaseTable.Meta):
        model = Chemical
        fields = ()
        sequence = ("name", "cas", "un_number", "ghs_classes", "flags", "gb18218")
        row_attrs = {"data-chemical": lambda record: record.pk}
        empty_text = gettext_lazy("目录中没有符合条件的化学品")

    def render_name(self, value, record):
        if record.aliases:
            return format_html(
                '{} <span class="text-secondary small">{}</span>',
                value,
                _("别名：%(a)s") % {"a": record.aliases},
            )
        return value

    def render_cas(self, value, record):
        return format_html('<span class="font-monospace">{}</span>', value)

    def render_flags(self, value, record):
        return flag_badges(record) or "—"

    def render_gb18218(self, value, record):
        return gb18218_words(record)
