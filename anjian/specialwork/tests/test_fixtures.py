"""The demo permits in the test world (杨浦区's chemical enterprise 殷行化工, which has the
safety manager's account): a permit at every state, of every kind, entered by that account on
the real clock; a 特级动火 at work now; the grades the rules give; a second run builds
nothing."""

import pytest

from anjian.regions.models import Region
from anjian.specialwork import gates, gb30871
from anjian.specialwork.choices import OPEN_STATES, ApproverRole, Kind, State
from anjian.specialwork.fixtures import build_demo_permits
from anjian.specialwork.models import ApproverMapping, Permit
from testsupport import world

pytestmark = pytest.mark.django_db


@pytest.fixture
def built():
    district = Region.objects.get(code=world.YANGPU)
    return build_demo_permits(district=district, admin=world.actor("admin"))


def test_every_state_and_kind_is_there(built):
    permits = Permit.objects.all()
    assert set(permits.values_list("state", flat=True)) == set(State.values)
    assert set(permits.values_list("kind", flat=True)) == set(Kind.values)
    assert built.expired == 1


def test_they_are_the_enterprise_s_own_and_a_special_hot_work_is_on_now(built):
    manager = world.actor("enterprise_manager")
    assert set(Permit.objects.values_list("applicant", flat=True)) == {manager.pk}
    special = Permit.objects.get(kind="hot", hot_place="running_plant", state__in=OPEN_STATES)
    assert special.grade == "special" and special.state == State.WORKING
    assert special.analyses.filter(passed=True).exists()
    assert ApproverMapping.objects.filter(enterprise=special.enterprise).count() == len(
        ApproverRole
    )


def test_the_grades_are_the_rules(built):
    for permit in Permit.objects.all():
        assert gb30871.grade(permit.kind, gates.facts_of(permit)).grade == permit.grade


def test_a_permit_sent_back_has_its_signatures_withdrawn(built):
    back = Permit.objects.get(place="污水池")
    assert back.state == State.DRAFT
    assert back.approvals.get().withdrawn


def test_a_second_run_builds_nothing(built):
    again = build_demo_permits(
        district=Region.objects.get(code=world.YANGPU), admin=world.actor("admin")
    )
    assert again.permits == []
