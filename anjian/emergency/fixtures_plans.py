"""Demo 应急预案 (synthetic) and what every part of the emergency demo shares: the demo's
units, the clock that dates each step (``Clock``) and the latest day a plan is published
on (``recent_day``). ``fixtures.build_demo_emergency`` runs the parts.

The plans: the district government's 总体 and two 专项 plans (危险化学品事故, revised — its
first version superseded; 防汛防台, overdue for its three-yearly assessment), the 建管委's
部门预案 (sent for filing, waiting for the 应急局) and each demo unit's 综合/专项/现场处置方案
with response levels, roles and each level's tasks, written by the unit's own account where
it has one (else entered by the city). Most are filed within the deadline, one late; one is
returned, one published and overdue for filing, one a draft. Publication days lie where
the working-day calendar can count the 20-working-day filing deadline (``recent_day``): a
year no calendar covers is never guessed (RULES.md §19).

The services stamp what they write with the time they run; ``Clock`` moves what each step
wrote back to the day the demo says it was taken (as the accidents' demo does for its
timeline). ``plan_submit`` takes no day, so a plan's 报送日期 is set afterwards.
"""

from datetime import date, datetime, time, timedelta

from django.db.models import Case, F, Q, When
from django.utils import timezone

from anjian.core import workdays
from anjian.emergency import services_plans as plans
from anjian.emergency.choices import OwnerKind, PlanType, RevisionTrigger
from anjian.emergency.models import (
    EmergencyPlan,
    PlanAssessment,
    PlanTransition,
)
from anjian.enterprises.models import Enterprise, EnterpriseUser
from anjian.regions.models import Region

UNIT_COUNT = 12
CITY_AUTHORITY = "上海市应急管理局"

# key, type, title, risks, lead, what the lead does, triggers of levels Ⅰ–Ⅳ
GOVERNMENT_PLANS = (
    (
        "overall",
        PlanType.OVERALL,
        "{d}突发事件总体应急预案",
        "自然灾害、事故灾难、公共卫生事件和社会安全事件",
        "区应急局",
        "组织专业处置力量开展抢险救援，防止次生衍生灾害",
        (
            "特别重大突发事件，市政府启动一级响应",
            "重大突发事件，或事态超出区级处置能力",
            "较大突发事件，或涉及两个以上街道（镇）",
            "一般突发事件，需区级层面协调处置",
        ),
    ),
    (
        "hazchem",
        PlanType.GOVERNMENT_SPECIAL,
        "{d}危险化学品事故专项应急预案",
        "危险化学品生产、储存、经营、运输中的泄漏、火灾、爆炸、中毒事故",
        "区应急局",
        "组织侦检堵漏、洗消和环境监测，控制污染扩散",
        (
            "造成30人以上死亡或100人以上重伤的危险化学品事故",
            "造成10人以上死亡，或需疏散周边群众5000人以上",
            "造成3人以上死亡，或需疏散周边群众500人以上",
            "造成人员伤亡或需疏散周边群众，事发单位自身难以控制",
        ),
    ),
    (
        "flood",
        PlanType.GOVERNMENT_SPECIAL,
        "{d}防汛防台专项应急预案",
        "台风、暴雨、高潮位、城区内涝积水",
        "区防汛指挥部办公室",
        "开启泵站强排，转移低洼地区和危旧房屋群众，抢排积水道路",
        (
            "市防汛指挥部启动Ⅰ级响应，或台风红色预警",
            "台风橙色或暴雨红色预警，或大面积积水",
            "台风黄色或暴雨橙色预警，或多处道路积水超过40厘米",
            "台风蓝色或暴雨黄色预警，或局部道路、小区积水",
        ),
    ),
    (
        "gas",
        PlanType.DEPARTMENTAL,
        "{d}建设和管理委员会燃气事故应急预案",
        "燃气管道泄漏、燃气爆炸、大面积停气",
        "区建管委",
        "组织燃气企业关阀断气、抢修管道，恢复供气",
        (
            "燃气事故造成30人以上死亡或10万户以上停气",
            "燃气事故造成10人以上死亡或5万户以上停气",
            "燃气事故造成3人以上死亡或1万户以上停气",
            "燃气泄漏、爆燃造成人员伤亡或1000户以上停气",
        ),
    ),
)
GOVERNMENT_COMMANDERS = (
    "市应急联动中心统一指挥，区长配合",
    "区长",
    "分管副区长",
    "{lead}主要负责人",
)
GOVERNMENT_ROLES = (
    ("区应急委", "区长任主任，分管副区长任副主任", "统一领导应对工作，决定启动Ⅱ级及以上响应"),
    ("区应急委办公室", "区应急局局长", "值守应急、信息汇总报告、综合协调，提出启动响应的建议"),
    ("现场指挥部", "牵头部门主要负责人", "组织现场处置，调度救援队伍、物资和专家"),
    ("专业处置组", "{lead}", "组织专业抢险和技术处置"),
    ("警戒疏散组", "公安{p}分局", "现场警戒、交通管制、群众疏散和治安维护"),
    ("医疗救护组", "区卫生健康委", "伤员救治、转运和卫生防疫"),
    ("街道（镇）", "事发地街道办事处主任", "先期处置，组织群众转移安置"),
)
# level: (task, responsible, minutes) — "{lead}" and "{act}" come from the plan
GOVERNMENT_TASKS = {
    "4": (
        ("值班室接报核实事件情况，跟踪续报", "区应急局总值班室", 10),
        ("30分钟内电话、1小时内书面报告区政府", "区应急局", 30),
        ("牵头部门和事发地街道赶赴现场，开设现场指挥部", "{lead}、事发地街道", 60),
        ("设置警戒区，疏散周边人员，实施交通管制", "公安{p}分局", 60),
        ("组织医疗救护和伤员转运", "区卫生健康委", 60),
        ("{act}", "{lead}", 120),
        ("发布权威信息，回应社会关切", "区委宣传部", 240),
    ),
    "3": (
        ("分管副区长赶赴现场任总指挥", "区政府办公室", 60),
        ("15分钟内报告市应急局、市政府总值班室", "区应急局", 15),
        ("调集区级救援队伍、应急物资和专家", "区应急局", 60),
        ("{act}", "{lead}", 120),
        ("开放避难场所，安置转移群众", "事发地街道、区民政局", 180),
    ),
    "2": (
        ("区长赶赴现场，成立区应急处置指挥部", "区政府办公室", 60),
        ("请求市级救援力量和物资支援", "区应急局", 30),
        ("{act}", "{lead}", 120),
    ),
    "1": (("在市指挥部统一指挥下开展先期处置和协同处置", "区应急委", 30),),
}

# By the unit's industry: risks, its 专项 plan, its 现场处置方案, the first action, a scenario.
HAZARDS = {
    "hazchem": (
        "危险化学品泄漏、火灾、爆炸、中毒窒息",
        "危险化学品泄漏火灾爆炸专项应急预案",
        "储罐区（仓库）泄漏现场处置方案",
        "关闭紧急切断阀，用吸附棉、沙袋围堵泄漏物，消除一切火源",
        "储罐区物料泄漏并引发火灾",
    ),
    "gas": (
        "液化石油气泄漏、火灾、爆炸",
        "燃气泄漏火灾爆炸专项应急预案",
        "钢瓶间泄漏现场处置方案",
        "关闭瓶阀和总阀，开窗通风，严禁开关电器和使用明火",
        "钢瓶间液化石油气泄漏",
    ),
    "construction": (
        "坍塌、高处坠落、起重伤害、触电",
        "深基坑坍塌专项应急预案",
        "塔吊倾覆现场处置方案",
        "停止作业，撤出危险区域人员，监测基坑和塔吊变形",
        "基坑支护局部坍塌，1名作业人员被埋压",
    ),
    "special_equipment": (
        "电梯困人、起重机械伤害",
        "电梯困人专项应急预案",
        "电梯困人现场处置方案",
        "安抚被困人员，切断电梯主电源，按程序盘车放人",
        "电梯停在两层之间，3人被困",
    ),
    "commerce": (
        "火灾、人员拥挤踩踏",
        "火灾事故专项应急预案",
        "营业场所火灾疏散现场处置方案",
        "扑救初期火灾，开启应急广播，引导顾客从最近的安全出口疏散",
        "营业区电气线路起火，顾客紧急疏散",
    ),
    "": (
        "火灾、机械伤害、触电",
        "火灾事故专项应急预案",
        "车间火灾现场处置方案",
        "切断电源，使用灭火器和消火栓扑救初期火灾",
        "车间配电箱起火",
    ),
}
HAZARDS["fire_key_unit"] = HAZARDS["culture_tourism"] = HAZARDS["commerce"]
UNIT_LEVELS = (
    ("1", "事故超出本单位处置能力，或造成人员死亡、重伤，需请求外部救援", "总经理"),
    ("2", "险情涉及多个部位或可能扩大，需全单位处置", "总经理（或授权的副总经理）"),
    ("3", "险情局限于单一岗位或部位，班组可以控制", "当班班组长"),
)
UNIT_ROLES = (
    (
        "应急指挥部",
        "总经理任总指挥，安全负责人任副总指挥",
        "启动和终止响应，统一指挥，向属地政府报告",
    ),
    ("抢险救援组", "生产（仓储）部负责人", "初期处置、堵漏抢险，配合外部救援力量"),
    ("警戒疏散组", "行政部负责人", "设置警戒区，疏散人员并清点人数，引导救援车辆"),
    ("医疗救护组", "兼职救护员", "现场急救，联系120转运伤员"),
    ("后勤保障组", "综合部负责人", "应急物资、通信和车辆保障"),
)
UNIT_TASKS = {
    "1": (
        ("拨打119、120，1小时内向区应急局报告", "应急指挥部", 60),
        ("{act}", "抢险救援组", 15),
        ("疏散人员至集合点并清点人数", "警戒疏散组", 20),
        ("引导外部救援力量进场，提供物料和平面图", "应急指挥部", 30),
    ),
    "2": (
        ("{act}", "抢险救援组", 15),
        ("设置警戒区，疏散无关人员", "警戒疏散组", 20),
        ("组织受伤人员现场急救", "医疗救护组", 20),
        ("报告总经理，视情升级响应", "值班室", 10),
    ),
    "3": (("{act}", "当班人员", 5), ("报告班组长和值班室", "当班人员", 5)),
}


def at_day(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


class Clock:
    """The demo's story time. The services stamp what they write with the time they run;
    ``at(when)`` says the steps that follow were taken at ``when`` (a datetime, or a day at
    10:00) and ``settle`` moves the stamps there — one UPDATE per table, however many
    steps (a CASE over the steps' start times)."""

    def __init__(self):
        self.marks: list[tuple[datetime, timedelta]] = []

    def at(self, when) -> "Clock":
        when = when if isinstance(when, datetime) else at_day(when)
        now = timezone.now()
        self.marks.append((now, when - now))
        return self

    def shifted(self, name: str, stamp: str = "", condition: Q | None = None) -> Case:
        """``name`` moved by the shift of the step that wrote it — the step known by
        ``stamp`` (default ``name``); only rows matching ``condition`` move."""
        stamp = stamp or name
        return Case(
            *(
                When((condition or Q()) & Q(**{f"{stamp}__gte": start}), then=F(name) + shift)
                for start, shift in reversed(self.marks)
            ),
            default=F(name),
        )

    def settle(self, *tables) -> None:
        """Date the stamps of ``tables`` ((queryset, field names)) written since the first
        step; what they wrote then lies before any later step."""
        if self.marks:
            for queryset, names in tables:
                queryset.update(**{name: self.shifted(name) for name in names})
        self.marks = []


def recent_day(today: date) -> date:
    """The latest day the demo publishes a plan on: today, or earlier when the filing
    deadline (20 working days, ≈ 30 calendar days) would fall in a year no calendar covers
    (RULES.md §19: a deadline is never guessed)."""
    day = today
    while not workdays.covers(day + timedelta(days=45)):
        november = date(day.year, 11, 1)
        day = november if day > november else date(day.year - 1, 11, 1)
    return day


def hazard_of(unit) -> tuple:
    return HAZARDS.get(unit.industry.code, HAZARDS[""])


def _fill(rows, **words):
    return [tuple(str(v).format(**words) if isinstance(v, str) else v for v in r) for r in rows]


class _Filing:
    """Publishes, sends for filing and files plans, each step on its day (``clock``)."""

    def __init__(self, filer, district: Region, clock: Clock):
        self.filer, self.district, self.clock = filer, district, clock
        self.numbers: dict[str, int] = {}

    def number(self, prefix: str, year: int) -> str:
        key = f"{prefix}-{year}"
        self.numbers[key] = self.numbers.get(key, 0) + 1
        return f"{key}-{self.numbers[key]:03d}"

    def create(self, maker, *args, written: date, **kwargs) -> EmergencyPlan:
        self.clock.at(written)
        return maker(*args, **kwargs)

    def publish(self, author, plan, day: date) -> EmergencyPlan:
        self.clock.at(day)
        return plans.plan_publish(author, plan_id=plan.pk, expected_version=None, published_on=day)

    def submit(self, author, plan, day: date, authority: str) -> None:
        self.clock.at(day)
        plans.plan_submit(
            author, plan_id=plan.pk, expected_version=None, filing_authority=authority
        )
        EmergencyPlan.objects.filter(pk=plan.pk).update(submitted_on=day)

    def file(self, plan, day: date, *, by=None, prefix: str = "") -> EmergencyPlan:
        self.clock.at(at_day(day, 15))
        return plans.plan_file(
            by or self.filer,
            plan_id=plan.pk,
            expected_version=None,
            filing_number=self.number(prefix or self.district.code, day.year),
            filed_on=day,
        )

    def through(self, author, plan, published: date, *, authority: str, by=None, prefix=""):
        """Published, sent a week later and filed a week after that."""
        self.publish(author, plan, published)
        self.submit(author, plan, published + timedelta(days=7), authority)
        return self.file(plan, published + timedelta(days=14), by=by, prefix=prefix)


def _government_plan(by, spec, district: Region, owner: dict, edition: str) -> EmergencyPlan:
    _key, plan_type, title, risks, lead, act, triggers = spec
    words = {"lead": lead, "act": act, "d": district.name, "p": district.name.removesuffix("区")}
    levels = [
        {"level": str(n), "trigger": trigger, "commander": commander.format(**words)}
        for n, trigger, commander in zip(range(1, 5), triggers, GOVERNMENT_COMMANDERS, strict=True)
    ]
    tasks = [
        {"level": level, "title": t, "responsible": r, "due_minutes": m}
        for level, rows in GOVERNMENT_TASKS.items()
        for t, r, m in _fill(rows, **words)
    ]
    roles = [
        dict(zip(("name", "holder", "duties"), row, strict=True))
        for row in _fill(GOVERNMENT_ROLES, **words)
    ]
    data = {
        **owner,
        "title": title.format(**words),
        "plan_type": plan_type,
        "edition": edition,
        "risks": risks,
        "scope_text": f"适用于{district.name}行政区域内{risks}的应对工作",
        "command_structure": "区应急委统一领导，区应急委办公室综合协调，牵头部门组织专业处置，"
        "事发地街道（镇）先期处置",
    }
    return plans.plan_create(by, data=data, levels=levels, roles=roles, tasks=tasks, synthetic=True)


def _unit_plan(by, unit, plan_type: str, edition: str, levels=3, title="") -> EmergencyPlan:
    risks, special, onsite, act, _scenario = hazard_of(unit)
    title = (
        title
        or {
            PlanType.COMPREHENSIVE: "生产安全事故综合应急预案",
            PlanType.SPECIAL: special,
            PlanType.ONSITE: onsite,
        }[plan_type]
    )
    chosen = UNIT_LEVELS[-levels:]
    data = {
        "owner_kind": OwnerKind.ENTERPRISE,
        "enterprise": unit.pk,
        "title": f"{unit.name}{title}",
        "plan_type": plan_type,
        "edition": edition,
        "risks": risks,
        "scope_text": f"适用于{unit.name}生产经营区域内{risks}事故的应急处置",
        "command_structure": "单位成立应急指挥部，下设抢险救援、警戒疏散、医疗救护、后勤保障四组",
    }
    return plans.plan_create(
        by,
        data=data,
        levels=[dict(zip(("level", "trigger", "commander"), r, strict=True)) for r in chosen],
        roles=[dict(zip(("name", "holder", "duties"), r, strict=True)) for r in UNIT_ROLES],
        tasks=[
            {"level": level, "title": t, "responsible": r, "due_minutes": m}
            for level, _trigger, _commander in chosen
            for t, r, m in _fill(UNIT_TASKS[level], act=act)
        ],
        synthetic=True,
    )


def demo_units(district: Region, first_user=None, count: int = UNIT_COUNT) -> list:
    """(unit, its keeper) for the demo's units: operating units of ``district`` with an
    account first (``first_user``'s own unit leading), then others (kept by the city)."""
    operating = Enterprise.objects.filter(
        scope_region_code__startswith=district.code, status="operating"
    ).select_related("industry", "street")
    links = EnterpriseUser.objects.filter(enterprise__in=operating).select_related("user")
    keepers: dict[int, object] = {}
    for link in links.order_by("pk"):
        if link.user.is_active and (link.enterprise_id not in keepers or link.user == first_user):
            keepers[link.enterprise_id] = link.user
    mine = getattr(getattr(first_user, "enterprise_link", None), "enterprise_id", None)
    ordered = sorted(keepers, key=lambda pk: (pk != mine, pk))[:count]
    units = {u.pk: u for u in operating.filter(pk__in=ordered)}
    chosen = [(units[pk], keepers[pk]) for pk in ordered if pk in units]
    others = operating.exclude(pk__in=list(units)).filter(
        industry__code__in=[code for code in HAZARDS if code] + ["machinery", "trade_warehousing"]
    )
    chosen += [(unit, None) for unit in others.order_by("pk")[: count - len(chosen)]]
    return chosen


def build_plans(
    *,
    district,
    official,
    city,
    units,
    today,
    department_official=None,
    neighbour=None,
    neighbour_official=None,
) -> dict:
    """The plans by key: "overall", "hazchem" (and "hazchem_first", the version it
    replaced), "flood", "gas", "draft", "neighbour", and ``(unit pk, plan type)``."""
    recent = recent_day(today)
    clock = Clock()
    filing = _Filing(official, district, clock)
    government = {"owner_kind": OwnerKind.GOVERNMENT, "region": district.code}
    specs = {spec[0]: spec for spec in GOVERNMENT_PLANS}
    city_filed = {"authority": CITY_AUTHORITY, "by": city, "prefix": "310000"}

    def government_plan(by, key, owner, published: date, region=district):
        plan = filing.create(
            _government_plan,
            by,
            specs[key],
            region,
            owner,
            f"{published.year}年版",
            written=published - timedelta(days=40),
        )
        return plan, published

    made: dict = {}
    plan, day = government_plan(official, "overall", government, recent - timedelta(days=700))
    made["overall"] = filing.through(official, plan, day, **city_filed)
    first, day = government_plan(official, "hazchem", government, recent - timedelta(days=1250))
    made["hazchem_first"] = filing.through(official, first, day, **city_filed)
    clock.at(recent - timedelta(days=240))
    plans.plan_trigger(
        official,
        plan_id=first.pk,
        trigger=RevisionTrigger.LAW,
        conclusion="《突发事件应急预案管理办法》（国办发〔2024〕5号）施行，区应急指挥机构调整",
    )
    revision = plans.plan_revise(official, plan_id=first.pk, edition=f"{recent.year}年版")
    made["hazchem"] = filing.through(official, revision, recent - timedelta(days=150), **city_filed)
    plan, day = government_plan(official, "flood", government, recent - timedelta(days=1160))
    made["flood"] = filing.through(official, plan, day, **city_filed)
    if department_official is not None and department_official.department_id:
        own = {"owner_kind": OwnerKind.DEPARTMENT, "department": department_official.department_id}
        plan, day = government_plan(department_official, "gas", own, recent - timedelta(days=20))
        made["gas"] = filing.publish(department_official, plan, day)
        filing.submit(
            department_official, plan, day + timedelta(days=12), f"{district.name}应急管理局"
        )
    for index, (unit, keeper) in enumerate(units):
        made.update(_unit_plans(index, unit, keeper or city, filing, recent, district))
    if neighbour is not None and neighbour_official is not None:
        own = {"owner_kind": OwnerKind.GOVERNMENT, "region": neighbour.code}
        plan, day = government_plan(
            neighbour_official, "overall", own, recent - timedelta(days=520), neighbour
        )
        made["neighbour"] = filing.through(neighbour_official, plan, day, **city_filed)
    ids = [plan.pk for plan in made.values()]
    clock.settle(
        (PlanTransition.objects.filter(plan_id__in=ids), ("at",)),
        (PlanAssessment.objects.filter(plan_id__in=ids), ("at",)),
    )
    fresh = EmergencyPlan.objects.in_bulk(ids)
    return {key: fresh[plan.pk] for key, plan in made.items()}


# The higher-risk trades keep a 专项 plan for their main risk; every unit keeps a
# comprehensive plan and an on-site one (88号令 Art. 6).
SPECIAL_PLAN_INDUSTRIES = {"hazchem", "gas", "construction", "special_equipment", "fire_key_unit"}


def _unit_plans(index: int, unit, author, filing: _Filing, recent: date, district) -> dict:
    """A unit's plans, filed a fortnight after publication — but for the states the demo
    shows once each: unit 1's 专项 plan returned, unit 2's on-site plan published and never
    sent (overdue), unit 3's comprehensive plan three years old (overdue for assessment),
    unit 0's last plan sent and filed late, and unit 0 writing a new on-site plan."""
    authority = f"{district.name}应急管理局"
    base = recent - timedelta(days=300 + 40 * index)
    types = [PlanType.COMPREHENSIVE, PlanType.ONSITE]
    if unit.industry.code in SPECIAL_PLAN_INDUSTRIES or index == 1:
        types.insert(1, PlanType.SPECIAL)
    made = {}
    for offset, plan_type in enumerate(types):
        state = {
            (1, PlanType.SPECIAL): "returned",
            (2, PlanType.ONSITE): "unsent",
            (3, PlanType.COMPREHENSIVE): "old",
        }.get((index, plan_type), "late" if (index, offset) == (0, len(types) - 1) else "")
        published = base + timedelta(days=10 * offset)
        if state == "old":
            published = recent - timedelta(days=1130)
        elif state in ("returned", "unsent"):
            published = recent - timedelta(days=60 + 20 * index)
        plan = filing.create(
            _unit_plan,
            author,
            unit,
            plan_type,
            f"{published.year}年版",
            2 if plan_type == PlanType.ONSITE else 3,
            written=published - timedelta(days=30),
        )
        made[(unit.pk, plan_type)] = plan
        filing.publish(author, plan, published)
        if state == "unsent":
            continue
        sent = published + timedelta(days=40 if state == "late" else 6 + index % 5)
        filing.submit(author, plan, sent, authority)
        if state == "returned":
            filing.clock.at(sent + timedelta(days=8))
            plans.plan_return(
                filing.filer,
                plan_id=plan.pk,
                expected_version=None,
                reason="未附应急物资装备清单；响应分级与综合应急预案不一致，请修改后重新报送",
            )
        else:
            filing.file(plan, sent + timedelta(days=6 + index % 4))
    if index == 0:
        made["draft"] = filing.create(
            _unit_plan,
            author,
            unit,
            PlanType.ONSITE,
            f"{recent.year + 1}年版",
            2,
            "停电事故现场处置方案",
            written=recent,
        )
    return made
