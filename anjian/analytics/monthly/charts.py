"""The report's charts as PNG images (matplotlib, Agg: no display, no pyplot state).

The servers have no CJK fonts, so a chart carries only digits and Latin text — month
numbers, years, values; its Chinese title and what each colour means are written beside
it in the document (``CHARTS`` gives that caption). Each chart is a figure object of its
own (``matplotlib.figure.Figure``), never pyplot's global one: two reports generated at
once in one process do not draw on each other.

matplotlib is imported when a chart is drawn, not with this module: it takes most of a
second, and the app imports this module at start-up (the job's handler is registered
then) in every process — web, worker, each command — of which few ever draw a chart.
"""

from dataclasses import dataclass
from io import BytesIO

from anjian.analytics.monthly.figures import MonthlyFigures
from anjian.analytics.monthly.wording import period_label

DPI = 150
SIZE = (6.4, 2.8)  # inches: 15 cm wide in the document
THIS_YEAR, LAST_YEAR, SECOND = "#206bc4", "#a8b8cc", "#f59f00"


@dataclass(frozen=True)
class Chart:
    key: str
    caption: str  # the Chinese title, written under the image (the writer numbers it)
    png: bytes


def _figure():
    """A new figure (not pyplot's) on the Agg canvas, and its axes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=SIZE, dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.spines[["top", "right"]].set_visible(False)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(axis="y", alpha=0.3)
    axes.set_axisbelow(True)
    return figure, axes


def _png(figure) -> bytes:
    buffer = BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _paired_bars(axes, labels, first, second, colours, legend=None) -> None:
    """Two bars per label (``first`` left, ``second`` right)."""
    width = 0.4
    positions = list(range(len(labels)))
    axes.bar([p - width / 2 for p in positions], first, width, color=colours[0])
    axes.bar([p + width / 2 for p in positions], second, width, color=colours[1])
    axes.set_xticks(positions, [str(label) for label in labels])
    if legend:
        axes.legend(legend, frameon=False, fontsize=8)
    axes.set_ylim(bottom=0)


def accidents_by_month(figures: MonthlyFigures) -> Chart:
    figure, axes = _figure()
    rows = figures.accidents.by_month
    _paired_bars(
        axes,
        [m for m, _now, _then in rows],
        [then.accidents for _m, _now, then in rows],
        [now.accidents for _m, now, _then in rows],
        (LAST_YEAR, THIS_YEAR),
        legend=(str(figures.year - 1), str(figures.year)),
    )
    caption = (
        f"{figures.year}年{period_label(figures)}各月事故起数"
        f"（浅色为{figures.year - 1}年同月，深色为{figures.year}年）"
    )
    return Chart("accidents", caption, _png(figure))


def deaths_trend(figures: MonthlyFigures) -> Chart:
    figure, axes = _figure()
    line = next(line for line in figures.indicators.lines if line.key == "deaths")
    years = [year for year, _value in line.trend]
    values = [int(value or 0) for _year, value in line.trend]
    axes.plot(range(len(years)), values, marker="o", color=THIS_YEAR)
    for position, value in enumerate(values):
        axes.annotate(
            str(value),
            (position, value),
            textcoords="offset points",
            xytext=(0, 5),
            ha="center",
            fontsize=8,
        )
    axes.set_xticks(range(len(years)), [str(year) for year in years])
    axes.set_ylim(bottom=0, top=max([*values, 1]) * 1.25)
    caption = f"近{len(years)}年{period_label(figures)}生产安全事故死亡人数"
    return Chart("deaths_trend", caption, _png(figure))


def hazards_by_month(figures: MonthlyFigures) -> Chart:
    figure, axes = _figure()
    rows = figures.hazards.by_month
    _paired_bars(
        axes,
        [m for m, _f, _c in rows],
        [f for _m, f, _c in rows],
        [c for _m, _f, c in rows],
        (THIS_YEAR, SECOND),
    )
    caption = (
        f"{figures.year}年{period_label(figures)}各月发现隐患数及其中已销号数"
        "（蓝色为发现，橙色为已销号）"
    )
    return Chart("hazards", caption, _png(figure))


def inspections_by_month(figures: MonthlyFigures) -> Chart:
    figure, axes = _figure()
    rows = figures.enforcement.by_month
    months = [m for m, _n, _rate in rows]
    axes.bar(range(len(months)), [n for _m, n, _rate in rows], 0.6, color=THIS_YEAR)
    axes.set_xticks(range(len(months)), [str(m) for m in months])
    axes.set_ylim(bottom=0)
    rates = [rate for _m, _n, rate in rows]
    if any(rate is not None for rate in rates):
        twin = axes.twinx()
        twin.plot(range(len(months)), [rate or 0 for rate in rates], marker="o", color=SECOND)
        twin.set_ylim(0, max(100, *[rate or 0 for rate in rates]) * 1.05)
        twin.yaxis.set_major_formatter("{x:.0f}%")
        twin.spines[["top"]].set_visible(False)
    caption = (
        f"{figures.year}年{period_label(figures)}各月完成监督检查次数（柱）"
        "及年度检查计划累计完成率（折线）"
    )
    return Chart("inspections", caption, _png(figure))


def draw(figures: MonthlyFigures) -> dict[str, Chart]:
    """The report's charts by key: the accidents' always (this year beside the last, the
    five-year trend); the hazards' and the inspections' when the year has any."""
    makers = [accidents_by_month, deaths_trend]
    if figures.hazards.year_found:
        makers.append(hazards_by_month)
    enforcement = figures.enforcement
    if enforcement.year.done or enforcement.year_planned:
        makers.append(inspections_by_month)
    return {chart.key: chart for chart in (make(figures) for make in makers)}
