"""/api/v1/hazard-standards: reads for hazard viewers, writes and import for hazard.standards."""

import pytest

from anjian.hazards.models import StandardClause, StandardDocument
from anjian.hazards.tests.library_support import TEST_CODE, as_bytes, cite, edition

BASE = "/api/v1/hazard-standards"


@pytest.fixture
def trade(db):
    return StandardDocument.objects.get(code="应急管理部令第10号")


@pytest.fixture
def dust(trade):
    return trade.clauses.get(code="DUST-03")


def test_the_list_gives_each_edition_with_its_active_clause_count(api_client_for, leader):
    response = api_client_for(leader).get(f"{BASE}/")
    assert response.status_code == 200
    by_code = {item["code"]: item for item in response.json()}
    assert by_code["安监总管三〔2017〕121号"]["clause_count"] == 20
    assert by_code["GB 35181-2017"]["domain_label"] == "消防（重大火灾隐患）"
    assert by_code["GB 35181-2017"]["superseded_by"] is None


def test_a_standard_comes_with_all_its_clauses(api_client_for, enterprise_manager, trade):
    data = api_client_for(enterprise_manager).get(f"{BASE}/{trade.pk}").json()
    assert data["code"] == "应急管理部令第10号"
    assert len(data["clauses"]) == 17
    assert {c["group"] for c in data["clauses"]} == {"通用", "粉尘涉爆", "涉氨制冷", "有限空间"}


def test_a_clause_detail_carries_its_citation(api_client_for, inspector, dust):
    data = api_client_for(inspector).get(f"{BASE}/clauses/{dust.pk}").json()
    assert data["code"] == "DUST-03"
    assert data["document"]["code"] == "应急管理部令第10号"
    assert data["citation"] == "应急管理部令第10号 第十一条（三）"


def test_unknown_ids_are_404_in_chinese(api_client_for, leader):
    response = api_client_for(leader).get(f"{BASE}/clauses/999999")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到"}


def test_suggest_ranks_clauses_for_an_enterprise_in_scope(
    api_client_for, district_official, enterprises
):
    site = enterprises["yinhang_site"]
    response = api_client_for(district_official).get(
        f"{BASE}/suggest", {"enterprise_id": site.pk, "text": "塔吊限位器失灵"}
    )
    assert response.status_code == 200
    first = response.json()[0]
    assert first["clause"]["code"] == "JZ-8-5" and 0 < first["score"] < 1


def test_suggest_for_an_enterprise_outside_scope_is_404(
    api_client_for, street_officer, enterprises
):
    response = api_client_for(street_officer).get(
        f"{BASE}/suggest", {"enterprise_id": enterprises["pingliang_factory"].pk, "text": "积尘"}
    )
    assert response.status_code == 404


def test_suggest_for_unrelated_text_is_empty(api_client_for, enterprise_manager):
    response = api_client_for(enterprise_manager).get(
        f"{BASE}/suggest", {"text": "员工食堂菜价偏高"}
    )
    assert response.status_code == 200 and response.json() == []


def test_suggest_without_an_enterprise_uses_the_enterprise_user_s_own(
    api_client_for, enterprise_manager
):
    response = api_client_for(enterprise_manager).get(f"{BASE}/suggest", {"text": "塔吊限位器失灵"})
    assert all(
        item["clause"]["document"]["code"] != "建质规〔2022〕2号" for item in response.json()
    )


def test_an_expert_cannot_read_the_library(api_client_for, expert):
    assert api_client_for(expert).get(f"{BASE}/").status_code == 403


# --- writes -----------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["leader", "enterprise_manager", "district_official"])
def test_writes_need_hazard_standards(actor, api_client_for, request, trade, dust):
    client = api_client_for(request.getfixturevalue(actor))
    response = client.post(
        f"{BASE}/{trade.pk}/clauses", {"code": "X-1", "text": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "您的角色无权执行此操作"}
    response = client.patch(
        f"{BASE}/clauses/{dust.pk}", {"keywords": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    response = client.post(f"{BASE}/import", as_bytes(edition()), content_type="application/json")
    assert response.status_code == 403
    assert not StandardDocument.objects.filter(code=TEST_CODE).exists()


def test_an_administrator_creates_a_clause(api_client_for, admin, trade):
    response = api_client_for(admin).post(
        f"{BASE}/{trade.pk}/clauses",
        {"code": "GM-04", "text": "新条款", "group": "通用", "industry_codes": ["machinery"]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["industry_codes"] == ["machinery"]
    assert trade.clauses.filter(code="GM-04").exists()


def test_a_bad_clause_is_422_with_field_messages(api_client_for, admin, trade):
    response = api_client_for(admin).post(
        f"{BASE}/{trade.pk}/clauses",
        {"code": "GM-01", "text": "", "industry_codes": ["mining"]},
        content_type="application/json",
    )
    assert response.status_code == 422
    fields = {tuple(item["loc"]): item["msg"] for item in response.json()["detail"]}
    assert fields[("body", "code")] == "本标准已有条款编号“GM-01”（含已停用的）"
    assert ("body", "text") in fields and ("body", "industry_codes") in fields


def test_an_administrator_patches_a_clause_and_deactivates_it(api_client_for, admin, dust):
    client = api_client_for(admin)
    response = client.patch(
        f"{BASE}/clauses/{dust.pk}",
        {"keywords": "泄爆、抑爆", "is_active": False},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["keywords"] == "泄爆、抑爆" and response.json()["is_active"] is False


def test_patching_the_text_of_a_cited_clause_is_422_naming_the_hazard(api_client_for, admin, dust):
    hazard = cite(dust)
    response = api_client_for(admin).patch(
        f"{BASE}/clauses/{dust.pk}", {"text": "改写"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert hazard.number in response.json()["detail"][0]["msg"]
    dust.refresh_from_db()
    assert dust.text != "改写"


def test_the_import_endpoint_previews_then_imports(api_client_for, admin):
    client = api_client_for(admin)
    body = as_bytes(edition())
    preview = client.post(f"{BASE}/import?dry_run=true", body, content_type="application/json")
    assert preview.status_code == 200
    assert preview.json()["dry_run"] and preview.json()["is_new"]
    assert len(preview.json()["changes"]) == 3
    assert not StandardDocument.objects.filter(code=TEST_CODE).exists()
    done = client.post(f"{BASE}/import", body, content_type="application/json")
    assert done.status_code == 200 and done.json()["is_new"]
    assert done.json()["document_id"] == StandardDocument.objects.get(code=TEST_CODE).pk
    again = client.post(f"{BASE}/import", body, content_type="application/json")
    assert again.json()["is_new"] is False and again.json()["unchanged"] == 3


def test_a_bad_import_is_422_listing_every_problem(api_client_for, admin):
    data = edition(domain="mining")
    data["clauses"][0]["text"] = ""
    response = api_client_for(admin).post(
        f"{BASE}/import", as_bytes(data), content_type="application/json"
    )
    assert response.status_code == 422
    messages = [item["msg"] for item in response.json()["detail"]]
    assert len(messages) == 2
    assert messages[1] == "第 1 个条款（T-01）【判定情形】必填"
    response = api_client_for(admin).post(f"{BASE}/import", b"{", content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"].startswith("文件：不是有效的 JSON")
    assert StandardClause.objects.filter(document__code=TEST_CODE).count() == 0
