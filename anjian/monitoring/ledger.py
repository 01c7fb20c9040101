"""报警处置台账: the alarm list's Excel columns. Values are numbers rounded to the metric's
precision; an on/off signal's reads as its meaning (火警), its level as "火警（一级）"."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.excel import Column
from anjian.monitoring import display

LEDGER_TITLE = "报警处置台账"


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def _number(alarm, value):
    """A limit: the number at the metric's precision (a signal's limit is no figure)."""
    return "" if alarm.metric.signal_label else display.rounded(alarm.metric, value)


def _source(alarm) -> str:
    """The major hazard source the device watches: number and unit, or ""."""
    source = alarm.device.hazard_source
    return f"{source.number} {source.unit.name}" if source is not None else ""


ALARM_COLUMNS: list[Column] = [
    Column("enterprise", str(_("单位")), 28, export=lambda a: a.enterprise.name),
    Column("device", str(_("设备编码")), 16, export=lambda a: a.device.code),
    Column("device_name", str(_("设备")), 24, export=lambda a: a.device.name),
    Column("hazard_source", str(_("重大危险源")), 28, export=_source),
    Column("metric", str(_("监测项")), 14, export=lambda a: a.metric.name),
    Column("level", str(_("级别")), 14, export=lambda a: a.level_label),
    Column("limit", str(_("阈值")), 10, export=lambda a: _number(a, a.limit)),
    Column("value", str(_("报警值")), 10, export=lambda a: display.rounded(a.metric, a.value)),
    Column("peak", str(_("峰值")), 10, export=lambda a: display.rounded(a.metric, a.peak)),
    Column("unit", str(_("单位")), 8, export=lambda a: a.metric.unit),
    Column("raised_at", str(_("报警时间")), 20, export=lambda a: _when(a.raised_at)),
    Column("recovered_at", str(_("恢复时间")), 20, export=lambda a: _when(a.recovered_at)),
    Column("state", str(_("状态")), 10, export=lambda a: a.get_state_display()),
    Column("escalation", str(_("已通知至")), 14, export=lambda a: a.get_escalation_display()),
    Column("acknowledged_at", str(_("确认时间")), 20, export=lambda a: _when(a.acknowledged_at)),
    Column("disposed_at", str(_("处置时间")), 20, export=lambda a: _when(a.disposed_at)),
    Column("cause", str(_("原因")), 12, export=lambda a: a.get_cause_display()),
    Column("disposal_note", str(_("处置情况")), 36, export=lambda a: a.disposal_note),
    Column("hazard", str(_("隐患编号")), 18, export=lambda a: a.hazard.number if a.hazard else ""),
]
