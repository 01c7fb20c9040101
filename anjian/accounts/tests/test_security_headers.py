"""Every HTML response carries a strict Content-Security-Policy and the other browser defences,
and the pages contain nothing that policy would block (no inline scripts, styles or handlers)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from testsupport import world

SIGNED_IN_PAGES = [
    reverse("web:home"),
    reverse("accounts:profile"),
    reverse("accounts:user_list"),
    reverse("accounts:user_create"),
    reverse("regions:region_detail", args=[world.YINHANG]),
    reverse("regions:department_list"),
    reverse("enterprises:enterprise_list"),
    reverse("enterprises:enterprise_map"),
    "/api/v1/docs",
]


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def responses(admin, district_official, leader):
    """(name, response, expected status) for pages of every kind, errors included."""
    collected = [("login", Client().get(reverse("accounts:login")), 200)]
    administrator = signed_in(admin)
    collected += [(url, administrator.get(url), 200) for url in SIGNED_IN_PAGES]
    official = signed_in(district_official)
    collected += [
        ("404", official.get("/no-such-page/"), 404),
        ("404 out of scope", official.get(f"/regions/{world.HONGKOU}/"), 404),
        ("403", official.get(reverse("accounts:user_list")), 403),
    ]
    stranger = Client()
    for attempt in range(5):
        locked = stranger.post(
            reverse("accounts:login"), {"username": "leader", "password": f"wrong-{attempt}"}
        )
    collected.append(("lockout", locked, 429))
    for name, response, status in collected:
        assert response.status_code == status, name
    return [(name, response) for name, response, _status in collected]


def test_every_html_response_is_html(responses):
    for name, response in responses:
        assert response["Content-Type"].startswith("text/html"), name


def test_every_html_response_has_a_strict_content_security_policy(responses):
    for name, response in responses:
        directives = policy(response)
        assert directives["default-src"] == ["'self'"], name
        assert directives["script-src"] == ["'self'"], name
        assert directives["style-src"] == ["'self'"], name
        assert directives["object-src"] == ["'none'"], name
        assert directives["frame-ancestors"] == ["'none'"], name
        assert directives["base-uri"] == ["'self'"], name
        assert directives["form-action"] == ["'self'"], name
        header = response["Content-Security-Policy"]
        assert "'unsafe-inline'" not in header, name
        assert "'unsafe-eval'" not in header, name
        assert "*" not in header.replace("*.", ""), name  # no wildcard sources


def test_every_html_response_forbids_framing_sniffing_and_leaking_referrers(responses):
    for name, response in responses:
        assert response["X-Frame-Options"] == "DENY", name
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["Referrer-Policy"] == "same-origin", name
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", name


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


def test_no_page_relies_on_inline_scripts_styles_or_event_handlers(responses):
    for name, response in responses:
        page = response.content.decode()
        assert not INLINE_SCRIPT.findall(page), name
        assert "<style" not in page, name
        assert ' style="' not in page, name
        assert not INLINE_HANDLER.findall(page), name
        assert "javascript:" not in page, name


def test_pages_load_scripts_and_styles_from_our_own_static_files_only(responses):
    for name, response in responses:
        page = response.content.decode()
        for source in re.findall(r'<script[^>]*\bsrc="([^"]+)"', page):
            assert source.startswith("/static/"), (name, source)
        for href in re.findall(r'<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"', page):
            assert href.startswith("/static/"), (name, href)


def test_json_and_files_carry_nosniff_too(client_for, leader):
    response = client_for(leader).get(reverse("enterprises:enterprise_map_data"))
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in response


def test_the_api_sends_the_same_defences(api_client_for, leader):
    response = api_client_for(leader).get("/api/v1/me")
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_session_and_csrf_cookies_are_not_readable_by_scripts_and_same_site(client, leader):
    response = client.post(
        reverse("accounts:login"), {"username": "leader", "password": world.PASSWORD}
    )
    session_cookie = response.cookies["sessionid"]
    assert session_cookie["httponly"] is True
    assert session_cookie["samesite"] == "Lax"
