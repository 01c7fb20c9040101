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
            {
                "item_id": items[1].pk,
                "passed": False,
                "note": "2号罐接地线断开",
                "place": "2号储罐静电接地点",
            },
        ]
    }
    response = client.post(
        f"/api/v1/self-checks/plans/{plan.pk}/records", json.dumps(body), "application/json"
    )
    assert response.status_code == 201, response.content
    record = CheckRecord.objects.get(pk=response.json()["id"])
    hazard = Hazard.objects.get(source_id=record.pk, source="self_check")
    assert "接地" in hazard.description
    assert (hazard.title, hazard.location) == ("未做到：静电接地完好", "2号储罐静电接地点")
    failed = [r for r in response.json()["results"] if not r["passed"]]
    assert failed == [
        {
            "item_id": items[1].pk,
            "passed": False,
            "place": "2号储罐静电接地点",
            "note": "2号罐接地线断开",
            "hazard_id": hazard.pk,
        }
    ]
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


def test_a_failed_item_is_titled_with_its_finding_or_the_title_sent(
    api_client_for, enterprise_manager
):
    plan = services.plan_create(
        by=enterprise_manager,
        enterprise=world.enterprise("yinhang_chemical"),
        name="罐区每日巡检（API 问题表述）",
        frequency="daily",
        items=[
            services.ItemSpec(
                "装置区、罐区、管线无跑冒滴漏", finding="装置区、罐区、管线存在跑冒滴漏"
            ),
            services.ItemSpec("消防控制室有人值班", area="消防控制室"),
        ],
    )
    client = api_client_for(enterprise_manager)
    listed = client.get(f"/api/v1/self-checks/plans/{plan.pk}").json()["items"]
    assert [(i["finding"], i["area"], i["default_title"]) for i in listed] == [
        ("装置区、罐区、管线存在跑冒滴漏", "", "装置区、罐区、管线存在跑冒滴漏"),
        ("", "消防控制室", "未做到：消防控制室有人值班"),
    ]
    leak, duty = (item["id"] for item in listed)
    body = {
        "results": [
            {"item_id": leak, "passed": False, "note": "法兰渗漏", "place": "T-203出口法兰"},
            {"item_id": duty, "passed": False, "note": "无人值班", "title": "夜班消防控制室脱岗"},
        ]
    }
    response = client.post(
        f"/api/v1/self-checks/plans/{plan.pk}/records", json.dumps(body), "application/json"
    )
    assert response.status_code == 201, response.content
    hazards = Hazard.objects.filter(source_id=response.json()["id"]).order_by("pk")
    assert [(h.title, h.location) for h in hazards] == [
        ("装置区、罐区、管线存在跑冒滴漏", "T-203出口法兰"),
        ("夜班消防控制室脱岗", "消防控制室"),
    ]


def test_a_failed_item_without_a_place_is_refused(api_client_for, enterprise_manager):
    plan = make_plan(enterprise_manager)
    items = list(plan.items.all())
    body = {
        "results": [
            {"item_id": items[0].pk, "passed": True},
            {"item_id": items[1].pk, "passed": False, "note": "接地线断开"},
        ]
    }
    response = api_client_for(enterprise_manager).post(
        f"/api/v1/self-checks/plans/{plan.pk}/records", json.dumps(body), "application/json"
    )
    assert response.status_code == 422
    assert [error["msg"] for error in response.json()["detail"]] == [
        "“静电接地完好”不合格，请填写检查部位"
    ]
    assert not CheckRecord.objects.filter(plan=plan).exists()
