"""/api/v1/risk-points and friends, with real bearer tokens."""

import json

from anjian.risks.models import RiskAssessment, RiskPoint
from anjian.risks.tests.factories import make_point

LIST = "/api/v1/risk-points/"


def detail(pk: int) -> str:
    return f"/api/v1/risk-points/{pk}"


def send(client, method: str, url: str, payload):
    body = payload if isinstance(payload, str) else json.dumps(payload)
    return getattr(client, method)(url, data=body, content_type="application/json")


def payload(**overrides) -> dict:
    body = {
        "name": "接口登记罐区",
        "kind": "area",
        "hazard_factors": "甲醇储罐泄漏",
        "factor_class": "2",
        "accident_types": ["08", "19"],
        "control_level": "company",
        "owner_name": "孙九",
        "owner_phone": "13600136000",
    }
    body.update(overrides)
    return body


def errors(response) -> dict[str, list[str]]:
    assert response.status_code == 422, response.content.decode()
    found: dict[str, list[str]] = {}
    for error in response.json()["detail"]:
        field = error["loc"][1] if len(error["loc"]) > 1 else "__all__"
        found.setdefault(str(field), []).append(error["msg"])
    return found


# --- reads ---------------------------------------------------------------------------------------


def test_the_list_filters_like_the_page_and_pages(api_client_for, district_official, enterprises):
    make_point(
        enterprises["yinhang_chemical"], name="接口红", assess=("lec", {"L": 3, "E": 6, "C": 40})
    )
    make_point(enterprises["yinhang_site"], name="接口蓝", assess=("ls", {"L": 1, "S": 1}))
    client = api_client_for(district_official)
    body = client.get(LIST, {"level": "red"}).json()
    assert [item["name"] for item in body["items"]] == ["接口红"]
    assert body["count"] == 1
    item = body["items"][0]
    assert item["inherent"] == {"method": "lec", "score": "720.000", "level": "red"}
    assert item["accident_types"] == ["08", "18"]
    assert item["street"]["code"] == "310110016"


def test_a_bad_filter_is_a_422_in_chinese(api_client_for, district_official):
    response = api_client_for(district_official).get(LIST, {"level": "purple"})
    assert response.status_code == 422
    assert "选择一个有效的选项" in response.json()["detail"][0]["msg"]


def test_the_detail_carries_measures_and_assessments(api_client_for, leader, enterprises):
    point = make_point(enterprises["pingliang_factory"], assess=("ls", {"L": 3, "S": 4}))
    body = api_client_for(leader).get(detail(point.pk)).json()
    assert body["current_level"] == "orange"
    (assessment,) = body["assessments"]
    assert (assessment["l"], assessment["s"], assessment["e"]) == ("3.00", "4.00", None)
    assert assessment["band_table_version"] == 1
    assert body["measures"] == []


def test_the_band_tables_library_and_register_are_readable(api_client_for, inspector, enterprises):
    make_point(
        enterprises["yinhang_chemical"], name="清单接口", assess=("lec", {"L": 3, "E": 6, "C": 40})
    )
    make_point(enterprises["yinhang_site"], name="非清单", assess=("ls", {"L": 1, "S": 1}))
    client = api_client_for(inspector)
    tables = client.get("/api/v1/risk-band-tables/", {"current": "true"}).json()
    lec = next(t for t in tables if t["method"] == "lec")
    assert lec["current"] and lec["version"] == 1
    assert [band["range"] for band in lec["bands"]] == [
        "D > 320",
        "160 < D ≤ 320",
        "70 < D ≤ 160",
        "D ≤ 70",
    ]
    assert lec["factors"]["C"][1] == {"value": "40", "label": "灾难，数人死亡"}
    library = client.get("/api/v1/risk-library/", {"industry": "construction"}).json()
    assert {"深基坑工程", "塔式起重机", "脚手架工程"} <= {e["name"] for e in library}
    register = client.get("/api/v1/risk-register/").json()
    assert [item["name"] for item in register["items"]] == ["清单接口"]


# --- writes --------------------------------------------------------------------------------------


def test_the_manager_creates_assesses_and_retires_a_point(api_client_for, enterprise_manager):
    client = api_client_for(enterprise_manager)
    created = send(client, "post", LIST, payload())
    assert created.status_code == 201, created.content.decode()
    pk = created.json()["id"]
    assert created.json()["enterprise"]["name"] == "上海殷行化工有限公司"
    assessed = send(
        client, "post", f"{detail(pk)}/assess", {"method": "lec", "l": 6, "e": 6, "c": 15}
    )
    assert assessed.status_code == 201, assessed.content.decode()
    assert (assessed.json()["score"], assessed.json()["level"]) == ("540.000", "red")
    retired = send(client, "post", f"{detail(pk)}/retire", {"version": 1, "reason": "停产"})
    assert retired.status_code == 200
    assert retired.json()["status"] == "retired"


def test_malformed_payloads_are_422_in_chinese_and_save_nothing(api_client_for, enterprise_manager):
    client = api_client_for(enterprise_manager)
    before = RiskPoint.objects.count()
    schema = errors(send(client, "post", LIST, {"name": 3, "accident_types": "08"}))
    assert schema["name"] == ["应为文本"]
    assert schema["accident_types"] == ["应为数组"]
    assert schema["kind"] == ["必填"]
    form = errors(
        send(client, "post", LIST, payload(kind="tank", accident_types=["21"], owner_phone="1"))
    )
    assert form["kind"][0].startswith("选择一个有效的选项")
    assert form["accident_types"] == ["事故类型“21”不是 GB 6441 的类别代码"]
    assert "11位手机号" in form["owner_phone"][0]
    assert send(client, "post", LIST, "{not json").json()["detail"] == "请求体不是有效的 JSON"
    assert RiskPoint.objects.count() == before


def test_a_point_of_another_enterprise_cannot_be_created(
    api_client_for, enterprise_manager, enterprises
):
    response = send(
        api_client_for(enterprise_manager),
        "post",
        LIST,
        payload(enterprise=enterprises["yinhang_site"].pk),
    )
    assert errors(response)["enterprise"] == ["单位不存在或不在您的管辖范围内"]


def test_an_update_from_a_stale_version_is_409(api_client_for, enterprise_manager, enterprises):
    point = make_point(enterprises["yinhang_chemical"])
    client = api_client_for(enterprise_manager)
    first = send(client, "patch", detail(point.pk), {"version": 1, "owner_name": "第一人"})
    assert first.status_code == 200 and first.json()["version"] == 2
    second = send(client, "patch", detail(point.pk), {"version": 1, "owner_name": "第二人"})
    assert second.status_code == 409
    assert "已被他人修改" in second.json()["detail"]
    assert RiskPoint.objects.get(pk=point.pk).owner_name == "第一人"


def test_bad_assessments_are_422_in_chinese(api_client_for, enterprise_manager, enterprises):
    point = make_point(enterprises["yinhang_chemical"])
    client = api_client_for(enterprise_manager)
    url = f"{detail(point.pk)}/assess"
    assert errors(send(client, "post", url, {"method": "lec", "l": 4, "e": 6, "c": 15}))[
        "lec_l"
    ] == ["“4”不是现行分级标准中的取值"]
    assert errors(send(client, "post", url, {"method": "ls", "l": 2, "s": 3, "e": 6}))[
        "method"
    ] == ["LS 法不使用 E 值"]
    assert errors(send(client, "post", url, {"method": "ls", "l": 2}))["ls_s"] == ["请选择 S 值"]
    assert errors(send(client, "post", url, {"method": "xyz"}))["method"][0].startswith(
        "评估方法应为"
    )
    assert errors(send(client, "post", url, {"method": "lec", "l": "abc"}))["l"] == ["应为数字"]
    assert not RiskAssessment.objects.filter(risk_point=point).exists()


def test_measures_are_managed_through_the_api(api_client_for, enterprise_manager, enterprises):
    point = make_point(enterprises["yinhang_chemical"])
    client = api_client_for(enterprise_manager)
    url = f"{detail(point.pk)}/measures"
    bad = errors(
        send(
            client, "post", url, {"kind": "magic", "text": "", "level": "team", "owner_name": "甲"}
        )
    )
    assert bad["kind"][0].startswith("选择一个有效的选项") and bad["text"] == ["这个字段是必填项。"]
    created = send(
        client,
        "post",
        url,
        {"kind": "ppe", "text": "佩戴防护面罩", "level": "post", "owner_name": "甲"},
    )
    assert created.status_code == 201, created.content.decode()
    measure = created.json()
    patched = send(
        client,
        "patch",
        f"/api/v1/risk-points/measures/{measure['id']}",
        {"version": 1, "text": "佩戴全面罩"},
    )
    assert patched.json()["text"] == "佩戴全面罩"
    stale = send(
        client,
        "patch",
        f"/api/v1/risk-points/measures/{measure['id']}",
        {"version": 1, "text": "x"},
    )
    assert stale.status_code == 409
    off = send(
        client,
        "post",
        f"/api/v1/risk-points/measures/{measure['id']}/deactivate",
        {"reason": "更换"},
    )
    assert off.json()["is_active"] is False
    assert [m["text"] for m in client.get(url).json()] == ["佩戴全面罩"]


def test_writes_need_the_manage_right_and_scope(
    api_client_for, district_official, enterprise_manager, enterprises
):
    point = make_point(enterprises["yinhang_site"])
    official = send(
        api_client_for(district_official),
        "post",
        f"{detail(point.pk)}/assess",
        {"method": "ls", "l": 1, "s": 1},
    )
    assert official.status_code == 403
    outsider = send(
        api_client_for(enterprise_manager),
        "post",
        f"{detail(point.pk)}/assess",
        {"method": "ls", "l": 1, "s": 1},
    )
    assert outsider.status_code == 404
    assert outsider.json() == {"detail": "未找到"}
