"""Periodic password change: with ANJIAN_PASSWORD_MAX_AGE_DAYS set, a signed-in user whose
password is older is sent to the change page before anything else, and back afterwards."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anjian.accounts.models import ApiToken, User
from testsupport import world

CHANGE = reverse("accounts:password_change")
HOME = reverse("web:home")
ENTERPRISES = reverse("enterprises:enterprise_list")
NEW_PASSWORD = "Changed-password-2026"
EXPLANATION = "您的密码已过期，请先修改密码"


@pytest.fixture
def max_age(settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    return 90


def age_password(user, days: int) -> None:
    User.objects.filter(pk=user.pk).update(
        password_changed_at=timezone.now() - timedelta(days=days)
    )


def change(client, old=world.PASSWORD, new=NEW_PASSWORD, next_url=""):
    data = {"pw-old_password": old, "pw-new_password1": new, "pw-new_password2": new}
    if next_url:
        data["next"] = next_url
    return client.post(CHANGE, data)


def test_an_expired_password_sends_every_page_to_the_change_page(client_for, leader, max_age):
    age_password(leader, 91)
    client = client_for(leader)
    for url in (HOME, ENTERPRISES, reverse("accounts:profile")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{CHANGE}?next={url.replace('/', '%2F')}"


def test_the_change_page_explains_why_in_chinese(client_for, leader, max_age):
    age_password(leader, 91)
    response = client_for(leader).get(CHANGE, {"next": ENTERPRISES})
    assert response.status_code == 200
    page = response.content.decode()
    assert EXPLANATION in page
    assert "密码须每 90 天更换一次" in page
    assert f'name="next" value="{ENTERPRISES}"' in page


def test_posts_are_stopped_too_without_doing_anything(client_for, leader, max_age):
    age_password(leader, 91)
    response = client_for(leader).post(
        reverse("accounts:token_create"), {"token-name": "x", "token-days": "30"}
    )
    assert response.status_code == 302
    assert response["Location"] == CHANGE
    assert not ApiToken.objects.filter(user=leader).exists()


def test_an_htmx_request_is_redirected_by_htmx(client_for, leader, max_age):
    age_password(leader, 91)
    response = client_for(leader).get(ENTERPRISES, headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(CHANGE)


def test_a_session_call_to_the_api_is_refused_with_a_reason(client_for, leader, max_age):
    age_password(leader, 91)
    response = client_for(leader).get("/api/v1/me")
    assert response.status_code == 403
    assert response.json() == {"detail": "密码已过期，请先登录网页修改密码"}


def test_api_token_requests_are_not_affected(api_client_for, leader, max_age):
    age_password(leader, 91)
    assert api_client_for(leader).get("/api/v1/me").status_code == 200


def test_logging_out_still_works(client_for, leader, max_age):
    age_password(leader, 91)
    response = client_for(leader).post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")


def test_static_files_are_not_redirected(client_for, leader, max_age, settings):
    age_password(leader, 91)
    response = client_for(leader).get(settings.STATIC_URL + "web/favicon.svg")
    assert not (response.status_code == 302 and response["Location"].startswith(CHANGE))


def test_changing_the_password_lets_the_user_back_in_where_they_were(client_for, leader, max_age):
    age_password(leader, 91)
    client = client_for(leader)
    response = change(client, next_url=ENTERPRISES)
    assert response.status_code == 302
    assert response["Location"] == ENTERPRISES
    assert client.get(ENTERPRISES).status_code == 200
    changed = world.actor("leader")
    assert changed.check_password(NEW_PASSWORD)
    assert timezone.now() - changed.password_changed_at < timedelta(minutes=1)


def test_the_same_password_again_does_not_count_as_a_change(client_for, leader, max_age):
    age_password(leader, 91)
    client = client_for(leader)
    response = change(client, new=world.PASSWORD)
    assert response.status_code == 200
    assert "（含当前密码）相同" in response.content.decode()
    assert client.get(HOME).status_code == 302


def test_a_next_url_on_another_site_is_ignored(client_for, leader, max_age):
    age_password(leader, 91)
    response = change(client_for(leader), next_url="https://evil.example/")
    assert response["Location"] == HOME


def test_a_password_younger_than_the_maximum_age_is_left_alone(client_for, leader, max_age):
    age_password(leader, 89)
    client = client_for(leader)
    assert client.get(HOME).status_code == 200
    assert EXPLANATION not in client.get(CHANGE).content.decode()


def test_without_a_maximum_age_passwords_never_expire(client_for, leader):
    age_password(leader, 3650)
    assert client_for(leader).get(HOME).status_code == 200


def test_an_expired_user_signing_in_lands_on_the_change_page(leader, max_age):
    age_password(leader, 91)
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": "leader", "password": world.PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"{CHANGE}?next=%2F"
    assert EXPLANATION in response.content.decode()


def test_the_profile_shows_when_the_password_must_be_changed(client_for, leader, max_age):
    age_password(leader, 30)
    page = client_for(leader).get(reverse("accounts:profile")).content.decode()
    due = (timezone.localtime() + timedelta(days=60)).strftime("%Y-%m-%d")
    assert f"须在此之前更换：{due}" in page
