"""Nearest available resources: ranked by great-circle distance, only what could be sent now,
only what the user may see, correct across district and cell edges — and the same answer a
brute-force scan gives."""

import math
import random
from datetime import timedelta

from django.test import TestCase
from django.utils import timezone

from anjian.emergency import geo
from anjian.emergency.choices import EquipmentStatus, ExpertField, Readiness, ShelterStatus
from anjian.emergency.models import Equipment, Expert, RescueTeam, Shelter
from anjian.emergency.selectors_resources import available, nearest
from anjian.emergency.tests import factories_resources as make
from testsupport import world

P = (31.2620, 121.5100)  # 平凉路街道, near 虹口区
KM_LAT = geo.EARTH_RADIUS_KM * math.pi / 180


def off(north_km: float = 0.0, east_km: float = 0.0, at=P) -> tuple[float, float]:
    return (at[0] + north_km / KM_LAT, at[1] + east_km / (KM_LAT * math.cos(math.radians(at[0]))))


def names(candidates) -> list[str]:
    return [c.resource.name for c in candidates]


class NearestTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        street = {"region": world.PINGLIANG}
        team = lambda name, where, **kw: make.team(name=name, at=where, **{**street, **kw})  # noqa: E731
        cls.near = team("近队", off(east_km=0.5), specialities=["fire"])
        team("中队", off(north_km=1.5), specialities=["fire", "hazchem"])
        team("远队", off(north_km=-3), specialities=["hazchem"])
        team("城郊队", off(north_km=-20, east_km=-5), specialities=["flood"])
        team("出动队", off(east_km=0.2), readiness=Readiness.DEPLOYED)
        team("撤编队", off(east_km=0.3), active=False)
        neighbour = world.actor("neighbour_official")
        hongkou = make.hongkou_street()
        make.team(neighbour, name="虹口队", at=off(east_km=-0.3), region=hongkou)

        store = make.warehouse(name="近库", at=off(east_km=0.4), **street)
        far_store = make.warehouse(name="远库", at=off(north_km=2), **street)
        yesterday = timezone.localdate() - timedelta(days=1)
        make.supply(store, name="救生衣", batch="少", quantity=2)
        make.supply(store, name="救生衣", batch="过期", quantity=50, expires_on=yesterday)
        make.supply(far_store, name="救生衣", batch="足", quantity=10)
        make.supply(store, name="沙袋", quantity=500)

        full = make.shelter(name="满员场所", at=off(east_km=0.3), capacity=100, **street)
        Shelter.objects.filter(pk=full.pk).update(occupancy=100)
        make.shelter(name="可用场所", at=off(east_km=1), capacity=100, **street)
        make.shelter(name="停用场所", at=off(east_km=0.2), status=ShelterStatus.CLOSED, **street)

        make.expert(name="化工专家", at=off(east_km=0.5), **street)
        make.expert(name="请假专家", at=off(east_km=0.2), available=False, **street)
        make.assign(make.expert(name="在场专家", at=off(east_km=0.3), **street), kind="expert")
        make.expert(name="消防专家", at=off(east_km=0.4), field=ExpertField.FIRE, **street)

        make.equipment(
            name="维修泵车", at=off(east_km=0.2), status=EquipmentStatus.MAINTENANCE, **street
        )
        make.equipment(name="泵车", at=off(east_km=0.6), quantity=2, **street)
        out = make.equipment(name="借出泵车", at=off(east_km=0.3), quantity=1, **street)
        Equipment.objects.filter(pk=out.pk).update(available=0)

    def find(self, kind, actor="district_official", at=P, **filters):
        return nearest(world.actor(actor), kind=kind, latitude=at[0], longitude=at[1], **filters)

    def test_ready_teams_rank_by_distance_and_busy_ones_are_skipped(self):
        found = self.find("team")
        assert names(found) == ["近队", "中队", "远队", "城郊队"]
        assert [round(c.distance_km, 2) for c in found[:3]] == [0.5, 1.5, 3.0]
        assert found[0].resource == self.near and found[0].available == 1

    def test_a_resource_across_the_district_edge_ranks_first_when_in_scope(self):
        assert names(self.find("team", actor="admin"))[:2] == ["虹口队", "近队"]

    def test_another_districts_resources_are_never_returned(self):
        assert names(self.find("team", actor="neighbour_official")) == ["虹口队"]
        assert "虹口队" not in names(self.find("team"))
        assert self.find("team", actor="street_officer") == []  # 殷行街道 has none here

    def test_the_speciality_limit_and_exclusions_narrow_the_list(self):
        assert names(self.find("team", speciality="hazchem")) == ["中队", "远队"]
        assert names(self.find("team", limit=2)) == ["近队", "中队"]
        assert names(self.find("team", exclude_ids=[self.near.pk], limit=1)) == ["中队"]
        assert names(self.find("team", max_km=2)) == ["近队", "中队"]

    def test_supplies_need_enough_unexpired_stock(self):
        found = self.find("supply", name="救生衣", quantity=5)
        assert [(c.resource.batch, c.available) for c in found] == [("足", 10)]
        assert [c.resource.batch for c in self.find("supply", name="救生衣")] == ["少", "足"]

    def test_shelters_need_free_places_and_to_be_usable(self):
        found = self.find("shelter", quantity=10)
        assert [(c.resource.name, c.available) for c in found] == [("可用场所", 100)]

    def test_experts_are_available_and_not_on_an_assignment(self):
        assert names(self.find("expert")) == ["消防专家", "化工专家"]
        assert names(self.find("expert", field=ExpertField.HAZCHEM)) == ["化工专家"]

    def test_equipment_is_usable_with_enough_free(self):
        assert [(c.resource.name, c.available) for c in self.find("equipment")] == [("泵车", 2)]
        assert self.find("equipment", quantity=3) == []


class RingTests(TestCase):
    """The search reads rings of cells; what lies in a farther cell but nearer still wins."""

    @classmethod
    def setUpTestData(cls):
        row, column = geo.cell_row_column(31.3305, 121.5305)
        # A point on the east edge of its cell, half-way up it.
        cls.here = ((row - 9000 + 0.5) * 0.01, (column - 18000 + 1) * 0.01 - 1e-5)
        lat, lon = cls.here
        make.expert(name="同格", at=(lat, lon - 0.0095))  # west side of the same cell: 0.9 km
        make.expert(name="邻格", at=(lat, lon + 0.0003))  # just across the edge: 0.03 km
        make.expert(name="一环角", at=(lat + 0.014, lon + 0.009), field="geology")  # 1.8 km
        make.expert(name="二环", at=(lat, lon + 0.0101), field="geology")  # 0.96 km

    def test_the_next_cell_beats_the_same_cell(self):
        found = nearest(
            make.official(), kind="expert", latitude=self.here[0], longitude=self.here[1], limit=1
        )
        assert names(found) == ["邻格"]

    def test_a_second_ring_beats_a_first_ring_corner(self):
        found = nearest(
            make.official(),
            kind="expert",
            field="geology",
            latitude=self.here[0],
            longitude=self.here[1],
            limit=1,
        )
        assert names(found) == ["二环"]


class BruteForceTests(TestCase):
    """Two hundred experts at random across two districts: the nearest-k of thirty random
    points equals a full scan ranked in Python, for a district user and for everyone."""

    @classmethod
    def setUpTestData(cls):
        rng = random.Random(14)
        streets = [world.YINHANG, world.PINGLIANG, make.hongkou_street()]
        rows = []
        for n in range(200):
            lat, lon = 31.24 + rng.random() * 0.12, 121.46 + rng.random() * 0.12
            street = rng.choice(streets)
            rows.append(
                Expert(
                    name=f"随机专家{n}",
                    field=rng.choice(ExpertField.values),
                    phone="13800138000",
                    owner_kind="government",
                    region_id=street,
                    scope_region_code=street,
                    available=rng.random() > 0.2,
                )
            )
            rows[-1].place_at(lat, lon)
        Expert.objects.bulk_create(rows)
        cls.points = [(31.2 + rng.random() * 0.2, 121.42 + rng.random() * 0.2) for _ in range(30)]
        cls.limits = [rng.choice((1, 3, 10, 40)) for _ in cls.points]

    def test_nearest_equals_a_full_scan(self):
        for actor in ("district_official", "admin"):
            user = world.actor(actor)
            everything = list(available(user, "expert"))
            for (lat, lon), limit in zip(self.points, self.limits, strict=True):
                expected = sorted(
                    everything,
                    key=lambda e: (geo.distance_km(lat, lon, e.latitude, e.longitude), e.pk),
                )[:limit]
                found = nearest(user, kind="expert", latitude=lat, longitude=lon, limit=limit)
                assert [c.resource.pk for c in found] == [e.pk for e in expected]


# --- the grid itself (pure) -----------------------------------------------------------------


def test_rings_cover_each_cell_once():
    lat, lon = 31.25, 121.5
    assert len(geo.square_cells(lat, lon, 0, 0)) == 1
    assert len(geo.square_cells(lat, lon, 1, 1)) == 8
    whole = geo.square_cells(lat, lon, 0, 3)
    parts = geo.square_cells(lat, lon, 0, 1) + geo.square_cells(lat, lon, 2, 3)
    assert sorted(whole) == sorted(parts) and len(set(whole)) == 49
    assert geo.cell_of(lat, lon) in geo.square_cells(lat, lon, 0, 0)
    south, west, north, east = geo.square_box(lat, lon, 3)
    corners = [(south + 1e-7, west + 1e-7), (north - 1e-7, east - 1e-7)]
    assert all(geo.cell_of(*corner) in whole for corner in corners)
    assert geo.cell_of(north + 1e-6, lon) not in whole


def test_nothing_outside_the_rings_read_is_nearer_than_the_bound():
    rng = random.Random(7)
    for _ in range(3000):
        lat, lon = 30.7 + rng.random() * 0.8, 121.0 + rng.random()
        rings = rng.randint(0, 30)
        other = (lat + rng.uniform(-0.5, 0.5), lon + rng.uniform(-0.5, 0.5))
        if geo.cell_of(*other) in set(geo.square_cells(lat, lon, 0, rings)):
            continue
        assert geo.distance_km(lat, lon, *other) >= geo.unread_distance_km(lat, lon, rings)
    assert geo.rings_for(31.3, 121.5, 5.0) >= 4
    assert geo.unread_distance_km(31.3, 121.5, geo.rings_for(31.3, 121.5, 5.0)) >= 5.0


def test_expired_and_short_stock_are_not_available(db):
    store = make.warehouse()
    make.supply(store, quantity=1, expires_on=timezone.localdate())  # expires today: still good
    assert available(make.official(), "supply").count() == 1
    assert available(make.official(), "supply", quantity=2).count() == 0
    assert RescueTeam.objects.count() == 0
