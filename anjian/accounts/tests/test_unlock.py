"""解除锁定: an administrator sees that an account is locked out and lifts the lock-out,
inside their own scope only, and the audit trail records who did it."""

import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

from anjian.accounts import services
from anjian.accounts.roles import Role
from anjian.accounts.services import user_create_basic
from anjian.core.exceptions import OutOfScope
from anjian.regions.models import Region
from testsupport import world

LOGIN = reverse("accounts:login")
LOCKED_MESSAGE = "该账号已被锁定（连续登录失败次数过多）"


@pytest.fixture
def district_admin(db):
    """A 杨浦区 system administrator who is not a superuser."""
    return user_create_basic(
        username="yangpu_admin",
        name="杨浦管理员",
        phone="",
        role=Role.ADMIN,
        password=world.PASSWORD,
        region=Region.objects.get(code=world.YANGPU),
    )


def lock_out(username: str, address: str = "127.0.0.1") -> None:
    client = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            LOGIN, {"username": username, "password": f"wrong-{attempt}"}, REMOTE_ADDR=address
        )
    assert response.status_code == 429


def log_in(username: str, address: str = "127.0.0.1") -> int:
    return (
        Client()
        .post(LOGIN, {"username": username, "password": world.PASSWORD}, REMOTE_ADDR=address)
        .status_code
    )


def edit_page(client, name: str) -> str:
    return client.get(reverse("accounts:user_edit", args=[world.actor(name).pk])).content.decode()


def unlock(client, name: str):
    return client.post(reverse("accounts:user_unlock", args=[world.actor(name).pk]))


def test_the_user_page_shows_a_lockout_and_the_unlock_button(client_for, admin, leader):
    lock_out("leader", "203.0.113.66")
    page = edit_page(client_for(admin), "leader")
    assert LOCKED_MESSAGE in page
    assert "地址 203.0.113.66：失败 5 次" in page
    assert f'action="{reverse("accounts:user_unlock", args=[leader.pk])}"' in page
    assert "解除锁定" in page


def test_an_account_that_is_not_locked_shows_no_lockout(client_for, admin, leader):
    client = Client()
    client.post(LOGIN, {"username": "leader", "password": "wrong"})
    page = edit_page(client_for(admin), "leader")
    assert LOCKED_MESSAGE not in page
    assert "解除锁定" not in page


def test_the_user_list_marks_locked_accounts(client_for, admin, leader):
    lock_out("leader")
    page = client_for(admin).get(reverse("accounts:user_list")).content.decode()
    row = page.split("<td>leader</td>", 1)[1].split("</tr>")[0]
    assert "已锁定" in row
    other = page.split("<td>inspector</td>", 1)[1].split("</tr>")[0]
    assert "已锁定" not in other


def test_unlocking_lets_the_user_log_in_again_at_every_address(client_for, admin, leader):
    lock_out("leader", "127.0.0.1")
    lock_out("leader", "203.0.113.66")
    assert log_in("leader") == 429
    client = client_for(admin)
    response = unlock(client, "leader")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user_edit", args=[leader.pk])
    assert not AccessAttempt.objects.filter(username="leader").exists()
    assert log_in("leader") == 302
    page = client.get(response["Location"]).content.decode()
    assert "已解除 leader 的登录锁定" in page
    assert LOCKED_MESSAGE not in page


def test_unlocking_is_recorded_in_the_users_audit_trail(client_for, admin, leader):
    lock_out("leader", "203.0.113.66")
    unlock(client_for(admin), "leader")
    entry = LogEntry.objects.get_for_object(leader).latest("timestamp")
    assert entry.actor == admin
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.changes_dict == {"登录锁定": ["203.0.113.66", "已解除"]}
    assert entry.additional_data == {"via": "解除登录锁定"}
    assert entry.remote_addr == "127.0.0.1"


def test_unlocking_an_account_that_is_not_locked_writes_nothing(client_for, admin, leader):
    before = LogEntry.objects.get_for_object(leader).count()
    client = client_for(admin)
    response = unlock(client, "leader")
    assert response.status_code == 302
    assert "leader 当前未被锁定" in client.get(response["Location"]).content.decode()
    assert LogEntry.objects.get_for_object(leader).count() == before


def test_a_double_click_unlocks_once(client_for, admin, leader):
    lock_out("leader")
    client = client_for(admin)
    unlock(client, "leader")
    unlock(client, "leader")
    unlocks = [e for e in LogEntry.objects.get_for_object(leader) if e.additional_data]
    assert len(unlocks) == 1


def test_unlocking_refuses_get(client_for, admin, leader):
    lock_out("leader")
    response = client_for(admin).get(reverse("accounts:user_unlock", args=[leader.pk]))
    assert response.status_code == 405
    assert AccessAttempt.objects.filter(username="leader").exists()


@pytest.mark.parametrize("name", ["district_official", "street_officer", "leader", "expert"])
def test_roles_that_do_not_manage_users_get_403(client_for, name, inspector):
    lock_out("inspector")
    assert unlock(client_for(world.actor(name)), "inspector").status_code == 403
    assert log_in("inspector") == 429


def test_a_district_administrator_unlocks_inside_the_district(client_for, district_admin):
    lock_out("street_officer")
    assert unlock(client_for(district_admin), "street_officer").status_code == 302
    assert log_in("street_officer") == 302


def test_a_district_administrator_cannot_unlock_an_account_elsewhere(client_for, district_admin):
    lock_out("neighbour_official")
    assert unlock(client_for(district_admin), "neighbour_official").status_code == 404
    assert log_in("neighbour_official") == 429


def test_the_service_refuses_an_account_outside_the_administrators_scope(district_admin):
    lock_out("neighbour_official")
    with pytest.raises(OutOfScope):
        services.user_unlock(by=district_admin, user=world.actor("neighbour_official"))
    assert AccessAttempt.objects.filter(username="neighbour_official").exists()
