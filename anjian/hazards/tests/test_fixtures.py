"""The demo hazards: built through the services, at every state, with exact figures."""

import pytest

from anjian.hazards import tally
from anjian.hazards.choices import State
from anjian.hazards.fixtures import MEASURES, build_demo_hazards, templates_for
from anjian.hazards.models import Hazard, HazardTransition, SystemMeasure
from anjian.regions.models import Industry
from testsupport import world


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_demo_hazards_reach_every_state_with_a_history_and_exact_figures(db):
    enterprises = [world.enterprise(n) for n in ("yinhang_chemical", "yinhang_site")]

    built = build_demo_hazards(by=world.actor("admin"), enterprises=enterprises, count=60)

    assert built == Hazard.objects.count() == 60
    assert set(Hazard.objects.values_list("state", flat=True)) == set(State.values)
    assert not Hazard.objects.exclude(
        pk__in=HazardTransition.objects.values("hazard_id")
    ).exists()  # every hazard has its timeline
    assert tally.differences() == []
    measures = SystemMeasure.objects.all()
    assert 0 < measures.count() <= len(MEASURES)
    for measure in measures:
        assert measure.region_id == world.YANGPU
        assert measure.hazards.exists()
        assert set(measure.hazards.values_list("scope_region_code", flat=True)) <= {
            e.scope_region_code for e in enterprises
        }

    # Building again adds hazards but no second copy of the measures.
    build_demo_hazards(by=world.actor("admin"), enterprises=enterprises, count=5)
    assert SystemMeasure.objects.count() == measures.count()


def test_demo_hazards_fit_their_unit(db):
    """No scaffolding at a shop, no tank farm at a building site (issue 11, item 20): a
    unit's hazards come from the general templates and those of its industry and flags."""
    shop = world.enterprise("hongkou_shop")
    chemical = world.enterprise("yinhang_chemical")

    build_demo_hazards(by=world.actor("admin"), enterprises=[shop, chemical], count=80)

    industries = dict(Industry.objects.values_list("id", "code"))
    for enterprise in (shop, chemical):
        fitting = {title for title, _d, _l in templates_for(enterprise, industries)}
        titles = set(Hazard.objects.filter(enterprise=enterprise).values_list("title", flat=True))
        assert titles and titles <= fitting, (enterprise.name, titles - fitting)
    shop_titles = {title for title, _d, _l in templates_for(shop, industries)}
    assert "脚手架连墙件缺失" not in shop_titles
    assert "可燃气体报警器失效" not in shop_titles
