"""The standards pages: browse (everyone with hazard.view), edit and import (hazard.standards),
export, and the hazard form's clause picker (scoped by enterprise)."""

import json
import re
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from anjian.hazards.models import StandardClause, StandardDocument
from anjian.hazards.tests.library_support import (
    TEST_CODE,
    as_bytes,
    cite,
    edition,
    sheet_rows,
    xlsx,
)

LIST = reverse("standards:document_list")
IMPORT = reverse("standards:document_import")
PICKER = reverse("standards:clause_picker")


@pytest.fixture
def trade(db):
    return StandardDocument.objects.get(code="应急管理部令第10号")


@pytest.fixture
def dust(trade):
    return trade.clauses.get(code="DUST-03")


def upload(data: bytes, name: str = "标准.json") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def picked(response) -> list[int]:
    assert response.status_code == 200, response.content.decode()[:500]
    return [int(v) for v in re.findall(r'name="clauses" value="(\d+)"', response.content.decode())]


def suggested(response) -> list[int]:
    return [int(v) for v in re.findall(r'data-suggested="(\d+)"', response.content.decode())]


# --- browsing -------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["enterprise_manager", "leader", "inspector", "admin"])
def test_users_with_hazard_view_see_the_list_with_counts(actor, client_for, request):
    response = client_for(request.getfixturevalue(actor)).get(LIST)
    html = response.content.decode()
    assert response.status_code == 200
    assert "工贸企业重大事故隐患判定标准" in html and "17 / 17" in html
    assert "重大火灾隐患判定方法" in html


def test_the_list_shows_a_successor_and_a_deactivated_edition(client_for, leader, admin, trade):
    from anjian.hazards.library import services

    fire = StandardDocument.objects.get(code="GB 35181-2017")
    services.document_update(by=admin, document=fire, data={"superseded_by": trade})
    services.document_deactivate(by=admin, document=trade)
    html = client_for(leader).get(LIST).content.decode()
    assert "已被替代为" in html and "停用" in html


def test_an_expert_without_hazard_view_is_refused(client_for, expert):
    assert client_for(expert).get(LIST).status_code == 403


def test_the_menu_offers_the_library_to_hazard_viewers(client_for, leader, expert):
    menu_link = f'href="{LIST}"'
    assert menu_link in client_for(leader).get(reverse("web:home")).content.decode()
    assert menu_link not in client_for(expert).get(reverse("web:home")).content.decode()


def test_a_standard_page_shows_its_clauses_grouped_with_their_citations(
    client_for, leader, trade, dust
):
    cite(dust)
    response = client_for(leader).get(reverse("standards:document_detail", args=[trade.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    for group in ("通用", "粉尘涉爆", "涉氨制冷", "有限空间"):
        assert f'<h3 class="card-title">{group}</h3>' in html
    assert "已被 1 条隐患引用" in html
    assert "置信度 M" in html
    assert reverse("standards:clause_edit", args=[dust.pk]) not in html, "read-only for leaders"


def test_an_administrator_sees_the_edit_buttons(client_for, admin, trade, dust):
    html = client_for(admin).get(reverse("standards:document_detail", args=[trade.pk])).content
    assert reverse("standards:clause_edit", args=[dust.pk]) in html.decode()


def test_an_unknown_standard_is_404(client_for, leader):
    assert (
        client_for(leader).get(reverse("standards:document_detail", args=[999999])).status_code
        == 404
    )


# --- editing --------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["enterprise_manager", "leader", "district_official"])
def test_users_without_hazard_standards_cannot_edit(actor, client_for, request, dust, trade):
    client = client_for(request.getfixturevalue(actor))
    assert client.get(reverse("standards:clause_edit", args=[dust.pk])).status_code == 403
    response = client.post(reverse("standards:clause_deactivate", args=[dust.pk]))
    assert response.status_code == 403
    assert client.get(reverse("standards:document_edit", args=[trade.pk])).status_code == 403
    assert client.get(IMPORT).status_code == 403
    dust.refresh_from_db()
    assert dust.is_active


def clause_form(clause, **changes) -> dict:
    data = {
        "article": clause.article,
        "group": clause.group,
        "text": clause.text,
        "keywords": clause.keywords,
        "sort_order": clause.sort_order,
    }
    data.update(changes)
    return data


def test_an_administrator_edits_a_clause(client_for, admin, dust):
    response = client_for(admin).post(
        reverse("standards:clause_edit", args=[dust.pk]),
        clause_form(dust, keywords="除尘器、泄爆", industry_codes=["machinery"]),
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#clause-{dust.pk}")
    dust.refresh_from_db()
    assert dust.keywords == "除尘器、泄爆" and dust.industry_codes == ["machinery"]


def test_the_edit_form_locks_the_text_of_a_cited_clause_and_names_the_hazards(
    client_for, admin, dust
):
    hazard = cite(dust)
    client = client_for(admin)
    page = client.get(reverse("standards:clause_edit", args=[dust.pk])).content.decode()
    assert hazard.number in page and "判定情形文字不能修改" in page
    response = client.post(
        reverse("standards:clause_edit", args=[dust.pk]), clause_form(dust, text="改写的文字")
    )
    assert response.status_code == 302  # the disabled field keeps the stored text
    dust.refresh_from_db()
    assert dust.text != "改写的文字"


def test_a_bad_clause_form_answers_422_with_chinese_errors(client_for, admin, dust):
    response = client_for(admin).post(
        reverse("standards:clause_edit", args=[dust.pk]),
        clause_form(dust, text="", sort_order="-1"),
    )
    assert response.status_code == 422
    assert "这个字段是必填项" in response.content.decode()


def test_an_administrator_adds_a_clause_and_a_used_code_is_refused(client_for, admin, trade):
    client = client_for(admin)
    url = reverse("standards:clause_create", args=[trade.pk])
    data = {"code": "GM-04", "text": "新增的通用条款", "group": "通用", "sort_order": "35"}
    assert client.post(url, data).status_code == 302
    assert trade.clauses.get(code="GM-04").text == "新增的通用条款"
    response = client.post(url, {**data, "code": "GM-01"})
    assert response.status_code == 422
    assert "本标准已有条款编号“GM-01”" in response.content.decode()


def test_deactivating_and_activating_a_clause_by_post(client_for, admin, dust):
    client = client_for(admin)
    assert client.get(reverse("standards:clause_deactivate", args=[dust.pk])).status_code == 405
    assert client.post(reverse("standards:clause_deactivate", args=[dust.pk])).status_code == 302
    dust.refresh_from_db()
    assert not dust.is_active
    assert client.post(reverse("standards:clause_activate", args=[dust.pk])).status_code == 302
    dust.refresh_from_db()
    assert dust.is_active


def test_an_administrator_edits_a_document_and_bad_dates_are_refused(client_for, admin, trade):
    client = client_for(admin)
    url = reverse("standards:document_edit", args=[trade.pk])
    data = {
        "title": trade.title,
        "edition": trade.edition,
        "domain": trade.domain,
        "issued_on": "2023-04-14",
        "effective_from": "2023-01-01",
        "industry_codes": trade.industry_codes,
        "note": trade.note,
        "is_active": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 422
    assert "实施日期不能早于发布日期" in response.content.decode()
    assert (
        client.post(url, {**data, "effective_from": "2023-05-15", "note": "新说明"}).status_code
        == 302
    )
    trade.refresh_from_db()
    assert trade.note == "新说明"


# --- import ---------------------------------------------------------------------------------


def test_a_dry_run_upload_previews_and_the_confirm_step_imports(client_for, admin):
    client = client_for(admin)
    response = client.post(IMPORT, {"file": upload(as_bytes(edition())), "dry_run": "on"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "预览（尚未写入）" in html and html.count('data-change="create"') == 3
    assert not StandardDocument.objects.filter(code=TEST_CODE).exists()
    payload = re.search(r'<textarea name="payload" hidden>(.*?)</textarea>', html, re.S).group(1)
    import html as html_module

    response = client.post(IMPORT, {"payload": html_module.unescape(payload)})
    document = StandardDocument.objects.get(code=TEST_CODE)
    assert response.status_code == 302
    assert response["Location"] == reverse("standards:document_detail", args=[document.pk])
    assert document.clauses.count() == 3


def test_an_upload_without_dry_run_imports_at_once(client_for, admin):
    response = client_for(admin).post(IMPORT, {"file": upload(as_bytes(edition()))})
    assert response.status_code == 302
    assert StandardDocument.objects.filter(code=TEST_CODE).exists()


def test_an_excel_upload_is_previewed_too(client_for, admin):
    data = xlsx(sheet_rows()).getvalue()
    response = client_for(admin).post(IMPORT, {"file": upload(data, "标准.xlsx"), "dry_run": "on"})
    assert response.status_code == 200
    assert response.content.decode().count('data-change="create"') == 3


def test_a_bad_file_shows_every_problem_row_by_row_and_imports_nothing(client_for, admin):
    rows = sheet_rows()
    rows[1]["判定情形"] = ""
    rows[2]["条款适用行业"] = "采矿"
    data = xlsx(rows).getvalue()
    response = client_for(admin).post(IMPORT, {"file": upload(data, "标准.xlsx")})
    html = response.content.decode()
    assert response.status_code == 422
    assert "有 2 处错误，未导入任何内容" in html
    assert "第 3 行【判定情形】必填" in html
    assert "第 4 行【条款适用行业】“采矿”不是已登记的监管行业" in html
    assert not StandardDocument.objects.filter(code=TEST_CODE).exists()


def test_a_refused_plan_is_shown_without_a_confirm_button(client_for, admin, dust):
    hazard = cite(dust)
    document = StandardDocument.objects.get(code="应急管理部令第10号")
    from anjian.hazards.library.loader import document_payload

    data = document_payload(document)
    next(c for c in data["clauses"] if c["code"] == "DUST-03")["text"] = "改写"
    response = client_for(admin).post(IMPORT, {"file": upload(as_bytes(data)), "dry_run": "on"})
    html = response.content.decode()
    assert response.status_code == 422
    assert hazard.number in html and 'id="confirm-import"' not in html


def test_a_tampered_confirm_payload_is_validated_again(client_for, admin):
    response = client_for(admin).post(IMPORT, {"payload": json.dumps({"document": {}})})
    assert response.status_code == 422
    assert "标准信息【标准代号】必填" in response.content.decode()
    response = client_for(admin).post(IMPORT, {"payload": "{not json"})
    assert "预览数据已损坏，请重新上传" in response.content.decode()


def test_the_upload_form_refuses_other_files(client_for, admin):
    client = client_for(admin)
    response = client.post(IMPORT, {"file": upload(b"a,b", "标准.csv")})
    assert response.status_code == 422
    assert "请上传 .json 或 .xlsx 文件" in response.content.decode()
    response = client.post(IMPORT, {"file": upload(b"not excel", "标准.xlsx")})
    assert "文件内容不是有效的 .xlsx 表格" in response.content.decode()


def test_the_import_template_downloads(client_for, admin):
    response = client_for(admin).get(reverse("standards:import_template"))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]][:2] == ["标准代号", "标准名称"]


# --- export ---------------------------------------------------------------------------------


def test_a_leader_exports_a_standard_to_excel_with_citation_counts(client_for, leader, trade, dust):
    cite(dust)
    response = client_for(leader).get(reverse("standards:document_export", args=[trade.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 18
    header = rows[0]
    by_code = {row[header.index("条款编号")]: row for row in rows[1:]}
    assert by_code["DUST-03"][header.index("引用隐患数")] == 1
    assert by_code["GM-01"][header.index("适用领域")] == "工贸企业"


def test_a_standard_exports_to_the_shipped_json_format(client_for, leader, trade):
    url = reverse("standards:document_export", args=[trade.pk]) + "?format=json"
    data = json.loads(client_for(leader).get(url).content)
    assert data["format"] == "anjian-standard/1"
    assert data["document"]["code"] == "应急管理部令第10号"
    assert len(data["clauses"]) == 17


# --- the clause picker ------------------------------------------------------------------------


def test_the_picker_lists_the_enterprise_s_clauses_as_checkboxes(
    client_for, district_official, enterprises
):
    enterprise = enterprises["yinhang_chemical"]
    response = client_for(district_official).get(PICKER, {"enterprise": enterprise.pk})
    ids = picked(response)
    assert len(ids) == 30
    assert set(
        StandardClause.objects.filter(pk__in=ids).values_list("document__code", flat=True)
    ) == {
        "安监总管三〔2017〕121号",
        "GB 35181-2017",
    }


def test_the_picker_puts_suggestions_first_marked_as_such(client_for, admin, enterprises):
    from anjian.enterprises.models import Enterprise

    factory = enterprises["pingliang_factory"]
    Enterprise.objects.filter(pk=factory.pk).update(dust_explosion=True)
    dust = StandardClause.objects.get(code="DUST-03")
    response = client_for(admin).get(PICKER, {"enterprise": factory.pk, "q": "除尘器没有泄爆片"})
    ids = picked(response)
    assert ids[0] == dust.pk and ids.count(dust.pk) == 1
    assert suggested(response)[0] == dust.pk
    assert "建议" in response.content.decode()


def test_the_picker_reads_the_hazard_form_s_description_field(client_for, admin, enterprises):
    site = enterprises["yinhang_site"]
    response = client_for(admin).get(
        PICKER, {"enterprise": site.pk, "description": "塔吊限位器失灵"}
    )
    assert suggested(response)[0] == StandardClause.objects.get(code="JZ-8-5").pk


def test_the_picker_keeps_ticked_clauses_ticked_even_when_they_no_longer_apply(
    client_for, admin, enterprises, dust
):
    from anjian.hazards.library import services

    chemical = enterprises["yinhang_chemical"]
    hg05 = StandardClause.objects.get(code="HG-05")
    services.clause_deactivate(by=admin, clause=hg05)
    response = client_for(admin).get(
        PICKER, {"enterprise": chemical.pk, "clauses": [hg05.pk, dust.pk]}
    )
    html = response.content.decode()
    assert f'value="{hg05.pk}" checked' in html and f'value="{dust.pk}" checked' in html
    assert "已选，当前不适用本单位或已停用" in html


def test_an_enterprise_outside_the_user_s_scope_is_404(client_for, street_officer, enterprises):
    client = client_for(street_officer)
    assert (
        client.get(PICKER, {"enterprise": enterprises["pingliang_factory"].pk}).status_code == 404
    )
    assert client.get(PICKER, {"enterprise": "abc"}).status_code == 404
    assert client.get(PICKER, {"enterprise": enterprises["yinhang_site"].pk}).status_code == 200


def test_an_enterprise_user_gets_their_own_enterprise_by_default(
    client_for, enterprise_manager, enterprises
):
    client = client_for(enterprise_manager)
    assert len(picked(client.get(PICKER))) == 30
    other = enterprises["yinhang_site"]
    assert client.get(PICKER, {"enterprise": other.pk}).status_code == 404


def test_without_an_enterprise_the_picker_asks_for_one(client_for, district_official):
    response = client_for(district_official).get(PICKER)
    assert picked(response) == []
    assert "请先选择单位" in response.content.decode()


def test_the_picker_needs_hazard_view_or_hazard_report(client_for, expert, inspector, enterprises):
    assert client_for(expert).get(PICKER).status_code == 403
    response = client_for(inspector).get(PICKER, {"enterprise": enterprises["yinhang_site"].pk})
    assert len(picked(response)) == 17


def test_a_new_clause_without_an_order_goes_last(client_for, admin, trade):
    url = reverse("standards:clause_create", args=[trade.pk])
    assert client_for(admin).post(url, {"code": "CS-03", "text": "新条款"}).status_code == 302
    orders = list(trade.clauses.order_by("sort_order").values_list("code", flat=True))
    assert orders[-1] == "CS-03"


def test_previewing_an_unchanged_file_offers_nothing_to_confirm(client_for, admin, trade):
    from anjian.hazards.library.loader import document_payload

    data = as_bytes(document_payload(trade))
    response = client_for(admin).post(IMPORT, {"file": upload(data), "dry_run": "on"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "无需导入" in html and 'id="confirm-import"' not in html
