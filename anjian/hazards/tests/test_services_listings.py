"""挂牌督办: listing a registered open major hazard at the levels the user's region allows,
and 摘牌 once the hazard is closed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from anjian.core.exceptions import Conflict, NotPermitted, ValidationError
from anjian.core.models import Notification
from anjian.hazards import services
from anjian.hazards.choices import Grade, ListingLevel, ListingState, State
from anjian.hazards.models import Hazard, SupervisionListing
from anjian.hazards.tests.factories import hazard_in
from anjian.hazards.tests.supervision_support import listing
from anjian.hazards.tests.support import major_clause, messages, run, stored
from testsupport import world


@pytest.fixture(autouse=True)
def media(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.parametrize(
    ("actor", "levels"),
    [
        ("street_officer", {ListingLevel.STREET}),
        ("grid_member", {ListingLevel.STREET}),
        ("district_official", {ListingLevel.DISTRICT, ListingLevel.STREET}),
        ("neighbour_official", {ListingLevel.DISTRICT, ListingLevel.STREET}),
        ("admin", set(ListingLevel.values)),
        ("enterprise_manager", set()),
        ("expert", set()),
    ],
)
def test_the_levels_a_user_may_list_at_follow_their_region(actor, levels):
    assert set(services.listing_levels_for(world.actor(actor))) == levels


@pytest.mark.parametrize("state", [State.REGISTERED, State.RECTIFYING, State.AWAITING_ACCEPTANCE])
def test_a_registered_open_major_hazard_is_listed(state, district_official, enterprise_manager):
    hazard = hazard_in(state, grade=Grade.MAJOR, clauses=[major_clause().pk])

    listed = listing(hazard)

    assert listed.state == ListingState.LISTED
    assert (listed.level, listed.listed_by) == (ListingLevel.DISTRICT, district_official)
    assert listed.authority == "杨浦区安全生产委员会办公室"
    assert hazard.transitions.order_by("at", "id").last().action == "list"
    assert Notification.objects.filter(recipient=enterprise_manager, kind="hazard_listed").exists()


def test_a_general_hazard_is_not_listed():
    hazard = hazard_in(State.RECTIFYING)

    with pytest.raises(ValidationError) as refused:
        listing(hazard)

    assert messages(refused.value, "level") == ["只有重大事故隐患可以挂牌督办"]
    assert not SupervisionListing.objects.exists()


@pytest.mark.parametrize("state", [State.CLOSED, State.VOID])
def test_a_closed_or_void_major_hazard_is_not_listed(state):
    hazard = hazard_in(state, clauses=[major_clause().pk], grade=Grade.MAJOR)

    with pytest.raises(ValidationError) as refused:
        listing(hazard)

    assert "level" in refused.value.message_dict
    assert not SupervisionListing.objects.exists()


def test_a_street_officer_lists_at_street_level_only(street_officer):
    hazard = hazard_in(State.RECTIFYING, grade=Grade.MAJOR)

    with pytest.raises(ValidationError) as refused:
        listing(hazard, by=street_officer, level=ListingLevel.DISTRICT)
    assert messages(refused.value, "level") == ["您所在层级不能进行该级别的挂牌督办"]

    assert listing(hazard, by=street_officer, level=ListingLevel.STREET).level == "street"


def test_a_district_official_cannot_list_at_city_level_but_the_admin_can(admin):
    hazard = hazard_in(State.RECTIFYING, grade=Grade.MAJOR)

    with pytest.raises(ValidationError):
        listing(hazard, level=ListingLevel.CITY)

    assert listing(hazard, by=admin, level=ListingLevel.CITY).level == ListingLevel.CITY


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("authority", " ", "请填写督办单位"),
        ("document_number", "", "请填写督办文号"),
        ("deadline", None, "请填写督办期限"),
        ("deadline", timezone.localdate() - timedelta(days=1), "督办期限不能早于今天"),
    ],
)
def test_a_listing_needs_authority_number_and_a_future_deadline(field, value, message):
    hazard = hazard_in(State.RECTIFYING, grade=Grade.MAJOR)

    with pytest.raises(ValidationError) as refused:
        listing(hazard, **{field: value})

    assert messages(refused.value, field) == [message]
    assert not SupervisionListing.objects.exists()


def test_a_hazard_has_one_active_listing():
    hazard = hazard_in(State.RECTIFYING, grade=Grade.MAJOR)
    listing(hazard)

    with pytest.raises(Conflict) as refused:
        listing(hazard, level=ListingLevel.STREET, document_number="杨安委办督〔2026〕2号")

    assert "已在挂牌督办中" in str(refused.value)
    assert SupervisionListing.objects.filter(hazard=hazard).count() == 1
    assert hazard.transitions.filter(action="list").count() == 1


@pytest.mark.parametrize("actor", ["enterprise_manager", "inspector", "leader"])
def test_only_the_government_lists(actor):
    hazard = hazard_in(State.RECTIFYING, grade=Grade.MAJOR)

    with pytest.raises(NotPermitted):
        listing(hazard, by=world.actor(actor), level=ListingLevel.STREET)

    assert not SupervisionListing.objects.exists()


@pytest.mark.parametrize("actor", ["neighbour_official", "housing_official", "expert"])
def test_an_out_of_scope_official_cannot_list(actor):
    hazard = hazard_in(State.RECTIFYING, grade=Grade.MAJOR)

    with pytest.raises(Hazard.DoesNotExist):
        listing(hazard, by=world.actor(actor), level=ListingLevel.STREET)


def test_a_listed_hazard_cannot_be_voided_before_sign_off(district_official):
    hazard = hazard_in(State.RECTIFYING, grade=Grade.MAJOR)
    listing(hazard)
    before = stored(hazard)

    with pytest.raises(ValidationError) as refused:
        run("void", by=district_official, hazard=hazard)

    assert refused.value.messages == ["该隐患正在挂牌督办，须先摘牌才能作废"]
    assert stored(hazard) == before


def test_sign_off_waits_for_the_hazard_to_be_closed(district_official):
    hazard = hazard_in(State.AWAITING_ACCEPTANCE, grade=Grade.MAJOR)
    listed = listing(hazard)

    with pytest.raises(ValidationError) as refused:
        services.listing_sign_off(by=district_official, listing_id=listed.pk, note="同意摘牌")

    assert refused.value.messages == ["隐患尚未验收销号，不能摘牌"]
    assert SupervisionListing.objects.get(pk=listed.pk).state == ListingState.LISTED


def test_a_closed_hazard_is_signed_off_once(district_official, street_officer):
    hazard = hazard_in(State.AWAITING_ACCEPTANCE, grade=Grade.MAJOR)
    listed = listing(hazard, level=ListingLevel.STREET)
    run("accept", by=district_official, hazard=hazard)

    signed = services.listing_sign_off(by=district_official, listing_id=listed.pk, note=" 同意 ")

    assert signed.state == ListingState.SIGNED_OFF
    assert (signed.signed_off_by, signed.sign_off_note) == (district_official, "同意")
    assert signed.signed_off_at is not None
    assert hazard.transitions.order_by("at", "id").last().action == "sign_off"
    with pytest.raises(Conflict):
        services.listing_sign_off(by=street_officer, listing_id=listed.pk, note="再次摘牌")
    assert hazard.transitions.filter(action="sign_off").count() == 1


def test_sign_off_needs_a_note(district_official):
    hazard = hazard_in(State.AWAITING_ACCEPTANCE, grade=Grade.MAJOR)
    listed = listing(hazard)
    run("accept", by=district_official, hazard=hazard)

    with pytest.raises(ValidationError) as refused:
        services.listing_sign_off(by=district_official, listing_id=listed.pk, note="  ")

    assert messages(refused.value, "sign_off_note") == ["请填写摘牌意见"]


def test_a_street_officer_cannot_sign_off_a_district_listing(district_official, street_officer):
    hazard = hazard_in(State.AWAITING_ACCEPTANCE, grade=Grade.MAJOR)
    listed = listing(hazard, level=ListingLevel.DISTRICT)
    run("accept", by=district_official, hazard=hazard)

    with pytest.raises(NotPermitted):
        services.listing_sign_off(by=street_officer, listing_id=listed.pk, note="同意")

    assert SupervisionListing.objects.get(pk=listed.pk).state == ListingState.LISTED
