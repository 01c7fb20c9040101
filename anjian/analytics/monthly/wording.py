"""The report's sentences, written from the figures (pure: no database).

Each section opens with a paragraph that states its figures the way a 区情月报 does
("全区共发生生产安全事故3起，死亡4人，同比减少1起"); a section whose module has nothing
for the month says so in words, with 无. 七、下步工作建议 are sentences chosen by the
figures: where accidents or overdue hazards concentrate, a target not met, the inspection
plan behind the calendar, alarms not disposed, devices offline.
"""

from decimal import Decimal

from anjian.analytics.monthly.figures import AccidentLine, MonthlyFigures, Tally

ONLINE_RATE_EXPECTED = 90.0  # 设备在线率 below this is pointed out
MAJOR_GRADES = ("larger", "major", "extraordinary")


# --- numbers as text --------------------


def number(value) -> str:
    """A figure as printed: "—" for none, a rate with its decimals, 0.0100 → "0.01"."""
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def percent(value) -> str:
    return "—" if value is None else f"{value:.1f}%"


def wan_yuan(yuan) -> str:
    """元 → 万元 with two decimals."""
    return f"{Decimal(yuan or 0) / 10000:.2f}"


def change(now: int, then: int, unit: str) -> str:
    """同比 of two counts: "同比增加2起（上升50.0%）", "同比减少1人", "与去年同期持平"."""
    difference = now - then
    if difference == 0:
        return "与去年同期持平"
    word = "增加" if difference > 0 else "减少"
    text = f"同比{word}{abs(difference)}{unit}"
    if then:
        direction = "上升" if difference > 0 else "下降"
        text += f"（{direction}{abs(difference) * 100 / then:.1f}%）"
    return text


def signed(value) -> str:
    if value is None:
        return "—"
    return f"+{number(value)}" if value > 0 else number(value)


def month_label(figures: MonthlyFigures) -> str:
    return f"{figures.year}年{figures.month}月"


def period_label(figures: MonthlyFigures) -> str:
    return "1月" if figures.month == 1 else f"1—{figures.month}月"


def day_label(moment) -> str:
    return f"{moment.year}年{moment.month}月{moment.day}日"


def _most(lines, attribute) -> tuple[str, int] | None:
    """The label with the largest ``attribute`` (a name or a function of the line), or
    None when all are 0 or two share the largest: "most" only when one stands out."""
    values = [
        (line.label, attribute(line) if callable(attribute) else getattr(line, attribute))
        for line in lines
    ]
    values = sorted((v for v in values if v[1]), key=lambda v: -v[1])
    if not values or (len(values) > 1 and values[1][1] == values[0][1]):
        return None
    return values[0]


# --- 一、事故情况 --------------------


def accidents_summary(figures: MonthlyFigures) -> list[str]:
    a = figures.accidents
    region, month = figures.region_name, month_label(figures)
    last = a.month_last_year
    paragraphs = []
    if a.month.accidents == 0:
        paragraphs.append(
            f"{month}，{region}无生产安全事故发生（死亡0人）；去年同月发生事故"
            f"{last.accidents}起，死亡{last.deaths}人。"
        )
    else:
        text = (
            f"{month}，{region}共发生生产安全事故{a.month.accidents}起，死亡{a.month.deaths}人，"
            f"起数{change(a.month.accidents, last.accidents, '起')}，"
            f"死亡人数{change(a.month.deaths, last.deaths, '人')}。"
        )
        grave = sum(line.month.accidents for line in a.by_grade if line.key in MAJOR_GRADES)
        text += f"其中较大及以上事故{grave}起。" if grave else "均为一般事故。"
        details = []
        top = _most(a.by_category, lambda line: line.month.accidents)
        if top:
            details.append(f"从类别看，{top[0]}事故最多（{top[1]}起）")
        area = _most(a.by_area, lambda line: line.month.accidents)
        if area:
            details.append(f"从{figures.area_label}看，{area[0]}最多（{area[1]}起）")
        if details:
            text += "；".join(details) + "。"
        paragraphs.append(text)
    paragraphs.append(
        f"{period_label(figures)}累计发生生产安全事故{a.year.accidents}起，死亡{a.year.deaths}人，"
        f"起数{change(a.year.accidents, a.year_last_year.accidents, '起')}，"
        f"死亡人数{change(a.year.deaths, a.year_last_year.deaths, '人')}。"
    )
    if a.pending_missing:
        paragraphs.append(f"另有失踪{a.pending_missing}人尚在伤亡补报期内，暂未计入死亡人数。")
    return paragraphs


def accident_rows(lines: list[AccidentLine]) -> list[list]:
    return [
        [line.label, line.month.accidents, line.month.deaths, line.year.accidents, line.year.deaths]
        for line in lines
    ]


def accident_total_row(month: Tally, year: Tally) -> list:
    return ["合计", month.accidents, month.deaths, year.accidents, year.deaths]


# --- 二、指标完成情况 --------------------


def verdict(line) -> str:
    if not line.target:
        return "未设目标"
    if line.met is True:
        return "达到目标"
    if line.met is False:
        return "未达到目标"
    return f"暂无法判断（{line.verdict_reason}）" if line.verdict_reason else "暂无法判断"


def indicators_summary(figures: MonthlyFigures) -> list[str]:
    lines = figures.indicators.lines
    targeted = [line for line in lines if line.target]
    paragraphs = []
    if not targeted:
        paragraphs.append(f"{figures.region_name}及上级规划尚未设定适用于本年度的指标目标（无）。")
    else:
        met = sum(1 for line in targeted if line.met is True)
        missed = sum(1 for line in targeted if line.met is False)
        unknown = len(targeted) - met - missed
        paragraphs.append(
            f"截至{figures.month}月，有规划目标的指标{len(targeted)}项：达到目标{met}项，"
            f"未达到{missed}项，暂无法判断{unknown}项。指标按{period_label(figures)}累计计算，"
            "与全年目标比较，全年数据以年度统计为准。"
        )
    if figures.indicators.denominator_missing:
        paragraphs.append(
            f"{figures.year}年度指标分母（地区生产总值、工矿商贸就业人员、机动车保有量）"
            "尚未填报，相应比率指标暂无法计算。"
        )
    return paragraphs


def indicator_rows(figures: MonthlyFigures) -> list[list]:
    rows = []
    for line in figures.indicators.lines:
        value = number(line.value) if line.value is not None else (line.reason or "—")
        rows.append(
            [
                f"{line.label}（{line.unit}）",
                value,
                number(line.previous),
                signed(line.change),
                line.target or "—",
                verdict(line),
            ]
        )
    return rows


# --- 三、隐患排查治理 --------------------


def hazards_empty(figures: MonthlyFigures) -> bool:
    h = figures.hazards
    return not (h.found or h.year_found or h.open_now or h.by_area)


def hazards_summary(figures: MonthlyFigures) -> list[str]:
    h = figures.hazards
    if hazards_empty(figures):
        return [f"{month_label(figures)}，{figures.region_name}无隐患排查治理数据（无）。"]
    return [
        f"{month_label(figures)}共排查发现隐患{h.found}项，已上账{h.registered}项，已销号"
        f"{h.closed}项，整改率{percent(h.rectification_rate)}；其中重大事故隐患{h.major}项，"
        f"已销号{h.major_closed}项。发现隐患数{change(h.found, h.found_last_year, '项')}。",
        f"{period_label(figures)}累计发现隐患{h.year_found}项，已销号{h.year_closed}项，整改率"
        f"{percent(h.year_rectification_rate)}；其中重大事故隐患{h.year_major}项，已销号"
        f"{h.year_major_closed}项。",
        f"截至{day_label(figures.as_of)}，未销号隐患{h.open_now}项（其中重大事故隐患"
        f"{h.major_open_now}项），逾期未整改{h.overdue}项（其中重大{h.overdue_major}项），"
        f"7天内到期{h.due_soon}项。",
    ]


# --- 四、监督检查与执法 --------------------


def enforcement_empty(figures: MonthlyFigures) -> bool:
    e = figures.enforcement
    return not (e.month.done or e.year.done or e.month.cases or e.year.cases or e.year_planned)


def enforcement_summary(figures: MonthlyFigures) -> list[str]:
    e = figures.enforcement
    if enforcement_empty(figures):
        return [f"{month_label(figures)}，{figures.region_name}无监督检查执法记录（无）。"]
    m, y = e.month, e.year
    return [
        f"{month_label(figures)}完成监督检查{m.done}次（其中计划检查和双随机抽查{m.inspected}次），"
        f"发现问题{m.findings}项，已整改{m.rectified}项，整改率{percent(m.rectification_rate)}；"
        f"有违法行为的检查{m.violating}次，实施处罚{m.punished}次，处罚率"
        f"{percent(m.penalty_rate)}；作出行政处罚决定{m.cases}件，罚款{wan_yuan(m.fines)}万元。",
        f"{period_label(figures)}累计完成监督检查{y.done}次，其中计划检查和双随机抽查"
        f"{y.inspected}次，检查率{percent(y.inspection_rate)}（应检查{y.planned}次）；"
        f"整改率{percent(y.rectification_rate)}，处罚率{percent(y.penalty_rate)}；"
        f"行政处罚决定{y.cases}件，罚款{wan_yuan(y.fines)}万元。",
    ]


ENFORCEMENT_ITEMS = (
    ("应检查次数", "planned"),
    ("已检查次数（计划、双随机）", "inspected"),
    ("完成检查次数（全部）", "done"),
    ("检查率（%）", "inspection_rate"),
    ("发现问题数", "findings"),
    ("已整改", "rectified"),
    ("整改率（%）", "rectification_rate"),
    ("有违法行为的检查", "violating"),
    ("实施处罚的检查", "punished"),
    ("处罚率（%）", "penalty_rate"),
    ("行政处罚决定（件）", "cases"),
    ("罚款（万元）", "fines"),
    ("四不两直检查", "unannounced"),
)


def enforcement_value(line, attribute: str):
    value = getattr(line, attribute)
    if attribute == "fines":
        return wan_yuan(value)
    return number(value) if isinstance(value, float) or value is None else value


# --- 五、监测预警 --------------------


def alarms_empty(figures: MonthlyFigures) -> bool:
    a = figures.alarms
    return not (a.devices or a.raised or a.sources_monitored)


def alarms_summary(figures: MonthlyFigures) -> list[str]:
    a = figures.alarms
    if alarms_empty(figures):
        return [
            f"{figures.region_name}尚未接入在线监测设备，{month_label(figures)}无监测预警数据（无）。"
        ]
    return [
        f"{month_label(figures)}监测设备共报警{a.raised}起，其中一级报警{a.first_grade}起、"
        f"二级报警{a.second_grade}起；已处置{a.disposed}起，处置率{percent(a.disposal_rate)}，"
        f"尚未处置{a.open}起（其中未确认{a.unacknowledged}起）；处置中核实为误报"
        f"{a.false_alarms}起，误报率{percent(a.false_alarm_rate)}。",
        f"截至{day_label(figures.as_of)}，接入在线监测设备{a.devices}台，在线{a.online}台，"
        f"在线率{percent(a.online_rate)}。",
        coverage_summary(figures),
    ]


def coverage_summary(figures: MonthlyFigures) -> str:
    """重大危险源在线监测率: the sources that must be monitored, those covered, and why the
    rest are not."""
    a = figures.alarms
    if not a.sources_monitored:
        return "须在线监测的重大危险源0个（无）。"
    text = (
        f"须在线监测的重大危险源{a.sources_monitored}个，全部应监测项按时上报的"
        f"{a.sources_covered}个，重大危险源在线监测率{percent(a.coverage_rate)}"
    )
    gaps = [
        (label, n)
        for label, n in (
            ("未关联监测设备", a.sources_no_device),
            ("缺少应监测项", a.sources_missing),
            ("设备离线或未按时上报", a.sources_offline),
        )
        if n
    ]
    if gaps:
        text += "；未覆盖的：" + "、".join(f"{label}{n}个" for label, n in gaps)
    return text + "。"


def alarm_rows(figures: MonthlyFigures) -> list[list]:
    """(item, value) — values as numbers (None: no rate), formatted by the writer."""
    a = figures.alarms
    return [
        ["报警总数（起）", a.raised],
        ["一级报警（起）", a.first_grade],
        ["二级报警（起）", a.second_grade],
        ["已处置（起）", a.disposed],
        ["处置率（%）", a.disposal_rate],
        ["未处置（起）", a.open],
        ["其中未确认（起）", a.unacknowledged],
        ["误报（起）", a.false_alarms],
        ["误报率（%）", a.false_alarm_rate],
        ["接入设备（台）", a.devices],
        ["在线设备（台）", a.online],
        ["设备在线率（%）", a.online_rate],
        ["须在线监测的重大危险源（个）", a.sources_monitored],
        ["其中全部应监测项按时上报（个）", a.sources_covered],
        ["重大危险源在线监测率（%）", a.coverage_rate],
    ]


# --- 六、重点工作进展 --------------------

STATE_LABELS = {
    "reported": "已报告、待调查",
    "investigating": "调查中",
    "closed": "已结案",
    "evaluated": "已完成整改措施落实后评估",
}


def plan_progress(figures: MonthlyFigures) -> str:
    t = figures.tasks
    if not t.year_planned:
        return f"{figures.year}年度尚无已批准的年度监督检查计划或双随机抽查任务（无）。"
    text = (
        f"年度监督检查计划及双随机抽查应检查{t.year_planned}次，{period_label(figures)}已完成"
        f"{t.cumulative}次，完成率{percent(t.plan_rate)}，时序进度{percent(t.schedule_rate)}"
    )
    if t.plan_rate is not None and t.plan_rate < t.schedule_rate:
        return text + "，进度滞后。"
    return text + "，符合时序进度。"


def listing_progress(figures: MonthlyFigures) -> str:
    t = figures.tasks
    if not t.listed:
        return "目前无挂牌督办中的重大事故隐患（无）。"
    return f"目前挂牌督办中的重大事故隐患{t.listed}项，其中已超过督办期限{t.listings_overdue}项。"


def investigation_progress(figures: MonthlyFigures) -> str:
    states = figures.tasks.accidents_by_state
    if not any(states.values()):
        return f"{figures.year}年度无事故调查处理任务（无）。"
    parts = [f"{STATE_LABELS.get(state, state)}{n}起" for state, n in states.items()]
    return f"{figures.year}年{period_label(figures)}发生的事故中，" + "，".join(parts) + "。"


# --- 七、下步工作建议 --------------------


def suggestions(figures: MonthlyFigures) -> list[str]:
    """What the figures call for, most pressing first; one standing sentence when nothing
    stands out."""
    found = []
    a, h, t, al = figures.accidents, figures.hazards, figures.tasks, figures.alarms
    area = _most(a.by_area, lambda line: line.month.accidents)
    if area:
        found.append(
            f"{area[0]}本月发生事故{area[1]}起，为各{figures.area_label}最多，建议对其开展警示"
            "约谈，督促举一反三排查同类风险。"
        )
    if a.year.deaths > a.year_last_year.deaths:
        found.append(
            f"{period_label(figures)}事故死亡人数"
            f"{change(a.year.deaths, a.year_last_year.deaths, '人')}，"
            "须加强重点行业领域监管，严防事故反弹。"
        )
    for line in figures.indicators.lines:
        if line.met is False:
            found.append(
                f"{line.label}为{number(line.value)}{line.unit}，未达到规划目标（{line.target}），"
                "须分析原因、制定针对性措施。"
            )
    overdue = _most(h.by_area, "overdue")
    if overdue:
        found.append(
            f"逾期未整改隐患集中在{overdue[0]}（{overdue[1]}项），建议督促其限期整改，"
            "逾期仍未整改的依法处理。"
        )
    if h.major_open_now:
        found.append(
            f"现存未销号重大事故隐患{h.major_open_now}项，须落实“五到位”，对逾期的挂牌督办。"
        )
    if t.listings_overdue:
        found.append(f"挂牌督办隐患中有{t.listings_overdue}项已超过督办期限，须加大督办力度。")
    if t.year_planned and t.plan_rate is not None and t.plan_rate < t.schedule_rate:
        found.append(
            f"年度监督检查计划完成率{percent(t.plan_rate)}，低于时序进度"
            f"{percent(t.schedule_rate)}，须加快检查进度。"
        )
    if al.open:
        found.append(f"本月仍有{al.open}起监测报警未处置，须督促企业及时确认和处置。")
    if al.devices and al.online_rate is not None and al.online_rate < ONLINE_RATE_EXPECTED:
        found.append(
            f"监测设备在线率{percent(al.online_rate)}，低于{ONLINE_RATE_EXPECTED:.0f}%，"
            "须督促企业排除设备和网络故障。"
        )
    if al.sources_monitored and al.sources_covered < al.sources_monitored:
        found.append(
            f"重大危险源在线监测率{percent(al.coverage_rate)}，未达100%"
            f"（{al.sources_monitored - al.sources_covered}个重大危险源的应监测项未全部按时上报），"
            "须督促企业补装、关联监测设备并保持在线。"
        )
    if not found:
        found.append("本月各项工作运行平稳，建议继续保持监管力度，抓好重点行业领域安全防范。")
    return found
