"""The threshold rule itself: breach, minimum duration, dead band, late readings."""

from datetime import UTC, datetime, timedelta

import pytest

from anjian.monitoring.engine import RAISE, RECOVER, Rule, step

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def rule(level="high", value=8.0, hysteresis=0.5, seconds=0) -> Rule:
    return Rule(1, 1, 1, level, value, hysteresis, timedelta(seconds=seconds))


def run(r: Rule, values, every=10):
    """Feed values 10 s apart; returns the events with their positions."""
    breach, events = None, []
    for i, value in enumerate(values):
        breach, event = step(r, breach, T0 + timedelta(seconds=every * i), value)
        if event:
            events.append((i, event))
    return events, breach


def test_a_value_at_the_limit_raises_at_once_without_a_duration():
    assert run(rule(), [7.9, 8.0])[0] == [(1, RAISE)]


def test_a_value_hovering_at_the_limit_raises_once_not_on_every_crossing():
    events, breach = run(rule(hysteresis=0.5), [8.1, 7.9, 8.05, 7.8, 8.2, 7.6])
    assert events == [(0, RAISE)]
    assert breach is not None  # 7.6 is still inside the dead band (> 7.5)


def test_the_breach_ends_only_past_the_dead_band_and_then_recovers():
    events, _breach = run(rule(hysteresis=0.5), [8.1, 7.6, 7.4, 8.3])
    assert events == [(0, RAISE), (2, RECOVER), (3, RAISE)]


def test_without_hysteresis_every_crossing_counts():
    events, _breach = run(rule(hysteresis=0), [8.1, 7.9, 8.1])
    assert events == [(0, RAISE), (1, RECOVER), (2, RAISE)]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([8.5, 8.6, 8.7], [(2, RAISE)]),  # 20 s ≥ 20 s: raised on the third reading
        ([8.5, 8.6, 7.0, 8.5, 8.6], []),  # interrupted: the duration starts again
        ([8.5, 7.8, 8.6], [(2, RAISE)]),  # 7.8 is in the dead band: the breach went on
    ],
)
def test_a_minimum_duration_needs_the_breach_to_last(values, expected):
    events, _breach = run(rule(seconds=20, hysteresis=0.5), values)
    assert events == expected


def test_a_short_spike_below_the_duration_never_alarms_and_leaves_nothing():
    events, breach = run(rule(seconds=60, hysteresis=0.5), [9.0, 9.5, 6.0])
    assert events == [] and breach is None


def test_low_thresholds_work_downwards():
    events, _breach = run(rule(level="low", value=1.0, hysteresis=0.2), [1.5, 1.0, 1.1, 1.3])
    assert events == [(1, RAISE), (3, RECOVER)]


def test_a_late_or_repeated_reading_changes_nothing():
    r = rule(hysteresis=0.5)
    breach, event = step(r, None, T0 + timedelta(seconds=30), 9.0)
    assert event == RAISE
    late, event = step(r, breach, T0, 1.0)  # older than the breach's last reading
    assert event is None and late == breach


def test_the_peak_follows_the_worst_value():
    _events, breach = run(rule(), [8.2, 9.4, 8.6])
    assert breach.peak == 9.4
    _events, breach = run(rule(level="low", value=1.0), [0.9, 0.2, 0.5])
    assert breach.peak == 0.2
