"""What the hazard page and the API offer a user (``HAZARD.available``) is exactly what the
services let them do: the lifecycle as a table of offers per state and actor, and the
three offers that used to be wrong — 申请延期 to the acceptor, 督促 on hazards that are not
overdue, 挂牌督办 on hazards not yet registered."""

from datetime import timedelta

import pytest
from django.urls import reverse

from anjian.core.exceptions import Conflict, NotPermitted, ValidationError
from anjian.hazards import services
from anjian.hazards.choices import Grade, ListingLevel, Source, State
from anjian.hazards.lifecycle import HAZARD
from anjian.hazards.models import DeadlineExtension, SupervisionListing
from anjian.hazards.tests.factories import hazard_in, photo, report
from anjian.hazards.tests.support import major_clause, make_overdue, messages, run
from testsupport import world


@pytest.fixture(autouse=True)
def media(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def offered(user, hazard) -> set[str]:
    return {action.name for action in HAZARD.available(user, hazard)}


def page(client, hazard) -> str:
    response = client.get(reverse("hazards:hazard_detail", args=[hazard.pk]))
    assert response.status_code == 200
    return response.content.decode()


def api_actions(api_client, hazard) -> set[str]:
    response = api_client.get(f"/api/v1/hazards/{hazard.pk}")
    assert response.status_code == 200
    return {action["name"] for action in response.json()["actions"]}


def card(name: str) -> str:
    return f'id="action-{name}"'


# --- the table: every state, what each side is offered -------------------------------------

# A general self-check hazard of the chemical company that the district official recorded
# (so the government side found it and corrects its wording), not overdue, never listed.
OFFERS = {
    "district_official": {
        State.REPORTED: {"register", "close_on_spot", "void", "photos", "details", "note", "merge"},
        State.REGISTERED: {"start", "void", "photos", "details", "note", "merge"},
        State.RECTIFYING: {"submit", "void", "photos", "details", "note", "merge"},
        State.AWAITING_ACCEPTANCE: {
            *("accept", "reject", "void"),
            *("photos", "details", "note", "merge"),
        },
        State.CLOSED: set(),
        State.VOID: set(),
    },
    "enterprise_manager": {
        State.REPORTED: {"register", "close_on_spot", "photos", "note"},
        State.REGISTERED: {"start", "photos", "note", "extension"},
        State.RECTIFYING: {"submit", "photos", "note", "extension"},
        State.AWAITING_ACCEPTANCE: {"accept", "reject", "photos", "note", "extension"},
        State.CLOSED: set(),
        State.VOID: set(),
    },
    "leader": {state: set() for state in State.values},
    "inspector": {
        State.REPORTED: {"close_on_spot", "photos", "details", "note"},
        **{state: {"photos", "details", "note"} for state in (State.REGISTERED, State.RECTIFYING)},
        State.AWAITING_ACCEPTANCE: {"photos", "details", "note"},
        State.CLOSED: set(),
        State.VOID: set(),
    },
}
CASES = [(actor, state) for actor in OFFERS for state in State.values]


@pytest.mark.parametrize(("actor", "state"), CASES, ids=[f"{a}-{s}" for a, s in CASES])
def test_each_side_is_offered_exactly_this_in_each_state(actor, state):
    hazard = hazard_in(state)

    assert offered(world.actor(actor), hazard) == OFFERS[actor][state]


PAIRS = [(state, t.name) for state in State.values for t in HAZARD.transitions]


@pytest.mark.parametrize(("state", "name"), PAIRS, ids=[f"{n}-from-{s}" for s, n in PAIRS])
def test_a_transition_is_offered_exactly_from_its_source_states(state, name, district_official):
    hazard = hazard_in(state)

    assert HAZARD.may(district_official, name, hazard) == (state in HAZARD.transition(name).sources)


def test_what_the_page_offers_is_what_the_api_lists(client_for, api_client_for, enterprise_manager):
    hazard = hazard_in(State.RECTIFYING)

    html = page(client_for(enterprise_manager), hazard)
    names = api_actions(api_client_for(enterprise_manager), hazard)

    assert names == OFFERS["enterprise_manager"][State.RECTIFYING]
    for name in ("submit", "photos", "note", "extension"):
        assert card(name) in html
    for name in ("accept", "void", "details", "escalate", "listing"):
        assert card(name) not in html


def test_the_api_offers_nothing_to_a_read_only_leader(api_client_for, leader):
    assert api_actions(api_client_for(leader), hazard_in(State.RECTIFYING)) == set()


def test_a_major_hazard_the_government_found_is_accepted_only_by_the_government(
    enterprise_manager, district_official
):
    hazard = hazard_in(
        State.AWAITING_ACCEPTANCE, grade=Grade.MAJOR, source=Source.INSPECTION, photos=[photo()]
    )

    assert {"accept", "reject"} <= offered(district_official, hazard)
    assert not {"accept", "reject"} & offered(enterprise_manager, hazard)


def test_a_major_hazard_is_not_offered_a_close_on_the_spot(district_official):
    hazard = report(clauses=[major_clause().pk])

    assert "close_on_spot" not in offered(district_official, hazard)
    assert "register" in offered(district_official, hazard)


def test_a_listed_hazard_is_offered_sign_off_not_void_and_a_closed_one_its_revisit(
    district_official,
):
    hazard = hazard_in(State.AWAITING_ACCEPTANCE, grade=Grade.MAJOR)
    services.listing_create(
        by=district_official,
        hazard_id=hazard.pk,
        level=ListingLevel.DISTRICT,
        authority="杨浦区安全生产委员会办公室",
        document_number="杨安委办督〔2026〕9号",
        deadline=hazard.deadline,
    )
    assert "void" not in offered(district_official, hazard)

    run("accept", by=district_official, hazard=hazard)
    closed = type(hazard).objects.get(pk=hazard.pk)

    assert offered(district_official, closed) == {"sign_off", "revisit"}
    assert offered(world.actor("street_officer"), closed) == {"revisit"}  # a district listing


# --- 申请延期: asked by the side that rectifies, not by the one that accepts and decides -------


@pytest.mark.parametrize("state", [State.REGISTERED, State.RECTIFYING, State.AWAITING_ACCEPTANCE])
def test_the_acceptor_is_not_offered_an_extension_but_the_enterprise_is(
    state, client_for, api_client_for, district_official, enterprise_manager
):
    hazard = hazard_in(state, grade=Grade.MAJOR, source=Source.INSPECTION, photos=[photo()])

    assert card("extension") not in page(client_for(district_official), hazard)
    assert "extension" not in api_actions(api_client_for(district_official), hazard)
    assert card("extension") in page(client_for(enterprise_manager), hazard)
    assert "extension" in api_actions(api_client_for(enterprise_manager), hazard)


@pytest.mark.parametrize("actor", ["district_official", "street_officer", "admin"])
def test_an_official_who_decides_extensions_cannot_ask_for_one(actor):
    hazard = hazard_in(State.RECTIFYING)

    with pytest.raises(NotPermitted) as refused:
        services.extension_request(
            by=world.actor(actor),
            hazard_id=hazard.pk,
            requested_deadline=hazard.deadline + timedelta(days=10),
            reason="设备到货延迟",
        )

    assert "整改责任单位申请" in str(refused.value)
    assert not DeadlineExtension.objects.exists()


def test_the_api_refuses_an_official_s_extension_request_with_the_reason(
    api_client_for, district_official
):
    hazard = hazard_in(State.RECTIFYING)

    response = api_client_for(district_official).post(
        f"/api/v1/hazards/{hazard.pk}/extensions",
        {"requested_deadline": str(hazard.deadline + timedelta(days=10)), "reason": "缺件"},
        content_type="application/json",
    )

    assert response.status_code == 403
    assert "整改责任单位申请" in response.json()["detail"]


def test_a_pending_request_is_decided_not_asked_again(enterprise_manager, district_official):
    hazard = hazard_in(State.RECTIFYING)
    services.extension_request(
        by=enterprise_manager,
        hazard_id=hazard.pk,
        requested_deadline=hazard.deadline + timedelta(days=10),
        reason="设备到货延迟",
    )

    assert "extension" not in offered(enterprise_manager, hazard)
    assert "extension_decide" in offered(district_official, hazard)
    assert "extension_decide" not in offered(enterprise_manager, hazard)


# --- 督促: only overdue open hazards ----------------------------------------------------------


def test_a_hazard_that_is_not_overdue_is_not_offered_escalation(
    client_for, api_client_for, district_official
):
    hazard = hazard_in(State.RECTIFYING)

    assert card("escalate") not in page(client_for(district_official), hazard)
    assert "escalate" not in api_actions(api_client_for(district_official), hazard)


@pytest.mark.parametrize("state", [State.REGISTERED, State.RECTIFYING, State.AWAITING_ACCEPTANCE])
def test_an_overdue_open_hazard_is_offered_escalation(
    state, client_for, api_client_for, district_official
):
    hazard = make_overdue(hazard_in(state))

    assert card("escalate") in page(client_for(district_official), hazard)
    assert "escalate" in api_actions(api_client_for(district_official), hazard)


def test_escalating_a_hazard_that_is_not_overdue_is_a_conflict(district_official):
    hazard = hazard_in(State.RECTIFYING)

    with pytest.raises(Conflict) as refused:
        services.hazard_escalate(
            by=district_official, hazard_id=hazard.pk, target="owner", note="请加快整改"
        )

    assert str(refused.value) == "隐患尚未逾期，无需督促"
    assert not hazard.transitions.filter(action="escalate").exists()


def test_the_escalation_page_answers_409_before_the_deadline(client_for, district_official):
    hazard = hazard_in(State.RECTIFYING)

    response = client_for(district_official).post(
        reverse("hazards:hazard_escalate", args=[hazard.pk]),
        {"target": "owner", "note": "请加快整改"},
    )

    assert response.status_code == 409
    assert "隐患尚未逾期" in response.content.decode()


# --- 挂牌督办: only registered major hazards not listed already -------------------------------


def test_a_reported_major_hazard_is_not_offered_listing(
    client_for, api_client_for, district_official
):
    hazard = report(clauses=[major_clause().pk])

    assert card("listing") not in page(client_for(district_official), hazard)
    assert "listing" not in api_actions(api_client_for(district_official), hazard)


def test_a_registered_major_hazard_is_offered_listing_until_it_is_listed(
    client_for, api_client_for, district_official
):
    hazard = hazard_in(State.REGISTERED, grade=Grade.MAJOR)
    assert card("listing") in page(client_for(district_official), hazard)
    assert "listing" in api_actions(api_client_for(district_official), hazard)

    services.listing_create(
        by=district_official,
        hazard_id=hazard.pk,
        level=ListingLevel.DISTRICT,
        authority="杨浦区安全生产委员会办公室",
        document_number="杨安委办督〔2026〕3号",
        deadline=hazard.deadline,
    )

    assert card("listing") not in page(client_for(district_official), hazard)
    assert "listing" not in api_actions(api_client_for(district_official), hazard)


def test_a_general_hazard_is_not_offered_listing(district_official):
    assert "listing" not in offered(district_official, hazard_in(State.REGISTERED))


def test_listing_a_reported_major_hazard_is_refused(district_official):
    hazard = report(clauses=[major_clause().pk])

    with pytest.raises(ValidationError) as refused:
        services.listing_create(
            by=district_official,
            hazard_id=hazard.pk,
            level=ListingLevel.DISTRICT,
            authority="杨浦区安全生产委员会办公室",
            document_number="杨安委办督〔2026〕4号",
            deadline=hazard.found_at.date() + timedelta(days=30),
        )

    assert messages(refused.value, "level") == ["隐患尚未上账，上账后才能挂牌督办"]
    assert not SupervisionListing.objects.exists()
