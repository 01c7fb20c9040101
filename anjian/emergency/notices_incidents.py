"""Who is told what about an incident — in one place. The services queue these with
``transaction.on_commit`` (nobody hears of an incident or a dispatch that was rolled
back); never to the person who acted; once per event (the dedupe key).

- an incident opened: the district's commanders (users who may command incidents there);
- a resource dispatched: the people who keep it — the unit's users for an enterprise's
  team or stock, the department's for a department's, otherwise the keepers of the
  owning region — so that they send it.
"""

from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accounts.models import User
from anjian.core.notifications import notify
from anjian.emergency import permissions as perms
from anjian.emergency.models import Assignment, Incident
from anjian.regions.levels import district_of


def _url(incident: Incident) -> str:
    try:
        return incident.get_absolute_url()
    except NoReverseMatch:  # the pages are not installed (a service-only deployment)
        return ""


def commanders(incident: Incident) -> list[User]:
    """The district's users who may command this incident (and see it)."""
    users = User.objects.filter(
        is_active=True, region_id=district_of(incident.region_code)
    ).select_related("region", "department")
    return [
        u
        for u in users
        if u.can(perms.INCIDENT_COMMAND)
        and Incident.objects.for_user(u).filter(pk=incident.pk).exists()
    ]


def keepers(assignment: Assignment) -> list[User]:
    """Who keeps the resource sent: its unit's users, its department's, or the users of
    its owning region who manage resources."""
    resource = assignment.resource
    enterprise_id = getattr(resource, "enterprise_id", None)
    if enterprise_id:
        return list(
            User.objects.filter(is_active=True, enterprise_link__enterprise_id=enterprise_id)
        )
    owner = resource.warehouse if assignment.supply_id else resource
    if owner.department_id:
        found = User.objects.filter(is_active=True, department_id=owner.department_id)
    else:
        found = User.objects.filter(is_active=True, region_id=owner.region_id)
    return [u for u in found.select_related("region", "department") if u.can(perms.RESOURCE_MANAGE)]


def _tell(incident: Incident, *, users, by, event: str, title: str, body: str) -> int:
    return notify(
        users=[u for u in users if by is None or u.pk != by.pk],
        title=title,
        body=body,
        url=_url(incident),
        kind="incident",
        dedupe_key=f"incident:{incident.pk}:{event}",
    )


def opened(incident: Incident, *, by) -> int:
    return _tell(
        incident,
        users=commanders(incident),
        by=by,
        event="open",
        title=_("突发事件接报：%(number)s %(title)s")
        % {"number": incident.number, "title": incident.title},
        body=_("%(type)s，%(at)s发生于%(place)s。请研判是否启动响应。")
        % {
            "type": incident.get_incident_type_display(),
            "at": f"{timezone.localtime(incident.occurred_at):%Y-%m-%d %H:%M}",
            "place": incident.place,
        },
    )


def dispatched(assignment: Assignment, *, by) -> int:
    incident = assignment.incident
    return _tell(
        incident,
        users=keepers(assignment),
        by=by,
        event=f"dispatch:{assignment.pk}",
        title=_("应急调派：%(kind)s“%(name)s”赴%(title)s")
        % {
            "kind": assignment.get_kind_display(),
            "name": assignment.resource,
            "title": incident.title,
        },
        body=_("数量%(quantity)d，地点：%(place)s。任务：%(task)s")
        % {
            "quantity": assignment.quantity,
            "place": incident.place,
            "task": assignment.task or _("听从现场指挥部安排"),
        },
    )
