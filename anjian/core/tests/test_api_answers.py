"""The guard behind conftest's ``api_answers_are_documented``: every status an /api/v1
operation answers in the test suite must be in its OpenAPI document.

These tests check the guard itself: it resolves a path to its operation's template,
flags a status the operation does not document, and leaves alone what is no operation.
"""

from testsupport import api_answers


def test_a_path_resolves_to_its_operation_template():
    assert (
        api_answers.template_of("/api/v1/hazards/7/accept") == "/api/v1/hazards/{hazard_id}/accept"
    )
    assert api_answers.template_of("/api/v1/regions/310110") == "/api/v1/regions/{code}"
    assert api_answers.template_of("/api/v1/enterprises/") == "/api/v1/enterprises/"


def test_what_is_no_operation_has_no_template():
    assert api_answers.template_of("/api/v1/docs") is None
    assert api_answers.template_of("/api/v1/openapi.json") is None
    assert api_answers.template_of("/api/v1/no-such-thing/") is None
    assert api_answers.template_of("/enterprises/") is None


def test_it_flags_a_status_the_operation_does_not_document():
    problems = api_answers.undocumented([("GET", "/api/v1/me", 409)])
    assert len(problems) == 1
    assert problems[0].startswith("GET /api/v1/me answered 409")
    assert "(200, 401, 403)" in problems[0]


def test_it_names_the_template_not_the_path():
    problems = api_answers.undocumented([("GET", "/api/v1/enterprises/5", 409)])
    assert problems[0].startswith("GET /api/v1/enterprises/{enterprise_id} answered 409")


def test_it_accepts_documented_statuses():
    answers = [
        ("GET", "/api/v1/enterprises/5", 200),
        ("GET", "/api/v1/enterprises/5", 404),
        ("GET", "/api/v1/enterprises/5", 401),
        ("PATCH", "/api/v1/enterprises/5", 409),
        ("GET", "/api/v1/enterprises/", 422),
    ]
    assert api_answers.undocumented(answers) == []


def test_it_leaves_alone_what_no_operation_answers():
    answers = [
        ("GET", "/api/v1/docs", 200),
        ("GET", "/api/v1/no-such-thing/", 404),
        ("DELETE", "/api/v1/enterprises/5", 405),  # no DELETE operation: django-ninja's 405
    ]
    assert api_answers.undocumented(answers) == []


def test_it_records_what_the_test_client_gets_from_the_api(api_client_for, client, leader):
    with api_answers.recording() as answers:
        api_client_for(leader).get("/api/v1/me")
        client.get("/api/v1/me")
        client.get("/accounts/login/")
    assert answers == [("GET", "/api/v1/me", 200), ("GET", "/api/v1/me", 401)]
