"""``{% load hazchem %}``: the hazchem badges and figures in templates (``tables.py`` holds
them; the unit and source pages and ``hazchem/_evaluation.html`` show them the same way)."""

from django import template

from anjian.hazchem import tables

register = template.Library()


@register.filter
def grade_badge(grade: str) -> str:
    """``{{ unit.grade|grade_badge }}``: 一级…四级 in its colour, "" for none."""
    return tables.grade_badge(grade)


@register.filter
def state_badge(state: str) -> str:
    """``{{ source.state|state_badge }}``."""
    return tables.state_badge(state)


@register.filter
def figure(value) -> str:
    """``{{ unit.s_value|figure }}``: S, R, q to 4 places (rounded down), — for none."""
    return tables.figure(value)
