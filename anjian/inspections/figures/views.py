"""/inspections/figures/ — 执法统计: the figures page, the records behind each number, and
the figures as a workbook. Thin: ``page`` reads the filters and builds the figures,
``selectors.records`` lists what a figure counts, ``export`` writes the workbook."""

from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from anjian.core.access import requires
from anjian.core.forms import attachment
from anjian.core.pagination import paginate_table
from anjian.inspections import permissions as perms
from anjian.inspections.figures import selectors
from anjian.inspections.figures.export import write_figures
from anjian.inspections.figures.page import (
    FIGURE_LABELS,
    figures_context,
    number,
    read_filters,
    region_name,
)
from anjian.inspections.figures.tables import table_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PER_PAGE = 50
# The section headings of a figure with more than one kind of record.
SECTION_TITLES = {
    "plan_visits": gettext_lazy("年度计划检查次数"),
    "drawn_tasks": gettext_lazy("双随机抽查任务"),
}


@require_GET
@requires(perms.INSPECTION_VIEW)
def figures(request):
    return render(
        request, "inspections/figures/page.html", figures_context(request.user, request.GET)
    )


@require_GET
@requires(perms.INSPECTION_VIEW)
def figures_export(request):
    """The page's figures as a workbook (the same query string as the page)."""
    context = figures_context(request.user, request.GET)
    response = HttpResponse(content_type=XLSX)
    write_figures(response, context, scope_label=str(request.user.scope.label))
    attachment(
        response, f"执法统计_{context['filters'].period.year}_{timezone.localdate():%Y%m%d}.xlsx"
    )
    return response


@require_GET
@requires(perms.INSPECTION_VIEW)
def figures_records(request):
    """The records one number counts: ``figure`` and the page's filters with the row's key."""
    figure = request.GET.get("figure", "")
    if figure not in selectors.FIGURES:
        raise Http404(_("没有这项统计"))
    filters = read_filters(request.user, request.GET)
    sections = selectors.records(request.user, figure, filters.period, filters.where)
    several = len(sections) > 1
    shown = []
    for section in sections:
        table = table_for(section.name, section.rows, prefix=f"{section.name}-" if several else "")
        table = paginate_table(request, table, per_page=PER_PAGE)
        shown.append(
            {
                "name": section.name,
                "title": SECTION_TITLES.get(section.name, "") if several else "",
                "table": table,
                # A count is the list's own (read once, for the pagination too).
                "total": section.total() if section.measure else table.paginator.count,
                "measure": section.measure,
            }
        )
    total = sum(section["total"] for section in shown)
    context = {
        "figure": figure,
        "title": FIGURE_LABELS[figure],
        "filters": filters,
        "sections": shown,
        "total": total,
        "total_text": number(total),
        "region_name": region_name(filters.where.region),
        "back": f"{reverse('inspections:figures')}?{urlencode(filters.query())}",
    }
    return render(request, "inspections/figures/records.html", context)
