"""Registry pages. Thin: selectors read, services write, forms validate."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anjian.accounts import permissions as perms
from anjian.core import audit
from anjian.core.access import requires
from anjian.core.excel import write_ledger, write_template
from anjian.core.exceptions import Conflict, ValidationError
from anjian.core.forms import ImportUploadForm, apply_service_errors, attachment, is_htmx_partial
from anjian.core.jobs import job_start
from anjian.core.pagination import paginate_table
from anjian.enterprises import exporter, selectors, services
from anjian.enterprises.forms import (
    SECTIONS,
    EnterpriseAccountForm,
    EnterpriseForm,
    form_class_for,
)
from anjian.enterprises.importer import MODES
from anjian.enterprises.jobs import EXPORT, IMPORT
from anjian.enterprises.ledger import COLUMNS
from anjian.enterprises.models import Enterprise
from anjian.enterprises.tables import EnterpriseTable
from anjian.regions import selectors as region_selectors
from anjian.regions.models import Region

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_GET
@requires(perms.ENTERPRISE_VIEW)
def enterprise_list(request):
    filterset = selectors.enterprise_filter(request.user, request.GET)
    table = EnterpriseTable(filterset.qs)
    paginate_table(request, table, per_page=50)
    context = {"filterset": filterset, "table": table, "query": request.GET.urlencode()}
    if is_htmx_partial(request, "results"):
        return render(request, "enterprises/list.html#results", context)
    return render(request, "enterprises/list.html", context)


@require_GET
@requires(perms.ENTERPRISE_VIEW)
def enterprise_detail(request, pk: int):
    return _render_detail(request, selectors.enterprise_get(request.user, pk))


def _render_detail(request, enterprise, *, account_form=None, status=200):
    user = request.user
    can_manage_accounts = user.can(perms.ENTERPRISE_ACCOUNTS)
    return render(
        request,
        "enterprises/detail.html",
        {
            "enterprise": enterprise,
            "history": audit.history(enterprise),
            "members": enterprise.members.select_related("user"),
            "can_edit": user.can(perms.ENTERPRISE_CHANGE) or user.can(perms.ENTERPRISE_CHANGE_OWN),
            "can_manage_accounts": can_manage_accounts,
            "account_form": account_form
            or (EnterpriseAccountForm() if can_manage_accounts else None),
            "map_context": selectors.detail_map_context(enterprise),
        },
        status=status,
    )


def _sections(form):
    return [
        (title, [form[name] for name in names if name in form.fields])
        for title, names in SECTIONS
        if any(name in form.fields for name in names)
    ]


@require_POST
@requires(perms.ENTERPRISE_ACCOUNTS)
def enterprise_account_create(request, pk: int):
    enterprise = selectors.enterprise_get(request.user, pk)
    form = EnterpriseAccountForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        user = services.enterprise_account_create(
            by=request.user,
            enterprise=enterprise,
            username=data["username"],
            name=data["name"],
            phone=data["phone"],
            position=data["position"],
            password=data["password1"],
        )
        messages.success(request, _("已为本单位创建账号 %(u)s") % {"u": user.username})
        return redirect(enterprise)
    return _render_detail(request, enterprise, account_form=form, status=422)


@require_POST
@requires(perms.ENTERPRISE_ACCOUNTS)
def enterprise_account_toggle(request, pk: int, link_pk: int):
    enterprise = selectors.enterprise_get(request.user, pk)
    link = get_object_or_404(enterprise.members.select_related("user"), pk=link_pk)
    active = not link.user.is_active
    services.enterprise_account_set_active(by=request.user, link=link, active=active)
    messages.success(
        request,
        (_("已启用账号 %(u)s") if active else _("已停用账号 %(u)s")) % {"u": link.user.username},
    )
    return redirect(enterprise)


@require_http_methods(["GET", "POST"])
@requires(perms.ENTERPRISE_ADD)
def enterprise_create(request):
    form = EnterpriseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.enterprise_create(by=request.user, data=form.service_data())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("已登记“%(name)s”") % {"name": enterprise.name})
            return redirect(enterprise)
    return render(
        request,
        "enterprises/form.html",
        {"form": form, "sections": _sections(form), "enterprise": None},
        status=422 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@requires(perms.ENTERPRISE_CHANGE, perms.ENTERPRISE_CHANGE_OWN)
def enterprise_edit(request, pk: int):
    enterprise = selectors.enterprise_get(request.user, pk)
    form_class = form_class_for(request.user)
    form = form_class(request.POST or None, instance=enterprise, user=request.user)
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.enterprise_update(
                by=request.user,
                enterprise_id=pk,
                data=form.service_data(),
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except Conflict as error:
            conflict = True
            form.add_error(None, str(error))
        except ValidationError as error:
            apply_service_errors(form, error)
        except Enterprise.DoesNotExist:
            raise PermissionDenied from None
        else:
            messages.success(request, _("已保存“%(name)s”") % {"name": enterprise.name})
            return redirect(enterprise)
    return render(
        request,
        "enterprises/form.html",
        {
            "form": form,
            "sections": _sections(form),
            "enterprise": Enterprise.objects.get(pk=pk),
            "conflict": conflict,
        },
        status=409 if conflict else 422 if form.errors else 200,
    )


@require_GET
@requires(perms.ENTERPRISE_ADD, perms.ENTERPRISE_CHANGE)
def grid_options(request):
    """<option>s of the grids under the chosen street (the form swaps them in with htmx)."""
    street = request.GET.get("street", "")
    grids = region_selectors.grids_for(request.user, street) if street else Region.objects.none()
    return render(request, "enterprises/_grid_options.html", {"grids": grids})


@require_GET
@requires(perms.ENTERPRISE_VIEW)
def enterprise_map(request):
    filterset = selectors.enterprise_filter(request.user, request.GET)
    districts = region_selectors.districts_in(request.user).exclude(boundary__isnull=True)
    streets = region_selectors.streets_for(request.user).exclude(latitude=None)
    return render(
        request,
        "enterprises/map.html",
        {
            "filterset": filterset,
            "map_context": {
                "pointsUrl": reverse("enterprises:enterprise_map_data"),
                "detailUrl": reverse("enterprises:enterprise_detail", args=[0]),
                "districts": [{"name": d.name, "geometry": d.boundary} for d in districts],
                "streets": [
                    {"name": s.name, "lat": float(s.latitude), "lon": float(s.longitude)}
                    for s in streets
                ],
            },
        },
    )


@require_GET
@requires(perms.ENTERPRISE_VIEW)
def enterprise_map_data(request):
    filterset = selectors.enterprise_filter(request.user, request.GET)
    points, total = selectors.map_points(filterset.qs)
    return JsonResponse(
        {"points": points, "total": total, "limit": selectors.MAP_POINT_LIMIT},
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
    )


@require_GET
@requires(perms.ENTERPRISE_EXPORT)
def enterprise_export(request):
    queryset, about = exporter.export_queryset(request.user, request.GET)
    if queryset.count() > exporter.SYNC_EXPORT_LIMIT:
        job = job_start(kind=EXPORT, by=request.user, params={"query": request.GET.urlencode()})
        messages.info(request, _("导出行数较多，已转为后台任务，完成后可在此下载。"))
        return redirect("core:job_detail", pk=job.pk)
    response = HttpResponse(content_type=XLSX)
    write_ledger(
        response,
        title=exporter.SHEET_TITLE,
        columns=COLUMNS,
        objects=queryset.iterator(chunk_size=2000),
        about=about,
    )
    attachment(response, exporter.filename())
    return response


@require_GET
@requires(perms.ENTERPRISE_IMPORT)
def enterprise_import_template(request):
    lists = {
        column.header: list(column.choices)
        for column in COLUMNS
        if column.choices and column.importable
    }
    lists[str(_("所属街镇"))] = list(
        region_selectors.streets_for(request.user).values_list("name", flat=True)
    )
    lists[str(_("监管行业"))] = list(
        region_selectors.industries_for(request.user).values_list("name", flat=True)
    )
    content = write_template(
        title=exporter.SHEET_TITLE,
        columns=COLUMNS,
        notes=[
            _("第一行为表头，请勿修改；第二行为示例，导入前请删除或改为真实数据。"),
            _("橙色表头为必填列。统一社会信用代码列请保持文本格式。"),
            _("单位的监管部门按“管行业必须管安全”自动确定；如需手工指定，请填写“监管部门”列。"),
            _("导入时整份文件先全部校验；可选择“有错误时全部不导入”或“只导入无错误的行”。"),
        ],
        lists=lists,
    )
    response = HttpResponse(content, content_type=XLSX)
    attachment(response, "生产经营单位导入模板.xlsx")
    return response


@require_http_methods(["GET", "POST"])
@requires(perms.ENTERPRISE_IMPORT)
def enterprise_import(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None, modes=MODES)
    if request.method == "POST" and form.is_valid():
        job = job_start(
            kind=IMPORT,
            by=request.user,
            params={"mode": form.cleaned_data["mode"], "filename": form.cleaned_data["file"].name},
            upload=form.cleaned_data["file"],
        )
        return redirect("core:job_detail", pk=job.pk)
    return render(
        request,
        "enterprises/import.html",
        {"form": form, "modes": MODES},
        status=422 if form.errors else 200,
    )
