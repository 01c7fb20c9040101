"""The importer: every bad input named in Chinese, editions added and updated all or nothing,
clauses never deleted, cited clauses keep their text."""

import datetime
import time

import pytest
from auditlog.models import LogEntry

from anjian.hazards.library import loader
from anjian.hazards.library.loader import (
    StandardFileError,
    import_payload,
    parse_data,
    parse_json,
    parse_xlsx,
    plan_import,
)
from anjian.hazards.models import StandardClause, StandardDocument
from anjian.hazards.tests.library_support import (
    TEST_CODE,
    as_bytes,
    cite,
    edition,
    sheet_rows,
    xlsx,
)


def problems_of(data) -> list[str]:
    with pytest.raises(StandardFileError) as caught:
        parse_data(data)
    return [str(problem) for problem in caught.value.problems]


def imported(data, *, by=None):
    return import_payload(parse_data(data), by=by)


def clause_codes(active=True) -> list[str]:
    document = StandardDocument.objects.get(code=TEST_CODE)
    return sorted(document.clauses.filter(is_active=active).values_list("code", flat=True))


# --- JSON: every bad input ----------------------------------------------------------------


def test_a_valid_file_parses_into_the_document_and_its_clauses(db):
    payload = parse_data(edition())
    assert payload.document.code == TEST_CODE
    assert payload.document.issued_on == datetime.date(2026, 1, 10)
    assert [c.code for c in payload.clauses] == ["T-01", "T-02", "T-03"]
    assert [c.sort_order for c in payload.clauses] == [10, 20, 30]


def test_text_that_is_not_json_is_refused_with_the_line_and_column(db):
    with pytest.raises(StandardFileError) as caught:
        parse_json(b'{"document": ')
    assert str(caught.value).startswith("文件：不是有效的 JSON（第 1 行")


def test_a_gbk_encoded_file_is_refused_with_the_encoding_to_use(db):
    with pytest.raises(StandardFileError) as caught:
        parse_json('{"document": "中文"}'.encode("gbk"))
    assert str(caught.value) == "文件：不是 UTF-8 编码的文本（如为 GBK 编码，请另存为 UTF-8）"


def test_a_json_list_instead_of_an_object_is_refused(db):
    assert problems_of([]) == ["文件：内容应为一个 JSON 对象，包含 document 和 clauses 两项"]


def test_an_unknown_format_mark_is_refused(db):
    data = edition()
    data["format"] = "other/9"
    assert problems_of(data) == ["文件【format】不支持的格式“other/9”，应为 anjian-standard/1"]


def test_missing_document_and_clauses_are_named(db):
    assert problems_of({"format": "anjian-standard/1"}) == [
        "文件【document】缺少标准信息（应为 JSON 对象）",
        "文件【clauses】缺少条款列表（应为 JSON 数组）",
        "标准信息【标准代号】必填",
        "标准信息【标准名称】必填",
        "标准信息【版本】必填",
        "标准信息【适用领域】必填",
    ]


def test_an_empty_clause_list_is_refused(db):
    data = edition()
    data["clauses"] = []
    assert problems_of(data) == ["文件【clauses】文件中没有条款"]


def test_unknown_keys_are_refused_instead_of_silently_ignored(db):
    data = edition(titel="错字")
    data["clauses"][1]["txt"] = "错字"
    data["extra"] = 1
    assert problems_of(data) == [
        "文件【extra】无法识别的字段",
        "标准信息【titel】无法识别的字段",
        "第 2 个条款（T-02）【txt】无法识别的字段",
    ]


def test_an_unknown_domain_is_refused_with_the_choices(db):
    (problem,) = problems_of(edition(domain="mining"))
    assert problem.startswith(
        "标准信息【适用领域】“mining”无法识别，可选：chemical（化工和危险化学品）"
    )


def test_a_domain_may_be_written_as_its_chinese_label(db):
    assert parse_data(edition(domain="消防")).document.domain == "fire"
    assert parse_data(edition(domain="房屋市政工程")).document.domain == "construction"


def test_an_unknown_industry_code_is_refused(db):
    (problem,) = problems_of(edition(industry_codes=["machinery", "mining"]))
    assert problem.startswith("标准信息【适用行业】“mining”不是已登记的监管行业")


def test_an_unknown_industry_of_a_clause_is_refused_at_that_clause(db):
    data = edition()
    data["clauses"][0]["industry_codes"] = ["spaceflight"]
    (problem,) = problems_of(data)
    assert problem.startswith(
        "第 1 个条款（T-01）【条款适用行业】“spaceflight”不是已登记的监管行业"
    )


def test_industries_may_be_named_in_chinese_and_a_repeated_one_is_refused(db):
    assert parse_data(edition(industry_codes=["机械", "冶金"])).document.industry_codes == [
        "machinery",
        "metallurgy",
    ]
    assert problems_of(edition(industry_codes=["machinery", "机械"])) == [
        "标准信息【适用行业】行业“机械”重复"
    ]


def test_an_industry_list_of_the_wrong_type_is_refused(db):
    assert problems_of(edition(industry_codes={"a": 1})) == [
        "标准信息【适用行业】应为行业代码的列表"
    ]


def test_a_duplicate_clause_code_is_refused_naming_the_first_one(db):
    data = edition()
    data["clauses"][2]["code"] = "T-01"
    assert problems_of(data) == [
        "第 3 个条款（T-01）【条款编号】“T-01”与第 1 个条款（T-01）重复"
        "（同一标准内条款编号必须唯一）"
    ]


def test_a_clause_without_text_or_code_is_refused(db):
    data = edition()
    data["clauses"][1]["text"] = "   "
    data["clauses"][2]["code"] = ""
    assert problems_of(data) == [
        "第 2 个条款（T-02）【判定情形】必填",
        "第 3 个条款【条款编号】必填",
    ]


def test_a_bad_date_is_refused_with_the_expected_format(db):
    assert problems_of(edition(issued_on="2026-13-40")) == [
        "标准信息【发布日期】“2026-13-40”不是有效日期，请写成 YYYY-MM-DD（如 2023-05-15）"
    ]


def test_chinese_dates_are_accepted(db):
    assert parse_data(edition(issued_on="2026年1月10日")).document.issued_on == datetime.date(
        2026, 1, 10
    )


def test_an_effective_date_before_the_issue_date_is_refused(db):
    assert problems_of(edition(effective_from="2025-12-31")) == [
        "标准信息【实施日期】实施日期（2025-12-31）不能早于发布日期（2026-01-10）"
    ]


def test_text_longer_than_the_field_is_refused_with_both_lengths(db):
    data = edition()
    data["clauses"][0]["text"] = "字" * 2001
    assert problems_of(data) == ["第 1 个条款（T-01）【判定情形】不能超过 2000 字（当前 2001 字）"]


def test_a_negative_sort_order_and_a_wrong_flag_are_refused(db):
    data = edition(is_active="也许")
    data["clauses"][0]["sort_order"] = -5
    assert problems_of(data) == [
        "标准信息【标准启用】应为“是”或“否”（JSON 中为 true 或 false）",
        "第 1 个条款（T-01）【排序】应为不小于 0 的整数（当前“-5”）",
    ]


def test_a_document_cannot_be_superseded_by_itself(db):
    assert problems_of(edition(superseded_by=TEST_CODE)) == ["标准信息【被替代为】不能被自己替代"]


def test_every_problem_of_a_file_is_reported_at_once(db):
    data = edition(domain="x", issued_on="昨天")
    data["clauses"][0]["text"] = ""
    assert len(problems_of(data)) == 3


# --- Excel --------------------------------------------------------------------------------


def test_an_excel_sheet_of_one_row_per_clause_parses_like_the_json(db):
    payload = parse_xlsx(xlsx(sheet_rows()))
    assert payload.document.code == TEST_CODE
    assert payload.document.domain == "industry_trade"
    assert payload.document.industry_codes == ["machinery"]
    assert payload.document.effective_from == datetime.date(2026, 3, 1)
    assert [c.code for c in payload.clauses] == ["T-01", "T-02", "T-03"]
    assert payload.clauses[2].group == "粉尘涉爆"


def test_excel_problems_name_the_row_and_the_column(db):
    rows = sheet_rows()
    rows[1]["判定情形"] = ""
    rows[2]["条款编号"] = "T-01"
    rows[2]["条款适用行业"] = "采矿"
    with pytest.raises(StandardFileError) as caught:
        parse_xlsx(xlsx(rows))
    messages = [str(p) for p in caught.value.problems]
    assert "第 3 行【判定情形】必填" in messages
    assert any(m.startswith("第 4 行【条款适用行业】“采矿”不是已登记的监管行业") for m in messages)
    assert "第 4 行【条款编号】“T-01”与第 2 行重复（同一标准内条款编号必须唯一）" in messages


def test_excel_rows_that_disagree_on_the_document_are_refused(db):
    rows = sheet_rows()
    rows[2]["标准代号"] = "另一标准"
    with pytest.raises(StandardFileError) as caught:
        parse_xlsx(xlsx(rows))
    assert [str(p) for p in caught.value.problems] == [
        "第 4 行【标准代号】与第 2 行不一致（一个文件只能包含一个标准版本）"
    ]


def test_excel_bad_domain_and_date_are_reported_on_the_row_they_are_on(db):
    rows = sheet_rows()
    rows[0]["适用领域"] = "矿山"
    rows[0]["发布日期"] = "2026/02/30"
    with pytest.raises(StandardFileError) as caught:
        parse_xlsx(xlsx(rows))
    messages = [str(p) for p in caught.value.problems]
    assert messages[0].startswith("第 2 行【适用领域】“矿山”无法识别")
    assert (
        messages[1]
        == "第 2 行【发布日期】“2026/02/30”不是有效日期，请写成 YYYY-MM-DD（如 2023-05-15）"
    )


def test_an_excel_file_with_wrong_headers_is_refused_before_any_row(db):
    with pytest.raises(StandardFileError) as caught:
        parse_xlsx(xlsx([{"标准代号": "x"}], headers=["标准代号", "备注"]))
    assert "缺少必填列" in str(caught.value)
    assert "无法识别的列：备注" in str(caught.value)


def test_a_file_that_is_not_excel_is_refused(db):
    from io import BytesIO

    with pytest.raises(StandardFileError) as caught:
        parse_xlsx(BytesIO(b"not a zip"))
    assert str(caught.value).startswith("文件：无法读取文件")


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("huge_dimension", "文件：表格共有超过 12000 行（含空行）"),
        ("empty_rows", "文件：表格共有超过 12000 行（含空行）"),
        ("compressed_rows", "文件：文件解压后是压缩前的"),
        ("truncated", "文件：无法读取文件：表格内容已损坏"),
        ("external_entity", "文件：无法读取文件：表格内容已损坏"),
        ("billion_laughs", "文件：无法读取文件：表格内容已损坏"),
    ],
)
def test_a_hostile_excel_file_is_refused_quickly_in_chinese(db, kind, expected):
    """The library reads through core.excel.read_rows, so it has the importer's defences."""
    from io import BytesIO

    from anjian.hazards.tests.library_support import HEADERS
    from testsupport import hostile_xlsx

    first = sheet_rows()[0]
    content = hostile_xlsx.HOSTILE[kind](HEADERS, [str(first.get(h, "")) for h in HEADERS])
    started = time.process_time()  # CPU time: immune to a loaded machine's wall clock
    with pytest.raises(StandardFileError) as caught:
        loader.parse_upload("标准.xlsx", BytesIO(content))
    assert time.process_time() - started < 3
    assert str(caught.value).startswith(expected), str(caught.value)


def test_another_extension_is_refused(db):
    from io import BytesIO

    with pytest.raises(StandardFileError) as caught:
        loader.parse_upload("标准.csv", BytesIO(b"a,b"))
    assert str(caught.value) == "文件：请上传 .json 或 .xlsx 文件（“标准.csv”两者都不是）"


# --- importing ------------------------------------------------------------------------------


def test_a_new_code_imports_a_new_edition_with_its_clauses(db):
    plan = imported(edition())
    document = StandardDocument.objects.get(code=TEST_CODE)
    assert plan.is_new and plan.document == document
    assert clause_codes() == ["T-01", "T-02", "T-03"]
    assert plan.summary() == f"新增标准“{TEST_CODE}”：新增 3 条，修改 0 条，停用 0 条，未变 0 条"


def test_importing_writes_the_audit_trail_with_the_actor(db, admin):
    from auditlog.context import set_actor

    with set_actor(admin):
        imported(edition(), by=admin)
    document = StandardDocument.objects.get(code=TEST_CODE)
    entry = LogEntry.objects.get_for_object(document).get()
    assert entry.action == LogEntry.Action.CREATE and entry.actor == admin
    assert (
        LogEntry.objects.filter(
            content_type__model="standardclause",
            object_pk__in=[str(pk) for pk in document.clauses.values_list("pk", flat=True)],
        ).count()
        == 3
    )


def test_a_dry_run_plans_without_writing(db):
    plan = plan_import(parse_data(edition()))
    assert plan.is_new and len(plan.of(loader.CREATE)) == 3
    assert not StandardDocument.objects.filter(code=TEST_CODE).exists()


def test_reimporting_the_same_file_changes_nothing(db):
    imported(edition())
    plan = imported(edition())
    assert plan.counts == {"create": 0, "update": 0, "deactivate": 0, "unchanged": 3}
    assert "没有变化" in plan.summary()


def test_reimporting_updates_changed_fields_by_code(db):
    imported(edition())
    data = edition(title="测试用判定标准（修订）")
    data["clauses"][1]["keywords"] = "砂轮机、防护罩、砂轮"
    plan = imported(data)
    assert plan.document_fields == ["标准名称"]
    (change,) = plan.of(loader.UPDATE)
    assert change.code == "T-02" and change.fields == ["关键词"]
    assert StandardClause.objects.get(document__code=TEST_CODE, code="T-02").keywords.endswith(
        "砂轮"
    )


def test_clauses_missing_from_a_reimport_are_deactivated_not_deleted(db):
    imported(edition())
    data = edition()
    del data["clauses"][0]
    plan = imported(data)
    assert [c.code for c in plan.of(loader.DEACTIVATE)] == ["T-01"]
    assert clause_codes(active=True) == ["T-02", "T-03"]
    assert clause_codes(active=False) == ["T-01"]


def test_a_deactivated_clause_listed_again_is_reactivated(db):
    imported(edition())
    data = edition()
    del data["clauses"][0]
    imported(data)
    plan = imported(edition())
    assert [c.code for c in plan.of(loader.UPDATE)] == ["T-01"]
    assert clause_codes(active=True) == ["T-01", "T-02", "T-03"]


def test_changing_the_text_of_a_cited_clause_is_refused_naming_the_hazards(db):
    imported(edition())
    clause = StandardClause.objects.get(document__code=TEST_CODE, code="T-02")
    hazard = cite(clause)
    data = edition()
    data["clauses"][1]["text"] = "砂轮机防护罩缺失或损坏。"
    with pytest.raises(StandardFileError) as caught:
        imported(data)
    (problem,) = caught.value.problems
    assert str(problem).startswith(
        f"第 2 个条款（T-02）【判定情形】条款 T-02 已被隐患 {hazard.number} 引用，"
        "不能修改其判定情形文字"
    )
    clause.refresh_from_db()
    assert clause.text == "砂轮机没有防护罩。"


def test_a_cited_clause_may_still_change_its_keywords(db):
    imported(edition())
    clause = StandardClause.objects.get(document__code=TEST_CODE, code="T-02")
    cite(clause)
    data = edition()
    data["clauses"][1]["keywords"] = "砂轮"
    data["clauses"][1]["text"] = "  砂轮机没有防护罩。 "  # only whitespace differs: same text
    imported(data)
    clause.refresh_from_db()
    assert clause.keywords == "砂轮" and clause.text == "砂轮机没有防护罩。"


def test_a_cited_clause_missing_from_a_reimport_is_deactivated_and_keeps_its_hazards(db):
    imported(edition())
    clause = StandardClause.objects.get(document__code=TEST_CODE, code="T-03")
    hazard = cite(clause)
    data = edition()
    data["clauses"] = data["clauses"][:2]
    imported(data)
    clause.refresh_from_db()
    assert not clause.is_active
    assert list(clause.hazards.all()) == [hazard]


def test_a_refused_import_writes_nothing_at_all(db):
    imported(edition())
    cite(StandardClause.objects.get(document__code=TEST_CODE, code="T-03"))
    data = edition(title="改了名称")
    data["clauses"][0]["keywords"] = "改了关键词"
    data["clauses"].append({"code": "T-04", "text": "新条款"})
    data["clauses"][2]["text"] = "改了被引用条款的文字"
    with pytest.raises(StandardFileError):
        imported(data)
    document = StandardDocument.objects.get(code=TEST_CODE)
    assert document.title == "测试用判定标准"
    assert clause_codes() == ["T-01", "T-02", "T-03"]
    assert document.clauses.get(code="T-01").keywords == "冲压、双手按钮"


def test_a_successor_that_does_not_exist_is_refused(db):
    with pytest.raises(StandardFileError) as caught:
        imported(edition(superseded_by="GB 99999-2030"))
    assert str(caught.value) == "标准信息【被替代为】标准“GB 99999-2030”不存在，请先导入新版本"


def test_a_new_edition_can_declare_the_one_it_replaces(db):
    data = edition(code="GB 35181-2025", domain="fire", supersedes=["GB 35181-2017"])
    data["document"]["industry_codes"] = ["fire_key_unit"]
    imported(data)
    old = StandardDocument.objects.get(code="GB 35181-2017")
    assert old.superseded_by.code == "GB 35181-2025"
    assert old.is_active, "the old edition stays active until someone deactivates it"


def test_replacing_an_unknown_edition_is_refused(db):
    with pytest.raises(StandardFileError) as caught:
        imported(edition(supersedes=["不存在的标准"]))
    assert str(caught.value) == "标准信息【替代的旧版本】标准“不存在的标准”不存在"


def test_an_exported_sheet_imports_back_unchanged(db):
    from io import BytesIO

    from anjian.core.excel import write_ledger

    document = StandardDocument.objects.get(code="应急管理部令第10号")
    buffer = BytesIO()
    write_ledger(
        buffer,
        title="判定条款",
        columns=loader.EXPORT_COLUMNS,
        objects=loader.export_rows(document),
        about=[],
    )
    buffer.seek(0)
    plan = plan_import(parse_xlsx(buffer))
    assert not plan.problems
    assert plan.counts["unchanged"] == 17 and not plan.document_fields


def test_the_json_export_is_the_shipped_format_and_imports_back_unchanged(db):
    document = StandardDocument.objects.get(code="GB 35181-2017")
    payload = parse_json(as_bytes(loader.document_payload(document)))
    plan = plan_import(payload)
    assert plan.counts["unchanged"] == 10 and not plan.document_fields and not plan.problems
