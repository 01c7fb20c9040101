"""The 区情月报 as a Word document (python-docx), in the layout officials use: the title
"XX区安全生产区情月报（2026年11月）", 编制单位 and date, then 一 … 七, each with its
paragraph of figures (``wording``), its tables (a bold header row) and its charts (PNG
images from ``charts``, the Chinese caption beneath each: the images hold no CJK text).
A "合成数据" note heads the document when the installation's data is synthetic.
"""

from io import BytesIO

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from anjian.analytics.monthly import wording as w
from anjian.analytics.monthly.charts import Chart
from anjian.analytics.monthly.figures import MonthlyFigures

BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
TITLE_FONT = "方正小标宋简体"
CHART_WIDTH = Cm(15)
RECORDS_SHOWN = 50  # the month's accidents listed in the document (all in the annex)

SECTIONS = (
    "一、事故情况",
    "二、指标完成情况",
    "三、隐患排查治理",
    "四、监督检查与执法",
    "五、监测预警",
    "六、重点工作进展",
    "七、下步工作建议",
)


def title_of(figures: MonthlyFigures) -> str:
    return f"{figures.region_name}安全生产区情月报（{figures.year}年{figures.month}月）"


def issuer_of(figures: MonthlyFigures) -> str:
    return f"{figures.region_name}安全生产委员会办公室"


def _font(run, name: str, size: float | None = None, *, bold: bool = False) -> None:
    run.font.name = name
    run.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if size:
        run.font.size = Pt(size)
    run.font.bold = bold


class _Writer:
    def __init__(self, figures: MonthlyFigures, charts: dict[str, Chart]):
        self.figures, self.charts = figures, charts
        self.document = Document()
        self.tables = 0
        self.images = 0
        normal = self.document.styles["Normal"]
        normal.font.name = BODY_FONT
        normal.font.size = Pt(12)
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)

    def paragraph(self, text: str, *, centre=False, size=None, bold=False, font=BODY_FONT):
        paragraph = self.document.add_paragraph()
        if centre:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        else:
            paragraph.paragraph_format.first_line_indent = Pt(24)
        _font(paragraph.add_run(text), font, size, bold=bold)
        return paragraph

    def heading(self, text: str, level: int = 1) -> None:
        heading = self.document.add_heading(level=level)
        run = heading.add_run(text)
        _font(run, HEADING_FONT, 16 if level == 1 else 14, bold=True)
        run.font.color.rgb = RGBColor(0, 0, 0)  # the default template's headings are blue

    def table(self, caption: str, header: list[str], rows: list[list]) -> None:
        self.tables += 1
        self.paragraph(f"表{self.tables} {caption}", centre=True, size=10.5, bold=True)
        table = self.document.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(str(text)), HEADING_FONT, 10, bold=True)
        for row in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = ""
                _font(cell.paragraphs[0].add_run(w.number(value)), BODY_FONT, 10)
        self.document.add_paragraph()

    def chart(self, key: str) -> None:
        chart = self.charts.get(key)
        if chart is None:
            return
        self.document.add_picture(BytesIO(chart.png), width=CHART_WIDTH)
        self.document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.images += 1
        self.paragraph(f"图{self.images} {chart.caption}", centre=True, size=10.5)

    def text(self, paragraphs: list[str]) -> None:
        for text in paragraphs:
            self.paragraph(text)

    # --- the document -------------------------------------------------------------------

    def write(self) -> bytes:
        f = self.figures
        properties = self.document.core_properties
        properties.title, properties.author = title_of(f), issuer_of(f)
        self.paragraph(title_of(f), centre=True, size=22, font=TITLE_FONT)
        self.paragraph(f"编制单位：{issuer_of(f)}", centre=True, size=12)
        self.paragraph(f"编制日期：{w.day_label(f.as_of)}", centre=True, size=12)
        if f.synthetic:
            self.paragraph(
                "注：本报告数据为系统演示用合成数据，不反映真实安全生产情况。",
                centre=True,
                size=10.5,
                bold=True,
            )
        self.accidents()
        self.indicators()
        self.hazards()
        self.enforcement()
        self.alarms()
        self.tasks()
        self.heading(SECTIONS[6])
        for number, text in enumerate(w.suggestions(f), start=1):
            self.paragraph(f"{number}. {text}")
        self.paragraph(
            f"说明：本报告数据由系统于{w.day_label(f.as_of)}自动生成；事故、隐患、执法数据按"
            "发生（发现、检查）月份统计，现存、逾期和设备在线数据为生成时的实时数据；"
            "详细数据见附表（Excel）。",
            size=10.5,
        )
        buffer = BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()

    def accidents(self) -> None:
        f, a = self.figures, self.figures.accidents
        self.heading(SECTIONS[0])
        self.text(w.accidents_summary(f))
        header = [
            "",
            "本月起数",
            "本月死亡",
            f"{w.period_label(f)}起数",
            f"{w.period_label(f)}死亡",
        ]
        self.table(
            "事故分级统计",
            ["等级", *header[1:]],
            [*w.accident_rows(a.by_grade), w.accident_total_row(a.month, a.year)],
        )
        if a.by_category:
            self.table("事故分类别统计", ["类别", *header[1:]], w.accident_rows(a.by_category))
        if a.by_area:
            self.table(
                f"事故分{f.area_label}统计", [f.area_label, *header[1:]], w.accident_rows(a.by_area)
            )
        if a.records:
            shown = a.records[:RECORDS_SHOWN]
            self.table(
                "本月事故一览",
                [
                    "编号",
                    "发生时间",
                    f.area_label,
                    "事故单位",
                    "类别",
                    "等级",
                    "死亡",
                    "失踪",
                    "重伤",
                ],
                [
                    [
                        r.number,
                        f"{r.occurred_at.month}月{r.occurred_at.day}日{r.occurred_at:%H:%M}",
                        r.area,
                        r.unit_name,
                        r.category,
                        r.grade,
                        r.deaths,
                        r.missing,
                        r.serious_injuries,
                    ]
                    for r in shown
                ],
            )
            if a.records_total > len(shown):
                self.paragraph(f"另有{a.records_total - len(shown)}起事故见附表。")
        self.chart("accidents")

    def indicators(self) -> None:
        f = self.figures
        self.heading(SECTIONS[1])
        self.text(w.indicators_summary(f))
        self.table(
            f"主要指标完成情况（{w.period_label(f)}累计）",
            ["指标", "本年", "去年同期", "增减", "目标", "完成情况"],
            w.indicator_rows(f),
        )
        self.chart("deaths_trend")

    def hazards(self) -> None:
        f, h = self.figures, self.figures.hazards
        self.heading(SECTIONS[2])
        self.text(w.hazards_summary(f))
        if w.hazards_empty(f):
            return
        if h.by_area:
            self.table(
                f"隐患排查治理分{f.area_label}情况",
                [f.area_label, "本月发现", "其中已销号", "现存未销号", "逾期未整改", "其中重大"],
                [
                    [r.label, r.found, r.closed, r.open, r.overdue, r.overdue_major]
                    for r in h.by_area
                ],
            )
        self.chart("hazards")

    def enforcement(self) -> None:
        f, e = self.figures, self.figures.enforcement
        self.heading(SECTIONS[3])
        self.text(w.enforcement_summary(f))
        if w.enforcement_empty(f):
            return
        self.table(
            "监督检查与执法情况",
            ["项目", "本月", f"{w.period_label(f)}累计"],
            [
                [label, w.enforcement_value(e.month, key), w.enforcement_value(e.year, key)]
                for label, key in w.ENFORCEMENT_ITEMS
            ],
        )
        if e.by_area:
            self.table(
                f"本月监督检查分{f.area_label}情况",
                [f.area_label, "完成检查", "发现问题", "已整改", "处罚决定", "罚款（万元）"],
                [
                    [r.label, r.done, r.findings, r.rectified, r.cases, w.wan_yuan(r.fines)]
                    for r in e.by_area
                ],
            )
        self.chart("inspections")

    def alarms(self) -> None:
        f = self.figures
        self.heading(SECTIONS[4])
        self.text(w.alarms_summary(f))
        if not w.alarms_empty(f):
            self.table("监测预警情况", ["项目", "数值"], w.alarm_rows(f))

    def tasks(self) -> None:
        f, t = self.figures, self.figures.tasks
        self.heading(SECTIONS[5])
        self.paragraph("（一）年度监督检查计划", bold=True)
        self.paragraph(w.plan_progress(f))
        self.paragraph("（二）重大事故隐患挂牌督办", bold=True)
        self.paragraph(w.listing_progress(f))
        if t.listings:
            self.table(
                "挂牌督办中的重大事故隐患",
                ["隐患编号", "隐患名称", "责任单位", "督办单位", "督办期限", "是否逾期"],
                [
                    [
                        x.number,
                        x.title,
                        x.unit,
                        x.authority,
                        x.deadline.isoformat(),
                        "逾期" if x.overdue else "未逾期",
                    ]
                    for x in t.listings
                ],
            )
        self.paragraph("（三）事故调查处理", bold=True)
        self.paragraph(w.investigation_progress(f))


def write_docx(figures: MonthlyFigures, charts: dict[str, Chart]) -> bytes:
    """The report as .docx bytes."""
    return _Writer(figures, charts).write()
