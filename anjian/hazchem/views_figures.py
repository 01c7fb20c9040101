"""重大危险源统计: the current sources in scope by street, district, grade or industry — each
grade, filed, awaiting filing, overdue, assessment overdue, 待核销 and the 备案率 — every
figure a link to the source list filtered to exactly the sources it counts; the same
table as Excel (``?by=`` as on the page)."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from anjian.core.access import requires
from anjian.core.excel import Column, write_ledger
from anjian.core.forms import attachment
from anjian.core.registry import XLSX, about_lines
from anjian.hazchem import permissions as perms
from anjian.hazchem.selectors_figures import (
    COLUMNS,
    GROUPS,
    SourceRow,
    default_group,
    source_figures,
)


def source_list_url(filters: dict) -> str:
    url = reverse("hazchem:source_list")
    return f"{url}?{urlencode(filters)}" if filters else url


def _group(request) -> str:
    group = request.GET.get("by", "")
    return group if group in GROUPS else default_group(request.user)


def _cells(row: SourceRow) -> list[dict]:
    return [
        {
            "name": name,
            "heading": str(COLUMNS[name][1]),
            "value": figure.value,
            "url": source_list_url(figure.filters) if figure.filters is not None else "",
        }
        for name, figure in zip(COLUMNS, row.figures, strict=True)
    ]


def _named(row: SourceRow) -> dict:
    return {cell["name"]: cell for cell in _cells(row)}


@require_GET
@requires(perms.HAZCHEM_VIEW)
def source_figures_page(request):
    group = _group(request)
    rows, total = source_figures(request.user, group)
    context = {
        "group": group,
        "groups": [(key, str(label)) for key, label in GROUPS.items()],
        "headings": [(name, str(heading)) for name, (_f, heading) in COLUMNS.items()],
        "rows": [{"row": row, "cells": _cells(row)} for row in rows],
        "total": {"row": total, "cells": _cells(total), "named": _named(total)},
        "today": timezone.localdate(),
    }
    return render(request, "hazchem/figures/sources.html", context)


@dataclass
class _Picked:
    """The grouping as the export's 导出说明 lists it (``about_lines`` reads it)."""

    active_filters: list[tuple[str, str]]


def _count(name: str):
    return lambda row: row.counts.get(name, 0)


def _rate(row: SourceRow):
    return row.filing_rate if row.filing_rate is not None else ""


@require_GET
@requires(perms.HAZCHEM_VIEW)
def source_figures_export(request):
    group = _group(request)
    rows, total = source_figures(request.user, group)
    columns = [
        Column("label", str(GROUPS[group]).removeprefix("按"), 24, export=lambda row: row.label),
        *[
            Column(name, str(heading), 12, export=_count(name))
            for name, (_f, heading) in COLUMNS.items()
        ],
        Column("filing_rate", _("备案率（%）"), 10, export=_rate),
    ]
    title = _("重大危险源统计")
    notes = [
        (_("计算口径"), _("现有重大危险源（不含已核销）；备案率 = 已备案 ÷ 现有重大危险源。")),
        (_("统计日期"), timezone.localdate().isoformat()),
    ]
    picked = _Picked([(_("分组"), str(GROUPS[group]))])
    response = HttpResponse(content_type=XLSX)
    write_ledger(
        response,
        title=title,
        columns=columns,
        objects=[*rows, total],
        about=about_lines(request.user, picked, ledger=title, notes=notes),
    )
    attachment(response, f"{title}-{timezone.localdate():%Y%m%d}.xlsx")
    return response
