"""``{% hazard_summary user %}`` — the clearing figures as a card, for home and enterprise pages."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

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
