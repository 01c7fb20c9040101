"""The 现场检查 pages: the inspector's list, starting (from a task or a special one, with the
unit's QR code), the phone form without JavaScript (save, conflict, bad marks), the record of
a done inspection with its hazards, documents and checked chain, the service worker, and
the visit pages a unit's QR code opens. Out of scope is 404 throughout."""

import re
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from anjian.inspections import chain
from anjian.inspections import services as draw_services
from anjian.inspections.models import RecordEntry, Visit
from anjian.inspections.onsite import findings, selectors, services
from anjian.inspections.record_models import InspectionState
from anjian.inspections.tests import factories
from anjian.inspections.tests.test_onsite_services import (
    checklist,
    mark_all,
    officials,
    photo,
    started,
)
from testsupport import world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def png() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (60, 20), (255, 255, 255)).save(buffer, "PNG")
    return buffer.getvalue()


def pool(by, prefix: str):
    """Two more officials of 杨浦区应急管理局 (``officials`` makes the same two each call)."""
    return factories.pool(by, factories.department(), size=2, prefix=prefix)


def detail(inspection) -> str:
    return reverse("inspections:inspection_detail", args=[inspection.pk])


def save_url(inspection) -> str:
    return reverse("inspections:inspection_form", args=[inspection.pk])


def entries_of(user, inspection) -> list[int]:
    return [e["id"] for e in selectors.bundle(user, inspection.pk)["entries"]]


def completed(by):
    """A done inspection of 殷行化工 with one finding (photo, signatures)."""
    inspection, failed_entry = mark_all(by, started(by))
    services.evidence_add(by, inspection_id=inspection.pk, files=[photo()], entry_id=failed_entry)
    inspection.refresh_from_db()
    inspection = services.inspection_sign(
        by,
        inspection_id=inspection.pk,
        expected_version=inspection.version,
        enterprise_signer="王安全",
        enterprise_signature=png(),
        inspector_signature=png(),
    )
    done = findings.inspection_complete(
        by, inspection_id=inspection.pk, expected_version=inspection.version
    )
    return done, failed_entry


# --- the list ------------------------------------------------------------------------------


def test_the_list_shows_my_open_inspections_and_my_tasks_to_start(
    inspector, district_official, client_for
):
    mine = started(district_official, inspectors=officials(district_official, with_actor=inspector))
    others = started(district_official, inspectors=pool(district_official, "ot"))
    task = factories.drawn(district_official, count=1).tasks.get()
    task.inspectors.add(mine.inspectors.get(user=inspector))
    page = client_for(inspector).get(reverse("inspections:inspection_list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-inspection="{mine.pk}"' in html
    assert f'data-inspection="{others.pk}"' not in html  # not one of its inspectors
    assert f'data-task="{task.pk}"' in html
    assert reverse("inspections:inspection_from_task", args=[task.pk]) in html


def test_the_list_filters_by_unit_and_state(district_official, client_for):
    inspection = started(district_official)
    client = client_for(district_official)
    url = reverse("inspections:inspection_list")
    assert f'data-inspection="{inspection.pk}"' in client.get(url, {"q": "殷行"}).content.decode()
    assert (
        f'data-inspection="{inspection.pk}"' not in client.get(url, {"q": "平凉"}).content.decode()
    )
    done_only = client.get(url, {"state": "done"}).content.decode()
    assert f'data-inspection="{inspection.pk}"' not in done_only


def test_a_department_sees_only_its_own_departments_inspections(
    district_official, housing_official, client_for
):
    inspection = started(district_official, unit="yinhang_site", key="construction")
    page = client_for(housing_official).get(reverse("inspections:inspection_list"))
    assert f'data-inspection="{inspection.pk}"' not in page.content.decode()
    assert client_for(housing_official).get(detail(inspection)).status_code == 404


# --- starting ------------------------------------------------------------------------------


def test_starting_from_a_task_opens_its_inspection_once(district_official, client_for):
    task = factories.drawn(district_official, count=1).tasks.get()
    client = client_for(district_official)
    url = reverse("inspections:inspection_from_task", args=[task.pk])
    first = client.post(url, {"latitude": "31.300000", "longitude": "121.500000"})
    again = client.post(url, {})
    assert first.status_code == 302 and first["Location"] == again["Location"]
    inspection = task.__class__.objects.get(pk=task.pk).inspection
    assert first["Location"] == detail(inspection)
    assert str(inspection.latitude) == "31.300000"


def test_a_cancelled_task_is_not_started_and_the_list_says_why(district_official, client_for):
    task = factories.drawn(district_official, count=1).tasks.get()
    draw_services.task_cancel(district_official, task_id=task.pk, reason="单位已注销")
    answer = client_for(district_official).post(
        reverse("inspections:inspection_from_task", args=[task.pk])
    )
    assert answer.status_code == 422
    assert "该抽查任务已" in answer.context["error"]
    assert not selectors.inspections(district_official).filter(task=task).exists()


def test_the_start_page_finds_units_in_scope_only(district_official, client_for):
    client = client_for(district_official)
    url = reverse("inspections:inspection_start")
    found = client.get(url, {"q": "殷行化工"}).content.decode()
    assert f'data-unit="{world.enterprise("yinhang_chemical").pk}"' in found
    hongkou = world.enterprise("hongkou_shop").pk
    assert f'data-unit="{hongkou}"' not in client.get(url, {"q": "虹口超市"}).content.decode()
    assert client.get(url, {"enterprise": hongkou}).status_code == 404


def start_data(by, **changes) -> dict:
    return {
        "enterprise": world.enterprise("yinhang_chemical").pk,
        "checklist": checklist().pk,
        "inspectors": changes.pop("inspectors", None) or [i.pk for i in officials(by)],
        "kind": "special",
        "place": "",
        "client_token": "5f0c8a1e-2b7d-4d8e-9c1f-0a1b2c3d4e5f",
        **changes,
    }


def test_a_special_inspection_starts_from_the_units_page_with_its_qr_code(
    district_official, client_for
):
    client = client_for(district_official)
    unit = world.enterprise("yinhang_chemical")
    page = client.get(reverse("inspections:inspection_start"), {"enterprise": unit.pk})
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html
    assert reverse("inspections:visit_scan", args=[selectors.visit_token(unit)]) in html
    data = start_data(district_official, unannounced="on")
    answer = client.post(reverse("inspections:inspection_start"), data)
    assert answer.status_code == 302
    inspection = selectors.inspections(district_official).get(enterprise=unit)
    assert answer["Location"] == detail(inspection) and inspection.unannounced


def test_an_unsuitable_checklist_is_shown_with_the_services_reason(district_official, client_for):
    answer = client_for(district_official).post(
        reverse("inspections:inspection_start"),
        start_data(district_official, checklist=checklist("construction").pk),
    )
    assert answer.status_code == 422
    errors = answer.context["form"].errors["checklist"]
    assert "不适用于" in errors[0] and "请选用" in errors[0]


def test_one_inspector_is_not_enough(district_official, client_for):
    answer = client_for(district_official).post(
        reverse("inspections:inspection_start"),
        start_data(district_official, inspectors=[officials(district_official)[0].pk]),
    )
    assert answer.status_code == 422
    assert "两名以上" in answer.context["form"].errors["inspectors"][0]


# --- the form without JavaScript -----------------------------------------------------------


def test_the_form_shows_each_entry_with_its_basis_and_three_results(district_official, client_for):
    inspection = started(district_official)
    page = client_for(district_official).get(detail(inspection))
    html = page.content.decode()
    assert page.status_code == 200 and 'id="onsite-form"' in html
    bundle = selectors.bundle(district_official, inspection.pk)
    first = bundle["entries"][0]
    assert first["basis"] in html
    for value in ("pass", "fail", "na"):
        assert f'id="result-{first["id"]}-{value}"' in html
    assert 'capture="environment"' in html and 'id="inspection-bundle"' in html
    assert reverse("inspections:onsite_sw") in html


def test_marks_notes_and_photos_are_saved_by_the_plain_form(district_official, client_for):
    inspection = started(district_official)
    first, second = entries_of(district_official, inspection)[:2]
    answer = client_for(district_official).post(
        save_url(inspection),
        {
            "version": inspection.version,
            "action": "save",
            f"result-{first}": "fail",
            f"note-{first}": "安全出口堵塞",
            f"place-{first}": "一号仓库",
            f"deadline-{first}": "2099-01-31",
            f"photos-{first}": SimpleUploadedFile(
                "a.jpg", photo().read(), content_type="image/jpeg"
            ),
            f"result-{second}": "pass",
            f"place-{second}": "ignored for a pass",
        },
    )
    assert answer.status_code == 302 and answer["Location"] == detail(inspection)
    failed = inspection.marks.get(entry_id=first)
    assert (failed.result, failed.note, failed.place, str(failed.deadline)) == (
        "fail",
        "安全出口堵塞",
        "一号仓库",
        "2099-01-31",
    )
    assert inspection.marks.get(entry_id=second).place == ""
    assert failed.evidence.count() == 1


def test_a_stale_form_is_a_conflict_that_keeps_what_was_typed(district_official, client_for):
    inspection = started(district_official)
    first = entries_of(district_official, inspection)[0]
    loaded = inspection.version
    services.inspection_mark(
        district_official,
        inspection_id=inspection.pk,
        expected_version=loaded,
        marks=[{"entry_id": first, "result": "pass"}],
    )
    answer = client_for(district_official).post(
        save_url(inspection),
        {"version": loaded, f"result-{first}": "fail", f"note-{first}": "灭火器过期"},
    )
    assert answer.status_code == 409
    html = answer.content.decode()
    assert "灭火器过期" in html
    assert re.search(r'value="fail"[^>]*checked|checked[^>]*value="fail"', html)
    assert "服务器 符合" in html
    assert answer.context["form"]["version"].value() == loaded + 1  # 保存 again keeps mine
    assert inspection.marks.get(entry_id=first).result == "pass"


def test_bad_marks_come_back_on_their_entry(district_official, client_for):
    inspection = started(district_official)
    first = entries_of(district_official, inspection)[0]
    answer = client_for(district_official).post(
        save_url(inspection),
        {
            "version": inspection.version,
            f"result-{first}": "fail",
            f"deadline-{first}": "2020-01-01",
        },
    )
    assert answer.status_code == 422
    [row] = [r for r in answer.context["rows"] if r["entry"]["id"] == first]
    assert row["errors"] == ["整改期限不能早于检查日期"]
    assert f'href="#entry-{first}"' in answer.content.decode()
    assert inspection.marks.count() == 0


def test_completing_without_signatures_is_refused_and_nothing_is_lost(
    district_official, client_for
):
    inspection = started(district_official)
    data = {"version": inspection.version, "action": "complete", "summary": "检查情况良好"}
    for entry in entries_of(district_official, inspection):
        data[f"result-{entry}"] = "pass"
    answer = client_for(district_official).post(save_url(inspection), data)
    assert answer.status_code == 422
    assert "请被检查单位现场负责人签名" in answer.content.decode()
    assert "检查情况良好" in answer.content.decode()
    assert inspection.marks.count() == 0  # saved together with completing, or not at all


def test_an_inspector_not_on_the_inspection_gets_404(district_official, inspector, client_for):
    inspection = started(district_official)
    client = client_for(inspector)
    assert client.get(detail(inspection)).status_code == 404
    assert client.post(save_url(inspection), {"version": inspection.version}).status_code == 404


def test_another_districts_inspection_is_404(district_official, neighbour_official, client_for):
    inspection = started(district_official)
    client = client_for(neighbour_official)
    assert client.get(detail(inspection)).status_code == 404
    assert client.get(detail(inspection), {"record": "1"}).status_code == 404


def test_a_leader_reads_the_record_of_an_open_inspection(district_official, leader, client_for):
    inspection = started(district_official)
    page = client_for(leader).get(detail(inspection))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="onsite-form"' not in html and 'id="marks"' in html
    assert 'id="action-void"' not in html


# --- the record ----------------------------------------------------------------------------


def test_the_record_shows_hazards_documents_photos_and_a_checked_chain(
    district_official, client_for
):
    done, failed_entry = completed(district_official)
    client = client_for(district_official)
    page = client.get(detail(done))
    html = page.content.decode()
    assert page.status_code == 200 and 'id="onsite-form"' not in html
    hazard = done.marks.get(entry_id=failed_entry).hazard
    assert hazard.get_absolute_url() in html
    for document in done.documents.all():
        assert document.get_absolute_url() in html and document.number in html
    assert 'data-chain="ok"' in html
    evidence = done.evidence.get()
    photo_url = reverse("inspections:inspection_evidence", args=[done.pk, evidence.pk])
    assert photo_url in html
    assert client.get(photo_url)["Content-Type"] == "image/jpeg"
    signature = reverse("inspections:inspection_signature", args=[done.pk, "enterprise"])
    assert signature in html and client.get(signature)["Content-Type"] == "image/png"

    RecordEntry.objects.filter(chain=chain.chain_key(done), seq=2).update(summary="改过的内容")
    broken = client.get(detail(done)).content.decode()
    assert 'data-chain="broken"' in broken and "第 2 条" in broken


def test_photos_are_not_served_outside_the_scope(district_official, neighbour_official, client_for):
    done, _ = completed(district_official)
    evidence = done.evidence.get()
    url = reverse("inspections:inspection_evidence", args=[done.pk, evidence.pk])
    assert client_for(neighbour_official).get(url).status_code == 404
    other = started(district_official, inspectors=pool(district_official, "ot"))
    wrong = reverse("inspections:inspection_evidence", args=[other.pk, evidence.pk])
    assert client_for(district_official).get(wrong).status_code == 404


def test_voiding_from_the_record_needs_a_reason(district_official, client_for):
    inspection = started(district_official)
    client = client_for(district_official)
    url = reverse("inspections:inspection_void", args=[inspection.pk])
    empty = client.post(url, {"version": inspection.version, "reason": ""})
    assert empty.status_code == 422 and "请写明作废原因" in empty.content.decode()
    done = client.post(url, {"version": inspection.version, "reason": "单位停产"})
    assert done.status_code == 302
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.VOIDED


# --- the service worker --------------------------------------------------------------------


def test_the_service_worker_is_served_from_its_scope_with_the_assets(inspector, client_for):
    answer = client_for(inspector).get(reverse("inspections:onsite_sw"))
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/javascript")
    assert "no-cache" in answer["Cache-Control"]
    body = answer.content.decode()
    assert reverse("inspections:onsite_sw").startswith("/inspections/onsite/")
    assert '"/inspections/onsite/"' in body and "onsite-static-" in body
    assert re.search(r'"/static/inspections/js/onsite\.[0-9a-f]+\.js"', body)


# --- visits --------------------------------------------------------------------------------


def test_scanning_a_units_code_records_the_arrival(district_official, client_for):
    unit = world.enterprise("yinhang_chemical")
    url = reverse("inspections:visit_scan", args=[selectors.visit_token(unit)])
    client = client_for(district_official)
    page = client.get(url)
    assert page.status_code == 200 and unit.name in page.content.decode()
    answer = client.post(url, {"latitude": "31.300000", "longitude": "121.500000"})
    assert answer.status_code == 302 and answer["Location"] == url
    visit = Visit.objects.get(enterprise=unit)
    assert (visit.by, visit.method, str(visit.latitude)) == (district_official, "scan", "31.300000")
    shown = client.get(url).content.decode()
    assert f'data-visit="{visit.pk}"' in shown
    assert f"{reverse('inspections:inspection_start')}?enterprise={unit.pk}" in shown


def test_a_made_up_or_foreign_code_is_404(district_official, neighbour_official, client_for):
    unit = world.enterprise("yinhang_chemical")
    good = reverse("inspections:visit_scan", args=[selectors.visit_token(unit)])
    assert client_for(neighbour_official).get(good).status_code == 404
    made_up = reverse("inspections:visit_scan", args=[f"{unit.pk}:forged"])
    assert client_for(district_official).get(made_up).status_code == 404
    assert not Visit.objects.exists()


def test_the_visit_list_shows_who_when_and_how_in_scope(
    district_official, neighbour_official, client_for
):
    unit = world.enterprise("yinhang_chemical")
    visit = services.visit_record(district_official, enterprise_id=unit.pk, method="manual")
    url = reverse("inspections:visit_list")
    html = client_for(district_official).get(url).content.decode()
    assert f'data-visit="{visit.pk}"' in html and "手工登记" in html
    assert (
        f'data-visit="{visit.pk}"' not in client_for(neighbour_official).get(url).content.decode()
    )
