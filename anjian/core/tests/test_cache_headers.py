"""Nothing a signed-in user or an API token was answered stays in a cache, and every
response tells the browser which features the platform may use (anjian/core/middleware.py,
``BrowserPolicyMiddleware``; the other browser defences: accounts/tests/test_security_headers.py).
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from anjian.cap.tests.factories import alert_in
from anjian.core.middleware import PERMISSIONS_POLICY
from anjian.hazards.choices import State
from anjian.hazards.tests.factories import hazard_in
from testsupport import world

APPS = Path(__file__).resolve().parents[2]


def no_store(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return "no-store" in directives


def policy(response) -> dict[str, str]:
    return dict(item.strip().split("=", 1) for item in response["Permissions-Policy"].split(","))


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def signed_in_answers(admin, district_official, client_for, api_client_for):
    """(name, response) for what signed-in users get: pages, errors, files, API answers."""
    official = client_for(district_official)
    hazard = hazard_in(State.REPORTED)
    photo = hazard.photos.first()
    collected = [
        ("home", client_for(admin).get(reverse("web:home"))),
        ("list", official.get(reverse("enterprises:enterprise_list"))),
        (
            "htmx list",
            official.get(reverse("hazards:hazard_list"), headers={"HX-Target": "results"}),
        ),
        ("detail", official.get(hazard.get_absolute_url())),
        ("photo", official.get(reverse("hazards:hazard_photo", args=[hazard.pk, photo.pk]))),
        ("export", official.get(reverse("hazards:hazard_export"))),
        ("json", official.get(reverse("enterprises:enterprise_map_data"))),
        ("404", official.get("/no-such-page/")),
        ("404 out of scope", official.get(f"/regions/{world.HONGKOU}/")),
        ("403", official.get(reverse("accounts:user_list"))),
        ("API by session", official.get("/api/v1/me")),
        ("API docs", official.get("/api/v1/docs")),
        ("API by token", api_client_for(district_official).get("/api/v1/me")),
        ("API 404 by token", api_client_for(district_official).get("/api/v1/hazards/999999999")),
        ("API list by token", api_client_for(admin).get("/api/v1/enterprises/")),
    ]
    return collected


def test_signed_in_answers_are_never_stored(signed_in_answers):
    for name, response in signed_in_answers:
        assert no_store(response), (name, response.status_code, response.get("Cache-Control"))


def test_a_view_that_set_its_own_caching_is_held_to_no_store_when_signed_in(signed_in_answers):
    photo = dict(signed_in_answers)["photo"]
    assert photo.status_code == 200
    directives = {d.strip() for d in photo["Cache-Control"].split(",")}
    assert "no-store" in directives and "private" in directives
    assert "max-age=3600" not in directives


def test_public_answers_keep_their_own_caching(client_for, admin, db):
    published = alert_in("published", headline="缓存检查用的预警")
    for client in (Client(), client_for(admin)):  # signed in or not: public is public
        feed = client.get(reverse("cap:alert_feed"))
        assert feed.status_code == 200
        assert feed["Cache-Control"] == "public, max-age=60"
        document = client.get(f"/warnings/{published.identifier}.xml")
        assert document.status_code == 200
        assert not no_store(document)
    assert not no_store(client_for(admin).get(reverse("web:healthz")))


def test_anonymous_answers_are_not_marked(db):
    stranger = Client()
    # (The login page itself is never cached: Django's LoginView says so.)
    for response in (
        stranger.get(reverse("enterprises:enterprise_list")),  # the redirect to the login
        stranger.get("/api/v1/me"),  # 401
    ):
        assert not no_store(response), response.status_code


def test_static_files_are_cacheable_even_for_a_signed_in_user(client_for, admin):
    response = client_for(admin).get(settings.STATIC_URL + "web/favicon.svg")
    assert response.status_code == 200  # served by WhiteNoise from build/collected
    assert not no_store(response)
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY


def test_every_response_carries_the_permissions_policy(signed_in_answers, client_for, admin):
    stranger = Client()
    answers = [
        *signed_in_answers,
        ("login", stranger.get(reverse("accounts:login"))),
        ("redirect", stranger.get(reverse("enterprises:enterprise_list"))),
        ("API 401", stranger.get("/api/v1/me")),
        ("bad token", Client(headers={"authorization": "Bearer aj_nonsense"}).get("/api/v1/me")),
        ("feed", stranger.get(reverse("cap:alert_feed"))),
        ("static", stranger.get(settings.STATIC_URL + "web/favicon.svg")),
        ("404", stranger.get("/no-such-page/")),
    ]
    for name, response in answers:
        assert response["Permissions-Policy"] == PERMISSIONS_POLICY, name


def test_the_policy_allows_camera_and_clipboard_writing_for_our_own_pages_only(client_for, admin):
    features = policy(client_for(admin).get(reverse("web:home")))
    assert features["camera"] == "(self)"
    assert features["clipboard-write"] == "(self)"
    assert features["geolocation"] == "(self)"  # the hazard report's "按我的位置查找"
    for denied in ("microphone", "payment", "usb", "display-capture", "autoplay"):
        assert features[denied] == "()", denied
    assert set(features.values()) == {"(self)", "()"}  # nothing for other origins


# What a script or template would contain to use a feature the policy governs.
FEATURE_USE = {
    "camera": re.compile(r"getUserMedia|\bcapture=|\"capture\""),
    "microphone": re.compile(r"getUserMedia\(\s*\{[^}]*audio"),
    "geolocation": re.compile(r"navigator\.geolocation|\.locate\("),
    "clipboard-write": re.compile(r"navigator\.clipboard\.write"),
    "clipboard-read": re.compile(r"navigator\.clipboard\.read"),
    "fullscreen": re.compile(r"requestFullscreen"),
    "display-capture": re.compile(r"getDisplayMedia"),
    "screen-wake-lock": re.compile(r"wakeLock"),
    "payment": re.compile(r"PaymentRequest"),
}


def features_used() -> dict[str, list[str]]:
    """Feature → the files of ours (scripts, templates, forms) that use it."""
    used: dict[str, list[str]] = {}
    for file in sorted(APPS.glob("*/**/*")):
        if file.suffix not in {".js", ".html", ".py"} or "tests" in file.parts:
            continue
        text = file.read_text(encoding="utf-8", errors="replace")
        for feature, pattern in FEATURE_USE.items():
            if pattern.search(text):
                used.setdefault(feature, []).append(str(file.relative_to(APPS)))
    return used


def test_the_policy_allows_exactly_the_features_our_pages_use():
    """A feature our scripts or templates use is allowed for our origin; one they do not
    use is off. Adding, say, a "locate me" button must change the policy with it."""
    features = dict(item.split("=", 1) for item in PERMISSIONS_POLICY.split(", "))
    used = features_used()
    assert "camera" in used  # the photo inputs (capture) of the phone forms
    assert "clipboard-write" in used  # copying a new API token
    for feature in FEATURE_USE:
        expected = "(self)" if feature in used else "()"
        assert features.get(feature) == expected, (feature, used.get(feature))


def test_the_middleware_runs_before_whitenoise():
    order = settings.MIDDLEWARE
    assert order.index("anjian.core.middleware.BrowserPolicyMiddleware") < order.index(
        "whitenoise.middleware.WhiteNoiseMiddleware"
    )
