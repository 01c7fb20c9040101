"""Who is told at each hand-off of a hazard, and what they read — in one place.

Every notice names the hazard and its enterprise (or public place), goes to each person
once per event (``event`` is the dedupe key: a person who holds two roles in the hand-off
reads it once, a retried request adds nothing) and never to the person who acted. Called inside the
service's transaction: the notice exists exactly when the change committed.
"""

from collections.abc import Iterable
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.core.notifications import notify
from anjian.enterprises.places.services import responsible_department
from anjian.hazards.models import Hazard
from anjian.regions.levels import district_of, street_of


def enterprise_users(enterprise_id: int):
    return User.objects.filter(enterprise_link__enterprise_id=enterprise_id, is_active=True)


def department_id(hazard: Hazard) -> int | None:
    """The department answering for the hazard's owner: the unit's supervising department,
    or the public place's responsible department."""
    if hazard.enterprise_id:
        return hazard.enterprise.supervising_department_id
    department = responsible_department(hazard.place)
    return department.pk if department else None


def owner_side(hazard: Hazard) -> list[User]:
    """Who rectifies: the unit's own users; for a public place (ADR 14) the officials of
    its responsible department and of its street, who do the owner's work for it."""
    if hazard.enterprise_id:
        return list(enterprise_users(hazard.enterprise_id))
    users = User.objects.filter(
        is_active=True, role=Role.DEPARTMENT, department_id=department_id(hazard)
    ).select_related("department", "region")
    return [*_seeing(users, hazard), *street_officials(hazard)]


def _seeing(users: Iterable[User], hazard: Hazard) -> list[User]:
    return [user for user in users if Hazard.objects.for_user(user).filter(pk=hazard.pk).exists()]


def supervisors_of(hazard: Hazard) -> list[User]:
    """Government users who supervise this hazard: its enterprise's supervising department
    and the comprehensive (安委办) users of its district, each only if in scope."""
    candidates = User.objects.filter(
        is_active=True,
        role__in=(Role.SUPERVISOR, Role.DEPARTMENT),
        region_id=district_of(hazard.scope_region_code),
    ).select_related("department", "region")
    department = department_id(hazard)
    return _seeing(
        (u for u in candidates if u.department_id == department or u.role == Role.SUPERVISOR),
        hazard,
    )


def street_officials(hazard: Hazard) -> list[User]:
    """The safety office of the hazard's street (not its grid workers)."""
    users = User.objects.filter(
        is_active=True, role=Role.STREET, region_id=street_of(hazard.scope_region_code)
    )
    return _seeing(users, hazard)


def where(hazard: Hazard) -> str:
    """The line every hazard notice carries: enterprise (or public place) · number."""
    return f"{hazard.owner.name} · {hazard.number}"


def when(day: date, today: date | None = None) -> str:
    """A date as the reader needs it: how far past or how soon, and the date itself."""
    today = today or timezone.localdate()
    days = (day - today).days
    if days < 0:
        return _("已逾期 %(n)s 天（%(d)s）") % {"n": -days, "d": day.isoformat()}
    if days == 0:
        return _("今天到期（%(d)s）") % {"d": day.isoformat()}
    return _("%(n)s 天后到期（%(d)s）") % {"n": days, "d": day.isoformat()}


def tell(
    users: Iterable[User],
    hazard: Hazard,
    *,
    title: str,
    detail: str = "",
    kind: str,
    event: str | None,
    by: User | None = None,
) -> int:
    """One notice per person for ``event`` of ``hazard``, to everyone in ``users`` but ``by``.
    ``event=None`` for a notice that is its own event each time (a 督促 pressed by hand)."""
    body = where(hazard) + (f"\n{detail}" if detail else "")
    return notify(
        users=[u for u in users if by is None or u.pk != by.pk],
        title=title,
        body=body,
        url=hazard.get_absolute_url(),
        kind=kind,
        dedupe_key=f"hazard-{hazard.pk}-{event}" if event else "",
    )


def _event(hazard: Hazard, action: str) -> str:
    """A transition is one event per version the hazard reached."""
    return f"{action}-v{hazard.version}"


# --- the hand-offs ----------------------------------------------------------------------------


def reported(hazard: Hazard, *, by: User, by_government: bool) -> None:
    """Found by government: the enterprise must register it (for a public place, its
    responsible department and street). Reported by the enterprise as major: its
    supervising department, the district's 安委办 and the street are told."""
    if by_government:
        tell(
            owner_side(hazard),
            hazard,
            title=_("新隐患待上账：%(t)s") % {"t": hazard.title},
            detail=_("%(src)s发现，请尽快上账并落实整改。") % {"src": hazard.get_source_display()},
            kind="hazard_reported",
            event="reported",
            by=by,
        )
    elif hazard.grade == "major":
        tell(
            [*supervisors_of(hazard), *street_officials(hazard)],
            hazard,
            title=_("企业上报重大隐患：%(t)s") % {"t": hazard.title},
            detail=_("请督促企业上账，落实整改措施、资金、期限、责任人和应急预案。"),
            kind="hazard_major_reported",
            event="reported",
            by=by,
        )


def registered(hazard: Hazard, *, by: User) -> None:
    tell(
        owner_side(hazard),
        hazard,
        title=_("隐患已上账：%(t)s") % {"t": hazard.title},
        detail=_("整改期限 %(d)s，整改责任人 %(o)s。")
        % {"d": hazard.deadline.isoformat(), "o": hazard.owner_name},
        kind="hazard_registered",
        event=_event(hazard, "registered"),
        by=by,
    )


def awaiting_acceptance(hazard: Hazard, *, by: User) -> None:
    tell(
        supervisors_of(hazard),
        hazard,
        title=_("隐患待验收：%(t)s") % {"t": hazard.title},
        detail=_("企业已提请验收，请核查整改情况。"),
        kind="hazard_awaiting_acceptance",
        event=_event(hazard, "submitted"),
        by=by,
    )


def accepted(hazard: Hazard, *, by: User) -> None:
    tell(
        owner_side(hazard),
        hazard,
        title=_("隐患已验收销号：%(t)s") % {"t": hazard.title},
        detail=hazard.acceptance_note,
        kind="hazard_accepted",
        event=_event(hazard, "accepted"),
        by=by,
    )


def rejected(hazard: Hazard, *, by: User, reason: str) -> None:
    tell(
        owner_side(hazard),
        hazard,
        title=_("隐患验收未通过：%(t)s") % {"t": hazard.title},
        detail=reason,
        kind="hazard_rejected",
        event=_event(hazard, "rejected"),
        by=by,
    )


def extension_requested(hazard: Hazard, extension, *, by: User) -> None:
    tell(
        supervisors_of(hazard),
        hazard,
        title=_("隐患延期申请待审批：%(t)s") % {"t": hazard.title},
        detail=_("申请将整改期限由 %(a)s 延至 %(b)s。理由：%(r)s")
        % {
            "a": extension.current_deadline.isoformat(),
            "b": extension.requested_deadline.isoformat(),
            "r": extension.reason,
        },
        kind="hazard_extension",
        event=f"extension-{extension.pk}-requested",
        by=by,
    )


def extension_decided(hazard: Hazard, extension, *, by: User, approve: bool, reason: str) -> None:
    if approve:
        title = _("延期申请已批准：%(t)s") % {"t": hazard.title}
        detail = _("整改期限延至 %(d)s。") % {"d": extension.requested_deadline.isoformat()}
    else:
        title = _("延期申请未批准：%(t)s") % {"t": hazard.title}
        detail = _("整改期限仍为 %(d)s。") % {"d": extension.current_deadline.isoformat()}
    if reason:
        detail += _("审批意见：%(r)s") % {"r": reason}
    tell(
        [extension.requested_by],
        hazard,
        title=title,
        detail=detail,
        kind="hazard_extension_decided",
        event=f"extension-{extension.pk}-decided",
        by=by,
    )


def listed(hazard: Hazard, listing, *, by: User) -> None:
    tell(
        owner_side(hazard),
        hazard,
        title=_("重大隐患被挂牌督办：%(t)s") % {"t": hazard.title},
        detail=_("%(a)s %(n)s，督办期限 %(d)s")
        % {
            "a": listing.authority,
            "n": listing.document_number,
            "d": listing.deadline.isoformat(),
        },
        kind="hazard_listed",
        event=f"listing-{listing.pk}",
        by=by,
    )
