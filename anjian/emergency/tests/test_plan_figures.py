"""The plans' figures: 预案备案率, overdue filings, late filings, overdue assessments,
revision due — each counted in scope, and each figure's filter opens exactly the plans it
counts on the list."""

from datetime import date

import pytest

from anjian.emergency import selectors_plans, services_plans
from anjian.emergency.choices import RevisionTrigger
from anjian.emergency.tests.factories_plans import file, in_force, publish, submit, unit_plan
from testsupport import world

TODAY = date(2026, 12, 6)


@pytest.fixture
def plans(db):
    """Plans of 殷行化工 and 平凉机械 in every state the figures tell apart (by title)."""
    official = world.actor("district_official")
    admin = world.actor("admin")
    made = {"draft": unit_plan(title="draft")}
    made["unsent"] = publish(unit_plan(title="unsent"), on=date(2026, 3, 2))  # due 03-30
    made["recent"] = publish(unit_plan(title="recent"), on=date(2026, 11, 20))  # due 12-18
    made["waiting"] = submit(
        publish(unit_plan(title="waiting", enterprise="pingliang_factory"), on=date(2026, 3, 2)),
        on=date(2026, 3, 10),
    )
    returned = submit(
        publish(unit_plan(title="returned"), on=date(2026, 3, 2)), on=date(2026, 3, 5)
    )
    made["returned"] = services_plans.plan_return(
        admin, plan_id=returned.pk, expected_version=returned.version, reason="缺少附件"
    )
    made["on_time"] = in_force(title="on_time", filed_on=date(2026, 3, 20))
    made["late"] = in_force(
        title="late", enterprise="pingliang_factory", filed_on=date(2026, 4, 10)
    )
    made["old"] = in_force(title="old", on=date(2022, 3, 1), filed_on=date(2022, 3, 10))
    made["lesson"] = publish(unit_plan(title="lesson"), on=date(2026, 11, 20))
    services_plans.plan_trigger(
        official, plan_id=made["lesson"].pk, trigger=RevisionTrigger.LESSONS, conclusion="演练发现"
    )
    replaced = in_force(title="replaced", filed_on=date(2026, 3, 20))
    revision = services_plans.plan_revise(official, plan_id=replaced.pk)
    made["revision"] = publish(revision, on=date(2026, 11, 25))
    abolished = publish(unit_plan(title="abolished"), on=date(2026, 3, 2))
    services_plans.plan_abolish(
        official, plan_id=abolished.pk, expected_version=abolished.version, reason="停产"
    )
    made["elsewhere"] = publish(
        unit_plan(world.actor("neighbour_official"), title="elsewhere", enterprise="hongkou_shop"),
        world.actor("neighbour_official"),
        on=date(2026, 3, 2),
    )
    return made


EXPECTED = {
    "in_force": {"unsent", "recent", "waiting", "returned", "on_time", "late", "old", "lesson"}
    | {"修订版"},
    "filed": {"on_time", "late", "old"},
    "filing_overdue": {"unsent", "waiting", "returned"},
    "filed_late": {"late"},
    "assessment_overdue": {"old"},
    "revision_due": {"lesson"},
}


def names(found) -> set[str]:
    return {plan.title if plan.edition != "修订版" else plan.edition for plan in found}


def test_each_figure_counts_its_plans_and_its_filter_opens_exactly_them(plans):
    official = world.actor("district_official")
    figures = selectors_plans.plan_figures(official, today=TODAY)
    for key, expected in EXPECTED.items():
        figure = figures[key]
        opened = selectors_plans.plans(official, **figure.filter)
        assert names(opened) == expected, key
        assert figure.count == len(expected) == opened.count(), key
    rate = figures["filing_rate"]
    assert (rate.numerator.count, rate.denominator.count) == (3, 9)
    assert str(rate.percent) == "33.3"
    assert names(selectors_plans.plans(official, **rate.filter)) == EXPECTED["filed"]


def test_the_figures_follow_the_users_scope(plans):
    unit = selectors_plans.plan_figures(world.actor("enterprise_manager"), today=TODAY)
    assert unit["filing_overdue"].count == 2  # its own: unsent, returned — not 平凉's
    assert unit["filed_late"].count == 0
    neighbour = selectors_plans.plan_figures(world.actor("neighbour_official"), today=TODAY)
    assert (neighbour["in_force"].count, neighbour["filing_overdue"].count) == (1, 1)
    assert neighbour["filing_rate"].percent == 0
    housing = selectors_plans.plan_figures(world.actor("housing_official"), today=TODAY)
    assert housing["in_force"].count == 0 and housing["filing_rate"].percent is None


def test_a_plan_due_today_is_not_yet_overdue(plans):
    official = world.actor("district_official")
    on_the_day = selectors_plans.plan_figures(official, today=date(2026, 12, 18))
    assert "recent" not in names(
        selectors_plans.plans(official, **on_the_day["filing_overdue"].filter)
    )
    day_after = selectors_plans.plan_figures(official, today=date(2026, 12, 19))
    assert "recent" in names(selectors_plans.plans(official, **day_after["filing_overdue"].filter))


def test_a_late_filing_is_derived_from_the_days(plans):
    late = plans["late"]
    assert late.filed_on > late.filing_due_on
    on_time = plans["on_time"]
    assert on_time.filed_on <= on_time.filing_due_on


def test_the_list_ignores_malformed_filters(plans):
    official = world.actor("district_official")
    everything = selectors_plans.plans(official).count()
    assert (
        selectors_plans.plans(
            official, state="nonsense", filing_overdue="yesterday", enterprise="x", region="杨浦"
        ).count()
        == everything
    )
    assert names(selectors_plans.plans(official, state=["draft"], q="dra")) == {"draft"}


def test_a_filed_plan_is_counted_once_its_filing_is_in(plans):
    official = world.actor("district_official")
    recent = file(submit(plans["recent"], on=date(2026, 11, 25)), on=date(2026, 11, 30))
    figures = selectors_plans.plan_figures(official, today=TODAY)
    assert figures["filed"].count == 4 and recent.state == "filed"
