"""The region pages (/regions/…) and the department and industry pages."""

import pytest
from django.urls import reverse

from anjian.accounts.roles import Role
from anjian.accounts.services import user_create_basic
from anjian.enterprises.models import Enterprise
from anjian.regions.models import Department, Industry, Region
from testsupport import world


def detail(code: str) -> str:
    return reverse("regions:region_detail", args=[code])


def add_child(code: str) -> str:
    return reverse("regions:region_add_child", args=[code])


def follow_messages(response) -> str:
    return " ".join(str(m) for m in response.wsgi_request._messages)


# --- /regions/ ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("admin", "31"),
        ("district_official", world.YANGPU),
        ("street_officer", world.YINHANG),
        ("grid_member", world.YINHANG + "W001"),
        ("housing_official", world.YANGPU),
        ("leader", world.YANGPU),
    ],
)
def test_the_region_list_opens_the_users_own_region(client_for, name, code, db):
    response = client_for(world.actor(name)).get(reverse("regions:region_list"))
    assert response.status_code == 302
    assert response["Location"] == detail(code)


@pytest.mark.parametrize("name", ["enterprise_manager", "expert"])
def test_roles_without_region_view_get_403(client_for, name, db):
    client = client_for(world.actor(name))
    assert client.get(reverse("regions:region_list")).status_code == 403
    assert client.get(detail(world.YINHANG)).status_code == 403


def test_a_district_page_lists_its_streets(client_for, district_official):
    response = client_for(district_official).get(detail(world.YANGPU))
    assert response.status_code == 200
    page = response.content.decode()
    for street in Region.objects.filter(parent_id=world.YANGPU):
        assert f'href="{detail(street.code)}">{street.name}</a>' in page
    assert "上海市杨浦区" in page


def test_breadcrumbs_stop_at_the_top_of_the_users_scope(client_for, street_officer):
    page = client_for(street_officer).get(detail(world.YINHANG + "W001")).content.decode()
    assert f'href="{detail(world.YINHANG)}">殷行街道</a>' in page
    assert f'href="{detail(world.YANGPU)}"' not in page


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("street_officer", world.PINGLIANG),  # the next street
        ("street_officer", world.YANGPU),  # the district above
        ("grid_member", world.YINHANG),  # the street above the grid
        ("neighbour_official", world.YANGPU),
        ("neighbour_official", world.YINHANG),
        ("district_official", world.HONGKOU),
        ("district_official", "31"),
        ("housing_official", world.HONGKOU),
    ],
)
def test_a_region_outside_scope_is_404(client_for, name, code, db):
    assert client_for(world.actor(name)).get(detail(code)).status_code == 404


def test_an_unknown_code_inside_scope_is_404(client_for, district_official):
    assert client_for(district_official).get(detail(world.YANGPU + "999")).status_code == 404


def test_the_add_child_form_is_offered_on_streets_to_managers_only(client_for, db):
    form_action = f'action="{add_child(world.YINHANG)}"'
    official = client_for(world.actor("district_official"))
    assert form_action in official.get(detail(world.YINHANG)).content.decode()
    assert "新增社区/网格" not in official.get(detail(world.YANGPU)).content.decode()
    leader = client_for(world.actor("leader"))
    assert form_action not in leader.get(detail(world.YINHANG)).content.decode()


# --- adding a community or grid ----------------------------------------------------------------


def test_an_officer_adds_a_grid_and_is_told_its_code(client_for, street_officer):
    response = client_for(street_officer).post(
        add_child(world.YINHANG), {"name": "第2网格", "level": "6"}
    )
    assert response.status_code == 302
    assert response["Location"] == detail(world.YINHANG)
    grid = Region.objects.get(code=world.YINHANG + "W002")
    assert grid.name == "第2网格"
    assert "已新增 第2网格（310110016W002）" in follow_messages(response)


def test_the_new_grid_page_shows_who_added_it(client_for, street_officer):
    client = client_for(street_officer)
    client.post(add_child(world.YINHANG), {"name": "第2网格", "level": "6"})
    page = client.get(detail(world.YINHANG + "W002")).content.decode()
    assert "street_officer" in page
    assert "创建" in page


def test_a_duplicate_name_is_refused_with_a_message(client_for, street_officer):
    response = client_for(street_officer).post(
        add_child(world.YINHANG), {"name": "第1网格", "level": "6"}
    )
    assert response.status_code == 302
    assert "同一上级区划下已有名为“第1网格”的区划" in follow_messages(response)
    assert Region.objects.filter(parent_id=world.YINHANG).count() == 1


def test_a_wrong_level_is_refused_with_a_message(client_for, district_official):
    response = client_for(district_official).post(
        add_child(world.YANGPU), {"name": "新网格", "level": "6"}
    )
    assert "上海市杨浦区 下不能新增该层级的区划" in follow_messages(response)
    assert not Region.objects.filter(name="新网格").exists()


def test_an_invalid_form_is_refused_with_a_message(client_for, street_officer):
    response = client_for(street_officer).post(add_child(world.YINHANG), {"name": "", "level": "4"})
    assert response.status_code == 302
    assert "这个字段是必填项。" in follow_messages(response)
    assert Region.objects.filter(parent_id=world.YINHANG).count() == 1


def test_read_only_roles_cannot_add(client_for, leader, inspector):
    for user in (leader, inspector):
        response = client_for(user).post(
            add_child(world.YINHANG), {"name": "第9网格", "level": "6"}
        )
        assert response.status_code == 403
    assert not Region.objects.filter(name="第9网格").exists()


def test_adding_under_a_region_outside_scope_is_404(client_for, street_officer):
    response = client_for(street_officer).post(
        add_child(world.PINGLIANG), {"name": "第9网格", "level": "6"}
    )
    assert response.status_code == 404
    assert not Region.objects.filter(name="第9网格").exists()


def test_adding_refuses_get(client_for, street_officer):
    assert client_for(street_officer).get(add_child(world.YINHANG)).status_code == 405


# --- departments and industries ----------------------------------------------------------------


DEPARTMENTS = reverse("regions:department_list")


def department(name: str) -> Department:
    return Department.objects.get(name=name)


def edit_department(name: str) -> str:
    return reverse("regions:department_edit", args=[department(name).pk])


def test_an_official_sees_the_departments_of_the_district_read_only(client_for, district_official):
    page = client_for(district_official).get(DEPARTMENTS).content.decode()
    assert "杨浦区应急管理局" in page
    assert "杨浦区建设和管理委员会" in page
    assert "虹口区应急管理局" not in page
    assert "/regions/departments/" + str(department("杨浦区应急管理局").pk) not in page
    assert reverse("regions:industry_create") not in page


def test_the_administrator_sees_every_department_with_edit_links(client_for, admin):
    page = client_for(admin).get(DEPARTMENTS).content.decode()
    assert "虹口区应急管理局" in page
    assert edit_department("杨浦区应急管理局") in page
    assert reverse("regions:industry_create") in page


@pytest.mark.parametrize("name", ["enterprise_manager", "expert"])
def test_roles_without_department_view_get_403(client_for, name, db):
    assert client_for(world.actor(name)).get(DEPARTMENTS).status_code == 403


@pytest.mark.parametrize(
    "name", ["district_official", "street_officer", "housing_official", "leader"]
)
def test_only_administrators_edit_departments_and_industries(client_for, name, db):
    client = client_for(world.actor(name))
    url = edit_department("杨浦区应急管理局")
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "改名"}).status_code == 403
    assert client.get(reverse("regions:industry_create")).status_code == 403
    industry = Industry.objects.get(code="gas")
    assert client.post(reverse("regions:industry_edit", args=[industry.pk])).status_code == 403
    assert department("杨浦区应急管理局").short_name == "应急局"


def department_form(dept: Department, **changes) -> dict:
    data = {
        "name": dept.name,
        "short_name": dept.short_name,
        "is_comprehensive": "on" if dept.is_comprehensive else "",
        "industries": [str(pk) for pk in dept.industries.values_list("pk", flat=True)],
        "sort_order": str(dept.sort_order),
        "is_active": "on" if dept.is_active else "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_moving_an_industry_re_derives_the_enterprises_supervising_department(client_for, admin):
    chemical = world.enterprise("yinhang_chemical")
    assert chemical.supervising_department.name == "杨浦区应急管理局"
    emergency = department("杨浦区应急管理局")
    housing = department("杨浦区建设和管理委员会")
    hazchem = str(Industry.objects.get(code="hazchem").pk)
    client = client_for(admin)
    remaining = [pk for pk in department_form(emergency)["industries"] if pk != hazchem]
    response = client.post(
        edit_department(emergency.name), department_form(emergency, industries=remaining)
    )
    assert response.status_code == 302
    # Nobody supervises 危化 now …
    assert world.enterprise("yinhang_chemical").supervising_department is None
    response = client.post(
        edit_department(housing.name),
        department_form(housing, industries=[*department_form(housing)["industries"], hazchem]),
    )
    assert response.status_code == 302
    assert "相关单位的监管部门已按新的行业分工更新" in follow_messages(response)
    # … and then 建管委 does.
    assert world.enterprise("yinhang_chemical").supervising_department == housing
    assert world.enterprise("yinhang_site").supervising_department == housing  # unchanged


def test_an_enterprise_with_a_department_set_by_hand_keeps_it(client_for, admin):
    housing = department("杨浦区建设和管理委员会")
    Enterprise.objects.filter(name=world.ENTERPRISE_NAMES["yinhang_chemical"]).update(
        supervising_department=housing, department_overridden=True
    )
    emergency = department("杨浦区应急管理局")
    client_for(admin).post(
        edit_department(emergency.name), department_form(emergency, industries=[])
    )
    assert world.enterprise("yinhang_chemical").supervising_department == housing


def test_deactivating_a_department_re_derives_to_the_next_one(client_for, admin):
    Department.objects.create(region_id="31", name="上海市应急管理局", short_name="市应急局")
    city = department("上海市应急管理局")
    city.industries.set(Industry.objects.filter(code="machinery"))
    emergency = department("杨浦区应急管理局")
    client_for(admin).post(
        edit_department(emergency.name), department_form(emergency, is_active="")
    )
    assert world.enterprise("pingliang_factory").supervising_department == city


def test_department_edits_are_in_the_history(client_for, admin):
    emergency = department("杨浦区应急管理局")
    client = client_for(admin)
    client.post(edit_department(emergency.name), department_form(emergency, short_name="区应急局"))
    page = client.get(edit_department(emergency.name)).content.decode()
    assert "区应急局" in page
    assert "管理员" in page


@pytest.fixture
def district_admin(db):
    return user_create_basic(
        username="yangpu_admin",
        name="杨浦管理员",
        phone="",
        role=Role.ADMIN,
        password=world.PASSWORD,
        region=Region.objects.get(code=world.YANGPU),
    )


def test_a_district_administrator_edits_the_districts_departments(client_for, district_admin):
    emergency = department("杨浦区应急管理局")
    response = client_for(district_admin).post(
        edit_department(emergency.name), department_form(emergency, short_name="区应急局")
    )
    assert response.status_code == 302
    assert department("杨浦区应急管理局").short_name == "区应急局"


def test_a_district_administrator_cannot_edit_another_districts_department(
    client_for, district_admin
):
    client = client_for(district_admin)
    hongkou = department("虹口区应急管理局")
    assert client.get(edit_department(hongkou.name)).status_code == 404
    assert (
        client.post(
            edit_department(hongkou.name), department_form(hongkou, short_name="x")
        ).status_code
        == 404
    )
    assert department("虹口区应急管理局").short_name == "应急局"


def test_a_district_administrator_sees_but_cannot_edit_the_city_department(
    client_for, district_admin
):
    city = Department.objects.create(region_id="31", name="上海市应急管理局", short_name="市应急局")
    client = client_for(district_admin)
    assert "上海市应急管理局" in client.get(DEPARTMENTS).content.decode()
    assert client.get(edit_department(city.name)).status_code == 404
    response = client.post(edit_department(city.name), department_form(city, short_name="改"))
    assert response.status_code == 404
    assert department("上海市应急管理局").short_name == "市应急局"


def test_the_administrator_adds_and_edits_an_industry(client_for, admin):
    client = client_for(admin)
    response = client.post(
        reverse("regions:industry_create"),
        {"code": "port", "name": "港口", "group": "交通", "sort_order": "300", "is_active": "on"},
    )
    assert response.status_code == 302
    port = Industry.objects.get(code="port")
    response = client.post(
        reverse("regions:industry_edit", args=[port.pk]),
        {"code": "port", "name": "港口码头", "group": "交通", "sort_order": "300"},
    )
    assert response.status_code == 302
    port.refresh_from_db()
    assert (port.name, port.is_active) == ("港口码头", False)


def test_industry_names_and_codes_are_unique(client_for, admin):
    response = client_for(admin).post(
        reverse("regions:industry_create"),
        {"code": "hazchem", "name": "危险化学品", "group": "危化", "sort_order": "1"},
    )
    assert response.status_code == 200
    assert Industry.objects.filter(code="hazchem").count() == 1


def test_a_deactivated_department_stays_listed_for_the_administrator_and_can_come_back(
    client_for, admin, district_official
):
    emergency = department("杨浦区应急管理局")
    client = client_for(admin)
    client.post(edit_department(emergency.name), department_form(emergency, is_active=""))
    assert not department("杨浦区应急管理局").is_active
    page = client.get(DEPARTMENTS).content.decode()
    assert edit_department("杨浦区应急管理局") in page
    assert "停用" in page
    # Officials only see the departments at work.
    assert "杨浦区应急管理局" not in client_for(district_official).get(DEPARTMENTS).content.decode()
    response = client.post(
        edit_department(emergency.name), department_form(department(emergency.name), is_active="on")
    )
    assert response.status_code == 302
    assert department("杨浦区应急管理局").is_active
