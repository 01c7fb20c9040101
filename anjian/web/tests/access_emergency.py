"""What the access tables open for 应急准备与处置: for each actor's setup, the records of its
enterprise — a plan in force with a revision draft and an attachment, an evaluated drill with
an open problem, a team (with a member who has left), a warehouse with a stock line,
equipment, a shelter, an expert — and an incident where the actor sees it, with a task and
the expert dispatched to it. Made once per setup through the services, by the administrator.

Resources, plans and drills belong to the setup's enterprise, so every actor with a scope
sees them (a grid member's unit lies in its grid; an industry department's unit is of its
industries; resources are seen region-wide anyway). An expert has no scope: every record
page answers it 404. Incidents are scoped by place only: an enterprise user sees none.

Also here: the emergency rows of the page-access table (``EMERGENCY_PAGES``) and what the
API-access table needs to request the emergency reads (``emergency_api_url``,
``api_unseen``). Every POST row sends a form that is refused before anything is written
(an empty form: 422), or repeats something already done (离队, 编制修订版: 302, no row)."""

from dataclasses import dataclass
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anjian.regions.choices import RegionLevel
from anjian.regions.levels import level_of
from anjian.web.tests.access_pages import Page
from anjian.web.tests.access_setup import Setup
from testsupport import world

NO_SCOPE = frozenset({"expert"})
NO_INCIDENTS = frozenset({"expert", "enterprise_manager"})


@dataclass(frozen=True)
class EmergencyRecords:
    plan: object
    draft: object
    attachment: object
    drill: object
    problem: object
    team: object
    member: object
    warehouse: object
    supply: object
    equipment: object
    shelter: object
    expert: object
    incident: object
    task: object
    assignment: object


def _unit_key(enterprise) -> str:
    return {name: key for key, name in world.ENTERPRISE_NAMES.items()}[enterprise.name]


def _incident_place(setup: Setup) -> str:
    """The actor's own grid when its scope lies below a street, else its unit's street."""
    region = setup.user.region_id or ""
    if level_of(region) in (RegionLevel.COMMUNITY, RegionLevel.GRID):
        return region
    return setup.enterprise.street_id


def _plans(admin, unit) -> dict:
    from anjian.emergency import services_plans
    from anjian.emergency.tests import factories_plans as plans

    today = timezone.localdate()
    plan = plans.publish(plans.unit_plan(admin, enterprise=_unit_key(unit)), by=admin, on=today)
    draft = services_plans.plan_revise(admin, plan_id=plan.pk)
    attachment = services_plans.plan_attach(
        admin,
        plan_id=plan.pk,
        name="预案正文",
        file=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 access", content_type="application/pdf"),
    )
    drill = plans.held(
        plans.drill(
            admin, enterprise=_unit_key(unit), kind="comprehensive", plan=plan, planned_on=today
        ),
        by=admin,
        on=today,
    )
    problem = {
        "description": "通讯联络不畅",
        "improvement": "配备对讲机",
        "responsible": "安全部",
        "due_on": today + timedelta(days=30),
    }
    drill = plans.evaluated(drill, by=admin, problems=[problem])
    return {
        "plan": plan,
        "draft": draft,
        "attachment": attachment,
        "drill": drill,
        "problem": drill.problems.get(),
    }


def _resources(admin, unit) -> dict:
    from anjian.emergency import services_resources
    from anjian.emergency.choices import StorageLevel
    from anjian.emergency.tests import factories_resources as make

    owner = {"owner_kind": "enterprise", "enterprise": unit.pk}
    team = make.team(admin, **owner)
    member = services_resources.team_member_add(admin, team_id=team.pk, data={"name": "队员甲"})
    member = services_resources.team_member_leave(admin, member_id=member.pk)
    below_street = level_of(unit.scope_region_code) != RegionLevel.STREET
    level = StorageLevel.COMMUNITY if below_street else StorageLevel.STREET
    warehouse = make.warehouse(admin, storage_level=level, **owner)
    return {
        "team": team,
        "member": member,
        "warehouse": warehouse,
        "supply": make.supply(warehouse, admin, quantity=5),
        "equipment": make.equipment(admin, **owner),
        "shelter": make.shelter(admin, **owner),
        "expert": make.expert(admin, **owner),
    }


def _incident(admin, setup: Setup, expert) -> dict:
    from anjian.emergency import dispatch, services_incidents
    from anjian.emergency.tests.factories_incidents import hand_data

    incident = services_incidents.incident_open(
        admin, data=hand_data(region=_incident_place(setup), title="访问测试事件")
    )
    task = services_incidents.incident_task_add(
        admin, incident_id=incident.pk, title="核实现场情况", responsible="区应急局"
    )
    assignment = dispatch.dispatch(
        admin, incident_id=incident.pk, kind="expert", resource_id=expert.pk
    )
    return {"incident": incident, "task": task, "assignment": assignment}


def emergency(setup: Setup) -> EmergencyRecords:
    if hasattr(setup, "_emergency"):
        return setup._emergency
    admin, unit = world.actor("admin"), setup.enterprise
    resources = _resources(admin, unit)
    setup._emergency = EmergencyRecords(
        **_plans(admin, unit),
        **resources,
        **_incident(admin, setup, resources["expert"]),
    )
    return setup._emergency


# --- the page-access table's rows -------------------------------------------------------------


def _of(name: str, *more):
    """URL args: the record ``name`` of the actor's setup, then ``more`` as they are."""
    return lambda s: [getattr(emergency(s), name).pk, *more]


def _view(name: str, *more, unseen=NO_SCOPE, **kwargs) -> Page:
    return Page(args=_of(name, *more), unseen=unseen, **kwargs)


def _refused(name: str, *more, ok=(422,), **kwargs) -> Page:
    """A form posted empty (or without what it needs): let in, refused, nothing written."""
    return Page(method="post", args=_of(name, *more), ok=ok, **kwargs)


def _registry(kind: str) -> dict[str, Page]:
    return {
        f"emergency:{kind}_list": Page(),
        f"emergency:{kind}_export": Page(),
        f"emergency:{kind}_create": Page(),
        f"emergency:{kind}_detail": _view(kind),
        f"emergency:{kind}_edit": _view(kind),
    }


EMERGENCY_PAGES: dict[str, Page] = {
    "emergency:overview": Page(),
    "emergency:enterprise_matches": Page(query={"q": "有限公司"}),
    # 应急预案: the plan in force; its revision draft is the one to edit, and 编制修订版
    # again answers with that draft (302, no new row).
    "emergency:plan_list": Page(),
    "emergency:plan_export": Page(),
    "emergency:plan_create": Page(),
    "emergency:plan_import": Page(),
    "emergency:plan_import_template": Page(),
    "emergency:plan_detail": _view("plan"),
    "emergency:plan_edit": _view("draft"),
    "emergency:plan_transition": _refused("plan", data=lambda s: {"name": "abolish"}),
    "emergency:plan_assess": _refused("plan"),
    "emergency:plan_trigger": _refused("plan"),
    "emergency:plan_attach": _refused("plan"),
    "emergency:plan_revise": Page(method="post", args=_of("plan")),
    "emergency:plan_attachment": Page(
        args=lambda s: [emergency(s).plan.pk, emergency(s).attachment.pk], unseen=NO_SCOPE
    ),
    # 应急演练: an evaluated drill with one open problem.
    "emergency:drill_list": Page(),
    "emergency:drill_export": Page(),
    "emergency:drill_compliance": Page(),
    "emergency:drill_compliance_export": Page(),
    "emergency:drill_create": Page(),
    "emergency:drill_import": Page(),
    "emergency:drill_import_template": Page(),
    "emergency:drill_detail": _view("drill"),
    "emergency:drill_hold": _refused("drill"),
    "emergency:drill_evaluate": _refused("drill"),
    "emergency:drill_cancel": _refused("drill"),
    "emergency:drill_problem_done": Page(
        method="post", args=lambda s: [emergency(s).drill.pk, emergency(s).problem.pk], ok=(422,)
    ),
    # 应急资源: 离队 of a member who has left already changes nothing (302).
    **_registry("team"),
    "emergency:team_readiness": _refused("team"),
    "emergency:team_member_add": _refused("team"),
    "emergency:team_member_leave": Page(
        method="post", args=lambda s: [emergency(s).team.pk, emergency(s).member.pk]
    ),
    **_registry("warehouse"),
    "emergency:supply_create": _refused("warehouse"),
    "emergency:warehouse_stock": _refused("warehouse", "receive"),
    "emergency:warehouse_ledger": _view("warehouse"),
    "emergency:supply_list": Page(),
    "emergency:supply_export": Page(),
    "emergency:supply_detail": _view("supply"),
    "emergency:supply_edit": _view("supply"),
    "emergency:supply_stock": _refused("supply", "issue"),
    "emergency:supply_ledger": _view("supply"),
    **_registry("equipment"),
    **_registry("shelter"),
    "emergency:shelter_status": _refused("shelter"),
    **_registry("expert"),
    "emergency:resource_map": Page(),
    "emergency:resource_map_data": Page(),
    "emergency:resource_import": Page(args=lambda s: ["team"]),
    "emergency:resource_import_template": Page(args=lambda s: ["supply"]),
    # 突发事件: the command page's forms posted empty are refused (422).
    "emergency:incident_list": Page(),
    "emergency:incident_export": Page(),
    "emergency:incident_open": Page(),
    "emergency:incident_detail": _view("incident", unseen=NO_INCIDENTS),
    "emergency:incident_timeline": _view("incident", unseen=NO_INCIDENTS),
    "emergency:incident_after_action": _view("incident", unseen=NO_INCIDENTS),
    "emergency:incident_dispatch": _view(
        "incident", unseen=NO_INCIDENTS, query={"kind": "team", "format": "json"}
    ),
    "emergency:incident_transition": _refused("incident", "void"),
    **{
        f"emergency:incident_{name}": _refused("incident")
        for name in ("level", "activate", "log", "task_add")
    },
    "emergency:incident_task_done": Page(
        method="post", args=lambda s: [emergency(s).incident.pk, emergency(s).task.pk], ok=(422,)
    ),
    "emergency:assignment_move": Page(
        method="post",
        args=lambda s: [emergency(s).incident.pk, emergency(s).assignment.pk, "depart"],
        ok=(422,),
    ),
}


# --- the API-access table -----------------------------------------------------------------------

API_RECORDS = {
    "{int:emergency_plan_id}": "plan",
    "{int:plan_attachment_id}": "attachment",
    "{int:drill_id}": "drill",
    "{int:team_id}": "team",
    "{int:warehouse_id}": "warehouse",
    "{int:supply_id}": "supply",
    "{int:equipment_id}": "equipment",
    "{int:shelter_id}": "shelter",
    "{int:expert_id}": "expert",
    "{int:incident_id}": "incident",
}
API_QUERIES = {
    "/api/v1/emergency/nearest": "?kind=team&lat=31.32&lon=121.53",
    "/api/v1/emergency/incidents/{int:incident_id}/candidates": "?kind=team",
}


def emergency_api_url(template_path: str, setup: Setup) -> str:
    """An emergency read's URL with the setup's records (and the query it needs)."""
    query = API_QUERIES.get(template_path, "")
    for placeholder, name in API_RECORDS.items():
        if placeholder in template_path:
            template_path = template_path.replace(
                placeholder, str(getattr(emergency(setup), name).pk)
            )
    return template_path + query


def api_unseen(template_path: str) -> frozenset[str]:
    """The actors answered 404 by an emergency read of one record (nothing in their scope)."""
    if not template_path.startswith("/api/v1/emergency/") or "{int:" not in template_path:
        return frozenset()
    if template_path.startswith("/api/v1/emergency/incidents/"):
        return NO_INCIDENTS
    return NO_SCOPE
