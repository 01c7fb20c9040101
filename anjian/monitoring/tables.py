"""报警处置 as a table: levels as coloured badges (一级 red, 二级 orange), values at their
metric's precision, a tick box on each unacknowledged alarm for the batch 确认 (the boxes
belong to the form ``#alarm-batch`` above the list). On a phone each row is a card
(``core/registry/_results.html``)."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from anjian.monitoring import permissions as perms
from anjian.monitoring.choices import AlarmState
from anjian.monitoring.models import Alarm

WIDE_ONLY = {"th": {"class": "d-none d-md-table-cell"}, "td": {"class": "d-none d-md-table-cell"}}
BATCH_FORM = "alarm-batch"


def level_badge(alarm: Alarm):
    return format_html(
        '<span class="badge bg-{0} text-{0}-fg" data-grade="{1}">{2}</span>',
        alarm.colour,
        alarm.grade,
        alarm.level_label,
    )


class AlarmTable(tables.Table):
    card_fields = ("alarm", "enterprise", "level", "reading", "raised_at", "state", "select")

    select = tables.Column(
        empty_values=(), orderable=False, verbose_name=_("选择"), attrs={"td": {"class": "w-1"}}
    )
    alarm = tables.Column(
        empty_values=(),
        orderable=False,
        verbose_name=_("报警"),
        attrs={"td": {"class": "text-wrap"}},
    )
    level = tables.Column(orderable=False, verbose_name=_("级别"))
    reading = tables.Column(
        empty_values=(),
        orderable=False,
        verbose_name=_("数值"),
        attrs={"td": {"class": "text-wrap"}},
    )
    enterprise = tables.Column(
        accessor="enterprise__name",
        order_by=("enterprise__name",),
        verbose_name=_("单位"),
        attrs={"th": WIDE_ONLY["th"], "td": {"class": "d-none d-md-table-cell text-wrap"}},
    )
    raised_at = tables.DateTimeColumn(format="Y-m-d H:i:s", verbose_name=_("报警时间"))
    state = tables.Column(orderable=False, verbose_name=_("状态"))

    class Meta:
        model = Alarm
        fields = ("select", "alarm", "level", "reading", "enterprise", "raised_at", "state")
        order_by_field = "sort"
        page_field = "page"
        per_page = 50
        empty_text = _("没有符合条件的报警")
        attrs = {"class": "table card-table table-vcenter"}
        row_attrs = {"data-alarm": lambda record: record.pk}

    def _can_handle(self) -> bool:
        request = getattr(self, "request", None)
        return bool(request is not None and request.user.can(perms.ALARM_HANDLE))

    def render_select(self, record):
        if record.state != AlarmState.ACTIVE or not self._can_handle():
            return ""
        return format_html(
            '<input type="checkbox" class="form-check-input m-0" name="alarm" value="{}:{}" '
            'form="{}" data-batch aria-label="{} {}">',
            record.pk,
            record.version,
            BATCH_FORM,
            _("选择"),
            record.device.name,
        )

    def render_alarm(self, record):
        return format_html(
            '<a href="{}" hx-boost="false">{} · {}</a>',
            record.get_absolute_url(),
            record.device.name,
            record.metric.name,
        )

    def render_level(self, record):
        return level_badge(record)

    def render_reading(self, record):
        if record.metric.signal_label:
            return record.reading_text
        return format_html(
            '{} <span class="text-secondary small">（{} {}）</span>',
            record.value_text,
            _("阈值"),
            record.limit_text,
        )

    def render_state(self, value, record):
        if record.recovered_at:
            return format_html(
                '{} <span class="text-secondary small">{}</span>', value, _("已恢复")
            )
        return value
