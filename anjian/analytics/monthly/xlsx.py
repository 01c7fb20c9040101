"""The 区情月报's annex (附表) as Excel: one sheet per section with its numbers, and the
month's accident records — written through ``core.excel.write_tables``, so no text (a unit
name, a hazard title someone typed) ever becomes a formula."""

from io import BytesIO

from anjian.analytics.monthly import wording as w
from anjian.analytics.monthly.figures import AccidentLine, MonthlyFigures
from anjian.core.excel import write_tables


def _accident_rows(dimension: str, lines: list[AccidentLine]) -> list[list]:
    return [
        [
            dimension,
            line.label,
            line.month.accidents,
            line.month.deaths,
            line.year.accidents,
            line.year.deaths,
        ]
        for line in lines
    ]


def _accidents(f: MonthlyFigures) -> tuple:
    a = f.accidents
    period = w.period_label(f)
    rows = [
        ["合计", "本年", a.month.accidents, a.month.deaths, a.year.accidents, a.year.deaths],
        [
            "合计",
            "去年同期",
            a.month_last_year.accidents,
            a.month_last_year.deaths,
            a.year_last_year.accidents,
            a.year_last_year.deaths,
        ],
        *_accident_rows("等级", a.by_grade),
        *_accident_rows("类别", a.by_category),
        *_accident_rows(f.area_label, a.by_area),
    ]
    header = ["分组", "项目", "本月起数", "本月死亡", f"{period}起数", f"{period}死亡"]
    return ("事故情况", header, rows)


def _records(f: MonthlyFigures) -> tuple:
    header = [
        "事故编号",
        "发生时间",
        f.area_label,
        "事故单位",
        "类别",
        "等级",
        "死亡",
        "失踪",
        "重伤",
        "直接经济损失（元）",
    ]
    rows = [
        [
            r.number,
            r.occurred_at,
            r.area,
            r.unit_name,
            r.category,
            r.grade,
            r.deaths,
            r.missing,
            r.serious_injuries,
            r.direct_loss,
        ]
        for r in f.accidents.records
    ]
    return ("本月事故明细", header, rows)


def _indicators(f: MonthlyFigures) -> tuple:
    rows = [
        [
            line.label,
            line.unit,
            line.value if line.value is not None else line.reason,
            line.previous,
            line.change,
            line.change_percent,
            line.target,
            line.plan,
            w.verdict(line),
        ]
        for line in f.indicators.lines
    ]
    header = [
        "指标",
        "单位",
        "本年累计",
        "去年同期",
        "增减",
        "增减（%）",
        "目标",
        "规划",
        "完成情况",
    ]
    return ("指标完成情况", header, rows)


def _hazards(f: MonthlyFigures) -> list[tuple]:
    h = f.hazards
    totals = [
        ["本月发现", h.found],
        ["本月发现中已上账", h.registered],
        ["本月发现中已销号", h.closed],
        ["本月整改率（%）", h.rectification_rate],
        ["本月发现重大事故隐患", h.major],
        ["其中已销号", h.major_closed],
        ["去年同月发现", h.found_last_year],
        [f"{w.period_label(f)}发现", h.year_found],
        [f"{w.period_label(f)}已销号", h.year_closed],
        [f"{w.period_label(f)}整改率（%）", h.year_rectification_rate],
        [f"{w.period_label(f)}重大事故隐患", h.year_major],
        ["其中已销号", h.year_major_closed],
        ["现存未销号", h.open_now],
        ["现存重大事故隐患", h.major_open_now],
        ["逾期未整改", h.overdue],
        ["其中重大", h.overdue_major],
        ["7天内到期", h.due_soon],
    ]
    areas = [[r.label, r.found, r.closed, r.open, r.overdue, r.overdue_major] for r in h.by_area]
    months = [[f"{m}月", found, closed] for m, found, closed in h.by_month]
    return [
        ("隐患排查治理", ["项目", "数值"], totals),
        (
            f"隐患分{f.area_label}",
            [f.area_label, "本月发现", "其中已销号", "现存未销号", "逾期未整改", "其中重大"],
            areas,
        ),
        ("隐患分月", ["月份", "发现", "其中已销号"], months),
    ]


def _enforcement(f: MonthlyFigures) -> list[tuple]:
    e = f.enforcement
    totals = [
        [label, getattr(e.month, key), getattr(e.year, key)] for label, key in w.ENFORCEMENT_ITEMS
    ]
    for row, (_label, key) in zip(totals, w.ENFORCEMENT_ITEMS, strict=True):
        if key == "fines":
            row[0] = "罚款（元）"
    areas = [
        [r.label, r.done, r.inspected, r.findings, r.rectified, r.cases, r.fines] for r in e.by_area
    ]
    months = [[f"{m}月", n, rate] for m, n, rate in e.by_month]
    return [
        ("监督检查与执法", ["项目", "本月", f"{w.period_label(f)}累计"], totals),
        (
            f"执法分{f.area_label}",
            [
                f.area_label,
                "完成检查",
                "计划和双随机",
                "发现问题",
                "已整改",
                "处罚决定",
                "罚款（元）",
            ],
            areas,
        ),
        ("执法分月", ["月份", "已检查次数", "年度计划累计完成率（%）"], months),
    ]


def _tasks(f: MonthlyFigures) -> tuple:
    t = f.tasks
    rows = [
        ["年度监督检查计划", "应检查次数", t.year_planned],
        ["年度监督检查计划", "累计已检查", t.cumulative],
        ["年度监督检查计划", "完成率（%）", t.plan_rate],
        ["年度监督检查计划", "时序进度（%）", t.schedule_rate],
        ["挂牌督办", "督办中的重大事故隐患", t.listed],
        ["挂牌督办", "其中超过督办期限", t.listings_overdue],
        *[
            ["事故调查处理", w.STATE_LABELS.get(state, state), n]
            for state, n in t.accidents_by_state.items()
        ],
        *[
            [
                "挂牌督办隐患",
                f"{x.number} {x.title}",
                f"{x.unit}；{x.authority} {x.document_number}；期限{x.deadline.isoformat()}"
                + ("（逾期）" if x.overdue else ""),
            ]
            for x in t.listings
        ],
    ]
    return ("重点工作进展", ["工作", "项目", "数值"], rows)


def write_xlsx(figures: MonthlyFigures) -> bytes:
    """The annex as .xlsx bytes."""
    f = figures
    sheets = [
        _accidents(f),
        _records(f),
        _indicators(f),
        *_hazards(f),
        *_enforcement(f),
        ("监测预警", ["项目", "数值"], w.alarm_rows(f)),
        _tasks(f),
    ]
    about = [
        ("报告", f"{f.region_name}安全生产区情月报（{f.year}年{f.month}月）附表"),
        ("地区代码", f.region_code),
        ("生成时间", f.as_of),
        ("说明", "按发生、发现、检查月份统计；现存、逾期和设备在线数据为生成时的实时数据。"),
    ]
    if f.synthetic:
        about.append(("数据", "系统演示用合成数据，不反映真实情况"))
    buffer = BytesIO()
    write_tables(buffer, sheets=sheets, about=about)
    return buffer.getvalue()
