"""The two pools' pages: the 执法检查人员名录库 (with each official's 回避) and the
随机抽查事项清单, on the registry base (core/registry.py)."""

from django import forms as django_forms
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from anjian.core.registry import RegistryAction, RegistryDetail, RegistryEdit, RegistryList
from anjian.enterprises.models import Enterprise
from anjian.inspections import forms, selectors, services
from anjian.inspections import permissions as perms
from anjian.inspections.tables import InspectorTable, MatterTable

PICKER_LIMIT = 20


# --- the inspector pool -------------------------------------------------------------------------


class InspectorList(RegistryList):
    access = perms.INSPECTION_VIEW
    table = InspectorTable
    template_name = "inspections/inspector_list.html"

    def get_filterset(self):
        user = self.request.user
        return forms.InspectorFilterSet(
            self.request.GET or None, queryset=selectors.inspectors(user), user=user
        )


class InspectorDetail(RegistryDetail):
    """The official, their 执法证 and 回避; a 回避 is declared by picking the enterprise
    (``?q=`` searches the user's units, ``?enterprise=`` picks one) and giving the reason."""

    access = perms.INSPECTION_VIEW
    read = selectors.inspector_get
    template_name = "inspections/inspector_detail.html"
    context_object_name = "inspector"

    def get_extra_context(self, obj, **context) -> dict:
        request, user = self.request, self.request.user
        may_keep = user.can(perms.INSPECTION_POOL)
        query = request.GET.get("q", "").strip()
        matches = []
        if may_keep and query:
            matches = Enterprise.objects.for_user(user).search(query).order_by("name_sort_key")
            matches = matches[:PICKER_LIMIT]
        picked_id = request.POST.get("enterprise") or request.GET.get("enterprise")
        picked = None
        if may_keep and str(picked_id or "").isdigit():
            picked = Enterprise.objects.for_user(user).filter(pk=int(picked_id)).first()
        form = forms.ConflictForm(initial={"enterprise": picked.pk if picked else None})
        return {
            "conflicts": selectors.conflicts_of(obj),
            "expired": not obj.certificate_valid_on(timezone.localdate()),
            "home_regions": obj.home_regions.order_by("code"),
            "may_keep": may_keep,
            "query": query,
            "matches": matches,
            "picked": picked,
            "conflict_form": form,
        }


class ConflictDeclare(RegistryAction):
    access = perms.INSPECTION_POOL
    detail = InspectorDetail
    form_class = forms.ConflictForm
    form_name = "conflict_form"
    success_message = gettext_lazy("已登记回避：%(enterprise)s")

    def save(self, obj, data):
        return services.conflict_declare(
            self.request.user,
            inspector=obj.pk,
            enterprise=data["enterprise"],
            reason=data["reason"],
        )


class ConflictWithdraw(RegistryAction):
    """撤销 a 回避 (kept, marked withdrawn); one already withdrawn stays as it is."""

    access = perms.INSPECTION_POOL
    detail = InspectorDetail
    form_class = django_forms.Form
    success_message = gettext_lazy("已撤销回避：%(enterprise)s")

    def save(self, obj, data):
        conflict_pk = self.kwargs["conflict_pk"]
        if not obj.conflicts.filter(pk=conflict_pk).exists():
            raise Http404
        return services.conflict_withdraw(self.request.user, conflict_id=conflict_pk)


class InspectorCreate(RegistryEdit):
    access = perms.INSPECTION_POOL
    form_class = forms.InspectorForm
    template_name = "inspections/inspector_form.html"
    context_object_name = "inspector"
    list_url = "inspections:inspector_list"
    sections = [
        (gettext_lazy("人员"), ["user", "department", "in_pool"]),
        (gettext_lazy("执法证"), ["certificate_number", "certificate_valid_until"]),
        (gettext_lazy("回避区域"), ["home_regions"]),
    ]
    success_message = gettext_lazy("已登记：%(name)s")

    def save(self, obj, data, version):
        return services.inspector_save(self.request.user, data=data)


class InspectorEdit(InspectorCreate):
    read = selectors.inspector_get
    success_message = gettext_lazy("已保存：%(name)s")

    def save(self, obj, data, version):
        return services.inspector_save(
            self.request.user, data=data, inspector_id=obj.pk, version=version or None
        )


# --- the matters list ----------------------------------------------------------------------------


class MatterList(RegistryList):
    access = perms.INSPECTION_VIEW
    table = MatterTable
    template_name = "inspections/matter_list.html"

    def get_filterset(self):
        user = self.request.user
        return forms.MatterFilterSet(
            self.request.GET or None, queryset=selectors.matters(user), user=user
        )


class MatterCreate(RegistryEdit):
    access = perms.INSPECTION_POOL
    form_class = forms.MatterForm
    template_name = "inspections/matter_form.html"
    context_object_name = "matter"
    list_url = "inspections:matter_list"
    sections = [
        (gettext_lazy("抽查事项"), ["department", "name", "is_active"]),
        (gettext_lazy("依据与对象"), ["basis", "industries"]),
    ]
    success_message = gettext_lazy("已保存抽查事项“%(name)s”")

    def save(self, obj, data, version):
        return services.matter_save(self.request.user, data=data)

    def success_url(self, result) -> str:
        return reverse("inspections:matter_list")

    def cancel_url(self, obj) -> str:
        return reverse("inspections:matter_list")


class MatterEdit(MatterCreate):
    read = selectors.matter_get

    def save(self, obj, data, version):
        return services.matter_save(
            self.request.user, data=data, matter_id=obj.pk, version=version or None
        )
