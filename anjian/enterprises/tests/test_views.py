"""The registry pages: list (filters, sorting, htmx), detail with history, create, edit, helpers."""

import re
from datetime import timedelta
from itertools import count

from auditlog.context import set_actor
from django.urls import reverse
from django.utils import timezone

from anjian.enterprises import services
from anjian.enterprises.models import Enterprise
from anjian.regions.choices import RegionLevel
from anjian.regions.models import Industry, Region
from anjian.regions.services import region_add_child
from testsupport import world

LIST = reverse("enterprises:enterprise_list")
CREATE = reverse("enterprises:enterprise_create")
HTMX = {"HX-Request": "true", "HX-Target": "results"}
_codes = count(300)


def make(**overrides) -> Enterprise:
    """An extra enterprise in 殷行街道 (override what the test is about)."""
    admin = world.actor("admin")
    data = world.enterprise_data(credit_code=world.credit_code(next(_codes)))
    for key in ("street", "industry"):
        if isinstance(overrides.get(key), str):
            model = Region if key == "street" else Industry
            overrides[key] = model.objects.get(code=overrides[key])
    data.update(overrides)
    with set_actor(admin):
        return services.enterprise_create(by=admin, data=data)


def listed(response) -> list[str]:
    """Names of the enterprises in the results table, in the order shown."""
    assert response.status_code == 200, response.content.decode()[:2000]
    html = response.content.decode()
    ids = list(
        dict.fromkeys(int(pk) for pk in re.findall(r'<a [^>]*href="/enterprises/(\d+)/"', html))
    )
    names = dict(Enterprise.objects.filter(pk__in=ids).values_list("pk", "name"))
    return [names[pk] for pk in ids]


def names(*world_names: str) -> set[str]:
    return {world.ENTERPRISE_NAMES[n] for n in world_names}


# --- list: search and filters ----------------------------------------------------------


def test_the_list_shows_the_whole_scope_without_filters(client_for, district_official, enterprises):
    shown = listed(client_for(district_official).get(LIST))
    assert set(shown) == names("yinhang_chemical", "yinhang_site", "pingliang_factory")


def test_searching_two_chinese_characters_finds_the_enterprises_containing_them(
    client_for, district_official, enterprises
):
    shown = listed(client_for(district_official).get(LIST, {"q": "殷行"}))
    assert set(shown) == names("yinhang_chemical", "yinhang_site")


def test_search_matches_the_address_and_people_too(client_for, district_official, enterprises):
    make(name="上海某某贸易有限公司", address="上海市杨浦区黄兴路88号", principal_name="欧阳娜娜")
    client = client_for(district_official)
    assert listed(client.get(LIST, {"q": "黄兴路"})) == ["上海某某贸易有限公司"]
    assert listed(client.get(LIST, {"q": "欧阳"})) == ["上海某某贸易有限公司"]


def test_search_terms_separated_by_spaces_must_all_match(
    client_for, district_official, enterprises
):
    shown = listed(client_for(district_official).get(LIST, {"q": "殷行 化工"}))
    assert shown == [world.ENTERPRISE_NAMES["yinhang_chemical"]]


def test_searching_a_credit_code_finds_exactly_that_enterprise(
    client_for, district_official, enterprises
):
    code = enterprises["pingliang_factory"].credit_code
    client = client_for(district_official)
    assert listed(client.get(LIST, {"q": code})) == [world.ENTERPRISE_NAMES["pingliang_factory"]]
    assert listed(client.get(LIST, {"q": code.lower()})) == [
        world.ENTERPRISE_NAMES["pingliang_factory"]
    ]


def test_search_never_reaches_outside_the_scope(client_for, street_officer, enterprises):
    shown = listed(client_for(street_officer).get(LIST, {"q": "有限公司"}))
    assert set(shown) == names("yinhang_chemical", "yinhang_site")


def test_filtering_by_street(client_for, district_official, enterprises):
    shown = listed(client_for(district_official).get(LIST, {"street": world.PINGLIANG}))
    assert shown == [world.ENTERPRISE_NAMES["pingliang_factory"]]


def test_a_street_outside_the_scope_is_an_invalid_filter_not_a_peek(
    client_for, street_officer, enterprises
):
    response = client_for(street_officer).get(LIST, {"street": world.PINGLIANG})
    assert set(listed(response)) == names("yinhang_chemical", "yinhang_site")
    assert "筛选条件有误" in response.content.decode()


def test_filtering_by_industry(client_for, district_official, enterprises):
    shown = listed(client_for(district_official).get(LIST, {"industry": "construction"}))
    assert shown == [world.ENTERPRISE_NAMES["yinhang_site"]]


def test_filtering_by_supervision_grade(client_for, district_official, enterprises):
    make(name="甲类重点公司", supervision_grade="A")
    make(name="丁类低风险公司", supervision_grade="D")
    client = client_for(district_official)
    assert listed(client.get(LIST, {"supervision_grade": "A"})) == ["甲类重点公司"]
    assert listed(client.get(LIST, {"supervision_grade": "D"})) == ["丁类低风险公司"]


def test_filtering_by_key_flags_requires_every_chosen_flag(
    client_for, district_official, enterprises
):
    make(name="涉氨和有限空间公司", ammonia_refrigeration=True, confined_space=True)
    make(name="只涉氨公司", ammonia_refrigeration=True)
    client = client_for(district_official)
    assert set(listed(client.get(LIST, {"flag": "ammonia_refrigeration"}))) == {
        "涉氨和有限空间公司",
        "只涉氨公司",
    }
    both = client.get(LIST, {"flag": ["ammonia_refrigeration", "confined_space"]})
    assert listed(both) == ["涉氨和有限空间公司"]


def test_filtering_by_insurance_expiry(client_for, district_official, enterprises):
    today = timezone.localdate()
    make(name="保险测试已过期", insured_until=today - timedelta(days=1))
    make(name="保险测试将到期", insured_until=today + timedelta(days=30))
    make(name="保险测试长期有效", insured_until=today + timedelta(days=400))
    make(name="保险测试未填写", insured_until=None)
    make(name="保险测试今天到期", insured_until=today)
    client = client_for(district_official)

    def shown(state):
        return set(listed(client.get(LIST, {"q": "保险测试", "insurance": state})))

    assert shown("expired") == {"保险测试已过期"}
    assert shown("soon") == {"保险测试将到期", "保险测试今天到期"}
    assert shown("valid") == {"保险测试将到期", "保险测试长期有效", "保险测试今天到期"}
    assert shown("none") == {"保险测试未填写"}


def test_the_active_filters_are_spelled_out_above_the_results(
    client_for, district_official, enterprises
):
    response = client_for(district_official).get(
        LIST, {"industry": "construction", "supervision_grade": "B"}
    )
    html = response.content.decode()
    assert "监管行业：建筑施工" in html
    assert "监管等级：B类（较重点）" in html


# --- list: sorting and paging ----------------------------------------------------------


def test_sorting_by_employees_both_ways(client_for, district_official, enterprises):
    make(name="排序大公司", employees=5000)
    make(name="排序小公司", employees=1)
    client = client_for(district_official)
    descending = listed(client.get(LIST, {"sort": "-employees"}))
    ascending = listed(client.get(LIST, {"sort": "employees"}))
    assert (descending[0], descending[-1]) == ("排序大公司", "排序小公司")
    assert (ascending[0], ascending[-1]) == ("排序小公司", "排序大公司")
    assert len(ascending) == len(descending) == 5


def test_the_default_order_is_by_name(client_for, district_official, enterprises):
    shown = listed(client_for(district_official).get(LIST))
    assert shown == sorted(shown)
    assert listed(client_for(district_official).get(LIST, {"sort": "-name"})) == sorted(
        shown, reverse=True
    )


def test_the_list_pages_by_fifty(client_for, admin, district_official, enterprises):
    rows = []
    resolver = services.DepartmentResolver()
    for n in range(60):
        enterprise = Enterprise(
            **world.enterprise_data(
                name=f"分页测试{n:02d}", credit_code=world.credit_code(2000 + n)
            )
        )
        services.prepare_for_bulk(enterprise, by=admin, departments=resolver)
        rows.append(enterprise)
    services.enterprise_bulk_create(by=admin, enterprises=rows)
    client = client_for(district_official)
    first = listed(client.get(LIST, {"q": "分页测试"}))
    second = listed(client.get(LIST, {"q": "分页测试", "page": 2}))
    assert first == [f"分页测试{n:02d}" for n in range(50)]
    assert second == [f"分页测试{n:02d}" for n in range(50, 60)]
    assert "共 60 条" in client.get(LIST, {"q": "分页测试"}).content.decode()


# --- list: htmx ----------------------------------------------------------------------


def test_an_htmx_request_for_the_results_gets_only_the_results_fragment(
    client_for, district_official, enterprises
):
    response = client_for(district_official).get(LIST, {"q": "殷行"}, headers=HTMX)
    html = response.content.decode()
    assert set(listed(response)) == names("yinhang_chemical", "yinhang_site")
    assert html.lstrip().startswith('<div class="card" id="results"')
    assert "<html" not in html
    assert 'id="filter-form"' not in html


def test_an_htmx_request_for_another_target_gets_the_whole_page(
    client_for, district_official, enterprises
):
    response = client_for(district_official).get(
        LIST, headers={"HX-Request": "true", "HX-Target": "main"}
    )
    html = response.content.decode()
    assert "<html" in html
    assert 'id="filter-form"' in html


# --- detail -------------------------------------------------------------------------


def test_the_detail_page_shows_the_record(client_for, street_officer, enterprises):
    chemical = enterprises["yinhang_chemical"]
    html = client_for(street_officer).get(chemical.get_absolute_url()).content.decode()
    assert chemical.name in html
    assert chemical.credit_code in html
    assert "杨浦区应急管理局" in html
    assert "enterprise_manager" in html  # the linked enterprise account


def test_the_detail_page_shows_who_changed_what(client_for, district_official, enterprises):
    chemical = enterprises["yinhang_chemical"]
    client = client_for(district_official)
    data = world.form_data(
        name=chemical.name,
        credit_code=chemical.credit_code,
        grid=chemical.grid_id,
        employees="300",
        version=chemical.version,
    )
    response = client.post(reverse("enterprises:enterprise_edit", args=[chemical.pk]), data)
    assert response.status_code == 302, response.content.decode()[-2000:]

    html = client.get(chemical.get_absolute_url()).content.decode()
    history = html[html.index('id="history"') :]
    entries = history.split("data-audit-entry")[1:]
    newest = entries[0]
    assert "修改" in newest
    assert str(district_official) in newest
    row = re.search(r"<td[^>]*>从业人员数</td><td>(.*?)</td><td>(.*?)</td>", newest)
    assert row is not None, newest
    assert row.groups() == ("120", "300")
    assert "创建" in entries[-1]
    assert "管理员（admin）" in entries[-1]


def test_the_detail_page_of_a_bulk_imported_enterprise_says_so(
    client_for, admin, district_official
):
    enterprise = Enterprise(**world.enterprise_data(credit_code=world.credit_code(310)))
    services.prepare_for_bulk(enterprise, by=admin, departments=services.DepartmentResolver())
    (created,) = services.enterprise_bulk_create(by=admin, enterprises=[enterprise])
    html = client_for(district_official).get(created.get_absolute_url()).content.decode()
    assert "批量导入" in html


def test_only_editors_see_the_edit_button(client_for, leader, enterprise_manager, enterprises):
    chemical = enterprises["yinhang_chemical"]
    edit = reverse("enterprises:enterprise_edit", args=[chemical.pk])
    assert edit not in client_for(leader).get(chemical.get_absolute_url()).content.decode()
    assert edit in client_for(enterprise_manager).get(chemical.get_absolute_url()).content.decode()


# --- create -------------------------------------------------------------------------


def test_creating_an_enterprise_redirects_to_it(client_for, street_officer):
    response = client_for(street_officer).post(CREATE, world.form_data(name="新登记的公司"))
    enterprise = Enterprise.objects.get(name="新登记的公司")
    assert response.status_code == 302
    assert response["Location"] == enterprise.get_absolute_url()
    assert enterprise.created_by == street_officer
    assert enterprise.supervising_department.name == "杨浦区应急管理局"


def test_the_form_normalises_the_codes_people_type(client_for, district_official):
    page = client_for(district_official).get(CREATE).content.decode()
    assert re.search(r'<input[^>]*name="credit_code"[^>]*maxlength="32"', page)
    code = world.credit_code(320)
    response = client_for(district_official).post(
        CREATE,
        world.form_data(
            name="规范化公司", credit_code=f" {code[:9]}-{code[9:]}".lower(), economic_code="2614"
        ),
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    enterprise = Enterprise.objects.get(name="规范化公司")
    assert (enterprise.credit_code, enterprise.economic_code) == (code, "C2614")


def test_creating_with_errors_answers_422_with_chinese_field_errors_and_keeps_the_input(
    client_for, district_official
):
    bad_code = world.credit_code(321)[:-1] + ("0" if world.credit_code(321)[-1] != "0" else "1")
    before = Enterprise.objects.count()
    response = client_for(district_official).post(
        CREATE,
        world.form_data(
            name="保留输入的公司",
            credit_code=bad_code,
            economic_code="E2614",
            principal_phone="123",
            employees="很多",
        ),
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert Enterprise.objects.count() == before
    assert "校验位错误" in html
    assert "不属于门类 E" in html
    assert "输入整数。" in html
    assert 'value="保留输入的公司"' in html
    assert f'value="{bad_code}"' in html
    assert "处需要修改" in html


def test_creating_a_duplicate_answers_422_naming_the_existing_enterprise(
    client_for, district_official, enterprises
):
    response = client_for(district_official).post(
        CREATE, world.form_data(credit_code=enterprises["pingliang_factory"].credit_code)
    )
    assert response.status_code == 422
    assert "上海平凉机械制造有限公司" in response.content.decode()


def test_a_duplicate_is_named_even_when_other_fields_are_wrong_too(
    client_for, district_official, enterprises
):
    response = client_for(district_official).post(
        CREATE,
        world.form_data(
            credit_code=enterprises["pingliang_factory"].credit_code, principal_phone="123"
        ),
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "上海平凉机械制造有限公司" in html
    assert "统一社会信用代码已存在" not in html  # the model's message names nobody


def test_creating_outside_the_scope_answers_422_on_the_street(client_for, street_officer):
    before = Enterprise.objects.count()
    response = client_for(street_officer).post(CREATE, world.form_data(street=world.PINGLIANG))
    assert response.status_code == 422
    assert "街镇不存在或不在您的管辖范围内" in response.content.decode()
    assert Enterprise.objects.count() == before


def test_coordinates_outside_the_deployment_are_refused(client_for, district_official):
    response = client_for(district_official).post(
        CREATE,
        world.form_data(latitude="39.9", longitude="116.4"),  # 北京
    )
    assert response.status_code == 422
    assert "请使用WGS-84经纬度" in response.content.decode()


# --- edit ---------------------------------------------------------------------------


def _edit_data(enterprise: Enterprise, **overrides) -> dict:
    data = {
        "name": enterprise.name,
        "credit_code": enterprise.credit_code,
        "street": enterprise.street_id,
        "grid": enterprise.grid_id or "",
        "industry": enterprise.industry.code,
        "economic_code": enterprise.economic_code,
        "version": enterprise.version,
    }
    data.update(overrides)
    return world.form_data(**data)


def test_the_edit_form_carries_the_version_it_was_read_at(
    client_for, district_official, enterprises
):
    chemical = enterprises["yinhang_chemical"]
    html = (
        client_for(district_official)
        .get(reverse("enterprises:enterprise_edit", args=[chemical.pk]))
        .content.decode()
    )
    assert re.search(r'<input type="hidden" name="version" value="1"', html)


def test_editing_saves_and_redirects(client_for, district_official, enterprises):
    chemical = enterprises["yinhang_chemical"]
    response = client_for(district_official).post(
        reverse("enterprises:enterprise_edit", args=[chemical.pk]),
        _edit_data(chemical, supervision_grade="A"),
    )
    assert response.status_code == 302
    chemical.refresh_from_db()
    assert (chemical.supervision_grade, chemical.version) == ("A", 2)


def test_an_edit_conflict_answers_409_with_the_conflict_message(
    client_for, district_official, street_officer, enterprises
):
    chemical = enterprises["yinhang_chemical"]
    url = reverse("enterprises:enterprise_edit", args=[chemical.pk])
    stale = _edit_data(chemical, supervision_grade="D")
    first = client_for(street_officer).post(url, _edit_data(chemical, supervision_grade="A"))
    assert first.status_code == 302

    response = client_for(district_official).post(url, stale)
    html = response.content.decode()
    assert response.status_code == 409
    assert "该记录已被他人修改，请刷新页面后重新编辑。" in html
    assert "重新打开最新版本" in html
    chemical.refresh_from_db()
    assert (chemical.supervision_grade, chemical.version) == ("A", 2)


def test_an_edit_moving_the_enterprise_out_of_scope_answers_422_and_changes_nothing(
    client_for, street_officer, enterprises
):
    site = enterprises["yinhang_site"]
    response = client_for(street_officer).post(
        reverse("enterprises:enterprise_edit", args=[site.pk]),
        _edit_data(site, street=world.PINGLIANG),
    )
    assert response.status_code == 422
    site.refresh_from_db()
    assert site.street_id == world.YINHANG


def test_the_enterprise_manager_edits_only_the_self_maintained_fields(
    client_for, enterprise_manager, enterprises
):
    chemical = enterprises["yinhang_chemical"]
    url = reverse("enterprises:enterprise_edit", args=[chemical.pk])
    client = client_for(enterprise_manager)
    html = client.get(url).content.decode()
    assert 'name="employees"' in html
    assert 'name="name"' not in html
    assert 'name="supervision_grade"' not in html

    response = client.post(
        url,
        {
            "legal_representative": "张三",
            "principal_name": "陈七",
            "principal_phone": "13911112222",
            "safety_manager_name": "",
            "safety_manager_phone": "",
            "employees": "88",
            "version": "1",
            "name": "企业想改名",  # not on its form: ignored
            "supervision_grade": "D",
        },
    )
    assert response.status_code == 302
    chemical.refresh_from_db()
    assert (chemical.principal_name, chemical.employees) == ("陈七", 88)
    assert chemical.name == "上海殷行化工有限公司"
    assert chemical.supervision_grade == "B"


def test_read_only_roles_cannot_open_the_edit_page(client_for, leader, inspector, enterprises):
    url = reverse("enterprises:enterprise_edit", args=[enterprises["yinhang_chemical"].pk])
    assert client_for(leader).get(url).status_code == 403
    assert client_for(inspector).post(url, {}).status_code == 403


# --- grid options and map -------------------------------------------------------------


def test_grid_options_are_the_grids_of_the_chosen_street(client_for, admin, district_official):
    with set_actor(admin):
        other = region_add_child(
            parent=Region.objects.get(code=world.PINGLIANG),
            name="平凉第9网格",
            level=RegionLevel.GRID,
            by=admin,
        )
    client = client_for(district_official)
    url = reverse("enterprises:grid_options")
    yinhang = client.get(url, {"street": world.YINHANG}).content.decode()
    pingliang = client.get(url, {"street": world.PINGLIANG}).content.decode()
    assert re.findall(r'<option value="([^"]+)">', yinhang) == [world.YINHANG + "W001"]
    assert "第1网格" in yinhang
    assert re.findall(r'<option value="([^"]+)">', pingliang) == [other.code]
    assert re.findall(r'<option value="([^"]+)">', client.get(url).content.decode()) == []


def test_grid_options_of_a_street_outside_scope_are_empty(client_for, neighbour_official):
    html = client_for(neighbour_official).get(
        reverse("enterprises:grid_options"), {"street": world.YINHANG}
    )
    assert re.findall(r'<option value="([^"]+)">', html.content.decode()) == []


def test_map_points_are_only_the_scope(client_for, street_officer, enterprises):
    response = client_for(street_officer).get(reverse("enterprises:enterprise_map_data"))
    body = response.json()
    chemical = enterprises["yinhang_chemical"]
    assert {point[0] for point in body["points"]} == {
        chemical.pk,
        enterprises["yinhang_site"].pk,
    }
    assert body["total"] == 2
    point = next(p for p in body["points"] if p[0] == chemical.pk)
    assert point == [chemical.pk, 31.32, 121.53, chemical.name, "B", "危险化学品"]


def test_map_points_follow_the_filters_and_skip_enterprises_without_coordinates(
    client_for, district_official, enterprises
):
    make(
        name="无坐标公司",
        latitude=None,
        longitude=None,
        industry="machinery",
        economic_code="C3411",
    )
    body = (
        client_for(district_official)
        .get(reverse("enterprises:enterprise_map_data"), {"industry": "machinery"})
        .json()
    )
    assert [point[3] for point in body["points"]] == [world.ENTERPRISE_NAMES["pingliang_factory"]]
    assert body["total"] == 1


def test_the_map_page_links_to_the_points_of_the_same_filters(
    client_for, district_official, enterprises
):
    response = client_for(district_official).get(
        reverse("enterprises:enterprise_map"), {"industry": "machinery"}
    )
    assert response.status_code == 200
    assert "map/points.json" in response.content.decode()
    districts = response.context["map_context"]["districts"]
    assert [d["name"] for d in districts] == ["杨浦区"]
    assert districts[0]["geometry"]["type"] in ("Polygon", "MultiPolygon")
