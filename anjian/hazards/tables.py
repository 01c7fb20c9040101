import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from anjian.hazards.choices import BADGE_COLOURS
from anjian.hazards.models import Hazard

WIDE_ONLY = "d-none d-md-table-cell"


def badge(value, label):
    colour = BADGE_COLOURS.get(value, "secondary")
    return format_html('<span class="badge bg-{}-lt">{}</span>', colour, label)


class HazardTable(tables.Table):
    number = tables.Column(
        linkify=True,
        verbose_name=_("编号"),
        attrs={"td": {"class": "font-monospace"}, "a": {"hx-boost": "false"}},
    )
    title = tables.Column(verbose_name=_("隐患"), attrs={"td": {"class": "text-wrap"}})
    enterprise = tables.Column(
        accessor="enterprise__name",
        verbose_name=_("单位"),
        order_by=("enterprise__name",),
        attrs={"th": {"class": WIDE_ONLY}, "td": {"class": f"text-wrap {WIDE_ONLY}"}},
    )
    source = tables.Column(
        verbose_name=_("来源"), attrs={"th": {"class": WIDE_ONLY}, "td": {"class": WIDE_ONLY}}
    )
    grade = tables.Column(verbose_name=_("等级"))
    state = tables.Column(verbose_name=_("状态"))
    deadline = tables.Column(
        verbose_name=_("整改期限"), attrs={"th": {"class": WIDE_ONLY}, "td": {"class": WIDE_ONLY}}
    )
    found_at = tables.DateTimeColumn(
        format="Y-m-d",
        verbose_name=_("发现"),
        attrs={"th": {"class": WIDE_ONLY}, "td": {"class": WIDE_ONLY}},
    )

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
        return value.isoformat() if value else "—"
