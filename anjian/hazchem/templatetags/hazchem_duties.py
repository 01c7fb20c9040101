"""``{% load hazchem_duties %}{% duty_card %}``: the 包保责任人 card of a source's page — the
three holders with their terms, the frequency of each role, its last check, this period's
checks and whether the last period fell short, and (for who may) the folded forms to name a
holder, end a term and record a check. Read from the page's ``source``; after a refused
form, the posted one comes back in ``duty_bound`` (``views_duties.DutySourceDetail``)."""

from django import template
from django.urls import reverse
from django.utils import timezone

from anjian.hazchem import permissions as perms
from anjian.hazchem import selectors_duties
from anjian.hazchem.choices import SourceState
from anjian.hazchem.forms_duties import AssignForm, CheckForm, EndForm, roster

register = template.Library()


@register.inclusion_tag("hazchem/duties/_card.html", takes_context=True)
def duty_card(context) -> dict:
    source = context["source"]
    user = context["request"].user
    today = timezone.localdate()
    standing = selectors_duties.source_standing(source, today=today)
    holders = {item.role: item.holder for item in standing}
    bound = context.get("duty_bound") or {}
    writer = user.can(perms.UNIT_MANAGE) and source.state != SourceState.CLOSED
    shown = {
        "source": source,
        "standing": standing,
        "today": today,
        "writer": writer,
        "closed": source.state == SourceState.CLOSED,
        "checks_total": source.checks.count(),
        "terms_total": source.duties.count(),
        "history_url": reverse("hazchem:source_duties", args=[source.pk]),
        "rules_url": reverse("hazchem:duty_rules"),
    }
    if not writer:
        return shown
    pk = source.pk
    shown["assign"] = bound.get("duty_assign") or AssignForm(
        initial={"roster": roster(holders)}, source=source, auto_id="duty-assign-%s"
    )
    shown["assign_url"] = reverse("hazchem:source_duty_assign", args=[pk])
    shown["check"] = bound.get("check_record") or CheckForm(
        holders=holders, auto_id="check-record-%s"
    )
    shown["check_url"] = reverse("hazchem:source_check_record", args=[pk])
    shown["any_holder"] = any(holders.values())
    shown["ends"] = {
        duty.pk: {
            "form": bound.get(f"duty_end_{duty.pk}")
            or EndForm(initial={"version": duty.version}, auto_id=f"duty-end-{duty.pk}-%s"),
            "url": reverse("hazchem:source_duty_end", args=[pk, duty.pk]),
        }
        for duty in holders.values()
        if duty is not None
    }
    return shown


@register.filter
def end_form(ends: dict, duty) -> dict | None:
    """``{% with end=ends|end_form:item.holder %}``: that holder's 结束任期 form."""
    if not ends or duty is None:
        return None
    return ends.get(duty.pk)
