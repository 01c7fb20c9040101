"""``{% load hazchem_devices %}{% devices_card %}``: the 在线监测 card of a source's page —
whether the 在线监测率 counts it, each required metric covered or why not (and by which
devices), every linked device with each metric's latest reading, the devices' alarms (open,
this month, 一级 this month; each a link to exactly those alarms), and for who may manage
devices the forms to link devices of the enterprise and to unlink one. Read from the page's
``source``; after a refused form, the posted one comes back in ``devices_bound``
(``views_coverage.DevicesSourceDetail``)."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html

from anjian.hazchem import selectors_coverage
from anjian.hazchem.choices import SourceState
from anjian.hazchem.coverage import Status
from anjian.hazchem.forms_coverage import LinkDevicesForm, UnlinkForm
from anjian.monitoring import permissions as monitoring_perms

register = template.Library()


def alarm_links(source) -> dict[str, str]:
    """The alarm list filtered to the source's devices: open, this month, 一级 this month."""
    base = reverse("monitoring:alarm_list")
    month = selectors_coverage.month_start().date().isoformat()
    queries = {
        "open": {"source": source.pk, "state": "open"},
        "month": {"source": source.pk, "state": "all", "date_from": month},
        "first_grade": {"source": source.pk, "state": "all", "date_from": month, "level": "1"},
    }
    return {name: f"{base}?{urlencode(query)}" for name, query in queries.items()}


@register.inclusion_tag("hazchem/coverage/_card.html", takes_context=True)
def devices_card(context) -> dict:
    source = context["source"]
    user = context["request"].user
    card = selectors_coverage.source_card(user, source)
    shown = {
        "source": source,
        "card": card,
        "alarm_links": alarm_links(source),
        "console_url": f"{reverse('monitoring:console')}?{urlencode({'source': source.pk})}",
        "manager": user.can(monitoring_perms.MONITOR_MANAGE),
    }
    if not shown["manager"]:
        return shown
    bound = context.get("devices_bound") or {}
    if source.state != SourceState.CLOSED:
        shown["link_form"] = bound.get("devices_link") or LinkDevicesForm(
            user=user, source=source, auto_id="devices-link-%s"
        )
        shown["link_url"] = reverse("hazchem:source_devices_link", args=[source.pk])
    shown["unlinks"] = {
        line.device.pk: {
            "form": bound.get(f"device_unlink_{line.device.pk}")
            or UnlinkForm(
                initial={"version": line.device.version},
                auto_id=f"device-unlink-{line.device.pk}-%s",
            ),
            "url": reverse("hazchem:source_device_unlink", args=[source.pk, line.device.pk]),
        }
        for line in card.devices
    }
    return shown


@register.filter
def unlink_of(unlinks: dict, device) -> dict | None:
    """The unlink form and URL of ``device`` (None when the reader may not unlink)."""
    return (unlinks or {}).get(device.pk)


COLOURS = {
    Status.COVERED: "green",
    Status.OFFLINE: "orange",
    Status.MISSING: "yellow",
    Status.NO_DEVICE: "red",
}


@register.filter
def coverage_badge(status: str) -> str:
    """A coverage status as a coloured badge (``data-coverage`` for the tests)."""
    return format_html(
        '<span class="badge bg-{}-lt" data-coverage="{}">{}</span>',
        COLOURS.get(status, "secondary"),
        status,
        Status(status).label,
    )
