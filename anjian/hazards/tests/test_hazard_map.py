"""挂图作战 (hazards/views/map.py, hazards/hazard_map.py): the map's points feed counts
exactly what the ledger lists for the same filter, never shows a hazard outside the
user's scope, places a hazard at its own position else its enterprise's, and marks the
overdue ones."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from anjian.hazards import hazard_map
from anjian.hazards.choices import Grade, Source, State
from anjian.hazards.models import Hazard
from anjian.hazards.tests.factories import hazard_in
from anjian.web.navigation import menu_for
from testsupport import world

pytestmark = pytest.mark.django_db

POINTS = reverse("hazards:hazard_map_data")
LEDGER = reverse("hazards:hazard_list")
MAP = reverse("hazards:hazard_map")

# (id, lat, lon, number, title, grade, state, overdue, enterprise, deadline)
ID, LAT, LON, NUMBER, TITLE, GRADE, STATE, OVERDUE, ENTERPRISE, DEADLINE = range(10)


@pytest.fixture
def ledger(db):
    """Hazards at a unit of each of the world's streets and at the neighbouring district's
    shop, in the states that matter, general and major, from two sources."""
    admin = world.actor("admin")
    for name in ("yinhang_chemical", "yinhang_site", "pingliang_factory", "hongkou_shop"):
        enterprise = world.enterprise(name)
        for state in (State.REPORTED, State.REGISTERED, State.RECTIFYING, State.CLOSED):
            for grade in (Grade.GENERAL, Grade.MAJOR):
                hazard_in(state, grade=grade, by=admin, enterprise=enterprise)
        hazard_in(State.VOID, by=admin, enterprise=enterprise)
        hazard_in(State.REGISTERED, by=admin, enterprise=enterprise, source=Source.PATROL)


def overdue(hazard: Hazard, days: int = 3) -> Hazard:
    """Move the deadline into the past (the summaries are not read here)."""
    Hazard.objects.filter(pk=hazard.pk).update(deadline=timezone.localdate() - timedelta(days=days))
    return Hazard.objects.get(pk=hazard.pk)


def points(client, query: dict | None = None) -> dict:
    response = client.get(POINTS, query or {})
    assert response.status_code == 200
    return response.json()


def ledger_count(client, query: dict | None = None) -> int:
    response = client.get(LEDGER, query or {})
    assert response.status_code == 200
    return response.context["table"].page.paginator.count


QUERIES = [
    {},
    {"progress": "open"},
    {"progress": "overdue"},
    {"progress": "closed"},
    {"grade": "major"},
    {"progress": "open", "grade": "general"},
    {"state": ["registered", "rectifying"]},
    {"source": "patrol"},
    {"street": world.YINHANG},
    {"industry": "hazchem", "progress": "open"},
    {"q": "配电箱"},
    {"counted": "on"},
]


@pytest.mark.parametrize("actor", ["admin", "district_official", "street_officer", "leader"])
def test_the_map_counts_what_the_ledger_lists_for_the_same_filter(ledger, client_for, actor):
    client = client_for(world.actor(actor))
    overdue(Hazard.objects.filter(state=State.RECTIFYING).first())
    for query in QUERIES:
        answer = points(client, query)
        assert answer["total"] == ledger_count(client, query), (actor, query)
        # Every hazard of the world has a position (its enterprise's): all are drawn.
        assert answer["located"] == answer["total"] == len(answer["points"]), (actor, query)


@pytest.mark.parametrize("actor", ["district_official", "street_officer", "grid_member"])
def test_hazards_outside_the_users_scope_never_appear(ledger, client_for, actor):
    user = world.actor(actor)
    visible = {world.enterprise(name).name for name in world.VISIBLE[actor]}

    answer = points(client_for(user), {"progress": ""})

    shown = {point[ENTERPRISE] for point in answer["points"]}
    assert shown == visible
    assert {point[ID] for point in answer["points"]} == set(
        Hazard.objects.for_user(user).values_list("pk", flat=True)
    )


def test_the_neighbouring_official_sees_only_the_neighbouring_district(ledger, client_for):
    answer = points(client_for(world.actor("neighbour_official")))

    assert {point[ENTERPRISE] for point in answer["points"]} == {
        world.enterprise("hongkou_shop").name
    }


def test_an_overdue_hazard_is_marked_and_the_others_are_not(client_for, district_official):
    late = overdue(hazard_in(State.RECTIFYING))
    due = hazard_in(State.REGISTERED)  # deadline in 15 days
    reported = hazard_in(State.REPORTED)  # no deadline yet
    closed_late = hazard_in(State.CLOSED)
    Hazard.objects.filter(pk=closed_late.pk).update(deadline=late.deadline)  # closed: not overdue

    answer = points(client_for(district_official), {"progress": ""})

    marks = {point[ID]: point[OVERDUE] for point in answer["points"]}
    assert marks == {late.pk: 1, due.pk: 0, reported.pk: 0, closed_late.pk: 0}
    row = next(point for point in answer["points"] if point[ID] == late.pk)
    assert row[DEADLINE] == late.deadline.isoformat()


def test_the_overdue_filter_shows_exactly_the_marked_hazards(ledger, client_for, district_official):
    for hazard in Hazard.objects.filter(state=State.RECTIFYING):
        overdue(hazard)
    client = client_for(district_official)

    everything = points(client, {"progress": ""})["points"]
    late = points(client, {"progress": "overdue"})["points"]

    assert {p[ID] for p in late} == {p[ID] for p in everything if p[OVERDUE]}
    assert all(p[OVERDUE] == 1 for p in late)


def test_a_hazard_is_drawn_at_its_own_position_else_at_its_enterprises(client_for, admin):
    chemical = world.enterprise("yinhang_chemical")
    placed = hazard_in(
        State.REGISTERED, latitude=Decimal("31.330000"), longitude=Decimal("121.540000")
    )
    unplaced = hazard_in(State.REGISTERED)

    rows = {p[ID]: p for p in points(client_for(admin), {"progress": ""})["points"]}

    assert rows[placed.pk][LAT : LON + 1] == [31.33, 121.54]
    assert rows[unplaced.pk][LAT : LON + 1] == [float(chemical.latitude), float(chemical.longitude)]


def test_hazards_without_any_position_are_counted_but_not_drawn(client_for, admin):
    hazard = hazard_in(State.REGISTERED)
    chemical = world.enterprise("yinhang_chemical")
    type(chemical).objects.filter(pk=chemical.pk).update(latitude=None, longitude=None)

    answer = points(client_for(admin), {"progress": ""})

    assert answer["total"] == 1
    assert answer["located"] == 0
    assert hazard.pk not in {p[ID] for p in answer["points"]}


def test_the_most_serious_come_first_and_the_limit_caps_the_points(
    ledger, client_for, admin, monkeypatch
):
    monkeypatch.setattr(hazard_map, "MAP_POINT_LIMIT", 3)
    for hazard in Hazard.objects.filter(state=State.RECTIFYING, grade=Grade.GENERAL):
        overdue(hazard)

    answer = points(client_for(admin), {"progress": "open"})

    assert len(answer["points"]) == 3
    assert answer["located"] == answer["total"] > 3
    assert {p[GRADE] for p in answer["points"]} == {Grade.MAJOR}


def test_the_page_opens_on_the_open_hazards_and_links_the_same_ledger(client_for, leader):
    response = client_for(leader).get(MAP)

    assert response.status_code == 200
    context = response.context["map_context"]
    assert context["query"] == "progress=open"
    assert context["pointsUrl"] == POINTS
    html = response.content.decode()
    assert f'href="{LEDGER}?progress=open"' in html
    assert "ANJIAN_MAP_TILE_URL" not in html
    assert "离线底图：区界与街镇名称" in html


def test_a_query_that_names_its_progress_is_kept(client_for, leader):
    response = client_for(leader).get(MAP, {"progress": "", "grade": "major"})

    assert response.context["map_context"]["query"] == "progress=&grade=major"


def labels(user) -> list[str]:
    """The bar's labels and, after each dropdown's, its entries'."""
    found = []
    for entry in menu_for(user, "hazards-map"):
        found.append(str(entry["label"]))
        found.extend(str(child["label"]) for child in entry.get("children", ()))
    return found


def test_the_menu_offers_the_map_after_the_figures_to_officials_and_grid_workers():
    official = labels(world.actor("district_official"))
    assert official.index("隐患地图") == official.index("动态清零") + 1
    assert "隐患地图" in labels(world.actor("grid_member"))
    assert "隐患地图" not in labels(world.actor("enterprise_manager"))  # a map of one unit
    entries = menu_for(world.actor("leader"), "hazards-map")
    active = [e for e in entries if e.get("active")]
    assert [str(e["label"]) for e in active] == ["隐患排查"]  # the dropdown holding it
    children = [c for c in active[0]["children"] if c["active"]]
    assert [str(c["label"]) for c in children] == ["隐患地图"]
