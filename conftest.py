"""Session-wide test set-up: the shared world of regions, departments, actors and enterprises.

The world is built once per test database (see testsupport/world.py); each
test runs inside a transaction that is rolled back, so tests never see each other's
writes. Actors are fixtures by name: ``def test_x(street_officer, client_for): …``.
"""

import pytest

from testsupport import world


@pytest.fixture(scope="session")
def demo():
    """The demo installation built once per test process; browser tests' servers start from
    copies of it (testsupport/browser.py)."""
    from testsupport.browser import demo_template

    with demo_template() as template:
        yield template


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        world.build_world()


def _actor_fixture(name: str):
    @pytest.fixture(name=name)
    def fixture(db):
        return world.actor(name)

    fixture.__doc__ = f"The named actor {name!r} (see testsupport/world.py)."
    return fixture


for _name in world.ACTORS:
    globals()[f"_fixture_{_name}"] = _actor_fixture(_name)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: the pickers' rows a test cached after writing
    them without a signal (``update()``) inside its rolled-back transaction would otherwise
    reach the next test (anjian/core/caching.py)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def enterprises(db):
    """The world's enterprises by name."""
    return {name: world.enterprise(name) for name in world.ENTERPRISES}


@pytest.fixture
def client_for(client):
    """``client_for(actor)`` — a test client logged in as that user (a fresh one per call)."""
    from django.test import Client

    def login(user):
        fresh = Client()
        fresh.force_login(user)
        return fresh

    return login


@pytest.fixture
def api_client_for(db):
    """``api_client_for(actor)`` — a client that calls /api/v1 with a real bearer token."""
    from django.test import Client

    from anjian.accounts.models import ApiToken

    def issue(user):
        _token, raw = ApiToken.issue(user=user, name="pytest")
        return Client(headers={"authorization": f"Bearer {raw}"})

    return issue


@pytest.fixture(autouse=True)
def api_answers_are_documented():
    """Fails a test whose /api/v1 calls got a status the operation does not document
    (testsupport/api_answers.py): the OpenAPI document lists every answer."""
    from testsupport import api_answers

    with api_answers.recording() as answers:
        yield answers
    problems = api_answers.undocumented(answers)
    if problems:
        pytest.fail("undocumented API answers:\n" + "\n".join(problems), pytrace=False)
