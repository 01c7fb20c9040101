"""How monitoring values and alarms read, wherever they are shown: pages, notices, texts
and the Excel ledger all format through here.

- A measured value shows at its metric's precision (``Metric.decimals``): 9.500000001 m
  with two decimals is "9.50 m", 1e-05 is "0.00" — never float noise or an exponent.
- An on/off signal (``Metric.signal_label`` set: 火警, 故障) reads as its meaning: the
  value 1 is "火警", 0 is "正常"; its alarm is "火警（一级）" at the grade its threshold
  was set to, not "高报（二级） 1（阈值 1）".

Pure functions of the metric and the value; the models' display properties call them.
"""

import math

from django.utils.translation import gettext as _

from anjian.monitoring.choices import GRADE_LABELS, ThresholdLevel, grade_of

SIGNAL_ON = 0.5  # a signal is on at 1 (any value from here up), off at 0
NOTHING = "—"


def number(value: float | None, decimals: int) -> str:
    """``value`` with exactly ``decimals`` decimals ("-0.00" reads "0.00")."""
    if value is None:
        return NOTHING
    if not math.isfinite(value):
        return str(value)
    text = f"{value:.{decimals}f}"
    if float(text) == 0:
        text = f"{0:.{decimals}f}"
    return text


def rounded(metric, value: float | None) -> float | str | None:
    """The value as the Excel ledger stores it: a number rounded to the metric's
    precision, or a signal's meaning."""
    if value is None:
        return None
    if metric.signal_label:
        return signal_text(metric, value)
    return round(value, metric.decimals) + 0.0  # + 0.0: no -0.0


def signal_text(metric, value: float) -> str:
    return metric.signal_label if value >= SIGNAL_ON else str(_("正常"))


def value_text(metric, value: float | None, *, unit: bool = True) -> str:
    """ "9.50 m" (with the unit unless ``unit=False``), or the signal's meaning."""
    if value is None:
        return NOTHING
    if metric.signal_label:
        return signal_text(metric, value)
    text = number(value, metric.decimals)
    return f"{text} {metric.unit}" if unit and metric.unit else text


def level_label(metric, level: str) -> str:
    """ "高高报（一级）", or for a signal its meaning at the grade: "火警（一级）"."""
    if metric.signal_label:
        return f"{metric.signal_label}（{GRADE_LABELS[grade_of(level)]}）"
    return str(ThresholdLevel(level).label)


def alarm_reading(alarm) -> str:
    """What the alarm reads: "液位 9.50 m（阈值 9.20 m）", or "火警" for a signal."""
    metric = alarm.metric
    if metric.signal_label:
        return metric.signal_label
    return _("%(m)s %(v)s（阈值 %(t)s）") % {
        "m": metric.name,
        "v": value_text(metric, alarm.value),
        "t": value_text(metric, alarm.limit),
    }


def alarm_title(alarm) -> str:
    """A notice's headline: "火警：1号火灾报警控制器", "一级报警：1号储罐液位…"."""
    grade = GRADE_LABELS[grade_of(alarm.level)]
    what = alarm.metric.signal_label or _("%(g)s报警") % {"g": grade}
    return f"{what}：{alarm.device.name}"
