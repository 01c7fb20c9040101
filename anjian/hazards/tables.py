import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from anjian.hazards.choices import BADGE_COLOURS
from anjian.hazards.models import Hazard

WIDE_ONLY = "d-none d-md-table-cell"
# Short values (a source, a date) that read badly broken over two lines.
WIDE_NOWRAP = {"th": {"class": WIDE_ONLY}, "td": {"class": f"text-nowrap {WIDE_ONLY}"}}


def badge(value, label):
    colour = BADGE_COLOURS.get(value, "secondary")
    return format_html('<span class="badge bg-{}-lt">{}</span>', colour, label)


class HazardTable(tables.Table):
    # On a phone each row is a card (core/registry/_results.html): the title links to the
    # hazard, then its enterprise, state, deadline and grade.
    card_fields = ("title", "enterprise", "state", "deadline", "grade")

    number = tables.Column(
        linkify=True,
        verbose_name=_("编号"),
        attrs={"td": {"class": "font-monospace"}, "a": {"hx-boost": "false"}},
    )
    title = tables.Column(verbose_name=_("隐患"), attrs={"td": {"class": "text-wrap"}})
    enterprise = tables.Column(
        accessor="enterprise__name",
        verbose_name=_("单位"),
        empty_values=(),  # a public place's hazard has no enterprise: render_enterprise
        order_by=("enterprise__name_sort_key",),  # units in pinyin order
        attrs={"th": {"class": WIDE_ONLY}, "td": {"class": f"text-wrap {WIDE_ONLY}"}},
    )
    source = tables.Column(verbose_name=_("来源"), attrs=WIDE_NOWRAP)
    grade = tables.Column(verbose_name=_("等级"))
    state = tables.Column(verbose_name=_("状态"))
    deadline = tables.Column(verbose_name=_("整改期限"), attrs=WIDE_NOWRAP)
    found_at = tables.DateTimeColumn(format="Y-m-d", verbose_name=_("发现"), attrs=WIDE_NOWRAP)

    class Meta:
        model = Hazard
        fields = (
            "number",
            "title",
            "enterprise",
            "source",
            "grade",
            "state",
            "deadline",
            "found_at",
        )
        order_by_field = "sort"
        page_field = "page"
        per_page = 50
        empty_text = _("没有符合条件的隐患")

    def render_title(self, value, record):
        return format_html('<a href="{}" hx-boost="false">{}</a>', record.get_absolute_url(), value)

    def render_enterprise(self, value, record):
        if record.place_id:
            return format_html(
                '{} <span class="badge bg-azure-lt">{}</span>', record.place.name, _("公共区域")
            )
        return value

    def render_grade(self, value, record):
        return badge(record.grade, value) if record.grade else "—"

    def render_state(self, value, record):
        html = badge(record.state, value)
        if record.is_overdue():
            html = format_html(
                '{} <span class="badge bg-red text-white">{}</span>',
                html,
                _("逾期%(d)s天") % {"d": record.overdue_days},
            )
        return html

    def render_deadline(self, value, record):
        if not value:
            return "—"
        if record.is_overdue():
            return format_html(
                '<span class="text-danger fw-bold" data-overdue>{} '
                '<i class="bi bi-exclamation-triangle-fill" role="img" aria-label="{}" title="{}">'
                "</i></span>",
                value.isoformat(),
                _("已逾期"),
                _("已逾期"),
            )
        return value.isoformat()
