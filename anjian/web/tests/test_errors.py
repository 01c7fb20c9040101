"""Error pages in Chinese; API paths answer JSON; the health check is open."""

from django.urls import reverse

from testsupport import world

OUT_OF_SCOPE_SENTENCE = "您要找的页面或记录不存在，或不在您的管辖范围内。"


def test_a_missing_page_is_a_chinese_404(client_for, leader):
    response = client_for(leader).get("/no-such-page/")
    assert response.status_code == 404
    assert OUT_OF_SCOPE_SENTENCE in response.content.decode()


def test_out_of_scope_looks_exactly_like_missing(client_for, street_officer):
    missing = client_for(street_officer).get(f"/regions/{world.YINHANG}999/")
    elsewhere = client_for(street_officer).get(f"/regions/{world.PINGLIANG}/")
    assert missing.status_code == elsewhere.status_code == 404
    assert OUT_OF_SCOPE_SENTENCE in elsewhere.content.decode()
    assert "平凉" not in elsewhere.content.decode()


def test_the_wrong_role_gets_a_chinese_403(client_for, leader):
    response = client_for(leader).get(reverse("accounts:user_list"))
    assert response.status_code == 403
    assert "您的角色无权使用此功能。" in response.content.decode()


def test_api_errors_are_json(api_client_for, leader):
    missing = api_client_for(leader).get("/api/v1/no-such-endpoint")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "未找到"}


def test_the_health_check_is_open_and_touches_the_database(client, db):
    response = client.get(reverse("web:healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
