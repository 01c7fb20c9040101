"""/api/v1/hazchem as an integrator uses it: the catalogue search, units listed with the
list page's filters, a unit with every term of its evaluation, a unit registered and a
chemical added (the grade in the answer), the history of its grade, the sources. 422 names
the field in Chinese, 409 on a stale version, 404 out of scope, 403 for a role without
``chemunit.manage``.

Figures (factories): 氯 Q 5 t β 4, 氨 Q 10 t β 2; 120 people within 500 m: α 2. 10 t of 氯:
S 2, R 2 × 4 × 2 = 16 → 三级."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from anjian.hazchem.models import ChemicalUnit, InventoryLine
from anjian.hazchem.tests import factories as make
from testsupport import world

pytestmark = pytest.mark.django_db

BASE = "/api/v1/hazchem"


@pytest.fixture
def it(api_client_for) -> SimpleNamespace:
    """殷行化工's chlorine store (三级) and ammonia workshop (no source), 虹口's store."""
    admin = world.actor("admin")
    store = make.unit(admin, name="液氯储罐区")
    make.add(store, "氯", "10", by=admin)
    workshop = make.unit(admin, name="合成车间", kind="production")
    make.add(workshop, "氨", "1", by=admin)
    hongkou = make.unit(admin, enterprise="hongkou_shop", name="虹口仓库")
    make.add(hongkou, "氯", "10", by=admin)
    clients = {
        name: api_client_for(world.actor(name))
        for name in ("district_official", "neighbour_official", "leader", "enterprise_manager")
    }
    return SimpleNamespace(
        store=make.fresh(store), workshop=make.fresh(workshop), hongkou=hongkou, clients=clients
    )


def get(client, url, params=None):
    return client.get(f"{BASE}{url}", params or {})


def post(client, url, body=None):
    return client.post(f"{BASE}{url}", body or {}, content_type="application/json")


def patch(client, url, body):
    return client.patch(f"{BASE}{url}", body, content_type="application/json")


def names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["name"] for item in response.json()["items"]}


def errors_of(response) -> dict[str, str]:
    assert response.status_code == 422, response.content
    return {e["loc"][-1]: e["msg"] for e in response.json()["detail"]}


def test_units_list_with_the_list_pages_filters_in_scope(it):
    official = it.clients["district_official"]
    assert names(get(official, "/units")) == {"液氯储罐区", "合成车间"}
    assert names(get(official, "/units", {"major": "true"})) == {"液氯储罐区"}
    assert names(get(official, "/units", {"major": "false"})) == {"合成车间"}
    assert names(get(official, "/units", {"grade": "3"})) == {"液氯储罐区"}
    assert names(get(official, "/units", {"kind": "production"})) == {"合成车间"}
    assert names(get(official, "/units", {"q": "殷行化工"})) == {"液氯储罐区", "合成车间"}
    assert names(get(official, "/units", {"street": world.YINHANG})) == {"液氯储罐区", "合成车间"}
    assert names(get(official, "/units", {"active": "false"})) == set()
    assert get(official, "/units", {"kind": "tank"}).status_code == 422
    assert get(official, "/units", {"grade": "5"}).status_code == 422
    assert names(get(it.clients["neighbour_official"], "/units")) == {"虹口仓库"}


def test_a_unit_reads_with_every_term_of_its_evaluation(it):
    unit = get(it.clients["district_official"], f"/units/{it.store.pk}").json()
    assert (Decimal(unit["s_value"]), Decimal(unit["r_value"]), Decimal(unit["alpha"])) == (
        2,
        16,
        2,
    )
    assert (unit["is_major"], unit["grade"], unit["grade_label"]) == (True, "3", "三级")
    assert unit["edition"] == "GB 18218-2018" and unit["evaluated_at"]
    assert unit["source_id"] == it.store.source.pk
    [term] = unit["terms"]
    assert (term["chemical"], term["q"], term["critical"], term["beta"]) == ("氯", "10", "5", "4")
    assert "表1" in term["critical_basis"] and term["ratio"] == "2"
    assert unit["explain"] and any("S" in sentence for sentence in unit["explain"])
    [line] = unit["lines"]
    assert (line["chemical_name"], Decimal(line["max_quantity"])) == ("氯", 10)
    workshop = get(it.clients["district_official"], f"/units/{it.workshop.pk}").json()
    assert (workshop["is_major"], workshop["grade"], workshop["source_id"]) == (False, "", None)


def test_a_unit_is_created_and_graded_as_its_chemicals_are_added(it):
    official = it.clients["district_official"]
    body = {
        "enterprise_id": world.enterprise("yinhang_chemical").pk,
        "kind": "storage",
        "name": "新建罐区",
        "population_500m": 120,
    }
    created = post(official, "/units", body)
    assert created.status_code == 201, created.content
    unit = created.json()
    assert (Decimal(unit["s_value"]), unit["is_major"], unit["lines"]) == (0, False, [])
    chlorine = make.shipped("氯").pk
    added = post(
        official, f"/units/{unit['id']}/lines", {"chemical_id": chlorine, "max_quantity": 10}
    )
    assert added.status_code == 201, added.content
    graded = added.json()
    assert (graded["is_major"], graded["grade"], graded["grade_label"]) == (True, "3", "三级")
    assert Decimal(graded["r_value"]) == 16 and graded["source_id"] is not None
    line = graded["lines"][0]
    url = f"/units/{unit['id']}/lines/{line['id']}"
    more = patch(official, url, {"version": line["version"], "max_quantity": "40"})
    assert more.status_code == 200, more.content
    assert (Decimal(more.json()["r_value"]), more.json()["grade"]) == (64, "2")  # 2×4×8
    removed = post(official, f"{url}/remove", {"version": line["version"] + 1})
    assert removed.status_code == 200, removed.content
    assert (removed.json()["is_major"], removed.json()["lines"]) == (False, [])
    history = get(official, f"/units/{unit['id']}/evaluations").json()
    assert [e["grade"] for e in history["items"]] == ["", "2", "3", ""]
    assert history["items"][1]["reason"] == "氯 设计最大量 10 → 40 吨"


def test_an_enterprise_manager_registers_for_its_own_unit(it):
    created = post(
        it.clients["enterprise_manager"], "/units", {"kind": "storage", "name": "自有仓库"}
    )
    assert created.status_code == 201, created.content
    assert created.json()["enterprise_id"] == world.enterprise("yinhang_chemical").pk


def test_a_stale_version_is_409_and_changes_nothing(it):
    official, url = it.clients["district_official"], f"/units/{it.store.pk}"
    stale = it.store.version - 1
    assert patch(official, url, {"version": stale, "name": "改名"}).status_code == 409
    line = InventoryLine.objects.get(unit=it.store)
    line_url = f"{url}/lines/{line.pk}"
    assert (
        patch(official, line_url, {"version": line.version + 1, "max_quantity": 1}).status_code
        == 409
    )
    assert post(official, f"{line_url}/remove", {"version": line.version + 1}).status_code == 409
    retired = post(official, f"{url}/retire", {"version": it.store.version, "reason": "拆除"})
    assert retired.status_code == 200 and retired.json()["active"] is False
    again = patch(official, url, {"version": retired.json()["version"], "name": "改名"})
    assert again.status_code == 409 and "停用" in again.json()["detail"]
    assert ChemicalUnit.objects.get(pk=it.store.pk).name == "液氯储罐区"
    assert names(get(official, "/units", {"active": "false"})) == {"液氯储罐区"}


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"max_quantity": -1}, "max_quantity", "设计最大量须为大于0、不超过100万的数字（吨）"),
        ({"max_quantity": 0}, "max_quantity", "设计最大量须为大于0、不超过100万的数字（吨）"),
        ({"max_quantity": "十吨"}, "max_quantity", "应为数字"),
        ({"max_quantity": "1.00001"}, "max_quantity", "设计最大量最多保留4位小数（吨）"),
        ({"chemical_id": 999_999}, "chemical_id", "请从危险化学品目录中选择"),
        ({"mixture": "soup"}, "mixture", "请选择纯物质或混合物"),
        ({"colour": "red"}, "colour", "不允许的字段"),
    ],
)
def test_bad_line_input_is_422_on_its_field_in_chinese(it, body, field, message):
    line = {"chemical_id": make.shipped("氨").pk, "max_quantity": 1, **body}
    response = post(it.clients["district_official"], f"/units/{it.workshop.pk}/lines", line)
    assert errors_of(response).get(field) == message, response.json()
    assert InventoryLine.objects.filter(unit=it.workshop).count() == 1


def test_bad_unit_input_is_422_on_its_field(it):
    official = it.clients["district_official"]
    missing = errors_of(post(official, "/units", {"kind": "tank", "name": ""}))
    assert missing == {"enterprise_id": "请选择单位"}
    wrong = errors_of(
        post(
            official,
            "/units",
            {"enterprise_id": it.store.enterprise_id, "kind": "tank", "name": "液氯储罐区"},
        )
    )
    assert wrong["kind"] == "请选择单元类型（生产单元或储存单元）"
    assert wrong["name"] == "本单位已有同名的在用单元"


def test_out_of_scope_is_404_for_reads_and_writes(it):
    neighbour = it.clients["neighbour_official"]
    url = f"/units/{it.store.pk}"
    line = InventoryLine.objects.get(unit=it.store)
    assert get(neighbour, url).status_code == 404
    assert get(neighbour, f"{url}/evaluations").status_code == 404
    assert patch(neighbour, url, {"version": it.store.version, "name": "x"}).status_code == 404
    assert post(neighbour, f"{url}/retire", {"version": 1, "reason": "x"}).status_code == 404
    body = {"chemical_id": make.shipped("氨").pk, "max_quantity": 1}
    assert post(neighbour, f"{url}/lines", body).status_code == 404
    assert post(neighbour, f"{url}/lines/{line.pk}/remove", {"version": 1}).status_code == 404
    assert get(neighbour, f"/sources/{it.store.source.pk}").status_code == 404
    official = it.clients["district_official"]
    elsewhere = f"/units/{it.workshop.pk}/lines/{line.pk}"  # the store's line, not the workshop's
    assert patch(official, elsewhere, {"version": line.version, "note": "x"}).status_code == 404
    outside = {"enterprise_id": it.hongkou.enterprise_id, "kind": "storage", "name": "越界"}
    assert post(official, "/units", outside).status_code == 404
    assert not ChemicalUnit.objects.filter(name="越界").exists()


def test_the_leader_reads_and_is_refused_every_write(it):
    leader, url = it.clients["leader"], f"/units/{it.store.pk}"
    line = InventoryLine.objects.get(unit=it.store)
    assert get(leader, url).status_code == 200
    body = {"chemical_id": make.shipped("氨").pk, "max_quantity": 1}
    writes = [
        post(leader, "/units", {"kind": "storage", "name": "领导的单元"}),
        patch(leader, url, {"version": it.store.version, "name": "x"}),
        post(leader, f"{url}/retire", {"version": it.store.version, "reason": "x"}),
        post(leader, f"{url}/lines", body),
        patch(leader, f"{url}/lines/{line.pk}", {"version": line.version, "max_quantity": 1}),
        post(leader, f"{url}/lines/{line.pk}/remove", {"version": line.version}),
    ]
    assert [response.status_code for response in writes] == [403] * len(writes)
    assert make.fresh(it.store).version == it.store.version


def test_sources_list_and_read_as_one_file(it):
    official = it.clients["district_official"]
    listed = get(official, "/sources").json()["items"]
    assert [(s["unit_name"], s["grade"], s["state"]) for s in listed] == [
        ("液氯储罐区", "3", "identified")
    ]
    assert get(official, "/sources", {"grade": "1"}).json()["count"] == 0
    assert get(official, "/sources", {"state": "all", "qualifies": "true"}).json()["count"] == 1
    assert get(official, "/sources", {"state": "gone"}).status_code == 422
    source = get(official, f"/sources/{listed[0]['id']}").json()
    assert source["number"].startswith("ZDWXY") and source["state_label"] == "已辨识，待备案"
    assert source["unit"]["id"] == it.store.pk and source["unit"]["terms"][0]["chemical"] == "氯"
    neighbour = get(it.clients["neighbour_official"], "/sources").json()["items"]
    assert [s["unit_name"] for s in neighbour] == ["虹口仓库"]


def test_the_catalogue_is_searched_by_name_alias_or_cas(it):
    leader = it.clients["leader"]
    found = get(leader, "/chemicals", {"q": "7782-50-5"}).json()
    assert [c["name"] for c in found["items"]] == ["氯"]
    chlorine = get(leader, f"/chemicals/{found['items'][0]['id']}").json()
    assert (chlorine["table1_row"] is not None, Decimal(chlorine["critical_quantity"])) == (True, 5)
    assert "液氯" in chlorine["aliases"]
    assert get(leader, "/chemicals").json()["count"] == 85
    assert get(leader, "/chemicals", {"gb18218": "table3"}).status_code == 422
    assert get(leader, "/chemicals/999999").status_code == 404


def test_the_authority_files_and_closes_a_source_through_the_api(it):
    official = it.clients["district_official"]
    source = it.store.source
    url = f"/sources/{source.pk}"
    today = timezone.localdate().isoformat()
    body = {"version": source.version, "filed_on": today, "filing_number": "杨危备1号"}
    assert post(it.clients["enterprise_manager"], f"{url}/file", body).status_code == 403
    assert post(it.clients["neighbour_official"], f"{url}/file", body).status_code == 404
    assert errors_of(post(official, f"{url}/file", {**body, "filing_number": ""})) == {
        "filing_number": "请填写备案编号"
    }
    filed = post(official, f"{url}/file", body)
    assert filed.status_code == 200, filed.content
    assert (filed.json()["state"], filed.json()["filing_number"]) == ("filed", "杨危备1号")
    # Still a source: closing it is a conflict that says why.
    close = {"version": filed.json()["version"], "closed_on": today, "reason": "拆除"}
    refused = post(official, f"{url}/close", close)
    assert refused.status_code == 409 and "仍构成重大危险源" in refused.json()["detail"]
    line = it.store.lines.get()
    patch(
        official,
        f"/units/{it.store.pk}/lines/{line.pk}",
        {"version": line.version, "max_quantity": "1"},
    )
    current = get(official, url).json()
    assert current["qualifies"] is False
    closed = post(official, f"{url}/close", {**close, "version": current["version"]})
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
