"""包保履职 as a page and as workbooks: the figure of ``selectors_duties.completion`` with its
breakdowns (by street or district, grade, enterprise, role), every number a link to the
drill-down list of exactly the sources it counts, and that list with what each source
misses. The page, the list and both workbooks read the same query string (``read_where``);
the workbooks are written through ``core.excel`` (no text becomes a formula)."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.excel import Column, write_ledger, write_tables
from anjian.hazchem.choices import DutyRole
from anjian.hazchem.forms_duties import read_where
from anjian.hazchem.selectors_duties import (
    ALL,
    COMPLETE,
    NO_HOLDER,
    OWED,
    SHORT,
    STATUSES,
    Completion,
    SourceRow,
    Tally,
    Where,
    checks,
    completion,
    counted_sources,
)
from anjian.regions.choices import RegionLevel

DEFINITIONS = (
    (
        gettext_lazy("统计对象"),
        gettext_lazy(
            "管辖范围内现有的重大危险源（不含已核销）；已不构成但尚未核销的仍在统计之列。"
        ),
    ),
    (
        gettext_lazy("应检查周期"),
        gettext_lazy(
            "按各角色现行检查频次（每周自周一起、每月、每季度）；一个周期归入其第一天所在的统计期。"
            "自该源辨识之日（或更早明确该角色责任人之日）之后开始的周期才应检查；"
            "未明确责任人的角色照常计入。不设固定频次的角色不计。"
        ),
    ),
    (
        gettext_lazy("已完成周期"),
        gettext_lazy(
            "周期内该角色的履职检查（不论由哪一任责任人完成）达到规定次数。"
            "尚未结束的本期完成后才计入，未完成前既不计入应检查也不计入已完成。"
        ),
    ),
    (gettext_lazy("包保检查完成率"), gettext_lazy("已完成周期 ÷ 应检查周期。")),
    (
        gettext_lazy("检查频次"),
        gettext_lazy(
            "按现行配置计算全部统计期；默认值（技术负责人每季度1次、操作负责人每周1次、"
            "主要负责人不设固定频次）来自应急厅〔2021〕12号的回忆，原文待核实，可由全市管理员修改。"
        ),
    ),
)


def percent(value) -> str:
    return "—" if value is None else f"{value}%"


def link(where: Where, status: str = ALL, **extra) -> str:
    """The drill-down list of the sources a figure of ``status`` counts under ``where``
    (``extra``: a breakdown row's key)."""
    query = where.query(**extra)
    if status:
        query["status"] = status
    return f"{reverse('hazchem:duty_figures_sources')}?{urlencode(query)}"


@dataclass(frozen=True)
class Cell:
    label: str
    text: str
    url: str = ""
    name: str = ""


def cells(tally: Tally, where: Where, **key) -> list[Cell]:
    """A breakdown row's numbers, each with the list of the sources it counts."""
    return [
        Cell(_("重大危险源"), str(tally.sources), link(where, ALL, **key), "sources"),
        Cell(_("应检查周期"), str(tally.required), link(where, OWED, **key), "required"),
        Cell(_("已完成周期"), str(tally.done), link(where, OWED, **key), "done"),
        Cell(_("完成率"), percent(tally.rate)),
        Cell(_("检查不足"), str(tally.short), link(where, SHORT, **key), "short"),
        Cell(_("未明确责任人"), str(tally.no_holder), link(where, NO_HOLDER, **key), "no_holder"),
    ]


def breakdowns(found: Completion) -> list[dict]:
    where = found.where
    streets = found.region_level == RegionLevel.STREET
    groups = [
        ("by-region", _("按街道") if streets else _("按区"), _("街道") if streets else _("区")),
        ("by-grade", _("按级别"), _("级别")),
        ("by-enterprise", _("按单位"), _("单位")),
        ("by-role", _("按包保角色"), _("包保角色")),
    ]
    tallies = {
        "by-region": (found.by_region, "street"),
        "by-grade": (found.by_grade, "grade"),
        "by-enterprise": (found.by_enterprise, "enterprise"),
        "by-role": (found.by_role, "role"),
    }
    return [
        {
            "id": name,
            "title": title,
            "heading": heading,
            "rows": [
                {"tally": tally, "cells": cells(tally, where, **{param: tally.key})}
                for tally in tallies[name][0]
            ],
        }
        for name, title, heading in groups
        for param in (tallies[name][1],)
    ]


def figures_context(user, params, *, today=None) -> dict:
    form, where, _status, errors = read_where(user, params)
    found = completion(user, where, today=today or timezone.localdate())
    total = found.total
    return {
        "form": form,
        "where": where,
        "errors": errors,
        "found": found,
        "total": total,
        "rate": percent(total.rate),
        "links": {
            "all": link(where, ALL),
            **{status: link(where, status) for status in (OWED, COMPLETE, SHORT, NO_HOLDER)},
        },
        "breakdowns": breakdowns(found),
        "rules": [(DutyRole(role).label, rule) for role, rule in found.rules.items()],
        "definitions": DEFINITIONS,
        "query": urlencode(where.query()),
    }


def sources_context(user, params, *, today=None) -> dict:
    form, where, status, errors = read_where(user, params)
    found = completion(user, where, today=today or timezone.localdate())
    rows = found.listed(status)
    return {
        "form": form,
        "where": where,
        "status": status,
        "title": STATUSES[status],
        "errors": errors,
        "found": found,
        "rows": rows,
        "query": urlencode({**where.query(), **({"status": status} if status else {})}),
        "back": f"{reverse('hazchem:duty_figures')}?{urlencode(where.query())}",
    }


# --- the workbooks ------------------------------------------------------------------------------


def _filters(context: dict) -> list[tuple[str, str]]:
    form, where = context["form"], context["where"]
    shown = [(_("统计期"), where.label)]
    for name in ("street", "grade", "enterprise", "role"):
        value = getattr(where, name)
        if value:
            choices = {str(k): str(v) for k, v in form.fields[name].choices}
            shown.append((str(form.fields[name].label), choices.get(str(value), str(value))))
    if where.q:
        shown.append((str(form.fields["q"].label), where.q))
    return shown


def _about(context: dict, scope_label: str, report: str) -> list[tuple[str, str]]:
    return [
        (_("报表"), report),
        (_("范围"), scope_label),
        *_filters(context),
        *((str(term), str(meaning)) for term, meaning in DEFINITIONS),
        (_("导出时间"), timezone.localtime().strftime("%Y-%m-%d %H:%M")),
    ]


def _rows(tallies) -> list[list]:
    return [
        [
            tally.label,
            tally.sources,
            tally.required,
            tally.done,
            percent(tally.rate),
            tally.short,
            tally.no_holder,
        ]
        for tally in tallies
    ]


HEADER = (
    gettext_lazy("重大危险源"),
    gettext_lazy("应检查周期"),
    gettext_lazy("已完成周期"),
    gettext_lazy("完成率"),
    gettext_lazy("检查不足"),
    gettext_lazy("未明确责任人"),
)


def write_figures(target, context: dict, *, scope_label: str) -> None:
    """The page's numbers as shown: the totals, then one sheet per breakdown."""
    total = context["total"]
    headline = [
        [_("包保检查完成率"), context["rate"]],
        [_("应检查周期"), total.required],
        [_("已完成周期"), total.done],
        [str(STATUSES[ALL]), total.sources],
        [str(STATUSES[OWED]), total.owed],
        [str(STATUSES[COMPLETE]), total.complete],
        [str(STATUSES[SHORT]), total.short],
        [str(STATUSES[NO_HOLDER]), total.no_holder],
    ]
    sheets = [(_("包保履职"), [_("指标"), _("数值")], headline)]
    for group in context["breakdowns"]:
        header = [str(group["heading"]), *(str(text) for text in HEADER)]
        sheets.append((group["title"], header, _rows(row["tally"] for row in group["rows"])))
    write_tables(target, sheets=sheets, about=_about(context, scope_label, _("包保履职情况")))


def _holder(role: str):
    def shown(row: SourceRow) -> str:
        duty = row.holders.get(role)
        if duty is None:
            return _("未明确")
        return f"{duty.name} {duty.phone}".strip()

    return shown


SOURCE_COLUMNS = [
    Column("number", str(gettext_lazy("编号")), 18, export=lambda r: r.source.number),
    Column("unit", str(gettext_lazy("单元名称")), 24, export=lambda r: r.source.unit.name),
    Column("enterprise", str(gettext_lazy("单位")), 30, export=lambda r: r.source.enterprise.name),
    Column("grade", str(gettext_lazy("级别")), 8, export=lambda r: r.source.get_grade_display()),
    *(Column(role, str(label), 22, export=_holder(role)) for role, label in DutyRole.choices),
    Column("required", str(gettext_lazy("应检查周期")), 12, export=lambda r: r.required),
    Column("done", str(gettext_lazy("已完成周期")), 12, export=lambda r: r.done),
    Column(
        "missing",
        str(gettext_lazy("缺少")),
        80,
        export=lambda r: "\n".join(r.missing()),
    ),
]


def write_sources(target, context: dict, *, scope_label: str) -> int:
    """The drill-down list as shown (the sources of one figure), one row per source."""
    title = f"{context['title']}（{context['where'].label}）"
    return write_ledger(
        target,
        title=str(context["title"]),
        columns=SOURCE_COLUMNS,
        objects=context["rows"],
        about=_about(context, scope_label, title),
    )


# --- the check records (履职记录台账) -----------------------------------------------------------


def checks_context(user, params) -> dict:
    """The checks of the range and filters the figure shows (its sources, its roles), oldest
    first — what an official files as the record of 包保履职."""
    form, where, _status, errors = read_where(user, params)
    found = (
        checks(user)
        .filter(
            source__in=counted_sources(user, where),
            checked_on__range=(where.first, where.last),
            role__in=where.roles,
        )
        .select_related("source__unit", "source__enterprise", "duty")
        .order_by("checked_on", "id")
    )
    return {"form": form, "where": where, "errors": errors, "rows": found}


CHECK_COLUMNS = [
    Column("checked_on", str(gettext_lazy("检查日期")), 12, export=lambda c: c.checked_on),
    Column("number", str(gettext_lazy("重大危险源编号")), 18, export=lambda c: c.source.number),
    Column("unit", str(gettext_lazy("单元名称")), 24, export=lambda c: c.source.unit.name),
    Column("enterprise", str(gettext_lazy("单位")), 30, export=lambda c: c.source.enterprise.name),
    Column("grade", str(gettext_lazy("级别")), 8, export=lambda c: c.source.get_grade_display()),
    Column("role", str(gettext_lazy("包保角色")), 12, export=lambda c: c.get_role_display()),
    Column("holder", str(gettext_lazy("责任人")), 16, export=lambda c: c.duty.name),
    Column("findings", str(gettext_lazy("检查情况")), 60, export=lambda c: c.findings),
    Column("hazards", str(gettext_lazy("发现隐患数")), 10, export=lambda c: c.hazards_found),
]


def write_checks(target, context: dict, *, scope_label: str) -> int:
    """Every check of the figure's sources in its range, one row each."""
    title = _("包保履职记录（%(range)s）") % {"range": context["where"].label}
    return write_ledger(
        target,
        title=str(_("包保履职记录")),
        columns=CHECK_COLUMNS,
        objects=context["rows"].iterator(),
        about=[
            (_("报表"), title),
            (_("范围"), scope_label),
            *_filters(context),
            (_("导出时间"), timezone.localtime().strftime("%Y-%m-%d %H:%M")),
        ],
    )
