"""Risk pages. Thin: selectors read, services write, forms validate."""

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from anjian.accounts import permissions as perms
from anjian.core import audit
from anjian.core.access import requires
from anjian.core.exceptions import Conflict, ValidationError
from anjian.core.forms import apply_service_errors, attachment, is_htmx_partial
from anjian.core.pagination import paginate_table
from anjian.enterprises.models import Enterprise
from anjian.regions import selectors as region_selectors
from anjian.risks import grading, ledger, selectors, services
from anjian.risks.choices import (
    FACTOR_NAMES,
    LEVEL_COLOUR_NAMES,
    LEVEL_COLOURS,
    LEVEL_HEX,
    METHOD_FACTORS,
    SCORE_LETTER,
    USUAL_CONTROL_LEVEL,
    Level,
    MeasureKind,
    Method,
)
from anjian.risks.forms import (
    SECTIONS,
    AssessForm,
    BandTableForm,
    DeactivateForm,
    LibraryPickForm,
    MeasureForm,
    RetireForm,
    RiskPointForm,
)
from anjian.risks.models import ControlMeasure, RiskBandTable, RiskLibraryEntry, RiskPoint
from anjian.risks.tables import RegisterTable, RiskPointTable

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _status(form, conflict: bool = False) -> int:
    return 409 if conflict else 422 if form.errors else 200


def _legend() -> list[dict]:
    return [
        {"value": level.value, "label": level.label, "colour": LEVEL_COLOURS[level]}
        for level in Level
    ]


# --- list, export, register ---------------------------------------------------------------


def _list_page(request, *, register: bool):
    filterset = selectors.risk_point_filter(request.user, request.GET, register=register)
    table_class = RegisterTable if register else RiskPointTable
    table = table_class(filterset.qs)
    paginate_table(request, table, per_page=50)
    context = {
        "filterset": filterset,
        "table": table,
        "query": request.GET.urlencode(),
        "register": register,
        "legend": _legend(),
        "enterprise_filter": filterset.form.cleaned_data.get("enterprise")
        if filterset.form.is_valid()
        else None,
    }
    if is_htmx_partial(request, "results"):
        return render(request, "risks/list.html#results", context)
    return render(request, "risks/list.html", context)


@require_GET
@requires(perms.RISK_VIEW)
def risk_point_list(request):
    return _list_page(request, register=False)


@require_GET
@requires(perms.RISK_VIEW)
def risk_register(request):
    """重大风险清单: the 重大 and 较大 risk points in the user's scope."""
    return _list_page(request, register=True)


def _export(request, *, register: bool):
    filterset = selectors.risk_point_filter(request.user, request.GET, register=register)
    title = ledger.REGISTER_TITLE if register else ledger.LEDGER_TITLE
    response = HttpResponse(content_type=XLSX)
    ledger.write(response, user=request.user, filterset=filterset, title=title)
    attachment(response, ledger.filename(title))
    return response


@require_GET
@requires(perms.RISK_VIEW)
def risk_point_export(request):
    return _export(request, register=False)


@require_GET
@requires(perms.RISK_VIEW)
def risk_register_export(request):
    return _export(request, register=True)


# --- detail, card ----------------------------------------------------------------------------


@require_GET
@requires(perms.RISK_VIEW)
def risk_point_detail(request, pk: int):
    point = selectors.risk_point_get(request.user, pk)
    measures = list(point.measures.select_related("deactivated_by").order_by("sort_order", "id"))
    return render(
        request,
        "risks/detail.html",
        {
            "point": point,
            "assessments": selectors.assessments_of(point),
            "measures": [m for m in measures if m.is_active],
            "inactive_measures": [m for m in measures if not m.is_active],
            "history": audit.history(point),
            "can_manage": request.user.can(perms.RISK_MANAGE) and point.is_active,
            "can_view_enterprise": request.user.can(perms.ENTERPRISE_VIEW),
            "usual_level": USUAL_CONTROL_LEVEL.get(point.current_level),
        },
    )


@require_GET
@requires(perms.RISK_VIEW)
def risk_point_card(request, pk: int):
    """风险告知卡: printable on A4, readable on a phone."""
    point = selectors.risk_point_get(request.user, pk)
    measures = list(point.measures.filter(is_active=True).order_by("sort_order", "id"))
    emergency = [m for m in measures if m.kind == MeasureKind.EMERGENCY]
    return render(
        request,
        "risks/card.html",
        {
            "point": point,
            "measures": [m for m in measures if m.kind != MeasureKind.EMERGENCY],
            "emergency_measures": emergency,
            "colour_name": LEVEL_COLOUR_NAMES.get(point.current_level, ""),
            "printed_at": timezone.localtime(),
        },
    )


# --- create, edit, retire ----------------------------------------------------------------------


def _sections(form):
    return [
        (title, [form[name] for name in names if name in form.fields])
        for title, names in SECTIONS
        if any(name in form.fields for name in names)
    ]


@require_http_methods(["GET", "POST"])
@requires(perms.RISK_MANAGE)
def risk_point_create(request):
    initial = {}
    enterprise_id = request.GET.get("enterprise")
    if enterprise_id and enterprise_id.isdigit():
        initial["enterprise"] = enterprise_id
    form = RiskPointForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            point = services.risk_point_create(
                by=request.user,
                enterprise=form.cleaned_data["enterprise"],
                data=form.service_data(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("已登记风险点“%(name)s”，请进行风险评估。") % {"name": point.name}
            )
            return redirect("risks:risk_point_assess", pk=point.pk)
    return render(
        request,
        "risks/form.html",
        {"form": form, "sections": _sections(form), "point": None},
        status=_status(form),
    )


def _refuse_retired(request, point: RiskPoint):
    if not point.is_active:
        messages.error(request, _("该风险点已注销，不能再修改、评估或增加措施。"))
        return redirect(point)
    return None


@require_http_methods(["GET", "POST"])
@requires(perms.RISK_MANAGE)
def risk_point_edit(request, pk: int):
    point = selectors.risk_point_get(request.user, pk)
    if refused := _refuse_retired(request, point):
        return refused
    form = RiskPointForm(request.POST or None, instance=point, user=request.user)
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            point = services.risk_point_update(
                by=request.user,
                risk_point_id=pk,
                data=form.service_data(),
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except Conflict as error:
            conflict = True
            form.add_error(None, str(error))
        except ValidationError as error:
            apply_service_errors(form, error)
        except RiskPoint.DoesNotExist:
            raise Http404 from None
        else:
            messages.success(request, _("已保存“%(name)s”") % {"name": point.name})
            return redirect(point)
    return render(
        request,
        "risks/form.html",
        {
            "form": form,
            "sections": _sections(form),
            "point": RiskPoint.objects.get(pk=pk),
            "conflict": conflict,
        },
        status=_status(form, conflict),
    )


@require_http_methods(["GET", "POST"])
@requires(perms.RISK_MANAGE)
def risk_point_retire(request, pk: int):
    point = selectors.risk_point_get(request.user, pk)
    if refused := _refuse_retired(request, point):
        return refused
    form = RetireForm(request.POST or None, initial={"version": point.version})
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            point = services.risk_point_retire(
                by=request.user,
                risk_point_id=pk,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except Conflict as error:
            conflict = True
            form.add_error(None, str(error))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("已注销风险点“%(name)s”") % {"name": point.name})
            return redirect(point)
    return render(
        request,
        "risks/retire.html",
        {"form": form, "point": point, "conflict": conflict},
        status=_status(form, conflict),
    )


# --- assess ------------------------------------------------------------------------------------


def _grading_context(tables: dict[str, RiskBandTable]) -> dict:
    """What the assess page's script needs to preview the score and level."""
    return {
        method: {
            "letter": SCORE_LETTER[Method(method)],
            "rule": table.boundary_rule,
            "bands": table.bands,
            "labels": {level.value: str(level.label) for level in Level},
            "colours": {level.value: LEVEL_COLOURS[level] for level in Level},
            "factors": [f"{method}_{f.lower()}" for f in METHOD_FACTORS[Method(method)]],
        }
        for method, table in tables.items()
    }


@require_http_methods(["GET", "POST"])
@requires(perms.RISK_MANAGE)
def risk_point_assess(request, pk: int):
    point = selectors.risk_point_get(request.user, pk)
    if refused := _refuse_retired(request, point):
        return refused
    tables = services.current_tables()
    initial = {"method": point.current_method or Method.LEC}
    form = AssessForm(request.POST or None, tables=tables, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessment = services.risk_point_assess(
                by=request.user,
                risk_point_id=pk,
                method=data["method"],
                stage=data["stage"],
                factors=data["factors"],
                note=data["note"],
                reassess_due=data["reassess_due"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("评估完成：%(formula)s，%(level)s")
                % {
                    "formula": assessment.formula,
                    "level": assessment.get_level_display(),
                },
            )
            return redirect(point)
    return render(
        request,
        "risks/assess.html",
        {
            "form": form,
            "point": point,
            "tables": tables,
            "methods": [
                {
                    "value": method,
                    "label": Method(method).label,
                    "fields": form.factor_fields(method),
                    "table": table,
                    "ranges": table.ranges(),
                }
                for method, table in tables.items()
            ],
            "grading_context": _grading_context(tables),
        },
        status=_status(form),
    )


# --- measures --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires(perms.RISK_MANAGE)
def measure_create(request, pk: int):
    point = selectors.risk_point_get(request.user, pk)
    if refused := _refuse_retired(request, point):
        return refused
    form = MeasureForm(
        request.POST or None,
        initial={"owner_name": point.owner_name, "level": point.control_level},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_add(by=request.user, risk_point_id=pk, data=form.service_data())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("已增加管控措施"))
            return redirect(f"{point.get_absolute_url()}#measures")
    return render(
        request,
        "risks/measure_form.html",
        {"form": form, "point": point, "measure": None},
        status=_status(form),
    )


@require_http_methods(["GET", "POST"])
@requires(perms.RISK_MANAGE)
def measure_edit(request, pk: int):
    measure = selectors.measure_get(request.user, pk)
    point = measure.risk_point
    if refused := _refuse_retired(request, point):
        return refused
    form = MeasureForm(request.POST or None, instance=measure)
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_update(
                by=request.user,
                measure_id=pk,
                data=form.service_data(),
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except Conflict as error:
            conflict = True
            form.add_error(None, str(error))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("已保存管控措施"))
            return redirect(f"{point.get_absolute_url()}#measures")
    return render(
        request,
        "risks/measure_form.html",
        {
            "form": form,
            "point": point,
            "measure": ControlMeasure.objects.get(pk=pk),
            "conflict": conflict,
        },
        status=_status(form, conflict),
    )


@require_http_methods(["GET", "POST"])
@requires(perms.RISK_MANAGE)
def measure_deactivate(request, pk: int):
    measure = selectors.measure_get(request.user, pk)
    point = measure.risk_point
    form = DeactivateForm(request.POST or None, initial={"version": measure.version})
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_deactivate(
                by=request.user,
                measure_id=pk,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data.get("version"),
            )
        except Conflict as error:
            conflict = True
            form.add_error(None, str(error))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("已停用该管控措施"))
            return redirect(f"{point.get_absolute_url()}#measures")
    return render(
        request,
        "risks/measure_deactivate.html",
        {"form": form, "point": point, "measure": measure, "conflict": conflict},
        status=_status(form, conflict),
    )


# --- library ---------------------------------------------------------------------------------


@require_GET
@requires(perms.RISK_VIEW)
def library_list(request):
    entries = RiskLibraryEntry.objects.filter(is_active=True)
    tables = services.current_tables()
    rows = []
    for entry in entries:
        score = entry.typical_score()
        rows.append(
            {
                "entry": entry,
                "score": score,
                "level": grading.grade(entry.method, score, tables[entry.method]),
            }
        )
    topics: dict[str, list] = {}
    for row in rows:
        topics.setdefault(row["entry"].topic, []).append(row)
    return render(request, "risks/library.html", {"topics": topics, "legend": _legend()})


def _library_enterprise(request) -> Enterprise | None:
    """The enterprise to start from: the user's own, or the one named in the query."""
    scoped = Enterprise.objects.for_user(request.user).select_related("industry")
    own = request.user.scope.enterprise_id
    if own is not None:
        return scoped.filter(pk=own).first()
    raw = request.POST.get("enterprise") or request.GET.get("enterprise") or ""
    if not raw.isdigit():
        return None
    return scoped.filter(pk=int(raw)).first()


@require_http_methods(["GET", "POST"])
@requires(perms.RISK_MANAGE)
def risk_point_from_library(request):
    enterprise = _library_enterprise(request)
    if enterprise is None:
        messages.error(request, _("请先选择单位：从单位页面或风险点列表进入。"))
        return redirect("risks:risk_point_list")
    applicable = services.library_for(enterprise)
    queryset = RiskLibraryEntry.objects.filter(pk__in=[e.pk for e in applicable])
    form = LibraryPickForm(request.POST or None, entries=queryset, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.risk_points_from_library(
                by=request.user,
                enterprise=enterprise,
                entries=list(data["entries"]),
                owner_name=data["owner_name"],
                owner_phone=data["owner_phone"],
                assess_typical=data["assess_typical"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("已从风险点库创建 %(n)d 个风险点及其管控措施。%(next)s")
                % {
                    "n": len(created),
                    "next": "" if data["assess_typical"] else _("请逐一按现场实际进行风险评估。"),
                },
            )
            query = f"?enterprise={enterprise.pk}"
            if not data["assess_typical"]:
                query += "&level=none"
            return redirect(reverse("risks:risk_point_list") + query)
    existing = set(
        enterprise.risk_points.filter(status="active", library_entry__isnull=False).values_list(
            "library_entry_id", flat=True
        )
    )
    tables = services.current_tables()
    choices = []
    for entry in applicable:
        score = entry.typical_score()
        choices.append(
            {
                "entry": entry,
                "score": score,
                "letter": SCORE_LETTER[Method(entry.method)],
                "level": grading.grade(entry.method, score, tables[entry.method]),
                "already": entry.pk in existing,
                "checked": str(entry.pk) in request.POST.getlist("entries"),
            }
        )
    return render(
        request,
        "risks/from_library.html",
        {"form": form, "enterprise": enterprise, "choices": choices},
        status=_status(form),
    )


# --- map, concentration ----------------------------------------------------------------------


@require_GET
@requires(perms.RISK_VIEW)
def risk_map(request):
    filterset = selectors.risk_point_filter(request.user, request.GET)
    districts = region_selectors.districts_in(request.user).exclude(boundary__isnull=True)
    streets = region_selectors.streets_for(request.user).exclude(latitude=None)
    return render(
        request,
        "risks/map.html",
        {
            "filterset": filterset,
            "legend": _legend(),
            "map_context": {
                "pointsUrl": reverse("risks:risk_map_data"),
                "listUrl": reverse("risks:risk_point_list"),
                "colours": {level.value: LEVEL_HEX[level] for level in Level},
                "labels": {level.value: str(level.label) for level in Level},
                "districts": [{"name": d.name, "geometry": d.boundary} for d in districts],
                "streets": [
                    {"name": s.name, "lat": float(s.latitude), "lon": float(s.longitude)}
                    for s in streets
                ],
            },
        },
    )


@require_GET
@requires(perms.RISK_VIEW)
def risk_map_data(request):
    points, total = selectors.map_points(request.user, request.GET)
    return JsonResponse(
        {"points": points, "total": total, "limit": selectors.MAP_POINT_LIMIT},
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
    )


@require_GET
@requires(perms.RISK_VIEW)
def risk_concentration(request):
    filterset = selectors.risk_point_filter(request.user, request.GET)
    figures = selectors.concentration(request.user, request.GET)
    levels = [level.value for level in Level]

    def rows(items, param):
        return [[row.key, row.label, [row.counts[level] for level in levels]] for row in items]

    charts = {
        "listUrl": reverse("risks:risk_point_list"),
        "base": {k: v for k, v in request.GET.items() if k in ("industry", "street", "kind")},
        "levels": [[level.value, str(level.label), LEVEL_HEX[level]] for level in Level],
        "street": rows(figures.by_street, "street"),
        "industry": rows(figures.by_industry, "industry"),
    }
    return render(
        request,
        "risks/concentration.html",
        {
            "filterset": filterset,
            "figures": figures,
            "legend": _legend(),
            "charts": charts,
            "query": request.GET.urlencode(),
        },
    )


# --- band tables -----------------------------------------------------------------------------


@require_GET
@requires(perms.RISK_VIEW)
def band_table_list(request):
    tables = services.current_tables()
    sections = []
    for method, table in tables.items():
        names = FACTOR_NAMES[Method(method)]
        sections.append(
            {
                "method": method,
                "label": Method(method).label,
                "table": table,
                "ranges": table.ranges(),
                "factors": [(names[f], table.factors.get(f, [])) for f in table.factor_names],
                "history": RiskBandTable.objects.filter(method=method)
                .select_related("published_by")
                .order_by("-version"),
            }
        )
    return render(
        request,
        "risks/band_tables.html",
        {"sections": sections, "can_configure": request.user.can(perms.RISK_CONFIGURE)},
    )


@require_http_methods(["GET", "POST"])
@requires(perms.RISK_CONFIGURE)
def band_table_publish(request, method: str):
    if method not in Method.values:
        raise Http404
    current = RiskBandTable.objects.filter(method=method).order_by("-version").first()
    form = BandTableForm(request.POST or None, method=method, current=current)
    conflict = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            table = services.band_table_publish(
                by=request.user,
                method=method,
                boundary_rule=data["boundary_rule"],
                bands=data["bands"],
                factors=data["factors"],
                source=data["source"],
                edition=data["edition"],
                note=data["note"],
                based_on_version=data.get("based_on_version"),
            )
        except Conflict as error:
            conflict = True
            form.add_error(None, str(error))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("已发布%(t)s；此后的评估按新版本定级，已有评估仍按其当时的版本。") % {"t": table},
            )
            return redirect("risks:band_table_list")
    factor_fields = [form[f"factor_{f.lower()}"] for f in METHOD_FACTORS[Method(method)]]
    return render(
        request,
        "risks/band_table_form.html",
        {
            "form": form,
            "method_label": Method(method).label,
            "current": current,
            "factor_fields": factor_fields,
            "conflict": conflict,
        },
        status=_status(form, conflict),
    )
