"""/emergency/ — 应急准备与处置: the overview; plans (预案), drills (演练) and resources (应急资源:
teams, warehouses and stock, equipment, shelters, experts, the map), each with its Excel
import and export, and each form on a record's page posting to its own URL; incidents
(``urls_incidents``)."""

from django.urls import include, path

from anjian.emergency import (
    urls_incidents,
    views_drills,
    views_figures,
    views_imports,
    views_plans,
    views_resources,
    views_stock,
)

app_name = "emergency"

plans = [
    path("", views_plans.PlanList.as_view(), name="plan_list"),
    path("export.xlsx", views_plans.PlanExport.as_view(), name="plan_export"),
    path("new/", views_plans.PlanCreate.as_view(), name="plan_create"),
    path("import/", views_imports.PlanImport.as_view(), name="plan_import"),
    path(
        "import/template.xlsx",
        views_imports.PlanImportTemplate.as_view(),
        name="plan_import_template",
    ),
    path("<int:pk>/", views_plans.PlanDetail.as_view(), name="plan_detail"),
    path("<int:pk>/edit/", views_plans.PlanEdit.as_view(), name="plan_edit"),
    path("<int:pk>/transition/", views_plans.PlanTransitionView.as_view(), name="plan_transition"),
    path("<int:pk>/assess/", views_plans.PlanAssess.as_view(), name="plan_assess"),
    path("<int:pk>/trigger/", views_plans.PlanTrigger.as_view(), name="plan_trigger"),
    path("<int:pk>/revise/", views_plans.PlanRevise.as_view(), name="plan_revise"),
    path("<int:pk>/attachments/", views_plans.PlanAttach.as_view(), name="plan_attach"),
    path(
        "<int:pk>/attachments/<int:attachment_id>/",
        views_plans.plan_attachment,
        name="plan_attachment",
    ),
]

drills = [
    path("", views_drills.DrillList.as_view(), name="drill_list"),
    path("export.xlsx", views_drills.DrillExport.as_view(), name="drill_export"),
    path("compliance/", views_drills.drill_compliance, name="drill_compliance"),
    path(
        "compliance/export.xlsx",
        views_drills.drill_compliance_export,
        name="drill_compliance_export",
    ),
    path("new/", views_drills.DrillCreate.as_view(), name="drill_create"),
    path("import/", views_imports.DrillImport.as_view(), name="drill_import"),
    path(
        "import/template.xlsx",
        views_imports.DrillImportTemplate.as_view(),
        name="drill_import_template",
    ),
    path("<int:pk>/", views_drills.DrillDetail.as_view(), name="drill_detail"),
    path("<int:pk>/hold/", views_drills.DrillHold.as_view(), name="drill_hold"),
    path("<int:pk>/evaluate/", views_drills.DrillEvaluate.as_view(), name="drill_evaluate"),
    path("<int:pk>/cancel/", views_drills.DrillCancel.as_view(), name="drill_cancel"),
    path(
        "<int:pk>/problems/<int:problem_id>/done/",
        views_drills.DrillProblemDone.as_view(),
        name="drill_problem_done",
    ),
]


def registry(kind: str, views: dict) -> list:
    """A resource kind's list, Excel, form and page (``views``: its view classes)."""
    return [
        path(f"{kind}/", views["list"].as_view(), name=f"{views['name']}_list"),
        path(f"{kind}/export.xlsx", views["export"].as_view(), name=f"{views['name']}_export"),
        path(f"{kind}/new/", views["edit"].as_view(), name=f"{views['name']}_create"),
        path(f"{kind}/<int:pk>/", views["detail"].as_view(), name=f"{views['name']}_detail"),
        path(f"{kind}/<int:pk>/edit/", views["edit"].as_view(), name=f"{views['name']}_edit"),
    ]


i = views_imports
r = views_resources
s = views_stock
resources = [
    *registry(
        "teams",
        {
            "name": "team",
            "list": r.TeamList,
            "export": r.TeamExport,
            "edit": r.TeamEdit,
            "detail": r.TeamDetail,
        },
    ),
    path("teams/<int:pk>/readiness/", r.TeamReadiness.as_view(), name="team_readiness"),
    path("teams/<int:pk>/members/", r.TeamMemberAdd.as_view(), name="team_member_add"),
    path(
        "teams/<int:pk>/members/<int:member_id>/leave/",
        r.team_member_leave,
        name="team_member_leave",
    ),
    *registry(
        "warehouses",
        {
            "name": "warehouse",
            "list": s.WarehouseList,
            "export": s.WarehouseExport,
            "edit": s.WarehouseEdit,
            "detail": s.WarehouseDetail,
        },
    ),
    path("warehouses/<int:pk>/supplies/", s.SupplyCreate.as_view(), name="supply_create"),
    path("warehouses/<int:pk>/stock/<str:op>/", s.WarehouseStock.as_view(), name="warehouse_stock"),
    path(
        "warehouses/<int:pk>/ledger.xlsx",
        s.WarehouseLedgerExport.as_view(),
        name="warehouse_ledger",
    ),
    path("supplies/", s.SupplyList.as_view(), name="supply_list"),
    path("supplies/export.xlsx", s.SupplyExport.as_view(), name="supply_export"),
    path("supplies/<int:pk>/", s.SupplyDetail.as_view(), name="supply_detail"),
    path("supplies/<int:pk>/edit/", s.SupplyEdit.as_view(), name="supply_edit"),
    path("supplies/<int:pk>/stock/<str:op>/", s.SupplyStock.as_view(), name="supply_stock"),
    path("supplies/<int:pk>/ledger.xlsx", s.SupplyLedgerExport.as_view(), name="supply_ledger"),
    *registry(
        "equipment",
        {
            "name": "equipment",
            "list": r.EquipmentList,
            "export": r.EquipmentExport,
            "edit": r.EquipmentEdit,
            "detail": r.EquipmentDetail,
        },
    ),
    *registry(
        "shelters",
        {
            "name": "shelter",
            "list": r.ShelterList,
            "export": r.ShelterExport,
            "edit": r.ShelterEdit,
            "detail": r.ShelterDetail,
        },
    ),
    path("shelters/<int:pk>/status/", r.ShelterStatus.as_view(), name="shelter_status"),
    *registry(
        "experts",
        {
            "name": "expert",
            "list": r.ExpertList,
            "export": r.ExpertExport,
            "edit": r.ExpertEdit,
            "detail": r.ExpertDetail,
        },
    ),
    path("map/", views_figures.ResourceMap.as_view(), name="resource_map"),
    path("map/points.json", views_figures.ResourceMapPoints.as_view(), name="resource_map_data"),
    path("import/<str:kind>/", i.ResourceImport.as_view(), name="resource_import"),
    path(
        "import/<str:kind>/template.xlsx",
        i.ResourceImportTemplate.as_view(),
        name="resource_import_template",
    ),
]

urlpatterns = [
    path("", views_figures.overview, name="overview"),
    path("owners/", views_plans.enterprise_matches, name="enterprise_matches"),
    path("plans/", include(plans)),
    path("drills/", include(drills)),
    path("resources/", include(resources)),
    path("", include(urls_incidents)),
]
