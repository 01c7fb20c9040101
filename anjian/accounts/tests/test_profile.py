"""The profile page: who I am, what I see, and changing my password."""

from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from anjian.accounts.models import User
from testsupport import world

PROFILE = reverse("accounts:profile")
NEW_PASSWORD = "Changed-password-2026"


def change(client, old, new1, new2=None):
    return client.post(
        PROFILE,
        {"pw-old_password": old, "pw-new_password1": new1, "pw-new_password2": new2 or new1},
    )


def test_the_profile_shows_role_scope_and_department(client_for, housing_official):
    page = client_for(housing_official).get(PROFILE).content.decode()
    assert "行业主管部门" in page
    assert "上海市杨浦区 · 建管委" in page
    assert "杨浦区建设和管理委员会" in page
    assert "尚未创建令牌" in page


def test_an_expert_without_scope_is_told_they_see_nothing(client_for, expert):
    page = client_for(expert).get(PROFILE).content.decode()
    assert "专家" in page
    assert "<dt>可见范围</dt><dd>无</dd>" in page


def test_changing_the_password_works_and_keeps_me_signed_in(client_for, leader):
    client = client_for(leader)
    response = change(client, world.PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == PROFILE
    user = User.objects.get(pk=leader.pk)
    assert user.check_password(NEW_PASSWORD)
    assert user.password.startswith("argon2$")
    page = client.get(PROFILE)
    assert page.status_code == 200
    assert "密码已修改" in page.content.decode()


def test_the_new_password_logs_in_and_the_old_one_no_longer_does(client_for, client, leader):
    change(client_for(leader), world.PASSWORD, NEW_PASSWORD)
    old = client.post(reverse("accounts:login"), {"username": "leader", "password": world.PASSWORD})
    assert old.status_code == 200
    new = client.post(reverse("accounts:login"), {"username": "leader", "password": NEW_PASSWORD})
    assert new.status_code == 302


def test_changing_the_password_signs_out_my_other_sessions(client_for, leader):
    other_browser = client_for(leader)
    assert other_browser.get(PROFILE).status_code == 200
    change(client_for(leader), world.PASSWORD, NEW_PASSWORD)
    response = other_browser.get(PROFILE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_wrong_old_password_changes_nothing(client_for, leader):
    response = change(client_for(leader), "not-my-password", NEW_PASSWORD)
    assert response.status_code == 200
    assert "你的旧密码不正确。请重新输入。" in response.content.decode()
    assert User.objects.get(pk=leader.pk).check_password(world.PASSWORD)


def test_mismatched_new_passwords_change_nothing(client_for, leader):
    response = change(client_for(leader), world.PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x")
    assert response.status_code == 200
    assert "输入的两个密码不一致。" in response.content.decode()
    assert User.objects.get(pk=leader.pk).check_password(world.PASSWORD)


def test_weak_new_passwords_are_refused(client_for, leader):
    client = client_for(leader)
    for weak in ("short-1", "1234567890123", "password1234"):
        response = change(client, world.PASSWORD, weak)
        assert response.status_code == 200, weak
        assert 'class="invalid-feedback d-block"' in response.content.decode(), weak
    assert User.objects.get(pk=leader.pk).check_password(world.PASSWORD)


def test_the_profile_needs_a_signed_in_user(client, db):
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={PROFILE}"


def test_a_password_change_keeps_the_session_key_valid(client_for, leader):
    client = client_for(leader)
    change(client, world.PASSWORD, NEW_PASSWORD)
    assert int(client.session[SESSION_KEY]) == leader.pk
