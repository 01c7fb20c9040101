"""Who is told what about major hazard sources, once per event (the dedupe key), never the
person who acted. The services queue them after the commit (``transaction.on_commit``).

- a source identified: its enterprise's users (file it within 15 days) and the officials
  who may accept its filing (its district and above, whose scope sees it);
- a source filed or closed: its enterprise's users.
"""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.core.notifications import notify
from anjian.hazchem import permissions as perms
from anjian.hazchem.models import MajorHazardSource
from anjian.regions.levels import ancestor_codes, district_of

KIND = "hazchem"


def _tell(users: Iterable[User], *, by_id: int | None, key: str, title: str, body: str, url: str):
    chosen = {user.pk: user for user in users if user is not None and user.pk != by_id}
    return notify(users=chosen.values(), title=title, body=body, url=url, kind=KIND, dedupe_key=key)


def enterprise_users(source: MajorHazardSource) -> list[User]:
    return list(
        User.objects.filter(enterprise_link__enterprise_id=source.enterprise_id, is_active=True)
    )


def filing_officials(source: MajorHazardSource) -> list[User]:
    """Who may accept the source's filing: officials of its district or above whose role
    files sources and whose scope sees it."""
    candidates = User.objects.filter(
        is_active=True,
        role__in=(Role.ADMIN, Role.SUPERVISOR, Role.DEPARTMENT),
        region_id__in=ancestor_codes(district_of(source.scope_region_code)),
    ).select_related("department", "region")
    return [
        user
        for user in candidates
        if user.can(perms.SOURCE_FILE)
        and MajorHazardSource.objects.for_user(user).filter(pk=source.pk).exists()
    ]


def _source(source_id: int) -> MajorHazardSource:
    return MajorHazardSource.objects.select_related("unit", "enterprise").get(pk=source_id)


def _named(source: MajorHazardSource) -> dict:
    return {
        "unit": source.unit.name,
        "enterprise": source.enterprise.name,
        "grade": source.get_grade_display(),
        "number": source.number,
    }


def source_identified(source_id: int, *, by_id: int | None = None) -> int:
    source = _source(source_id)
    due = source.filing_due_on.isoformat() if source.filing_due_on else "—"
    return _tell(
        [*enterprise_users(source), *filing_officials(source)],
        by_id=by_id,
        key=f"source:{source.pk}:identified:{source.identified_on.isoformat()}",
        title=_("辨识为%(grade)s重大危险源：%(enterprise)s %(unit)s") % _named(source),
        body=_("编号%(number)s；请于%(due)s前报应急管理部门备案。")
        % {"number": source.number, "due": due},
        url=source.get_absolute_url(),
    )


def source_filed(source_id: int, *, by_id: int) -> int:
    source = _source(source_id)
    return _tell(
        enterprise_users(source),
        by_id=by_id,
        key=f"source:{source.pk}:filed:{source.version}",
        title=_("重大危险源已备案：%(unit)s（%(grade)s）") % _named(source),
        body=_("备案编号%(no)s，备案日期%(on)s；下次评估期限%(due)s。")
        % {
            "no": source.filing_number,
            "on": source.filed_on.isoformat(),
            "due": source.assessment_due_on.isoformat(),
        },
        url=source.get_absolute_url(),
    )


def source_closed(source_id: int, *, by_id: int, reason: str) -> int:
    source = _source(source_id)
    return _tell(
        enterprise_users(source),
        by_id=by_id,
        key=f"source:{source.pk}:closed:{source.version}",
        title=_("重大危险源已核销：%(unit)s") % _named(source),
        body=reason,
        url=source.get_absolute_url(),
    )
