"""On-site inspections: who may start one, with which checklist and inspectors; marks are
compare-and-set; completing raises the findings as hazards with the ordered deadline, issues
the documents and completes the drawn task; every step is on the hash-chained record."""

from datetime import date, timedelta
from io import BytesIO, StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from PIL import Image

from anjian.core.exceptions import Conflict, NotPermitted, OutOfScope, ValidationError
from anjian.hazards.choices import Source
from anjian.inspections import chain
from anjian.inspections.choices import Outcome, TaskState
from anjian.inspections.models import (
    ChecklistTemplate,
    EnforcementDocument,
    Inspector,
    RecordEntry,
)
from anjian.inspections.onsite import findings, selectors, services
from anjian.inspections.record_models import DocumentKind, InspectionState
from anjian.inspections.tests import factories
from testsupport import world

pytestmark = pytest.mark.django_db


def png() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (120, 40), (255, 255, 255)).save(buffer, "PNG")
    return buffer.getvalue()


PNG = png()


def photo(colour=(200, 30, 30)) -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "JPEG")
    return SimpleUploadedFile("scene.jpg", buffer.getvalue(), content_type="image/jpeg")


def checklist(key="hazchem") -> ChecklistTemplate:
    return ChecklistTemplate.objects.get(key=key)


def officials(by, *, with_actor=None):
    """Two inspectors of 杨浦区应急管理局 (the actor first, when given)."""
    dept = factories.department()
    pool = factories.pool(by, dept, size=2, prefix="os")
    if with_actor is not None:
        mine = Inspector.objects.create(
            user=with_actor,
            department=dept,
            certificate_number="31OS-ACTOR",
            certificate_valid_until=date.today() + timedelta(days=100),
        )
        return [mine, pool[0]]
    return pool


def started(by, *, key="hazchem", unit="yinhang_chemical", inspectors=None, **options):
    inspectors = inspectors or officials(by)
    return services.inspection_start(
        by,
        enterprise_id=world.enterprise(unit).pk,
        checklist_id=checklist(key).pk,
        inspector_ids=[i.pk for i in inspectors],
        department_id=factories.department().pk,
        **options,
    )


def mark_all(by, inspection, *, fail_first=True):
    entries = selectors.bundle(by, inspection.pk)["entries"]
    marks = [{"entry_id": e["id"], "result": "pass"} for e in entries]
    if fail_first:
        marks[0] = {
            "entry_id": entries[0]["id"],
            "result": "fail",
            "note": "二号罐区可燃气体报警器故障",
            "place": "二号罐区",
            "deadline": (date.today() + timedelta(days=7)).isoformat(),
        }
    inspection = services.inspection_mark(
        by, inspection_id=inspection.pk, expected_version=inspection.version, marks=marks
    )
    return inspection, entries[0]["id"]


def signed(by, inspection):
    return services.inspection_sign(
        by,
        inspection_id=inspection.pk,
        expected_version=inspection.version,
        enterprise_signer="王安全",
        enterprise_signature=PNG,
        inspector_signature=PNG,
    )


def test_an_inspection_needs_two_inspectors_with_a_valid_certificate(district_official):
    dept = factories.department()
    valid = factories.pool(district_official, dept, size=1, prefix="v")
    expired = factories.pool(district_official, dept, size=1, valid_days=-1, prefix="x")
    with pytest.raises(ValidationError) as error:
        started(district_official, inspectors=valid)
    assert "执法检查须由两名以上持有效执法证的人员进行" in error.value.message_dict["inspectors"]
    with pytest.raises(ValidationError) as error:
        started(district_official, inspectors=valid + expired)
    assert "执法证已过有效期" in error.value.message_dict["inspectors"][0]


def test_a_checklist_for_another_industry_is_refused_by_name(district_official):
    with pytest.raises(ValidationError) as error:
        started(district_official, key="construction", unit="yinhang_chemical")
    message = error.value.message_dict["checklist"][0]
    assert "不适用于" in message and "请选用" in message


def test_a_unit_outside_the_scope_cannot_be_inspected(district_official):
    with pytest.raises(OutOfScope):
        started(district_official, unit="hongkou_shop")


def test_marks_are_compare_and_set_and_a_stale_phone_gets_a_conflict(district_official):
    inspection = started(district_official)
    loaded = inspection.version
    inspection, _ = mark_all(district_official, inspection)
    entry = selectors.bundle(district_official, inspection.pk)["entries"][1]["id"]
    with pytest.raises(Conflict):
        services.inspection_mark(
            district_official,
            inspection_id=inspection.pk,
            expected_version=loaded,
            marks=[{"entry_id": entry, "result": "fail"}],
        )
    assert inspection.marks.get(entry_id=entry).result == "pass"


def test_bad_marks_are_named_per_entry_and_nothing_is_saved(district_official):
    inspection = started(district_official)
    entries = selectors.bundle(district_official, inspection.pk)["entries"]
    with pytest.raises(ValidationError) as error:
        services.inspection_mark(
            district_official,
            inspection_id=inspection.pk,
            expected_version=inspection.version,
            marks=[
                {"entry_id": entries[0]["id"], "result": "pass"},
                {"entry_id": entries[1]["id"], "result": "maybe"},
                {"entry_id": entries[2]["id"], "result": "fail", "deadline": "2020-01-01"},
            ],
        )
    errors = error.value.message_dict
    assert set(errors) == {f"entry-{entries[1]['id']}", f"entry-{entries[2]['id']}"}
    assert "整改期限不能早于检查日期" in errors[f"entry-{entries[2]['id']}"]
    assert inspection.marks.count() == 0


def test_a_signature_that_is_not_a_png_image_is_refused(district_official):
    inspection = started(district_official)
    with pytest.raises(ValidationError) as error:
        services.inspection_sign(
            district_official,
            inspection_id=inspection.pk,
            expected_version=inspection.version,
            enterprise_signer="王安全",
            enterprise_signature=b"\x89PNG\r\n\x1a\n" + b"0" * 32,
        )
    assert error.value.message_dict == {"enterprise_signature": ["签名图片已损坏，请重新签名"]}
    with pytest.raises(ValidationError):
        services.decode_data_url("data:image/png;base64,@@@")


def test_completing_names_what_is_missing(district_official):
    inspection = started(district_official)
    inspection, failed_entry = mark_all(district_official, inspection)
    with pytest.raises(ValidationError) as error:
        findings.inspection_complete(
            district_official, inspection_id=inspection.pk, expected_version=inspection.version
        )
    errors = error.value.message_dict
    assert errors[f"entry-{failed_entry}"] == ["请拍摄现场照片"]
    assert "enterprise_signature" in errors and "inspector_signature" in errors


def test_findings_become_hazards_with_the_ordered_deadline_and_documents(district_official):
    inspection = started(district_official, latitude="31.300000", longitude="121.500000")
    inspection, failed_entry = mark_all(district_official, inspection)
    services.evidence_add(
        district_official, inspection_id=inspection.pk, files=[photo()], entry_id=failed_entry
    )
    again = services.evidence_add(
        district_official, inspection_id=inspection.pk, files=[photo()], entry_id=failed_entry
    )
    assert inspection.evidence.count() == 1 and again[0].inspection_id == inspection.pk
    inspection.refresh_from_db()
    inspection = signed(district_official, inspection)
    done = findings.inspection_complete(
        district_official, inspection_id=inspection.pk, expected_version=inspection.version
    )
    assert done.state == InspectionState.DONE and done.finished_at is not None
    mark = done.marks.get(entry_id=failed_entry)
    hazard = mark.hazard
    assert hazard.source == Source.INSPECTION and hazard.enterprise_id == done.enterprise_id
    assert hazard.deadline == mark.deadline and hazard.location == "二号罐区"
    assert hazard.photos.count() == 1
    kinds = set(EnforcementDocument.objects.filter(inspection=done).values_list("kind", flat=True))
    assert kinds == {DocumentKind.INSPECTION_RECORD, DocumentKind.RECTIFICATION_ORDER}
    assert done.number.startswith("（杨浦）应急检〔")
    count, breaks = chain.verify(chain.chain_key(done))
    actions = list(
        RecordEntry.objects.filter(chain=chain.chain_key(done)).values_list("action", flat=True)
    )
    assert breaks == [] and count == len(actions)
    assert actions[:5] == ["start", "mark", "evidence", "sign", "complete"]
    assert actions.count("document") == 2


def test_a_drawn_task_is_completed_by_its_inspection(district_official):
    draw = factories.drawn(district_official, count=1)
    task = draw.tasks.get()
    inspection = services.inspection_from_task(district_official, task_id=task.pk)
    assert services.inspection_from_task(district_official, task_id=task.pk) == inspection
    assert inspection.kind == "random" and inspection.unannounced == task.unannounced
    inspection, _ = mark_all(district_official, inspection, fail_first=False)
    inspection = signed(district_official, inspection)
    findings.inspection_complete(
        district_official, inspection_id=inspection.pk, expected_version=inspection.version
    )
    task.refresh_from_db()
    assert task.state == TaskState.DONE and task.outcome == Outcome.NO_PROBLEM


def test_an_inspector_acts_only_on_inspections_they_are_on(district_official, inspector):
    team = officials(district_official, with_actor=inspector)
    mine = started(district_official, inspectors=team)
    others_team = factories.pool(district_official, factories.department(), size=2, prefix="ot")
    others = started(
        district_official, unit="yinhang_site", key="construction", inspectors=others_team
    )
    assert set(selectors.inspections(inspector)) == {mine}
    with pytest.raises(OutOfScope):
        services.inspection_mark(
            inspector, inspection_id=others.pk, expected_version=others.version, marks=[]
        )
    with pytest.raises(NotPermitted):
        services.inspection_void(
            world.actor("leader"),
            inspection_id=mine.pk,
            expected_version=mine.version,
            reason="重复登记",
        )


def test_a_visit_by_scan_is_logged_on_the_open_inspection(district_official, inspector):
    inspection = started(
        district_official, inspectors=officials(district_official, with_actor=inspector)
    )
    token = selectors.visit_token(inspection.enterprise)
    assert selectors.enterprise_from_token(token) == inspection.enterprise_id
    assert selectors.enterprise_from_token(token + "x") is None
    visit = services.visit_record(
        inspector, enterprise_id=inspection.enterprise_id, latitude=31.3, longitude=121.5
    )
    assert visit.inspection == inspection and visit.by == inspector
    assert list(selectors.visits(inspector)) == [visit]
    assert "<svg" in selectors.enterprise_qr_svg(inspection.enterprise)
    with pytest.raises(OutOfScope):
        services.visit_record(inspector, enterprise_id=world.enterprise("hongkou_shop").pk)


def test_the_record_chain_detects_an_edited_entry(district_official):
    inspection = started(district_official)
    mark_all(district_official, inspection)
    key = chain.chain_key(inspection)
    out = StringIO()
    call_command("inspections", "verify-record", str(inspection.pk), stdout=out)
    assert "校验通过：共 2 条" in out.getvalue()
    RecordEntry.objects.filter(chain=key, seq=1).update(summary="开始检查：另一家单位")
    _, breaks = chain.verify(key)
    assert [b.seq for b in breaks] == [1]
    err = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("inspections", "verify-record", f"inspection:{inspection.pk}", stderr=err)
    assert error.value.returncode == 1 and "第 1 条" in err.getvalue()
    RecordEntry.objects.filter(chain=key, seq=1).delete()
    assert any("缺少第 1 条" in b.problem for b in chain.verify(key)[1])


def test_verify_record_refuses_what_it_cannot_read():
    with pytest.raises(CommandError) as error:
        call_command("inspections", "verify-record", "draw:1")
    assert error.value.returncode == 2
    with pytest.raises(CommandError) as error:
        call_command("inspections", "verify-record", "999999")
    assert error.value.returncode == 2


def completed_with_finding(by):
    inspection = started(by)
    inspection, failed_entry = mark_all(by, inspection)
    services.evidence_add(by, inspection_id=inspection.pk, files=[photo()], entry_id=failed_entry)
    inspection.refresh_from_db()
    inspection = signed(by, inspection)
    done = findings.inspection_complete(
        by, inspection_id=inspection.pk, expected_version=inspection.version
    )
    return done, failed_entry


def test_a_reinspection_issues_the_opinion_that_refers_to_the_order(district_official):
    done, failed_entry = completed_with_finding(district_official)
    with pytest.raises(ValidationError) as error:
        findings.reinspect(district_official, inspection_id=done.pk, results=[])
    assert error.value.message_dict == {f"entry-{failed_entry}": ["请填写该问题的复查结果"]}
    document = findings.reinspect(
        district_official,
        inspection_id=done.pk,
        results=[{"entry_id": failed_entry, "rectified": True, "note": "已更换报警器"}],
    )
    assert document.kind == DocumentKind.REINSPECTION_OPINION
    assert document.number.startswith("（杨浦）应急复〔")
    last = RecordEntry.objects.filter(chain=chain.chain_key(done)).order_by("-seq")
    assert list(last.values_list("action", flat=True)[:2]) == ["reinspect", "document"]
    assert chain.verify(chain.chain_key(done))[1] == []


def test_an_open_inspection_or_one_without_findings_is_not_reinspected(district_official):
    inspection = started(district_official)
    with pytest.raises(Conflict):
        findings.reinspect(district_official, inspection_id=inspection.pk, results=[])
    inspection, _ = mark_all(district_official, inspection, fail_first=False)
    inspection = signed(district_official, inspection)
    clean = findings.inspection_complete(
        district_official, inspection_id=inspection.pk, expected_version=inspection.version
    )
    with pytest.raises(ValidationError) as error:
        findings.reinspect(district_official, inspection_id=clean.pk, results=[])
    assert "无需复查" in error.value.message_dict["results"][0]


def test_the_reinspection_form_and_api(district_official, client_for, api_client_for):
    done, failed_entry = completed_with_finding(district_official)
    client = client_for(district_official)
    page = client.get(reverse("inspections:inspection_detail", args=[done.pk]))
    assert b'id="action-reinspect"' in page.content
    url = reverse("inspections:inspection_reinspect", args=[done.pk])
    response = client.post(url, {f"entry-{failed_entry}": "x" * 501})
    assert response.status_code == 422
    response = client.post(url, {f"rectified-{failed_entry}": "on", "opinion": "同意销号"})
    assert response.status_code == 302
    assert done.documents.filter(kind=DocumentKind.REINSPECTION_OPINION).count() == 1
    api = api_client_for(district_official)
    answer = api.post(
        f"/api/v1/onsite-inspections/{done.pk}/reinspect",
        {"results": [{"entry_id": failed_entry, "rectified": False, "note": "未整改"}]},
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["kind"] == "reinspection_opinion"
