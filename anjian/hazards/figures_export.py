"""动态清零 as a workbook: the figures page's numbers, as shown, for filing and meetings."""

from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.excel import write_tables


def _rate(value) -> str:
    return "—" if value is None else f"{value}%"


def _headline(context: dict) -> tuple[list[list], list[str]]:
    figures = context["figures"]
    compared = context["comparisons"]
    comparison_labels = [str(entry["label"]) for entry in compared.get("found", [])]

    def row(label: str, value, name: str = "") -> list:
        changes = [entry["change"] for entry in compared.get(name, [])] if name else []
        return [label, value, *(changes or [""] * len(comparison_labels))]

    return [
        row(_("现存重大隐患（当前）"), figures.major_open),
        row(_("逾期未整改（当前）"), figures.overdue),
        row(_("其中重大（当前）"), figures.overdue_major),
        row(_("7天内到期（当前）"), figures.due_soon),
        row(_("未销号（当前）"), figures.open),
        row(_("发现隐患"), figures.found, "found"),
        row(_("其中重大"), figures.major, "major"),
        row(_("作废"), figures.voided),
        row(_("已上账"), figures.registered),
        row(_("上账率"), _rate(figures.registered_rate), "registered_rate"),
        row(_("已销号"), figures.closed),
        row(_("整改率"), _rate(figures.rectification_rate), "rectification_rate"),
        row(_("即查即改"), figures.on_spot),
        row(_("按期销号"), figures.closed_on_time),
        row(_("按期整改率"), _rate(figures.on_time_rate), "on_time_rate"),
        row(_("平均整改用时（天）"), figures.average_days, "average_days"),
    ], comparison_labels


def _breakdown(rows) -> list[list]:
    return [
        [
            row.label,
            row.found,
            row.closed,
            _rate(row.rectification_rate),
            row.overdue,
            row.major_open,
            row.open,
        ]
        for row in rows
    ]


def _breakdown_header(first: str) -> list[str]:
    return [
        first,
        _("发现"),
        _("销号"),
        _("整改率"),
        _("逾期（当前）"),
        _("现存重大（当前）"),
        _("未销号（当前）"),
    ]


def write_figures(target, context: dict, *, scope_label: str) -> None:
    headline, comparison_labels = _headline(context)
    months = (
        f"{context['month_from']} — {context['month_to']}" if context["month_from"] else _("全部")
    )
    sheets = [
        (_("动态清零"), [_("指标"), _("数值"), *comparison_labels], headline),
        (
            _("按来源"),
            [_("来源"), _("发现"), _("销号")],
            [[row["label"], row["found"], row["closed"]] for row in context["sources"]],
        ),
    ]
    breakdowns = context["breakdowns"]
    if breakdowns.get("region"):
        sheets.append((_("按区域"), _breakdown_header(_("区域")), _breakdown(breakdowns["region"])))
    if breakdowns.get("industry"):
        sheets.append(
            (_("按行业"), _breakdown_header(_("行业")), _breakdown(breakdowns["industry"]))
        )
    sheets.append((_("按月"), _breakdown_header(_("发现月份")), _breakdown(breakdowns["month"])))
    about = [
        (_("报表"), _("隐患动态清零统计")),
        (_("范围"), scope_label),
        (_("统计期（按发现时间）"), months),
        (_("行业"), context["industry"].name if context["industry"] else _("全部")),
        (_("说明"), _("标“当前”的各项为当前在办情况，不受统计期限制。")),
        (_("导出时间"), timezone.localtime().strftime("%Y-%m-%d %H:%M")),
    ]
    write_tables(target, sheets=sheets, about=about)
