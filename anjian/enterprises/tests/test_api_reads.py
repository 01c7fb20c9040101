"""The registry list through the API in at most three statements (issue 11, item 4):
signed in, the session and the user (with the pickers' stamp) plus one read of the page
with its total; with a token, the token (with its user) plus that read. The answer is
exactly what the list's filter selects."""

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from anjian.enterprises import selectors
from anjian.regions.models import Department
from testsupport import world

pytestmark = pytest.mark.django_db

URL = "/api/v1/enterprises/"


def queries_of_each_kind() -> list[dict]:
    department = Department.objects.filter(region_id=world.YANGPU).order_by("pk").first()
    return [
        {},
        {"industry": "hazchem"},
        {"street": world.YINHANG, "supervision_grade": "A"},
        {"department": department.pk},
        {"q": "化工"},
        {"flag": "involves_hazchem", "insurance": "expired"},
        {"status": "operating", "sort": "-employees"},
        {"page_size": 1},
        {"page_size": 1, "page": 2},
        {"page_size": 1, "page": 500},  # past the end: counted apart
    ]


def expected(user, query: dict) -> tuple[int, list[int]]:
    params = QueryDict(mutable=True)
    for key, value in query.items():
        params[key] = str(value)
    rows = list(selectors.enterprise_filter(user, params).qs)
    size, page = int(query.get("page_size", 50)), int(query.get("page", 1))
    return len(rows), [e.pk for e in rows[(page - 1) * size : page * size]]


def ordered_alike(query: dict) -> bool:
    return "sort" not in query  # ties of a sort by one column come in no defined order


@pytest.mark.parametrize("actor", ["admin", "district_official"])
def test_a_signed_in_list_request_reads_at_most_three_statements(client_for, actor):
    user = world.actor(actor)
    client = client_for(user)
    for query in queries_of_each_kind():
        client.get(URL, query)  # the pickers' rows into the cache
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, query)
        assert response.status_code == 200, (query, response.content[:300])
        body = response.json()
        total, ids = expected(user, query)
        assert body["count"] == total, query
        if ordered_alike(query):
            assert [item["id"] for item in body["items"]] == ids, query
        past_the_end = not ids and total
        most = 4 if past_the_end else 3
        assert len(queries) <= most, (query, [q["sql"][:120] for q in queries])


def test_a_token_list_request_reads_at_most_three_statements(api_client_for):
    user = world.actor("district_official")
    client = api_client_for(user)
    for query in queries_of_each_kind()[:-1]:
        client.get(URL, query)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, query)
        assert response.status_code == 200, query
        assert response.json()["count"] == expected(user, query)[0], query
        assert len(queries) <= 3, (query, [q["sql"][:120] for q in queries])
