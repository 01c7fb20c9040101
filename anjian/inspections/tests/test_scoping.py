"""Every role against the inspection pages and API (generated tests, STYLE habit 4).

The world gets one of each record in 杨浦区 (杨浦区应急管理局) and one in 虹口区
(虹口区应急管理局), made through the services the first time a test asks for it. Pools,
matters, draws and plans belong to a district department: the district's users and
departments see them, a street (no inspection.view) and an enterprise do not. A task is
scoped by its enterprise; an 执法人员 reaches only the tasks they were drawn for.
"""

from datetime import date, timedelta

import pytest

from anjian.accounts.models import User
from anjian.inspections import documents, services
from anjian.inspections import permissions as perms
from anjian.inspections.case_models import Case
from anjian.inspections.cases import services as case_services
from anjian.inspections.models import (
    CheckMatter,
    Draw,
    EnforcementDocument,
    Inspection,
    InspectionPlan,
    InspectionTask,
    Inspector,
    Visit,
)
from anjian.inspections.onsite import selectors as onsite_selectors
from anjian.inspections.onsite import services as onsite_services
from anjian.inspections.plans import services as plan_services
from anjian.inspections.record_models import DocumentKind
from anjian.inspections.tests import factories
from anjian.regions.models import Department, Industry
from testsupport import world
from testsupport.scoped import ScopedCrudTests

DEPARTMENTS = {"yangpu": "杨浦区应急管理局", "hongkou": "虹口区应急管理局"}
# Which unit of the world each district's draw picks (its matter covers that industry).
UNITS = {"yangpu": ("yinhang_chemical", "hazchem"), "hongkou": ("hongkou_shop", "commerce")}

DISTRICT = {
    "district_official": {"yangpu"},
    "street_officer": set(),  # no inspection.view
    "grid_member": set(),
    "neighbour_official": {"hongkou"},
    "housing_official": {"yangpu"},
    "inspector": {"yangpu"},
    "leader": {"yangpu"},
    "enterprise_manager": set(),
    "expert": set(),
    "admin": {"yangpu", "hongkou"},
}
TASKS = {
    **DISTRICT,
    "housing_official": set(),  # 建管委: the chemical works is not in its industries
    "inspector": set(),  # not drawn for either task
}
CREATORS = ("district_official", "neighbour_official")
NOT_CREATORS = ("leader", "inspector", "street_officer", "expert", "enterprise_manager")


def department(name: str) -> Department:
    return Department.objects.get(name=DEPARTMENTS[name])


def pool_of(name: str) -> list[Inspector]:
    dept = department(name)
    existing = list(Inspector.objects.filter(department=dept))
    return existing or factories.pool(world.actor("admin"), dept, size=3, prefix=name)


def matter_of(name: str) -> CheckMatter:
    dept = department(name)
    found = CheckMatter.objects.filter(department=dept, name=f"{name}事项").first()
    if found is None:
        found = factories.matter(
            world.actor("admin"), dept, name=f"{name}事项", codes=[UNITS[name][1]]
        )
    return found


def draw_of(name: str) -> Draw:
    found = Draw.objects.filter(title=f"{name}抽查").first()
    if found is None:
        pool_of(name)
        found = services.draw_run(
            world.actor("admin"),
            department=department(name),
            matter=matter_of(name),
            title=f"{name}抽查",
            count=1,
        )
    return found


def plan_of(name: str) -> InspectionPlan:
    found = InspectionPlan.objects.filter(department=department(name)).first()
    return found or plan_services.plan_propose(
        world.actor("admin"), department=department(name), year=2027
    )


def home(actor: str) -> str:
    return "hongkou" if actor == "neighbour_official" else "yangpu"


def away(actor: str) -> str:
    return "yangpu" if actor == "neighbour_official" else "hongkou"


class TestInspectorScoping(ScopedCrudTests):
    model = Inspector
    list_url = "inspections:inspector_list"
    detail_url = "inspections:inspector_detail"
    edit_url = "inspections:inspector_edit"
    create_url = "inspections:inspector_create"
    api_list = "/api/v1/inspections/inspectors/"
    api_detail = "/api/v1/inspections/inspectors/{pk}"
    key_attribute = "certificate_number"
    visible = DISTRICT
    creators = CREATORS
    not_creators = NOT_CREATORS
    not_applicable = {"export_url": "the pool is read on its page and through the API"}

    def _view_action(self) -> str:
        return perms.INSPECTION_VIEW

    def _can_edit(self, user) -> bool:
        return user.can(perms.INSPECTION_POOL)

    def get_object(self, name):
        # One official per district: the API list must hold exactly the world's records.
        dept = department(name)
        found = Inspector.objects.filter(department=dept).first()
        return found or factories.pool(world.actor("admin"), dept, size=1, prefix=name)[0]

    def _data(self, actor, where):
        dept = department(where)
        username = f"new_{actor}_{where}"
        user = User.objects.filter(username=username).first() or factories.official(username, dept)
        return {
            "user": user.pk,
            "department": dept.pk,
            "certificate_number": f"NEW{len(actor)}{where}",
            "certificate_valid_until": (date.today() + timedelta(days=300)).isoformat(),
            "in_pool": "on",
        }

    def create_data(self, actor):
        return self._data(actor, home(actor))

    def outside_data(self, actor):
        return self._data(actor, away(actor))


class TestCheckMatterScoping(ScopedCrudTests):
    model = CheckMatter
    list_url = "inspections:matter_list"
    detail_url = "inspections:matter_edit"  # a matter is shown and edited on one page
    edit_url = "inspections:matter_edit"
    create_url = "inspections:matter_create"
    api_list = "/api/v1/inspections/matters/"
    # A matter has no page of its own beyond its form: checked for those who keep the lists.
    visible = {
        actor: DISTRICT[actor]
        for actor in ("district_official", "neighbour_official", "housing_official", "admin")
    }
    creators = CREATORS
    not_creators = NOT_CREATORS
    not_applicable = {
        "export_url": "the matters list is short and read on its page",
        "api_detail": "the API lists matters and changes one with PATCH; it has no GET of one",
    }

    def _can_edit(self, user) -> bool:
        return user.can(perms.INSPECTION_POOL)

    def _view_action(self) -> str:
        return perms.INSPECTION_POOL

    def get_object(self, name):
        return matter_of(name)

    def _data(self, actor, where):
        return {
            "department": department(where).pk,
            "name": f"新事项{actor}",
            "basis": "《中华人民共和国安全生产法》",
            "industries": [Industry.objects.get(code="hazchem").pk],
            "is_active": "on",
        }

    def create_data(self, actor):
        return self._data(actor, home(actor))

    def outside_data(self, actor):
        return self._data(actor, away(actor))


# A draw is seen by its own department only among 行业部门 users (selectors._visible_draws).
DRAWS = {**DISTRICT, "housing_official": set()}


class TestDrawScoping(ScopedCrudTests):
    model = Draw
    list_url = "inspections:draw_list"
    detail_url = "inspections:draw_detail"
    create_url = "inspections:draw_create"
    api_list = "/api/v1/inspections/draws/"
    api_detail = "/api/v1/inspections/draws/{pk}"
    key_attribute = "title"
    visible = DRAWS
    creators = CREATORS
    not_creators = NOT_CREATORS
    not_applicable = {
        "edit_url": "a draw is never edited: it is published or voided",
        "export_url": "a draw's record is downloaded as JSON, not Excel",
    }

    def _view_action(self) -> str:
        return perms.INSPECTION_VIEW

    def get_object(self, name):
        return draw_of(name)

    def _data(self, actor, where):
        pool_of(where)
        return {
            "department": department(where).pk,
            "matter": matter_of(where).pk,
            "title": f"新抽查{actor}",
            "count": 1,
            "per_target": 2,
            "unannounced": "on",
        }

    def create_data(self, actor):
        return self._data(actor, home(actor))

    def outside_data(self, actor):
        return self._data(actor, away(actor))


class TestInspectionTaskScoping(ScopedCrudTests):
    model = InspectionTask
    list_url = "inspections:task_list"
    detail_url = "inspections:task_detail"
    api_list = "/api/v1/inspections/tasks/"
    api_detail = "/api/v1/inspections/tasks/{pk}"
    visible = TASKS
    not_applicable = {
        "edit_url": "a task changes only by its transitions (登记检查结果, 取消)",
        "create_url": "tasks are made by a draw",
        "export_url": "tasks are read on their pages and through the API",
    }

    def _view_action(self) -> str:
        return perms.INSPECTION_VIEW

    def key(self, obj) -> str:
        return obj.enterprise.name

    def get_object(self, name):
        return draw_of(name).tasks.get()


class TestInspectionPlanScoping(ScopedCrudTests):
    model = InspectionPlan
    list_url = "inspections:plan_list"
    detail_url = "inspections:plan_detail"
    create_url = "inspections:plan_create"
    api_list = "/api/v1/inspection-plans/"
    api_detail = "/api/v1/inspection-plans/{pk}"
    key_attribute = "title"
    visible = DISTRICT
    creators = CREATORS
    not_creators = NOT_CREATORS
    not_applicable = {
        "edit_url": "a plan is adjusted unit by unit on its page (plan_entry_edit)",
        "export_url": "plans are read on their pages and through the API",
    }

    def _view_action(self) -> str:
        return perms.INSPECTION_VIEW

    def get_object(self, name):
        return plan_of(name)

    def _data(self, actor, where):
        return {"department": department(where).pk, "year": 2028, "quarter": 0, "title": ""}

    def create_data(self, actor):
        return self._data(actor, home(actor))

    def outside_data(self, actor):
        return self._data(actor, away(actor))


# --- penalty cases (inspections/cases) ------------------------------------------------------

# Like a draw, a case is seen among 行业部门 users and 执法人员 only by its own department.
CASES = {**DISTRICT, "housing_official": set()}


def case_of(name: str) -> Case:
    found = Case.objects.filter(title=f"{name}案件").first()
    return found or case_services.case_file(
        world.actor("admin"),
        enterprise_id=world.enterprise(UNITS[name][0]).pk,
        department_id=department(name).pk,
        title=f"{name}案件",
        facts="违法事实",
        handler_ids=[i.pk for i in pool_of(name)[:2]],
    )


class TestCaseScoping(ScopedCrudTests):
    model = Case
    list_url = "inspections:case_list"
    detail_url = "inspections:case_detail"
    create_url = "inspections:case_create"
    api_list = "/api/v1/penalty-cases/"
    api_detail = "/api/v1/penalty-cases/{pk}"
    key_attribute = "title"
    visible = CASES
    creators = CREATORS
    not_creators = ("leader", "street_officer", "expert", "enterprise_manager")
    not_applicable = {
        "edit_url": "a case changes only by weighing (case_weigh) and by its steps",
        "export_url": "cases are read on their pages and through the API",
    }

    @pytest.fixture(autouse=True)
    def media(self, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path  # filing issues the 立案审批表 (.docx)

    def _view_action(self) -> str:
        return perms.INSPECTION_VIEW

    def get_object(self, name):
        return case_of(name)

    def _data(self, actor, unit_of):
        where = home(actor)
        return {
            "enterprise": world.enterprise(UNITS[unit_of][0]).pk,
            "department": department(where).pk,
            "title": f"新案件{actor}",
            "facts": "违法事实",
            "handlers": [i.pk for i in pool_of(where)[:2]],
        }

    def create_data(self, actor):
        return self._data(actor, home(actor))

    def outside_data(self, actor):
        return self._data(actor, away(actor))  # the party is the other district's unit


# --- on-site inspections, visits and documents (inspections/onsite, documents) --------------

# Like a task: the district's supervisors and leaders, the department itself; not 建管委,
# and not an 执法人员 who is not one of the inspection's inspectors.
INSPECTIONS = TASKS
# Visits and documents: among 行业部门 users and 执法人员 only the own department's.
OWN_DEPARTMENT = {**DISTRICT, "housing_official": set()}
VISITORS = {"yangpu": "district_official", "hongkou": "neighbour_official"}


def inspection_of(name: str) -> Inspection:
    unit = world.enterprise(UNITS[name][0])
    found = Inspection.objects.filter(enterprise=unit, place=f"{name}现场").first()
    return found or onsite_services.inspection_start(
        world.actor("admin"),
        enterprise_id=unit.pk,
        checklist_id=onsite_selectors.checklists_for(unit)[0].pk,
        inspector_ids=[i.pk for i in pool_of(name)[:2]],
        department_id=department(name).pk,
        place=f"{name}现场",
    )


def document_of(name: str) -> EnforcementDocument:
    inspection = inspection_of(name)
    found = EnforcementDocument.objects.filter(inspection=inspection).first()
    return found or documents.issue(
        by=world.actor("admin"), kind=DocumentKind.INSPECTION_RECORD, inspection=inspection
    )


def visit_of(name: str) -> Visit:
    unit = world.enterprise(UNITS[name][0])
    found = Visit.objects.filter(enterprise=unit).first()
    return found or onsite_services.visit_record(
        world.actor(VISITORS[name]), enterprise_id=unit.pk, method="manual"
    )


class TestInspectionScoping(ScopedCrudTests):
    model = Inspection
    list_url = "inspections:inspection_list"
    detail_url = "inspections:inspection_detail"
    api_list = "/api/v1/onsite-inspections/"
    api_detail = "/api/v1/onsite-inspections/{pk}"
    visible = INSPECTIONS
    not_applicable = {
        "edit_url": "an inspection changes by its marks, evidence, signatures and steps",
        "create_url": "started from a unit's page (inspection_start), tested in test_onsite_views",
        "export_url": "inspections are counted and exported on the 执法统计 page",
    }

    def _view_action(self) -> str:
        return perms.INSPECTION_VIEW

    def key(self, obj) -> str:
        return obj.enterprise.name

    def get_object(self, name):
        return inspection_of(name)


class TestVisitScoping(ScopedCrudTests):
    model = Visit
    list_url = "inspections:visit_list"
    detail_url = "inspections:visit_detail"
    api_list = "/api/v1/onsite-inspections/visits/"
    visible = OWN_DEPARTMENT
    not_applicable = {
        "edit_url": "a visit is a log line: never edited",
        "create_url": "a visit is recorded by scanning the unit's code (visit_scan)",
        "export_url": "visits are read on their page and through the API",
        "api_detail": "the API lists visits; one visit has no endpoint of its own",
    }

    def _view_action(self) -> str:
        return perms.INSPECTION_VIEW

    def key(self, obj) -> str:
        return obj.enterprise.name

    def get_object(self, name):
        return visit_of(name)


class TestEnforcementDocumentScoping(ScopedCrudTests):
    model = EnforcementDocument
    list_url = "inspections:document_list"
    detail_url = "inspections:document_download"
    api_list = "/api/v1/enforcement-documents/"
    api_detail = "/api/v1/enforcement-documents/{pk}"
    key_attribute = "number"
    visible = OWN_DEPARTMENT
    not_applicable = {
        "edit_url": "an issued document is never edited",
        "create_url": "documents are issued by inspections and cases",
        "export_url": "the ledger is read on its page and through the API",
    }

    @pytest.fixture(autouse=True)
    def media(self, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path

    def _view_action(self) -> str:
        return perms.INSPECTION_VIEW

    def get_object(self, name):
        return document_of(name)
