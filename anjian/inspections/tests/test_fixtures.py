"""Demo 双随机一公开 in the test world: pools with one expired certificate, conflicts,
matters of the departments' own industries, a year of draws that all verify — most
published, one voided with its reason and redrawn — and outcomes from the drawn
inspectors; nothing doubled on a second run."""

import pytest
from django.conf import settings
from django.db import models
from django.utils import timezone

from anjian.core.workdays import add_working_days
from anjian.inspections import selectors, services
from anjian.inspections.choices import DrawState, TaskState
from anjian.inspections.fixtures import VOID_REASON, build_demo_inspections
from anjian.inspections.models import Draw, InspectionTask, InspectorConflict
from anjian.regions.models import Department
from testsupport import world

EMERGENCY = "杨浦区应急管理局"


@pytest.fixture
def built(admin, district_official, housing_official, neighbour_official, inspector):
    return build_demo_inspections(
        by=admin,
        district_codes=[world.YANGPU, world.HONGKOU],
        drawers={
            EMERGENCY: district_official,
            "杨浦区建设和管理委员会": housing_official,
            "虹口区应急管理局": neighbour_official,
        },
        members={EMERGENCY: [inspector]},
    )


def test_each_pool_leaves_out_its_expired_certificate(built, inspector):
    emergency = Department.objects.get(name=EMERGENCY)
    pool = [i for i in built.inspectors if i.department_id == emergency.pk]
    drawable = services.inspector_pool(emergency, timezone.localdate())

    assert len(pool) == 9 and pool[0].user == inspector
    assert drawable.count() == 8
    assert not pool[-1].certificate_valid_on(timezone.localdate())
    assert InspectorConflict.objects.filter(withdrawn_at__isnull=True).exists()
    assert InspectorConflict.objects.filter(withdrawn_at__isnull=False).exists()


def test_matters_cover_only_their_departments_industries(built):
    for matter in built.matters:
        own = set(matter.department.industries.values_list("code", flat=True))
        assert set(matter.industries.values_list("code", flat=True)) <= own, matter.name


def test_a_year_of_draws_that_all_verify(built, district_official):
    draws = Draw.objects.filter(department__name=EMERGENCY).order_by("drawn_on", "attempt")
    today = timezone.localdate()

    assert {d.created_by for d in draws} == {district_official}
    assert (today - draws.first().drawn_on).days > 300
    states = [d.state for d in draws]
    assert states.count(DrawState.PUBLISHED) >= 2 and states[-1] == DrawState.DRAWN
    for drawn in Draw.objects.all():
        assert selectors.draw_check(drawn) == [], drawn.title
        days = settings.DRAW_PUBLISH_WORKING_DAYS
        assert drawn.publish_by == add_working_days(drawn.drawn_on, days)
        if drawn.published_at is not None:
            assert drawn.drawn_on <= timezone.localdate(drawn.published_at) <= drawn.publish_by
    assert set(selectors.draws(district_official)) >= set(draws)


def test_one_draw_is_voided_with_its_reason_and_redrawn(built):
    voided = Draw.objects.get(department__name=EMERGENCY, state=DrawState.VOIDED)
    again = Draw.objects.get(department__name=EMERGENCY, title=voided.title, attempt=2)

    assert selectors.voided_attempts(again) == [(voided, VOID_REASON)]
    assert again.state == DrawState.PUBLISHED
    assert {t.state for t in voided.tasks.all()} == {TaskState.CANCELLED}


def test_outcomes_are_recorded_by_the_drawn_inspectors(built):
    done = InspectionTask.objects.filter(state=TaskState.DONE).select_related("draw")
    open_tasks = InspectionTask.objects.filter(state=TaskState.ASSIGNED)

    assert done.exists() and open_tasks.exists()
    for task in done:
        assert task.outcome and task.draw.drawn_on <= task.inspected_on <= timezone.localdate()
        completed = task.transitions.get(action="complete")
        assert completed.by_id in {i.user_id for i in task.inspectors.all()}


def test_a_second_run_builds_nothing(built, admin):
    draws = Draw.objects.count()

    again = build_demo_inspections(by=admin, district_codes=[world.YANGPU])

    assert again.draws == [] and Draw.objects.count() == draws


def test_each_department_has_this_years_plan_approved_and_next_years_drafted(built):
    from anjian.inspections.plan_models import PlanState

    year = timezone.localdate().year
    by_department = {}
    for plan in built.plans:
        by_department.setdefault(plan.department.name, {})[plan.year] = plan
    assert EMERGENCY in by_department
    for name, plans in by_department.items():
        assert set(plans) == {year, year + 1}, name
        plans[year].refresh_from_db()
        drawn_up_by_admin = plans[year].created_by.username == "admin"
        expected = PlanState.SUBMITTED if drawn_up_by_admin else PlanState.APPROVED
        assert plans[year].state == expected, name
        assert plans[year + 1].state == PlanState.DRAFT, name
        for entry in plans[year].entries.exclude(visits=models.F("proposed_visits")):
            assert entry.reason, (name, entry.enterprise_id)


def test_demo_onsite_inspections_cases_and_documents_hold_together(
    built, admin, district_official, inspector, settings, tmp_path
):
    from anjian.inspections import chain
    from anjian.inspections.models import Case, EnforcementDocument, Inspection, InspectionMark
    from anjian.inspections.onsite.fixtures import CASE_PATHS, build_demo_onsite
    from anjian.inspections.record_models import InspectionState

    settings.MEDIA_ROOT = tmp_path
    made = build_demo_onsite(
        by=admin,
        district_codes=[world.YANGPU, world.HONGKOU],
        filers={EMERGENCY: district_official},
        keep_for=inspector,
    )
    done = [i for i in made.inspections if i.state == InspectionState.DONE]
    assert done and len(made.inspections) > len(done)
    for inspection in made.inspections:
        assert chain.verify(chain.chain_key(inspection))[1] == []
    failed = InspectionMark.objects.filter(inspection__in=done, result="fail")
    assert failed.exists() and not failed.filter(hazard=None).exists()
    assert (
        Inspection.objects.filter(inspectors__user=inspector, state=InspectionState.OPEN).count()
        == 2
    )
    states = [case.state for case in made.cases]
    assert len(set(states)) == len(states) and len(states) <= len(CASE_PATHS)
    for case in made.cases:
        assert chain.verify(chain.chain_key(case))[1] == []
        assert EnforcementDocument.objects.filter(case=case, kind="case_filing").count() == 1
    assert Case.objects.count() == len(made.cases)
    assert build_demo_onsite(by=admin, district_codes=[world.YANGPU]).inspections == []
