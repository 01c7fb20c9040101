"""Sessions end after the idle timeout: the cookie age is the timeout, renewed by requests
(written at most once a minute: anjian/accounts/sessions.py)."""

import time

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from testsupport import world


def sign_in(client):
    response = client.post(
        reverse("accounts:login"), {"username": "leader", "password": world.PASSWORD}
    )
    assert response.status_code == 302
    return Session.objects.get(session_key=client.session.session_key)


def test_the_session_age_is_the_idle_timeout():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_pages_within_a_minute_write_the_session_once(client, leader, settings):
    settings.SESSION_COOKIE_AGE = 30 * 60
    sign_in(client)
    client.get(reverse("web:home"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("web:home")).status_code == 200
    writes = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "django_session"')]
    assert writes == []


def test_a_new_session_expires_one_idle_timeout_from_now(client, leader):
    session = sign_in(client)
    remaining = (session.expire_date - timezone.now()).total_seconds()
    assert 30 * 60 - 60 < remaining <= 30 * 60
    assert client.session.get_expiry_age() == 30 * 60


def test_every_request_pushes_the_expiry_forward(client, leader, settings):
    settings.SESSION_COOKIE_AGE = 10  # written again after a tenth of it: one second
    first = sign_in(client).expire_date
    time.sleep(1.1)
    assert client.get(reverse("web:home")).status_code == 200
    second = Session.objects.get(session_key=client.session.session_key).expire_date
    assert second > first


def test_the_session_cookie_dies_with_the_browser(client, leader):
    response = client.post(
        reverse("accounts:login"), {"username": "leader", "password": world.PASSWORD}
    )
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""


def test_an_idle_session_is_logged_out(client, leader, settings):
    settings.SESSION_COOKIE_AGE = 1
    sign_in(client)
    assert client.get(reverse("web:home")).status_code == 200
    time.sleep(2.1)
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_active_session_outlives_the_timeout_while_requests_keep_coming(
    client, leader, settings
):
    settings.SESSION_COOKIE_AGE = 3
    sign_in(client)
    for _ in range(4):
        time.sleep(1)
        assert client.get(reverse("web:home")).status_code == 200


def _session_engine(tmp_path, **environment) -> str:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env.update(ANJIAN_VAR_DIR=str(tmp_path), ANJIAN_SECRET_KEY="x" * 50, **environment)
    code = "from django.conf import settings; print(settings.SESSION_ENGINE)"
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_sessions_are_read_through_a_cache_only_when_every_worker_shares_it(tmp_path):
    # With each process's own memory cache, a session logged out in one web worker would
    # stay readable from another worker's cached copy.
    assert _session_engine(tmp_path) == "django.contrib.sessions.backends.db"
    shared = _session_engine(tmp_path, REDIS_URL="redis://127.0.0.1:6379/0")
    assert shared == "django.contrib.sessions.backends.cached_db"
