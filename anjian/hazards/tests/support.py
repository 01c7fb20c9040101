"""Helpers shared by the write-side tests: run a transition with valid input, and prove
that a refused write changed nothing (hazard row, timeline, photos, stored files, tally)."""

from pathlib import Path

from anjian.hazards import services
from anjian.hazards.choices import Grade
from anjian.hazards.models import (
    COUNTERS,
    DuplicateCandidate,
    Hazard,
    HazardPhoto,
    HazardTally,
    HazardTransition,
    StandardClause,
    StandardDocument,
)
from anjian.hazards.tests.factories import photo, register_data

SERVICES = {
    "register": services.hazard_register,
    "start": services.hazard_start,
    "submit": services.hazard_submit,
    "accept": services.hazard_accept,
    "reject": services.hazard_reject,
    "close_on_spot": services.hazard_close_on_spot,
    "void": services.hazard_void,
}


def valid_input(name: str, grade: str = Grade.GENERAL) -> dict:
    """Arguments with which ``name`` succeeds whenever the lifecycle allows it."""
    if name == "register":
        return register_data(grade)
    if name == "submit":
        return {"rectification_note": "已更换门锁", "photos": [photo("整改后.jpg", (40, 160, 60))]}
    if name == "accept":
        return {"acceptance_note": "验收合格"}
    if name == "reject":
        return {"reason": "门锁未更换"}
    if name == "close_on_spot":
        return {
            "rectification_note": "现场关闭配电箱门并上锁",
            "after_photos": [photo("整改后.jpg", (40, 160, 60))],
        }
    if name == "void":
        return {"reason": "误报"}
    return {}


def run(name: str, *, by, hazard, expected_version=None, grade=Grade.GENERAL, **overrides):
    """Run the transition ``name`` on ``hazard`` as ``by`` with valid input (or overrides)."""
    data = valid_input(name, grade)
    data.update(overrides)
    return SERVICES[name](by=by, hazard_id=hazard.pk, expected_version=expected_version, **data)


def stored(hazard) -> dict:
    """What the database holds about one hazard, to compare before and after a refusal."""
    row = Hazard.objects.filter(pk=hazard.pk).values().get()
    row.pop("updated_at")
    return {
        "row": row,
        "transitions": HazardTransition.objects.filter(hazard_id=hazard.pk).count(),
        "photos": HazardPhoto.objects.filter(hazard_id=hazard.pk).count(),
        "clauses": sorted(Hazard.objects.get(pk=hazard.pk).clauses.values_list("pk", flat=True)),
    }


def tally_rows() -> dict:
    """The tally, counters per (region code, industry, month) — compared by key, not id."""
    return {
        (row.pop("scope_region_code"), row.pop("industry_id"), row.pop("month")): row
        for row in HazardTally.objects.values(
            "scope_region_code", "industry_id", "month", *COUNTERS
        )
    }


def files_in(media: Path) -> int:
    return sum(1 for path in Path(media).rglob("*") if path.is_file())


def ledger(media: Path) -> dict:
    """Row counts of the whole ledger plus the stored photo files and the tally."""
    return {
        "hazards": Hazard.objects.count(),
        "photos": HazardPhoto.objects.count(),
        "transitions": HazardTransition.objects.count(),
        "duplicates": DuplicateCandidate.objects.count(),
        "files": files_in(media),
        "tally": tally_rows(),
    }


def messages(error, field: str) -> list[str]:
    return [str(m) for m in error.message_dict.get(field, [])]


def major_clause(code: str = "HG-02") -> StandardClause:
    """A clause of the chemical major-hazard standard (matching it makes a hazard 重大)."""
    document, _created = StandardDocument.objects.get_or_create(
        code="安监总管三〔2017〕121号",
        defaults={
            "title": "化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）",
            "edition": "2017",
            "domain": "chemical",
        },
    )
    clause, _created = StandardClause.objects.get_or_create(
        document=document,
        code=code,
        defaults={"text": "特种作业人员未持证上岗", "article": "第二项"},
    )
    return clause


def rectifier_of(enterprise):
    """A user of ``enterprise`` on the rectifying side — the side that asks for more time
    (``lifecycle.on_rectifying_side``): the world's enterprise manager for the chemical
    company, a safety manager made once for any other enterprise."""
    from anjian.accounts.models import User
    from anjian.accounts.roles import Role
    from anjian.enterprises.services import enterprise_link_user
    from testsupport import world

    user = (
        User.objects.filter(
            enterprise_link__enterprise=enterprise, role=Role.ENTERPRISE, is_active=True
        )
        .order_by("pk")
        .first()
    )
    if user is None:
        user = User.objects.create(
            username=f"manager_{enterprise.pk}", name="安全管理员", role=Role.ENTERPRISE
        )
        enterprise_link_user(
            by=world.actor("admin"), enterprise=enterprise, user=user, position="safety_manager"
        )
    return user


def make_overdue(hazard, days: int = 3):
    """Time passes: the hazard's deadline now lies ``days`` behind us. Moving the deadline
    stands in for moving the clock, so the open-deadline summaries move with it."""
    from datetime import timedelta

    from django.utils import timezone

    from anjian.hazards import tally

    hazard = Hazard.objects.get(pk=hazard.pk)
    share = tally.contribution(hazard)
    hazard.deadline = timezone.localdate() - timedelta(days=days)
    Hazard.objects.filter(pk=hazard.pk).update(deadline=hazard.deadline)
    tally.apply(share, tally.contribution(hazard))
    return hazard
