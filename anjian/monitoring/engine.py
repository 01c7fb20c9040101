"""Threshold evaluation as readings arrive (not by polling the readings table).

``step`` is the whole rule for one threshold and one reading: a value at or beyond the
limit starts a breach; the breach raises an alarm once it has lasted
``min_duration_seconds``; it ends only when the value is back past the dead band
(``hysteresis``), which recovers the alarm. Readings older than the last one evaluated for
that threshold are ignored (a late or redelivered message cannot reopen a closed breach).

``evaluate`` applies ``step`` to a stored batch: it reads the breach states of the
thresholds the batch touches (one indexed query; healthy batches write nothing), locks the
thresholds that change (so two ingest workers never raise the same alarm twice) and writes
the new states, alarms and recoveries in the caller's transaction.
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from anjian.monitoring import services
from anjian.monitoring.choices import UPPER_LEVELS
from anjian.monitoring.models import BreachState, Threshold


@dataclass(frozen=True)
class Rule:
    id: int
    device_id: int
    metric_id: int
    level: str
    value: float
    hysteresis: float
    min_duration: timedelta

    @property
    def upper(self) -> bool:
        return self.level in UPPER_LEVELS

    def breaching(self, value: float) -> bool:
        return value >= self.value if self.upper else value <= self.value

    def cleared(self, value: float) -> bool:
        if self.upper:
            return value < self.value - self.hysteresis
        return value > self.value + self.hysteresis


@dataclass(frozen=True)
class Breach:
    since: datetime
    last_ts: datetime
    peak: float
    alarm_id: int | None = None
    raised: bool = False  # an alarm is due (or exists) for this breach


RAISE = "raise"
RECOVER = "recover"


def step(rule: Rule, breach: Breach | None, ts: datetime, value: float):
    """(breach after, event) for one reading; event is RAISE, RECOVER or None."""
    if breach is not None and ts <= breach.last_ts:
        return breach, None
    if breach is None:
        if not rule.breaching(value):
            return None, None
        breach = Breach(since=ts, last_ts=ts, peak=value)
        if rule.min_duration <= timedelta(0):
            return replace(breach, raised=True), RAISE
        return breach, None
    if rule.cleared(value):
        return None, (RECOVER if breach.raised else None)
    peak = max(breach.peak, value) if rule.upper else min(breach.peak, value)
    breach = replace(breach, last_ts=ts, peak=peak)
    if not breach.raised and ts - breach.since >= rule.min_duration:
        return replace(breach, raised=True), RAISE
    return breach, None


@dataclass
class Outcome:
    """What one batch changed, for the caller (notifications, counters)."""

    raised: list = field(default_factory=list)
    recovered: list = field(default_factory=list)


def evaluate(readings, rules_for) -> Outcome:
    """Evaluate stored ``readings`` — (device_id, metric_id, ts, value) tuples — against
    ``rules_for((device_id, metric_id)) -> list[Rule]``; write the consequences."""
    by_rule: dict[int, list] = defaultdict(list)
    rules: dict[int, Rule] = {}
    for device_id, metric_id, ts, value in readings:
        for rule in rules_for((device_id, metric_id)):
            rules[rule.id] = rule
            by_rule[rule.id].append((ts, value))
    if not by_rule:
        return Outcome()
    stored = {
        state.threshold_id: state
        for state in BreachState.objects.filter(threshold_id__in=list(by_rule))
    }
    active = sorted(
        rule_id
        for rule_id, values in by_rule.items()
        if rule_id in stored or any(rules[rule_id].breaching(v) for _ts, v in values)
    )
    if not active:
        return Outcome()
    # Lock the thresholds in play (in id order: no deadlocks between workers) and re-read
    # their states under the lock.
    list(Threshold.objects.select_for_update().filter(pk__in=active).order_by("pk").values("pk"))
    stored = {
        state.threshold_id: state for state in BreachState.objects.filter(threshold_id__in=active)
    }
    outcome = Outcome()
    for rule_id in active:
        rule = rules[rule_id]
        state = stored.get(rule_id)
        breach = None
        if state is not None:
            raised = state.alarm_id is not None
            breach = Breach(state.since, state.last_ts, state.peak, state.alarm_id, raised)
        before = breach
        for ts, value in sorted(by_rule[rule_id]):
            after, event = step(rule, breach, ts, value)
            if event == RAISE:
                alarm, created = services.alarm_raise(rule, after, ts, value)
                after = replace(after, alarm_id=alarm.pk)
                if created:
                    outcome.raised.append(alarm)
            elif event == RECOVER and breach.alarm_id is not None:
                recovered = services.alarm_recover(breach.alarm_id, ts, value)
                if recovered is not None:
                    outcome.recovered.append(recovered)
            breach = after
        if breach is None:
            if state is not None:
                state.delete()
        elif breach != before:
            BreachState.objects.update_or_create(
                threshold_id=rule_id,
                defaults={
                    "since": breach.since,
                    "last_ts": breach.last_ts,
                    "peak": breach.peak,
                    "alarm_id": breach.alarm_id,
                },
            )
    return outcome
