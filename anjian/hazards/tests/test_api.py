"""/api/v1/hazards as an integrator uses it: report, transitions by verb, figures, errors."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from anjian.hazards.choices import Grade, State
from anjian.hazards.models import Hazard
from anjian.hazards.tests.factories import hazard_in, photo
from testsupport import world


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def report_body(**extra) -> dict:
    return {
        "enterprise_id": world.enterprise("yinhang_chemical").pk,
        "source": "tipoff",
        "title": "举报：仓库夜间违规动火",
        "description": "群众反映仓库夜间有焊接作业",
        "location": "3号仓库",
        **extra,
    }


def test_a_hazard_goes_from_report_to_closed_through_the_api(api_client_for, district_official):
    client = api_client_for(district_official)
    response = post(client, "/api/v1/hazards/", report_body())
    assert response.status_code == 201, response.content
    hazard = response.json()
    assert hazard["state"] == "reported" and hazard["number"].startswith("YH")
    base = f"/api/v1/hazards/{hazard['id']}"
    deadline = (timezone.localdate() + timedelta(days=10)).isoformat()
    register = post(
        client,
        f"{base}/register",
        {
            "version": hazard["version"],
            "grade": "general",
            "deadline": deadline,
            "owner_name": "李四",
            "measures": "停止夜间动火，补办动火审批",
        },
    )
    assert register.status_code == 200, register.content
    assert post(client, f"{base}/start", {}).json()["state"] == "rectifying"
    upload = client.post(f"{base}/photos", {"stage": "after", "photos": [photo()]})
    assert upload.status_code == 201, upload.content
    submit = post(client, f"{base}/submit", {"rectification_note": "已停止并补办审批"})
    assert submit.json()["state"] == "awaiting_acceptance"
    accept = post(client, f"{base}/accept", {"acceptance_note": "复查合格"})
    assert accept.status_code == 200
    assert accept.json()["state"] == "closed" and accept.json()["closed_on_time"] is True


def test_a_stale_version_is_409(api_client_for, district_official):
    hazard = hazard_in(State.REGISTERED)
    response = post(
        api_client_for(district_official),
        f"/api/v1/hazards/{hazard.pk}/start",
        {"version": hazard.version - 1},
    )
    assert response.status_code == 409
    assert "已被他人修改" in response.json()["detail"]


def test_a_transition_from_the_wrong_state_is_409_in_chinese(api_client_for, district_official):
    hazard = hazard_in(State.CLOSED)
    response = post(api_client_for(district_official), f"/api/v1/hazards/{hazard.pk}/start", {})
    assert response.status_code == 409
    assert "已销号" in response.json()["detail"]


def test_a_past_deadline_is_a_field_error(api_client_for, district_official):
    hazard = hazard_in(State.REPORTED)
    response = post(
        api_client_for(district_official),
        f"/api/v1/hazards/{hazard.pk}/register",
        {
            "grade": "general",
            "deadline": (timezone.localdate() - timedelta(days=3)).isoformat(),
            "owner_name": "李四",
            "measures": "整改",
        },
    )
    assert response.status_code == 422
    assert {"loc": ["body", "deadline"], "msg": "整改期限不能早于今天", "type": "value_error"} in (
        response.json()["detail"]
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{not json", "请求体不是有效的 JSON"),
        (json.dumps({"source": "tipoff"}), "必填"),
        (json.dumps({"enterprise_id": 1, "source": "tipoff", "found_at": "明天"}), "必填"),
    ],
)
def test_malformed_payloads_are_422_with_chinese_detail(
    api_client_for, district_official, body, message
):
    response = api_client_for(district_official).post(
        "/api/v1/hazards/", body, content_type="application/json"
    )
    assert response.status_code in (400, 422)
    assert message in json.dumps(response.json(), ensure_ascii=False)
    assert not Hazard.objects.filter(title="举报：仓库夜间违规动火").exists()


def test_an_unknown_source_is_refused(api_client_for, district_official):
    response = post(api_client_for(district_official), "/api/v1/hazards/", report_body(source="x"))
    assert response.status_code == 422
    assert "请选择隐患来源" in json.dumps(response.json(), ensure_ascii=False)


def test_reporting_for_an_enterprise_outside_scope_is_404(api_client_for, neighbour_official):
    response = post(api_client_for(neighbour_official), "/api/v1/hazards/", report_body())
    assert response.status_code == 404
    assert not Hazard.objects.filter(title="举报：仓库夜间违规动火").exists()


def test_an_enterprise_user_accepting_a_major_hazard_is_403(api_client_for, enterprise_manager):
    hazard = hazard_in(State.AWAITING_ACCEPTANCE, grade=Grade.MAJOR)
    response = post(
        api_client_for(enterprise_manager),
        f"/api/v1/hazards/{hazard.pk}/accept",
        {"acceptance_note": "自行验收"},
    )
    assert response.status_code == 403
    hazard.refresh_from_db()
    assert hazard.state == State.AWAITING_ACCEPTANCE


def test_a_non_image_upload_is_refused(api_client_for, district_official):
    from django.core.files.uploadedfile import SimpleUploadedFile

    hazard = hazard_in(State.RECTIFYING)
    fake = SimpleUploadedFile("x.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    response = api_client_for(district_official).post(
        f"/api/v1/hazards/{hazard.pk}/photos", {"stage": "after", "photos": [fake]}
    )
    assert response.status_code == 422
    assert "不是可识别的图片" in json.dumps(response.json(), ensure_ascii=False)
    assert not hazard.photos.filter(stage="after").exists()


def test_the_figures_match_the_ledger(api_client_for, district_official):
    hazard_in(State.CLOSED)
    hazard_in(State.RECTIFYING, grade=Grade.MAJOR)
    figures = api_client_for(district_official).get("/api/v1/hazards/figures").json()
    ledger = Hazard.objects.for_user(district_official)
    assert figures["found"] == ledger.exclude(state="void").count()
    assert figures["closed"] == ledger.filter(state="closed").count()
    assert (
        figures["major_open"]
        == ledger.filter(grade="major").exclude(state__in=("closed", "void")).count()
    )


def test_bad_figure_parameters_are_422(api_client_for, district_official):
    client = api_client_for(district_official)
    assert client.get("/api/v1/hazards/figures", {"month_from": "2026-13"}).status_code == 422
    assert client.get("/api/v1/hazards/figures", {"industry": "nope"}).status_code == 422


def test_the_timeline_and_listing_are_readable_and_sign_off_needs_closure(
    api_client_for, district_official
):
    hazard = hazard_in(State.RECTIFYING, grade=Grade.MAJOR)
    client = api_client_for(district_official)
    listing = post(
        client,
        f"/api/v1/hazards/{hazard.pk}/listings",
        {
            "level": "district",
            "authority": "杨浦区安委办",
            "document_number": "杨安委办督〔2026〕9号",
            "deadline": (timezone.localdate() + timedelta(days=30)).isoformat(),
        },
    )
    assert listing.status_code == 201, listing.content
    listing_id = listing.json()["id"]
    refused = post(
        client, f"/api/v1/hazards/{hazard.pk}/listings/{listing_id}/sign-off", {"note": "摘牌"}
    )
    assert refused.status_code == 422
    assert "尚未验收销号" in json.dumps(refused.json(), ensure_ascii=False)
    actions = [e["action"] for e in client.get(f"/api/v1/hazards/{hazard.pk}/timeline").json()]
    assert actions[:1] == ["report"] and "list" in actions
