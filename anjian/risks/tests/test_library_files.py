"""The shipped library files: they validate, the migration loaded exactly them, and a bad
file is refused with every problem named."""

import copy
import importlib
import json
from pathlib import Path

import pytest

from anjian.regions.defaults import INDUSTRIES
from anjian.risks import library, services
from anjian.risks.models import RiskLibraryEntry

DEFAULT_INDUSTRIES = {industry.code for industry in INDUSTRIES}
MIGRATION = "anjian.risks.migrations.0002_seed_band_tables_and_library"
ENTRY = {
    "code": "test-boiler-room",
    "name": "锅炉房",
    "kind": "area",
    "industry_codes": ["machinery"],
    "hazard_factors": "锅炉超压、缺水。",
    "factor_class": "2",
    "accident_types": ["16"],
    "method": "ls",
    "typical": {"L": "2", "S": "4"},
    "control_level": "workshop",
    "measures": [
        {"kind": "engineering", "level": "workshop", "text": "安全阀、压力表定期校验"},
        {"kind": "management", "level": "team", "text": "司炉工持证上岗，按时巡检"},
        {"kind": "emergency", "level": "team", "text": "制定超压、缺水现场处置方案"},
    ],
}


def write(tmp_path: Path, name: str, entries: list, **head) -> Path:
    document = {"format": library.FORMAT, "topic": "测试", "entries": entries, **head}
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def entry(**changes) -> dict:
    return {**copy.deepcopy(ENTRY), **changes}


def problems_of(*paths) -> list[str]:
    with pytest.raises(library.LibraryFileError) as caught:
        library.read_files(paths, industries=DEFAULT_INDUSTRIES)
    return caught.value.problems


def test_every_shipped_file_validates_with_the_default_industries():
    entries = library.read_files(library.shipped_files(), industries=DEFAULT_INDUSTRIES)
    assert len(library.shipped_files()) >= 10
    codes = [entry["code"] for entry in entries]
    assert len(codes) == len(set(codes)) >= 25
    for path in library.shipped_files():
        assert json.loads(path.read_text(encoding="utf-8"))["format"] == library.FORMAT


def test_the_migration_loaded_exactly_the_shipped_files(db):
    plan = services.library_plan(library.shipped_entries())
    assert (plan.created, plan.updated, plan.not_in_files) == ([], {}, [])
    assert RiskLibraryEntry.objects.count() == len(plan.unchanged)


def test_the_migration_reads_the_files_as_the_loader_does(db):
    """The migration keeps its own copy of the reading rules; while the format is version 1
    both must agree. When this fails after a format change, freeze the files for 0002."""
    migration = importlib.import_module(MIGRATION)
    assert migration.library_entries() == library.shipped_entries()


def test_the_loaded_values_are_the_model_fields_in_sort_order():
    entries = library.read_files(library.shipped_files(), industries=DEFAULT_INDUSTRIES)
    tank = next(entry for entry in entries if entry["code"] == "hazchem-tank-farm")
    assert tank["industry_codes"] == "hazchem,gas,fireworks,hazardous_waste"
    assert tank["accident_types"] == "08,17,18,19"
    assert (tank["l_value"], tank["e_value"], tank["c_value"], tank["s_value"]) == (
        "3",
        "6",
        "40",
        None,
    )
    assert tank["topic"] == "危化" and tank["is_active"] is True
    orders = [(entry["sort_order"], entry["code"]) for entry in entries]
    assert orders == sorted(orders)


def test_a_good_file_reads_with_the_defaults_filled_in(tmp_path):
    (values,) = library.read_files(
        [write(tmp_path, "a.json", [entry()])], industries=DEFAULT_INDUSTRIES
    )
    assert values["flags"] == "" and values["is_generic"] is False
    assert (values["l_value"], values["s_value"], values["e_value"]) == ("2", "4", None)
    assert values["sort_order"] == 100 and values["topic"] == "测试"


def test_a_bad_entry_is_refused_with_every_problem_named(tmp_path):
    bad = entry(
        kind="room",
        industry_codes=["mining"],
        flags=["haunted"],
        accident_types=["99"],
        typical={"L": "2", "E": "3"},
        measures=ENTRY["measures"][:2],
    )
    problems = "\n".join(problems_of(write(tmp_path, "bad.json", [bad])))
    assert "bad.json 第 1 条（test-boiler-room）" in problems
    assert "typical 应恰好给出 LS 法的 L、S 值" in problems
    assert "典型管控措施至少 3 条" in problems
    assert "未登记的监管行业：mining" in problems
    assert "未知的重点对象：haunted" in problems
    assert "kind（风险点类型）" in problems
    assert "accident_types（可能导致的事故类型）" in problems


def test_unknown_or_missing_keys_wrong_types_and_a_wrong_format_are_refused(tmp_path):
    misspelt = entry(colour="red")
    assert "未知的键：colour" in problems_of(write(tmp_path, "u.json", [misspelt]))[0]
    missing = entry()
    missing.pop("method")
    assert "缺少：method" in problems_of(write(tmp_path, "m.json", [missing]))[0]
    typed = entry(industry_codes="machinery", sort_order="10")
    assert (
        "类型不对：industry_codes、sort_order" in problems_of(write(tmp_path, "t.json", [typed]))[0]
    )
    wrong = write(tmp_path, "f.json", [entry()], format="anjian-risk-library/9")
    assert problems_of(wrong) == ["f.json：format 应为 anjian-risk-library/1"]
    (tmp_path / "x.json").write_text("{", encoding="utf-8")
    assert problems_of(tmp_path / "x.json")[0].startswith("x.json：无法读取")


def test_an_entry_for_nobody_and_a_code_used_twice_are_refused(tmp_path):
    nobody = entry(code="test-nobody", industry_codes=[])
    first = write(tmp_path, "a.json", [entry()])
    second = write(tmp_path, "b.json", [entry()])
    third = write(tmp_path, "c.json", [nobody])
    problems = "\n".join(problems_of(first, second, third))
    assert "至少填一项" in problems
    assert "b.json：代码“test-boiler-room”与 a.json 中的条目重复" in problems


def test_loading_adds_new_codes_updates_changed_ones_and_leaves_the_rest(db, tmp_path):
    shipped = library.shipped_entries()
    tank = next(values for values in shipped if values["code"] == "hazchem-tank-farm")
    changed = {**tank, "name": "储罐区（新名称）"}
    new = library.read_files([write(tmp_path, "a.json", [entry()])])[0]
    plan = services.library_load(entries=[changed, new])
    assert plan.created == ["test-boiler-room"]
    assert plan.updated == {"hazchem-tank-farm": ["name"]}
    assert len(plan.not_in_files) == len(shipped) - 1
    assert RiskLibraryEntry.objects.get(code="hazchem-tank-farm").name == "储罐区（新名称）"
    boiler = RiskLibraryEntry.objects.get(code="test-boiler-room")
    assert (boiler.method, boiler.typical_score(), len(boiler.measures)) == ("ls", 8, 3)
    again = services.library_load(entries=[changed, new])
    assert (again.created, again.updated, len(again.unchanged)) == ([], {}, 2)
