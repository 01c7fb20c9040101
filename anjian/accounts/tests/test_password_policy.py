"""The password policy (等保 2.0 身份鉴别): complexity, no reuse, a history of hashes only,
and API tokens revoked when a password changes (unless the owner keeps them)."""

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from anjian.accounts.models import ApiToken, PasswordHistory, User
from anjian.accounts.passwords import character_classes
from anjian.accounts.services import password_change
from anjian.core.tests.test_env import refused, start_settings
from anjian.web.management.commands.demo import DEFAULT_PASSWORD
from testsupport import world

PROFILE = reverse("accounts:profile")
ME = "/api/v1/me"
CLASSES_MESSAGE = "密码须包含大写字母、小写字母、数字、符号中的至少 3 类。"
REUSE_MESSAGE = "新密码不能与最近用过的 5 个密码（含当前密码）相同。"


def refusals(password, user=None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return error.messages
    return []


def change_on_profile(client, old, new, **extra):
    data = {"pw-old_password": old, "pw-new_password1": new, "pw-new_password2": new}
    return client.post(PROFILE, data | extra)


def edit_password_as_admin(client, name: str, password: str):
    user = world.actor(name)
    data = {
        "username": user.username,
        "name": user.name,
        "phone": user.phone,
        "role": user.role,
        "region": user.region_id or "",
        "department": user.department_id or "",
        "is_active": "on",
        "password1": password,
        "password2": password,
    }
    return client.post(reverse("accounts:user_edit", args=[user.pk]), data)


def bearer(raw: str) -> Client:
    return Client(headers={"authorization": f"Bearer {raw}"})


# --- the defaults ------------------------------------------------------------------------------


def test_the_defaults_are_ten_characters_three_classes_five_remembered_no_expiry():
    assert settings.PASSWORD_MIN_LENGTH == 10
    assert settings.PASSWORD_MIN_CLASSES == 3
    assert settings.PASSWORD_HISTORY == 5
    assert settings.PASSWORD_MAX_AGE_DAYS == 0


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "ANJIAN_PASSWORD_MIN_LENGTH",
            "6",
            "ANJIAN_PASSWORD_MIN_LENGTH=6 must be at least 8",
        ),
        (
            "ANJIAN_PASSWORD_MIN_CLASSES",
            "5",
            "ANJIAN_PASSWORD_MIN_CLASSES=5 must be 1–4 (lower-case, upper-case, digits, symbols)",
        ),
        (
            "ANJIAN_PASSWORD_MIN_CLASSES",
            "three",
            "ANJIAN_PASSWORD_MIN_CLASSES='three' is not an integer",
        ),
        ("ANJIAN_PASSWORD_HISTORY", "-1", "ANJIAN_PASSWORD_HISTORY=-1 must be at least 0"),
        (
            "ANJIAN_PASSWORD_MAX_AGE_DAYS",
            "90d",
            "ANJIAN_PASSWORD_MAX_AGE_DAYS='90d' is not an integer",
        ),
    ],
)
def test_a_bad_policy_value_stops_start_up(tmp_path, variable, value, message):
    assert refused(tmp_path, **{variable: value}) == message


def test_policy_values_are_read_from_the_environment(tmp_path):
    result = start_settings(
        tmp_path,
        ANJIAN_PASSWORD_MIN_LENGTH="12",
        ANJIAN_PASSWORD_MIN_CLASSES="4",
        ANJIAN_PASSWORD_HISTORY="0",
        ANJIAN_PASSWORD_MAX_AGE_DAYS="90",
    )
    assert result.returncode == 0, result.stderr


# --- complexity --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "weak",
    [
        "anjian2026",  # lower-case and digits
        "1111111111a",  # digits and one letter
        "ANJIAN-ANJIAN",  # upper-case and a symbol
        "safetyfirst!",  # lower-case and a symbol
    ],
)
def test_passwords_with_fewer_than_three_character_classes_are_refused(weak, db):
    assert CLASSES_MESSAGE in refusals(weak)


@pytest.mark.parametrize(
    "good",
    [
        DEFAULT_PASSWORD,  # the demo's Anquan@2026
        world.PASSWORD,  # the test world's actors
        "Another-pass-2026x",  # web/tests/access_setup.py (ACCOUNT_PASSWORD)
        "Brand-new-pass-2026",  # test_users
        "Changed-password-2026",  # test_profile
        "Anjian2026x",  # three classes without a symbol
        "anjian-2026x",  # three classes without upper-case
    ],
)
def test_the_demo_and_fixture_passwords_pass_the_policy(good, db):
    demo_admin = User(username="admin", name="系统管理员", role="admin")
    assert refusals(good, demo_admin) == []


def test_symbols_include_punctuation_spaces_and_chinese_characters():
    assert character_classes("a") == {"lower"}
    assert character_classes("A1 ") == {"upper", "digit", "symbol"}
    assert character_classes("安全Anquan2026") == {"lower", "upper", "digit", "symbol"}


def test_the_number_of_classes_follows_the_setting(settings, db):
    settings.PASSWORD_MIN_CLASSES = 4
    assert refusals("Anjian2026x") == ["密码须包含大写字母、小写字母、数字、符号中的至少 4 类。"]
    assert refusals(DEFAULT_PASSWORD) == []


def test_the_profile_page_refuses_a_simple_password_in_chinese(client_for, leader):
    response = change_on_profile(client_for(leader), world.PASSWORD, "anjian2026")
    assert response.status_code == 200
    assert CLASSES_MESSAGE in response.content.decode()
    assert User.objects.get(pk=leader.pk).check_password(world.PASSWORD)


def test_an_administrator_cannot_set_a_simple_password(client_for, admin, leader):
    response = edit_password_as_admin(client_for(admin), "leader", "1111111111a")
    assert response.status_code == 200
    assert CLASSES_MESSAGE in response.content.decode()
    assert world.actor("leader").check_password(world.PASSWORD)


def test_the_forms_explain_the_policy(client_for, admin):
    expected = "至少 10 位，包含大写字母、小写字母、数字、符号中的至少 3 类"
    assert expected in client_for(admin).get(PROFILE).content.decode()
    assert expected in client_for(admin).get(reverse("accounts:user_create")).content.decode()


# --- history -----------------------------------------------------------------------------------


def test_the_current_password_cannot_be_set_again(client_for, leader):
    response = change_on_profile(client_for(leader), world.PASSWORD, world.PASSWORD)
    assert response.status_code == 200
    assert REUSE_MESSAGE in response.content.decode()


def test_the_last_passwords_cannot_be_reused_and_older_ones_can(settings, leader):
    settings.PASSWORD_HISTORY = 2
    password_change(user=leader, password="First-new-pass-1")
    password_change(user=leader, password="Second-new-pass-2")
    message = "新密码不能与最近用过的 2 个密码（含当前密码）相同。"
    assert refusals("Second-new-pass-2", leader) == [message]
    assert refusals("First-new-pass-1", leader) == [message]
    assert refusals(world.PASSWORD, leader) == []  # three passwords ago


def test_reuse_is_refused_on_the_administrators_form_too(client_for, admin, leader):
    password_change(user=leader, password="First-new-pass-1")
    response = edit_password_as_admin(client_for(admin), "leader", world.PASSWORD)
    assert response.status_code == 200
    assert REUSE_MESSAGE in response.content.decode()


def test_the_history_holds_hashes_never_passwords(leader):
    password_change(user=leader, password="First-new-pass-1")
    stored = list(PasswordHistory.objects.filter(user=leader).values_list("password", flat=True))
    assert len(stored) == 2  # the world's password and the new one
    assert all(value.startswith("argon2$argon2id$") for value in stored)
    assert not any("First-new-pass-1" in value or world.PASSWORD in value for value in stored)
    assert stored[0] == User.objects.get(pk=leader.pk).password


def test_only_the_configured_number_of_hashes_is_kept(settings, leader):
    settings.PASSWORD_HISTORY = 2
    for n in range(3):
        password_change(user=leader, password=f"Rotating-pass-{n}x")
    assert PasswordHistory.objects.filter(user=leader).count() == 2
    settings.PASSWORD_HISTORY = 0
    password_change(user=leader, password="Rotating-pass-9x")
    assert not PasswordHistory.objects.filter(user=leader).exists()


def test_every_way_of_setting_a_password_is_recorded(client_for, admin, leader):
    before = leader.password_changed_at
    edit_password_as_admin(client_for(admin), "leader", "Set-by-admin-2026")
    assert PasswordHistory.objects.filter(user=leader).count() == 2
    assert world.actor("leader").password_changed_at > before
    created = User.objects.create_user("cli_user", password="Cli-created-2026", name="命令行")
    assert PasswordHistory.objects.filter(user=created).count() == 1


def test_saving_a_user_without_a_new_password_records_nothing(leader):
    before = leader.password_changed_at
    leader.name = "改名"
    leader.save()
    assert world.actor("leader").password_changed_at == before
    assert PasswordHistory.objects.filter(user=leader).count() == 1


def test_a_hash_upgrade_at_login_is_not_a_password_change(client, leader):
    User.objects.filter(pk=leader.pk).update(
        password=make_password(world.PASSWORD, hasher="pbkdf2_sha256")
    )
    before = world.actor("leader").password_changed_at
    client.post(reverse("accounts:login"), {"username": "leader", "password": world.PASSWORD})
    upgraded = world.actor("leader")
    assert upgraded.password.startswith("argon2$")
    assert upgraded.password_changed_at == before
    assert PasswordHistory.objects.filter(user=leader).count() == 1


# --- API tokens when the password changes ------------------------------------------------------


def test_a_password_set_by_an_administrator_revokes_the_users_tokens(client_for, admin, leader):
    _token, raw = ApiToken.issue(user=leader, name="对接")
    client = client_for(admin)
    response = edit_password_as_admin(client, "leader", "Set-by-admin-2026")
    assert response.status_code == 302
    assert bearer(raw).get(ME).status_code == 401
    page = client.get(reverse("accounts:user_list")).content.decode()
    assert "已设置新密码，其 API 令牌已全部吊销" in page


def test_an_administrators_edit_without_a_password_keeps_the_tokens(client_for, admin, leader):
    _token, raw = ApiToken.issue(user=leader, name="对接")
    edit_password_as_admin(client_for(admin), "leader", "")
    assert bearer(raw).get(ME).status_code == 200


def test_the_profile_asks_whether_to_keep_tokens_and_defaults_to_revoking(client_for, leader):
    page = client_for(leader).get(PROFILE).content.decode()
    assert "保留我的 API 令牌" in page
    assert 'name="pw-keep_tokens"' in page
    assert "checked" not in page.split('name="pw-keep_tokens"')[1].split(">")[0]


def test_changing_my_password_revokes_my_tokens_and_says_so(client_for, leader):
    client = client_for(leader)
    _first, raw = ApiToken.issue(user=leader, name="一")
    ApiToken.issue(user=leader, name="二")
    response = change_on_profile(client, world.PASSWORD, "Changed-password-2026")
    assert response.status_code == 302
    assert bearer(raw).get(ME).status_code == 401
    page = client.get(PROFILE).content.decode()
    assert "密码已修改。已吊销您的 2 个 API 令牌，使用它们的系统需换用新令牌。" in page


def test_i_may_keep_my_tokens_when_changing_my_password(client_for, leader):
    client = client_for(leader)
    _token, raw = ApiToken.issue(user=leader, name="对接")
    response = change_on_profile(
        client, world.PASSWORD, "Changed-password-2026", **{"pw-keep_tokens": "on"}
    )
    assert response.status_code == 302
    assert bearer(raw).get(ME).status_code == 200
    assert "密码已修改。按您的选择，1 个 API 令牌继续有效。" in client.get(PROFILE).content.decode()


def test_changing_my_password_without_tokens_just_says_it_changed(client_for, leader):
    client = client_for(leader)
    change_on_profile(client, world.PASSWORD, "Changed-password-2026")
    page = client.get(PROFILE).content.decode()
    assert "密码已修改。" in page
    assert "API 令牌继续有效" not in page and "已吊销您的" not in page
