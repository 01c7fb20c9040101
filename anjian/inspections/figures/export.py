"""执法统计 as a workbook: the page's numbers, as shown, for filing and meetings (through
``core.excel.write_tables``: no text becomes a formula)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.excel import write_tables
from anjian.inspections.figures.page import BREAKDOWN_COLUMNS, MONTH_COLUMNS, percent


def _value(row, column):
    value = getattr(row, column.name)
    return percent(value) if column.is_rate else value


def _rows(rows, columns) -> list[list]:
    return [[str(row.label), *(_value(row, column) for column in columns)] for row in rows]


def _header(first: str, columns) -> list[str]:
    return [first, *(str(column.label) for column in columns)]


def _headline(context: dict) -> list[list]:
    total, rates = context["total"], context["rates"]
    return [
        [_("应检查次数"), total.planned],
        [_("其中：年度计划检查次数"), total.plan_visits],
        [_("其中：双随机抽查任务"), total.drawn_tasks],
        [_("已检查次数"), total.inspected],
        [_("检查率"), rates["inspection"]],
        [_("全部已完成检查"), total.done],
        [_("发现问题"), total.findings],
        [_("已整改"), total.rectified],
        [_("整改率"), rates["rectification"]],
        [_("有违法行为的检查"), total.violating],
        [_("实施处罚的检查"), total.punished],
        [_("处罚率"), rates["penalty"]],
        [_("处罚案件"), total.punished_cases],
        [_("其他来源处罚"), total.other_cases],
        [_("罚款案件"), total.fined_cases],
        [_("罚款金额（元）"), total.fines],
        [_("检查单位"), total.units],
        [_("覆盖单位"), total.covered],
        [_("对象库单位"), total.pool],
        [_("覆盖率"), rates["coverage"]],
        [_("四不两直"), total.unannounced],
        [_("四不两直占比"), rates["unannounced"]],
        [_("全年应检查次数"), context["report"].year_planned],
    ]


def write_figures(target, context: dict, *, scope_label: str) -> None:
    report, filters = context["report"], context["filters"]
    period = filters.period
    sheets = [(_("执法统计"), [_("指标"), _("数值")], _headline(context))]
    if report.departments:
        sheets.append(
            (
                _("按部门"),
                _header(_("部门"), BREAKDOWN_COLUMNS),
                _rows(report.departments, BREAKDOWN_COLUMNS),
            )
        )
    if report.regions:
        title = str(context["region_title"])
        sheets.append(
            (title, _header(_("区域"), BREAKDOWN_COLUMNS), _rows(report.regions, BREAKDOWN_COLUMNS))
        )
    sheets.append(
        (_("按月份"), _header(_("月份"), MONTH_COLUMNS), _rows(report.months, MONTH_COLUMNS))
    )
    about = [
        (_("报表"), _("执法统计（检查率、整改率、处罚率）")),
        (_("范围"), scope_label),
        (_("统计期"), f"{period.year}年{period.month_from}月—{period.month_to}月"),
        (_("部门"), filters.department_name or _("全部")),
        (_("区域"), context["region_name"] or _("全部")),
        *((str(term), str(meaning)) for term, meaning in context["definitions"]),
        (_("导出时间"), timezone.localtime().strftime("%Y-%m-%d %H:%M")),
    ]
    write_tables(target, sheets=sheets, about=about)
