"""The menu fits the role: administration in one dropdown (the bar fits one line on a
laptop), and a grid worker sees the daily work only (issue 11, item 10)."""

import pytest
from django.http import QueryDict
from django.test import RequestFactory
from django.urls import resolve, reverse

from anjian.enterprises.selectors import by_grid, enterprise_filter, registry_counts
from anjian.web.context_processors import _section
from anjian.web.navigation import MANAGE, MENU, is_grid_worker, menu_for
from testsupport import world

pytestmark = pytest.mark.django_db


def labels(entries) -> list[str]:
    """The bar's labels and, after each dropdown's, its entries'."""
    found = []
    for entry in entries:
        found.append(str(entry["label"]))
        found.extend(str(child["label"]) for child in entry.get("children", ()))
    return found


def test_the_bar_is_a_few_dropdowns_by_area_with_management_last():
    menu = menu_for(world.actor("district_official"), "web")
    assert [str(e["label"]) for e in menu] == [
        "首页",
        "单位",
        "隐患排查",
        "风险管控",
        "监测预警",
        "事故与指标",
        "应急管理",
        "监督检查",
        "基础数据与管理",
    ]
    manager = menu_for(world.actor("enterprise_manager"), "web")
    # A group of one entry is that entry: the unit's own page, not a dropdown of one.
    assert "单位" not in [str(e["label"]) for e in manager]


def test_the_administrator_gets_management_in_one_dropdown():
    menu = menu_for(world.actor("admin"), "users")

    top = [str(e["label"]) for e in menu]
    assert "用户管理" not in top
    (group,) = [e for e in menu if e.get("children") and str(e["label"]) == "基础数据与管理"]
    assert labels(group["children"]) == [
        "公共区域",
        "判定标准",
        "区划与网格",
        "部门与行业",
        "预警联络人",
        "工作日历",
        "用户管理",
    ]
    assert group["active"], "the open page's group is marked"
    managed = [str(item.label) for item in MENU if item.group == MANAGE]
    assert len(top) <= len(MENU) - len(managed) + 1


def test_a_grid_worker_sees_the_daily_work_only():
    grid = world.actor("grid_member")
    assert is_grid_worker(grid)

    top = labels(menu_for(grid, "web"))

    assert "隐患治理" in top
    assert "生产经营单位" in top
    for hidden in ("动态清零", "企业自查", "预警发布", "基础数据与管理"):
        assert hidden not in top


def test_the_street_office_keeps_its_figures():
    street = world.actor("street_officer")
    assert not is_grid_worker(street)

    assert "动态清零" in labels(menu_for(street, "web"))


def test_the_menu_and_its_dropdown_render(client_for):
    html = client_for(world.actor("admin")).get("/").content.decode()

    assert 'class="nav-link dropdown-toggle"' in html
    assert "基础数据与管理" in html
    assert "/accounts/users/" in html or "用户管理" in html


def test_an_enterprise_user_gets_its_own_page_not_a_registry_of_one(client_for):
    manager = world.actor("enterprise_manager")

    assert "单位地图" not in labels(menu_for(manager, "web"))
    response = client_for(manager).get("/enterprises/")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/enterprises/{manager.scope.enterprise_id}/")


def test_street_users_see_their_units_by_grid(client_for):
    """A street's own chart breaks its units down by grid (a single street bar said
    nothing); each bar opens exactly its units (issue 11, item 10)."""
    street = world.actor("street_officer")
    assert by_grid(street)
    assert not by_grid(world.actor("district_official"))

    counts = registry_counts(street)

    assert counts.by_street and sum(row.count for row in counts.by_street) == counts.total
    for row in counts.by_street:
        listed = enterprise_filter(street, QueryDict(f"grid={row.key}")).qs.count()
        assert listed == row.count, row
    html = client_for(street).get("/").content.decode()
    assert "按网格" in html
    assert 'data-param="grid"' in html


def test_the_risk_dropdown_holds_the_hazardous_chemicals(client_for):
    """风险管控 is one dropdown: the risk points, the major hazard sources, the units they
    are identified from and the chemical catalogue (not for grid workers: a reference)."""
    official = world.actor("district_official")
    (group,) = [e for e in menu_for(official, "web") if str(e["label"]) == "风险管控"]
    expected = ["风险管控", "重大危险源", "在线监测率", "包保履职", "危化品单元"]
    expected += ["特殊作业", "化学品目录"]
    assert labels(group["children"]) == expected
    grid = labels(menu_for(world.actor("grid_member"), "web"))
    assert "重大危险源" in grid and "化学品目录" not in grid

    menu = client_for(official).get(reverse("hazchem:chemical_list")).context["menu"]
    (active,) = [e for e in menu if e.get("active")]
    assert str(active["label"]) == "风险管控"
    assert [str(c["label"]) for c in active["children"] if c["active"]] == ["化学品目录"]


@pytest.mark.parametrize("item", MENU, ids=lambda item: item.url_name)
def test_each_entrys_own_page_marks_that_entry(item):
    """Opening an entry highlights it, not a neighbour in its dropdown (包保履职 and 在线监测率
    once lit 重大危险源, 场所 lit 企业: their pages share a namespace)."""
    request = RequestFactory().get(reverse(item.url_name))
    request.resolver_match = resolve(request.path)
    assert _section(request) == item.section
