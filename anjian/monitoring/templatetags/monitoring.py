"""``{% load monitoring %}``: a value as its metric reads it (``monitoring.display``)."""

from django import template

from anjian.monitoring import display

register = template.Library()


@register.filter
def reading(value, metric) -> str:
    """``{{ value|reading:metric }}``: "9.50 m" at the metric's precision, or a signal's
    meaning ("火警", "正常")."""
    return display.value_text(metric, value)


@register.filter
def reading_number(value, metric) -> str:
    """``{{ value|reading_number:metric }}``: the same without the unit."""
    return display.value_text(metric, value, unit=False)
