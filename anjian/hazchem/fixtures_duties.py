"""Demo 包保责任 (synthetic): the three holders of the demo's major hazard sources and their
checks over the past months, entered through ``services_duties`` as the enterprises would
have entered them — by the enterprise's own account where it has one, otherwise by the
district's 应急局 from the paper records — so 包保履职 shows a realistic mix.

Each source gets a profile by its place in the list (``PROFILES``, in turn):

- ``diligent``: every role named; a check every week and every quarter;
- ``patchy``: every role named; about three weeks in four checked;
- ``late``: every role named; the 技术负责人 skipped last quarter;
- ``no_operator``: no 操作负责人 named (the figure counts the role's weeks all the same);
- ``lax``: no 主要负责人 named; about two weeks in five checked, no quarterly check.

Holders began 100–200 days ago (so last quarter and this one are owed); one 操作负责人 was
replaced two months ago (the history shows both terms). The 技术负责人 of an enterprise that
has a platform account is that account (the page shows it; the holder was told). Principals
check now and then although no frequency is fixed. A second run adds nothing.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from anjian.enterprises.models import EnterpriseUser
from anjian.hazchem import services_duties
from anjian.hazchem.choices import DutyRole, SourceState
from anjian.hazchem.duty_periods import DutyPeriod, period_of
from anjian.hazchem.models import SourceDuty

PROFILES = ("diligent", "patchy", "late", "no_operator", "lax", "diligent", "patchy")
WEEKLY = {"diligent": 1.0, "patchy": 0.75, "late": 0.9, "no_operator": 0.0, "lax": 0.4}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = (
    "建华",
    "志强",
    "海涛",
    "丽娟",
    "俊杰",
    "晓明",
    "文斌",
    "国平",
    "秀英",
    "红梅",
    "振宇",
    "立新",
)
POSITIONS = {
    DutyRole.PRINCIPAL: ("总经理", "董事长", "厂长"),
    DutyRole.TECHNICAL: ("分管安全副总经理", "技术部经理", "设备部经理"),
    DutyRole.OPERATIONAL: ("车间主任", "储运部经理", "罐区班长"),
}
FINDINGS = (
    ("检查储罐液位、压力、温度监测及高低位报警运行正常，现场巡检记录齐全。", 0),
    ("检查可燃、有毒气体探测器显示正常，消防器材在有效期内，未发现隐患。", 0),
    ("抽查岗位操作规程执行情况和交接班记录，作业人员持证上岗。", 0),
    ("发现罐区1台可燃气体探测器零点漂移，已通知仪表班校准。", 1),
    ("发现防火堤排水阀未关闭，已当场关闭并对当班人员进行教育。", 1),
    ("检查紧急切断阀、安全阀校验标签，均在校验有效期内。", 0),
)
TECHNICAL_FINDINGS = (
    "组织针对性隐患排查：安全仪表系统联锁投用率100%，旁路审批记录完整。",
    "季度专项排查：重大危险源监测预警数据上传正常，应急物资配备到位。",
)


@dataclass
class BuiltDuties:
    duties: int = 0
    checks: int = 0


def build_demo_duties(*, sources, official, seed: int = 2026, today: date | None = None):
    """Holders and checks for ``sources`` (the demo's major hazard sources), entered by each
    enterprise's account or by ``official`` (the district's 应急局). Sources that already
    have a holder are left alone."""
    today = today or timezone.localdate()
    rng = random.Random(seed)
    built = BuiltDuties()
    chosen = sorted(sources, key=lambda source: source.number)
    taken = set(SourceDuty.objects.filter(source__in=chosen).values_list("source_id", flat=True))
    accounts = _accounts(chosen)
    with transaction.atomic():
        for index, source in enumerate(chosen):
            if source.pk in taken or source.state == SourceState.CLOSED:
                continue
            profile = PROFILES[index % len(PROFILES)]
            account = accounts.get(source.enterprise_id)
            by = account or official
            since = today - timedelta(days=rng.randint(100, 200))
            holders = _name_holders(
                by, source, profile, since=since, account=account, rng=rng, today=today
            )
            if index == 1 and DutyRole.OPERATIONAL in holders:
                holders[DutyRole.OPERATIONAL + "_next"] = _replace(
                    by, source, holders[DutyRole.OPERATIONAL], today - timedelta(days=60), rng
                )
            built.duties += len(holders)
            built.checks += _checks(by, source, profile, holders, rng=rng, today=today)
    return built


def _accounts(sources) -> dict:
    links = EnterpriseUser.objects.filter(
        enterprise_id__in={source.enterprise_id for source in sources}, user__is_active=True
    )
    found: dict = {}
    for link in links.select_related("user").order_by("pk"):
        found.setdefault(link.enterprise_id, link.user)
    return found


def _person(rng: random.Random) -> tuple[str, str]:
    name = rng.choice(SURNAMES) + rng.choice(GIVEN)
    return name, f"13{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}"


def _name_holders(by, source, profile, *, since, account, rng, today) -> dict:
    missing = {"no_operator": DutyRole.OPERATIONAL, "lax": DutyRole.PRINCIPAL}.get(profile)
    holders = {}
    for role in DutyRole.values:
        if role == missing:
            continue
        name, phone = _person(rng)
        user = None
        if role == DutyRole.TECHNICAL and account is not None:
            name, user = account.name or name, account.pk
        holders[role] = services_duties.duty_assign(
            by,
            source_id=source.pk,
            role=role,
            replaces=None,
            data={
                "name": name,
                "position": rng.choice(POSITIONS[role]),
                "phone": phone,
                "user": user,
                "since": since,
            },
        )
    return holders


def _replace(by, source, current, day: date, rng) -> SourceDuty:
    name, phone = _person(rng)
    return services_duties.duty_assign(
        by,
        source_id=source.pk,
        role=current.role,
        replaces=current.pk,
        data={
            "name": name,
            "position": rng.choice(POSITIONS[current.role]),
            "phone": phone,
            "since": day,
        },
    )


def _row(duty, day: date, text: str, hazards: int) -> dict:
    return {"duty": duty.pk, "checked_on": day, "findings": text, "hazards_found": hazards}


def _holder_on(holders: dict, role: str, day: date):
    """The holder of ``role`` on ``day`` (the replacement from its first day)."""
    later = holders.get(role + "_next")
    if later is not None and day >= later.since:
        return later
    duty = holders.get(role)
    return duty if duty is not None and day >= duty.since else None


def _checks(by, source, profile, holders, *, rng, today) -> int:
    """The source's checks, entered in one go (``services_duties.checks_record``)."""
    rows = []
    first = min(duty.since for duty in holders.values())
    # 操作负责人: weekly, on a weekday of the week (not after today).
    week = period_of(DutyPeriod.WEEK, first)
    while week.start <= today:
        day = min(week.start + timedelta(days=rng.randint(0, 4)), today)
        duty = _holder_on(holders, DutyRole.OPERATIONAL, day)
        if duty is not None and rng.random() < WEEKLY[profile]:
            text, hazards = rng.choice(FINDINGS)
            rows.append(_row(duty, day, text, hazards))
        week = period_of(DutyPeriod.WEEK, week.end + timedelta(days=1))
    # 技术负责人: once a quarter, mid-quarter (not last quarter for ``late``; never ``lax``).
    quarter = period_of(DutyPeriod.QUARTER, first)
    current = period_of(DutyPeriod.QUARTER, today)
    while quarter.start <= today:
        day = min(quarter.start + timedelta(days=rng.randint(20, 60)), today)
        skipped = profile == "lax" or (profile == "late" and quarter.end < current.start)
        duty = _holder_on(holders, DutyRole.TECHNICAL, day)
        if duty is not None and not skipped:
            rows.append(_row(duty, day, rng.choice(TECHNICAL_FINDINGS), 0))
        quarter = period_of(DutyPeriod.QUARTER, quarter.end + timedelta(days=1))
    # 主要负责人: now and then.
    principal = holders.get(DutyRole.PRINCIPAL)
    if principal is not None:
        day = min(principal.since + timedelta(days=rng.randint(30, 90)), today)
        rows.append(_row(principal, day, "带队检查重大危险源包保责任落实情况。", 0))
    return len(services_duties.checks_record(by, source_id=source.pk, rows=rows))
