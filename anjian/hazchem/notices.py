"""Who is told what about major hazard sources, once per event (the dedupe key), never the
person who acted. The services queue them after the commit (``transaction.on_commit``).

- sources identified: their enterprise's users (file within 15 days) and the officials
  who may accept their filing (their district and above, whose scope sees them), one
  notice per person for the sources one evaluation or bulk re-evaluation opened;
- a source filed or closed: its enterprise's users.
"""

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.core.notifications import notify
from anjian.hazchem import permissions as perms
from anjian.hazchem.choices import SourceState
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


def _officials(region_codes) -> list[User]:
    """Officials of those regions whose role files sources."""
    candidates = User.objects.filter(
        is_active=True,
        role__in=(Role.ADMIN, Role.SUPERVISOR, Role.DEPARTMENT),
        region_id__in=region_codes,
    ).select_related("department", "region")
    return [user for user in candidates if user.can(perms.SOURCE_FILE)]


def _source(source_id: int) -> MajorHazardSource:
    return MajorHazardSource.objects.select_related("unit", "enterprise").get(pk=source_id)


NAMED_FIELDS = (
    "number",
    "grade",
    "identified_on",
    "filing_due_on",
    "scope_region_code",
    "enterprise__name",
    "unit__name",
)


def _named(source: MajorHazardSource) -> dict:
    return {
        "unit": source.unit.name,
        "enterprise": source.enterprise.name,
        "grade": source.get_grade_display(),
        "number": source.number,
    }


def sources_identified(source_ids: list[int], *, by_id: int | None = None) -> int:
    """Sources just identified: each enterprise is told once about its own, each official
    who may accept their filing once about those in their scope — a bulk re-evaluation
    that opens hundreds of sources sends one notice per person, not one per source."""
    sources = list(
        MajorHazardSource.objects.filter(pk__in=source_ids)
        .select_related("unit", "enterprise")
        .only(*NAMED_FIELDS)  # not the enterprise's wide row: thousands in a bulk run
        .order_by("pk")
    )
    if not sources:
        return 0
    by_enterprise: dict[int, list[MajorHazardSource]] = defaultdict(list)
    for source in sources:
        by_enterprise[source.enterprise_id].append(source)
    staff: dict[int, list[User]] = defaultdict(list)
    for user in User.objects.filter(
        enterprise_link__enterprise_id__in=by_enterprise, is_active=True
    ).select_related("enterprise_link"):
        staff[user.enterprise_link.enterprise_id].append(user)
    sent = 0
    for enterprise_id, group in by_enterprise.items():
        if staff[enterprise_id]:
            sent += _tell(staff[enterprise_id], by_id=by_id, **_identified(group))
    districts = {district_of(source.scope_region_code) for source in sources}
    for official in _officials({code for d in districts for code in ancestor_codes(d)}):
        seen = set(
            MajorHazardSource.objects.for_user(official)
            .filter(pk__in=[source.pk for source in sources])
            .values_list("pk", flat=True)
        )
        group = [source for source in sources if source.pk in seen]
        if group:
            sent += _tell([official], by_id=by_id, **_identified(group))
    return sent


def _identified(group: list[MajorHazardSource]) -> dict:
    """The notice about ``group`` (sorted by id): one source as itself, several as a list."""
    first = group[0]
    if len(group) == 1:
        due = first.filing_due_on.isoformat() if first.filing_due_on else "—"
        return {
            "key": f"source:{first.pk}:identified:{first.identified_on.isoformat()}",
            "title": _("辨识为%(grade)s重大危险源：%(enterprise)s %(unit)s") % _named(first),
            "body": _("编号%(number)s；请于%(due)s前报应急管理部门备案。")
            % {"number": first.number, "due": due},
            "url": first.get_absolute_url(),
        }
    ids = ",".join(str(source.pk) for source in group)
    digest = hashlib.sha256(ids.encode()).hexdigest()[:24]
    shown = [_("%(number)s %(enterprise)s %(unit)s（%(grade)s）") % _named(s) for s in group[:20]]
    if len(group) > len(shown):
        shown.append(_("等共%(n)d处") % {"n": len(group)})
    return {
        "key": f"sources:identified:{first.identified_on.isoformat()}:{digest}",
        "title": _("%(n)d处单元辨识为重大危险源，待备案") % {"n": len(group)},
        "body": _("请于辨识之日起%(days)d日内报应急管理部门备案：")
        % {"days": (first.filing_due_on - first.identified_on).days}
        + "；".join(shown),
        "url": reverse("hazchem:source_list") + "?" + urlencode({"state": SourceState.IDENTIFIED}),
    }


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
