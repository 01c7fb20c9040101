"""Who is told what about an accident — in one place. Called inside the service's
transaction (a notice exists exactly when the change committed); never to the person who
acted; once per event (the dedupe key)."""

from django.utils.translation import gettext as _

from anjian.accidents.models import Accident
from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.core.notifications import notify
from anjian.regions.levels import district_of, street_of


def _seeing(users, accident: Accident) -> list[User]:
    return [u for u in users if Accident.objects.for_user(u).filter(pk=accident.pk).exists()]


def officials_of(accident: Accident) -> list[User]:
    """The district's 应急局 (who reports up the chain and organises the investigation),
    the unit's supervising department, and the street's safety office."""
    candidates = User.objects.filter(is_active=True).filter(
        role__in=(Role.SUPERVISOR, Role.DEPARTMENT), region_id=district_of(accident.region_code)
    ) | User.objects.filter(
        is_active=True, role=Role.STREET, region_id=street_of(accident.region_code)
    )
    department = accident.enterprise.supervising_department_id if accident.enterprise_id else None
    chosen = (
        u
        for u in candidates.select_related("department", "region")
        if u.role != Role.DEPARTMENT or (department and u.department_id == department)
    )
    return _seeing(chosen, accident)


def enterprise_users(accident: Accident) -> list[User]:
    if not accident.enterprise_id:
        return []
    return list(
        User.objects.filter(enterprise_link__enterprise_id=accident.enterprise_id, is_active=True)
    )


def tell(accident: Accident, *, users, by, event: str, title: str, body: str = "") -> int:
    return notify(
        users=[u for u in users if by is None or u.pk != by.pk],
        title=title,
        body=body,
        url=accident.get_absolute_url(),
        kind="accident",
        dedupe_key=f"accident:{accident.pk}:{event}",
    )


def reported(accident: Accident, *, by) -> None:
    tell(
        accident,
        users=officials_of(accident) + enterprise_users(accident),
        by=by,
        event="report",
        title=_("事故快报：%(unit)s %(grade)s")
        % {
            "unit": accident.unit_name,
            "grade": accident.get_grade_display(),
        },
        body=_("%(place)s，死亡%(d)d人、失踪%(m)d人、重伤%(s)d人。请按时限逐级上报。")
        % {
            "place": accident.place,
            "d": accident.deaths,
            "m": accident.missing,
            "s": accident.serious_injuries,
        },
    )


def regraded(accident: Accident, *, by, previous: str, sequence: int) -> None:
    tell(
        accident,
        users=officials_of(accident),
        by=by,
        event=f"grade:{sequence}",
        title=_("事故等级变化：%(number)s %(before)s → %(after)s")
        % {
            "number": accident.number,
            "before": dict(accident._meta.get_field("grade").choices)[previous],
            "after": accident.get_grade_display(),
        },
        body=_("请按新等级确认须报告的层级和调查组织。"),
    )


def step_overdue(accident: Accident, *, level_label: str, level: str) -> int:
    return tell(
        accident,
        users=officials_of(accident),
        by=None,
        event=f"overdue:{level}",
        title=_("事故逐级上报超时：%(number)s 未报告%(level)s")
        % {
            "number": accident.number,
            "level": level_label,
        },
        body=_("请立即报告并登记报告时间；迟报将被标记。"),
    )
