"""The registry sorts names in pinyin order (安 < 北 < 长 < 重 < 中), not by code point
(中 U+4E2D < 北 < 安 < 重 < 长): the list, its name column both ways, the API and the export."""

from io import BytesIO

import pytest
from auditlog.context import set_actor
from django.urls import reverse
from openpyxl import load_workbook

from anjian.enterprises import services
from anjian.enterprises.models import Enterprise
from anjian.enterprises.tests.test_views import listed
from testsupport import world

LIST = reverse("enterprises:enterprise_list")
API = "/api/v1/enterprises/"
# In pinyin order: an, bei, chang, chong, zhong.
PINYIN_ORDER = [
    "安徽化工排序公司",
    "北京物流排序公司",
    "长江航运排序公司",
    "重庆机械排序公司",
    "中华商贸排序公司",
]


@pytest.fixture
def sorted_rows(admin):
    with set_actor(admin):
        for number, name in enumerate(reversed(PINYIN_ORDER)):
            services.enterprise_create(
                by=admin,
                data=world.enterprise_data(name=name, credit_code=world.credit_code(900 + number)),
            )
    assert sorted(PINYIN_ORDER) != PINYIN_ORDER  # code point order differs
    return PINYIN_ORDER


def ours(names: list[str]) -> list[str]:
    return [name for name in names if name.endswith("排序公司")]


def test_the_list_is_in_pinyin_order_by_default(client_for, district_official, sorted_rows):
    shown = listed(client_for(district_official).get(LIST, {"q": "排序"}))
    assert shown == sorted_rows


def test_sorting_by_the_name_column_is_pinyin_order_both_ways(
    client_for, district_official, sorted_rows
):
    client = client_for(district_official)
    assert listed(client.get(LIST, {"q": "排序", "sort": "name"})) == sorted_rows
    assert listed(client.get(LIST, {"q": "排序", "sort": "-name"})) == sorted_rows[::-1]


def test_the_world_and_the_new_rows_sort_together(client_for, admin, sorted_rows):
    # 上海… (shanghai) falls between 重庆 (chong) and 中华 (zhong).
    shown = listed(client_for(admin).get(LIST))
    assert shown.index("重庆机械排序公司") < shown.index("上海殷行化工有限公司")
    assert shown.index("上海殷行化工有限公司") < shown.index("中华商贸排序公司")


def test_the_api_lists_in_pinyin_order(api_client_for, district_official, sorted_rows):
    client = api_client_for(district_official)
    items = client.get(API, {"q": "排序"}).json()["items"]
    assert [item["name"] for item in items] == sorted_rows
    items = client.get(API, {"q": "排序", "sort": "-name"}).json()["items"]
    assert [item["name"] for item in items] == sorted_rows[::-1]


def test_the_export_is_in_the_lists_pinyin_order(client_for, district_official, sorted_rows):
    response = client_for(district_official).get(
        reverse("enterprises:enterprise_export"), {"q": "排序"}
    )
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert ours(names) == sorted_rows


def test_every_enterprise_carries_its_sort_key(sorted_rows):
    keys = dict(Enterprise.objects.values_list("name", "name_sort_key"))
    assert keys["重庆机械排序公司"] == "chongqingjixiepaixugongsi"
    assert keys["长江航运排序公司"] == "changjianghangyunpaixugongsi"
    assert keys["上海殷行化工有限公司"] == "shanghaiyinhanghuagongyouxiangongsi"
