"""The one security rule: Scope, scope_q, for_user/for_scope and ensure_in_scope."""

import pytest
from django.contrib.auth.models import AnonymousUser

from anjian.core.exceptions import OutOfScope
from anjian.core.scoping import (
    EMPTY,
    EVERYTHING,
    NOTHING,
    Scope,
    ScopePaths,
    ensure_in_scope,
    scope_of,
    scope_q,
)
from anjian.enterprises.models import Enterprise
from anjian.regions.models import Industry
from testsupport import world

ENTERPRISE_PATHS = Enterprise.scope_paths


def visible(scope: Scope, paths: ScopePaths = ENTERPRISE_PATHS) -> set[str]:
    return set(Enterprise.objects.filter(scope_q(scope, paths)).values_list("name", flat=True))


def names(*keys: str) -> set[str]:
    return {world.ENTERPRISE_NAMES[key] for key in keys}


def industry_id(code: str) -> int:
    return Industry.objects.get(code=code).pk


# --- Scope itself ------------------------------------------------------------------------------


def test_the_empty_scope_is_empty_and_everything_is_not():
    assert EMPTY.is_empty
    assert not EVERYTHING.is_empty
    assert not Scope(region_prefix="310110").is_empty
    assert not Scope(enterprise_id=1).is_empty


def test_a_region_scope_covers_its_prefix_and_nothing_beside_it():
    scope = Scope(region_prefix="310110")
    assert scope.covers_region("310110")
    assert scope.covers_region("310110016")
    assert scope.covers_region("310110016W001")
    assert not scope.covers_region("310109001")
    assert not scope.covers_region("3101")  # the city above is outside


def test_everything_covers_every_region_and_the_empty_scope_none():
    assert EVERYTHING.covers_region("110101")
    assert not EMPTY.covers_region("310110")
    assert not Scope(enterprise_id=7).covers_region("310110")


def test_an_industry_scope_covers_only_its_industries():
    scope = Scope(region_prefix="310110", industry_ids=frozenset({3, 4}))
    assert scope.covers_industry(3)
    assert not scope.covers_industry(5)
    assert not scope.covers_industry(None)
    assert Scope(region_prefix="310110").covers_industry(5)


def test_scopes_compare_by_content_not_label():
    assert Scope(region_prefix="31", label="a") == Scope(region_prefix="31", label="b")
    assert Scope(region_prefix="31") != Scope(region_prefix="3101")


# --- scope_q against the world's enterprises ---------------------------------------------------


def test_everything_sees_every_enterprise(db):
    assert visible(EVERYTHING) == set(world.ENTERPRISE_NAMES.values())


def test_the_empty_scope_sees_nothing(db):
    assert visible(EMPTY) == set()
    assert scope_q(EMPTY, ENTERPRISE_PATHS) == NOTHING


def test_a_district_prefix_sees_the_district_only(db):
    assert visible(Scope(region_prefix=world.YANGPU)) == names(
        "yinhang_chemical", "yinhang_site", "pingliang_factory"
    )
    assert visible(Scope(region_prefix=world.HONGKOU)) == names("hongkou_shop")


def test_a_street_prefix_sees_the_street_and_its_grids(db):
    assert visible(Scope(region_prefix=world.YINHANG)) == names("yinhang_chemical", "yinhang_site")


def test_a_grid_prefix_sees_only_the_grid(db):
    assert visible(Scope(region_prefix=world.YINHANG + "W001")) == names("yinhang_chemical")


def test_a_prefix_is_a_prefix_not_a_substring(db):
    # "10110" occurs inside every 杨浦 code but is no prefix of them.
    assert visible(Scope(region_prefix="10110")) == set()


def test_industries_narrow_a_region_scope(db):
    construction = Scope(
        region_prefix=world.YANGPU, industry_ids=frozenset({industry_id("construction")})
    )
    assert visible(construction) == names("yinhang_site")
    several = Scope(
        region_prefix=world.YANGPU,
        industry_ids=frozenset({industry_id("construction"), industry_id("machinery")}),
    )
    assert visible(several) == names("yinhang_site", "pingliang_factory")


def test_an_empty_industry_set_sees_nothing(db):
    assert visible(Scope(region_prefix=world.YANGPU, industry_ids=frozenset())) == set()


def test_industries_outside_the_region_stay_outside(db):
    commerce = Scope(region_prefix=world.YANGPU, industry_ids=frozenset({industry_id("commerce")}))
    assert visible(commerce) == set()  # the only 商超 is in 虹口


def test_an_enterprise_scope_sees_that_enterprise_only(db):
    chemical = world.enterprise("yinhang_chemical")
    assert visible(Scope(enterprise_id=chemical.pk)) == names("yinhang_chemical")


def test_an_enterprise_scope_wins_over_a_region_prefix(db):
    chemical = world.enterprise("yinhang_chemical")
    scope = Scope(enterprise_id=chemical.pk, region_prefix=world.HONGKOU)
    assert visible(scope) == names("yinhang_chemical")


def test_a_model_without_an_enterprise_path_shows_enterprise_users_nothing(db):
    chemical = world.enterprise("yinhang_chemical")
    paths = ScopePaths(region="scope_region_code", industry="industry_id")
    assert scope_q(Scope(enterprise_id=chemical.pk), paths) == NOTHING
    assert visible(Scope(enterprise_id=chemical.pk), paths) == set()


def test_a_model_without_a_region_path_shows_region_users_nothing(db):
    paths = ScopePaths(enterprise="pk")
    assert visible(Scope(region_prefix=world.YANGPU), paths) == set()
    assert visible(EVERYTHING, paths) == set(world.ENTERPRISE_NAMES.values())


def test_a_model_without_an_industry_path_is_scoped_by_region_alone(db):
    paths = ScopePaths(region="scope_region_code", enterprise="pk")
    construction = Scope(
        region_prefix=world.YINHANG, industry_ids=frozenset({industry_id("construction")})
    )
    assert visible(construction, paths) == names("yinhang_chemical", "yinhang_site")


# --- users, querysets and ensure_in_scope ------------------------------------------------------


def test_anonymous_missing_and_inactive_users_have_the_empty_scope(db):
    assert scope_of(None) is EMPTY
    assert scope_of(AnonymousUser()) is EMPTY
    official = world.actor("district_official")
    official.is_active = False
    assert scope_of(official) is EMPTY


@pytest.mark.parametrize("name", world.ACTORS)
def test_for_scope_with_an_actors_scope_sees_what_the_actor_sees(name, db):
    scope = world.actor(name).scope
    seen = set(Enterprise.objects.for_scope(scope).values_list("name", flat=True))
    assert seen == names(*world.VISIBLE[name])


def test_an_inactive_official_sees_nothing_through_for_user(db):
    official = world.actor("district_official")
    official.is_active = False
    assert not Enterprise.objects.for_user(official).exists()


def test_for_user_composes_with_other_filters(db):
    official = world.actor("district_official")
    machinery = Enterprise.objects.filter(industry__code="machinery").for_user(official)
    assert set(machinery.values_list("name", flat=True)) == names("pingliang_factory")


def test_ensure_in_scope_passes_inside_scope(street_officer):
    ensure_in_scope(street_officer, world.enterprise("yinhang_site"))


def test_ensure_in_scope_raises_outside_scope_naming_the_field(street_officer):
    with pytest.raises(OutOfScope) as caught:
        ensure_in_scope(street_officer, world.enterprise("pingliang_factory"), field="street")
    assert caught.value.field == "street"
    assert str(caught.value) == "超出您的管辖范围"


def test_ensure_in_scope_sees_the_saved_state_not_the_instance(street_officer):
    # The check re-reads the row: what counts is what was written, inside the transaction.
    site = world.enterprise("yinhang_site")
    Enterprise.objects.filter(pk=site.pk).update(scope_region_code=world.PINGLIANG)
    with pytest.raises(OutOfScope):
        ensure_in_scope(street_officer, site)


def test_ensure_in_scope_refuses_the_expert_everything(expert):
    with pytest.raises(OutOfScope):
        ensure_in_scope(expert, world.enterprise("yinhang_chemical"))
