"""Who is told at each hand-off of a warning, and what they read — in one place.

- submitted (提交审核): the people who may sign it off (``approvers``);
- published (审核发布): its composer — who drafted it and who submitted it;
- returned (退回修改): its composer, with the approver's opinion (签发意见).

Each notice goes to each person once per event: the dedupe key names the message, the
event and the version the message reached, so a retried request or a person counted twice
adds nothing, while a second round (submitted again after a return) is a new event. The
person who acted is never told. Called inside the service's transaction (``notify`` writes
a row): the notice exists exactly when the change committed.
"""

from collections.abc import Iterable

from django.db.models import Q
from django.utils.translation import gettext as _

from anjian.accounts.models import User
from anjian.accounts.permissions import role_can
from anjian.accounts.roles import Role
from anjian.cap import permissions as perms
from anjian.cap.lifecycle import ALERT
from anjian.cap.models import CapAlert
from anjian.core.notifications import notify
from anjian.regions.levels import ancestor_codes


def approvers(alert: CapAlert) -> list[User]:
    """Who is asked to sign ``alert`` off: the active users who may approve it — the role
    (``warning.approve``), the kernel's guards (not one of its authors) and their strict
    scope (the one the services look it up through) — at the level nearest to the message:
    its own region's approvers (the district's 应急局 and leaders); only when there are
    none, those of the region above, and so on up to the administrators."""
    roles = [role for role in Role.values if role_can(role, perms.WARNING_APPROVE)]
    levels = ancestor_codes(alert.region_id)  # the message's region first
    candidates = User.objects.filter(is_active=True, role__in=roles).filter(
        Q(region_id__in=levels) | Q(region__isnull=True, is_superuser=True)
    )
    nearest: dict[int, list[User]] = {}
    for user in candidates.select_related("region", "department").order_by("pk"):
        if ALERT.refusal(user, "approve", alert) is not None:
            continue
        if not CapAlert.objects.for_user(user).filter(pk=alert.pk).exists():
            continue
        level = levels.index(user.region_id) if user.region_id in levels else len(levels)
        nearest.setdefault(level, []).append(user)
    return nearest[min(nearest)] if nearest else []


def composers(alert: CapAlert) -> list[User]:
    """Who wrote the message: who drafted it and who last submitted it (read off the
    timeline: a return clears ``submitted_by``)."""
    submit = alert.transitions.filter(action="submit").order_by("-at", "-id").first()
    ids = {pk for pk in (alert.created_by_id, submit.by_id if submit else None) if pk}
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def _tell(
    users: Iterable[User], alert: CapAlert, *, title: str, detail: str, kind: str, event: str, by
) -> int:
    where = f"{alert.sender_name} · {alert.get_severity_display()}"
    return notify(
        users=[user for user in users if user.pk != by.pk],
        title=title % {"t": alert.headline},
        body=f"{where}\n{detail}" if detail else where,
        url=alert.get_absolute_url(),
        kind=kind,
        dedupe_key=f"cap-{alert.pk}-{event}-v{alert.version}",
    )


def submitted(alert: CapAlert, *, by) -> int:
    return _tell(
        approvers(alert),
        alert,
        title=_("预警待签发：%(t)s"),
        detail=_("%(who)s 已提交审核，请核对后审核发布或退回修改。") % {"who": by},
        kind="cap_alert_submitted",
        event="submitted",
        by=by,
    )


def published(alert: CapAlert, *, by, opinion: str = "") -> int:
    detail = _("%(who)s 已签发，报文 %(id)s 已公开发布。") % {"who": by, "id": alert.identifier}
    if opinion:
        detail += _("签发意见：%(o)s") % {"o": opinion}
    return _tell(
        composers(alert),
        alert,
        title=_("预警已签发发布：%(t)s"),
        detail=detail,
        kind="cap_alert_published",
        event="published",
        by=by,
    )


def returned(alert: CapAlert, *, by, opinion: str) -> int:
    return _tell(
        composers(alert),
        alert,
        title=_("预警被退回修改：%(t)s"),
        detail=_("%(who)s 退回修改。签发意见：%(o)s") % {"who": by, "o": opinion},
        kind="cap_alert_returned",
        event="returned",
        by=by,
    )
