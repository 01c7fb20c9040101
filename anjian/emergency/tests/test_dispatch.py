"""Dispatch: each kind of resource sent to an open incident under its availability (a
team once, stock never below zero, a shelter never over capacity), its moves with their
times, what comes back on release and cancel, and the refusals — scope, bad input, stale
versions, a closed incident, closing with resources still out."""

import pytest
from django.db.models import Sum

from anjian.core.exceptions import Conflict, NotPermitted, OutOfScope, ValidationError
from anjian.core.models import Notification
from anjian.emergency import dispatch as service
from anjian.emergency import services_incidents
from anjian.emergency.choices import LogKind, Readiness, ResourceKind, ShelterStatus
from anjian.emergency.models import (
    Assignment,
    AssignmentState,
    CommandLogEntry,
    IncidentState,
    RescueTeam,
    StockMovement,
)
from anjian.emergency.selectors_incidents import candidates
from anjian.emergency.tests import factories_incidents as make
from testsupport import world

pytestmark = pytest.mark.django_db


def send(by, incident, kind, resource, quantity=1, **extra):
    return service.dispatch(
        by,
        incident_id=incident.pk,
        kind=kind,
        resource_id=resource.pk,
        quantity=quantity,
        **extra,
    )


def move(by, assignment, name, **extra):
    assignment.refresh_from_db()
    return service.assignment_move(
        by,
        assignment_id=assignment.pk,
        expected_version=assignment.version,
        name=name,
        **extra,
    )


def ledger(supply) -> int:
    return StockMovement.objects.filter(supply=supply).aggregate(n=Sum("delta"))["n"] or 0


# --- teams ------------------------------------------------------------------------------------


def test_a_ready_team_is_sent_logged_and_its_keepers_told(
    district_official, django_capture_on_commit_callbacks
):
    incident = make.responding(district_official)
    team = make.team()
    with django_capture_on_commit_callbacks(execute=True):
        sent = send(district_official, incident, ResourceKind.TEAM, team, task="灭火救援")
    team.refresh_from_db()
    assert team.readiness == Readiness.DEPLOYED
    assert sent.state == AssignmentState.DISPATCHED and sent.distance_km == pytest.approx(
        1.11, abs=0.01
    )
    assert sent.transitions.get().action == "dispatch"
    line = CommandLogEntry.objects.filter(incident=incident, kind=LogKind.DISPATCH).get()
    assert "杨浦区危化品救援队" in line.text and "1.1公里" in line.text and "灭火救援" in line.text
    # the team is the district's: its resource keepers there hear of it, not the sender
    told = set(Notification.objects.filter(kind="incident").values_list("recipient", flat=True))
    assert world.actor("housing_official").pk in told and district_official.pk not in told


def test_a_team_already_out_cannot_be_sent_again(district_official):
    team = make.team()
    first, second = make.responding(district_official), make.responding(district_official)
    send(district_official, first, ResourceKind.TEAM, team)
    with pytest.raises(Conflict, match="该队伍已被调派或不在待命状态"):
        send(district_official, second, ResourceKind.TEAM, team)
    assert Assignment.objects.filter(team=team).count() == 1


def test_the_unique_index_refuses_a_second_active_assignment_even_if_readiness_lies(
    district_official,
):
    """Someone set the deployed team back to 待命 by hand: the readiness check and the
    conditional UPDATE both pass, the partial unique index still refuses."""
    team = make.team()
    first, second = make.responding(district_official), make.responding(district_official)
    send(district_official, first, ResourceKind.TEAM, team)
    RescueTeam.objects.filter(pk=team.pk).update(readiness=Readiness.READY)
    with pytest.raises(Conflict, match="该队伍已被调派"):
        send(district_official, second, ResourceKind.TEAM, team)
    assert Assignment.objects.filter(team=team).count() == 1


def test_a_resting_team_is_not_sent(district_official):
    resting = make.team(readiness=Readiness.RESTING)
    with pytest.raises(Conflict):
        send(district_official, make.responding(district_official), ResourceKind.TEAM, resting)


def test_a_team_goes_out_arrives_and_stands_ready_again(district_official):
    incident = make.responding(district_official)
    team = make.team()
    sent = send(district_official, incident, ResourceKind.TEAM, team)
    with pytest.raises(Conflict):  # released only once on scene
        move(district_official, sent, "release")
    on_way = move(district_official, sent, "depart")
    assert on_way.state == AssignmentState.EN_ROUTE and on_way.en_route_at is not None
    there = move(district_official, sent, "arrive")
    assert there.on_scene_at is not None
    with pytest.raises(Conflict):  # a stale version
        service.assignment_move(
            district_official, assignment_id=sent.pk, expected_version=1, name="release"
        )
    released = move(district_official, sent, "release")
    team.refresh_from_db()
    assert released.state == AssignmentState.RELEASED and released.released_at is not None
    assert team.readiness == Readiness.READY
    texts = list(
        CommandLogEntry.objects.filter(incident=incident, kind=LogKind.DISPATCH).values_list(
            "text", flat=True
        )
    )
    assert len(texts) == 4 and texts[-1].endswith("撤离")


def test_a_cancel_needs_a_reason_and_frees_the_team(district_official):
    team = make.team()
    sent = send(district_official, make.responding(district_official), ResourceKind.TEAM, team)
    with pytest.raises(ValidationError, match="reason"):
        move(district_official, sent, "cancel")
    cancelled = move(district_official, sent, "cancel", reason="另有队伍先到")
    team.refresh_from_db()
    assert cancelled.state == AssignmentState.CANCELLED and team.readiness == Readiness.READY
    with pytest.raises(ValidationError, match="name"):
        move(district_official, sent, "teleport")


# --- supplies ---------------------------------------------------------------------------------


def test_stock_never_goes_below_zero(district_official):
    incident = make.responding(district_official)
    bags = make.supply(10)
    with pytest.raises(Conflict, match="库存不足"):
        send(district_official, incident, ResourceKind.SUPPLY, bags, quantity=11)
    taken = send(district_official, incident, ResourceKind.SUPPLY, bags, quantity=10)
    with pytest.raises(Conflict, match="库存不足"):
        send(district_official, incident, ResourceKind.SUPPLY, bags, quantity=1)
    bags.refresh_from_db()
    assert bags.quantity == 0 == ledger(bags)
    assert Assignment.objects.filter(supply=bags).get() == taken


def test_unused_supplies_go_back_to_stock_on_release(district_official):
    incident = make.responding(district_official)
    bags = make.supply(10)
    sent = send(district_official, incident, ResourceKind.SUPPLY, bags, quantity=8)
    move(district_official, sent, "arrive")
    with pytest.raises(ValidationError, match="returned"):
        move(district_official, sent, "release", returned=9)
    with pytest.raises(ValidationError, match="returned"):
        move(district_official, sent, "release", returned=-1)
    move(district_official, sent, "release", returned=3)
    bags.refresh_from_db()
    assert bags.quantity == 5 == ledger(bags)  # 10 − 8 + 3


def test_released_without_a_figure_the_supplies_were_all_used(district_official):
    bags = make.supply(10)
    sent = send(district_official, make.responding(district_official), ResourceKind.SUPPLY, bags, 4)
    move(district_official, sent, "arrive")
    move(district_official, sent, "release")
    bags.refresh_from_db()
    assert bags.quantity == 6 == ledger(bags)


def test_a_cancelled_supply_comes_back_in_full(district_official):
    bags = make.supply(10)
    sent = send(district_official, make.responding(district_official), ResourceKind.SUPPLY, bags, 7)
    move(district_official, sent, "cancel", reason="道路中断")
    bags.refresh_from_db()
    assert bags.quantity == 10 == ledger(bags)


# --- shelters, equipment, experts -------------------------------------------------------------


def test_a_shelter_never_goes_over_capacity(district_official):
    incident = make.responding(district_official)
    park = make.shelter(capacity=50)
    sent = send(district_official, incident, ResourceKind.SHELTER, park, quantity=30)
    park.refresh_from_db()
    assert (park.occupancy, park.status) == (30, ShelterStatus.OPEN)
    with pytest.raises(Conflict, match="空余容量不足"):
        send(district_official, incident, ResourceKind.SHELTER, park, quantity=21)
    send(district_official, incident, ResourceKind.SHELTER, park, quantity=20)
    park.refresh_from_db()
    assert park.occupancy == park.capacity == 50
    move(district_official, sent, "arrive")
    move(district_official, sent, "release", returned=25)  # five stay on
    park.refresh_from_db()
    assert park.occupancy == 25


def test_equipment_is_lent_and_comes_back(district_official):
    incident = make.responding(district_official)
    pumps = make.equipment(quantity=3)
    sent = send(district_official, incident, ResourceKind.EQUIPMENT, pumps, quantity=2)
    with pytest.raises(Conflict, match="可调用数量不足"):
        send(district_official, incident, ResourceKind.EQUIPMENT, pumps, quantity=2)
    pumps.refresh_from_db()
    assert pumps.available == 1
    with pytest.raises(ValidationError, match="returned"):
        move(district_official, sent, "cancel", reason="不需要了", returned=1)
    move(district_official, sent, "cancel", reason="不需要了")
    pumps.refresh_from_db()
    assert pumps.available == 3


def test_an_expert_is_on_one_incident_at_a_time(district_official):
    sun = make.expert()
    send(district_official, make.responding(district_official), ResourceKind.EXPERT, sun)
    with pytest.raises(Conflict, match="专家"):
        send(district_official, make.responding(district_official), ResourceKind.EXPERT, sun)


# --- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize("quantity", [0, -3, "三", "2.5", None, True])
def test_a_quantity_that_is_not_a_positive_whole_number_is_refused(district_official, quantity):
    bags = make.supply(10)
    with pytest.raises(ValidationError, match="quantity"):
        send(
            district_official,
            make.responding(district_official),
            ResourceKind.SUPPLY,
            bags,
            quantity,
        )
    assert not Assignment.objects.exists()


def test_an_unknown_kind_or_a_team_of_two_is_refused(district_official):
    incident = make.responding(district_official)
    team = make.team()
    with pytest.raises(ValidationError, match="kind"):
        send(district_official, incident, "helicopter", team)
    with pytest.raises(ValidationError, match="quantity"):
        send(district_official, incident, ResourceKind.TEAM, team, quantity=2)
    with pytest.raises(ValidationError, match="task"):
        send(district_official, incident, ResourceKind.TEAM, team, task="任" * 201)


def test_a_resource_out_of_scope_cannot_be_sent(district_official):
    incident = make.responding(district_official)
    theirs = make.team("虹口区救援队", region=world.HONGKOU, at=(31.26, 121.485))
    with pytest.raises(OutOfScope):
        send(district_official, incident, ResourceKind.TEAM, theirs)
    theirs.refresh_from_db()
    assert theirs.readiness == Readiness.READY


def test_another_district_cannot_dispatch_to_the_incident(district_official):
    incident = make.responding(district_official)
    team = make.team("虹口区救援队", region=world.HONGKOU, at=(31.26, 121.485))
    with pytest.raises(OutOfScope):
        send(world.actor("neighbour_official"), incident, ResourceKind.TEAM, team)


def test_a_street_officer_may_not_dispatch(district_official):
    incident = make.responding(district_official)
    with pytest.raises(NotPermitted):
        send(world.actor("street_officer"), incident, ResourceKind.TEAM, make.team())


def test_close_waits_for_everything_sent_and_then_nothing_more_goes(district_official):
    incident = make.responding(district_official)
    sent = send(district_official, incident, ResourceKind.TEAM, make.team())
    incident.refresh_from_db()
    with pytest.raises(Conflict, match="未撤离"):
        services_incidents.incident_close(
            district_official, incident_id=incident.pk, expected_version=incident.version
        )
    move(district_official, sent, "arrive")
    move(district_official, sent, "release")
    closed = services_incidents.incident_close(
        district_official, incident_id=incident.pk, expected_version=incident.version
    )
    assert closed.state == IncidentState.CLOSED
    with pytest.raises(Conflict):
        send(district_official, closed, ResourceKind.TEAM, make.team("另一支队伍"))


def test_an_incident_with_resources_out_is_not_voided(district_official):
    incident = make.incident(district_official)  # dispatch may start before the response
    send(district_official, incident, ResourceKind.TEAM, make.team())
    with pytest.raises(Conflict, match="未撤离"):
        services_incidents.incident_void(
            district_official,
            incident_id=incident.pk,
            expected_version=incident.version,
            reason="误报",
        )


# --- candidates ---------------------------------------------------------------------------------


def test_candidates_are_the_nearest_available_from_the_incidents_place(district_official):
    incident = make.responding(district_official)
    far = make.team("平凉队", at=(31.2620, 121.5300))
    near = make.team("殷行队", at=(31.3150, 121.5300))
    make.team("出动中的队伍", at=(31.3201, 121.5301), readiness=Readiness.DEPLOYED)
    make.team("虹口区救援队", region=world.HONGKOU, at=(31.3200, 121.5290))  # not ours
    found = candidates(district_official, incident, kind=ResourceKind.TEAM)
    assert [c.resource for c in found] == [near, far]
    assert found[0].distance_km == pytest.approx(0.56, abs=0.01)
    send(district_official, incident, ResourceKind.TEAM, near)
    assert [c.resource for c in candidates(district_official, incident, kind="team")] == [far]
