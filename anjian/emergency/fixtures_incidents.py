"""Demo 突发事件 (synthetic), commanded through the services by the district's 应急局:

- a **危化品仓库火灾** at a chemicals unit (opened from a demo accident when one fits: a
  hazardous-chemicals fire or explosion of the last year), responded at Ⅳ级 with the
  district's 危险化学品事故专项应急预案, fire and hazchem teams, an expert, masks from the
  nearest store and a shelter for the evacuated; closed and reviewed;
- a **暴雨内涝** last July, raised from Ⅳ级 to Ⅲ级 with the 防汛防台 plan, pumps and
  sandbags, the flood team, a social rescue team and a school as a shelter; closed and
  reviewed, its lessons as tasks;
- a **泄漏** at a gas (or chemicals) unit happening now: responding at Ⅳ级, a plan
  activated, the nearest fire station on scene, a specialist team on its way, tasks open —
  the walk-through dispatches more, releases and closes it.

Every dispatch takes the nearest available resource (``selectors_resources.nearest``).
The services stamp what they write with the time they run; ``_Scene`` (a ``Clock``) notes
when each step was taken in the demo's story and moves the stamps there, one UPDATE per
table (the log, tasks, assignments and their records, stock movements, the incident).
"""

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from anjian.accidents.choices import AccidentType, Category
from anjian.accidents.models import Accident, AccidentState
from anjian.emergency import dispatch as dispatching
from anjian.emergency import selectors_resources
from anjian.emergency import services_incidents as command
from anjian.emergency import services_resources as res
from anjian.emergency.choices import (
    IncidentType,
    LogKind,
    ResourceKind,
    ShelterStatus,
    TaskSource,
    TaskState,
    TeamKind,
)
from anjian.emergency.fixtures_plans import Clock, at_day
from anjian.emergency.models import (
    AfterActionReview,
    Assignment,
    AssignmentTransition,
    CommandLogEntry,
    Incident,
    IncidentTask,
    IncidentTransition,
    PlanActivation,
    RescueTeam,
    StockMovement,
)
from anjian.regions.choices import RegionLevel


class _Scene(Clock):
    """One incident's command post: ``at(minutes)`` says when the steps that follow were
    taken (minutes after the incident began); ``settle()`` dates what they wrote."""

    def __init__(self, by, began: datetime):
        super().__init__()
        self.by, self.began = by, began
        self.incident: Incident | None = None

    def open(self, minutes, **how) -> Incident:
        self.at(minutes)
        self.incident = command.incident_open(
            self.by, synthetic=True, now=self.began + timedelta(minutes=minutes), **how
        )
        return self.incident

    def at(self, minutes: float) -> "_Scene":
        super().at(self.began + timedelta(minutes=minutes))
        return self

    def settle(self, *_tables) -> None:
        pk = self.incident.pk
        if self.marks:
            IncidentTask.objects.filter(incident_id=pk).update(
                # a plan task is due its minutes after the activation that made it
                due_at=self.shifted("due_at", "created_at", Q(activation__isnull=False)),
                created_at=self.shifted("created_at"),
                done_at=self.shifted("done_at"),
            )
        super().settle(
            (CommandLogEntry.objects.filter(incident_id=pk), ("at",)),
            (IncidentTransition.objects.filter(incident_id=pk), ("at",)),
            (AssignmentTransition.objects.filter(assignment__incident_id=pk), ("at",)),
            (StockMovement.objects.filter(assignment__incident_id=pk), ("at",)),
            (PlanActivation.objects.filter(incident_id=pk), ("activated_at", "ended_at")),
            (AfterActionReview.objects.filter(incident_id=pk), ("at",)),
            (Incident.objects.filter(pk=pk), ("responding_since", "closed_at")),
            (
                Assignment.objects.filter(incident_id=pk),
                ("dispatched_at", "en_route_at", "on_scene_at", "released_at"),
            ),
        )

    # --- the steps ------------------------------------------------------------------------

    def log(self, minutes, kind, text) -> None:
        self.at(minutes)
        command.incident_log(self.by, incident_id=self.incident.pk, kind=kind, text=text)

    def send(self, minutes, kind, task, *, quantity=1, exclude=(), prefer="", **criteria):
        """Dispatch the nearest available resource of ``kind`` that fits ``criteria`` — one
        whose name has ``prefer`` in it if there is one. A unit's own team is at work on
        its site already: the teams sent are public ones."""
        if kind == ResourceKind.TEAM:
            units = RescueTeam.objects.filter(kind=TeamKind.ENTERPRISE).values_list("pk", flat=True)
            exclude = [*exclude, *units]
        where = {"latitude": self.incident.latitude, "longitude": self.incident.longitude}
        found, strict = [], criteria.pop("name", None)
        for name in (prefer, strict) if prefer else (strict,):
            found = found or selectors_resources.nearest(
                self.by, kind=kind, limit=1, quantity=quantity, exclude_ids=exclude, name=name,
                **where, **criteria,
            )  # fmt: skip
        if not found:
            return None
        self.at(minutes)
        return dispatching.dispatch(
            self.by,
            incident_id=self.incident.pk,
            kind=kind,
            resource_id=found[0].resource.pk,
            quantity=quantity,
            task=task,
        )

    def move(self, minutes, assignment, *names, returned=None) -> None:
        if assignment is None:
            return
        self.at(minutes)
        for name in names:
            dispatching.assignment_move(
                self.by,
                assignment_id=assignment.pk,
                expected_version=None,
                name=name,
                returned=returned if name == "release" else None,
            )

    def done(self, minutes, count: int | None = None, note: str = "已完成") -> None:
        """The first ``count`` open tasks (by deadline) done; all when ``count`` is None."""
        self.at(minutes)
        open_tasks = self.incident.tasks.filter(state=TaskState.OPEN).order_by("due_at", "pk")
        for task in list(open_tasks)[:count]:
            command.incident_task_done(self.by, task_id=task.pk, expected_version=None, note=note)

    def respond(self, minutes, level, lead, commander) -> None:
        self.at(minutes)
        command.incident_respond(
            self.by,
            incident_id=self.incident.pk,
            expected_version=None,
            level=level,
            lead_organisation=lead,
            commander=commander,
            commander_phone="021-65010110",
        )

    def activate(self, minutes, plan, level) -> None:
        if plan is not None:
            self.at(minutes)
            command.incident_activate(
                self.by, incident_id=self.incident.pk, plan_id=plan.pk, level=level
            )

    def close(self, minutes, reason, *, reviewed_after_days, summary, went_well, problems, lessons):
        self.at(minutes)
        command.incident_close(
            self.by, incident_id=self.incident.pk, expected_version=None, reason=reason
        )
        self.settle()  # the review is dated after the response ended
        reviewed_on = (self.began + timedelta(days=reviewed_after_days)).date()
        self.at((at_day(reviewed_on, 15) - self.began).total_seconds() / 60)
        command.incident_after_action(
            self.by,
            incident_id=self.incident.pk,
            summary=summary,
            went_well=went_well,
            problems=problems,
            reviewed_on=reviewed_on,
            lessons=[
                {
                    "title": title,
                    "responsible": who,
                    "due_at": at_day(reviewed_on + timedelta(days=days), 17),
                }
                for title, who, days in lessons
            ],
        )
        command.incident_review(self.by, incident_id=self.incident.pk, expected_version=None)
        follow_up = reviewed_on + timedelta(days=20)
        first = self.incident.tasks.filter(source=TaskSource.REVIEW).order_by("pk").first()
        if first is not None and follow_up <= timezone.localdate():
            self.at((at_day(follow_up, 11) - self.began).total_seconds() / 60)
            command.incident_task_done(
                self.by, task_id=first.pk, expected_version=None, note="已完成并报区应急局备查"
            )


def _unit_of(units, *industries, avoid: str = ""):
    """The first demo unit of the first of ``industries`` that has one (a name ending in
    ``avoid`` last), else any unit on the map."""
    placed = [unit for unit, _keeper in units if unit.latitude is not None]
    placed.sort(key=lambda unit: bool(avoid) and unit.name.endswith(avoid))
    for code in industries:
        for unit in placed:
            if unit.industry.code == code:
                return unit
    return placed[0] if placed else None


def _commander(official) -> str:
    return official.name or official.username


def build_incidents(*, district, official, plans, resources, units, today) -> dict:
    made = {}
    unit = _unit_of(units, "hazchem", "trade_warehousing", avoid="加油站")
    if unit is not None:
        made["fire"] = _warehouse_fire(district, official, plans, unit, today)
    made["flood"] = _rainstorm(district, official, plans, today)
    leaking = _unit_of(units, "gas", "hazchem")
    if leaking is not None:
        made["open"] = _leak(district, official, plans, leaking)
    for shelter in resources.get("shelters", ()):
        shelter.refresh_from_db()
        if shelter.status == ShelterStatus.OPEN and shelter.occupancy == 0:
            res.shelter_set_status(  # the keepers stand the shelter down again
                official,
                shelter_id=shelter.pk,
                expected_version=shelter.version,
                status=ShelterStatus.READY,
            )
    return made


def _fitting_accident(district, today):
    """A chemicals fire or explosion of the last year the demo's accidents hold, if any."""
    return (
        Accident.objects.filter(
            region_code__startswith=district.code,
            category__in=(Category.HAZCHEM, Category.FIRE),
            accident_type__in=(
                AccidentType.FIRE,
                AccidentType.VESSEL,
                AccidentType.OTHER_EXPLOSION,
            ),
            enterprise__industry__code__in=("hazchem", "trade_warehousing"),
            occurred_at__date__range=(today - timedelta(days=365), today - timedelta(days=20)),
            enterprise__latitude__isnull=False,
        )
        .exclude(state=AccidentState.VOIDED)
        .order_by("-occurred_at")
        .first()
    )


def _warehouse_fire(district, official, plans, unit, today) -> Incident:
    accident = _fitting_accident(district, today)
    began = accident.occurred_at if accident else at_day(today - timedelta(days=75), 14, 20)
    s = _Scene(official, began)
    if accident is not None:
        incident = s.open(6, data={}, accident_id=accident.pk)
    else:
        incident = s.open(
            6,
            data={
                "incident_type": IncidentType.ACCIDENT,
                "subtype": "危险化学品火灾",
                "title": f"{unit.name}仓库火灾",
                "place": f"{unit.address}（B区仓库）",
                "latitude": unit.latitude,
                "longitude": unit.longitude,
                "region": unit.street_id,
                "enterprise": unit.pk,
                "occurred_at": began,
                "summary": "仓库B区桶装乙醇受热起火，浓烟较大，有蔓延至相邻储存区的危险。",
            },
        )
    s.respond(9, "4", f"{district.name}应急管理局", _commander(official))
    s.activate(10, plans.get("hazchem"), "4")
    fire = s.send(
        11, ResourceKind.TEAM, "灭火救援，冷却相邻储存区", speciality="fire", prefer="消防救援站"
    )
    chem = s.send(
        12,
        ResourceKind.TEAM,
        "侦检、堵漏、洗消",
        speciality="hazchem",
        exclude=[fire.team_id] if fire else (),
    )
    s.move(12, fire, "depart")
    s.move(13, chem, "depart")
    s.log(
        14,
        LogKind.SITUATION,
        "现场报告：仓库B区桶装乙醇约2吨起火，浓烟较大；无人员被困，2名员工轻微呛咳，已送医观察。",
    )
    s.move(18, fire, "arrive")
    s.log(20, LogKind.REPORT, "已电话报告区政府总值班室和市应急局，1小时内报送书面信息。")
    s.done(21, 2)
    s.log(24, LogKind.DECISION, "划定下风向200米警戒区，疏散周边企业员工和居民约150人。")
    shelter = s.send(25, ResourceKind.SHELTER, "安置疏散群众", quantity=150)
    expert = s.send(26, ResourceKind.EXPERT, "研判燃烧产物和次生风险", field="hazchem")
    masks = s.send(28, ResourceKind.SUPPLY, "现场处置人员呼吸防护", quantity=30, name="防毒面具")
    s.move(30, chem, "arrive")
    s.move(30, shelter, "arrive")
    s.move(31, expert, "depart", "arrive")
    s.move(33, masks, "depart", "arrive")
    s.done(34, 3)
    s.log(40, LogKind.SITUATION, "生态环境部门监测：下风向300米处挥发性有机物浓度未超标。")
    s.log(55, LogKind.SITUATION, "明火已被控制，继续冷却，防止复燃。")
    s.log(80, LogKind.SITUATION, "明火扑灭，现场无复燃迹象；消防废水已用沙袋围堵收集。")
    s.done(82, 1)
    s.log(90, LogKind.DECISION, "解除警戒，疏散群众返回。")
    s.move(92, shelter, "release")
    s.move(93, masks, "release", returned=12)
    for minutes, assignment in ((100, fire), (101, chem), (102, expert)):
        s.move(minutes, assignment, "release")
    s.close(
        110,
        "明火扑灭，现场洗消完毕，周边监测正常，终止Ⅳ级响应。",
        reviewed_after_days=3,
        summary="接报后10分钟启动Ⅳ级响应，消防、危化品救援队伍30分钟内全部到场，80分钟扑灭明火，"
        "无人员死亡，疏散安置群众150人。",
        went_well="接报核实和信息报告及时；就近调派队伍和防护物资；疏散安置有序。",
        problems="仓库超量储存桶装乙醇；企业应急物资柜吸附棉不足；疏散通知靠人工上门，用时较长。",
        lessons=(
            ("全区化学品仓库开展桶装易燃液体超量储存专项检查", "区应急局", 30),
            ("事发单位补充应急物资并组织全员演练", "事发单位", 45),
        ),
    )
    s.settle()
    return incident


def _rainstorm(district, official, plans, today) -> Incident:
    streets = district.children.filter(level=RegionLevel.STREET)
    street = streets.filter(name="长白新村街道").first() or streets.order_by("code").first()
    year = today.year if today.month >= 8 else today.year - 1
    began = at_day(today.replace(year=year, month=7, day=22), 15, 40)
    lat, lon = (street.latitude, street.longitude) if street.latitude else (31.2830, 121.5420)
    s = _Scene(official, began)
    incident = s.open(
        5,
        data={
            "incident_type": IncidentType.NATURAL,
            "subtype": "暴雨内涝",
            "title": f"{street.name}暴雨内涝",
            "place": "军工路、包头路下立交及周边低洼小区",
            "latitude": lat,
            "longitude": lon,
            "region": street.code,
            "occurred_at": began,
            "summary": "短时强降雨，下立交和多个老旧小区积水，部分居民家中进水。",
        },
    )
    s.respond(8, "4", f"{district.name}防汛指挥部办公室", _commander(official))
    s.activate(9, plans.get("flood"), "4")
    s.log(
        10,
        LogKind.SITUATION,
        "气象部门发布暴雨橙色预警，1小时降雨量62毫米；军工路下立交积水40厘米，已封闭交通。",
    )
    team = s.send(12, ResourceKind.TEAM, "下立交和小区强排", speciality="flood")
    s.move(13, team, "depart")
    pumps = s.send(14, ResourceKind.SUPPLY, "下立交强排", quantity=6, name="排水泵")
    bags = s.send(15, ResourceKind.SUPPLY, "小区出入口挡水", quantity=400, name="沙袋")
    s.move(30, team, "arrive")
    s.move(32, pumps, "depart", "arrive")
    s.move(35, bags, "depart", "arrive")
    s.done(40, 2)
    s.at(45)
    command.incident_set_level(
        official,
        incident_id=incident.pk,
        expected_version=None,
        level="3",
        reason="降雨持续，积水超过40厘米，12个小区进水，需转移低洼地区群众",
    )
    s.activate(46, plans.get("flood"), "3")
    boats = s.send(
        48, ResourceKind.TEAM, "转移低洼小区行动不便的老人", speciality="water", prefer="蓝天"
    )
    s.move(49, boats, "depart")
    s.log(50, LogKind.DECISION, "开放学校临时安置点，转移进水小区居民。")
    shelter = s.send(52, ResourceKind.SHELTER, "安置转移居民", quantity=80, prefer="中学")
    s.move(65, boats, "arrive")
    s.move(66, shelter, "arrive")
    s.log(70, LogKind.SITUATION, "已转移居民76人，其中老人41人，无人员伤亡。")
    s.done(90, 4)
    s.log(120, LogKind.SITUATION, "雨势减弱，泵站全力强排，积水开始消退。")
    s.log(
        200, LogKind.REPORT, "向市防汛指挥部报送灾情：无人员伤亡，12个小区进水，3条道路积水已消退。"
    )
    s.move(230, shelter, "release")
    s.move(235, pumps, "release", returned=6)
    s.move(236, bags, "release", returned=150)
    s.move(240, team, "release")
    s.move(241, boats, "release")
    s.done(245, None)
    s.close(
        260,
        "积水全部消退，转移居民已返家，终止Ⅲ级响应。",
        reviewed_after_days=5,
        summary="启动Ⅳ级响应后45分钟升级为Ⅲ级，调派防汛抢险队、社会救援力量和区级排水物资，"
        "转移安置居民76人，无人员伤亡。",
        went_well="预警后提前布防；区、街道两级物资就近调拨；社会救援力量协同转移老人。",
        problems="下立交泵站排水能力不足；部分小区无挡水设施；安置点启用通知不够及时。",
        lessons=(
            ("军工路下立交泵站扩容改造", "区建管委", 120),
            ("低洼小区加装挡水板并配备小型排水泵", "事发地街道", 60),
        ),
    )
    s.settle()
    return incident


def _leak(district, official, plans, unit) -> Incident:
    gas = unit.industry.code == "gas"
    began = timezone.now() - timedelta(minutes=42)
    s = _Scene(official, began)
    incident = s.open(
        4,
        data={
            "incident_type": IncidentType.ACCIDENT,
            "subtype": "燃气泄漏" if gas else "危险化学品泄漏",
            "title": f"{unit.name}{'液化石油气' if gas else '危险化学品'}泄漏",
            "place": unit.address,
            "latitude": unit.latitude,
            "longitude": unit.longitude,
            "region": unit.street_id,
            "enterprise": unit.pk,
            "occurred_at": began,
            "summary": "单位报告储存区发生泄漏，现场有刺激性气味，员工已撤离至集合点。",
        },
    )
    s.respond(7, "4", f"{district.name}应急管理局", _commander(official))
    s.activate(8, plans.get("gas") if gas and plans.get("gas") else plans.get("hazchem"), "4")
    fire = s.send(
        9, ResourceKind.TEAM, "警戒、稀释驱散、防止引燃", speciality="fire", prefer="消防救援站"
    )
    s.move(10, fire, "depart")
    special = s.send(
        12,
        ResourceKind.TEAM,
        "检测浓度、关阀堵漏",
        speciality="gas" if gas else "hazchem",
        exclude=[fire.team_id] if fire else (),
    )
    s.move(14, special, "depart")
    s.log(
        15,
        LogKind.SITUATION,
        "单位报告：储存区一处阀门泄漏，已关闭总阀，现场可燃气体浓度约30%LEL，无人员受伤。",
    )
    s.move(17, fire, "arrive")
    s.done(18, 2)
    s.log(25, LogKind.DECISION, "划定50米警戒区，疏散周边商铺人员约40人，禁止车辆通行。")
    s.at(30)
    command.incident_task_add(
        official,
        incident_id=incident.pk,
        title="核查周边管网和相邻单位有无泄漏",
        responsible="区建管委" if gas else "区应急局",
        due_at=began + timedelta(minutes=90),
    )
    s.settle()
    return incident
