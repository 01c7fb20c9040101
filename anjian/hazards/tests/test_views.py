"""The hazard pages: report, transitions, photos, export, figures — as a browser posts them."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from anjian.hazards import selectors
from anjian.hazards.choices import Grade, State
from anjian.hazards.models import Hazard, HazardPhoto
from anjian.hazards.tests.factories import hazard_in, photo, register_data
from anjian.hazards.tests.support import make_overdue
from testsupport import world


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def report_post(**extra) -> dict:
    data = {
        "enterprise": world.enterprise("yinhang_chemical").pk,
        "source": "inspection",
        "title": "储罐区可燃气体报警器离线",
        "description": "2号储罐区可燃气体检测报警器显示离线",
        "location": "2号储罐区",
        "category": "2",
        "found_at": "",
    }
    data.update(extra)
    return data


def test_the_picker_finds_only_enterprises_in_scope(client_for, street_officer):
    client = client_for(street_officer)
    page = client.get(reverse("hazards:hazard_report"), {"q": "上海"}).content.decode()
    assert "上海殷行化工有限公司" in page
    assert "上海平凉机械制造有限公司" not in page


def test_an_inspector_reports_a_hazard_with_a_photo(client_for, inspector):
    response = client_for(inspector).post(
        reverse("hazards:hazard_report"), {**report_post(), "photos": [photo()]}
    )
    assert response.status_code == 302
    hazard = Hazard.objects.get(title="储罐区可燃气体报警器离线")
    assert hazard.state == State.REPORTED and hazard.reported_by == inspector
    assert hazard.photos.count() == 1
    assert response["Location"] == hazard.get_absolute_url()


def test_an_inspection_report_without_a_photo_is_refused_in_chinese(client_for, inspector):
    response = client_for(inspector).post(reverse("hazards:hazard_report"), report_post())
    assert response.status_code == 422
    assert "须上传现场照片" in response.content.decode()
    assert not Hazard.objects.filter(title="储罐区可燃气体报警器离线").exists()


def test_a_refused_on_the_spot_close_saves_nothing_of_the_report(client_for, district_official):
    before = HazardPhoto.objects.count()
    response = client_for(district_official).post(
        reverse("hazards:hazard_report"),
        {**report_post(source="patrol"), "photos": [photo()], "fixed_on_spot": "on"},
    )
    assert response.status_code == 422
    assert "即查即改须有整改后照片" in response.content.decode() or "现场整改情况" in (
        response.content.decode()
    )
    assert not Hazard.objects.filter(title="储罐区可燃气体报警器离线").exists()
    assert HazardPhoto.objects.count() == before


def test_a_hazard_fixed_on_the_spot_closes_in_one_step(client_for, district_official):
    response = client_for(district_official).post(
        reverse("hazards:hazard_report"),
        {
            **report_post(source="patrol"),
            "photos": [photo()],
            "fixed_on_spot": "on",
            "rectification_note": "现场重启报警器并恢复在线",
            "after_photos": [photo("后.jpg", (10, 200, 10))],
        },
    )
    assert response.status_code == 302
    hazard = Hazard.objects.get(title="储罐区可燃气体报警器离线")
    assert hazard.state == State.CLOSED and hazard.fixed_on_spot
    assert set(hazard.photos.values_list("stage", flat=True)) == {"found", "after"}


def test_registering_with_a_past_deadline_shows_the_field_error(client_for, district_official):
    hazard = hazard_in(State.REPORTED)
    data = register_data(deadline=(timezone.localdate() - timedelta(days=1)).isoformat())
    data["version"] = hazard.version
    response = client_for(district_official).post(
        reverse("hazards:hazard_register", args=[hazard.pk]), data
    )
    assert response.status_code == 422
    assert "整改期限不能早于今天" in response.content.decode()
    hazard.refresh_from_db()
    assert hazard.state == State.REPORTED


def test_registering_from_a_stale_page_is_a_conflict(client_for, district_official):
    hazard = hazard_in(State.REPORTED)
    data = register_data()
    data["deadline"] = data["deadline"].isoformat()
    data["version"] = hazard.version - 1 if hazard.version > 1 else 99
    response = client_for(district_official).post(
        reverse("hazards:hazard_register", args=[hazard.pk]), data
    )
    assert response.status_code == 409
    assert "已被他人修改" in response.content.decode()


def test_the_owner_registers_starts_and_submits_through_the_pages(client_for, enterprise_manager):
    hazard = hazard_in(State.REPORTED)
    client = client_for(enterprise_manager)
    data = register_data()
    data["deadline"] = data["deadline"].isoformat()
    assert (
        client.post(reverse("hazards:hazard_register", args=[hazard.pk]), data).status_code == 302
    )
    assert client.post(reverse("hazards:hazard_start", args=[hazard.pk])).status_code == 302
    response = client.post(
        reverse("hazards:hazard_submit", args=[hazard.pk]),
        {"rectification_note": "已更换", "photos": [photo()]},
    )
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert hazard.state == State.AWAITING_ACCEPTANCE


def test_an_enterprise_user_cannot_accept_a_major_hazard(client_for, enterprise_manager):
    hazard = hazard_in(State.AWAITING_ACCEPTANCE, grade=Grade.MAJOR)
    client = client_for(enterprise_manager)
    page = client.get(hazard.get_absolute_url()).content.decode()
    assert 'id="action-accept"' not in page
    response = client.post(
        reverse("hazards:hazard_accept", args=[hazard.pk]), {"acceptance_note": "自行验收"}
    )
    assert response.status_code == 403
    hazard.refresh_from_db()
    assert hazard.state == State.AWAITING_ACCEPTANCE


def test_the_detail_page_shows_the_clause_of_a_major_hazard(client_for, district_official):
    hazard = hazard_in(State.REGISTERED, grade=Grade.MAJOR)
    page = client_for(district_official).get(hazard.get_absolute_url()).content.decode()
    assert "重大隐患" in page and 'id="timeline"' in page


def test_photos_are_served_only_inside_scope(client_for, district_official, neighbour_official):
    hazard = hazard_in(State.REPORTED)
    stored = hazard.photos.first()
    url = reverse("hazards:hazard_photo", args=[hazard.pk, stored.pk])
    response = client_for(district_official).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert client_for(neighbour_official).get(url).status_code == 404


def test_the_export_is_the_filtered_ledger(client_for, district_official):
    overdue_free = hazard_in(State.REGISTERED)
    closed = hazard_in(State.CLOSED)
    response = client_for(district_official).get(
        reverse("hazards:hazard_export"), {"progress": "closed"}
    )
    sheet = load_workbook(BytesIO(response.content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "隐患编号" and "整改期限" in rows[0]
    numbers = {row[0] for row in rows[1:]}
    assert closed.number in numbers and overdue_free.number not in numbers


def test_the_figures_page_shows_the_selectors_numbers_and_links(client_for, district_official):
    hazard_in(State.CLOSED)
    hazard_in(State.RECTIFYING, grade=Grade.MAJOR)
    response = client_for(district_official).get(reverse("hazards:clearing_figures"))
    page = response.content.decode()
    figures = selectors.clearing_figures(district_official, selectors.FigureFilters())
    assert figures.major_open >= 1
    assert "progress=overdue" in page and "grade=major" in page
    assert 'data-figure="major_open"' in page


def test_the_enterprise_home_shows_its_own_hazard_figures(client_for, enterprise_manager):
    hazard_in(State.RECTIFYING)
    page = client_for(enterprise_manager).get(reverse("web:home")).content.decode()
    assert 'id="hazard-summary"' in page


def test_the_district_official_presses_the_department_about_an_overdue_major_hazard(
    client_for, district_official
):
    from anjian.core.models import Notification

    hazard = make_overdue(hazard_in(State.RECTIFYING, grade=Grade.MAJOR))
    response = client_for(district_official).post(
        reverse("hazards:hazard_escalate", args=[hazard.pk]),
        {"target": "department", "note": "请三日内报送整改进展"},
    )
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert hazard.escalation_level == 2
    entry = hazard.transitions.get(action="escalate")
    assert entry.by == district_official and entry.data["manual"]
    assert Notification.objects.filter(kind="hazard_escalated", recipient__username="inspector")


def test_an_escalation_without_a_note_is_refused(client_for, district_official):
    hazard = hazard_in(State.RECTIFYING)
    response = client_for(district_official).post(
        reverse("hazards:hazard_escalate", args=[hazard.pk]), {"target": "owner", "note": ""}
    )
    assert response.status_code == 422
    assert not hazard.transitions.filter(action="escalate").exists()


def test_an_open_hazard_s_details_are_corrected_from_its_page(client_for, district_official):
    hazard = hazard_in(State.REGISTERED)
    response = client_for(district_official).post(
        reverse("hazards:hazard_edit", args=[hazard.pk]),
        {
            "version": hazard.version,
            "title": "配电箱门未关闭（已核实）",
            "description": hazard.description,
            "location": "二号车间西侧",
            "category": "2",
        },
    )
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert hazard.title == "配电箱门未关闭（已核实）" and hazard.location == "二号车间西侧"
    assert hazard.state == State.REGISTERED
    assert hazard.transitions.filter(action="edit").exists()


def test_editing_from_a_stale_page_is_a_conflict_and_changes_nothing(client_for, district_official):
    hazard = hazard_in(State.REGISTERED)
    response = client_for(district_official).post(
        reverse("hazards:hazard_edit", args=[hazard.pk]),
        {"version": hazard.version + 5, "title": "改", "description": "改", "location": "改"},
    )
    assert response.status_code == 409
    hazard.refresh_from_db()
    assert hazard.title == "配电箱门未关闭"
