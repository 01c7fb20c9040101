"""重置密码: an administrator gives an account they manage a temporary password — typed and
checked by the password validators, or generated and shown once — which the user must
change at their next login; audited, notified, and only inside the administrator's scope."""

import html
import re

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse

from anjian.accounts import services
from anjian.accounts.models import ApiToken, User
from anjian.accounts.roles import Role
from anjian.accounts.services import user_create_basic
from anjian.core.exceptions import NotPermitted, OutOfScope, ValidationError
from anjian.core.models import Notification
from anjian.regions.models import Region
from testsupport import world

TEMPORARY = "Temporary-pass-2026"
CHANGED = "My-own-secret-2026"


def reset_url(user) -> str:
    return reverse("accounts:user_password_reset", args=[user.pk])


def typed(password=TEMPORARY, again=None) -> dict:
    return {"mode": "set", "password1": password, "password2": again or password}


@pytest.fixture
def district_admin(db):
    """杨浦区's system administrator (not a superuser)."""
    return world.administrator_of(world.YANGPU)


@pytest.fixture
def city_official(db):
    """A 市应急局 official: the whole city, above every district."""
    return user_create_basic(
        username="city_official",
        name="市局",
        phone="",
        role=Role.SUPERVISOR,
        password=world.PASSWORD,
        region=Region.objects.get(code="31"),
    )


def password_works(user, password) -> bool:
    return User.objects.get(pk=user.pk).check_password(password)


# --- the administrator resets a password -------------------------------------------------------


def test_the_administrator_sets_a_temporary_password(client_for, admin, leader):
    response = client_for(admin).post(reset_url(leader), typed())
    assert response.status_code == 302
    assert response["Location"] == reset_url(leader)
    stored = User.objects.get(pk=leader.pk)
    assert stored.check_password(TEMPORARY)
    assert stored.password_must_change


def test_a_generated_password_is_shown_once_and_works(client_for, admin, leader):
    client = client_for(admin)
    response = client.post(reset_url(leader), {"mode": "generate"})
    assert response.status_code == 302
    page = client.get(reset_url(leader)).content.decode()
    shown = re.search(r'id="temporary-password".*?<code[^>]*>([^<]+)</code>', page, re.S)
    assert shown is not None
    password = html.unescape(shown.group(1))
    assert password_works(leader, password)
    again = client.get(reset_url(leader))
    assert "temporary-password" not in again.content.decode()
    assert "no-store" in again["Cache-Control"]


def test_generated_passwords_pass_the_validators_and_differ(leader, admin):
    first = services.user_password_reset(by=admin, user_id=leader.pk)
    second = services.user_password_reset(by=admin, user_id=leader.pk)
    assert first.generated and second.generated
    assert first.password != second.password
    assert len(first.password) >= 14


def test_the_reset_is_audited_with_who_did_it(client_for, admin, leader):
    client_for(admin).post(reset_url(leader), typed())
    entry = LogEntry.objects.get_for_object(leader).get(action=LogEntry.Action.UPDATE)
    assert entry.actor == admin
    assert entry.additional_data["via"] == "重置密码"
    assert entry.changes_display_dict["下次登录须修改密码"] == ["否", "是"]
    assert TEMPORARY not in str(entry.changes)


def test_the_user_is_notified(client_for, admin, leader):
    client_for(admin).post(reset_url(leader), typed())
    notice = Notification.objects.get(recipient=leader, kind="password_reset")
    assert notice.title == "您的登录密码已由管理员重置"
    assert "管理员" in notice.body
    assert notice.url == reverse("accounts:password_change")


def test_the_users_api_tokens_are_revoked_and_sessions_end(client_for, admin, leader):
    ApiToken.issue(user=leader, name="对接")
    session = client_for(leader)
    assert session.get(reverse("web:home")).status_code == 200
    client_for(admin).post(reset_url(leader), typed())
    assert not ApiToken.objects.filter(user=leader, revoked_at__isnull=True).exists()
    assert session.get(reverse("web:home")).status_code == 302  # logged out


def test_submitting_the_same_reset_twice_records_it_once(client_for, admin, leader):
    client = client_for(admin)
    assert client.post(reset_url(leader), typed()).status_code == 302
    assert client.post(reset_url(leader), typed()).status_code == 302
    assert password_works(leader, TEMPORARY)
    updates = LogEntry.objects.get_for_object(leader).filter(action=LogEntry.Action.UPDATE)
    assert updates.count() == 1
    assert Notification.objects.filter(recipient=leader, kind="password_reset").count() == 1


# --- the validators ----------------------------------------------------------------------------


def test_a_password_the_validators_refuse_is_shown_with_their_chinese_message(
    client_for, admin, leader
):
    response = client_for(admin).post(reset_url(leader), typed("alllowercase"))
    assert response.status_code == 422
    page = response.content.decode()
    assert "密码须包含大写字母、小写字母、数字、符号中的至少 3 类。" in page
    assert password_works(leader, world.PASSWORD)
    assert not User.objects.get(pk=leader.pk).password_must_change
    assert not LogEntry.objects.get_for_object(leader).filter(action=LogEntry.Action.UPDATE)
    assert not Notification.objects.filter(recipient=leader).exists()


def test_the_current_password_cannot_be_the_temporary_one(client_for, admin, leader):
    response = client_for(admin).post(reset_url(leader), typed(world.PASSWORD))
    assert response.status_code == 422
    assert "新密码不能与最近用过的 5 个密码（含当前密码）相同。" in response.content.decode()


def test_the_two_entries_must_match(client_for, admin, leader):
    response = client_for(admin).post(reset_url(leader), typed(again="Something-else-2026"))
    assert response.status_code == 422
    assert "两次输入的密码不一致" in response.content.decode()
    assert password_works(leader, world.PASSWORD)


def test_setting_a_password_needs_one(client_for, admin, leader):
    response = client_for(admin).post(reset_url(leader), typed(""))
    assert response.status_code == 422
    assert "请填写新密码，或选择由系统生成" in response.content.decode()


def test_the_administrator_cannot_reset_their_own_password_here(client_for, district_admin):
    response = client_for(district_admin).post(reset_url(district_admin), typed())
    assert response.status_code == 422
    assert "请在“个人资料”中修改" in response.content.decode()


# --- who may reset whose password --------------------------------------------------------------


@pytest.mark.parametrize(
    "name", [actor for actor in world.ACTORS if actor != "admin"], ids=lambda name: name
)
def test_roles_other_than_administrator_get_403(client_for, name, leader, db):
    client = client_for(world.actor(name))
    assert client.get(reset_url(leader)).status_code == 403
    assert client.post(reset_url(leader), typed()).status_code == 403
    assert password_works(leader, world.PASSWORD)


def test_the_service_refuses_a_role_without_the_administrator_action(district_official, leader):
    with pytest.raises(NotPermitted):
        services.user_password_reset(by=district_official, user_id=leader.pk)


def test_a_district_administrator_resets_an_account_in_the_district(
    client_for, district_admin, district_official
):
    response = client_for(district_admin).post(reset_url(district_official), typed())
    assert response.status_code == 302
    assert password_works(district_official, TEMPORARY)


def test_a_district_administrator_resets_an_enterprise_account_in_the_district(
    client_for, district_admin, enterprise_manager
):
    response = client_for(district_admin).post(reset_url(enterprise_manager), typed())
    assert response.status_code == 302
    assert password_works(enterprise_manager, TEMPORARY)


@pytest.mark.parametrize("target", ["city_official", "neighbour_official", "admin", "expert"])
def test_a_district_administrator_gets_404_for_an_account_outside_the_district(
    client_for, district_admin, city_official, target
):
    user = world.actor(target)
    client = client_for(district_admin)
    assert client.get(reset_url(user)).status_code == 404
    assert client.post(reset_url(user), typed()).status_code == 404
    stored = User.objects.get(pk=user.pk)
    assert not stored.password_must_change
    assert not stored.check_password(TEMPORARY)


def test_the_service_refuses_a_city_official_to_a_district_administrator(
    district_admin, city_official
):
    with pytest.raises(OutOfScope):
        services.user_password_reset(by=district_admin, user_id=city_official.pk)
    assert password_works(city_official, world.PASSWORD)


def test_only_a_superuser_resets_a_superusers_password(district_admin, admin, leader):
    superuser = user_create_basic(
        username="yangpu_root",
        name="区超级管理员",
        phone="",
        role=Role.ADMIN,
        password=world.PASSWORD,
        region=Region.objects.get(code=world.YANGPU),
    )
    User.objects.filter(pk=superuser.pk).update(is_superuser=True)
    with pytest.raises(NotPermitted):
        services.user_password_reset(by=district_admin, user_id=superuser.pk)
    services.user_password_reset(by=admin, user_id=superuser.pk, password=TEMPORARY)
    assert password_works(superuser, TEMPORARY)


def test_the_service_validates_a_typed_password_itself(admin, leader):
    with pytest.raises(ValidationError) as caught:
        services.user_password_reset(by=admin, user_id=leader.pk, password="short")
    assert "password1" in caught.value.message_dict


# --- the user's next login ---------------------------------------------------------------------


def test_the_user_must_change_the_password_at_the_next_login(client_for, admin, leader):
    client_for(admin).post(reset_url(leader), typed())
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "leader", "password": TEMPORARY})
    assert response.status_code == 302
    home = reverse("web:home")
    change = reverse("accounts:password_change")
    response = client.get(home)
    assert response.status_code == 302
    assert response["Location"].startswith(change)
    page = client.get(change).content.decode()
    assert "管理员已重置您的密码，请先设置新密码" in page
    response = client.post(
        change,
        {"pw-old_password": TEMPORARY, "pw-new_password1": CHANGED, "pw-new_password2": CHANGED},
    )
    assert response.status_code == 302
    assert not User.objects.get(pk=leader.pk).password_must_change
    assert client.get(home).status_code == 200


def test_a_session_call_to_the_api_says_the_password_was_reset(client_for, admin, leader):
    services.user_password_reset(by=admin, user_id=leader.pk, password=TEMPORARY)
    response = client_for(User.objects.get(pk=leader.pk)).get("/api/v1/me")
    assert response.status_code == 403
    assert response.json() == {"detail": "管理员已重置您的密码，请先登录网页设置新密码"}


def test_api_tokens_issued_after_the_reset_are_not_stopped(api_client_for, admin, leader):
    services.user_password_reset(by=admin, user_id=leader.pk, password=TEMPORARY)
    response = api_client_for(User.objects.get(pk=leader.pk)).get("/api/v1/me")
    assert response.status_code == 200
