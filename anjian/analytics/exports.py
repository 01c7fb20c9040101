"""指标与统计 as workbooks, all through ``core.excel`` (no text ever becomes a formula):

- ``write_indicators``: the indicators page as shown — each figure with what it was
  computed from, last year's, the change, the target and the verdict; the five-year trend;
  the breakdowns; the definitions — for filing and meetings;
- ``write_denominators``: the denominators in the user's scope with exactly the import's
  columns (``importer.COLUMNS``), so an exported file, corrected, imports again.
"""

from dataclasses import replace

from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.analytics.importer import COLUMNS
from anjian.core.excel import write_ledger, write_tables
from anjian.core.models import SiteFlag


def _demo_note() -> list[tuple[str, str]]:
    if SiteFlag.objects.filter(key=SiteFlag.DEMO_DATA).exists():
        return [(_("说明"), _("本文件数据为系统生成的演示数据（合成），不代表真实情况"))]
    return []


def _verdict(target: dict | None) -> str:
    if target is None:
        return _("无目标")
    if target["met"] is None:
        return _("无法判断：%(reason)s") % {"reason": target["reason"]}
    return _("达标") if target["met"] else _("未达标")


def _basis(target: dict | None) -> str:
    if target is None:
        return ""
    basis = str(target["plan"].name)
    if target["inherited"]:
        basis = _("%(name)s（%(region)s，沿用上级目标）") % {
            "name": basis,
            "region": target["plan"].region.name,
        }
    return basis


def _indicator_rows(cards: list[dict]) -> list[list]:
    rows = []
    for shown in cards:
        target, raw = shown["target"], shown["raw"]
        previous = raw["previous"]
        rows.append(
            [
                str(shown["label"]),
                str(shown["unit"]),
                raw["value"] if shown["available"] else shown["reason"],
                raw["numerator"],
                raw["denominator"] if shown["is_rate"] else None,
                previous if previous is not None else shown["previous_reason"],
                raw["change"],
                shown["change_percent"],
                target["text"] if target else "",
                target["threshold"] if target else "",
                _verdict(target),
                _basis(target),
                _("另有%(n)d人失踪，尚在补报期内") % {"n": shown["pending_missing"]}
                if shown["pending_missing"]
                else "",
            ]
        )
    return rows


def write_indicators(target, context: dict, *, user) -> None:
    """The page of ``views_indicators.page_context`` as a workbook."""
    period, region, report = context["period"], context["region"], context["report"]
    cards = context["cards"]
    years = cards[0]["trend"]["years"] if cards else []
    sheets = [
        (
            _("指标"),
            [
                _("指标"),
                _("单位"),
                _("数值"),
                _("死亡人数/事故起数"),
                _("分母"),
                _("上年同期"),
                _("增减"),
                _("增减幅度"),
                _("目标"),
                _("目标界限"),
                _("是否达标"),
                _("目标依据"),
                _("备注"),
            ],
            _indicator_rows(cards),
        ),
        (
            _("五年趋势"),
            [_("指标"), _("单位"), *(f"{year}年" for year in years)],
            [
                [str(shown["label"]), str(shown["unit"]), *shown["trend"]["values"]]
                for shown in cards
            ],
        ),
    ]
    for breakdown in context["breakdowns"]:
        sheets.append(
            (
                str(breakdown["title"]),
                [_("分组"), _("事故起数"), _("死亡人数"), _("失踪（尚在补报期内）")],
                [
                    [row["label"], row["accidents"], row["deaths"], row["pending_missing"]]
                    for row in breakdown["rows"]
                ],
            )
        )
    sheets.append(
        (
            _("指标口径"),
            [_("指标"), _("单位"), _("计算公式"), _("统计范围"), _("保留小数")],
            [
                [str(d["label"]), str(d["unit"]), str(d["formula"]), d["scope"], d["decimals"]]
                for d in context["definitions"]
            ],
        )
    )
    about = [
        (_("报表"), _("安全生产指标监测")),
        (_("地区"), region.full_name or region.name),
        (_("统计期"), period.text),
        (_("上年同期"), period.previous_text),
        (_("计算时间"), timezone.localtime(report.as_of).strftime("%Y-%m-%d %H:%M")),
        (_("数据状态"), _("全年已结束") if report.complete else _("统计期未结束，数值为阶段数")),
        (_("导出人"), str(user)),
        (
            _("口径"),
            _(
                "按事故发生时间（北京时间）统计，不含已作废记录；死亡人数含失踪超过补报期限"
                "（道路交通、火灾7日，其他30日）者；费率以本地区当年分母计算。"
            ),
        ),
        *_demo_note(),
        (_("导出时间"), timezone.localtime().strftime("%Y-%m-%d %H:%M")),
    ]
    write_tables(target, sheets=sheets, about=about)


# --- denominators -----------------------------------------------------------------------------

EXPORTED = {
    "region": lambda row: row.region_code,
    "year": lambda row: row.year,
    "gdp": lambda row: row.gdp,
    "industry_trade_employees": lambda row: row.industry_trade_employees,
    "motor_vehicles": lambda row: row.motor_vehicles,
    "source": lambda row: row.source,
}
DENOMINATOR_COLUMNS = [replace(column, export=EXPORTED[column.key]) for column in COLUMNS]


def write_denominators(target, rows, *, user, scope_label: str) -> int:
    about = [
        (_("台账"), _("指标分母（地区生产总值、工矿商贸就业人员、机动车保有量）")),
        (_("导出时间"), timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")),
        (_("导出人"), str(user)),
        (_("可见范围"), scope_label),
        (_("说明"), _("本表列与导入模板一致，修改后可直接导入；空白表示暂未填报。")),
        *_demo_note(),
    ]
    return write_ledger(
        target, title=_("指标分母"), columns=DENOMINATOR_COLUMNS, objects=rows, about=about
    )
