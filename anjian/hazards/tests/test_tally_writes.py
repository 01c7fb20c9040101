"""Each write moves exactly the clearing counters it should, and no other: reports,
transitions, voiding, extensions, and an enterprise that moves to another street."""

from datetime import timedelta

import pytest
from django.utils import timezone

from anjian.enterprises.services import enterprise_update
from anjian.hazards import services, tally
from anjian.hazards.choices import Grade, Source, State
from anjian.hazards.models import Hazard
from anjian.hazards.tests.factories import hazard_in, report
from anjian.hazards.tests.support import major_clause, run, tally_rows
from anjian.hazards.tests.tally_support import delta, key_of
from anjian.regions.models import Region
from testsupport import world


@pytest.fixture(autouse=True)
def media(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# --- each write moves only its counters ----------------------------------------------------------


def _found(days: int = 2):
    return timezone.now() - timedelta(days=days)


def test_a_report_counts_as_found_by_its_source():
    before = tally_rows()

    hazard = report(source=Source.TIPOFF, photos=[])

    assert delta(before, tally_rows()) == {key_of(hazard): {"found": 1, "found_tipoff": 1}}


def test_a_report_matching_a_major_clause_counts_as_major():
    before = tally_rows()

    hazard = report(clauses=[major_clause().pk])

    assert delta(before, tally_rows()) == {
        key_of(hazard): {"found": 1, "found_self_check": 1, "major": 1}
    }


@pytest.mark.parametrize(
    ("grade", "expected"),
    [(Grade.GENERAL, {"registered": 1}), (Grade.MAJOR, {"registered": 1, "major": 1})],
)
def test_registering_counts_as_registered(grade, expected, district_official):
    hazard = hazard_in(State.REPORTED)
    before = tally_rows()

    run("register", by=district_official, hazard=hazard, grade=grade)

    assert delta(before, tally_rows()) == {key_of(hazard): expected}


@pytest.mark.parametrize(
    ("state", "name"),
    [
        (State.REGISTERED, "start"),
        (State.RECTIFYING, "submit"),
        (State.AWAITING_ACCEPTANCE, "reject"),
    ],
)
def test_steps_between_register_and_close_move_no_counter(state, name, district_official):
    hazard = hazard_in(state, grade=Grade.MAJOR)
    before = tally_rows()

    run(name, by=district_official, hazard=hazard)

    assert delta(before, tally_rows()) == {}


@pytest.mark.parametrize(
    ("grade", "source", "extra"),
    [
        (Grade.GENERAL, Source.SELF_CHECK, {}),
        (Grade.GENERAL, Source.INSPECTION, {}),
        (Grade.MAJOR, Source.PATROL, {"major_closed": 1}),
        (Grade.MAJOR, Source.ALARM, {"major_closed": 1}),
    ],
)
def test_accepting_counts_as_closed_by_source_on_time_and_major(
    grade, source, extra, district_official
):
    hazard = hazard_in(State.AWAITING_ACCEPTANCE, grade=grade, source=source, found_at=_found(2))
    before = tally_rows()

    run("accept", by=district_official, hazard=hazard)

    expected = {"closed": 1, f"closed_{source}": 1, "closed_on_time": 1, "close_days": 2}
    assert delta(before, tally_rows()) == {key_of(hazard): expected | extra}


def test_a_late_acceptance_is_closed_but_not_on_time(district_official):
    hazard = hazard_in(State.AWAITING_ACCEPTANCE, found_at=_found(9))
    Hazard.objects.filter(pk=hazard.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    before = tally_rows()

    run("accept", by=district_official, hazard=hazard)

    assert delta(before, tally_rows()) == {
        key_of(hazard): {"closed": 1, "closed_self_check": 1, "close_days": 9}
    }


def test_closing_on_the_spot_counts_as_registered_closed_and_on_the_spot(district_official):
    hazard = hazard_in(State.REPORTED, source=Source.PATROL, found_at=_found(2))
    before = tally_rows()

    run("close_on_spot", by=district_official, hazard=hazard)

    assert delta(before, tally_rows()) == {
        key_of(hazard): {
            "registered": 1,
            "closed": 1,
            "closed_patrol": 1,
            "closed_on_time": 1,
            "close_days": 2,
            "on_spot": 1,
        }
    }


@pytest.mark.parametrize(
    ("state", "grade", "expected"),
    [
        (State.REPORTED, Grade.GENERAL, {"found": -1, "found_self_check": -1, "voided": 1}),
        (
            State.REGISTERED,
            Grade.GENERAL,
            {"found": -1, "found_self_check": -1, "registered": -1, "voided": 1},
        ),
        (
            State.AWAITING_ACCEPTANCE,
            Grade.MAJOR,
            {"found": -1, "found_self_check": -1, "registered": -1, "major": -1, "voided": 1},
        ),
    ],
)
def test_voiding_takes_the_hazard_out_of_the_found_figures(
    state, grade, expected, district_official
):
    hazard = hazard_in(state, grade=grade)
    before = tally_rows()

    run("void", by=district_official, hazard=hazard)

    assert delta(before, tally_rows()) == {key_of(hazard): expected}


def test_adding_a_major_clause_while_reported_counts_as_major(district_official):
    hazard = hazard_in(State.REPORTED)
    before = tally_rows()

    services.hazard_update_details(
        by=district_official,
        hazard_id=hazard.pk,
        expected_version=hazard.version,
        data={"title": "配电箱门未上锁"},
        clauses=[major_clause().pk],
    )

    assert delta(before, tally_rows()) == {key_of(hazard): {"major": 1}}


def test_an_approved_extension_moves_no_counter(district_official):
    hazard = hazard_in(State.RECTIFYING)
    before = tally_rows()
    extension = services.extension_request(
        by=world.actor("enterprise_manager"),
        hazard_id=hazard.pk,
        requested_deadline=hazard.deadline + timedelta(days=5),
        reason="等待备件",
    )

    services.extension_decide(by=world.actor("admin"), extension_id=extension.pk, approve=True)

    assert delta(before, tally_rows()) == {}


def test_a_hazard_counts_in_the_month_it_was_found(district_official):
    old = hazard_in(State.REPORTED, found_at=_found(70))
    new = hazard_in(State.REPORTED, found_at=_found(0))

    rows = tally_rows()

    assert key_of(old) != key_of(new)
    assert rows[key_of(old)]["found"] == 1
    assert rows[key_of(new)]["found"] == 1


def test_hazards_of_different_enterprises_count_under_their_own_region_and_industry():
    chemical = report()
    site = report(enterprise=world.enterprise("yinhang_site"))

    rows = tally_rows()

    assert key_of(chemical) != key_of(site)
    assert rows[key_of(chemical)]["found"] == rows[key_of(site)]["found"] == 1


# --- an enterprise that moves ------------------------------------------------------------------


def test_hazards_follow_an_enterprise_that_moves_and_the_figures_with_them(district_official):
    from anjian.hazards import selectors

    site = world.enterprise("yinhang_site")
    for state in (State.REPORTED, State.RECTIFYING, State.CLOSED, State.VOID):
        hazard_in(state, enterprise=site)
    hazard_in(State.REGISTERED, grade=Grade.MAJOR, enterprise=site)
    street = world.actor("street_officer")  # 殷行街道
    found_before = selectors.clearing_figures(street).found
    in_60_days = timezone.localdate() + timedelta(days=60)
    overdue_before = selectors.ClearingReport(street, today=in_60_days).figures().overdue
    assert overdue_before >= 2

    enterprise_update(
        by=district_official,
        enterprise_id=site.pk,
        data={"street": Region.objects.get(code=world.PINGLIANG)},
        expected_version=site.version,
    )

    moved = Hazard.objects.filter(enterprise=site)
    assert set(moved.values_list("scope_region_code", flat=True)) == {
        world.enterprise("yinhang_site").scope_region_code
    }
    assert not Hazard.objects.for_user(street).filter(enterprise=site).exists()
    assert selectors.clearing_figures(street).found == found_before - 4
    later = selectors.ClearingReport(street, today=in_60_days).figures()
    assert later.overdue == overdue_before - 2
    assert tally.differences() == []
    pingliang = {row.key: row for row in selectors.clearing_breakdown(district_official, "street")}
    assert pingliang[world.PINGLIANG].found >= 4


def test_a_transition_begun_before_the_enterprise_moved_is_a_conflict(district_official):
    from anjian.core.exceptions import Conflict

    site = world.enterprise("yinhang_site")
    hazard = hazard_in(State.REGISTERED, enterprise=site)
    enterprise_update(
        by=district_official,
        enterprise_id=site.pk,
        data={"street": Region.objects.get(code=world.PINGLIANG)},
        expected_version=site.version,
    )

    with pytest.raises(Conflict):
        services.hazard_start(
            by=district_official, hazard_id=hazard.pk, expected_version=hazard.version
        )
    assert tally.differences() == []


def test_editing_a_hazard_of_an_enterprise_that_moved_keeps_the_tally_exact(district_official):
    site = world.enterprise("yinhang_site")
    hazard = report(enterprise=site)
    enterprise_update(
        by=district_official,
        enterprise_id=site.pk,
        data={"street": Region.objects.get(code=world.PINGLIANG)},
        expected_version=site.version,
    )
    hazard.refresh_from_db()

    services.hazard_update_details(
        by=district_official,
        hazard_id=hazard.pk,
        expected_version=hazard.version,
        data={"title": "配电箱门未上锁"},
    )

    assert tally.differences() == []
