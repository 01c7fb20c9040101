"""Shared by the lifecycle service tests: every transition, one state each may start from,
and ``assert_refused`` (a refused transition changes nothing in the ledger)."""

import pytest

from anjian.hazards.lifecycle import HAZARD
from anjian.hazards.tests.support import ledger, run, stored

# One state each transition may start from (for role and scope checks).
TRANSITIONS = [t.name for t in HAZARD.transitions]
START_STATE = {t.name: sorted(t.sources)[0] for t in HAZARD.transitions}


def assert_refused(media, hazard, error_type, name, *, by, **overrides):
    """Run ``name`` expecting ``error_type``; nothing about the ledger may change."""
    before, everything = stored(hazard), ledger(media)
    with pytest.raises(error_type) as caught:
        run(name, by=by, hazard=hazard, **overrides)
    assert stored(hazard) == before
    assert ledger(media) == everything
    return caught.value
