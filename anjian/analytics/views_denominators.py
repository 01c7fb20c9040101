"""/analytics/denominators/ — 指标分母: the yearly GDP, 工矿商贸 employees and motor vehicles
of the city and districts in the user's scope; entered one region-year at a time, or
imported from Excel (all rows or none, each bad row named in Chinese), and exported with the
import's columns.

Thin: ``selectors.denominator_list`` reads (scoped: another district's row is 404),
``services.denominator_save`` and ``importer.denominators_import`` write through
``core.forms.submit``. An edit carries the version it was read at: someone else's save
meanwhile answers 409 with the row as it is now.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from anjian.analytics import exports, importer, selectors, services
from anjian.analytics import permissions as perms
from anjian.analytics.forms import DenominatorForm, writable_regions, year_choices
from anjian.analytics.models import Denominator
from anjian.core.access import requires
from anjian.core.exceptions import OutOfScope
from anjian.core.forms import ImportUploadForm, attachment, submit
from anjian.core.pagination import page_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PER_PAGE = 50
# The import has one way: any bad row and nothing is imported.
IMPORT_MODES = {
    "all_or_nothing": gettext_lazy("任何一行有错误时整个文件不导入（请改正后重新上传）")
}
VALUES = ("gdp", "industry_trade_employees", "motor_vehicles", "source")


def _int(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def denominator_get(user, pk: int) -> Denominator:
    """One row through the user's scope (OutOfScope, 404, for another district's)."""
    found = selectors.denominator_list(user).filter(pk=pk).first()
    if found is None:
        raise OutOfScope()
    return found


def _filters(request) -> tuple[str, int | None]:
    region = (request.GET.get("region") or "").strip()
    return (region if region.isdigit() else ""), _int(request.GET.get("year"))


@require_GET
@requires(perms.INDICATOR_MANAGE)
def denominator_list(request):
    region, year = _filters(request)
    rows = selectors.denominator_list(request.user, region_code=region, year=year)
    context = {
        "page": page_of(request, rows, per_page=PER_PAGE),
        "regions": [(r.code, r.full_name or r.name) for r in writable_regions(request.user)],
        "years": year_choices(),
        "region": region,
        "year": year or "",
        "query": request.GET.urlencode(),
    }
    return render(request, "analytics/denominator_list.html", context)


def _save(user, form: DenominatorForm, *, row: Denominator | None):
    data = form.cleaned_data
    return services.denominator_save(
        user,
        region_id=row.region_code if row else data["region"],
        year=row.year if row else data["year"],
        expected_version=data.get("version") if row else None,
        **{name: data.get(name, "") for name in VALUES},
    )


def _existing(user, form) -> Denominator | None:
    """After a refused create: the row that region already has for that year, to open."""
    region, year = form.data.get("region", ""), _int(form.data.get("year"))
    if not region or year is None:
        return None
    return selectors.denominator_list(user, year=year).filter(region_code=region).first()


def _saved(request, row: Denominator):
    messages.success(
        request,
        _("已保存%(region)s%(year)d年的分母") % {"region": row.region.name, "year": row.year},
    )
    return redirect(f"{reverse('analytics:denominator_list')}?region={row.region_code}")


@require_http_methods(["GET", "POST"])
@requires(perms.INDICATOR_MANAGE)
def denominator_create(request):
    initial = {key: request.GET.get(key, "") for key in ("region", "year")}
    initial["year"] = initial["year"] or timezone.localdate().year - 1
    form = DenominatorForm(request.POST or None, user=request.user, initial=initial)
    outcome = submit(request, form, lambda _data: _save(request.user, form, row=None))
    if outcome.done:
        return _saved(request, outcome.result)
    context = {
        "form": form,
        "row": None,
        "existing": _existing(request.user, form) if outcome.conflict else None,
    }
    return render(request, "analytics/denominator_form.html", context, status=outcome.status)


@require_http_methods(["GET", "POST"])
@requires(perms.INDICATOR_MANAGE)
def denominator_edit(request, pk: int):
    row = denominator_get(request.user, pk)
    form = DenominatorForm(request.POST or None, user=request.user, instance=row)
    outcome = submit(request, form, lambda _data: _save(request.user, form, row=row))
    if outcome.done:
        return _saved(request, outcome.result)
    context = {"form": form, "row": row}
    if outcome.conflict:
        context.update(current=denominator_get(request.user, pk), conflict=True)
        context["reload_url"] = request.get_full_path()
    return render(request, "analytics/denominator_form.html", context, status=outcome.status)


@require_http_methods(["GET", "POST"])
@requires(perms.INDICATOR_MANAGE)
def denominator_import(request):
    posted = request.method == "POST"
    form = ImportUploadForm(
        request.POST if posted else None, request.FILES if posted else None, modes=IMPORT_MODES
    )
    outcome = submit(
        request, form, lambda data: importer.denominators_import(request.user, data["file"])
    )
    result, status = None, outcome.status
    if outcome.done:
        result = outcome.result
        if result.imported:
            messages.success(
                request,
                _("已导入：新增%(c)d条，更新%(u)d条") % {"c": result.created, "u": result.updated},
            )
            return redirect("analytics:denominator_list")
        status = 422
    context = {
        "form": form,
        "result": result,
        "errors": sorted(result.errors.items()) if result else [],
        "columns": importer.COLUMNS,
    }
    return render(request, "analytics/denominator_import.html", context, status=status)


@require_GET
@requires(perms.INDICATOR_MANAGE)
def denominator_import_template(request):
    response = HttpResponse(importer.denominators_template(), content_type=XLSX)
    attachment(response, _("指标分母导入模板.xlsx"))
    return response


@require_GET
@requires(perms.INDICATOR_MANAGE)
def denominator_export(request):
    """The rows of the list as filtered, with the import's columns."""
    region, year = _filters(request)
    rows = selectors.denominator_list(request.user, region_code=region, year=year)
    response = HttpResponse(content_type=XLSX)
    exports.write_denominators(
        response, rows, user=request.user, scope_label=str(request.user.scope.label)
    )
    attachment(response, _("指标分母_%(day)s.xlsx") % {"day": f"{timezone.localdate():%Y%m%d}"})
    return response
