"""User.scope and User.can: what each role may do, and where."""

import pytest
from django.core.exceptions import ValidationError

from anjian.accounts import permissions as perms
from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.accounts.services import user_create_basic
from anjian.core.scoping import EMPTY, EVERYTHING
from anjian.enterprises import permissions as enterprise_perms
from anjian.regions import permissions as region_perms
from anjian.regions.models import Department, Industry, Region
from anjian.web import permissions as web_perms
from testsupport import world


def industry_codes(scope) -> set[str] | None:
    if scope.industry_ids is None:
        return None
    return set(Industry.objects.filter(pk__in=scope.industry_ids).values_list("code", flat=True))


@pytest.mark.parametrize(
    ("name", "prefix", "industries", "label"),
    [
        ("district_official", world.YANGPU, None, "上海市杨浦区"),
        ("street_officer", world.YINHANG, None, "上海市杨浦区殷行街道"),
        ("grid_member", world.YINHANG + "W001", None, "上海市杨浦区殷行街道第1网格"),
        ("neighbour_official", world.HONGKOU, None, "上海市虹口区"),
        (
            "housing_official",
            world.YANGPU,
            {"construction", "gas", "buildings", "municipal_facilities"},
            "上海市杨浦区 · 建管委",
        ),
        ("inspector", world.YANGPU, None, "上海市杨浦区"),
        ("leader", world.YANGPU, None, "上海市杨浦区"),
    ],
)
def test_region_roles_see_their_region_prefix(name, prefix, industries, label, db):
    scope = world.actor(name).scope
    assert not scope.everything
    assert scope.region_prefix == prefix
    assert industry_codes(scope) == industries
    assert scope.enterprise_id is None
    assert scope.label == label


def test_the_superuser_administrator_sees_everything(admin):
    assert admin.scope == EVERYTHING


def test_the_enterprise_manager_sees_their_enterprise_only(enterprise_manager):
    scope = enterprise_manager.scope
    assert scope.enterprise_id == world.enterprise("yinhang_chemical").pk
    assert scope.region_prefix is None
    assert scope.label == "上海殷行化工有限公司"


def test_an_expert_sees_nothing_of_the_registry(expert):
    assert expert.scope == EMPTY
    assert expert.scope.is_empty


def test_an_enterprise_account_without_an_enterprise_sees_nothing(db):
    orphan = User.objects.create(username="orphan", name="无单位", role=Role.ENTERPRISE)
    assert orphan.scope == EMPTY


def test_a_disabled_account_sees_nothing_and_may_do_nothing(district_official):
    district_official.is_active = False
    assert district_official.scope == EMPTY
    assert not district_official.can(web_perms.HOME_VIEW)


def test_a_region_role_without_a_region_sees_nothing(db):
    # Refused by clean(); the scope must still fail closed if such a row exists.
    stray = User.objects.create(username="stray", name="无区划", role=Role.SUPERVISOR)
    assert stray.scope == EMPTY


def test_a_district_administrator_who_is_not_a_superuser_sees_the_district(db):
    user = User.objects.create(
        username="yangpu_admin", name="x", role=Role.ADMIN, region_id=world.YANGPU
    )
    assert user.scope.region_prefix == world.YANGPU
    assert not user.scope.everything


def test_a_comprehensive_department_user_sees_every_industry(db):
    emergency = Department.objects.get(name="杨浦区应急管理局")
    assert emergency.is_comprehensive
    user = User.objects.create(
        username="yjj", name="x", role=Role.DEPARTMENT, region_id=world.YANGPU, department=emergency
    )
    assert user.scope.industry_ids is None


def test_a_department_with_no_industries_sees_nothing_in_its_region(db):
    empty = Department.objects.create(
        region_id=world.YANGPU, name="杨浦区空部门", short_name="空部门"
    )
    user = User.objects.create(
        username="empty", name="x", role=Role.DEPARTMENT, region_id=world.YANGPU, department=empty
    )
    assert user.scope.industry_ids == frozenset()


# --- clean() -----------------------------------------------------------------------------------


def test_a_department_user_must_have_a_department(db):
    with pytest.raises(ValidationError) as caught:
        user_create_basic(
            username="d",
            name="d",
            phone="",
            role=Role.DEPARTMENT,
            password=world.PASSWORD,
            region=Region.objects.get(code=world.YANGPU),
        )
    assert "行业主管部门用户必须指定所属部门" in str(caught.value)


def test_a_phone_number_must_look_like_one(db):
    with pytest.raises(ValidationError) as caught:
        user_create_basic(
            username="p", name="p", phone="12345", role=Role.EXPERT, password=world.PASSWORD
        )
    assert "请输入11位手机号或带区号的固定电话" in str(caught.value)


# --- can() -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "allowed", "refused"),
    [
        (
            "admin",
            {perms.USER_MANAGE, region_perms.DEPARTMENT_MANAGE, enterprise_perms.ENTERPRISE_ADD},
            set(),
        ),
        (
            "district_official",
            {enterprise_perms.ENTERPRISE_ADD, region_perms.REGION_MANAGE},
            {perms.USER_MANAGE, region_perms.DEPARTMENT_MANAGE},
        ),
        (
            "housing_official",
            {enterprise_perms.ENTERPRISE_ADD, enterprise_perms.ENTERPRISE_IMPORT},
            {region_perms.REGION_MANAGE, perms.USER_MANAGE},
        ),
        (
            "street_officer",
            {enterprise_perms.ENTERPRISE_ADD, region_perms.REGION_MANAGE},
            {perms.USER_MANAGE},
        ),
        (
            "inspector",
            {enterprise_perms.ENTERPRISE_VIEW, enterprise_perms.ENTERPRISE_EXPORT},
            {enterprise_perms.ENTERPRISE_ADD},
        ),
        (
            "leader",
            {enterprise_perms.ENTERPRISE_VIEW, perms.AUDIT_VIEW},
            {enterprise_perms.ENTERPRISE_CHANGE},
        ),
        (
            "enterprise_manager",
            {enterprise_perms.ENTERPRISE_VIEW, enterprise_perms.ENTERPRISE_CHANGE_OWN},
            {
                enterprise_perms.ENTERPRISE_CHANGE,
                enterprise_perms.ENTERPRISE_EXPORT,
                region_perms.REGION_VIEW,
            },
        ),
        (
            "expert",
            {web_perms.HOME_VIEW, perms.PROFILE},
            {enterprise_perms.ENTERPRISE_VIEW, region_perms.REGION_VIEW},
        ),
    ],
)
def test_each_role_may_do_what_the_one_map_grants(name, allowed, refused, db):
    user = world.actor(name)
    for action in allowed:
        assert user.can(action), (name, action)
    for action in refused:
        assert not user.can(action), (name, action)


def test_every_role_has_its_profile_and_home():
    for role in Role:
        assert perms.role_can(role, perms.PROFILE), role
        assert perms.role_can(role, web_perms.HOME_VIEW), role


def test_an_unknown_role_or_action_grants_nothing():
    assert not perms.role_can("superhero", web_perms.HOME_VIEW)
    assert not perms.role_can(Role.ADMIN, "enterprise.destroy")
