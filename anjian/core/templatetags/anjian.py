import copy

from django import forms, template
from django.http import QueryDict
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def widget_class(bound_field) -> str:
    """The Tabler class a field's widget needs."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, (forms.Select, forms.SelectMultiple)) and not isinstance(
        widget, forms.CheckboxSelectMultiple
    ):
        return "form-select"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return ""
    return "form-control"


@register.simple_tag
def render_widget(bound_field, **attrs):
    css = widget_class(bound_field)
    if bound_field.errors:
        css += " is-invalid"
    widget = None
    input_type = attrs.pop("type", None)
    if input_type:
        # An input's type comes from the widget; an extra attribute would be a second,
        # ignored type="…" (the browser keeps the first).
        widget = copy.copy(bound_field.field.widget)
        widget.input_type = input_type
    extra = {"class": css.strip(), **{k.replace("_", "-"): v for k, v in attrs.items()}}
    return bound_field.as_widget(widget=widget, attrs=extra)


@register.filter
def is_checkbox(bound_field) -> bool:
    return isinstance(bound_field.field.widget, forms.CheckboxInput)


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (or removed when None)."""
    query: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else ""


@register.filter
def can(user, action: str) -> bool:
    """``{% if user|can:"enterprise.add" %}`` — the same role → action map the views check."""
    return bool(getattr(user, "is_authenticated", False) and user.can(action))


@register.filter
def get_item(mapping, key):
    """``{{ labels|get_item:name }}`` — a dictionary lookup with a variable key."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def duration_short(value) -> str:
    """A timedelta as people read it: "45 秒", "3.5 分钟", "2.1 小时"; empty for None."""
    if value is None:
        return ""
    seconds = value.total_seconds()
    if seconds < 60:
        return f"{seconds:.0f} 秒"
    if seconds < 3600:
        return f"{seconds / 60:.1f} 分钟"
    return f"{seconds / 3600:.1f} 小时"


@register.simple_tag
def options(choices, selected="") -> str:
    """``<option>`` elements for (value, label) pairs, the one equal to ``selected`` chosen
    — a city's few hundred streets in one node rather than three per option."""
    selected = str(selected)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, mark_safe(" selected") if str(value) == selected else "", label)
            for value, label in choices
        ),
    )
