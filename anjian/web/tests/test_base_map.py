"""The maps' offline base layer (issue 11, item 9c): ``scripts/vendor.py`` writes the
deployment city's district outlines from the npm data package, every page's map settings
point at it when no tile server is configured, and users read what the map shows — never
the name of the setting that would add tiles."""

import importlib.util
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from anjian.regions import datasets
from anjian.regions.choices import RegionLevel
from anjian.regions.models import Region
from anjian.web import context_processors

VENDOR = Path(settings.BASE_DIR) / "scripts" / "vendor.py"
MAPS = (
    "enterprises:enterprise_map",
    "risks:risk_map",
    "hazards:hazard_map",
    "monitoring:device_map",
)


def vendor():
    spec = importlib.util.spec_from_file_location("vendor", VENDOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def base_url():
    context_processors.base_map_url.cache_clear()
    yield context_processors.base_map_url
    context_processors.base_map_url.cache_clear()


@pytest.mark.django_db
def test_the_base_map_holds_every_district_of_the_city_named_and_coded():
    collection = vendor().base_map("31")

    districts = dict(
        Region.objects.filter(level=RegionLevel.DISTRICT, code__startswith="31").values_list(
            "code", "name"
        )
    )
    found = {f["properties"]["code"]: f["properties"]["name"] for f in collection["features"]}
    assert found == districts  # all 16, each with its GB/T 2260 code
    for feature in collection["features"]:
        lon, lat = feature["properties"]["cp"]  # a label point for every name (崇明 too)
        assert 120.8 < lon < 122.2 and 30.6 < lat < 31.9, feature["properties"]["name"]


def test_its_outlines_are_the_ones_the_regions_load_attaches():
    collection = vendor().base_map("310110")  # a district's deployment: its whole city
    outlines = datasets.district_outlines("上海")

    yangpu = next(f for f in collection["features"] if f["properties"]["name"] == "杨浦区")
    loaded = outlines["杨浦区"][0]
    assert yangpu["geometry"]["type"] == loaded["type"]
    ring, loaded_ring = yangpu["geometry"]["coordinates"][0], loaded["coordinates"][0]
    assert len(ring) == len(loaded_ring)
    assert all(
        abs(a - b) < 1e-5
        for p, q in zip(ring, loaded_ring, strict=True)
        for a, b in zip(p, q, strict=True)
    )


def test_a_root_without_outlines_gets_no_file(tmp_path, monkeypatch):
    module = vendor()
    monkeypatch.setattr(module, "TARGET", tmp_path)

    assert module.write_base_map("71") is None  # 台湾省: not in the package
    assert not (tmp_path / "basemap").exists()


def test_pages_point_their_maps_at_the_base_layer_when_there_are_no_tiles(
    client_for, leader, base_url, settings
):
    settings.MAP_TILE_URL = ""
    assert base_url().endswith(".json")
    assert "districts-31" in base_url()

    response = client_for(leader).get(reverse("enterprises:enterprise_map"))

    assert response.context["map_settings"]["baseUrl"] == base_url()


def test_with_a_tile_server_the_tiles_are_the_base(client_for, leader, base_url, settings):
    settings.MAP_TILE_URL = "https://tiles.example.gov.cn/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "某市政务地图"

    response = client_for(leader).get(reverse("enterprises:enterprise_map"))

    assert response.context["map_settings"]["baseUrl"] == ""
    assert "底图：某市政务地图" in response.content.decode()


def test_a_deployment_whose_root_has_no_base_file_gets_none(base_url, settings):
    settings.REGION_ROOT = "71"

    assert base_url() == ""


@pytest.mark.parametrize("name", MAPS)
def test_users_read_what_the_map_shows_not_the_settings_name(
    client_for, district_official, name, settings
):
    settings.MAP_TILE_URL = ""
    html = client_for(district_official).get(reverse(name)).content.decode()

    assert "ANJIAN_MAP_TILE_URL" not in html
    assert "离线底图：区界与街镇名称" in html
    assert "web/css/maps" in html  # the clusters' and the district names' styles
