"""Demo accidents: three years of a district's accident record, filed and worked through
the services so every one is graded, clocked and on its timeline.

The numbers follow a central Shanghai district of about a million people (GDP ≈ 2,600
亿元): per year some 16 road-traffic deaths, 5–7 工矿商贸 accidents with deaths (mostly
construction and trade), a fire or two, and a dozen accidents with serious injuries only;
one 较大 accident (a collapse, 3 deaths) in the first year. A few reports reach a level
late (flagged 迟报 by the clock), one is flagged 瞒报 by the bureau, some follow-ups raise
the count (a serious injury who died). Accidents older than four months are investigated,
reported, replied to and closed; those replied to over ten months ago are evaluated; the
recent ones are under investigation or still at the report stage, and one was reported
half an hour ago with the city not yet informed — for the walk-through.

Demo accidents are ``synthetic``: they are never pushed to upper-level systems.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from anjian.accidents import investigation as inv
from anjian.accidents import services
from anjian.accidents.choices import AccidentType, Category, FlagKind, Nature, Rating
from anjian.accidents.models import Accident, AccidentTransition
from anjian.enterprises.models import Enterprise
from anjian.regions.choices import RegionLevel
from anjian.regions.models import Region


@dataclass(frozen=True)
class Kind:
    category: str
    types: tuple[str, ...]
    industries: tuple[str, ...]  # registered units it happens at (none: road, public places)
    per_year: int
    deaths: tuple[int, ...]  # drawn per accident
    serious: tuple[int, ...]
    loss: tuple[int, int]  # CNY range


KINDS = (
    Kind(
        Category.ROAD,
        (AccidentType.VEHICLE,),
        (),
        15,
        (1, 1, 1, 1, 2),
        (0, 0, 1, 2),
        (20_000, 400_000),
    ),
    Kind(
        Category.CONSTRUCTION,
        (AccidentType.FALL, AccidentType.STRUCK, AccidentType.LIFTING, AccidentType.COLLAPSE),
        ("construction",),
        3,
        (1, 1, 0),
        (0, 1),
        (100_000, 2_000_000),
    ),
    Kind(
        Category.TRADE_OTHER,
        (AccidentType.MACHINERY, AccidentType.ELECTRIC, AccidentType.POISONING),
        ("machinery", "light_industry", "trade_warehousing", "commerce"),
        4,
        (1, 0, 0),
        (0, 1, 1),
        (50_000, 800_000),
    ),
    Kind(
        Category.HAZCHEM,
        (AccidentType.POISONING, AccidentType.BURN, AccidentType.VESSEL),
        ("hazchem",),
        1,
        (0, 1),
        (1, 2),
        (200_000, 3_000_000),
    ),
    Kind(
        Category.FIRE,
        (AccidentType.FIRE,),
        ("commerce", "fire_key_unit"),
        2,
        (0, 1),
        (0, 1),
        (100_000, 1_500_000),
    ),
)
PLACES = ("施工现场", "生产车间", "仓库", "装卸平台", "配电间", "地下室", "屋面")
ROADS = ("军工路", "黄兴路", "控江路", "长阳路", "周家嘴路", "国权路", "五角场环岛")
CARRIERS = ("上海某货运有限公司", "某物流公司", "社会车辆（个人）", "某公交公司", "外卖配送骑手")
SUMMARIES = {
    Category.ROAD: "{place}路口一辆重型货车右转时与非机动车发生碰撞",
    Category.CONSTRUCTION: "{unit}{place}作业人员在作业时发生{type}",
    Category.TRADE_OTHER: "{unit}{place}员工作业时发生{type}",
    Category.HAZCHEM: "{unit}{place}物料转移过程中发生{type}",
    Category.FIRE: "{unit}{place}起火，消防救援到场扑灭",
}
CAUSES = (
    "作业人员违章操作，现场安全管理缺失",
    "安全防护设施缺失，隐患排查治理不到位",
    "驾驶人未按规定让行，企业车辆动态监控不到位",
    "电气线路老化短路引燃可燃物",
)
MEASURES = (
    "开展全员安全教育培训并考核",
    "全面排查同类设备设施防护装置",
    "完善并落实作业审批和现场监护制度",
    "加装车辆右转盲区预警装置",
)
LATE_SHARE = 0.06


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def _streets(district: Region) -> list[Region]:
    return list(district.children.filter(level=RegionLevel.STREET).order_by("code"))


def _unit(rng, kind: Kind, district: Region) -> Enterprise | None:
    if not kind.industries:
        return None
    units = Enterprise.objects.filter(
        scope_region_code__startswith=district.code,
        industry__code__in=kind.industries,
        status="operating",
    ).order_by("pk")
    count = units.count()
    return units[rng.randrange(count)] if count else None


def build_demo_accidents(
    *, district: Region, by, years: int = 3, today: date | None = None, scale: float = 1.0
) -> int:
    """File ``years`` of accidents (this one to date) in ``district`` as ``by`` (its 应急局
    user); returns how many."""
    rng = random.Random(f"accidents-{district.code}")
    today = today or timezone.localdate()
    streets = _streets(district)
    if not streets:
        return 0
    filed = 0
    for year in range(today.year - years + 1, today.year + 1):
        days_in_year = (date(year, 12, 31) - date(year, 1, 1)).days + 1
        for kind in KINDS:
            for _ in range(max(1, round(kind.per_year * scale))):
                day = date(year, 1, 1) + timedelta(days=rng.randrange(days_in_year))
                if day >= today - timedelta(days=1):
                    continue
                _file(
                    rng,
                    kind,
                    district,
                    streets,
                    by,
                    _at(day, rng.randint(6, 21), rng.randrange(60)),
                    today,
                )
                filed += 1
    if scale >= 1:
        _file_collapse(rng, district, streets, by, date(today.year - years + 1, 6, 18), today)
        filed += 1
    now = timezone.now()
    kind = KINDS[2]
    services.accident_report(
        by=by,
        now=now,
        synthetic=True,
        **_report_values(rng, kind, district, streets, now - timedelta(minutes=40)),
        deaths=0,
        serious_injuries=1,
        minor_injuries=2,
    )
    return filed + 1


def _report_values(rng, kind: Kind, district, streets, occurred_at) -> dict:
    unit = _unit(rng, kind, district)
    kind_type = rng.choice(kind.types)
    place = rng.choice(ROADS) if kind.category == Category.ROAD else rng.choice(PLACES)
    name = unit.name if unit else rng.choice(CARRIERS)
    return {
        "enterprise": unit.pk if unit else None,
        "region": unit.street_id if unit else rng.choice(streets).code,
        "unit_name": name,
        "occurred_at": occurred_at,
        "known_at": occurred_at + timedelta(minutes=rng.randint(3, 25)),
        "place": place,
        "accident_type": kind_type,
        "category": kind.category,
        "summary": SUMMARIES[kind.category].format(
            place=place, unit=name if unit else "", type=AccidentType(kind_type).label
        ),
        "measures_taken": "立即组织救援，伤者送医，现场已封闭保护",
        "direct_loss": rng.randint(*kind.loss) // 1000 * 1000,
    }


def _file(rng, kind: Kind, district, streets, by, occurred_at: datetime, today: date) -> Accident:
    values = _report_values(rng, kind, district, streets, occurred_at)
    deaths = rng.choice(kind.deaths)
    serious = rng.choice(kind.serious)
    if deaths == 0 and serious == 0:
        serious = 1
    late = rng.random() < LATE_SHARE
    reported_at = values["known_at"] + timedelta(minutes=rng.randint(20, 55))
    if late:
        reported_at += timedelta(hours=rng.randint(1, 3))
    accident = services.accident_report(
        by=by,
        now=reported_at,
        synthetic=True,
        deaths=deaths,
        serious_injuries=serious,
        minor_injuries=rng.randint(0, 3),
        **values,
    )
    return _work_through(rng, accident, by, reported_at, today, died_later=rng.random() < 0.15)


def _file_collapse(rng, district, streets, by, day: date, today: date) -> Accident:
    kind = KINDS[1]
    values = _report_values(rng, kind, district, streets, _at(day, 10, 20))
    values["accident_type"] = AccidentType.COLLAPSE
    values["summary"] = f"{values['unit_name']}基坑支护结构局部坍塌，多名作业人员被埋压"
    values["direct_loss"] = 12_600_000
    reported_at = values["known_at"] + timedelta(minutes=35)
    accident = services.accident_report(
        by=by,
        now=reported_at,
        synthetic=True,
        deaths=2,
        missing=1,
        serious_injuries=3,
        **values,
    )
    accident = services.accident_follow_up(
        by=by,
        accident_id=accident.pk,
        expected_version=accident.version,
        content="失踪人员已找到，经抢救无效死亡；搜救结束",
        reason="失踪人员转为死亡",
        now=reported_at + timedelta(hours=9),
        deaths=3,
        missing=0,
    )
    return _work_through(rng, accident, by, reported_at, today, died_later=False)


def _work_through(rng, accident: Accident, by, reported_at: datetime, today: date, *, died_later):
    for step in accident.steps.filter(informed_at__isnull=True, required=True).order_by("due_at"):
        informed_at = step.due_at - timedelta(minutes=rng.randint(10, 80))
        if rng.random() < LATE_SHARE:
            informed_at = step.due_at + timedelta(minutes=rng.randint(15, 120))
        services.accident_inform(
            by=by,
            accident_id=accident.pk,
            level=step.level,
            informed_at=max(informed_at, accident.known_at),
            recipient=f"{step.get_level_display()}值班室",
            channel="电话+系统直报",
            now=reported_at + timedelta(hours=8),
        )
    accident.refresh_from_db()
    if died_later:
        accident = services.accident_follow_up(
            by=by,
            accident_id=accident.pk,
            expected_version=accident.version,
            content="一名重伤人员经抢救无效死亡",
            now=reported_at + timedelta(days=2),
            deaths=accident.deaths + 1,
            serious_injuries=max(0, accident.serious_injuries - 1),
            reason="重伤人员死亡" if accident.serious_injuries else "",
        )
    occurred_on = timezone.localtime(accident.occurred_at).date()
    age = (today - occurred_on).days
    if age < 20:
        return accident
    started_on = occurred_on + timedelta(days=1)
    accident = inv.investigation_start(
        by=by,
        accident_id=accident.pk,
        expected_version=accident.version,
        leader="区应急局副局长",
        members="区应急局 2人\n区公安分局 1人\n区总工会 1人\n行业主管部门 1人",
        started_on=started_on,
    )
    if age < 120:
        return accident
    submitted = occurred_on + timedelta(days=rng.randint(22, 29))
    replied = submitted + timedelta(days=rng.randint(5, 14))
    inv.investigation_update(
        by=by,
        accident_id=accident.pk,
        expected_version=accident.investigation.version,
        data={
            "submitted_on": submitted,
            "cause": rng.choice(CAUSES),
            "nature": Nature.LIABILITY,
            "findings": "经调查认定，该起事故是一起生产安全责任事故。",
            "replied_on": replied,
        },
    )
    inv.responsibility_add(
        by=by,
        accident_id=accident.pk,
        party=accident.unit_name,
        is_person=False,
        finding="未落实安全生产主体责任，对事故发生负有责任",
        handling="由区应急局依法实施行政处罚",
        fine=rng.choice((300_000, 400_000, 500_000)),
    )
    measures = [
        inv.measure_add(
            by=by,
            accident_id=accident.pk,
            description=text,
            responsible=accident.unit_name,
            due_on=replied + timedelta(days=60),
        )
        for text in rng.sample(MEASURES, 2)
    ]
    accident.refresh_from_db()
    for measure in measures:
        if measure.due_on < today:
            inv.measure_done(
                by=by,
                measure_id=measure.pk,
                done_on=measure.due_on - timedelta(days=rng.randint(1, 20)),
                done_note="经现场核查已落实",
            )
    accident.refresh_from_db()
    accident = inv.accident_close(by=by, accident_id=accident.pk, expected_version=accident.version)
    _date_transition(accident, "investigate", started_on)
    _date_transition(accident, "close", replied)
    if (today - replied).days > 300:
        evaluated_on = replied + timedelta(days=rng.randint(300, 360))
        evaluated_on = min(evaluated_on, today)
        accident = inv.accident_evaluate(
            by=by,
            accident_id=accident.pk,
            expected_version=accident.version,
            rating=rng.choice((Rating.IMPLEMENTED, Rating.IMPLEMENTED, Rating.MOSTLY)),
            conclusion="整改措施已按调查报告要求落实，同类隐患已排查整治",
            evaluated_on=evaluated_on,
        )
        _date_transition(accident, "evaluate", evaluated_on)
    return accident


def _date_transition(accident: Accident, action: str, day: date) -> None:
    """The demo's timeline reads as if each step was taken on its day (it was built now)."""
    AccidentTransition.objects.filter(accident=accident, action=action).update(at=_at(day, 15))


def flag_demo_concealment(*, district: Region, by) -> None:
    """The bureau's one finding of 瞒报 in the demo, with its reason."""
    accident = (
        Accident.objects.filter(region_code__startswith=district.code, deaths__gt=0)
        .exclude(flags__kind=FlagKind.CONCEALED)
        .order_by("occurred_at")
        .first()
    )
    if accident is None:
        return
    services.accident_flag(
        by=by,
        accident_id=accident.pk,
        kind=FlagKind.CONCEALED,
        reason="经群众举报和医院就诊记录核实，事故单位隐瞒一名重伤人员未报告",
    )
