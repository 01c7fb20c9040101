"""The shipped 自由裁量基准 (discretion table) for common violations of 《中华人民共和国安全生产法》
(2021 amendment, in force 2021-09-01), by unit (生产经营单位) — what migration 0006 seeds.

Each violation names the article it breaks (违法依据) and the article that sets its penalty
(处罚依据), the statutory fine range for an organisation (``statutory_min`` / ``statutory_max``,
both tiers of the article: the first order and 逾期未改正 / 拒不改正), and two to four levels
of circumstances (轻微 / 一般 / 较重 / 严重) each with a fine range inside the statutory one.

What is law and what is local policy:

- The articles and the statutory ranges are the 2021 text as recalled when this table was
  written (Arts. 97, 99, 101, 102, 105, 108, 109 for the penalties; Arts. 24, 28, 30, 35,
  36, 40, 41, 42, 43, 45, 51, 66, 81 for the duties). A legal officer should check them
  against the official text before the table is used in decisions.
- **The split into levels and each level's range is local policy to be confirmed** by the
  bureau (国办发〔2022〕27号 asks each authority to publish its own 裁量基准). The ranges
  are kept conservative: the lower tiers stay inside the article's first tier (e.g. "处十万
  元以下的罚款"), and only the 严重 level — usually 逾期未改正 / 拒不改正 — reaches the
  article's second tier together with the measure the article names (责令停产停业整顿).
  A first tier "…以下" has no lower bound in the law; the lower bounds here are local.
- Only the unit's fine is tabled. The fines the same articles set on the directly
  responsible managers (对直接负责的主管人员和其他直接责任人员) are not in this table.

Officials edit the table on /inspections/cases/discretion/ (``cases.services
.discretion_rule_save``); a rule a case was weighed by is retired, never changed or deleted.
Editing this module does not change a database already seeded (a new default needs a new
migration).
"""

from dataclasses import dataclass

MINOR, ORDINARY, SERIOUS, GRAVE = "minor", "ordinary", "serious", "grave"
SUSPEND = "责令停产停业整顿"


@dataclass(frozen=True)
class Level:
    circumstance: str  # Circumstance value: minor / ordinary / serious / grave
    note: str  # 情节描述
    fine_min: int  # CNY
    fine_max: int
    other_measures: str = ""


@dataclass(frozen=True)
class Violation:
    code: str
    violation: str
    violated_basis: str
    penalty_basis: str
    statutory_min: int  # the lowest fine the penalty article allows for a unit (0: "…以下")
    statutory_max: int  # the highest, in either tier of the article
    levels: tuple[Level, ...]


LAW = "《中华人民共和国安全生产法》"
_NUMERALS = dict(zip("12345678", "一二三四五六七八", strict=True))  # 第（一）项 …

# Four levels for an article "责令限期改正，处十万元以下的罚款；逾期未改正的，责令停产停业
# 整顿，并处十万元以上二十万元以下的罚款" (Arts. 97, 101).
_TEN_THEN_TWENTY = (
    Level(MINOR, "首次被发现，情节轻微，当场或在限期内改正", 10_000, 30_000),
    Level(ORDINARY, "情节一般，在限期内改正", 30_000, 60_000),
    Level(SERIOUS, "涉及人数较多或曾因同类行为被责令改正", 60_000, 100_000),
    Level(GRAVE, "逾期未改正", 100_000, 200_000, SUSPEND),
)

# Art. 99: "处五万元以下的罚款；逾期未改正的，处五万元以上二十万元以下的罚款 … 情节严重的，
# 责令停产停业整顿".
_FIVE_THEN_TWENTY = (
    Level(MINOR, "首次被发现，情节轻微，当场或在限期内改正", 5_000, 10_000),
    Level(ORDINARY, "情节一般，在限期内改正", 10_000, 30_000),
    Level(SERIOUS, "涉及多处场所、设备或曾因同类行为被责令改正", 30_000, 50_000),
    Level(GRAVE, "逾期未改正", 50_000, 200_000),
)

# Art. 105: "处五万元以下的罚款 …；逾期未改正的，责令停产停业整顿".
_FIVE_THEN_SUSPEND = (
    Level(MINOR, "首次被发现，情节轻微，当场改正", 5_000, 10_000),
    Level(ORDINARY, "情节一般，在限期内改正", 10_000, 30_000),
    Level(SERIOUS, "涉及人数较多或曾因同类行为被责令改正", 30_000, 50_000),
    Level(GRAVE, "逾期未改正", 40_000, 50_000, SUSPEND),
)


def _v97(item: str, text: str, basis: str) -> Violation:
    return Violation(
        f"AQF-97-{item}",
        text,
        f"{LAW}{basis}",
        f"{LAW}第九十七条第（{_NUMERALS[item]}）项",
        0,
        200_000,
        _TEN_THEN_TWENTY,
    )


def _v99(item: str, text: str, basis: str) -> Violation:
    return Violation(
        f"AQF-99-{item}",
        text,
        f"{LAW}{basis}",
        f"{LAW}第九十九条第（{_NUMERALS[item]}）项",
        0,
        200_000,
        _FIVE_THEN_TWENTY,
    )


def _v101(item: str, text: str, basis: str) -> Violation:
    return Violation(
        f"AQF-101-{item}",
        text,
        f"{LAW}{basis}",
        f"{LAW}第一百零一条第（{_NUMERALS[item]}）项",
        0,
        200_000,
        _TEN_THEN_TWENTY,
    )


VIOLATIONS: tuple[Violation, ...] = (
    _v97(
        "1",
        "未按照规定设置安全生产管理机构或者配备安全生产管理人员、注册安全工程师",
        "第二十四条",
    ),
    _v97(
        "3",
        "未按照规定对从业人员、被派遣劳动者、实习学生进行安全生产教育和培训，"
        "或者未按照规定如实告知有关的安全生产事项",
        "第二十八条第一款",
    ),
    _v97("4", "未如实记录安全生产教育和培训情况", "第二十八条第四款"),
    _v97(
        "6",
        "未按照规定制定生产安全事故应急救援预案或者未定期组织演练",
        "第八十一条",
    ),
    _v97(
        "7",
        "特种作业人员未按照规定经专门的安全作业培训并取得相应资格，上岗作业",
        "第三十条第一款",
    ),
    _v99(
        "1",
        "未在有较大危险因素的生产经营场所和有关设施、设备上设置明显的安全警示标志",
        "第三十五条",
    ),
    _v99(
        "2",
        "安全设备的安装、使用、检测、改造和报废不符合国家标准或者行业标准",
        "第三十六条第一款",
    ),
    _v99("3", "未对安全设备进行经常性维护、保养和定期检测", "第三十六条第二款"),
    _v99(
        "5",
        "未为从业人员提供符合国家标准或者行业标准的劳动防护用品",
        "第四十五条",
    ),
    _v99(
        "8",
        "餐饮等行业的生产经营单位使用燃气未安装可燃气体报警装置",
        "第三十六条第四款",
    ),
    _v101(
        "2",
        "对重大危险源未登记建档，未进行定期检测、评估、监控，未制定应急预案，或者未告知应急措施",
        "第四十条第一款",
    ),
    _v101(
        "3",
        "进行爆破、吊装、动火、临时用电等危险作业，未安排专门人员进行现场安全管理",
        "第四十三条",
    ),
    _v101(
        "4",
        "未建立安全风险分级管控制度或者未按照安全风险分级采取相应管控措施",
        "第四十一条第一款",
    ),
    _v101(
        "5",
        "未建立事故隐患排查治理制度，或者重大事故隐患排查治理情况未按照规定报告",
        "第四十一条第二款",
    ),
    Violation(
        "AQF-102",
        "未采取措施消除事故隐患",
        f"{LAW}第四十一条第二款",
        f"{LAW}第一百零二条",
        0,
        50_000,
        (
            Level(MINOR, "一般事故隐患，在责令的期限内消除", 5_000, 10_000),
            Level(ORDINARY, "多项一般事故隐患未消除", 10_000, 30_000),
            Level(SERIOUS, "重大事故隐患未消除", 30_000, 50_000),
            Level(GRAVE, "拒不执行消除事故隐患的指令", 40_000, 50_000, SUSPEND),
        ),
    ),
    Violation(
        "AQF-105-1",
        "生产、经营、储存、使用危险物品的车间、商店、仓库与员工宿舍在同一座建筑物内，"
        "或者与员工宿舍的距离不符合安全要求",
        f"{LAW}第四十二条第一款",
        f"{LAW}第一百零五条第（一）项",
        0,
        50_000,
        _FIVE_THEN_SUSPEND,
    ),
    Violation(
        "AQF-105-2",
        "生产经营场所和员工宿舍未设有符合紧急疏散需要、标志明显、保持畅通的出口、疏散通道，"
        "或者占用、锁闭、封堵生产经营场所或者员工宿舍出口、疏散通道",
        f"{LAW}第四十二条第二款",
        f"{LAW}第一百零五条第（二）项",
        0,
        50_000,
        _FIVE_THEN_SUSPEND,
    ),
    Violation(
        "AQF-108",
        "拒绝、阻碍负有安全生产监督管理职责的部门依法实施监督检查，经责令改正拒不改正",
        f"{LAW}第六十六条",
        f"{LAW}第一百零八条",
        20_000,
        200_000,
        (
            Level(ORDINARY, "拖延、推诿检查，经责令拒不改正", 20_000, 50_000),
            Level(SERIOUS, "拒绝检查人员进入现场或隐匿、拒不提供有关资料", 50_000, 100_000),
            Level(GRAVE, "以暴力、威胁等方法阻碍检查或造成严重后果", 100_000, 200_000),
        ),
    ),
    Violation(
        "AQF-109",
        "高危行业、领域的生产经营单位未按照国家规定投保安全生产责任保险",
        f"{LAW}第五十一条第二款",
        f"{LAW}第一百零九条",
        50_000,
        200_000,
        (
            Level(ORDINARY, "首次被发现，在限期内投保", 50_000, 70_000),
            Level(SERIOUS, "保险中断后未续保或投保范围不足，在限期内改正", 70_000, 100_000),
            Level(GRAVE, "逾期未改正", 100_000, 200_000),
        ),
    ),
)


def rows() -> list[dict]:
    """One dict per (violation, level): the DiscretionRule fields."""
    return [
        {
            "code": v.code,
            "violation": v.violation,
            "violated_basis": v.violated_basis,
            "penalty_basis": v.penalty_basis,
            "circumstance": level.circumstance,
            "circumstance_note": level.note,
            "fine_min": level.fine_min,
            "fine_max": level.fine_max,
            "other_measures": level.other_measures,
        }
        for v in VIOLATIONS
        for level in v.levels
    ]
