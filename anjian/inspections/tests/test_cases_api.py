"""/api/v1/penalty-cases as an integrator uses it: file, weigh, take the steps; the gate
holds; 404 out of scope, 409 on conflicts and the gate, 422 with the fields."""

import pytest

from anjian.inspections.tests import case_factories as cf
from testsupport import world

BASE = "/api/v1/penalty-cases/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_file_weigh_review_notify_and_decide(api_client_for, db):
    client = api_client_for(world.actor("district_official"))
    handlers = [h.pk for h in cf.handlers()]
    body = {
        "enterprise_id": world.enterprise("yinhang_chemical").pk,
        "title": "拒绝阻碍监督检查案",
        "facts": "检查人员到达现场后，该单位拒绝检查人员进入储罐区。",
        "handler_ids": handlers,
        "latitude": "31.32",
        "longitude": "121.53",
    }
    created = post(client, BASE, body)
    assert created.status_code == 201, created.content
    case = created.json()
    assert case["number"].startswith("（杨浦）应急立") and case["state"] == "filed"
    assert [d["kind"] for d in case["documents"]] == ["case_filing"]
    assert {a["name"] for a in case["actions"]} == {"investigate", "transfer", "drop"}
    url = f"{BASE}{case['id']}"

    rules = client.get(f"{BASE}discretion-rules", {"code": "AQF-108"}).json()
    grave = next(r for r in rules["items"] if r["circumstance"] == "grave")
    assert (grave["fine_min"], grave["fine_max"]) == (100_000, 200_000)
    weighed = post(client, f"{url}/weigh", {"rule_id": grave["id"], "fine": 150_000})
    assert weighed.status_code == 200, weighed.content
    assert weighed.json()["needs_legal_review"] is True
    assert "较大数额罚款" in weighed.json()["legal_review_reason"]

    step = post(client, f"{url}/transitions/investigate", {"version": weighed.json()["version"]})
    assert step.status_code == 200 and step.json()["state"] == "investigating"
    gate = post(client, f"{url}/transitions/notify", {})
    assert gate.status_code == 409
    assert gate.json()["detail"] == "本案须经法制审核通过后才能告知和作出决定"
    assert gate.json()["state"] == "investigating"
    assert post(client, f"{url}/transitions/decide", {}).status_code == 409

    assert post(client, f"{url}/transitions/submit_review", {}).status_code == 200
    own = post(client, f"{url}/transitions/pass_review", {"legal_review_opinion": "同意"})
    assert own.status_code == 403 and "不能审核本案" in own.json()["detail"]
    reviewer = api_client_for(cf.reviewer())
    missing = post(reviewer, f"{url}/transitions/pass_review", {})
    assert missing.status_code == 422
    assert missing.json()["detail"] == [
        {
            "loc": ["body", "legal_review_opinion"],
            "msg": "请填写法制审核意见",
            "type": "value_error",
        }
    ]
    passed = post(reviewer, f"{url}/transitions/pass_review", {"legal_review_opinion": "同意"})
    assert passed.status_code == 200 and passed.json()["state"] == "reviewed"

    notified = post(client, f"{url}/transitions/notify", {})
    assert notified.status_code == 200
    decided = post(client, f"{url}/transitions/decide", {})
    assert decided.json()["state"] == "decided" and decided.json()["decided_on"]
    kinds = [d["kind"] for d in decided.json()["documents"]]
    assert kinds == ["case_filing", "penalty_notice", "penalty_decision"]
    assert decided.json()["documents"][0]["url"].startswith("/inspections/documents/")


def test_a_return_by_the_reviewer_closes_the_gate_again(api_client_for, db):
    case = cf.step(
        cf.step(cf.weigh(cf.file_case(), complex_case=True), "investigate"), "submit_review"
    )
    reviewer = api_client_for(cf.reviewer())
    url = f"{BASE}{case.pk}/transitions"
    no_reason = post(reviewer, f"{url}/return_review", {})
    assert no_reason.status_code == 422
    returned = post(reviewer, f"{url}/return_review", {"reason": "证据不足"})
    assert returned.json()["state"] == "investigating"
    client = api_client_for(world.actor("district_official"))
    assert post(client, f"{url}/notify", {}).status_code == 409


def test_errors_of_the_api(api_client_for, db):
    client = api_client_for(world.actor("district_official"))
    refused = post(
        client,
        BASE,
        {
            "enterprise_id": world.enterprise("hongkou_shop").pk,
            "title": "案",
            "facts": "事实",
            "handler_ids": [cf.handlers()[0].pk],
        },
    )
    assert refused.status_code == 422
    fields = {tuple(e["loc"]) for e in refused.json()["detail"]}
    assert fields == {("body", "enterprise"), ("body", "handlers")}

    case = cf.file_case()
    assert post(client, f"{BASE}{case.pk}/transitions/approve", {}).status_code == 404
    stale = post(client, f"{BASE}{case.pk}/transitions/investigate", {"version": 99})
    assert stale.status_code == 409
    wrong_state = post(client, f"{BASE}{case.pk}/transitions/close", {})
    assert wrong_state.status_code == 409 and wrong_state.json()["state"] == "filed"
    extra = post(client, f"{BASE}{case.pk}/transitions/investigate", {"transferred_to": "公安"})
    assert extra.status_code == 422
    out_of_range = post(client, f"{BASE}{case.pk}/weigh", {"rule_id": cf.rule().pk, "fine": 1})
    assert out_of_range.status_code == 422
    assert out_of_range.json()["detail"][0]["loc"] == ["body", "fine"]

    neighbour = api_client_for(world.actor("neighbour_official"))
    assert neighbour.get(f"{BASE}{case.pk}").status_code == 404
    assert post(neighbour, f"{BASE}{case.pk}/transitions/investigate", {}).status_code == 404
    assert post(neighbour, f"{BASE}{case.pk}/weigh", {"rule_id": 1, "fine": 1}).status_code == 404
    leader = api_client_for(world.actor("leader"))
    assert leader.get(f"{BASE}{case.pk}").status_code == 200
    assert post(leader, f"{BASE}{case.pk}/transitions/investigate", {}).status_code == 403


def test_the_list_filters(api_client_for, db):
    needs = cf.weigh(cf.file_case(title="甲案"), complex_case=True)
    plain = cf.file_case(title="乙案")
    client = api_client_for(world.actor("district_official"))
    ids = lambda **q: {c["id"] for c in client.get(BASE, q).json()["items"]}  # noqa: E731
    assert ids() == {needs.pk, plain.pk}
    assert ids(needs_review="true") == {needs.pk}
    assert ids(q="乙案") == {plain.pk}
    assert ids(state="closed") == set()
    assert ids(state="nonsense") == {needs.pk, plain.pk}


def test_retired_rules_are_listed_only_when_asked(api_client_for, db):
    rule = cf.rule()
    cf.services.discretion_rule_retire(world.actor("admin"), rule_id=rule.pk)
    client = api_client_for(world.actor("leader"))
    active = {
        r["id"] for r in client.get(f"{BASE}discretion-rules", {"page_size": 500}).json()["items"]
    }
    every = client.get(f"{BASE}discretion-rules", {"include_retired": "true", "page_size": 500})
    assert rule.pk not in active and rule.pk in {r["id"] for r in every.json()["items"]}
