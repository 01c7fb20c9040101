"""API tokens: created on the profile page, shown once, stored as a digest, revocable, expiring."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anjian.accounts.models import ApiToken, User
from anjian.accounts.services import token_revoke

PROFILE = reverse("accounts:profile")
CREATE = reverse("accounts:token_create")
ME = "/api/v1/me"
INVALID = {"detail": "API 令牌无效、已过期或已吊销"}


def bearer(raw: str) -> Client:
    return Client(headers={"authorization": f"Bearer {raw}"})


def create_on_profile(client, name="区智慧城市平台对接", days="90") -> str:
    """Create a token through the page and return the raw value shown once."""
    response = client.post(CREATE, {"token-name": name, "token-days": days})
    assert response.status_code == 302
    assert response["Location"] == PROFILE
    page = client.get(PROFILE).content.decode()
    shown = re.search(r'<code id="new-token"[^>]*>([^<]+)</code>', page)
    assert shown, "the new token is shown on the next page"
    return shown.group(1)


def test_a_created_token_is_shown_once(client_for, leader):
    client = client_for(leader)
    raw = create_on_profile(client)
    assert raw.startswith("aj_")
    again = client.get(PROFILE).content.decode()
    assert raw not in again
    assert 'id="new-token"' not in again


def test_only_the_digest_of_a_token_is_stored(client_for, leader):
    raw = create_on_profile(client_for(leader))
    token = ApiToken.objects.get(user=leader)
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert token.hint == raw[:10]
    stored = [str(value) for value in ApiToken.objects.filter(pk=token.pk).values().get().values()]
    assert not any(raw in value for value in stored)
    assert token.name == "区智慧城市平台对接"


def test_the_token_list_shows_the_hint_not_the_token(client_for, leader):
    client = client_for(leader)
    raw = create_on_profile(client)
    page = client.get(PROFILE).content.decode()
    assert f"<code>{raw[:10]}…</code>" in page
    assert raw not in page


def test_a_token_expires_after_the_chosen_number_of_days(client_for, leader):
    create_on_profile(client_for(leader), days="90")
    token = ApiToken.objects.get(user=leader)
    expected = timezone.now() + timedelta(days=90)
    assert abs((token.expires_at - expected).total_seconds()) < 60


@pytest.mark.parametrize("days", ["0", "731", "many"])
def test_an_out_of_range_lifetime_creates_nothing(client_for, leader, days):
    client = client_for(leader)
    response = client.post(CREATE, {"token-name": "x", "token-days": days})
    assert response.status_code == 302
    assert not ApiToken.objects.filter(user=leader).exists()
    assert 'id="new-token"' not in client.get(PROFILE).content.decode()


def test_token_creation_refuses_get(client_for, leader):
    assert client_for(leader).get(CREATE).status_code == 405


def test_issue_defaults_to_the_configured_lifetime(leader):
    token, raw = ApiToken.issue(user=leader, name="默认")
    expected = timezone.now() + timedelta(days=settings.API_TOKEN_DAYS)
    assert abs((token.expires_at - expected).total_seconds()) < 60
    assert token.is_active
    assert ApiToken.objects.authenticate(raw) == token


# --- using a token -----------------------------------------------------------------------------


def test_a_token_calls_the_api_as_its_user(client_for, leader):
    raw = create_on_profile(client_for(leader))
    response = bearer(raw).get(ME)
    assert response.status_code == 200
    assert response.json()["username"] == "leader"
    assert ApiToken.objects.get(user=leader).last_used_at is not None


def test_a_token_wins_over_a_session_cookie_in_the_same_request(admin, leader):
    _token, raw = ApiToken.issue(user=leader, name="t")
    client = Client(headers={"authorization": f"Bearer {raw}"})
    client.force_login(admin)
    assert client.get(ME).json()["username"] == "leader"


def test_a_revoked_token_is_refused_with_401(client_for, leader):
    client = client_for(leader)
    raw = create_on_profile(client)
    token = ApiToken.objects.get(user=leader)
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and not token.is_active
    refused = bearer(raw).get(ME)
    assert refused.status_code == 401
    assert refused.json() == INVALID
    assert refused["WWW-Authenticate"] == 'Bearer realm="anjian"'
    assert "已吊销" in client.get(PROFILE).content.decode()


def test_an_expired_token_is_refused_with_401(leader):
    token, raw = ApiToken.issue(user=leader, name="t")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = bearer(raw).get(ME)
    assert response.status_code == 401
    assert response.json() == INVALID


def test_a_token_of_a_disabled_user_is_refused(leader):
    _token, raw = ApiToken.issue(user=leader, name="t")
    User.objects.filter(pk=leader.pk).update(is_active=False)
    assert bearer(raw).get(ME).status_code == 401


@pytest.mark.parametrize("raw", ["aj_not-a-real-token", "", "aj_"])
def test_an_unknown_token_is_refused(raw, db):
    assert bearer(raw).get(ME).status_code == 401


def test_a_bad_token_is_refused_on_pages_too_not_treated_as_anonymous(leader, db):
    response = bearer("aj_forged").get(reverse("web:home"))
    assert response.status_code == 401


def test_revoking_twice_keeps_the_first_revocation_time(leader):
    token, _raw = ApiToken.issue(user=leader, name="t")
    token_revoke(token=token)
    first = ApiToken.objects.get(pk=token.pk).revoked_at
    token_revoke(token=ApiToken.objects.get(pk=token.pk))
    assert ApiToken.objects.get(pk=token.pk).revoked_at == first


def test_nobody_can_revoke_someone_elses_token(client_for, leader, admin):
    token, raw = ApiToken.issue(user=leader, name="t")
    response = client_for(admin).post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    assert bearer(raw).get(ME).status_code == 200


def test_revoking_refuses_get(client_for, leader):
    token, _raw = ApiToken.issue(user=leader, name="t")
    assert (
        client_for(leader).get(reverse("accounts:token_revoke", args=[token.pk])).status_code == 405
    )
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
