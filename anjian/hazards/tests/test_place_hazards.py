"""Hazards of public places (ADR 14): reported from a phone against a place, scoped like the
place, run through the same lifecycle by the government side, counted in the same figures
with a 责任主体 filter whose every number opens exactly its hazards, and followed when the
place moves."""

import uuid

import pytest
from django.urls import reverse

from anjian.core.models import Notification
from anjian.enterprises.models import PlaceKind, PublicPlace
from anjian.enterprises.places import services as place_services
from anjian.hazards import services, tally
from anjian.hazards.choices import Grade, Source, State
from anjian.hazards.models import Hazard
from anjian.hazards.tests.factories import hazard_in, photo, register_data
from anjian.hazards.tests.test_figure_links import links_on, listed
from anjian.regions.models import Industry, Region
from testsupport import world

pytestmark = pytest.mark.django_db


@pytest.fixture
def facade(db) -> PublicPlace:
    return place_services.place_create(
        by=world.actor("admin"),
        data={
            "kind": PlaceKind.FACADE,
            "name": "殷行路 128 号沿街商铺外立面",
            "address": "殷行路 128 号",
            "street": Region.objects.get(code=world.YINHANG),
            "grid": Region.objects.get(code=world.YINHANG + "W001"),
            "industry": Industry.objects.get(code="buildings"),
            "latitude": "31.330000",
            "longitude": "121.520000",
        },
    )


def report_at(place, by=None, **overrides) -> Hazard:
    data = {
        "source": Source.PATROL,
        "title": "外墙面砖空鼓脱落",
        "description": "临街外墙面砖局部空鼓，已有碎块坠落至人行道",
        "location": "临街外墙",
        "photos": [photo()],
    }
    data.update(overrides)
    return services.hazard_report(by=by or world.actor("grid_member"), place=place, **data)


def test_a_grid_worker_reports_a_place_hazard_from_the_report_page(facade, client_for):
    client = client_for(world.actor("grid_member"))
    form = client.get(reverse("hazards:hazard_report"), {"place": facade.pk})
    assert form.status_code == 200
    assert facade.name in form.content.decode()
    assert "重大事故隐患判定标准" not in form.content.decode()  # no units' clause picker
    response = client.post(
        reverse("hazards:hazard_report"),
        {
            "place": facade.pk,
            "report_token": str(uuid.uuid4()),
            "source": Source.PATROL,
            "title": "店招广告牌锈蚀松动",
            "description": "沿街店招钢结构锈蚀，固定螺栓缺失",
            "location": "沿街店招",
            "photos": photo(),
        },
    )
    assert response.status_code == 302
    hazard = Hazard.objects.get(title="店招广告牌锈蚀松动")
    assert (hazard.enterprise_id, hazard.place_id) == (None, facade.pk)
    assert hazard.scope_region_code == facade.scope_region_code
    assert hazard.industry.code == "buildings"


def test_the_pick_page_finds_places_and_lists_the_grids_own(facade, client_for):
    client = client_for(world.actor("grid_member"))
    page = client.get(reverse("hazards:hazard_report")).content.decode()
    assert 'id="grid-places"' in page and facade.name in page
    found = client.get(reverse("hazards:hazard_report"), {"q": "殷行路"}).content.decode()
    assert f"?place={facade.pk}" in found


def test_the_nearest_list_offers_places_with_their_report_links(facade, client_for):
    answer = client_for(world.actor("street_officer")).get(
        reverse("hazards:report_nearby"), {"lat": "31.3301", "lon": "121.5201"}
    )
    nearest = answer.json()["units"][0]
    assert (nearest["kind"], nearest["id"]) == ("place", facade.pk)
    assert nearest["url"].endswith(f"?place={facade.pk}")


@pytest.mark.parametrize("actor", world.ACTORS)
def test_a_place_hazard_is_seen_by_those_who_see_the_place(facade, actor):
    hazard = report_at(facade)
    user = world.actor(actor)
    sees_place = PublicPlace.objects.for_user(user).filter(pk=facade.pk).exists()
    assert Hazard.objects.for_user(user).filter(pk=hazard.pk).exists() is sees_place
    if actor in ("enterprise_manager", "neighbour_official", "expert"):
        assert not sees_place


def test_an_enterprise_user_cannot_report_a_place_hazard(facade, client_for):
    manager = world.actor("enterprise_manager")
    from anjian.core.exceptions import NotPermitted, OutOfScope

    with pytest.raises((OutOfScope, NotPermitted)):
        report_at(facade, by=manager, source=Source.SELF_CHECK)
    assert not Hazard.objects.filter(place=facade).exists()


def test_exactly_one_owner_is_required():
    from anjian.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.hazard_report(
            by=world.actor("street_officer"),
            source=Source.OTHER,
            title="无主隐患",
            description="没有单位也没有公共区域",
            location="不明",
        )


def test_the_government_side_runs_the_whole_lifecycle(facade):
    officer = world.actor("street_officer")
    hazard = report_at(facade)
    hazard = services.hazard_register(
        by=officer, hazard_id=hazard.pk, expected_version=None, **register_data()
    )
    hazard = services.hazard_start(by=officer, hazard_id=hazard.pk, expected_version=None)
    hazard = services.hazard_submit(
        by=officer,
        hazard_id=hazard.pk,
        expected_version=None,
        rectification_note="已铲除空鼓面砖并设置防护网",
        photos=[photo("整改后.jpg", (40, 160, 60))],
    )
    hazard = services.hazard_accept(
        by=world.actor("housing_official"),
        hazard_id=hazard.pk,
        expected_version=None,
        acceptance_note="现场复查，整改到位",
    )
    assert hazard.state == State.CLOSED
    assert tally.differences() == []


def test_the_department_and_street_are_told_to_register_it_not_the_reporter(facade):
    hazard = report_at(facade)
    told = set(
        Notification.objects.filter(kind="hazard_reported").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"housing_official", "street_officer"}
    notice = Notification.objects.filter(kind="hazard_reported").first()
    assert notice.body.startswith(f"{facade.name} · {hazard.number}")


@pytest.fixture
def mixed_ledger(facade):
    admin = world.actor("admin")
    for state in (State.REPORTED, State.REGISTERED, State.CLOSED, State.VOID):
        hazard_in(state, by=admin, enterprise=world.enterprise("yinhang_chemical"))
        hazard = report_at(facade, by=admin)
        if state == State.VOID:
            services.hazard_void(
                by=admin, hazard_id=hazard.pk, expected_version=None, reason="误报"
            )
        elif state != State.REPORTED:
            grade = Grade.MAJOR if state == State.REGISTERED else Grade.GENERAL
            hazard = services.hazard_register(
                by=admin, hazard_id=hazard.pk, expected_version=None, **register_data(grade)
            )
            if state == State.CLOSED:
                services.hazard_start(by=admin, hazard_id=hazard.pk, expected_version=None)
                services.hazard_submit(
                    by=admin,
                    hazard_id=hazard.pk,
                    expected_version=None,
                    rectification_note="已整改",
                    photos=[photo()],
                )
                services.hazard_accept(
                    by=admin, hazard_id=hazard.pk, expected_version=None, acceptance_note="合格"
                )


@pytest.mark.parametrize("actor", ["admin", "district_official", "street_officer"])
@pytest.mark.parametrize("owner", ["place", "enterprise"])
def test_every_number_by_owner_opens_exactly_its_hazards(mixed_ledger, client_for, actor, owner):
    user = world.actor(actor)
    response = client_for(user).get(
        reverse("hazards:clearing_figures"), {"period": "all", "owner": owner}
    )
    links = links_on(response.content.decode())
    assert len(links) >= 8
    assert all(f"owner={owner}" in href for href, _n in links)
    wrong = [(href, n, listed(user, href)) for href, n in links if listed(user, href) != n]
    assert not wrong, wrong
    found = next(n for href, n in links if "counted=1" in href and "source" not in href)
    assert found == 3  # reported, registered, closed (the void one is not counted)


def test_a_place_that_moves_takes_its_hazards_and_their_figures_along(facade):
    hazard = report_at(facade)
    pingliang = Region.objects.get(code=world.PINGLIANG)
    moved = place_services.place_update(
        by=world.actor("admin"),
        place_id=facade.pk,
        data={"street": pingliang, "grid": None},
        expected_version=facade.version,
    )
    hazard.refresh_from_db()
    assert hazard.scope_region_code == moved.scope_region_code == world.PINGLIANG
    assert hazard.version == 2  # an edit begun before the move is a conflict
    assert tally.differences() == []
    assert not Hazard.objects.for_user(world.actor("street_officer")).filter(pk=hazard.pk).exists()


def test_the_api_reports_a_place_hazard_once_per_report_key(facade, api_client_for):
    client = api_client_for(world.actor("street_officer"))
    body = {
        "place_id": facade.pk,
        "report_key": str(uuid.uuid4()),
        "source": Source.TIPOFF,  # a citizen's call: no photo needed
        "title": "空调外机支架锈蚀",
        "description": "多台空调外机支架严重锈蚀，位于人行道上方",
        "location": "外墙空调机位",
    }
    first = client.post("/api/v1/hazards/", body, content_type="application/json")
    again = client.post("/api/v1/hazards/", body, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["place_name"] == facade.name and first.json()["enterprise_id"] is None
    assert Hazard.objects.filter(title="空调外机支架锈蚀").count() == 1


def test_the_api_wants_exactly_one_owner(facade, api_client_for):
    client = api_client_for(world.actor("street_officer"))
    body = {"source": "other", "title": "x", "description": "y", "location": "z"}
    both = {**body, "place_id": facade.pk, "enterprise_id": world.enterprise("yinhang_site").pk}
    for payload in (body, both):
        answer = client.post("/api/v1/hazards/", payload, content_type="application/json")
        assert answer.status_code == 422
        assert "enterprise_id 或 place_id" in answer.json()["detail"][0]["msg"]


def test_the_figures_api_counts_by_owner(mixed_ledger, api_client_for):
    client = api_client_for(world.actor("district_official"))
    by_place = client.get("/api/v1/hazards/figures", {"owner": "place"}).json()
    by_unit = client.get("/api/v1/hazards/figures", {"owner": "enterprise"}).json()
    everything = client.get("/api/v1/hazards/figures").json()
    assert by_place["found"] == 3
    assert by_place["found"] + by_unit["found"] == everything["found"]
    assert client.get("/api/v1/hazards/figures", {"owner": "castle"}).status_code == 422


def test_the_hazard_page_the_ledger_and_its_export_name_the_place(facade, client_for):
    from io import BytesIO

    from openpyxl import load_workbook

    hazard = report_at(facade)
    client = client_for(world.actor("street_officer"))
    page = client.get(hazard.get_absolute_url()).content.decode()
    assert facade.name in page and f"?place={facade.pk}" in page
    listed_page = client.get(reverse("hazards:hazard_list"), {"owner": "place"}).content.decode()
    assert facade.name in listed_page and hazard.number in listed_page
    export = client.get(reverse("hazards:hazard_export"), {"place": facade.pk})
    sheet = load_workbook(BytesIO(export.content)).worksheets[0]
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == [facade.name]
