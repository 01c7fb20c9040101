"""User management: administrators only, and a district administrator only inside the district."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.accounts.services import user_create_basic
from anjian.regions.models import Department, Region
from testsupport import world

LIST = reverse("accounts:user_list")
CREATE = reverse("accounts:user_create")
PASSWORD = "Brand-new-pass-2026"


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


def form(**overrides) -> dict:
    data = {
        "username": "new_officer",
        "name": "新同事",
        "phone": "13900001111",
        "role": Role.STREET,
        "region": world.PINGLIANG,
        "department": "",
        "is_active": "on",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return data


def listed(client, query="") -> set[str]:
    page = client.get(LIST, {"q": query} if query else {}).content.decode()
    return {
        name for name in User.objects.values_list("username", flat=True) if f"<td>{name}" in page
    }


# --- who may manage users ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", [actor for actor in world.ACTORS if actor != "admin"], ids=lambda name: name
)
def test_roles_other_than_administrator_get_403(client_for, name, db):
    client = client_for(world.actor(name))
    assert client.get(LIST).status_code == 403
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, form()).status_code == 403
    edit = reverse("accounts:user_edit", args=[world.actor("leader").pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, form(username="leader")).status_code == 403
    assert not User.objects.filter(username="new_officer").exists()


def test_anonymous_visitors_are_sent_to_login(client, db):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- the list ----------------------------------------------------------------------------------


def test_the_administrator_lists_every_account(client_for, admin):
    assert listed(client_for(admin)) >= set(world.ACTORS)


def test_a_district_administrator_lists_the_districts_accounts_only(client_for, district_admin):
    seen = listed(client_for(district_admin))
    assert "district_official" in seen
    assert "grid_member" in seen
    assert "enterprise_manager" in seen  # an enterprise in the district
    assert "neighbour_official" not in seen
    assert "expert" not in seen  # no region: outside every district
    assert "admin" not in seen


def test_the_list_searches_username_name_and_phone(client_for, admin):
    User.objects.filter(username="leader").update(name="杨领导", phone="13912345678")
    client = client_for(admin)
    assert listed(client, "lead") == {"leader"}
    assert listed(client, "杨领导") == {"leader"}
    assert listed(client, "1391234") == {"leader"}


# --- creating ----------------------------------------------------------------------------------


def test_the_administrator_creates_an_account(client_for, admin):
    response = client_for(admin).post(CREATE, form())
    assert response.status_code == 302
    assert response["Location"] == LIST
    user = User.objects.get(username="new_officer")
    assert (user.role, user.region_id, user.name) == (Role.STREET, world.PINGLIANG, "新同事")
    assert user.password.startswith("argon2$")
    assert user.check_password(PASSWORD)
    assert user.scope.region_prefix == world.PINGLIANG


def test_a_district_administrator_creates_an_account_inside_the_district(
    client_for, district_admin
):
    response = client_for(district_admin).post(CREATE, form())
    assert response.status_code == 302
    assert User.objects.filter(username="new_officer", region_id=world.PINGLIANG).exists()


def test_a_district_administrator_cannot_create_an_account_in_another_district(
    client_for, district_admin
):
    hongkou_street = Region.objects.filter(parent_id=world.HONGKOU).order_by("code").first()
    for region in (world.HONGKOU, hongkou_street.code, "31"):
        response = client_for(district_admin).post(CREATE, form(region=region))
        assert response.status_code == 200, region
        assert "选择一个有效的选项" in response.content.decode()
    assert not User.objects.filter(username="new_officer").exists()


def test_a_district_administrator_cannot_create_an_account_without_a_region(
    client_for, district_admin
):
    # An account with no region would sit outside the administrator's district.
    response = client_for(district_admin).post(CREATE, form(role=Role.EXPERT, region=""))
    assert response.status_code == 200
    assert "您只能创建本辖区内的用户" in response.content.decode()
    assert not User.objects.filter(username="new_officer").exists()


def test_the_region_choices_are_limited_to_the_administrators_district(client_for, district_admin):
    page = client_for(district_admin).get(CREATE).content.decode()
    assert f'value="{world.YINHANG}"' in page
    assert f'value="{world.HONGKOU}"' not in page


def test_enterprise_accounts_are_not_created_here(client_for, admin):
    page = client_for(admin).get(CREATE).content.decode()
    assert 'value="enterprise"' not in page
    response = client_for(admin).post(CREATE, form(role=Role.ENTERPRISE, region=""))
    assert response.status_code == 200
    assert not User.objects.filter(username="new_officer").exists()


def test_a_department_user_needs_a_department(client_for, admin):
    response = client_for(admin).post(CREATE, form(role=Role.DEPARTMENT, region=world.YANGPU))
    assert response.status_code == 200
    assert "行业主管部门用户必须指定所属部门" in response.content.decode()
    assert not User.objects.filter(username="new_officer").exists()


def test_a_department_outside_the_users_region_is_refused(client_for, admin):
    hongkou_housing = Department.objects.get(name="虹口区建设和管理委员会")
    response = client_for(admin).post(
        CREATE,
        form(role=Role.DEPARTMENT, region=world.YANGPU, department=hongkou_housing.pk),
    )
    assert response.status_code == 200
    assert "所属部门不在管辖区划内" in response.content.decode()


def test_a_region_role_needs_a_region(client_for, admin):
    response = client_for(admin).post(CREATE, form(role=Role.LEADER, region=""))
    assert response.status_code == 200
    assert "该角色必须指定管辖区划" in response.content.decode()
    assert not User.objects.filter(username="new_officer").exists()


def test_mismatched_and_weak_passwords_are_refused(client_for, admin):
    client = client_for(admin)
    mismatch = client.post(CREATE, form(password2=PASSWORD + "x"))
    assert "两次输入的密码不一致" in mismatch.content.decode()
    weak = client.post(CREATE, form(password1="12345678", password2="12345678"))
    assert weak.status_code == 200
    assert not User.objects.filter(username="new_officer").exists()


def test_a_password_is_required_for_a_new_account(client_for, admin):
    response = client_for(admin).post(CREATE, form(password1="", password2=""))
    assert response.status_code == 200
    assert not User.objects.filter(username="new_officer").exists()


def test_usernames_are_unique(client_for, admin):
    response = client_for(admin).post(CREATE, form(username="leader"))
    assert response.status_code == 200
    assert User.objects.filter(username="leader").count() == 1


# --- editing -----------------------------------------------------------------------------------


def edit_url(name: str) -> str:
    return reverse("accounts:user_edit", args=[world.actor(name).pk])


def current(name: str) -> dict:
    user = world.actor(name)
    return form(
        username=user.username,
        name=user.name,
        phone=user.phone,
        role=user.role,
        region=user.region_id or "",
        department=user.department_id or "",
        password1="",
        password2="",
    )


def test_editing_without_a_password_keeps_the_password(client_for, admin):
    data = current("leader") | {"name": "杨浦区分管领导"}
    response = client_for(admin).post(edit_url("leader"), data)
    assert response.status_code == 302
    leader = world.actor("leader")
    assert leader.name == "杨浦区分管领导"
    assert leader.check_password(world.PASSWORD)


def test_editing_with_a_password_sets_it(client_for, admin):
    data = current("leader") | {"password1": PASSWORD, "password2": PASSWORD}
    assert client_for(admin).post(edit_url("leader"), data).status_code == 302
    assert world.actor("leader").check_password(PASSWORD)


def test_disabling_an_account_empties_its_scope(client_for, admin):
    data = current("leader")
    del data["is_active"]
    assert client_for(admin).post(edit_url("leader"), data).status_code == 302
    leader = world.actor("leader")
    assert not leader.is_active
    assert leader.scope.is_empty


def test_a_district_administrator_cannot_see_or_edit_an_account_elsewhere(
    client_for, district_admin
):
    client = client_for(district_admin)
    assert client.get(edit_url("neighbour_official")).status_code == 404
    data = current("neighbour_official") | {"name": "改名"}
    assert client.post(edit_url("neighbour_official"), data).status_code == 404
    assert world.actor("neighbour_official").name == "neighbour_official"


def test_a_district_administrator_cannot_move_an_account_out_of_the_district(
    client_for, district_admin
):
    data = current("leader") | {"region": world.HONGKOU}
    response = client_for(district_admin).post(edit_url("leader"), data)
    assert response.status_code == 200
    assert world.actor("leader").region_id == world.YANGPU


def test_editing_a_missing_account_is_404(client_for, admin):
    assert client_for(admin).get(reverse("accounts:user_edit", args=[999999])).status_code == 404


# --- last login --------------------------------------------------------------------------------


def row_of(page: str, username: str) -> str:
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.S)
    return next(row for row in rows if f"<td>{username}" in row)


def test_the_list_shows_each_accounts_last_login(client_for, admin):
    at = datetime(2026, 11, 30, 9, 15, tzinfo=ZoneInfo("Asia/Shanghai"))
    User.objects.filter(username="leader").update(last_login=at)
    User.objects.filter(username="inspector").update(last_login=None)
    page = client_for(admin).get(LIST).content.decode()
    assert "最近登录" in page
    assert "2026-11-30 09:15" in row_of(page, "leader")
    assert "从未登录" in row_of(page, "inspector")
    assert "从未登录" not in row_of(page, "leader")


def test_the_user_page_shows_the_last_login_and_offers_a_password_reset(client_for, admin):
    at = datetime(2026, 12, 1, 18, 5, tzinfo=ZoneInfo("Asia/Shanghai"))
    User.objects.filter(username="leader").update(last_login=at)
    page = client_for(admin).get(edit_url("leader")).content.decode()
    activity = re.search(r'id="account-activity".*?</div>\s*</div>', page, re.S).group()
    assert "最近登录" in activity
    assert "2026-12-01 18:05" in activity
    assert reverse("accounts:user_password_reset", args=[world.actor("leader").pk]) in page


def test_an_account_that_never_logged_in_says_so(client_for, admin):
    User.objects.filter(username="inspector").update(last_login=None)
    page = client_for(admin).get(edit_url("inspector")).content.decode()
    activity = re.search(r'id="account-activity".*?</div>\s*</div>', page, re.S).group()
    assert "从未登录" in activity


def test_the_list_offers_a_password_reset_for_others_not_oneself(client_for, admin):
    page = client_for(admin).get(LIST).content.decode()
    leader = world.actor("leader")
    assert reverse("accounts:user_password_reset", args=[leader.pk]) in row_of(page, "leader")
    assert "重置密码" not in row_of(page, "admin")
