from django import template
from django.db.models import Count

from anjian.risks import grading
from anjian.risks.choices import Level, PointStatus
from anjian.risks.models import RiskPoint

register = template.Library()


@register.filter
def score(value) -> str:
    """A score or factor as people write it: 270, 0.5, 1.75."""
    return grading.fmt(value) if value is not None else ""


@register.filter
def level_label(value) -> str:
    return str(Level(value).label) if value in Level.values else ""


@register.inclusion_tag("risks/_summary.html")
def risk_summary(user, enterprise):
    """The enterprise's active risk points by colour, for its page and its home."""
    counts = dict(
        RiskPoint.objects.for_user(user)
        .filter(enterprise=enterprise, status=PointStatus.ACTIVE)
        .values_list("current_level")
        .annotate(n=Count("id"))
        .values_list("current_level", "n")
    )
    levels = [(level.value, str(level.label), counts.get(level.value, 0)) for level in Level]
    return {
        "user": user,
        "enterprise": enterprise,
        "levels": levels,
        "unassessed": counts.get("", 0),
        "total": sum(counts.values()),
    }
