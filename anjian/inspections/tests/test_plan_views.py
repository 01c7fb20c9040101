"""The plan pages: draw one up, adjust a unit (the reason is asked in Chinese), submit,
approve as someone else; the warnings and the policy page."""

import pytest
from django.urls import reverse

from anjian.inspections.plan_models import InspectionPlan, PlanState
from anjian.inspections.plans import services
from anjian.inspections.tests.factories import department

pytestmark = pytest.mark.django_db

EMERGENCY = "杨浦区应急管理局"


def test_a_department_draws_up_adjusts_and_submits_a_plan(district_official, client_for):
    client = client_for(district_official)
    page = client.get(reverse("inspections:plan_create"))
    assert page.status_code == 200
    response = client.post(
        reverse("inspections:plan_create"),
        {"department": department(EMERGENCY).pk, "year": 2027, "quarter": 0, "title": ""},
    )
    plan = InspectionPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "杨浦区应急管理局2027年度监督检查计划" in page
    assert "上海殷行化工有限公司" in page and 'data-total-visits="all">4<' in page
    entry = plan.entries.get(enterprise__name="上海殷行化工有限公司")
    url = reverse("inspections:plan_entry_edit", args=[plan.pk, entry.pk])
    refused = client.post(url, {"visits": 4, "reason": "", "version": plan.version})
    assert refused.status_code == 422
    assert "计划次数与建议次数（2）不同，请写明调整理由" in refused.content.decode()
    done = client.post(
        url, {"visits": 4, "reason": "储罐区改造期间加密检查", "version": plan.version}
    )
    assert done.status_code == 302
    entry.refresh_from_db()
    assert (entry.visits, entry.reason) == (4, "储罐区改造期间加密检查")
    plan.refresh_from_db()
    stale = client.post(reverse("inspections:plan_submit", args=[plan.pk]), {"version": 1})
    assert stale.status_code == 409
    client.post(reverse("inspections:plan_submit", args=[plan.pk]), {"version": plan.version})
    plan.refresh_from_db()
    assert plan.state == PlanState.SUBMITTED


def test_the_plan_is_approved_by_the_leader_not_its_author(district_official, leader, client_for):
    plan = services.plan_propose(district_official, department=department(EMERGENCY), year=2027)
    plan = services.plan_submit(district_official, plan_id=plan.pk)
    own = client_for(district_official).get(plan.get_absolute_url()).content.decode()
    assert 'id="action-approve"' not in own
    response = client_for(district_official).post(
        reverse("inspections:plan_approve", args=[plan.pk]), {"version": plan.version}
    )
    assert response.status_code == 403
    client = client_for(leader)
    assert 'id="action-approve"' in client.get(plan.get_absolute_url()).content.decode()
    response = client.post(
        reverse("inspections:plan_approve", args=[plan.pk]), {"version": plan.version}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.state == PlanState.APPROVED


def test_the_list_and_the_policy_page(district_official, housing_official, client_for):
    services.plan_propose(district_official, department=department(EMERGENCY), year=2027)
    listed = client_for(district_official).get(reverse("inspections:plan_list"))
    assert "2027年度" in listed.content.decode()
    client = client_for(district_official)
    page = client.get(reverse("inspections:plan_policy"))
    assert page.status_code == 200 and "平台默认" in page.content.decode()
    data = {
        "grade_a": 6,
        "grade_b": 3,
        "grade_c": 1,
        "grade_d": 0,
        "major_risk_extra": 1,
        "yearly_cap": 0,
        "basis": "杨安委〔2026〕3号",
        "version": 0,
    }
    refused = client.post(reverse("inspections:plan_policy"), data)
    assert refused.status_code == 422
    assert (
        client.post(reverse("inspections:plan_policy"), {**data, "yearly_cap": 8}).status_code
        == 302
    )
    assert services.policy_for("310110").yearly_cap == 8
    # A 行业部门 plans, but the frequencies are set by the 应急局.
    response = client_for(housing_official).post(
        reverse("inspections:plan_policy"), {**data, "yearly_cap": 9}
    )
    assert response.status_code == 403


def test_the_policy_form_does_not_offer_an_inherited_basis_as_the_regions(
    district_official, client_for
):
    page = client_for(district_official).get(reverse("inspections:plan_policy"))
    basis = page.context["form"]["basis"]
    assert basis.value() in ("", None) and page.context["form"]["grade_a"].value() == 4


def test_a_plans_units_are_exported_as_shown(district_official, neighbour_official, client_for):
    from io import BytesIO

    from openpyxl import load_workbook

    plan = services.plan_propose(district_official, department=department(EMERGENCY), year=2030)
    url = reverse("inspections:plan_export", args=[plan.pk])
    response = client_for(district_official).get(url)
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content))["计划检查对象"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("单位名称", "统一社会信用代码", "街镇")
    assert {row[0] for row in rows[1:]} == set(
        plan.entries.values_list("enterprise__name", flat=True)
    )
    grade = plan.entries.order_by("pk").first().grade
    narrowed = client_for(district_official).get(url, {"grade": grade})
    sheet = load_workbook(BytesIO(narrowed.content))["计划检查对象"]
    assert {row[3] for row in list(sheet.iter_rows(values_only=True))[1:]} == {grade}
    assert client_for(neighbour_official).get(url).status_code == 404
