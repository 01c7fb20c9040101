"""Demo 应急准备与处置 (synthetic), built through the services as the demo district's
officials and units would have entered it, with a little for the neighbour district:

- plans (``fixtures_plans``): the district's 总体, 专项 and 部门 plans and the demo units'
  综合/专项/现场处置方案, at every state of filing;
- drills (here): a year of government and unit drills, most held and evaluated with scores
  and problems (some done, some open, one overdue), a few planned ahead, one cancelled; a
  few units miss the on-site drill of the last half-year, so 演练完成率 is below 100 %;
- resources (``fixtures_resources``): teams with members, warehouses at each storage level
  with stock and its ledger, equipment, shelters, experts;
- incidents (``fixtures_incidents``): two closed and reviewed with full command logs, one
  being responded to now.

``build_demo_emergency`` leaves a district that already has demo plans alone.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from anjian.emergency import fixtures_incidents, fixtures_resources
from anjian.emergency import services_drills as drills
from anjian.emergency.choices import DrillForm, DrillKind, OwnerKind, PlanType
from anjian.emergency.fixtures_plans import Clock, at_day, build_plans, demo_units, hazard_of
from anjian.emergency.models import Drill, DrillEvaluation, DrillTransition, EmergencyPlan

BEHIND = (1, 5, 8)  # the units (by position) that miss the last half-year's on-site drill
PROBLEMS = (
    ("警戒区只按固定半径设置，未考虑下风向", "修订警戒疏散方案，按风向划定警戒区", "安全管理部"),
    ("应急广播部分区域听不清", "更换应急广播扬声器并逐区测试", "行政后勤部"),
    ("个别员工不会正确佩戴空气呼吸器", "组织全员空气呼吸器佩戴培训并考核", "安全管理部"),
    ("接警后20分钟才向上级报告，超过规定时限", "修订值班接报流程，明确10分钟内报告", "值班室"),
    ("应急物资柜内吸附棉数量不足", "补充应急物资，建立月度检查制度", "仓储部"),
    ("疏散通道被货物占用", "清理疏散通道，设置禁止堆放标识", "仓储部"),
    ("现场指挥部与街道的通信联络不畅", "配备对讲机并统一应急通信频道", "区应急局"),
)
RECORD = "按{plan}启动响应，开展接警报告、警戒疏散、初期处置、医疗救护等科目，用时{minutes}分钟。"


@dataclass
class Built:
    """What the demo built (for the command's summary and the tests)."""

    units: list = field(default_factory=list)
    plans: dict = field(default_factory=dict)
    drills: list = field(default_factory=list)
    resources: dict = field(default_factory=dict)
    incidents: dict = field(default_factory=dict)


def build_demo_emergency(
    *,
    district,
    official,
    city,
    department_official=None,
    unit_user=None,
    neighbour=None,
    neighbour_official=None,
    today: date | None = None,
    progress=None,
) -> Built:
    """Build the demo of 应急准备与处置 in ``district`` as ``official`` (its 应急局) with
    ``department_official`` (its 建管委), ``city`` (who files the district's own plans
    and enters the plans of units without an account) and ``unit_user`` (a unit's
    account, its unit first among the demo's units); the neighbour district's few records
    as ``neighbour_official``. ``progress()`` is called after each of the four parts."""
    if EmergencyPlan.objects.filter(
        scope_region_code__startswith=district.code, synthetic=True
    ).exists():
        return Built()
    today = today or timezone.localdate()
    tick = progress or (lambda: None)
    built = Built(units=demo_units(district, unit_user))
    with transaction.atomic():
        built.resources = fixtures_resources.build_resources(
            district=district,
            official=official,
            department_official=department_official,
            units=built.units,
            neighbour=neighbour,
            neighbour_official=neighbour_official,
            today=today,
        )
        tick()
        built.plans = build_plans(
            district=district,
            official=official,
            city=city,
            units=built.units,
            today=today,
            department_official=department_official,
            neighbour=neighbour,
            neighbour_official=neighbour_official,
        )
        tick()
        built.drills = build_drills(
            district=district,
            official=official,
            city=city,
            department_official=department_official,
            units=built.units,
            made=built.plans,
            today=today,
            neighbour_official=neighbour_official,
        )
        tick()
        built.incidents = fixtures_incidents.build_incidents(
            district=district,
            official=official,
            plans=built.plans,
            resources=built.resources,
            units=built.units,
            today=today,
        )
        tick()
    return built


# --- drills ----------------------------------------------------------------------------------


def half_years(today: date) -> tuple[tuple[date, date], tuple[date, date]]:
    """The last half-year that has ended and the one running."""
    if today.month > 6:
        return (date(today.year, 1, 1), date(today.year, 6, 30)), (
            date(today.year, 7, 1),
            date(today.year, 12, 31),
        )
    return (date(today.year - 1, 7, 1), date(today.year - 1, 12, 31)), (
        date(today.year, 1, 1),
        date(today.year, 6, 30),
    )


class _Drills:
    """Creates, holds, evaluates and closes the problems of the demo's drills, each step on
    its day (``clock``). One problem past its deadline is left open: the overdue task."""

    def __init__(self, today: date, rng: random.Random):
        self.today, self.rng, self.clock = today, rng, Clock()
        self.made: list[Drill] = []
        self.overdue_left = False

    def drill(
        self,
        by,
        owner: dict,
        *,
        title,
        kind,
        form,
        plan,
        scenario,
        place,
        on: date,
        held: bool = True,
        revise: bool = False,
    ) -> Drill:
        """A drill planned for ``on``; held that day if ``held`` and ``on`` has passed,
        evaluated three days later when that has passed too."""
        self.clock.at(min(on - timedelta(days=30), self.today))
        drill = drills.drill_create(
            by,
            data={
                **owner,
                "title": title,
                "kind": kind,
                "form": form,
                "plan": plan.pk if plan else None,
                "scenario": scenario,
                "planned_on": on,
                "place": place,
            },
            synthetic=True,
        )
        self.made.append(drill)
        if not held or on > self.today:
            return drill
        self.clock.at(at_day(on, 16))
        drills.drill_hold(
            by,
            drill_id=drill.pk,
            expected_version=None,
            held_on=on,
            participants=self.rng.randint(12, 80),
            record=RECORD.format(
                plan=f"《{plan.title}》" if plan else "演练方案", minutes=self.rng.randint(25, 90)
            ),
        )
        evaluated_on = on + timedelta(days=3)
        if evaluated_on <= self.today:
            self._evaluate(by, drill, evaluated_on, revise, unit=owner.get("enterprise"))
        return drill

    def _evaluate(self, by, drill, evaluated_on: date, revise: bool, unit) -> None:
        found = self.rng.sample(PROBLEMS, self.rng.choice((0, 1, 1, 2)) or (1 if revise else 0))
        self.clock.at(evaluated_on)
        drills.drill_evaluate(
            by,
            drill_id=drill.pk,
            expected_version=None,
            score=self.rng.randint(72, 95) - 5 * len(found),
            evaluators="单位安全管理部、外聘专家" if unit else "区应急局专家组",
            evaluated_on=evaluated_on,
            summary="演练达到预期目的，响应程序基本顺畅，参演人员熟悉职责"
            + ("；发现的问题已列入整改。" if found else "。"),
            plan_needs_revision=revise,
            problems=[
                {
                    "description": description,
                    "improvement": improvement,
                    "responsible": responsible,
                    "due_on": evaluated_on + timedelta(days=30 * (number + 1)),
                }
                for number, (description, improvement, responsible) in enumerate(found)
            ],
        )
        for problem in drill.problems.order_by("due_on", "pk"):
            if problem.due_on >= self.today:
                continue  # still running
            if not self.overdue_left:
                self.overdue_left = True
                continue  # the one overdue improvement task
            done_on = max(evaluated_on, problem.due_on - timedelta(days=self.rng.randint(1, 12)))
            self.clock.at(done_on)
            drills.drill_problem_done(
                by,
                problem_id=problem.pk,
                expected_version=None,
                done_on=done_on,
                note="已完成整改，经复查合格",
            )

    def settle(self) -> None:
        ids = [drill.pk for drill in self.made]
        self.clock.settle(
            (DrillTransition.objects.filter(drill_id__in=ids), ("at",)),
            (DrillEvaluation.objects.filter(drill_id__in=ids), ("at",)),
        )


def _day_in(rng, first: date, last: date) -> date | None:
    if last < first:
        return None
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def build_drills(
    *,
    district,
    official,
    city,
    units,
    made,
    today,
    department_official=None,
    neighbour_official=None,
) -> list[Drill]:
    """The drills (see the module's docstring); a unit without an account has its drills
    entered by ``city``, as its plans were."""
    rng = random.Random(f"drills-{district.code}")
    work = _Drills(today, rng)
    ended, running = half_years(today)
    government = {"owner_kind": OwnerKind.GOVERNMENT, "region": district.code}
    name = district.name
    work.drill(
        official,
        government,
        title=f"{name}突发事件综合应急演练（桌面推演）",
        kind=DrillKind.COMPREHENSIVE,
        form=DrillForm.TABLETOP,
        plan=made["overall"],
        scenario="模拟台风期间化工仓库火灾并发大面积停电，检验区级指挥协调",
        place="区应急指挥中心",
        on=ended[0] + timedelta(days=60),
    )
    may = date(today.year if today >= date(today.year, 6, 5) else today.year - 1, 5, 28)
    work.drill(
        official,
        government,
        title=f"{name}防汛防台专项应急演练",
        kind=DrillKind.SPECIAL,
        form=DrillForm.ACTUAL,
        plan=made["flood"],
        scenario="模拟暴雨橙色预警下，下立交积水、老旧小区进水，转移安置居民",
        place="军工路下立交及周边小区",
        on=may,
        revise=True,
    )
    work.drill(
        official,
        government,
        title=f"{name}危险化学品事故专项应急演练",
        kind=DrillKind.SPECIAL,
        form=DrillForm.ACTUAL,
        plan=made["hazchem"],
        scenario="模拟危险化学品仓库桶装溶剂泄漏起火，检验侦检、堵漏、疏散和环境监测",
        place="殷行街道某化学品仓库",
        on=max(today - timedelta(days=60), made["hazchem"].published_on + timedelta(days=20)),
    )
    work.drill(
        official,
        government,
        title=f"{name}地震应急避险疏散演练",
        kind=DrillKind.COMPREHENSIVE,
        form=DrillForm.ACTUAL,
        plan=made["overall"],
        scenario="模拟5.0级地震，学校、商场人员疏散至应急避难场所",
        place="黄兴公园",
        on=today + timedelta(days=25),
    )
    cancelled = work.drill(
        official,
        government,
        title=f"{name}大型商业综合体人员密集场所疏散演练",
        kind=DrillKind.SPECIAL,
        form=DrillForm.ACTUAL,
        plan=None,
        scenario="模拟节假日商场火灾，检验人员疏散和交通管制",
        place="五角场商圈",
        on=today - timedelta(days=20),
        held=False,
    )
    work.clock.at(today - timedelta(days=22))
    drills.drill_cancel(
        official,
        drill_id=cancelled.pk,
        expected_version=None,
        reason="与重大活动安保任务时间冲突，改至明年上半年举行",
    )
    if department_official is not None and "gas" in made:
        work.drill(
            department_official,
            {"owner_kind": OwnerKind.DEPARTMENT, "department": department_official.department_id},
            title="燃气管道泄漏事故应急演练",
            kind=DrillKind.SPECIAL,
            form=DrillForm.ACTUAL,
            plan=made["gas"],
            scenario="模拟施工挖断中压燃气管道，关阀断气、疏散居民、抢修复气",
            place="控江路某施工工地",
            on=today - timedelta(days=2),  # held, its evaluation still to come
        )
    if neighbour_official is not None and "neighbour" in made:
        work.drill(
            neighbour_official,
            {"owner_kind": OwnerKind.GOVERNMENT, "region": neighbour_official.region_id},
            title="突发事件综合应急演练（桌面推演）",
            kind=DrillKind.COMPREHENSIVE,
            form=DrillForm.TABLETOP,
            plan=made["neighbour"],
            scenario="模拟北外滩地区大客流踩踏风险，检验预警和分流",
            place="区应急指挥中心",
            on=today - timedelta(days=100),
        )
    for index, (unit, keeper) in enumerate(units):
        _unit_drills(work, index, unit, keeper or city, made, ended, running)
    work.settle()
    return work.made


def _unit_drills(work: _Drills, index: int, unit, keeper, made, ended, running) -> None:
    """An on-site drill in the half-year that ended (the behind units skip it) and, for
    every other unit, in the running one; one comprehensive drill; a special drill for
    every sixth unit; an on-site drill planned ahead for every fourth."""
    rng, today = work.rng, work.today
    owner = {"owner_kind": OwnerKind.ENTERPRISE, "enterprise": unit.pk}
    _risks, _special, _onsite, _act, scenario = hazard_of(unit)
    onsite = made.get((unit.pk, PlanType.ONSITE))
    comprehensive = made.get((unit.pk, PlanType.COMPREHENSIVE))
    special = made.get((unit.pk, PlanType.SPECIAL))
    place = unit.address or unit.name
    for period in (ended, running):
        if onsite is None or (index in BEHIND and period is ended):
            continue
        if period is running and index % 2:
            continue  # not yet: the half-year is still running
        first = max(period[0], onsite.published_on + timedelta(days=7), today - timedelta(days=365))
        on = _day_in(rng, first, min(period[1], today - timedelta(days=1)))
        if on is not None:
            work.drill(
                keeper,
                owner,
                title=f"{onsite.title.removeprefix(unit.name)}演练",
                kind=DrillKind.ONSITE,
                form=DrillForm.ACTUAL,
                plan=onsite,
                scenario=f"模拟{scenario}",
                place=place,
                on=on,
            )
    if comprehensive is not None:
        on = _day_in(rng, max(ended[0], comprehensive.published_on + timedelta(days=7)), ended[1])
        if on is not None:
            form = DrillForm.TABLETOP if index % 2 else DrillForm.ACTUAL
            work.drill(
                keeper,
                owner,
                title=f"{on.year}年生产安全事故综合应急演练",
                kind=DrillKind.COMPREHENSIVE,
                form=form,
                plan=comprehensive,
                scenario=f"模拟{scenario}，启动公司级响应并请求外部救援",
                place=place,
                on=on,
            )
    if special is not None and index % 6 == 0:
        on = _day_in(
            rng,
            max(running[0], special.published_on + timedelta(days=7)),
            today - timedelta(days=1),
        )
        if on is not None:
            work.drill(
                keeper,
                owner,
                title=f"{special.title.removeprefix(unit.name)}演练",
                kind=DrillKind.SPECIAL,
                form=DrillForm.TABLETOP,
                plan=special,
                scenario=f"模拟{scenario}",
                place=place,
                on=on,
            )
    if onsite is not None and index % 4 == 0:
        work.drill(
            keeper,
            owner,
            title=f"{onsite.title.removeprefix(unit.name)}演练（计划）",
            kind=DrillKind.ONSITE,
            form=DrillForm.ACTUAL,
            plan=onsite,
            scenario=f"模拟{scenario}",
            place=place,
            on=today + timedelta(days=15 + 3 * index),
        )
