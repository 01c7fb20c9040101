"""The report's pick page offers the units nearest to the user's position and the units of
their own grid (hazards/views/map.py ``report_nearby``, enterprises/nearby.py): nearest
first by exact distance, only inside the user's scope."""

from decimal import Decimal

import pytest
from django.urls import reverse

from anjian.enterprises import nearby
from anjian.enterprises.models import Enterprise
from anjian.enterprises.services import enterprise_create
from anjian.regions.choices import RegionLevel
from anjian.regions.models import Region
from testsupport import world

pytestmark = pytest.mark.django_db

NEARBY = reverse("hazards:report_nearby")
PICK = reverse("hazards:hazard_report")
# 殷行街道, where the world's chemical company and building site stand (31.320, 121.530).
HERE = {"lat": "31.3200", "lon": "121.5300"}


def unit_at(name: str, seed: int, latitude: str, longitude: str, **overrides) -> Enterprise:
    admin = world.actor("admin")
    return enterprise_create(
        by=admin,
        data=world.enterprise_data(
            name=name,
            credit_code=world.credit_code(seed),
            latitude=Decimal(latitude),
            longitude=Decimal(longitude),
            **overrides,
        ),
    )


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [unit["name"] for unit in response.json()["units"]]


def test_haversine_measures_metres_on_the_ground():
    # One minute of latitude is one nautical mile (1,852 m) to within a few metres.
    assert nearby.haversine_m(31.0, 121.0, 31.0 + 1 / 60, 121.0) == pytest.approx(1853, abs=3)
    # 五角场 → 人民广场: about 8.6 km.
    assert nearby.haversine_m(31.2990, 121.5140, 31.2304, 121.4737) == pytest.approx(
        8_592, rel=0.02
    )


def test_it_orders_the_units_by_distance(client_for, street_officer):
    far = unit_at("殷行远处单位", 501, "31.3290", "121.5300")  # ~1.0 km north
    near = unit_at("殷行近处单位", 502, "31.3210", "121.5300")  # ~110 m north
    middle = unit_at("殷行中间单位", 503, "31.3200", "121.5360")  # ~570 m east

    units = client_for(street_officer).get(NEARBY, HERE).json()["units"]

    # The world's two units of 殷行 stand exactly here (0 m), then the three by distance.
    found = [unit["name"] for unit in units]
    assert set(found[:2]) == {"上海殷行化工有限公司", "上海殷行建设工程有限公司"}
    assert found[2:] == [near.name, middle.name, far.name]
    distances = [unit["distance_m"] for unit in units]
    assert distances[:2] == [0, 0]
    assert distances[2:] == [
        pytest.approx(111, abs=2),
        pytest.approx(570, abs=5),
        pytest.approx(1001, abs=5),
    ]


def test_an_east_west_neighbour_nearer_than_a_box_corner_comes_first(client_for, admin):
    # At 31° a degree of longitude is shorter than one of latitude: equal degree offsets
    # are not equal distances (a flat-earth order in degrees would get this wrong).
    north = unit_at("正北单位", 511, "31.3240", "121.5300")  # 0.004° lat ≈ 445 m
    east = unit_at("正东单位", 512, "31.3200", "121.5340")  # 0.004° lon ≈ 381 m

    found = names(client_for(admin).get(NEARBY, {**HERE, "limit": 4}))

    assert found.index(east.name) < found.index(north.name)


def test_it_answers_only_units_inside_the_users_scope(client_for):
    # A unit of the neighbouring district a few metres from the position: never shown to
    # 殷行's officer; the neighbouring official sees it and nothing of 杨浦.
    hongkou_street = Region.objects.filter(
        parent_id=world.HONGKOU, level=RegionLevel.STREET
    ).order_by("code")[0]
    across = unit_at(
        "虹口边界单位",
        521,
        "31.3201",
        "121.5301",
        street=hongkou_street,
        industry=world.enterprise("hongkou_shop").industry,
        economic_code="F5211",
    )

    for actor in ("street_officer", "grid_member", "district_official", "housing_official"):
        found = set(names(client_for(world.actor(actor)).get(NEARBY, {**HERE, "limit": 50})))
        visible = {world.enterprise(name).name for name in world.VISIBLE[actor]}
        assert across.name not in found, actor
        assert found == visible, actor

    neighbour = set(names(client_for(world.actor("neighbour_official")).get(NEARBY, HERE)))
    assert neighbour == {across.name, world.enterprise("hongkou_shop").name}


def test_the_limit_keeps_the_nearest(client_for, admin):
    for i in range(6):
        unit_at(f"排队单位{i}", 530 + i, f"31.{3210 + i * 10}", "121.5300")

    found = names(client_for(admin).get(NEARBY, {**HERE, "limit": 3}))

    assert len(found) == 3
    assert "排队单位5" not in found


def test_units_beyond_the_largest_radius_are_not_offered(client_for, admin):
    unit_at("远郊单位", 541, "31.7000", "121.5300")  # ~42 km north

    assert "远郊单位" not in names(client_for(admin).get(NEARBY, {**HERE, "limit": 50}))


@pytest.mark.parametrize(
    "query", [{}, {"lat": "31.32"}, {"lat": "north", "lon": "121.53"}, {"lat": "95", "lon": "121"}]
)
def test_a_missing_or_impossible_position_is_refused(client_for, street_officer, query):
    response = client_for(street_officer).get(NEARBY, query)

    assert response.status_code == 400
    assert "位置无效" in response.json()["error"]


def test_a_unit_links_to_its_report_form(client_for, street_officer):
    chemical = world.enterprise("yinhang_chemical")
    units = client_for(street_officer).get(NEARBY, HERE).json()["units"]

    unit = next(u for u in units if u["id"] == chemical.pk)
    assert unit["url"] == f"{PICK}?enterprise={chemical.pk}"
    assert unit["address"] == chemical.address


def test_a_grid_worker_gets_the_units_of_their_grid_on_the_pick_page(client_for, grid_member):
    html = client_for(grid_member).get(PICK).content.decode()

    assert 'id="grid-units"' in html
    assert "上海殷行化工有限公司" in html  # in grid 1
    assert 'id="nearby"' in html and "hazards/js/report_pick" in html


def test_a_street_officer_has_no_grid_list_but_can_look_nearby(client_for, street_officer):
    html = client_for(street_officer).get(PICK).content.decode()

    assert 'id="grid-units"' not in html
    assert 'id="nearby"' in html


def test_the_grid_list_holds_only_the_grids_units(grid_member):
    chemical = world.enterprise("yinhang_chemical")
    other = unit_at("殷行网格外单位", 551, "31.3205", "121.5305")  # same street, no grid

    units = list(nearby.own_grid_enterprises(grid_member))

    assert chemical in units
    assert other not in units
    assert list(nearby.own_grid_enterprises(world.actor("street_officer"))) == []
