"""Registry pages, declared on the core registry base (core/registry.py): selectors read,
services write through ``core.forms.submit()``, forms validate."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from anjian.core import audit
from anjian.core.access import requires
from anjian.core.registry import (
    RegistryAction,
    RegistryDetail,
    RegistryEdit,
    RegistryExport,
    RegistryImport,
    RegistryImportTemplate,
    RegistryList,
    RegistryMap,
    RegistryMapPoints,
)
from anjian.enterprises import exporter, selectors, services
from anjian.enterprises import permissions as perms
from anjian.enterprises.forms import (
    SECTIONS,
    EnterpriseAccountForm,
    EnterpriseForm,
    form_class_for,
)
from anjian.enterprises.importer import MODES
from anjian.enterprises.jobs import EXPORT, IMPORT
from anjian.enterprises.ledger import COLUMNS
from anjian.enterprises.tables import EnterpriseTable
from anjian.regions import selectors as region_selectors
from anjian.regions.models import Region


class EnterpriseList(RegistryList):
    access = perms.ENTERPRISE_VIEW
    filterset = selectors.enterprise_filter
    table = EnterpriseTable
    template_name = "enterprises/list.html"

    def get(self, request, *args, **kwargs):
        own = request.user.scope.enterprise_id
        if own is not None:  # a list of one, with a registry's filters: its page instead
            return redirect("enterprises:enterprise_detail", own)
        return super().get(request, *args, **kwargs)


class EnterpriseDetail(RegistryDetail):
    access = perms.ENTERPRISE_VIEW
    read = selectors.enterprise_get
    template_name = "enterprises/detail.html"
    context_object_name = "enterprise"

    def get_extra_context(self, obj, **context) -> dict:
        user = self.request.user
        can_manage_accounts = user.can(perms.ENTERPRISE_ACCOUNTS)
        return {
            "history": audit.history(obj),
            "members": obj.members.select_related("user"),
            "can_edit": user.can(perms.ENTERPRISE_CHANGE) or user.can(perms.ENTERPRISE_CHANGE_OWN),
            "can_manage_accounts": can_manage_accounts,
            "account_form": EnterpriseAccountForm() if can_manage_accounts else None,
            "map_context": selectors.detail_map_context(obj),
        }


class EnterpriseAccountCreate(RegistryAction):
    """A login for the enterprise's own staff, from the form on its page."""

    access = perms.ENTERPRISE_ACCOUNTS
    detail = EnterpriseDetail
    form_class = EnterpriseAccountForm
    form_name = "account_form"
    success_message = gettext_lazy("已为本单位创建账号 %(username)s")

    def save(self, obj, data):
        return services.enterprise_account_create(
            by=self.request.user,
            enterprise=obj,
            username=data["username"],
            name=data["name"],
            phone=data["phone"],
            position=data["position"],
            password=data["password1"],
        )


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


class EnterpriseCreate(RegistryEdit):
    access = perms.ENTERPRISE_ADD
    form_class = EnterpriseForm
    template_name = "enterprises/form.html"
    context_object_name = "enterprise"
    sections = SECTIONS
    list_url = "enterprises:enterprise_list"
    success_message = gettext_lazy("已登记“%(name)s”")

    def save(self, obj, data, version):
        return services.enterprise_create(by=self.request.user, data=data)


class EnterpriseEdit(EnterpriseCreate):
    access = (perms.ENTERPRISE_CHANGE, perms.ENTERPRISE_CHANGE_OWN)
    read = selectors.enterprise_get
    success_message = gettext_lazy("已保存“%(name)s”")

    def get_form_class(self):
        return form_class_for(self.request.user)  # an enterprise user: its own few fields

    def save(self, obj, data, version):
        return services.enterprise_update(
            by=self.request.user, enterprise_id=obj.pk, data=data, expected_version=version
        )


@require_GET
@requires(perms.ENTERPRISE_ADD, perms.ENTERPRISE_CHANGE)
def grid_options(request):
    """<option>s of the grids under the chosen street (the form swaps them in with htmx)."""
    street = request.GET.get("street", "")
    grids = region_selectors.grids_for(request.user, street) if street else Region.objects.none()
    return render(request, "enterprises/_grid_options.html", {"grids": grids})


class EnterpriseMap(RegistryMap):
    access = perms.ENTERPRISE_VIEW
    filterset = selectors.enterprise_filter
    layers = region_selectors.map_layers
    template_name = "enterprises/map.html"
    points_url = "enterprises:enterprise_map_data"

    def map_context(self) -> dict:
        return {"detailUrl": reverse("enterprises:enterprise_detail", args=[0])}


class EnterpriseMapPoints(RegistryMapPoints):
    access = perms.ENTERPRISE_VIEW
    filterset = selectors.enterprise_filter
    limit = selectors.MAP_POINT_LIMIT

    def points(self):
        return selectors.map_points(self.get_filterset().qs)


class EnterpriseExport(RegistryExport):
    """The filtered registry; above ``exporter.SYNC_EXPORT_LIMIT`` rows a background job."""

    access = perms.ENTERPRISE_EXPORT
    columns = COLUMNS
    title = exporter.SHEET_TITLE
    job_kind = EXPORT

    def ledger(self):
        return exporter.export_queryset(self.request.user, self.request.GET)

    def sync_limit(self):
        return exporter.SYNC_EXPORT_LIMIT

    def filename(self):
        return exporter.filename()


class EnterpriseImportTemplate(RegistryImportTemplate):
    access = perms.ENTERPRISE_IMPORT
    columns = COLUMNS
    title = exporter.SHEET_TITLE
    filename = "生产经营单位导入模板.xlsx"
    notes = (
        gettext_lazy("第一行为表头，请勿修改。"),
        gettext_lazy("橙色表头为必填列。统一社会信用代码列请保持文本格式。"),
        gettext_lazy(
            "单位的监管部门按“管行业必须管安全”自动确定；如需手工指定，请填写“监管部门”列。"
        ),
        gettext_lazy("导入时整份文件先全部校验；可选择“有错误时全部不导入”或“只导入无错误的行”。"),
    )

    def lists(self):
        user = self.request.user
        return {
            **super().lists(),
            str(_("所属街镇")): list(
                region_selectors.streets_for(user).values_list("name", flat=True)
            ),
            str(_("监管行业")): list(
                region_selectors.unit_industries_for(user).values_list("name", flat=True)
            ),
        }


class EnterpriseImport(RegistryImport):
    access = perms.ENTERPRISE_IMPORT
    job_kind = IMPORT
    modes = MODES
    template_name = "enterprises/import.html"
