"""time_limit (anjian/core/timelimit.py): stops a block at its limit, and only that block."""

import contextlib
import time
from datetime import timedelta

import pytest

from anjian.core.timelimit import TimeLimitExceeded, time_limit


def test_a_block_past_its_limit_is_interrupted_even_if_it_catches_exceptions():
    started = time.monotonic()
    with pytest.raises(TimeLimitExceeded) as caught, time_limit(timedelta(seconds=0.2)):
        while True:
            with contextlib.suppress(Exception):  # task code's catch-all does not swallow it
                time.sleep(0.01)
    assert 0.15 < time.monotonic() - started < 10  # stopped, not run to its end
    assert caught.value.limit == timedelta(seconds=0.2)


def test_a_block_within_its_limit_runs_to_the_end_and_leaves_no_alarm_behind():
    with time_limit(timedelta(seconds=0.2)):
        result = sum(range(1000))
    time.sleep(0.4)  # past where the limit would have been
    assert result == 499500


def test_no_limit_means_no_limit():
    with time_limit(None):
        time.sleep(0.01)


def test_limits_do_not_nest():
    with (
        time_limit(timedelta(seconds=5)),
        pytest.raises(RuntimeError),
        time_limit(timedelta(seconds=1)),
    ):
        pass
