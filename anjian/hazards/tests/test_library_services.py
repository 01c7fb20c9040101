"""Writes to the library: validated, audited, never deleting, cited clauses keep their text."""

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from anjian.hazards.library import services
from anjian.hazards.models import StandardClause, StandardDocument
from anjian.hazards.tests.library_support import cite


@pytest.fixture
def document(db):
    return StandardDocument.objects.get(code="应急管理部令第10号")


@pytest.fixture
def clause(document):
    return document.clauses.get(code="DUST-03")


def messages(error: ValidationError) -> dict:
    return error.value.message_dict


def test_a_clause_is_created_under_its_document_and_audited_with_the_actor(document, admin):
    with set_actor(admin):
        clause = services.clause_create(
            by=admin,
            document=document,
            data={"code": "X-01", "text": "测试条款", "group": "通用", "industry_codes": []},
        )
    assert clause.document == document and clause.is_active
    entry = LogEntry.objects.get_for_object(clause).get()
    assert entry.action == LogEntry.Action.CREATE and entry.actor == admin


def test_a_clause_code_used_before_in_the_document_is_refused(document, admin):
    with pytest.raises(ValidationError) as error:
        services.clause_create(by=admin, document=document, data={"code": "GM-01", "text": "x"})
    assert messages(error) == {"code": ["本标准已有条款编号“GM-01”（含已停用的），请换一个编号"]}


def test_an_unknown_industry_is_refused_by_the_service_too(clause, admin):
    with pytest.raises(ValidationError) as error:
        services.clause_update(by=admin, clause=clause, data={"industry_codes": ["mining"]})
    assert messages(error)["industry_codes"][0].startswith("“mining”不是已登记的监管行业")


def test_a_clause_code_cannot_change(clause, admin):
    with pytest.raises(ValidationError) as error:
        services.clause_update(by=admin, clause=clause, data={"code": "DUST-99"})
    assert messages(error) == {"code": ["条款编号不能修改（导入时按编号对应条款）"]}


def test_an_uncited_clause_text_can_be_edited_and_the_change_is_audited(clause, admin):
    with set_actor(admin):
        services.clause_update(by=admin, clause=clause, data={"text": "新的判定情形文字"})
    clause.refresh_from_db()
    assert clause.text == "新的判定情形文字"
    entry = LogEntry.objects.get_for_object(clause).latest("timestamp")
    assert entry.action == LogEntry.Action.UPDATE
    assert "text" in entry.changes_dict


def test_the_text_of_a_cited_clause_cannot_change_and_the_hazards_are_named(clause, admin):
    first, second = cite(clause), cite(clause)
    with pytest.raises(ValidationError) as error:
        services.clause_update(by=admin, clause=clause, data={"text": "改写"})
    (message,) = messages(error)["text"]
    assert message.startswith(f"条款 DUST-03 已被隐患 {first.number}、{second.number} 引用")
    assert "请停用该条款并以新编号新增" in message


def test_a_long_list_of_citing_hazards_is_shortened(clause, admin):
    for _n in range(7):
        cite(clause)
    with pytest.raises(ValidationError) as error:
        services.clause_update(by=admin, clause=clause, data={"text": "改写"})
    assert "等 7 条" in messages(error)["text"][0]


def test_a_cited_clause_can_still_be_deactivated_and_keeps_its_hazards(clause, admin):
    hazard = cite(clause)
    services.clause_deactivate(by=admin, clause=clause)
    clause.refresh_from_db()
    assert not clause.is_active
    assert list(clause.hazards.all()) == [hazard]
    assert StandardClause.objects.filter(pk=clause.pk).exists()


def test_deactivating_twice_writes_once(clause, admin):
    with set_actor(admin):
        services.clause_deactivate(by=admin, clause=clause)
        clause.refresh_from_db()
        services.clause_deactivate(by=admin, clause=clause)
    updates = LogEntry.objects.get_for_object(clause).filter(action=LogEntry.Action.UPDATE)
    assert updates.count() == 1


def test_a_deactivated_clause_can_be_activated_again(clause, admin):
    services.clause_deactivate(by=admin, clause=clause)
    clause.refresh_from_db()
    services.clause_activate(by=admin, clause=clause)
    clause.refresh_from_db()
    assert clause.is_active


def test_a_document_code_cannot_change(document, admin):
    with pytest.raises(ValidationError) as error:
        services.document_update(by=admin, document=document, data={"code": "新代号"})
    assert messages(error) == {"code": ["标准代号是版本的标识，不能修改；新版本请另行导入"]}


def test_supersession_cannot_loop(document, admin):
    other = StandardDocument.objects.get(code="GB 35181-2017")
    services.document_update(by=admin, document=other, data={"superseded_by": document})
    with pytest.raises(ValidationError) as error:
        services.document_update(by=admin, document=document, data={"superseded_by": other})
    assert messages(error) == {
        "superseded_by": ["被替代关系不能循环（不能被自己或自己的旧版本替代）"]
    }


def test_an_effective_date_before_the_issue_date_is_refused(document, admin):
    import datetime

    with pytest.raises(ValidationError) as error:
        services.document_update(
            by=admin, document=document, data={"effective_from": datetime.date(2020, 1, 1)}
        )
    assert messages(error) == {"effective_from": ["实施日期不能早于发布日期"]}


def test_a_document_can_be_deactivated_and_activated(document, admin):
    services.document_deactivate(by=admin, document=document)
    document.refresh_from_db()
    assert not document.is_active
    services.document_activate(by=admin, document=document)
    document.refresh_from_db()
    assert document.is_active


def test_a_new_document_with_an_existing_code_is_refused(admin, db):
    with pytest.raises(ValidationError) as error:
        services.document_create(
            by=admin,
            data={
                "code": "GB 35181-2017",
                "title": "x",
                "edition": "x",
                "domain": "fire",
                "industry_codes": [],
            },
        )
    assert messages(error) == {"code": ["标准代号“GB 35181-2017”已存在"]}
