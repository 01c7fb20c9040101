"""Logging in and out: the password, Argon2, django-axes lockout, CSRF and POST-only logout."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.urls import reverse

from anjian.accounts.models import User
from testsupport import world

LOGIN = reverse("accounts:login")
WRONG_PASSWORD_MESSAGE = "用户名或密码错误。连续多次错误后账号将被暂时锁定。"
LOCKOUT_MESSAGE = "该账号在此地址连续登录失败次数过多，已被暂时锁定。"


def login(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def logged_in_as(client) -> str | None:
    user_id = client.session.get(SESSION_KEY)
    return User.objects.get(pk=user_id).username if user_id else None


def test_the_login_page_is_in_chinese_and_open_to_anyone(client, db):
    response = client.get(LOGIN)
    assert response.status_code == 200
    page = response.content.decode()
    assert "登录您的账号" in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_the_right_password_logs_in_and_goes_home(client, leader):
    response = login(client, "leader", world.PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert logged_in_as(client) == "leader"


def test_login_follows_a_safe_next_url(client, leader):
    response = client.post(
        LOGIN, {"username": "leader", "password": world.PASSWORD, "next": "/regions/"}
    )
    assert response["Location"] == "/regions/"


def test_login_ignores_a_next_url_on_another_site(client, leader):
    response = client.post(
        LOGIN, {"username": "leader", "password": world.PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("web:home")


def test_a_wrong_password_shows_the_chinese_message(client, leader):
    response = login(client, "leader", "not-the-password")
    assert response.status_code == 200
    assert WRONG_PASSWORD_MESSAGE in response.content.decode()
    assert logged_in_as(client) is None


def test_an_unknown_user_gets_the_same_message(client, db):
    response = login(client, "nobody-by-this-name", world.PASSWORD)
    assert response.status_code == 200
    assert WRONG_PASSWORD_MESSAGE in response.content.decode()


def test_a_disabled_account_cannot_log_in(client, leader):
    User.objects.filter(pk=leader.pk).update(is_active=False)
    response = login(client, "leader", world.PASSWORD)
    assert response.status_code == 200
    assert logged_in_as(client) is None


def test_a_signed_in_user_visiting_login_is_sent_on(client_for, leader):
    response = client_for(leader).get(LOGIN)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")


# --- passwords ---------------------------------------------------------------------------------


def test_passwords_are_stored_as_argon2id_hashes(leader):
    assert leader.password.startswith("argon2$argon2id$")
    assert world.PASSWORD not in leader.password


def test_a_legacy_pbkdf2_hash_is_upgraded_to_argon2_at_login(client, leader):
    User.objects.filter(pk=leader.pk).update(
        password=make_password(world.PASSWORD, hasher="pbkdf2_sha256")
    )
    assert login(client, "leader", world.PASSWORD).status_code == 302
    assert User.objects.get(pk=leader.pk).password.startswith("argon2$")


# --- lockout (django-axes) ---------------------------------------------------------------------


def test_the_failure_limit_is_five_by_default():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_the_fifth_failure_locks_the_username_at_that_address_with_429(client, leader):
    for attempt in range(1, 5):
        response = login(client, "leader", f"wrong-{attempt}")
        assert response.status_code == 200, attempt
        assert WRONG_PASSWORD_MESSAGE in response.content.decode()
    response = login(client, "leader", "wrong-5")
    assert response.status_code == 429
    page = response.content.decode()
    assert LOCKOUT_MESSAGE in page
    assert "登录失败次数过多" in page


def test_once_locked_even_the_right_password_is_refused(client, leader):
    for attempt in range(5):
        login(client, "leader", f"wrong-{attempt}")
    response = login(client, "leader", world.PASSWORD)
    assert response.status_code == 429
    assert LOCKOUT_MESSAGE in response.content.decode()
    assert logged_in_as(client) is None


def test_the_lockout_is_per_username_and_address(client, leader, inspector):
    for attempt in range(5):
        login(client, "leader", f"wrong-{attempt}")
    # Another account from the same address is not locked …
    assert login(Client(), "inspector", world.PASSWORD).status_code == 302
    # … nor the same account from another address.
    other_address = login(Client(), "leader", world.PASSWORD, REMOTE_ADDR="10.1.2.3")
    assert other_address.status_code == 302


def test_a_successful_login_resets_the_failure_count(client, leader):
    for attempt in range(4):
        login(client, "leader", f"wrong-{attempt}")
    assert login(Client(), "leader", world.PASSWORD).status_code == 302
    for attempt in range(4):
        response = login(Client(), "leader", f"again-{attempt}")
        assert response.status_code == 200, attempt


def test_failures_are_recorded_for_the_username_and_address(client, leader):
    for attempt in range(3):
        login(client, "leader", f"wrong-{attempt}")
    recorded = AccessAttempt.objects.get(username="leader")
    assert recorded.ip_address == "127.0.0.1"
    assert recorded.failures_since_start == 3
    assert "wrong" not in recorded.post_data  # axes masks the password


# --- CSRF --------------------------------------------------------------------------------------


def test_login_without_a_csrf_token_is_refused(leader):
    client = Client(enforce_csrf_checks=True)
    response = login(client, "leader", world.PASSWORD)
    assert response.status_code == 403
    assert logged_in_as(client) is None


def test_login_with_the_pages_csrf_token_works(leader):
    client = Client(enforce_csrf_checks=True)
    client.get(LOGIN)
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(
        LOGIN, {"username": "leader", "password": world.PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert logged_in_as(client) == "leader"


@pytest.mark.parametrize(
    ("url", "data"),
    [
        (reverse("accounts:profile"), {"pw-old_password": world.PASSWORD}),
        (reverse("accounts:token_create"), {"token-name": "x", "token-days": "30"}),
        (reverse("accounts:logout"), {}),
        (reverse("regions:region_add_child", args=[world.YINHANG]), {"name": "新", "level": 6}),
        (reverse("accounts:user_create"), {"username": "csrf"}),
    ],
)
def test_forms_of_a_signed_in_user_refuse_posts_without_a_csrf_token(url, data, admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    response = client.post(url, data)
    assert response.status_code == 403
    assert "CSRF" in response.content.decode()


# --- logout ------------------------------------------------------------------------------------


def test_logout_refuses_get_and_keeps_the_session(client_for, leader):
    client = client_for(leader)
    response = client.get(reverse("accounts:logout"))
    assert response.status_code == 405
    assert logged_in_as(client) == "leader"
    assert client.get(reverse("web:home")).status_code == 200


def test_logout_by_post_ends_the_session(client_for, leader):
    client = client_for(leader)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert logged_in_as(client) is None
    home = client.get(reverse("web:home"))
    assert home.status_code == 302
    assert home["Location"].startswith(LOGIN)
