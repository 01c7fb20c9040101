"""``{% hazard_summary user %}`` — the clearing figures as a card, for home and enterprise pages."""

from urllib.parse import urlencode

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from anjian.hazards import selectors
from anjian.hazards.selfcheck import selectors as selfcheck_selectors

register = template.Library()


@register.inclusion_tag("hazards/_summary.html")
def hazard_summary(user, enterprise=None):
    filters = selectors.FigureFilters(enterprise_id=enterprise.pk if enterprise else None)
    figures = selectors.clearing_figures(user, filters)
    base = filters.query()
    list_url = reverse("hazards:hazard_list")

    def link(**extra) -> str:
        return f"{list_url}?{urlencode({**base, **extra})}"

    return {
        "figures": figures,
        "enterprise": enterprise,
        "user": user,
        "links": {
            "major_open": link(grade="major", progress="open"),
            "overdue": link(progress="overdue"),
            "open": link(progress="open"),
            "due_soon": link(progress="due_soon"),
            "reported": link(state="reported"),
            "all": link(),
        },
    }


@register.inclusion_tag("selfcheck/_due.html")
def selfcheck_due(user, enterprise):
    """The enterprise's check plans due now (this day, week or month), for its home page."""

    plans = list(selfcheck_selectors.plans_due(user, enterprise_id=enterprise.pk)[:10])
    return {"plans": plans, "user": user}


@register.simple_tag
def breakdown_rows(rows) -> str:
    """The rows of a 按区域/按行业 table: a city's tens of rows, each with five links, built
    here rather than node by node (the page's largest share of template time)."""
    closed_title = _("已销号")
    return format_html_join(
        "\n",
        '<tr><td><a href="{}">{}</a></td>'
        '<td class="text-end"><a href="{}">{}</a></td>'
        '<td class="text-end">{}</td>'
        '<td class="text-end"><a class="{}" href="{}">{}</a></td>'
        '<td class="text-end"><a class="{}" href="{}">{}</a></td></tr>',
        (
            (
                row.url,
                row.label,
                row.urls["found"],
                intcomma(row.found),
                "—"
                if row.rectification_rate is None
                else format_html(
                    '<a href="{}" title="{} {}">{}%</a>',
                    row.urls["closed"],
                    closed_title,
                    row.closed,
                    row.rectification_rate,
                ),
                "text-danger" if row.overdue else "text-reset",
                row.urls["overdue"],
                row.overdue,
                "text-danger fw-bold" if row.major_open else "text-reset",
                row.urls["major_open"],
                row.major_open,
            )
            for row in rows
        ),
    )


@register.simple_tag
def compared(rows) -> str:
    """A headline figure's 同比/环比 line: each change links to the earlier window's hazards."""
    if not rows:
        return ""
    return format_html(
        '<div class="small text-secondary" data-compared>{}</div>',
        format_html_join(
            "",
            '<a class="text-reset me-2" href="{}" title="{}">{} {}</a>',
            ((row["url"], row["months"], row["label"], row["change"]) for row in rows),
        ),
    )
