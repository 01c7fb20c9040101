"""年度/季度监督检查计划: proposed from the grade policy, adjusted with reasons, approved by
someone else, warned about when a unit would be visited more often than the cap."""

import pytest

from anjian.core.exceptions import Conflict, NotPermitted, OutOfScope, ValidationError
from anjian.inspections.plan_models import DEFAULT_POLICY, PlanState
from anjian.inspections.plans import selectors, services
from anjian.inspections.plans.services import quarter_share
from anjian.inspections.tests.factories import department
from anjian.regions.models import Region
from anjian.risks.tests.factories import make_point
from testsupport import world

pytestmark = pytest.mark.django_db

EMERGENCY = "杨浦区应急管理局"
HOUSING = "杨浦区建设和管理委员会"


@pytest.mark.parametrize("visits", range(0, 25))
def test_a_quarterly_share_adds_up_to_the_year_and_is_even(visits):
    for offset in range(4):
        shares = [quarter_share(visits, q, offset) for q in (1, 2, 3, 4)]
        assert sum(shares) == visits
        assert max(shares) - min(shares) <= 1


def test_units_of_one_grade_do_not_all_fall_in_one_quarter():
    firsts = [next(q for q in (1, 2, 3, 4) if quarter_share(1, q, pk)) for pk in range(8)]
    assert sorted(set(firsts)) == [1, 2, 3, 4]


def entry_visits(plan) -> dict[str, int]:
    return dict(plan.entries.values_list("enterprise__name", "visits"))


def test_the_annual_plan_follows_the_grades_and_the_major_risks(district_official, enterprises):
    make_point(enterprises["yinhang_chemical"], assess=("lec", {"L": 10, "E": 6, "C": 40}))
    plan = services.plan_propose(district_official, department=department(EMERGENCY), year=2027)
    # 应急局 supervises 危化 and 机械; both units are grade B (2 a year), the chemical works
    # has a 重大风险 point (+1). The construction site belongs to 建管委.
    assert entry_visits(plan) == {"上海殷行化工有限公司": 3, "上海平凉机械制造有限公司": 2}
    assert plan.title == "杨浦区应急管理局2027年度监督检查计划"
    assert plan.policy_basis == DEFAULT_POLICY.basis
    assert plan.transitions.get().action == "propose"
    quarters = [
        services.plan_propose(
            district_official, department=department(EMERGENCY), year=2027, quarter=q
        )
        for q in (1, 2, 3, 4)
    ]
    for name, yearly in entry_visits(plan).items():
        assert sum(entry_visits(q).get(name, 0) for q in quarters) == yearly


def test_a_region_policy_overrides_the_default(district_official):
    yangpu = Region.objects.get(code=world.YANGPU)
    data = {"grade_a": 6, "grade_b": 1, "grade_c": 1, "grade_d": 0, "major_risk_extra": 2}
    services.policy_save(
        district_official,
        region=yangpu,
        data={**data, "yearly_cap": 8, "basis": "杨安委〔2026〕3号"},
    )
    assert services.policy_for("310110016").basis == "杨安委〔2026〕3号"
    assert services.policy_for("310109").basis == DEFAULT_POLICY.basis
    plan = services.plan_propose(district_official, department=department(EMERGENCY), year=2027)
    assert set(entry_visits(plan).values()) == {1}
    with pytest.raises(NotPermitted):
        services.policy_save(
            world.actor("housing_official"), region=yangpu, data={**data, "yearly_cap": 8}
        )
    with pytest.raises(ValidationError):
        services.policy_save(district_official, region=yangpu, data={**data, "yearly_cap": 0})


def test_one_plan_per_department_and_period(district_official):
    services.plan_propose(district_official, department=department(EMERGENCY), year=2027)
    with pytest.raises(ValidationError) as caught:
        services.plan_propose(district_official, department=department(EMERGENCY), year=2027)
    assert caught.value.message_dict == {"quarter": ["本部门2027年度的检查计划已存在"]}
    with pytest.raises(ValidationError, match="季度只能是"):
        services.plan_propose(
            district_official, department=department(EMERGENCY), year=2027, quarter=5
        )


def test_an_adjustment_needs_a_reason_and_a_draft(district_official, leader):
    plan = services.plan_propose(district_official, department=department(EMERGENCY), year=2027)
    entry = plan.entries.first()
    with pytest.raises(ValidationError) as caught:
        services.entry_adjust(district_official, entry_id=entry.pk, visits=5)
    assert caught.value.message_dict == {"reason": ["计划次数与建议次数（2）不同，请写明调整理由"]}
    services.entry_adjust(
        district_official,
        entry_id=entry.pk,
        visits=5,
        reason="近期发生过险情",
        joint_departments=[department(HOUSING)],
    )
    entry.refresh_from_db()
    assert (entry.visits, entry.reason) == (5, "近期发生过险情")
    assert [d.name for d in entry.joint_departments.all()] == [HOUSING]
    plan.refresh_from_db()
    services.plan_submit(district_official, plan_id=plan.pk, version=plan.version)
    with pytest.raises(Conflict):
        services.entry_adjust(district_official, entry_id=entry.pk, visits=2)


def test_the_plan_is_approved_by_someone_else(district_official, leader):
    plan = services.plan_propose(district_official, department=department(EMERGENCY), year=2027)
    services.plan_submit(district_official, plan_id=plan.pk)
    with pytest.raises(NotPermitted, match="不能审批本人编制或提交的计划"):
        services.plan_approve(district_official, plan_id=plan.pk)
    with pytest.raises(ValidationError):
        services.plan_return(leader, plan_id=plan.pk, reason="")
    services.plan_return(leader, plan_id=plan.pk, reason="A类单位请逐月安排")
    services.plan_submit(district_official, plan_id=plan.pk)
    approved = services.plan_approve(leader, plan_id=plan.pk)
    assert approved.state == PlanState.APPROVED and approved.approved_at
    assert [t.action for t in approved.transitions.all()] == [
        "propose",
        "submit",
        "return",
        "submit",
        "approve",
    ]


def test_a_unit_visited_more_than_the_cap_is_warned_about(district_official, leader):
    yangpu = Region.objects.get(code=world.YANGPU)
    policy = {"grade_a": 4, "grade_b": 2, "grade_c": 1, "grade_d": 0, "major_risk_extra": 1}
    services.policy_save(
        district_official, region=yangpu, data={**policy, "yearly_cap": 3, "basis": "测试"}
    )
    own = services.plan_propose(district_official, department=department(EMERGENCY), year=2027)
    assert selectors.over_cap(own) == []
    # 建管委's approved plan joins 应急局 twice at the chemical works: 2 + 2 > 3.
    housing = world.actor("housing_official")
    theirs = services.plan_propose(housing, department=department(HOUSING), year=2027)
    chemical = own.entries.get(enterprise__name="上海殷行化工有限公司").enterprise
    joint = theirs.entries.model.objects.create(
        plan=theirs, enterprise=chemical, grade="B", proposed_visits=0, visits=0
    )
    services.entry_adjust(
        housing,
        entry_id=joint.pk,
        visits=2,
        reason="燃气专项联合检查",
        joint_departments=[department(EMERGENCY)],
    )
    assert selectors.over_cap(own) == []  # a draft is not counted yet
    services.plan_submit(housing, plan_id=theirs.pk)
    warned = selectors.over_cap(own)
    assert [(w.entry.enterprise_id, w.visits, w.cap) for w in warned] == [(chemical.pk, 4, 3)]


@pytest.mark.parametrize(
    ("actor", "error"),
    [
        ("neighbour_official", OutOfScope),
        ("housing_official", NotPermitted),
        ("inspector", NotPermitted),
        ("leader", NotPermitted),
        ("street_officer", NotPermitted),
    ],
)
def test_only_the_department_draws_up_its_plan(actor, error):
    with pytest.raises(error):
        services.plan_propose(world.actor(actor), department=department(EMERGENCY), year=2027)


def test_plans_are_seen_inside_the_scope_only(district_official):
    plan = services.plan_propose(district_official, department=department(EMERGENCY), year=2027)
    seen = {a for a in world.ACTORS if selectors.plans(world.actor(a)).filter(pk=plan.pk).exists()}
    assert seen == {
        "admin",
        "district_official",
        "housing_official",
        "inspector",
        "leader",
    }  # a street's scope is inside the district: a district department's plan is not in it
