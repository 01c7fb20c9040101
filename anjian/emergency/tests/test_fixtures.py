"""The demo of 应急准备与处置 in the test world, built once for the module: a plan of every
type at every filing state with a filing rate strictly between 0 and 1; a year of drills
with a unit behind, so 演练完成率 is below 1; teams, the storage levels with stock and a
ledger, shelters and experts; two closed incidents reviewed with full logs and one being
responded to now — which the walk-through can still dispatch to and close. All synthetic,
each step dated on its day."""

from datetime import date, timedelta

from django.db.models import Sum
from django.test import TestCase
from django.utils import timezone

from anjian.accidents import services as accidents
from anjian.accidents.choices import AccidentType, Category
from anjian.core import workdays
from anjian.emergency import dispatch as dispatching
from anjian.emergency import services_incidents as command
from anjian.emergency.choices import PlanType, ResourceKind, StorageLevel, TaskSource, TeamKind
from anjian.emergency.fixtures import build_demo_emergency, half_years
from anjian.emergency.fixtures_plans import recent_day
from anjian.emergency.models import (
    AssignmentState,
    Drill,
    DrillProblem,
    DrillState,
    EmergencyPlan,
    Equipment,
    Expert,
    Incident,
    IncidentState,
    PlanState,
    RescueTeam,
    Shelter,
    StockMovement,
    Supply,
    Warehouse,
)
from anjian.emergency.selectors_drills import compliance
from anjian.emergency.selectors_incidents import candidates
from anjian.emergency.selectors_plans import plan_figures
from anjian.emergency.selectors_resources import stock_figures
from anjian.regions.models import Region
from testsupport import world

SYNTHETIC = (EmergencyPlan, Drill, RescueTeam, Warehouse, Equipment, Shelter, Expert, Incident)


class DemoEmergencyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.today = timezone.localdate()
        cls.official = world.actor("district_official")
        unit = world.enterprise("yinhang_chemical")
        occurred = timezone.now() - timedelta(days=60)
        cls.accident = accidents.accident_report(  # a chemicals fire the demo's incident fits
            by=cls.official, enterprise=unit.pk, region=unit.street_id, unit_name=unit.name,
            occurred_at=occurred, known_at=occurred + timedelta(minutes=8), place="仓库",
            accident_type=AccidentType.FIRE, category=Category.HAZCHEM, summary="仓库溶剂桶起火",
            measures_taken="疏散人员，报警", now=occurred + timedelta(minutes=30), synthetic=True,
            deaths=0, serious_injuries=0, minor_injuries=2, direct_loss=180_000,
        ).pk  # fmt: skip
        built = build_demo_emergency(
            district=Region.objects.get(code=world.YANGPU),
            official=cls.official,
            city=world.actor("admin"),
            department_official=world.actor("housing_official"),
            unit_user=world.actor("enterprise_manager"),
            neighbour=Region.objects.get(code=world.HONGKOU),
            neighbour_official=world.actor("neighbour_official"),
        )
        cls.units = [unit.pk for unit, _keeper in built.units]
        cls.incidents = {key: incident.pk for key, incident in built.incidents.items()}

    def yangpu(self, model):
        path = "region_code" if model is Incident else "scope_region_code"
        return model.objects.filter(**{f"{path}__startswith": world.YANGPU})

    # --- plans ------------------------------------------------------------------------------

    def test_the_district_keeps_a_plan_of_every_type(self):
        types = set(self.yangpu(EmergencyPlan).values_list("plan_type", flat=True))

        assert types == set(PlanType.values)
        assert self.units[0] == world.enterprise("yinhang_chemical").pk  # the account's own unit
        own = EmergencyPlan.objects.filter(enterprise_id=self.units[0])
        assert {plan.created_by.username for plan in own} == {"enterprise_manager"}

    def test_plans_stand_at_every_state_of_filing_and_the_filing_rate_is_not_trivial(self):
        plans = self.yangpu(EmergencyPlan)
        figures = plan_figures(self.official, today=self.today)

        assert set(plans.values_list("state", flat=True)) == set(PlanState.values) - {
            PlanState.ABOLISHED
        }
        assert 0 < figures["filing_rate"].percent < 100
        for name in ("filing_overdue", "filed_late", "assessment_overdue", "revision_due"):
            assert figures[name].count >= 1, name
        filed = plans.filter(state=PlanState.FILED)
        assert all(plan.filing_number and plan.filed_on for plan in filed)
        assert len({plan.filing_number for plan in filed}) == filed.count()
        returned = plans.get(state=PlanState.RETURNED)
        assert returned.transitions.get(action="return").reason
        superseded = plans.get(state=PlanState.SUPERSEDED)
        assert superseded.revisions.get().state == PlanState.FILED

    def test_each_filing_deadline_is_counted_on_a_covered_calendar_and_each_step_on_its_day(self):
        published = self.yangpu(EmergencyPlan).exclude(published_on=None)

        assert published.count() > 10
        for plan in published:
            assert 2023 <= plan.published_on.year <= self.today.year
            assert plan.filing_due_on == workdays.add_working_days(plan.published_on, 20)
            assert plan.filing_due_basis, plan.title
            steps = {t.action: timezone.localdate(t.at) for t in plan.transitions.all()}
            assert steps["publish"] == plan.published_on, plan.title
            assert steps["create"] < plan.published_on, plan.title
            assert plan.submitted_on is None or plan.published_on <= plan.submitted_on
            if plan.filed_on:
                assert steps["file"] == plan.filed_on and plan.submitted_on <= plan.filed_on

    def test_publication_stays_where_the_working_day_calendar_reaches(self):
        last = max(y for y in range(self.today.year - 1, self.today.year + 4)
                   if workdays.covers(date(y, 12, 31)))  # fmt: skip

        assert recent_day(date(last, 3, 1)) == date(last, 3, 1)
        assert recent_day(date(last, 12, 20)) == date(last, 11, 1)
        assert recent_day(date(last + 3, 6, 1)) == date(last, 11, 1)

    # --- drills -----------------------------------------------------------------------------

    def test_a_year_of_drills_most_held_and_evaluated_with_their_problems(self):
        drills = self.yangpu(Drill)
        held = drills.filter(held_on__gte=self.today - timedelta(days=365))
        problems = DrillProblem.objects.filter(drill__in=drills)

        assert held.count() >= 10
        assert held.filter(state=DrillState.EVALUATED).count() > held.count() / 2
        assert drills.filter(state=DrillState.HELD).exists()  # held, evaluation to come
        assert drills.filter(state=DrillState.PLANNED, planned_on__gt=self.today).exists()
        cancelled = drills.get(state=DrillState.CANCELLED)
        assert cancelled.transitions.get(action="cancel").reason
        assert {d.kind for d in held} == {"comprehensive", "special", "onsite"}
        assert {d.form for d in held} == {"tabletop", "actual"}
        for drill in held.filter(state=DrillState.EVALUATED):
            assert 0 < drill.evaluation.score <= 100
            assert drill.held_on < drill.evaluation.evaluated_on <= self.today
        assert problems.filter(state="done").exists()
        assert problems.filter(state="open", due_on__gte=self.today).exists()
        assert problems.filter(state="open", due_on__lt=self.today).count() == 1

    def test_a_unit_is_behind_so_the_drill_completion_rate_is_below_1(self):
        ended, _running = half_years(self.today)

        result = compliance(self.official, year=ended[0].year, today=self.today)

        assert result.figures["behind"].count >= 1
        assert result.figures["rate"].percent < 100
        behind = {row.name for row in result.rows if row.behind}
        assert world.ENTERPRISE_NAMES["yinhang_site"] in behind  # the unit that skipped

    # --- resources --------------------------------------------------------------------------

    def test_teams_of_every_kind_with_members_on_the_map(self):
        teams = self.yangpu(RescueTeam)

        assert set(teams.values_list("kind", flat=True)) == set(TeamKind.values)
        for team in teams:
            assert team.members.count() >= 2 and team.speciality_codes, team.name
            assert team.cell is not None and 31.2 < team.latitude < 31.4, team.name
        assert teams.filter(readiness="resting").exists()

    def test_warehouses_at_four_levels_with_batches_expiry_and_a_ledger(self):
        levels = set(self.yangpu(Warehouse).values_list("storage_level", flat=True))
        figures = stock_figures(self.official, today=self.today)
        supplies = self.yangpu(Supply)
        kinds = set(
            StockMovement.objects.filter(supply__in=supplies).values_list("kind", flat=True)
        )

        assert levels == set(StorageLevel.values) - {StorageLevel.CITY}
        for name in ("expiring", "expired", "below_target"):
            assert figures[name].count >= 1, name
        assert {"receipt", "issue", "rotation", "transfer_out", "transfer_in", "count"} <= kinds
        assert supplies.filter(name="防毒面具").values("batch").order_by().distinct().count() == 2
        for supply in supplies:
            total = supply.movements.aggregate(total=Sum("delta"))["total"]
            assert supply.quantity == total, supply.name
        first = StockMovement.objects.filter(supply__in=supplies).order_by("at").first()
        assert (self.today - timezone.localdate(first.at)).days > 300  # opened a year ago

    def test_equipment_shelters_and_experts(self):
        shelters = self.yangpu(Shelter)
        experts = self.yangpu(Expert)

        assert self.yangpu(Equipment).filter(status="maintenance").exists()
        assert shelters.count() >= 9 and shelters.filter(indoor=True).count() >= 3
        assert set(shelters.values_list("status", flat=True)) == {"ready", "maintenance"}
        assert all(shelter.occupancy == 0 for shelter in shelters)
        assert experts.values("field").order_by().distinct().count() >= 8
        assert experts.filter(available=False).count() == 1

    # --- incidents --------------------------------------------------------------------------

    def test_the_two_closed_incidents_are_reviewed_with_full_logs(self):
        for key in ("fire", "flood"):
            incident = Incident.objects.get(pk=self.incidents[key])
            log = list(incident.log.order_by("at", "pk"))

            assert incident.state == IncidentState.REVIEWED and incident.review.problems, key
            assert len(log) >= 25 and log[0].at >= incident.occurred_at, key
            assert [entry.at for entry in log] == sorted(entry.at for entry in log)
            assert incident.responding_since < incident.closed_at < log[-1].at, key
            assert incident.closed_at - incident.occurred_at > timedelta(hours=1), key
            assert (timezone.now() - incident.closed_at).days > 20, key
            assert incident.activations.count() >= 1, key
            states = set(incident.assignments.values_list("state", flat=True))
            assert states == {AssignmentState.RELEASED}, key
            kinds = set(incident.assignments.values_list("kind", flat=True))
            assert {ResourceKind.TEAM, ResourceKind.SUPPLY, ResourceKind.SHELTER} <= kinds, key
            assert StockMovement.objects.filter(
                assignment__incident=incident, kind="return"
            ).exists(), key
            tasks = incident.tasks.all()
            assert tasks.filter(state="done").count() > tasks.filter(state="open").count(), key
            assert tasks.filter(source=TaskSource.REVIEW).count() == 2, key
        fire = Incident.objects.get(pk=self.incidents["fire"])
        assert (fire.accident_id, fire.source) == (self.accident, "accident")
        flood = Incident.objects.get(pk=self.incidents["flood"])
        assert flood.level == "3" and flood.transitions.filter(action="level").exists()

    def test_the_open_incident_is_responding_with_a_team_on_scene_and_one_on_its_way(self):
        incident = Incident.objects.get(pk=self.incidents["open"])
        states = set(incident.assignments.values_list("state", flat=True))

        assert incident.state == IncidentState.RESPONDING and incident.level
        assert states == {AssignmentState.ON_SCENE, AssignmentState.EN_ROUTE}
        assert incident.activations.filter(ended_at=None).exists()
        assert incident.tasks.filter(state="open").count() >= 3
        assert incident.occurred_at > timezone.now() - timedelta(hours=2)
        assert all(entry.at <= timezone.now() for entry in incident.log.all())

    def test_the_walk_through_can_send_the_nearest_team_and_supplies_and_close_it(self):
        incident = Incident.objects.get(pk=self.incidents["open"])
        teams = candidates(self.official, incident, kind=ResourceKind.TEAM, speciality="fire")
        team = teams[0]
        supply = candidates(self.official, incident, kind=ResourceKind.SUPPLY, name="吸附棉")[0]

        for kind, found, quantity in (
            (ResourceKind.TEAM, team, 1),
            (ResourceKind.SUPPLY, supply, 50),
        ):
            dispatching.dispatch(self.official, incident_id=incident.pk, kind=kind,
                                 resource_id=found.resource.pk, quantity=quantity)  # fmt: skip
        for assignment in incident.assignments.all():
            for name in ("arrive", "release"):
                if name != "arrive" or assignment.state != AssignmentState.ON_SCENE:
                    dispatching.assignment_move(self.official, assignment_id=assignment.pk,
                                                expected_version=None, name=name)  # fmt: skip
                    assignment.refresh_from_db()
        closed = command.incident_close(
            self.official, incident_id=incident.pk, expected_version=None
        )

        assert any(found.resource.kind == TeamKind.COMPREHENSIVE for found in teams)
        assert closed.state == IncidentState.CLOSED

    # --- the whole --------------------------------------------------------------------------

    def test_everything_is_synthetic(self):
        for model in SYNTHETIC:
            assert model.objects.exists(), model.__name__
            assert not model.objects.filter(synthetic=False).exists(), model.__name__

    def test_the_neighbour_district_keeps_its_own_few_and_sees_nothing_of_the_demo_district(self):
        neighbour = world.actor("neighbour_official")

        for model in (EmergencyPlan, Drill, RescueTeam, Warehouse, Shelter, Expert):
            mine = model.objects.for_user(neighbour)
            assert mine.exists(), model.__name__
            assert not mine.filter(scope_region_code__startswith=world.YANGPU).exists()

    def test_a_second_run_builds_nothing(self):
        plans, drills = EmergencyPlan.objects.count(), Drill.objects.count()

        again = build_demo_emergency(
            district=Region.objects.get(code=world.YANGPU),
            official=self.official,
            city=world.actor("admin"),
        )

        assert again.plans == {} and again.incidents == {}
        assert (EmergencyPlan.objects.count(), Drill.objects.count()) == (plans, drills)
