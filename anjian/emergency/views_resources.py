"""应急资源 pages: for each kind (teams, warehouses, stock lines, equipment, shelters, experts)
the list, its Excel, the form and the record's page. Warehouses and stock are in
``views_stock``, the map of every kind in ``views_figures``, the Excel import in
``views_imports``.

Declared on the registry base (``core.registry``): the lists read the selectors with the
filter form's values (``SelectorFilter``, typed), the pages read through the user's scope
(404 outside it), every write is a service call through ``core.forms.submit``."""

from dataclasses import dataclass

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from anjian.core.access import requires
from anjian.core.filters import SelectorFilter
from anjian.core.pages import PageAction, RecordDetail
from anjian.core.registry import (
    RegistryEdit,
    RegistryExport,
    RegistryList,
    shown,
)
from anjian.emergency import permissions as perms
from anjian.emergency import resource_exports
from anjian.emergency import selectors_resources as selectors
from anjian.emergency import services_resources as services
from anjian.emergency.choices import Readiness
from anjian.emergency.filters import (
    EquipmentFilterForm,
    ExpertFilterForm,
    ShelterFilterForm,
    SupplyFilterForm,
    TeamFilterForm,
    WarehouseFilterForm,
)
from anjian.emergency.forms_resources import (
    EquipmentForm,
    ExpertForm,
    MemberForm,
    ReadinessForm,
    ShelterForm,
    ShelterStatusForm,
    SupplyForm,
    TeamForm,
    WarehouseForm,
)
from anjian.emergency.models import Equipment, Expert, RescueTeam, Shelter, Supply, Warehouse
from anjian.emergency.tables import (
    EquipmentTable,
    ExpertTable,
    ShelterTable,
    SupplyTable,
    TeamTable,
    WarehouseTable,
    equipment_badge,
    readiness_badge,
    shelter_badge,
    speciality_labels,
)

PLACE = (gettext_lazy("位置"), ["address", "latitude", "longitude"])


@dataclass(frozen=True)
class Kind:
    """One kind of resource as its pages see it."""

    key: str
    label: str
    model: type
    select: object  # selectors_resources.<kind>s(user, **filters)
    filter_form: type
    table: type
    form: type
    sections: tuple
    facts: tuple[str, ...]  # the fields its page shows
    create: object = None  # (user, data) → record
    update: object = None  # (user, pk, version, data) → record

    def url(self, action: str, *args) -> str:
        return reverse(f"emergency:{self.key}_{action}", args=args)


def _creator(name):
    return lambda user, data: getattr(services, f"{name}_create")(user, data=data)


def _updater(name):
    def update(user, pk, version, data):
        call = getattr(services, f"{name}_update")
        return call(user, **{f"{name}_id": pk}, expected_version=version, data=data)

    return update


TEAM = Kind(
    "team",
    gettext_lazy("救援队伍"),
    RescueTeam,
    selectors.teams,
    TeamFilterForm,
    TeamTable,
    TeamForm,
    (
        (gettext_lazy("队伍"), ["name", "kind", "specialities", "headcount", "active"]),
        (
            gettext_lazy("联系与战备"),
            ["leader", "phone", "duty_phone", "readiness", "equipment_summary"],
        ),
        PLACE,
    ),
    ("kind", "leader", "phone", "duty_phone", "headcount", "equipment_summary", "address"),
    _creator("team"),
    _updater("team"),
)
WAREHOUSE = Kind(
    "warehouse",
    gettext_lazy("物资储备库"),
    Warehouse,
    selectors.warehouses,
    WarehouseFilterForm,
    WarehouseTable,
    WarehouseForm,
    (
        (gettext_lazy("储备库"), ["name", "storage_level", "area_m2", "active"]),
        (gettext_lazy("管理"), ["manager", "phone"]),
        PLACE,
    ),
    ("storage_level", "manager", "phone", "area_m2", "address", "active"),
    _creator("warehouse"),
    _updater("warehouse"),
)
SUPPLY = Kind(
    "supply",
    gettext_lazy("应急物资"),
    Supply,
    selectors.supplies,
    SupplyFilterForm,
    SupplyTable,
    SupplyForm,
    (
        (gettext_lazy("物资"), ["name", "category", "spec", "unit"]),
        (
            gettext_lazy("批次与储备"),
            ["batch", "expires_on", "reserve_target", "quantity", "active"],
        ),
    ),
    ("category", "spec", "unit", "batch", "reserve_target", "active"),
)
EQUIPMENT = Kind(
    "equipment",
    gettext_lazy("救援装备"),
    Equipment,
    selectors.equipment,
    EquipmentFilterForm,
    EquipmentTable,
    EquipmentForm,
    (
        (gettext_lazy("装备"), ["name", "category", "spec", "quantity", "status"]),
        (gettext_lazy("配属与存放"), ["team", "warehouse"]),
        PLACE,
    ),
    ("category", "spec", "quantity", "available", "team", "warehouse", "address"),
    _creator("equipment"),
    _updater("equipment"),
)
SHELTER = Kind(
    "shelter",
    gettext_lazy("避难场所"),
    Shelter,
    selectors.shelters,
    ShelterFilterForm,
    ShelterTable,
    ShelterForm,
    (
        (gettext_lazy("场所"), ["name", "kind", "indoor", "area_m2", "capacity", "status"]),
        (gettext_lazy("设施与管理"), ["facilities", "manager", "phone"]),
        PLACE,
    ),
    (
        "kind",
        "indoor",
        "area_m2",
        "capacity",
        "occupancy",
        "facilities",
        "manager",
        "phone",
        "address",
    ),
    _creator("shelter"),
    _updater("shelter"),
)
EXPERT = Kind(
    "expert",
    gettext_lazy("应急专家"),
    Expert,
    selectors.experts,
    ExpertFilterForm,
    ExpertTable,
    ExpertForm,
    ((gettext_lazy("专家"), ["name", "field", "title", "employer", "phone", "available"]), PLACE),
    ("field", "title", "employer", "phone", "available", "address"),
    _creator("expert"),
    _updater("expert"),
)
KINDS = {kind.key: kind for kind in (TEAM, WAREHOUSE, SUPPLY, EQUIPMENT, SHELTER, EXPERT)}


def tabs(current: str) -> list[tuple[str, str, bool]]:
    """The resource pages' tabs: (label, url, current)."""
    found = [(str(kind.label), kind.url("list"), kind.key == current) for kind in KINDS.values()]
    found.append((_("资源地图"), reverse("emergency:resource_map"), current == "map"))
    return found


def facts(obj, names) -> list[tuple[str, str]]:
    return [(str(obj._meta.get_field(name).verbose_name), shown(obj, name)) for name in names]


# --- the bases ----------------------------------------------------------------------------------


def resource_filter(kind: Kind, user, params) -> SelectorFilter:
    return SelectorFilter(user, params, form_class=kind.filter_form, select=kind.select, typed=True)


class ResourceList(RegistryList):
    access = perms.EMERGENCY_VIEW
    template_name = "emergency/resources/list.html"
    kind: Kind = TEAM

    def get_extra_context(self, **context) -> dict:
        return {"kind": self.kind, "tabs": tabs(self.kind.key)}


class ResourceDetail(RecordDetail):
    access = perms.EMERGENCY_VIEW
    template_name = "emergency/resources/detail.html"
    context_object_name = "object"
    kind: Kind = TEAM

    def get_object(self):
        visible = self.kind.model.objects.for_user(self.request.user)
        return get_object_or_404(visible, pk=self.kwargs["pk"])

    def get_extra_context(self, obj, **context) -> dict:
        user = self.request.user
        return {
            "kind": self.kind,
            "tabs": tabs(self.kind.key),
            "facts": facts(obj, self.kind.facts),
            "may_manage": user.can(perms.RESOURCE_MANAGE),
            "edit_url": self.kind.url("edit", obj.pk),
            **self.extra(obj, user),
        }

    def extra(self, obj, user) -> dict:
        return {}


class ResourceEdit(RegistryEdit):
    """Create (no ``pk``) or edit one resource through its service."""

    access = perms.RESOURCE_MANAGE
    template_name = "emergency/form.html"
    kind: Kind = TEAM

    def get_object(self):
        if "pk" not in self.kwargs:
            return None
        visible = self.kind.model.objects.for_user(self.request.user)
        return get_object_or_404(visible, pk=self.kwargs["pk"])

    def get_form_class(self):
        self.sections = self.kind.sections
        return self.kind.form

    def save(self, obj, data, version):
        if obj is None:
            return self.kind.create(self.request.user, data)
        return self.kind.update(self.request.user, obj.pk, version, data)

    def saved(self, obj, result):
        done = _("已保存“%(name)s”") if obj else _("已登记“%(name)s”")
        self.success_message = done % {"name": str(result)}
        self.announce(result)
        return redirect(self.kind.url("detail", result.pk))

    def cancel_url(self, obj) -> str:
        return self.kind.url("detail", obj.pk) if obj else self.kind.url("list")

    def get_extra_context(self, obj=None, **context) -> dict:
        label = self.kind.label
        if obj is None:
            heading = _("登记%(kind)s") % {"kind": label}
            return {"heading": heading, "back_url": self.kind.url("list"), "back_label": label}
        heading = _("修改%(kind)s") % {"kind": label}
        return {"heading": heading, "back_url": self.kind.url("detail", obj.pk), "back_label": obj}


class ResourceAction(PageAction):
    """A form on a resource's page (the page's ``detail`` class)."""

    access = perms.RESOURCE_MANAGE

    def detail_url(self, obj) -> str:
        return self.detail.kind.url("detail", obj.pk)


# --- teams --------------------------------------------------------------------------------------


def team_filter(user, params):
    return resource_filter(TEAM, user, params)


class TeamList(ResourceList):
    filterset, table, kind = team_filter, TeamTable, TEAM


class TeamEdit(ResourceEdit):
    kind = TEAM


class TeamDetail(ResourceDetail):
    template_name = "emergency/resources/team.html"
    kind = TEAM

    def extra(self, obj, user) -> dict:
        context = {
            "badge": readiness_badge(obj),
            "specialities": speciality_labels(obj.speciality_codes),
            "members": obj.members.order_by("-active", "id"),
            "equipment": obj.equipment.all(),
        }
        if user.can(perms.RESOURCE_MANAGE):
            if obj.readiness != Readiness.DEPLOYED:
                context["readiness_form"] = self.form(
                    "readiness",
                    lambda: ReadinessForm(
                        initial={"version": obj.version, "readiness": obj.readiness},
                        auto_id="readiness-%s",
                    ),
                )
            context["member_form"] = self.form("member", lambda: MemberForm(auto_id="member-%s"))
        return context


class TeamReadiness(ResourceAction):
    detail, form_class, form_name, anchor = TeamDetail, ReadinessForm, "readiness", "summary"
    success_message = gettext_lazy("已变更战备状态")

    def save(self, obj, data):
        return services.team_set_readiness(
            self.request.user,
            team_id=obj.pk,
            expected_version=data["version"],
            readiness=data["readiness"],
        )


class TeamMemberAdd(ResourceAction):
    detail, form_class, form_name, anchor = TeamDetail, MemberForm, "member", "members"
    success_message = gettext_lazy("已登记队员 %(name)s")

    def save(self, obj, data):
        return services.team_member_add(self.request.user, team_id=obj.pk, data=data)


@require_POST
@requires(perms.RESOURCE_MANAGE)
def team_member_leave(request, pk: int, member_id: int):
    """离队: the member stays on the roster as 不在队."""
    team = get_object_or_404(RescueTeam.objects.for_user(request.user), pk=pk)
    member = get_object_or_404(team.members.all(), pk=member_id)
    services.team_member_leave(request.user, member_id=member.pk)
    messages.success(request, _("%(name)s 已离队（保留在花名册中）") % {"name": member.name})
    return redirect(f"{TEAM.url('detail', team.pk)}#members")


# --- equipment, shelters, experts ------------------------------------------------------------


def equipment_filter(user, params):
    return resource_filter(EQUIPMENT, user, params)


class EquipmentList(ResourceList):
    filterset, table, kind = equipment_filter, EquipmentTable, EQUIPMENT


class EquipmentEdit(ResourceEdit):
    kind = EQUIPMENT


class EquipmentDetail(ResourceDetail):
    kind = EQUIPMENT

    def extra(self, obj, user) -> dict:
        return {"badge": equipment_badge(obj)}


def shelter_filter(user, params):
    return resource_filter(SHELTER, user, params)


class ShelterList(ResourceList):
    filterset, table, kind = shelter_filter, ShelterTable, SHELTER


class ShelterEdit(ResourceEdit):
    kind = SHELTER


class ShelterDetail(ResourceDetail):
    template_name = "emergency/resources/shelter.html"
    kind = SHELTER

    def extra(self, obj, user) -> dict:
        context = {"badge": shelter_badge(obj)}
        if user.can(perms.RESOURCE_MANAGE):
            context["status_form"] = self.form(
                "status",
                lambda: ShelterStatusForm(
                    initial={"version": obj.version, "status": obj.status}, auto_id="status-%s"
                ),
            )
        return context


class ShelterStatus(ResourceAction):
    detail, form_class, form_name, anchor = ShelterDetail, ShelterStatusForm, "status", "summary"
    success_message = gettext_lazy("已变更场所状态")

    def save(self, obj, data):
        return services.shelter_set_status(
            self.request.user,
            shelter_id=obj.pk,
            expected_version=data["version"],
            status=data["status"],
        )


def expert_filter(user, params):
    return resource_filter(EXPERT, user, params)


class ExpertList(ResourceList):
    filterset, table, kind = expert_filter, ExpertTable, EXPERT


class ExpertEdit(ResourceEdit):
    kind = EXPERT


class ExpertDetail(ResourceDetail):
    kind = EXPERT


# --- Excel ----------------------------------------------------------------------------------------


class ResourceExport(RegistryExport):
    """The filtered list as shown, every row, as the kind's ledger (``resource_exports``:
    the columns the import reads back)."""

    access = perms.EMERGENCY_VIEW
    kind: Kind = TEAM

    def get_filterset(self):
        return resource_filter(self.kind, self.request.user, self.request.GET)

    def ledger(self):
        key = self.kind.key
        self.columns = resource_exports.columns(key)
        self.title = str(resource_exports.TITLES[key])
        queryset, about = super().ledger()
        return queryset.select_related(*resource_exports.RELATED[key]), about


class TeamExport(ResourceExport):
    kind = TEAM


class EquipmentExport(ResourceExport):
    kind = EQUIPMENT


class ShelterExport(ResourceExport):
    kind = SHELTER


class ExpertExport(ResourceExport):
    kind = EXPERT
