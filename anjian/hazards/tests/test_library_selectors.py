"""Which clauses apply to an enterprise (industry and flags), and which a description suggests."""

import pytest

from anjian.enterprises.models import Enterprise
from anjian.hazards.library import selectors, services
from anjian.hazards.library.selectors import clauses_for_enterprise, suggest_clauses
from anjian.hazards.models import StandardClause, StandardDocument
from anjian.regions.models import Industry

CHEMICAL = "安监总管三〔2017〕121号"
TRADE = "应急管理部令第10号"
FIRE = "GB 35181-2017"
CONSTRUCTION = "建质规〔2022〕2号"


def unsaved(industry: str, **flags) -> Enterprise:
    """An enterprise of ``industry`` with some flags (the selectors read only these)."""
    return Enterprise(industry=Industry.objects.get(code=industry), **flags)


def codes(enterprise) -> set[str]:
    return set(clauses_for_enterprise(enterprise).values_list("code", flat=True))


def documents(enterprise) -> set[str]:
    return set(clauses_for_enterprise(enterprise).values_list("document__code", flat=True))


# --- clauses_for_enterprise ---------------------------------------------------------------


def test_a_chemical_company_gets_the_chemical_standard_and_the_fire_direct_items(enterprises):
    enterprise = enterprises["yinhang_chemical"]
    assert documents(enterprise) == {CHEMICAL, FIRE}
    assert clauses_for_enterprise(enterprise).count() == 30


def test_a_construction_site_gets_the_construction_standard_only(enterprises):
    assert documents(enterprises["yinhang_site"]) == {CONSTRUCTION}
    assert clauses_for_enterprise(enterprises["yinhang_site"]).count() == 17


def test_a_machinery_factory_without_flags_gets_only_the_general_industry_and_trade_items(
    enterprises,
):
    assert codes(enterprises["pingliang_factory"]) == {"GM-01", "GM-02"}


def test_the_metal_smelting_item_applies_to_smelting_industries_only(db):
    assert "GM-03" in codes(unsaved("metallurgy"))
    assert "GM-03" in codes(unsaved("nonferrous"))
    assert "GM-03" not in codes(unsaved("textile"))


def test_the_dust_items_appear_only_for_a_dust_explosion_enterprise(db):
    plain = codes(unsaved("light_industry"))
    dusty = codes(unsaved("light_industry", dust_explosion=True))
    assert not {c for c in plain if c.startswith("DUST")}
    assert {c for c in dusty if c.startswith("DUST")} == {f"DUST-{n:02d}" for n in range(1, 11)}
    assert not {c for c in dusty if c.startswith(("NH3", "CS"))}


def test_the_ammonia_and_confined_space_items_follow_their_own_flags(db):
    cold_store = codes(unsaved("trade_warehousing", ammonia_refrigeration=True))
    assert {"NH3-01", "NH3-02"} <= cold_store and not {"CS-01", "CS-02"} & cold_store
    brewery = codes(unsaved("light_industry", confined_space=True))
    assert {"CS-01", "CS-02"} <= brewery and not {"NH3-01", "NH3-02"} & brewery


def test_flags_do_not_bring_the_industry_and_trade_standard_to_other_industries(db):
    assert TRADE not in documents(unsaved("hazchem", dust_explosion=True, confined_space=True))


def test_the_fire_standard_applies_to_its_industries_and_to_flagged_enterprises(db):
    assert documents(unsaved("commerce")) == {FIRE}
    assert FIRE not in documents(unsaved("machinery"))
    assert FIRE in documents(unsaved("machinery", fire_key_unit=True))
    assert FIRE in documents(unsaved("textile", crowded_place=True))


def test_an_industry_with_no_standard_gets_nothing(db):
    assert codes(unsaved("road_transport")) == set()


def test_a_document_without_industries_applies_to_every_enterprise(db, admin):
    document = StandardDocument.objects.get(code=FIRE)
    services.document_update(by=admin, document=document, data={"industry_codes": []})
    assert FIRE in documents(unsaved("road_transport"))


def test_inactive_clauses_and_inactive_documents_are_left_out(enterprises, admin):
    enterprise = enterprises["yinhang_chemical"]
    clause = StandardClause.objects.get(document__code=CHEMICAL, code="HG-05")
    services.clause_deactivate(by=admin, clause=clause)
    assert "HG-05" not in codes(enterprise)
    services.document_deactivate(by=admin, document=StandardDocument.objects.get(code=FIRE))
    assert documents(enterprise) == {CHEMICAL}
    assert clauses_for_enterprise(enterprise).count() == 19


def test_the_result_is_a_queryset_ordered_by_document_and_clause_order(enterprises):
    clauses = list(clauses_for_enterprise(enterprises["yinhang_chemical"]))
    assert [c.code for c in clauses[:3]] == ["HG-01", "HG-02", "HG-03"]
    assert clauses[-1].code == "FC-6.10"


# --- suggest_clauses ----------------------------------------------------------------------

DUSTY = {"dust_explosion": True}


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("二号车间干式除尘器未设置泄爆装置，也没有惰化或抑爆措施", "DUST-03"),
        ("除尘器没有泄爆片", "DUST-03"),
        ("车间积尘严重，未及时清理", "DUST-10"),
        ("抛光车间铝粉尘采用正压吹送，没有火花探测", "DUST-04"),
        ("木工车间砂光机风管无火花探测装置", "DUST-08"),
        ("员工宿舍设在粉尘车间楼上", "DUST-01"),
    ],
)
def test_a_dust_description_suggests_the_dust_clause_first(db, description, expected):
    suggestions = suggest_clauses(unsaved("light_industry", **DUSTY), description)
    assert suggestions, description
    assert suggestions[0][0].code == expected


@pytest.mark.parametrize(
    "description",
    [
        "办公室墙面油漆脱落，影响美观",
        "员工食堂菜价偏高",
        "配电箱门未关闭，内部线路裸露",
        "没有按规定设置",
        "员工未佩戴安全帽",
        "楼梯扶手松动",
        "",
        "？？？",
    ],
)
def test_unrelated_text_suggests_nothing(db, description):
    assert suggest_clauses(unsaved("light_industry", **DUSTY), description) == []


def test_suggestions_come_only_from_clauses_that_apply(db):
    description = "除尘器没有泄爆片"
    assert suggest_clauses(unsaved("light_industry"), description) == []
    assert suggest_clauses(unsaved("hazchem"), description) == []


def test_other_areas_are_found_too(enterprises):
    (best, score), *_rest = suggest_clauses(enterprises["yinhang_chemical"], "罐区紧急切断阀失效")
    assert best.code == "HG-05" and 0 < score < 1
    (best, _score), *_rest = suggest_clauses(enterprises["yinhang_site"], "塔吊限位器失灵")
    assert best.code == "JZ-8-5"
    (best, _score), *_rest = suggest_clauses(enterprises["hongkou_shop"], "商场未安装喷淋系统")
    assert best.code == "FC-6.6"


def test_scores_are_sorted_and_the_limit_is_kept(enterprises):
    suggestions = suggest_clauses(
        enterprises["yinhang_site"], "有限空间作业未审批，未进行气体检测，现场无人监护", limit=2
    )
    assert len(suggestions) == 2
    assert suggestions[0][1] >= suggestions[1][1] >= selectors.SUGGEST_THRESHOLD
    assert {clause.code for clause, _score in suggestions} == {"JZ-11-1", "JZ-11-2"}


def test_keywords_are_matched_as_well_as_the_text(db, admin):
    clause = StandardClause.objects.get(document__code=CHEMICAL, code="HG-06")
    enterprise = unsaved("hazchem")
    assert suggest_clauses(enterprise, "球罐区缺少消防炮台") == []
    services.clause_update(by=admin, clause=clause, data={"keywords": "消防炮台、球罐区"})
    assert suggest_clauses(enterprise, "球罐区缺少消防炮台")[0][0] == clause


def test_without_an_enterprise_every_active_clause_is_ranked(db):
    (best, _score), *_rest = suggest_clauses(None, "液氨速冻间内作业人员12人")
    assert best.code == "NH3-02"


# --- grouping ------------------------------------------------------------------------------


def test_clauses_are_grouped_by_document_then_group_in_order(enterprises):
    enterprise = unsaved("light_industry", dust_explosion=True, fire_key_unit=True)
    grouped = selectors.by_document(list(clauses_for_enterprise(enterprise)))
    assert [entry.document.code for entry in grouped] == [FIRE, TRADE]
    assert [group.name for group in grouped[1].groups] == ["通用", "粉尘涉爆"]
    assert len(grouped[1].clauses) == 12
