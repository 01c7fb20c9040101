"""The penalty-case lifecycle as a table (STYLE habit 9): in every state, every step by
every kind of person is allowed or refused with the error the table says.

The table is written out here, not read from ``lifecycle.CASE``: a change of the
lifecycle must change this table too. Each attempt runs in a savepoint that is rolled
back, so every step is tried on the case as it stands in that state.
"""

import pytest
from django.db import transaction

from anjian.core.exceptions import Conflict, NotPermitted, OutOfScope
from anjian.inspections.case_models import CaseState
from anjian.inspections.lifecycle import CASE
from anjian.inspections.tests import case_factories as cf
from testsupport import world

S = CaseState
SOURCES = {
    "investigate": {S.FILED},
    "submit_review": {S.INVESTIGATING},
    "pass_review": {S.LEGAL_REVIEW},
    "return_review": {S.LEGAL_REVIEW},
    "notify": {S.INVESTIGATING, S.REVIEWED},
    "decide": {S.NOTIFIED},
    "execute": {S.DECIDED},
    "close": {S.EXECUTED},
    "transfer": {S.FILED, S.INVESTIGATING, S.LEGAL_REVIEW, S.REVIEWED, S.NOTIFIED},
    "drop": {S.FILED, S.INVESTIGATING, S.REVIEWED, S.NOTIFIED},
}
TARGETS = {
    "investigate": S.INVESTIGATING,
    "submit_review": S.LEGAL_REVIEW,
    "pass_review": S.REVIEWED,
    "return_review": S.INVESTIGATING,
    "notify": S.NOTIFIED,
    "decide": S.DECIDED,
    "execute": S.EXECUTED,
    "close": S.CLOSED,
    "transfer": S.TRANSFERRED,
    "drop": S.DROPPED,
}
REVIEW = {"pass_review", "return_review"}

# Who may take which steps: the filer (杨浦区应急局 official) and a handler (执法人员) run
# the case; only a reviewer who took no part passes or returns it. A colleague (执法人员
# handling none of it) has the role but not the case; the leader reads only; the
# neighbouring district's official does not see the case at all.
ROLES = ("filer", "handler", "reviewer", "colleague", "leader", "outsider")
MAY = {
    "filer": set(TARGETS) - REVIEW,
    "handler": set(TARGETS) - REVIEW,
    "reviewer": set(TARGETS),
    "colleague": set(),
    "leader": set(),
}
# Refused for the role itself (the action is not theirs): NotPermitted before the state.
NO_ACTION = {
    "handler": REVIEW,  # 执法人员 hold inspection.case, not inspection.legal_review
    "colleague": REVIEW,
    "leader": set(TARGETS),
}

# The last step of each state's path (``case_factories.PATHS``) and who took it: taking
# it again is a replay, not a conflict.
LAST_STEP = {
    S.INVESTIGATING: ("investigate", "filer"),
    S.LEGAL_REVIEW: ("submit_review", "filer"),
    S.REVIEWED: ("pass_review", "reviewer"),
    S.NOTIFIED: ("notify", "filer"),
    S.DECIDED: ("decide", "filer"),
    S.EXECUTED: ("execute", "filer"),
    S.CLOSED: ("close", "filer"),
    S.TRANSFERRED: ("transfer", "filer"),
    S.DROPPED: ("drop", "filer"),
}


def actor(role: str):
    return {
        "filer": lambda: world.actor("district_official"),
        "handler": lambda: world.actor("inspector"),
        "reviewer": cf.reviewer,
        "colleague": lambda: cf.colleague().user,
        "leader": lambda: world.actor("leader"),
        "outsider": lambda: world.actor("neighbour_official"),
    }[role]()


def expected(state: str, name: str, role: str):
    """What taking ``name`` in ``state`` as ``role`` gives: the target state or an error."""
    if role == "outsider":
        return OutOfScope
    if name in NO_ACTION.get(role, ()):
        return NotPermitted
    if LAST_STEP.get(state) == (name, role):
        return state  # the same person's double submit: the case as it is (no error)
    if state not in SOURCES[name]:
        return Conflict
    if name not in MAY[role]:
        return NotPermitted
    return TARGETS[name]


class Undo(Exception):
    pass


def attempt(case, name: str, user):
    """The state the step leaves, or the error class, and nothing kept."""
    try:
        with transaction.atomic():
            result = cf.step(case, name, by=user)
            outcome = result.state
            raise Undo
    except Undo:
        return outcome
    except (Conflict, NotPermitted, OutOfScope) as error:
        return type(error)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize("state", S.values)
def test_every_step_by_every_role_in_every_state(state, db):
    case = cf.case_in(state)
    users = {role: actor(role) for role in ROLES}
    wrong = []
    for name in TARGETS:
        for role in ROLES:
            got = attempt(case, name, users[role])
            want = expected(state, name, role)
            if got != want:
                wrong.append(f"{state} · {name} · {role}: {got}, expected {want}")
    assert not wrong, "\n".join(wrong)


def test_the_table_is_the_lifecycle_declared():
    """The table above and the declaration agree on sources and targets (a change of
    one without the other fails here, naming which)."""
    declared = {t.name: (set(t.sources), t.target) for t in CASE.transitions}
    written = {name: (SOURCES[name], TARGETS[name]) for name in TARGETS}
    assert declared == written


def test_a_colleague_is_refused_with_the_reason(db, media):
    case = cf.case_in(S.FILED)
    with pytest.raises(NotPermitted, match="只有本案承办人可以办理"):
        cf.step(case, "investigate", by=cf.colleague().user)


def test_the_same_step_sent_twice_by_the_same_person_returns_the_case(db, media):
    case = cf.case_in(S.FILED)
    first = cf.step(case, "investigate")
    again = cf.services.case_transition(
        world.actor("district_official"),
        case_id=case.pk,
        name="investigate",
        expected_version=case.version,
    )
    assert again.state == first.state == S.INVESTIGATING
    assert case.transitions.filter(action="investigate").count() == 1


def test_a_stale_version_is_a_conflict(db, media):
    case = cf.case_in(S.FILED)
    with pytest.raises(Conflict):
        cf.services.case_transition(
            world.actor("district_official"),
            case_id=case.pk,
            name="investigate",
            expected_version=case.version - 1,
        )
