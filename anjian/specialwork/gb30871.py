"""GB 30871-2022《危险化学品企业特殊作业安全规范》: the rules a permit (特殊作业安全作业票) is
computed by, as data and pure functions (no database). Figures as ../shared/RULES.md §13
gives them (issued 2022-03-15, in force 2022-10-01, replacing GB 30871-2014):

- the eight kinds of special work (chapters 5–12) and their grades: 动火 特级/一级/二级 by
  where the fire is, raised one step on holidays and rest days, at night, in wind of force 5
  or more and in other special cases (5.1.1, 5.2.15); 高处 Ⅰ–Ⅳ by height band and method
  A/B (8.1); 吊装 一级/二级/三级 by load, no permit under 10 t (9.1, B.1 note 3); the others
  have no grades;
- who reviews and approves each kind and grade (Appendix B, table B.1; an enterprise maps
  these roles to its own people, B.1 note 1);
- gas analysis: the pass limits (5.3.2, 5.2.7, 6.4) and the timing (5.3.1, 6.3, 6.5);
- how long a permit is valid (5.1.5, 6.10, 8.2.11, 10.8; the others run for the stated
  work period).

Two readings of ours, where the standard leaves room (docs/special-work.md says so too):
"night" is 22:00–06:00 (the 夜间 of the 噪声污染防治法; GB 30871 does not define it) — a
permit is night work when the applicant says so or its start or end falls in those hours;
a rest day is any day of the planned period that the working-day calendar
(``core.workdays``) marks as not a working day. The callers pass both facts in.

Messages are plain Chinese, not gettext, because the rules are pure (no Django settings),
like ``anjian.hazchem.identification``.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

EDITION = "GB 30871-2022"

# --- the eight kinds ---------------------------------------------------------------------------

HOT, CONFINED, BLINDING, HEIGHT, LIFTING, POWER, DIGGING, ROAD = (
    "hot",
    "confined",
    "blinding",
    "height",
    "lifting",
    "power",
    "digging",
    "road",
)
KINDS = {  # in the standard's order (chapters 5–12)
    HOT: "动火作业",
    CONFINED: "受限空间作业",
    BLINDING: "盲板抽堵作业",
    HEIGHT: "高处作业",
    LIFTING: "吊装作业",
    POWER: "临时用电作业",
    DIGGING: "动土作业",
    ROAD: "断路作业",
}
CHAPTERS = dict(zip(KINDS, ("5", "6", "7", "8", "9", "10", "11", "12"), strict=True))

# --- grades -------------------------------------------------------------------------------------

SPECIAL, FIRST, SECOND, THIRD = "special", "1", "2", "3"
H1, H2, H3, H4 = "I", "II", "III", "IV"  # 高处 Ⅰ–Ⅳ
GRADE_NAMES = {
    SPECIAL: "特级",
    FIRST: "一级",
    SECOND: "二级",
    THIRD: "三级",
    H1: "Ⅰ级",
    H2: "Ⅱ级",
    H3: "Ⅲ级",
    H4: "Ⅳ级",
}
GRADES = {  # each graded kind's grades, most dangerous first
    HOT: (SPECIAL, FIRST, SECOND),
    HEIGHT: (H4, H3, H2, H1),
    LIFTING: (FIRST, SECOND, THIRD),
}
RAISED = {SECOND: FIRST, FIRST: SPECIAL, SPECIAL: SPECIAL}  # 动火: one step up (5.1.1)


class RuleError(ValueError):
    """The facts entered cannot be graded, or need no permit: ``field`` is the fact that is
    wrong (for the form and the API), the message says why in Chinese."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Grading:
    """A kind's grade ("" for a kind without grades) and every step of how it was found."""

    grade: str
    reasons: tuple[str, ...]

    @property
    def name(self) -> str:
        return GRADE_NAMES.get(self.grade, "")


def grade_name(kind: str, grade: str) -> str:
    """ "特级动火作业", "Ⅲ级高处作业", "受限空间作业" …"""
    return f"{GRADE_NAMES.get(grade, '')}{KINDS[kind]}"


# --- 动火 (5.1) -----------------------------------------------------------------------------------

HOT_PLACES = {  # where the fire is → the grade before any raise, and the standard's words
    "running_plant": (
        SPECIAL,
        "在生产运行状态下的易燃易爆生产装置、输送管道、储罐、容器等部位上动火（含带压不置换动火）",
    ),
    "tank_bund": (SPECIAL, "存有易燃易爆介质的重大危险源罐区防火堤内动火"),
    "hazard_area": (FIRST, "火灾爆炸危险场所内的其他动火"),
    "pipe_rack": (FIRST, "管廊上的动火"),
    "other": (SECOND, "火灾爆炸危险场所以外的动火"),
}
NIGHT_START, NIGHT_END = time(22, 0), time(6, 0)
WEEKDAYS = "一二三四五六日"


def in_night(moment: datetime) -> bool:
    """Whether a local time falls in 22:00–06:00 (our reading of 夜间, see the docstring)."""
    clock = moment.time()
    return clock >= NIGHT_START or clock < NIGHT_END


def hot_work_grade(
    place: str,
    *,
    shutdown_approved: bool = False,
    rest_days: Sequence[date] = (),
    night: bool = False,
    strong_wind: bool = False,
    other_special: bool = False,
) -> Grading:
    """The grade of hot work outside a fixed hot-work area (5.1): the place gives 特级, 一级 or
    二级; a plant that is fully shut down, cleaned, purged, tested and isolated may be run as
    二级 with the approval of the production or safety head; then one step up (once, whatever
    the number of reasons) on a holiday or rest day, at night, outdoors in wind of force 5 or
    more (5.2.15) or in another special case (5.1.1)."""
    if place not in HOT_PLACES:
        raise RuleError("hot_place", "请选择动火部位")
    grade, words = HOT_PLACES[place]
    reasons = [f"动火部位：{words} → {GRADE_NAMES[grade]}（{EDITION} 5.1）"]
    if shutdown_approved and grade != SECOND:
        grade = SECOND
        reasons.append(
            "装置已停车、清洗、置换、分析检测合格并采取可靠隔离措施，经生产或安全负责人批准"
            "按二级动火管理 → 二级（5.1）"
        )
    why = []
    if rest_days:
        shown = "、".join(f"{d.isoformat()}（星期{WEEKDAYS[d.weekday()]}）" for d in rest_days[:3])
        more = f"等{len(rest_days)}天" if len(rest_days) > 3 else ""
        why.append(f"作业时段含节假日或公休日：{shown}{more}")
    if night:
        why.append("夜间作业（22:00—次日6:00）")
    if strong_wind:
        why.append("遇五级风以上（含五级）天气确需进行的室外动火（5.2.15）")
    if other_special:
        why.append("其他特殊情况")
    if why:
        raised = RAISED[grade]
        if raised == grade:
            reasons.append("；".join(why) + "：已为特级，不再升级")
        else:
            reasons.append(
                "；".join(why)
                + f"：升级管理 {GRADE_NAMES[grade]} → {GRADE_NAMES[raised]}（{EDITION} 5.1.1）"
            )
            grade = raised
    return Grading(grade, tuple(reasons))


# --- 高处 (8.1) -----------------------------------------------------------------------------------

MIN_HEIGHT = Decimal(2)  # below the fall datum by 2 m or more is work at height
MAX_HEIGHT = Decimal(1000)  # a typing error beyond
HEIGHT_BANDS = (  # (lowest, highest), metres: h = 2 in the first, 5 < h ≤ 15 in the second …
    (Decimal(2), Decimal(5)),
    (Decimal(5), Decimal(15)),
    (Decimal(15), Decimal(30)),
    (Decimal(30), None),
)
BAND_WORDS = ("2 m ≤ h ≤ 5 m", "5 m < h ≤ 15 m", "15 m < h ≤ 30 m", "h > 30 m")
METHOD_A = (H1, H2, H3, H4)
METHOD_B = (H2, H3, H4, H4)
HEIGHT_HAZARDS = {  # the objective hazards that make it method B (8.1)
    "wind": "阵风风力五级（风速8.0 m/s）及以上",
    "cold": "平均气温等于或低于5 ℃的作业环境",
    "cold_water": "接触冷水温度等于或低于12 ℃的作业",
    "slippery": "作业场地有冰、雪、霜、油、水等易滑物",
    "dark": "作业场所光线不足或能见度差",
    "live": "作业活动范围与危险电压带电体的距离小于规定的安全距离",
    "footing": "摆动，立足处不是平面或只有很小的平面（500 mm以下）",
    "oxygen": "作业场所氧含量低于19.5 %（体积分数）或存在有毒气体",
    "rescue": "抢救突然发生的各种灾害事故",
}


def number(value, field: str, *, words: str, low: Decimal, high: Decimal) -> Decimal:
    """``value`` as a Decimal within [low, high], else a RuleError on ``field``."""
    if value in (None, "") or isinstance(value, bool):
        raise RuleError(field, f"请填写{words}")
    try:
        found = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise RuleError(field, f"{words}须为数字") from None
    if not found.is_finite():
        raise RuleError(field, f"{words}须为数字")
    if not low <= found <= high:
        raise RuleError(field, f"{words}须在{low}至{high}之间")
    return found


def height_band(height: Decimal) -> int:
    """0–3: which band of 8.1 a height in metres falls in (2 and 5 m are in the first)."""
    for index, (_low, high) in enumerate(HEIGHT_BANDS):
        if high is None or height <= high:
            return index
    raise AssertionError("unreachable")


def height_grade(height, hazards: Sequence[str] = ()) -> Grading:
    """Ⅰ–Ⅳ by the height band; method B (Ⅱ, Ⅲ, Ⅳ, Ⅳ) when any objective hazard is present,
    else method A (Ⅰ, Ⅱ, Ⅲ, Ⅳ) (8.1)."""
    height = number(height, "height_m", words="作业高度（米）", low=Decimal(0), high=MAX_HEIGHT)
    if height <= 0:
        raise RuleError("height_m", "作业高度须大于0")
    if height < MIN_HEIGHT:
        raise RuleError(
            "height_m",
            f"作业高度{height} m，不足2 m：在坠落基准面2 m以上（含2 m）才属于高处作业",
        )
    unknown = [code for code in hazards if code not in HEIGHT_HAZARDS]
    if unknown:
        raise RuleError("height_hazards", f"未知的客观危险因素：{'、'.join(unknown)}")
    band = height_band(height)
    present = [HEIGHT_HAZARDS[code] for code in HEIGHT_HAZARDS if code in hazards]
    method, grades = ("B", METHOD_B) if present else ("A", METHOD_A)
    grade = grades[band]
    reasons = [f"作业高度 {height} m，属 {BAND_WORDS[band]} 区段"]
    if present:
        reasons.append("存在客观危险因素：" + "；".join(present) + " → 按B类法分级")
    else:
        reasons.append("不存在所列客观危险因素 → 按A类法分级")
    reasons.append(f"{method}类法 {BAND_WORDS[band]} → {GRADE_NAMES[grade]}（{EDITION} 8.1）")
    return Grading(grade, tuple(reasons))


# --- 吊装 (9.1) -----------------------------------------------------------------------------------

LIFT_FIRST_ABOVE = Decimal(100)  # m > 100 t: 一级
LIFT_SECOND_FROM = Decimal(40)  # 40 t ≤ m ≤ 100 t: 二级; below: 三级
LIFT_PERMIT_FROM = Decimal(10)  # under 10 t: no lifting permit (B.1 note 3)
MAX_LOAD = Decimal(100000)


def lifting_grade(load) -> Grading:
    """一级 over 100 t, 二级 from 40 to 100 t, 三级 below 40 t (9.1); under 10 t no permit."""
    load = number(load, "load_t", words="吊物质量（吨）", low=Decimal(0), high=MAX_LOAD)
    if load <= 0:
        raise RuleError("load_t", "吊物质量须大于0")
    if load < LIFT_PERMIT_FROM:
        raise RuleError(
            "load_t",
            f"吊物质量{load} t，小于10 t：不需办理吊装安全作业票，但应进行作业危害分析"
            f"（{EDITION} 附录B 表B.1 注3）",
        )
    if load > LIFT_FIRST_ABOVE:
        grade, words = FIRST, "m > 100 t"
    elif load >= LIFT_SECOND_FROM:
        grade, words = SECOND, "40 t ≤ m ≤ 100 t"
    else:
        grade, words = THIRD, "m < 40 t"
    reasons = (f"吊物质量 {load} t，{words} → {GRADE_NAMES[grade]}（{EDITION} 9.1）",)
    return Grading(grade, reasons)


@dataclass(frozen=True)
class Facts:
    """What a permit's grade and rules depend on, as the applicant entered them (the rest
    days from the calendar)."""

    hot_place: str = ""
    shutdown_approved: bool = False
    rest_days: tuple[date, ...] = ()
    night: bool = False
    strong_wind: bool = False
    other_special: bool = False
    height_m: object = None
    height_hazards: tuple[str, ...] = ()
    load_t: object = None
    hazard_area: bool = False  # 临时用电 in a running plant's fire or explosion hazard area
    long_use: bool = False  # 临时用电: a special case that needs up to 30 days
    deep_near_lines: bool = False  # 动土 > 1.2 m where flammable or toxic lines may be
    oxygen_rich: bool = False  # 富氧环境, or hot work on oxygen equipment


def grade(kind: str, facts: Facts) -> Grading:
    """The grade of ``kind`` from ``facts``, with its reasons; "" for a kind without grades."""
    if kind not in KINDS:
        raise RuleError("kind", "请选择作业类别")
    if kind == HOT:
        return hot_work_grade(
            facts.hot_place,
            shutdown_approved=facts.shutdown_approved,
            rest_days=facts.rest_days,
            night=facts.night,
            strong_wind=facts.strong_wind,
            other_special=facts.other_special,
        )
    if kind == HEIGHT:
        return height_grade(facts.height_m, facts.height_hazards)
    if kind == LIFTING:
        return lifting_grade(facts.load_t)
    reasons = [f"{KINDS[kind]}不分级（{EDITION} 第{CHAPTERS[kind]}章）"]
    if kind == DIGGING and facts.deep_near_lines:
        reasons.append(
            "深度大于1.2 m且可能存在可燃、有毒介质管线：执行受限空间作业的相关规定（11.10）"
        )
    return Grading("", tuple(reasons))


# --- who approves (Appendix B, table B.1) -------------------------------------------------------

LEADER, SAFETY, BASE_UNIT, SPECIALTY = "leader", "safety", "base_unit", "specialty"
PLANT_HEAD, POWER_UNIT, INVOLVED, FIRE_SAFETY = (
    "plant_head",
    "power_unit",
    "involved",
    "fire_safety",
)
ROLES = {
    LEADER: "主管领导",
    SAFETY: "安全管理部门",
    BASE_UNIT: "所在基层单位",
    SPECIALTY: "所在单位专业部门",
    PLANT_HEAD: "主管厂长或总工程师",
    POWER_UNIT: "配送电单位",
    INVOLVED: "相关单位（水、电、汽、工艺、设备、消防、安全等）",
    FIRE_SAFETY: "消防、安全管理部门",
}
COUNTERSIGN, APPROVE = "countersign", "approve"
STAGES = {COUNTERSIGN: "审核会签", APPROVE: "审批"}


@dataclass(frozen=True)
class Step:
    """One signature a permit needs: a countersignature (会签, before) or the approval."""

    stage: str
    role: str

    @property
    def key(self) -> str:
        return f"{self.stage}:{self.role}"

    def __str__(self) -> str:
        return f"{ROLES[self.role]}{STAGES[self.stage]}"


def _approve(role: str) -> tuple[Step, ...]:
    return (Step(APPROVE, role),)


APPROVALS = {  # (kind, grade) → the steps, countersignatures first (table B.1)
    (HOT, SPECIAL): _approve(LEADER),
    (HOT, FIRST): _approve(SAFETY),
    (HOT, SECOND): _approve(BASE_UNIT),
    (CONFINED, ""): _approve(BASE_UNIT),
    (BLINDING, ""): _approve(BASE_UNIT),
    (HEIGHT, H1): _approve(BASE_UNIT),
    (HEIGHT, H2): _approve(SPECIALTY),
    (HEIGHT, H3): _approve(SPECIALTY),
    (HEIGHT, H4): _approve(PLANT_HEAD),
    (LIFTING, FIRST): _approve(PLANT_HEAD),
    (LIFTING, SECOND): _approve(SPECIALTY),
    (LIFTING, THIRD): _approve(SPECIALTY),
    (POWER, ""): (Step(COUNTERSIGN, POWER_UNIT), Step(APPROVE, POWER_UNIT)),
    (DIGGING, ""): (Step(COUNTERSIGN, INVOLVED), Step(APPROVE, SPECIALTY)),
    (ROAD, ""): (Step(COUNTERSIGN, FIRE_SAFETY), Step(APPROVE, SPECIALTY)),
}


def approvals_needed(kind: str, grade_code: str) -> tuple[Step, ...]:
    """The signatures table B.1 asks of ``kind`` at ``grade_code``, in the order given."""
    return APPROVALS[(kind, grade_code)]


# --- gas analysis (5.3, 6.3–6.5, 10.1, 11.10) ---------------------------------------------------

FLAMMABLE, OXYGEN, TOXIC = "flammable", "oxygen", "toxic"
LEL_BOUNDARY = Decimal(4)  # % (v/v): the medium's lower explosive limit
FLAMMABLE_LIMIT_HIGH_LEL = Decimal("0.5")  # LEL ≥ 4 %: measured ≤ 0.5 % (v/v)
FLAMMABLE_LIMIT_LOW_LEL = Decimal("0.2")  # LEL < 4 %: measured ≤ 0.2 % (v/v)
OXYGEN_LOW = Decimal("19.5")  # 受限空间: 19.5–21 % (v/v)
OXYGEN_HIGH = Decimal("21")
OXYGEN_ENRICHED_HIGH = Decimal("23.5")  # 富氧环境 / oxygen equipment: not above 23.5 %
BEFORE_START = timedelta(minutes=30)  # sample no more than 30 min before work starts


def readings_needed(kind: str, facts: Facts) -> tuple[str, ...]:
    """Which readings an analysis of this permit must carry ("" tuple: no gas analysis is
    required before the work). 动火: the flammable gas, and O₂ on oxygen equipment (5.3.2,
    5.2.7); 受限空间 and 动土 under its rules: O₂ and the flammable gas (6.4, 11.10);
    临时用电 in a running hazardous area: the flammable gas (10.1). Toxic readings are
    judged whenever the analyst enters one."""
    if kind == HOT:
        return (FLAMMABLE, OXYGEN) if facts.oxygen_rich else (FLAMMABLE,)
    if kind == CONFINED or (kind == DIGGING and facts.deep_near_lines):
        return (OXYGEN, FLAMMABLE)
    if kind == POWER and facts.hazard_area:
        return (FLAMMABLE,)
    return ()


@dataclass(frozen=True)
class Reading:
    """One sample: the medium's LEL and the measured flammable fraction (% v/v, never %LEL),
    O₂ (% v/v), and a toxic substance with the limit the analyst takes from GBZ 2.1."""

    lel: object = None
    flammable: object = None
    oxygen: object = None
    toxic_name: str = ""
    toxic_value: object = None
    toxic_limit: object = None
    toxic_unit: str = ""


@dataclass(frozen=True)
class Check:
    what: str
    measured: str
    limit: str
    ok: bool

    def __str__(self) -> str:
        return f"{self.what} {self.measured}（{self.limit}）{'合格' if self.ok else '不合格'}"


@dataclass(frozen=True)
class Verdict:
    passed: bool
    checks: tuple[Check, ...]


def _percent(value, field: str, words: str) -> Decimal:
    return number(value, field, words=words, low=Decimal(0), high=Decimal(100))


def judge(kind: str, reading: Reading, facts: Facts) -> Verdict:
    """Pass or fail of one sample for this permit, each limit checked (5.3.2, 6.4): the
    readings the permit needs must be there (RuleError on the missing one)."""
    needed = readings_needed(kind, facts)
    checks = []
    given = {
        FLAMMABLE: reading.flammable not in (None, ""),
        OXYGEN: reading.oxygen not in (None, ""),
    }
    for what in needed:
        if not given[what]:
            words = "可燃气体浓度" if what == FLAMMABLE else "氧含量"
            raise RuleError(f"{what}_percent", f"{KINDS[kind]}的气体分析须填写{words}")
    if given[FLAMMABLE]:
        measured = _percent(reading.flammable, "flammable_percent", "可燃气体浓度（%）")
        lel = _percent(reading.lel, "lel_percent", "可燃介质的爆炸下限（%）")
        if lel <= 0:
            raise RuleError("lel_percent", "爆炸下限须大于0")
        if lel >= LEL_BOUNDARY:
            limit = FLAMMABLE_LIMIT_HIGH_LEL
            words = f"爆炸下限{lel} % ≥ 4 %，应 ≤ {limit} %（5.3.2）"
        else:
            limit = FLAMMABLE_LIMIT_LOW_LEL
            words = f"爆炸下限{lel} % < 4 %，应 ≤ {limit} %（5.3.2）"
        checks.append(Check("可燃气体", f"{measured} %", words, measured <= limit))
    if given[OXYGEN] and (OXYGEN in needed or facts.oxygen_rich):
        oxygen = _percent(reading.oxygen, "oxygen_percent", "氧含量（%）")
        if kind == HOT:  # on oxygen equipment: only the upper bound (5.2.7)
            ok = oxygen <= OXYGEN_ENRICHED_HIGH
            words = f"氧气设备内应 ≤ {OXYGEN_ENRICHED_HIGH} %（5.2.7）"
        else:
            high = OXYGEN_ENRICHED_HIGH if facts.oxygen_rich else OXYGEN_HIGH
            ok = OXYGEN_LOW <= oxygen <= high
            where = "富氧环境" if facts.oxygen_rich else ""
            words = f"{where}应为 {OXYGEN_LOW} %～{high} %（6.4）"
        checks.append(Check("氧含量", f"{oxygen} %", words, ok))
    name = (reading.toxic_name or "").strip()
    if name:
        unit = reading.toxic_unit or "mg/m³"
        value = number(
            reading.toxic_value,
            "toxic_value",
            words="有毒物质浓度",
            low=Decimal(0),
            high=Decimal(1000000),
        )
        limit = number(
            reading.toxic_limit,
            "toxic_limit",
            words="有毒物质的容许浓度（按GBZ 2.1）",
            low=Decimal(0),
            high=Decimal(1000000),
        )
        words = f"应 ≤ {limit} {unit}（GBZ 2.1，分析人填写）"
        checks.append(Check(name, f"{value} {unit}", words, value <= limit))
    elif reading.toxic_value not in (None, ""):
        raise RuleError("toxic_name", "填写了有毒物质浓度，请同时填写有毒物质名称")
    if not checks:
        raise RuleError("flammable_percent", "请至少填写一项分析数据")
    return Verdict(all(check.ok for check in checks), tuple(checks))


def retest_after(kind: str, grade_code: str, facts: Facts) -> timedelta | None:
    """A pause longer than this needs a new passing analysis before the work resumes:
    30 min for 特级 and 一级 动火, 60 min for 二级 动火 and 受限空间 (and 动土 under its rules)
    (5.3.1, 6.3); None where the standard sets no re-test."""
    if kind == HOT:
        return timedelta(minutes=30) if grade_code in (SPECIAL, FIRST) else timedelta(minutes=60)
    if kind == CONFINED or (kind == DIGGING and facts.deep_near_lines):
        return timedelta(minutes=60)
    return None


# --- how long a permit is valid (5.1.5, 6.10, 8.2.11, 10.8) --------------------------------------

VALIDITY = {
    (HOT, SPECIAL): timedelta(hours=8),
    (HOT, FIRST): timedelta(hours=8),
    (HOT, SECOND): timedelta(hours=72),
    (CONFINED, ""): timedelta(hours=24),
}
HEIGHT_VALIDITY = timedelta(days=7)
POWER_VALIDITY, POWER_VALIDITY_SPECIAL = timedelta(days=15), timedelta(days=30)
VALIDITY_CLAUSE = {HOT: "5.1.5", CONFINED: "6.10", HEIGHT: "8.2.11", POWER: "10.8"}


def validity(kind: str, grade_code: str, facts: Facts) -> timedelta | None:
    """The longest period a permit may cover; None: the standard sets none (盲板抽堵, 吊装,
    动土, 断路 run for the stated work period)."""
    if kind == HEIGHT:
        return HEIGHT_VALIDITY
    if kind == POWER:
        return POWER_VALIDITY_SPECIAL if facts.long_use else POWER_VALIDITY
    return VALIDITY.get((kind, grade_code))


def duration_words(period: timedelta) -> str:
    hours = int(period.total_seconds() // 3600)
    return f"{hours // 24}天" if hours % 24 == 0 and hours >= 24 else f"{hours}小时"


def validity_words(kind: str, grade_code: str, facts: Facts) -> str:
    period = validity(kind, grade_code, facts)
    if period is None:
        return "标准未规定有效期，以申请的作业时间为准"
    return f"有效期不超过{duration_words(period)}（{EDITION} {VALIDITY_CLAUSE[kind]}）"


def check_period(
    kind: str, grade_code: str, facts: Facts, start: datetime, end: datetime
) -> datetime:
    """The permit's end of validity: ``end``, once it is after ``start`` and within the
    validity the kind and grade allow (RuleError on ``planned_end`` otherwise)."""
    if end <= start:
        raise RuleError("planned_end", "计划结束时间须晚于计划开始时间")
    period = validity(kind, grade_code, facts)
    if period is not None and end - start > period:
        hours = Decimal((end - start).total_seconds()) / 3600
        raise RuleError(
            "planned_end",
            f"{grade_name(kind, grade_code)}票{validity_words(kind, grade_code, facts)}，"
            f"申请的作业时间为{hours.quantize(Decimal('0.1'))}小时；请缩短作业时间或分段办理",
        )
    return end
