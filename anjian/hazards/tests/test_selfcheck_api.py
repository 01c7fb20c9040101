"""/api/v1/self-checks: an enterprise's app submits a check; failed items become hazards."""

import json

from anjian.hazards.models import CheckRecord, Hazard
from anjian.hazards.selfcheck import services
from testsupport import world


def make_plan(user):
    return services.plan_create(
        by=user,
        enterprise=world.enterprise("yinhang_chemical"),
        name="罐区每日巡检（API）",
        frequency="daily",
        scope_note="罐区",
        items=["呼吸阀完好", "静电接地完好"],
    )


def test_a_failed_item_submitted_through_the_api_raises_a_hazard(
    api_client_for, enterprise_manager
):
    plan = make_plan(enterprise_manager)
    items = list(plan.items.all())
    client = api_client_for(enterprise_manager)
    body = {
        "results": [
            {"item_id": items[0].pk, "passed": True},
            {"item_id": items[1].pk, "passed": False, "note": "2号罐接地线断开"},
        ]
    }
    response = client.post(
        f"/api/v1/self-checks/plans/{plan.pk}/records", json.dumps(body), "application/json"
    )
    assert response.status_code == 201, response.content
    record = CheckRecord.objects.get(pk=response.json()["id"])
    hazard = Hazard.objects.get(source_id=record.pk, source="self_check")
    assert "接地" in hazard.description
    listed = client.get("/api/v1/self-checks/plans").json()["items"]
    assert [p["id"] for p in listed] == [plan.pk]


def test_a_failed_item_without_a_note_saves_nothing(api_client_for, enterprise_manager):
    plan = make_plan(enterprise_manager)
    items = list(plan.items.all())
    body = {"results": [{"item_id": i.pk, "passed": False} for i in items]}
    response = api_client_for(enterprise_manager).post(
        f"/api/v1/self-checks/plans/{plan.pk}/records", json.dumps(body), "application/json"
    )
    assert response.status_code == 422
    assert not CheckRecord.objects.filter(plan=plan).exists()


def test_another_enterprise_plan_is_404(api_client_for, enterprise_manager, neighbour_official):
    plan = make_plan(enterprise_manager)
    assert (
        api_client_for(neighbour_official).get(f"/api/v1/self-checks/plans/{plan.pk}").status_code
        == 404
    )
