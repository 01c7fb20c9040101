"""The shipped standards: every file is valid; the migration loaded them with the right counts."""

import json
from collections import Counter

import pytest

from anjian.hazards.library.loader import FORMAT, parse_path, shipped_files
from anjian.hazards.library.selectors import SPECIAL_GROUPS
from anjian.hazards.library.vocabulary import Vocabulary
from anjian.hazards.models import StandardDocument
from anjian.regions.defaults import INDUSTRIES

CHEMICAL = "安监总管三〔2017〕121号"
TRADE = "应急管理部令第10号"
FIRE = "GB 35181-2017"
CONSTRUCTION = "建质规〔2022〕2号"
GONGMAO = {i.code for i in INDUSTRIES if i.group == "工贸"}


def groups_of(code: str) -> Counter:
    return Counter(StandardDocument.objects.get(code=code).clauses.values_list("group", flat=True))


def test_there_is_one_shipped_file_per_edition_and_each_parses_with_the_default_industries():
    payloads = [parse_path(path, vocabulary=Vocabulary.defaults()) for path in shipped_files()]
    codes = [payload.document.code for payload in payloads]
    assert sorted(codes) == sorted([CHEMICAL, TRADE, FIRE, CONSTRUCTION])
    for path in shipped_files():
        assert json.loads(path.read_text(encoding="utf-8"))["format"] == FORMAT


def test_the_migration_loaded_every_shipped_edition_into_the_test_database(db):
    assert set(StandardDocument.objects.values_list("code", flat=True)) >= {
        CHEMICAL,
        TRADE,
        FIRE,
        CONSTRUCTION,
    }
    assert all(StandardDocument.objects.values_list("is_active", flat=True))


def test_the_chemical_standard_has_its_twenty_items_for_hazchem(db):
    document = StandardDocument.objects.get(code=CHEMICAL)
    codes = list(document.clauses.order_by("sort_order").values_list("code", flat=True))
    assert codes == [f"HG-{n:02d}" for n in range(1, 21)]
    assert document.industry_codes == ["hazchem"]
    assert document.domain == "chemical"


def test_the_industry_and_trade_standard_has_3_general_and_14_special_area_items(db):
    assert groups_of(TRADE) == {"通用": 3, "粉尘涉爆": 10, "涉氨制冷": 2, "有限空间": 2}
    document = StandardDocument.objects.get(code=TRADE)
    assert set(document.industry_codes) == GONGMAO
    assert str(document.effective_from) == "2023-05-15"
    # The metal-smelting item applies to smelting industries only.
    assert document.clauses.get(code="GM-03").industry_codes == ["metallurgy", "nonferrous"]


def test_the_special_area_groups_are_exactly_the_flag_gated_ones(db):
    special = {g for g in groups_of(TRADE) if g != "通用"}
    assert special == set(SPECIAL_GROUPS)


def test_the_industry_and_trade_note_carries_the_confidence_marks(db):
    note = StandardDocument.objects.get(code=TRADE).note
    assert "置信度 H" in note
    assert "置信度 M" in note


def test_the_fire_standard_has_the_ten_direct_items_and_stays_active_though_replaced(db):
    document = StandardDocument.objects.get(code=FIRE)
    codes = list(document.clauses.order_by("sort_order").values_list("code", flat=True))
    assert codes == [f"FC-6.{n}" for n in range(1, 11)]
    assert document.is_active
    assert document.superseded_by is None
    assert "GB 35181-2025" in document.note
    assert "2025-11-01" in document.note
    assert {"fire_key_unit", "commerce", "culture_tourism"} <= set(document.industry_codes)


def test_the_construction_standard_holds_only_the_h_confidence_items(db):
    document = StandardDocument.objects.get(code=CONSTRUCTION)
    by_article = Counter(
        code.rsplit("-", 1)[0] for code in document.clauses.values_list("code", flat=True)
    )
    assert by_article == {"JZ-4": 3, "JZ-8": 7, "JZ-9": 3, "JZ-10": 1, "JZ-11": 2, "JZ-12": 1}
    assert document.industry_codes == ["construction"]
    assert "建质规〔2024〕5号" in document.note


@pytest.mark.parametrize("path", shipped_files(), ids=lambda p: p.name)
def test_every_shipped_clause_has_a_text_keywords_and_a_unique_code(path):
    payload = parse_path(path, vocabulary=Vocabulary.defaults())
    codes = [clause.code for clause in payload.clauses]
    assert len(codes) == len(set(codes))
    for clause in payload.clauses:
        assert clause.text and clause.keywords, clause.code
        assert len(clause.text) <= 200, "a short summary, not the standard's text"
    assert payload.document.note
