"""The test world itself: the scoping truth table the other tests rely on holds."""

import pytest

from anjian.enterprises.models import Enterprise
from testsupport import world


@pytest.mark.parametrize("name", world.ACTORS)
def test_each_actor_sees_exactly_its_enterprises(name, enterprises):
    user = world.actor(name)
    visible = set(Enterprise.objects.for_user(user).values_list("name", flat=True))
    expected = {world.ENTERPRISE_NAMES[e] for e in world.VISIBLE[name]}
    assert visible == expected
