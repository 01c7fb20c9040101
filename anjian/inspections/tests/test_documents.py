"""执法文书: each kind issued from its template and read back with python-docx — the number,
the unit, the findings and deadlines, the fine and the rights sentences are in it; numbers
run per department and kind without gaps; a department's own template replaces the
default; text is escaped; the record names the file's hash; the download is scoped.

The inspections and cases are made directly with the ORM (the on-site and case services
are not needed to issue a document)."""

import hashlib
import importlib.util
import io
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from docx import Document
from PIL import Image

from anjian.core.exceptions import Conflict, NotPermitted, OutOfScope, ValidationError
from anjian.core.tests.test_env import refused
from anjian.enterprises.models import Enterprise
from anjian.inspections import chain, documents
from anjian.inspections.case_models import Case, Circumstance, DiscretionRule
from anjian.inspections.models import (
    ChecklistEntry,
    ChecklistTemplate,
    EnforcementDocument,
    Inspection,
    InspectionMark,
    Inspector,
    RecordEntry,
)
from anjian.inspections.record_models import InspectionKind, InspectionState, MarkResult
from anjian.inspections.tests.factories import department, pool
from testsupport import world

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year
DEADLINE = timezone.localdate() + timedelta(days=30)
HOUSING = "杨浦区建设和管理委员会"
ENTRIES = (
    ("危险化学品仓库通风良好", "《危险化学品安全管理条例》第二十四条", "仓库通风设施损坏"),
    ("安全出口畅通", "《中华人民共和国消防法》第二十八条", "安全出口被货物堵塞"),
    ("特种作业人员持证上岗", "《中华人民共和国安全生产法》第三十条", "电工未持证上岗"),
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DOCUMENT_TEMPLATES_DIR = ""


# --- the records a document is made from -------------------------------------------------------


def make_inspection(
    by, *, enterprise=None, dept=None, inspectors=None, results=None, **fields
) -> Inspection:
    """A finished inspection of ``enterprise`` (default 上海殷行化工) by two officials of
    ``dept`` (default 杨浦区应急管理局) against a three-item checklist; ``results`` are the
    marks (default: two failed with a deadline, one passed)."""
    dept = dept or department()
    if inspectors is None:
        inspectors = list(Inspector.objects.filter(department=dept)[:2])
        if len(inspectors) < 2:
            inspectors = pool(by, dept, size=2, prefix=f"doc{dept.pk}_")
    template, created = ChecklistTemplate.objects.get_or_create(
        key="document-test", defaults={"name": "文书测试检查表"}
    )
    if created:
        for n, (text, basis, finding) in enumerate(ENTRIES, start=1):
            ChecklistEntry.objects.create(
                template=template, position=n, text=text, basis=basis, finding=finding
            )
    started = timezone.now() - timedelta(hours=2)
    values = {
        "department": dept,
        "enterprise": enterprise or world.enterprise("yinhang_chemical"),
        "kind": InspectionKind.RANDOM,
        "checklist": template,
        "started_at": started,
        "finished_at": started + timedelta(hours=1, minutes=30),
        "place": "甲类仓库及装卸区",
        "summary": "检查了仓库、装卸区和配电房。",
        "enterprise_signer": "李四",
        "created_by": by,
        "state": InspectionState.DONE,
    }
    values.update(fields)
    inspection = Inspection.objects.create(**values)
    inspection.inspectors.set(inspectors)
    results = results or [
        (MarkResult.FAIL, "东侧排风机不转", "甲类仓库", DEADLINE),
        (MarkResult.FAIL, "", "二号门", DEADLINE),
        (MarkResult.PASS, "", "", None),
    ]
    for entry, (result, note, place, deadline) in zip(
        template.entries.order_by("position"), results, strict=False
    ):
        InspectionMark.objects.create(
            inspection=inspection,
            entry=entry,
            result=result,
            note=note,
            place=place,
            deadline=deadline,
            marked_by=by,
        )
    return inspection


def make_case(by, inspection: Inspection, *, fine=50_000, **fields) -> Case:
    rule, _created = DiscretionRule.objects.get_or_create(
        code="DOC-TEST",
        circumstance=Circumstance.ORDINARY,
        defaults={
            "violation": "特种作业人员未按照规定取得特种作业操作资格证书上岗作业",
            "violated_basis": "《中华人民共和国安全生产法》第三十条第一款",
            "penalty_basis": "《中华人民共和国安全生产法》第九十七条第（七）项",
            "circumstance_note": "一人未持证",
            "fine_min": 30_000,
            "fine_max": 60_000,
        },
    )
    values = {
        "number": "杨应急立〔2026〕1号",
        "department": inspection.department,
        "enterprise": inspection.enterprise,
        "inspection": inspection,
        "title": "特种作业人员未持证上岗案",
        "facts": "2026年12月1日检查发现，你单位电工王某未取得特种作业操作证即上岗作业。",
        "rule": rule,
        "fine": fine,
        "filed_on": timezone.localdate(),
        "decide_by": timezone.localdate() + timedelta(days=30),
        "created_by": by,
    }
    values.update(fields)
    case = Case.objects.create(**values)
    case.handlers.set(inspection.inspectors.all())
    return case


def text_of(document: EnforcementDocument) -> str:
    """Every paragraph and table cell of the stored .docx."""
    with document.file.open("rb") as handle:
        docx = Document(io.BytesIO(handle.read()))
    parts = [p.text for p in docx.paragraphs]
    for table in docx.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def missing(text: str, *phrases: str) -> list[str]:
    """What ``text`` lacks of ``phrases`` (each argument: phrases separated by spaces)."""
    return [phrase for words in phrases for phrase in words.split() if phrase not in text]


def stored_bytes(document: EnforcementDocument) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 40), "white").save(out, "PNG")
    return out.getvalue()


# --- each kind -----------------------------------------------------------------------------------


def test_the_inspection_record_names_the_unit_the_checklist_and_becomes_the_inspections_number(
    admin,
):
    inspection = make_inspection(admin)
    document = documents.issue(by=admin, kind="inspection_record", inspection=inspection)

    text = text_of(document)
    assert document.number.startswith(f"（杨浦）应急检〔{YEAR}〕")
    assert not missing(
        text,
        f"{document.number} 杨浦区应急管理局 现场检查记录 上海殷行化工有限公司 李四",
        f"{world.credit_code(1)} 甲类仓库及装卸区 危险化学品仓库通风良好 不符合 部位：甲类仓库",
        f"《中华人民共和国消防法》第二十八条 责令{documents.day(DEADLINE)}前整改",
        "本次检查发现问题2项 检查人员已出示行政执法证件",
        " ".join(inspection.inspectors.values_list("certificate_number", flat=True)),
        documents.day(timezone.localdate()),
    )
    assert "{{" not in text and "{%" not in text
    inspection.refresh_from_db()
    assert inspection.number == document.number
    assert document.file.name.endswith(f"inspection_record-{YEAR}-{document.serial}.docx")


def test_signatures_go_into_the_record_as_pictures(admin):
    inspection = make_inspection(admin)
    inspection.enterprise_signature.save("unit.png", ContentFile(png()), save=False)
    inspection.inspector_signature.save("officials.png", ContentFile(png()), save=True)

    signed = documents.issue(by=admin, kind="inspection_record", inspection=inspection)
    unsigned = documents.issue(
        by=admin, kind="inspection_record", inspection=make_inspection(admin)
    )

    assert len(Document(io.BytesIO(stored_bytes(signed))).inline_shapes) == 2
    assert len(Document(io.BytesIO(stored_bytes(unsigned))).inline_shapes) == 0


def test_the_rectification_order_lists_findings_with_deadlines_and_the_time_limits(admin):
    document = documents.issue(
        by=admin, kind="rectification_order", inspection=make_inspection(admin)
    )

    text = text_of(document)
    assert f"应急改〔{YEAR}〕" in document.number
    assert not missing(
        text,
        f"{document.number} 责令限期整改指令书 上海殷行化工有限公司： 甲类仓库 二号门",
        "仓库通风设施损坏：东侧排风机不转 安全出口被货物堵塞 《危险化学品安全管理条例》第二十四条",
        f"{documents.day(DEADLINE)}前 即{documents.day(DEADLINE - timedelta(days=10))}前",
        "整改期限届满前10日 5日内书面答复 10日内进行复查",
        "60日内依法向杨浦区人民政府申请行政复议 6个月内依法向人民法院提起行政诉讼",
    )
    assert "电工未持证上岗" not in text  # that item passed


def test_an_order_needs_findings_each_with_a_deadline(admin):
    clean = make_inspection(admin, results=[(MarkResult.PASS, "", "", None)] * 3)
    with pytest.raises(ValidationError) as nothing_found:
        documents.issue(by=admin, kind="rectification_order", inspection=clean)
    assert "没有发现问题" in str(nothing_found.value.message_dict["kind"])

    undated = make_inspection(
        admin, results=[(MarkResult.FAIL, "", "", DEADLINE), (MarkResult.FAIL, "", "", None)]
    )
    with pytest.raises(ValidationError) as no_deadline:
        documents.issue(by=admin, kind="rectification_order", inspection=undated)
    assert no_deadline.value.message_dict == {"deadline": ["第 2 项问题未填写整改期限"]}
    assert not EnforcementDocument.objects.filter(inspection__in=[clean, undated]).exists()


def test_the_reinspection_opinion_cites_the_order_and_states_each_result(admin):
    first = make_inspection(admin)
    order = documents.issue(by=admin, kind="rectification_order", inspection=first)
    revisit = make_inspection(admin, kind=InspectionKind.REINSPECTION, results=[])
    results = [
        {"finding": "仓库通风设施损坏", "place": "甲类仓库", "rectified": True, "note": "已更换"},
        {"finding": "安全出口被货物堵塞", "place": "二号门", "rectified": False, "note": ""},
    ]

    document = documents.issue(
        by=admin,
        kind="reinspection_opinion",
        inspection=revisit,
        extra={"order": order, "results": results, "opinion": ""},
    )

    text = text_of(document)
    assert f"应急复〔{YEAR}〕" in document.number
    assert not missing(
        text,
        f"{order.number}《责令限期整改指令书》 {documents.day(order.issued_at)}",
        "已更换 已整改 未整改 尚有1项问题未整改完毕 60日内",
    )
    # Without an inspection, the order's own inspection is the one re-inspected.
    again = documents.issue(
        by=admin,
        kind="reinspection_opinion",
        extra={"order": order, "results": results[:1], "opinion": "整改合格。"},
    )
    assert again.inspection_id == first.pk
    assert "整改合格。" in text_of(again)


def test_a_reinspection_needs_an_order_to_the_same_unit_and_its_results(admin):
    order = documents.issue(by=admin, kind="rectification_order", inspection=make_inspection(admin))
    elsewhere = make_inspection(admin, enterprise=world.enterprise("pingliang_factory"))
    results = [{"finding": "仓库通风设施损坏", "rectified": True}]
    for extra, field in (
        ({"order": order, "results": results}, "order"),
        ({"results": results}, "order"),
    ):
        with pytest.raises(ValidationError) as refused_:
            documents.issue(
                by=admin, kind="reinspection_opinion", inspection=elsewhere, extra=extra
            )
        assert field in refused_.value.message_dict
    with pytest.raises(ValidationError) as no_results:
        documents.issue(
            by=admin,
            kind="reinspection_opinion",
            inspection=order.inspection,
            extra={"order": order, "results": []},
        )
    assert no_results.value.message_dict == {"results": ["请逐项填写复查结果"]}


def test_the_case_filing_form_states_the_case_and_its_time_limit(admin):
    case = make_case(admin, make_inspection(admin))
    document = documents.issue(by=admin, kind="case_filing", case=case)

    text = text_of(document)
    assert document.number == f"（杨浦）应急立〔{YEAR}〕{document.serial}号"
    for expected in (
        "立案审批表",
        "特种作业人员未持证上岗案",
        "电工王某未取得特种作业操作证",
        "《中华人民共和国安全生产法》第三十条第一款",
        f"应于{documents.day(case.decide_by)}前作出处理决定",
        *case.handlers.values_list("certificate_number", flat=True),
    ):
        assert expected in text, expected
    assert RecordEntry.objects.filter(chain=f"case:{case.pk}", action="document").exists()


def test_the_penalty_notice_gives_the_rights_with_their_time_limits(admin):
    case = make_case(admin, make_inspection(admin), fine=50_000)
    text = text_of(documents.issue(by=admin, kind="penalty_notice", case=case))

    assert not missing(
        text,
        "行政处罚告知书 罚款人民币伍万元整（¥50,000） 收到本告知书之日起3日内 陈述、申辩",
        "《中华人民共和国安全生产法》第九十七条第（七）项 5个工作日内向本部门提出听证要求",
    )


@pytest.mark.parametrize(
    ("fine", "measures", "hearing"),
    [
        (49_999, "", False),
        (50_000, "", True),
        (10_000, "责令停产停业整顿一个月", True),
        (None, "警告", False),
    ],
)
def test_a_hearing_is_offered_for_a_larger_fine_or_a_heavy_measure(admin, fine, measures, hearing):
    case = make_case(admin, make_inspection(admin), fine=fine, other_measures=measures)
    text = text_of(documents.issue(by=admin, kind="penalty_notice", case=case))
    assert ("听证" in text) is hearing
    assert "3日内" in text


def test_the_penalty_decision_states_the_fine_payment_late_fee_and_appeal(admin):
    decided = timezone.localdate() - timedelta(days=1)
    case = make_case(admin, make_inspection(admin), fine=52_500, decided_on=decided)
    document = documents.issue(by=admin, kind="penalty_decision", case=case)

    text = text_of(document)
    assert f"应急罚〔{YEAR}〕" in document.number
    assert not missing(
        text,
        "行政处罚决定书 当事人：上海殷行化工有限公司 罚款人民币伍万贰仟伍佰元整（¥52,500）",
        "情节一般 15日内缴至指定银行 每日按罚款数额的3%加处罚款，加处罚款的数额不超出罚款的数额",
        "60日内依法向杨浦区人民政府申请行政复议 6个月内依法向人民法院提起行政诉讼",
        documents.day(decided),
    )


def test_penalty_documents_need_a_rule_and_a_penalty(admin):
    inspection = make_inspection(admin)
    with pytest.raises(ValidationError) as no_rule:
        documents.issue(
            by=admin, kind="penalty_decision", case=make_case(admin, inspection, rule=None)
        )
    assert "rule" in no_rule.value.message_dict
    with pytest.raises(ValidationError) as no_penalty:
        documents.issue(
            by=admin, kind="penalty_notice", case=make_case(admin, inspection, fine=None)
        )
    assert no_penalty.value.message_dict == {"fine": ["请填写罚款金额或其他处罚"]}


def test_the_transfer_names_the_receiving_authority_and_the_reason(admin):
    case = make_case(admin, make_inspection(admin), transferred_to="上海市公安局杨浦分局")
    document = documents.issue(
        by=admin, kind="case_transfer", case=case, extra={"reason": "涉嫌重大责任事故罪"}
    )

    text = text_of(document)
    assert document.number == f"（杨浦）应急移〔{YEAR}〕{document.serial}号"
    assert not missing(text, "涉嫌犯罪案件移送书 上海市公安局杨浦分局： 涉嫌重大责任事故罪 3日内")

    with pytest.raises(ValidationError) as nowhere:
        documents.issue(by=admin, kind="case_transfer", case=make_case(admin, case.inspection))
    assert nowhere.value.message_dict == {"transferred_to": ["请填写移送机关"]}


@pytest.mark.parametrize(
    ("kind", "owner"),
    [
        ("penalty_decision", "inspection"),
        ("case_transfer", None),
        ("inspection_record", "case"),
        ("rectification_order", None),
        ("warrant", "inspection"),
    ],
)
def test_an_unknown_kind_or_one_without_what_it_belongs_to_is_refused_on_kind(admin, kind, owner):
    inspection = make_inspection(admin)
    given = {"inspection": inspection, "case": make_case(admin, inspection)}
    with pytest.raises(ValidationError) as refused_:
        documents.issue(by=admin, kind=kind, **({owner: given[owner]} if owner else {}))
    assert list(refused_.value.message_dict) == ["kind"]


# --- numbers, templates, escaping, the record ------------------------------------------------


def test_numbers_run_on_per_department_and_kind_without_gaps(admin):
    inspection = make_inspection(admin)
    records = [
        documents.issue(by=admin, kind="inspection_record", inspection=inspection) for _ in range(3)
    ]
    order = documents.issue(by=admin, kind="rectification_order", inspection=inspection)
    housing = department(HOUSING)
    site = make_inspection(admin, dept=housing, enterprise=world.enterprise("yinhang_site"))
    theirs = documents.issue(by=admin, kind="inspection_record", inspection=site)

    first = records[0].serial
    assert [d.serial for d in records] == [first, first + 1, first + 2]
    assert [d.number for d in records] == [
        f"（杨浦）应急检〔{YEAR}〕{n}号" for n in range(first, first + 3)
    ]
    assert order.serial == 1 and order.number == f"（杨浦）应急改〔{YEAR}〕1号"
    assert theirs.serial == 1 and theirs.number == f"（杨浦）建管委检〔{YEAR}〕1号"


def test_a_document_that_fails_gives_its_number_back(admin, settings, tmp_path):
    inspection = make_inspection(admin)
    before = documents.issue(by=admin, kind="inspection_record", inspection=inspection)
    Document().save(tmp_path / "inspection_record.docx")
    broken = Document(tmp_path / "inspection_record.docx")
    broken.add_paragraph("{{ number ")
    broken.save(tmp_path / "inspection_record.docx")
    settings.DOCUMENT_TEMPLATES_DIR = str(tmp_path)

    with pytest.raises(ValidationError) as bad_template:
        documents.issue(by=admin, kind="inspection_record", inspection=inspection)
    assert "文书模板 inspection_record.docx 有误" in bad_template.value.message_dict["kind"][0]

    settings.DOCUMENT_TEMPLATES_DIR = ""
    after = documents.issue(by=admin, kind="inspection_record", inspection=inspection)
    assert after.serial == before.serial + 1


def test_a_departments_own_template_replaces_the_default_of_the_same_name(
    admin, settings, tmp_path
):
    own = Document()
    own.add_paragraph("杨浦区应急管理局专用格式 {{ number }}")
    own.add_paragraph("单位：{{ enterprise.name }}；检查人员：{{ inspectors_text }}")
    own.save(tmp_path / "inspection_record.docx")
    settings.DOCUMENT_TEMPLATES_DIR = str(tmp_path)
    inspection = make_inspection(admin)

    record = documents.issue(by=admin, kind="inspection_record", inspection=inspection)
    order = documents.issue(by=admin, kind="rectification_order", inspection=inspection)

    people = "、".join(
        f"{i.user.name}（执法证号{i.certificate_number}）"
        for i in inspection.inspectors.order_by("certificate_number")
    )
    assert text_of(record).splitlines()[:2] == [
        f"杨浦区应急管理局专用格式 {record.number}",
        f"单位：上海殷行化工有限公司；检查人员：{people}",
    ]
    assert "责令限期整改指令书" in text_of(order)  # no own template: the default


def test_text_is_escaped_never_read_as_xml(admin):
    odd = "A&B<有限公司>"
    unit = world.enterprise("yinhang_chemical")
    Enterprise.objects.filter(pk=unit.pk).update(name=odd)
    inspection = make_inspection(
        admin, enterprise=unit, summary='发现"</w:t></w:r>"字样\n第二段 & 3 < 5'
    )
    case = make_case(admin, inspection, facts="{{ number }} 不是模板标签 <b>加粗</b>")

    record = text_of(documents.issue(by=admin, kind="inspection_record", inspection=inspection))
    decision = text_of(documents.issue(by=admin, kind="penalty_decision", case=case))

    assert odd in record and odd in decision
    assert '发现"</w:t></w:r>"字样\n第二段 & 3 < 5' in record
    assert "{{ number }} 不是模板标签 <b>加粗</b>" in decision


def test_the_record_names_the_stored_files_hash(admin):
    inspection = make_inspection(admin)
    document = documents.issue(by=admin, kind="rectification_order", inspection=inspection)

    entry = RecordEntry.objects.get(chain=f"inspection:{inspection.pk}", action="document")
    digest = hashlib.sha256(stored_bytes(document)).hexdigest()
    assert document.sha256 == digest
    assert entry.data == {
        "document": document.pk,
        "kind": "rectification_order",
        "number": document.number,
        "sha256": digest,
    }
    assert entry.summary == f"制作责令限期整改指令书 {document.number}"
    assert entry.by == admin
    assert chain.verify(f"inspection:{inspection.pk}") == (1, [])


# --- who may issue and download --------------------------------------------------------------


def test_only_those_who_may_and_only_inside_their_scope_issue(
    admin, neighbour_official, leader, inspector
):
    inspection = make_inspection(admin)
    with pytest.raises(OutOfScope):
        documents.issue(by=neighbour_official, kind="inspection_record", inspection=inspection)
    with pytest.raises(NotPermitted):
        documents.issue(by=leader, kind="inspection_record", inspection=inspection)
    assert documents.issue(by=inspector, kind="inspection_record", inspection=inspection).pk
    voided = make_inspection(admin, state=InspectionState.VOIDED)
    with pytest.raises(Conflict):
        documents.issue(by=inspector, kind="inspection_record", inspection=voided)


def test_a_document_downloads_inside_scope_as_its_named_docx(admin, district_official, client_for):
    document = documents.issue(
        by=admin, kind="penalty_notice", case=make_case(admin, make_inspection(admin))
    )
    response = client_for(district_official).get(document.get_absolute_url())

    assert response.status_code == 200
    assert response["Content-Type"] == documents.CONTENT_TYPE
    name = f"行政处罚告知书{document.number}.docx"
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(name)}"
    assert b"".join(response.streaming_content) == stored_bytes(document)


def test_outside_scope_a_document_is_not_found_and_without_the_role_refused(
    admin, neighbour_official, street_officer, client_for, client
):
    url = documents.issue(
        by=admin, kind="inspection_record", inspection=make_inspection(admin)
    ).get_absolute_url()

    assert client_for(neighbour_official).get(url).status_code == 404
    assert client_for(street_officer).get(url).status_code == 403
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))


# --- templates, setting and amounts --------------------------------------------------------------


def test_the_committed_templates_are_what_the_script_makes():
    path = Path(settings.BASE_DIR) / "scripts" / "make_document_templates.py"
    spec = importlib.util.spec_from_file_location("make_document_templates", path)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)

    assert set(script.BUILDERS) == set(documents.DocumentKind.values)
    for kind in script.BUILDERS:
        committed = (documents.DEFAULT_DIR / f"{kind}.docx").read_bytes()
        assert script.build(kind) == committed, f"run scripts/make_document_templates.py ({kind})"


def test_a_template_directory_that_does_not_exist_stops_start_up(tmp_path):
    missing = tmp_path / "templates"
    assert refused(tmp_path, ANJIAN_DOCUMENT_TEMPLATES_DIR=str(missing)) == (
        f"ANJIAN_DOCUMENT_TEMPLATES_DIR={str(missing)!r}: no such directory"
    )


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "零元整"),
        (200, "贰佰元整"),
        (3_000, "叁仟元整"),
        (10_500, "壹万零伍佰元整"),
        (50_000, "伍万元整"),
        (100_000, "壹拾万元整"),
        (1_000_500, "壹佰万零伍佰元整"),
        (1_001_000, "壹佰万壹仟元整"),
        (100_001_000, "壹亿零壹仟元整"),
        (120_000_005, "壹亿贰仟万零伍元整"),
    ],
)
def test_amounts_are_written_in_capital_numerals(amount, words):
    assert documents.yuan_in_words(amount) == words
