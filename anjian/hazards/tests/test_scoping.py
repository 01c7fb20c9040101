"""Every role against the hazards app's scoped pages (generated tests, STYLE habit 4).

One ``ScopedCrudTests`` subclass per scoped model of the app; ``anjian/core/tests/
test_scoping_guard.py`` fails for a scoped model without one. Here so far: self-check
plans and records (企业自查).
"""

from django.urls import reverse

from anjian.hazards import permissions as perms
from anjian.hazards.choices import CheckFrequency
from anjian.hazards.models import CheckPlan, CheckRecord, Hazard, SystemMeasure
from anjian.hazards.selfcheck.forms import field_names
from testsupport import world
from testsupport.scoped import ScopedCrudTests

# One plan per world enterprise; the names are what the list pages show.
PLAN_NAMES = {
    "yinhang_chemical": "罐区每日巡检",
    "yinhang_site": "工地每日巡检",
    "pingliang_factory": "车间每周检查",
    "hongkou_shop": "商场防火巡查",
}


def world_plan(name: str) -> CheckPlan:
    """The plan of the world enterprise ``name`` (made directly: the service would need
    that enterprise's own user)."""
    plan, created = CheckPlan.objects.get_or_create(
        enterprise=world.enterprise(name),
        name=PLAN_NAMES[name],
        defaults={"frequency": CheckFrequency.DAILY, "created_by": world.actor("admin")},
    )
    if created:
        plan.items.create(text="安全出口畅通", sort_order=10)
    return plan


def world_record(name: str) -> CheckRecord:
    plan = world_plan(name)
    record = plan.records.first()
    if record is None:
        record = CheckRecord.objects.create(
            plan=plan, enterprise=plan.enterprise, performed_by=world.actor("admin")
        )
    return record


def plan_form(name: str = "新的每日检查", **extra) -> dict:
    return {"name": name, "frequency": "daily", "scope_note": "", "items": "安全出口畅通", **extra}


class TestCheckPlanScoping(ScopedCrudTests):
    model = CheckPlan
    list_url = "selfcheck:plan_list"
    detail_url = "selfcheck:plan_detail"
    edit_url = "selfcheck:plan_edit"
    create_url = "selfcheck:plan_create"
    api_list = "/api/v1/self-checks/plans"
    api_detail = "/api/v1/self-checks/plans/{pk}"
    creators = ("enterprise_manager",)
    not_creators = (
        "district_official",
        "street_officer",
        "housing_official",
        "inspector",
        "leader",
        "expert",
        "admin",
    )
    visible = world.VISIBLE
    not_applicable = {"export_url": "plans have no Excel export"}

    # Government users read plans and records (hazard.view); enterprises keep their own
    # (selfcheck.manage).
    def _view_action(self) -> str:
        return perms.HAZARD_VIEW

    def _can_edit(self, user) -> bool:
        return user.can(perms.SELFCHECK_MANAGE)

    def get_object(self, name):
        return world_plan(name)

    def create_data(self, actor):
        return plan_form()

    def outside_data(self, actor):
        # An enterprise user's plans are always its own enterprise's; a smuggled field
        # naming another enterprise is not read (see the test below).
        return plan_form(enterprise=world.enterprise("yinhang_site").pk)

    def test_creating_outside_scope_writes_nothing(self, db):
        site = world.enterprise("yinhang_site")
        for actor in self.creators:
            response = self.client(actor).post(reverse(self.create_url), self.outside_data(actor))
            assert response.status_code == 302, actor
            assert not CheckPlan.objects.filter(enterprise=site).exists(), actor
            created = CheckPlan.objects.get(name="新的每日检查")
            assert created.enterprise == world.enterprise("yinhang_chemical"), actor

    def test_out_of_scope_plans_cannot_be_checked_stopped_or_copied(self, db):
        for name in PLAN_NAMES:
            if name == "yinhang_chemical":
                continue
            plan = world_plan(name)
            item = plan.items.get()
            client = self.client("enterprise_manager")
            check = reverse("selfcheck:check_perform", args=[plan.pk])
            names = field_names(item.pk)
            assert client.get(check).status_code == 404, name
            assert client.post(check, {names["passed"]: "1"}).status_code == 404, name
            stop = reverse("selfcheck:plan_deactivate", args=[plan.pk])
            assert client.post(stop).status_code == 404, name
            copy = reverse(self.create_url) + f"?copy={plan.pk}"
            assert client.get(copy).status_code == 404, name
            plan.refresh_from_db()
            assert plan.is_active and not plan.records.exists(), name


class TestCheckRecordScoping(ScopedCrudTests):
    model = CheckRecord
    list_url = "selfcheck:record_list"
    detail_url = "selfcheck:record_detail"
    api_list = "/api/v1/self-checks/records"
    key_attribute = "plan"  # the record list names each record's plan
    visible = world.VISIBLE
    not_applicable = {
        "create_url": "a record is made by performing a plan's check (selfcheck:check_perform, "
        "out of scope in TestCheckPlanScoping)",
        "edit_url": "a performed check is not edited",
        "export_url": "records have no Excel export",
        "api_detail": "the API lists records but has no record detail",
    }

    # Government users read plans and records (hazard.view); enterprises keep their own
    # (selfcheck.manage).
    def _view_action(self) -> str:
        return perms.HAZARD_VIEW

    def _can_edit(self, user) -> bool:
        return user.can(perms.SELFCHECK_MANAGE)

    def get_object(self, name):
        return world_record(name)


# --- the hazard ledger ---------------------------------------------------------------------

HAZARD_TITLES = {name: f"{name}的测试隐患" for name in world.ENTERPRISES}


def world_hazard(name: str):
    from anjian.hazards.models import Hazard
    from anjian.hazards.tests.factories import report

    existing = Hazard.objects.filter(title=HAZARD_TITLES[name]).first()
    if existing is not None:
        return existing
    return report(
        by=world.actor("admin"),
        enterprise=world.enterprise(name),
        title=HAZARD_TITLES[name],
        photos=[],
        source="tipoff",
    )


HAZARD_INSIDE = {
    "district_official": "pingliang_factory",
    "street_officer": "yinhang_site",
    "housing_official": "yinhang_site",
    "inspector": "yinhang_chemical",
    "admin": "hongkou_shop",
}
HAZARD_OUTSIDE = {
    "district_official": "hongkou_shop",
    "street_officer": "pingliang_factory",
    "housing_official": "yinhang_chemical",
    "inspector": "hongkou_shop",
    "admin": None,
}


def report_form(enterprise_name: str | None, **extra) -> dict:
    enterprise = world.enterprise(enterprise_name) if enterprise_name else None
    return {
        "enterprise": enterprise.pk if enterprise else 999_999,
        "source": "tipoff",
        "title": "群众反映仓库堆放杂物",
        "description": "仓库通道堆放纸箱",
        "location": "仓库",
        "category": "",
        "found_at": "",
        **extra,
    }


class TestHazardScoping(ScopedCrudTests):
    model = Hazard

    list_url = "hazards:hazard_list"
    detail_url = "hazards:hazard_detail"
    create_url = "hazards:hazard_report"
    export_url = "hazards:hazard_export"
    api_list = "/api/v1/hazards/"
    api_detail = "/api/v1/hazards/{pk}"
    export_key_header = "隐患编号"
    key_attribute = "number"
    visible = world.VISIBLE
    creators = tuple(HAZARD_INSIDE)
    not_creators = ("leader", "expert")
    not_applicable = {
        "edit_url": "hazards:hazard_edit is a POST-only action of the detail page; out of "
        "scope in test_out_of_scope_transitions_and_photos_are_404",
    }

    def get_object(self, name):
        return world_hazard(name)

    def create_data(self, actor):
        return report_form(HAZARD_INSIDE.get(actor, "yinhang_chemical"))

    def outside_data(self, actor):
        return report_form(HAZARD_OUTSIDE[actor])

    def test_creating_outside_scope_writes_nothing(self, db):
        from anjian.hazards.models import Hazard

        for actor in self.creators:
            before = Hazard.objects.count()
            response = self.client(actor).post(reverse(self.create_url), self.outside_data(actor))
            assert response.status_code == 404, actor
            assert Hazard.objects.count() == before, actor

    def test_an_enterprise_user_reports_only_for_its_own_enterprise(self, db):
        from anjian.hazards.models import Hazard

        client = self.client("enterprise_manager")
        response = client.post(
            reverse(self.create_url), report_form("yinhang_site", source="self_check")
        )
        assert response.status_code == 302
        created = Hazard.objects.get(title="群众反映仓库堆放杂物")
        assert created.enterprise == world.enterprise("yinhang_chemical")

    def test_out_of_scope_transitions_and_photos_are_404(self, db):
        hazard = world_hazard("hongkou_shop")
        client = self.client("district_official")
        for name in (
            "hazard_register",
            "hazard_void",
            "hazard_close_on_spot",
            "hazard_add_photos",
            "hazard_edit",
        ):
            assert client.post(reverse(f"hazards:{name}", args=[hazard.pk])).status_code == 404
        for verb in ("register", "void", "start"):
            response = client.post(
                f"/api/v1/hazards/{hazard.pk}/{verb}", {}, content_type="application/json"
            )
            assert response.status_code in (404, 422), verb
        hazard.refresh_from_db()
        assert hazard.state == "reported" and hazard.version == 1


# --- 制度措施清单 ----------------------------------------------------------------------------

MEASURE_PLACES = {
    "yinhang_chemical": (world.YINHANG, "hazchem"),
    "yinhang_site": (world.YINHANG, "construction"),
    "pingliang_factory": (world.PINGLIANG, "machinery"),
    "hongkou_shop": (world.HONGKOU, "commerce"),
}
# Measures belong to a region (and industry), not to an enterprise: a grid member's scope
# lies below the street and an enterprise user has none.
MEASURE_VISIBLE = {**world.VISIBLE, "grid_member": set(), "enterprise_manager": set()}


def world_measure(name: str):
    from anjian.hazards.models import SystemMeasure
    from anjian.regions.models import Industry, Region

    code, industry = MEASURE_PLACES[name]
    measure, _created = SystemMeasure.objects.get_or_create(
        measure=f"{name}：建立长效机制",
        defaults={
            "region": Region.objects.get(code=code),
            "industry": Industry.objects.get(code=industry),
            "problem": "同类隐患反复出现",
            "lead_unit": "应急局",
            "deadline": "2027-06-30",
            "created_by": world.actor("admin"),
        },
    )
    return measure


def measure_form(region: str, industry: str, **extra) -> dict:
    return {
        "region": region,
        "industry": industry,
        "problem": "电动自行车违规充电",
        "measure": "新建集中充电点",
        "lead_unit": "街道",
        "partner_units": "",
        "deadline": "2027-03-31",
        "state": "in_progress",
        "progress": "",
        **extra,
    }


class TestSystemMeasureScoping(ScopedCrudTests):
    model = SystemMeasure

    list_url = "hazards:measure_list"
    detail_url = "hazards:measure_detail"
    edit_url = "hazards:measure_edit"
    create_url = "hazards:measure_create"
    export_url = "hazards:measure_export"
    api_list = "/api/v1/hazards/measures"
    export_key_header = "制度措施"
    key_attribute = "measure"
    visible = MEASURE_VISIBLE
    creators = ("district_official", "street_officer", "housing_official")
    not_creators = ("leader", "inspector", "enterprise_manager", "expert")
    not_applicable = {"api_detail": "the API lists and changes measures; no measure detail"}

    def _view_action(self) -> str:
        return perms.HAZARD_VIEW

    def _export_action(self) -> str:
        return perms.HAZARD_EXPORT

    def _can_edit(self, user) -> bool:
        return user.can(perms.HAZARD_SUPERVISE)

    def get_object(self, name):
        return world_measure(name)

    def create_data(self, actor):
        return {
            "district_official": measure_form(world.YANGPU, "machinery"),
            "street_officer": measure_form(world.YINHANG, "hazchem"),
            "housing_official": measure_form(world.YANGPU, "construction"),
        }[actor]

    def outside_data(self, actor):
        return {
            "district_official": measure_form(world.HONGKOU, "commerce"),
            "street_officer": measure_form(world.PINGLIANG, "machinery"),
            "housing_official": measure_form(world.YANGPU, "hazchem"),
        }[actor]
