"""Signal generation, pure: what device *i* reports at time *t* depends only on the device
list, the seed and *t* — tests ask it for any moment, without a clock, broker or
database. Each metric follows a baseline inside its normal band (between its low and
high thresholds, clear of the dead band) with a slow drift (a sine of 2–6 h), a slower
wiggle (10–25 min) and bounded noise; on/off signals stay 0; an elevator's speed
alternates between standing and travelling. A device's role comes from its position in
the list — devices are taken in registration order, so a device keeps its role whatever
``--devices`` says, and the demo registers its enterprise manager's devices first:

==============  ===========================================================================
index % 10 = 0  misbehaves. Every 20 min (phase per device): an 8-min breach beyond the
                second limit (high-high / low-low — long enough to escalate to the street
                when nobody acknowledges), then 90-s breaches of the first limit at +10 and
                +15 min. Each ramps in and out over 15 s and comes back inside the dead
                band, so the alarms recover.
index % 10 = 5  goes silent for 10 min every 40 min (offline detection shows it).
index % 20 = 7  flat-lines for 25 min every hour: the same values repeated (data quality).
index % 10 = 3  reads 0 on a positive-only metric for 10 s every 15 min (an impossible
                value, too short to alarm), if it has such a metric.
==============  ===========================================================================
"""

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

MISBEHAVE, SILENT, FLAT, IMPOSSIBLE = "misbehave", "silent", "flat", "impossible"

SPIKE_CYCLE = 1200  # seconds
# (start, end, beyond the second limit) within the cycle
SPIKES = ((0, 480, True), (600, 690, False), (900, 990, False))
RAMP = 15
SILENT_CYCLE, SILENT_FOR = 2400, 600
FLAT_CYCLE, FLAT_FOR = 3600, 1500
IMPOSSIBLE_CYCLE, IMPOSSIBLE_FOR = 900, 10
TRIP_PERIOD = 53.7  # an elevator's stand-travel cycle (s); not a round number, against aliasing
CST = timezone(timedelta(hours=8))


def roles_for(index: int, *, has_positive_metric: bool = True) -> frozenset[str]:
    """The deliberate misbehaviours of the device at ``index`` (see the module docstring)."""
    roles = set()
    if index % 10 == 0:
        roles.add(MISBEHAVE)
    if index % 10 == 5:
        roles.add(SILENT)
    if index % 20 == 7:
        roles.add(FLAT)
    if index % 10 == 3 and has_positive_metric:
        roles.add(IMPOSSIBLE)
    return frozenset(roles)


# --- what the generator knows about a device -------------------------------------------------


@dataclass(frozen=True)
class Limit:
    level: str  # high / high_high / low / low_low
    value: float
    hysteresis: float = 0.0

    @property
    def upper(self) -> bool:
        return self.level.startswith("high")


@dataclass(frozen=True)
class MetricSpec:
    code: str
    min_valid: float
    max_valid: float
    positive_only: bool = False
    limits: tuple[Limit, ...] = ()


@dataclass(frozen=True)
class DeviceSpec:
    code: str
    credit_code: str
    kind: str  # device type code
    metrics: tuple[MetricSpec, ...]
    pk: int = 0


@dataclass(frozen=True)
class Profile:
    """How a metric behaves, relative to its first limit (or ``ref`` when it has none)."""

    ref: float  # a typical first limit
    ratio: float  # baseline = ratio × the first limit on ``side``
    noise: float  # bounded noise amplitude, × that limit
    drift: float  # slow drift amplitude, × that limit
    decimals: int = 2
    side: str = "upper"
    pattern: str = "smooth"  # "binary" (an on/off signal), "trips" (an elevator's speed)


PROFILES = {
    ("tank", "level"): Profile(8.5, 0.5, 0.002, 0.12, 3),
    ("tank", "temp"): Profile(40, 0.6, 0.01, 0.1, 1),
    ("tank", "pressure"): Profile(0.8, 0.55, 0.01, 0.08, 3),
    ("reactor", "temp"): Profile(100, 0.8, 0.005, 0.03, 1),
    ("reactor", "pressure"): Profile(1.0, 0.7, 0.01, 0.04, 3),
    ("gas_lel", "lel"): Profile(25, 0.04, 0.01, 0.02, 1),
    ("gas_toxic", "co"): Profile(30, 0.1, 0.02, 0.05, 1),
    ("gas_toxic", "h2s"): Profile(10, 0.05, 0.02, 0.03, 2),
    ("fire_water", "pressure"): Profile(0.10, 3.5, 0.1, 0.3, 3, side="lower"),
    ("fire_panel", "alarm"): Profile(1, 0, 0, 0, 0, pattern="binary"),
    ("fire_panel", "fault"): Profile(1, 0, 0, 0, 0, pattern="binary"),
    ("elevator", "speed"): Profile(2.0, 0.87, 0.01, 0, 2, pattern="trips"),
    ("elevator", "load"): Profile(100, 0.4, 0.1, 0.15, 1),
    ("elevator", "door_open"): Profile(1, 0, 0, 0, 0, pattern="binary"),
    ("structure", "displacement"): Profile(25, 0.2, 0.01, 0.1, 2),
    ("structure", "tilt"): Profile(1.0, 0.15, 0.02, 0.1, 3),
}


# --- deterministic noise ------------------------------------------------------------------------

_MASK = (1 << 64) - 1


def _key(*parts) -> int:
    return int.from_bytes(
        hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=8).digest()
    )


def _mix(x: int) -> int:
    """splitmix64: a well-spread 64-bit hash of ``x``."""
    x = (x + 0x9E3779B97F4A7C15) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def _noise(key: int, t: float) -> float:
    """Bounded noise in (-1, 1) (triangular), a pure function of ``key`` and ``t`` (ms)."""
    n = round(t * 1000) * 0xD1B54A32D192ED03
    return (_mix(key ^ (n & _MASK)) + _mix(key ^ ((n + 1) & _MASK))) / 2**64 - 1


# --- one metric of one device -----------------------------------------------------------------


@dataclass(frozen=True)
class _Track:
    code: str
    pattern: str
    base: float
    noise: float
    drift: float
    decimals: int
    floor: float
    ceiling: float
    key: int
    drift_period: float
    wave_period: float
    phase: float
    first: float | None = None  # the limit a spike crosses
    upper: bool = True
    peak_short: float | None = None
    peak_long: float | None = None

    def _round(self, value: float) -> float:
        return min(self.ceiling, max(self.floor, round(value, self.decimals)))

    def normal(self, t: float) -> float:
        if self.pattern == "binary":
            return 0.0
        if self.pattern == "trips":
            wave = math.sin(2 * math.pi * t / TRIP_PERIOD + self.phase)
            moving = min(1.0, max(0.0, 1.6 * wave + 0.3))
            return self._round(moving * (self.base + self.noise * _noise(self.key, t)))
        value = (
            self.base
            + self.drift * math.sin(2 * math.pi * t / self.drift_period + self.phase)
            + 0.3 * self.drift * math.sin(2 * math.pi * t / self.wave_period + 2 * self.phase)
            + self.noise * _noise(self.key, t)
        )
        return self._round(value)

    def spiked(self, t: float, shape: float, long: bool) -> float:
        """The value during a spike: ``shape`` 0→1 ramps from normal to the peak."""
        peak = self.peak_long if long else self.peak_short
        if self.pattern == "binary":
            return self.ceiling if shape >= 0.5 else 0.0
        if shape < 1:
            normal = self.normal(t)
            return self._round(normal + shape * (peak - normal))
        room = abs(peak - self.first) / 2
        value = self._round(peak + min(self.noise, room) * _noise(self.key ^ 1, t))
        return max(value, self.first) if self.upper else min(value, self.first)


def _limits(metric: MetricSpec) -> tuple[list[float], list[float]]:
    uppers = sorted(limit.value for limit in metric.limits if limit.upper)
    lowers = sorted((limit.value for limit in metric.limits if not limit.upper), reverse=True)
    return uppers, lowers


def _track(device: DeviceSpec, metric: MetricSpec, seed: int) -> _Track:
    span = metric.max_valid - metric.min_valid
    profile = PROFILES.get((device.kind, metric.code))
    uppers, lowers = _limits(metric)
    if profile is None:  # a device type the simulator does not know: generic behaviour
        if uppers:
            profile = Profile(uppers[0], 0.5, 0.01, 0.05, 3)
        elif lowers:
            profile = Profile(lowers[0], 2.0, 0.01, 0.05, 3, side="lower")
        else:
            profile = Profile(metric.min_valid + span / 2, 1.0, 0.01, 0.05, 3)
    resolution = 10.0**-profile.decimals
    floor = metric.min_valid
    if metric.positive_only:
        floor = max(floor, resolution)
    ceiling = metric.max_valid
    side_limits = uppers if profile.side == "upper" else lowers
    ref = side_limits[0] if side_limits else profile.ref
    scale = abs(ref) or 1.0
    base, noise, drift = profile.ratio * ref, profile.noise * scale, profile.drift * scale
    # The normal band: inside the valid range, clear of every limit and its dead band.
    low, high = floor, ceiling
    if profile.pattern != "binary":
        for limit in metric.limits:
            margin = limit.hysteresis + 0.05 * abs(limit.value) + resolution
            if limit.upper:
                high = min(high, limit.value - margin)
            else:
                low = max(low, limit.value + margin)
        if high <= low:
            base, noise, drift = (low + high) / 2, 0.0, 0.0
        else:
            base = min(max(base, low), high)
            reach = 1.3 * drift + noise
            if reach > 0:
                fit = min(1.0, (base - low) / reach, (high - base) / reach)
                noise, drift = noise * fit, drift * fit
    key = _key(seed, device.code, metric.code)
    spike = _spike_targets(profile, metric, uppers, lowers, noise, resolution, floor, ceiling)
    return _Track(
        metric.code,
        profile.pattern,
        base,
        noise,
        drift,
        profile.decimals,
        floor,
        ceiling,
        key,
        drift_period=7200 + key % 14400,
        wave_period=600 + (key >> 20) % 900,
        phase=(key >> 40) % 6283 / 1000,
        **spike,
    )


def _spike_targets(profile, metric, uppers, lowers, noise, resolution, floor, ceiling) -> dict:
    """The limit a spike crosses and its two peaks: just past the first limit (short
    spikes), past the second (long ones)."""
    if uppers or (not lowers and profile.side == "upper"):
        upper, limits = True, uppers or [profile.ref]
    else:
        upper, limits = False, lowers or [profile.ref]
    first = limits[0]
    second = limits[1] if len(limits) > 1 else None
    gap = abs(second - first) if second is not None else max(0.2 * abs(first), 4 * noise)
    gap = max(gap, resolution)
    sign = 1 if upper else -1
    short = first + sign * 0.4 * gap
    long = second + sign * 0.3 * gap if second is not None else first + sign * 0.6 * gap

    def clamp(value: float) -> float:
        value = min(ceiling, max(floor, value))
        return max(value, first) if upper else min(value, first)

    return {
        "first": first,
        "upper": upper,
        "peak_short": clamp(round(short, profile.decimals)),
        "peak_long": clamp(round(long, profile.decimals)),
    }


# --- the generator ----------------------------------------------------------------------------


class Generator:
    """Readings of ``devices`` at any moment; pure (no clock, no I/O, no state changes)."""

    def __init__(self, devices: Sequence[DeviceSpec], *, seed: int = 0):
        self.devices = list(devices)
        self.seed = seed
        self._tracks = [tuple(_track(d, m, seed) for m in d.metrics) for d in self.devices]
        self._roles = [
            roles_for(i, has_positive_metric=any(m.positive_only for m in d.metrics))
            for i, d in enumerate(self.devices)
        ]
        self._phase = [_key(seed, d.code, "phase") for d in self.devices]
        self._driven = [self._driven_metric(d) for d in self.devices]
        self._positive = [
            next((m.code for m in d.metrics if m.positive_only), None) for d in self.devices
        ]

    @staticmethod
    def _driven_metric(device: DeviceSpec) -> int:
        for i, metric in enumerate(device.metrics):
            if metric.limits:
                return i
        return 0

    def roles(self, index: int) -> frozenset[str]:
        return self._roles[index]

    def indices(self, role: str) -> list[int]:
        return [i for i, roles in enumerate(self._roles) if role in roles]

    def driven_metric(self, index: int) -> str:
        """The metric a misbehaving device drives over its limit."""
        return self.devices[index].metrics[self._driven[index]].code

    def _u(self, index: int, t: float, cycle: int) -> float:
        return (t + self._phase[index] % cycle) % cycle

    def silent(self, index: int, t: float) -> bool:
        return SILENT in self._roles[index] and self._u(index, t, SILENT_CYCLE) < SILENT_FOR

    def flat(self, index: int, t: float) -> bool:
        return FLAT in self._roles[index] and self._u(index, t, FLAT_CYCLE) < FLAT_FOR

    def impossible(self, index: int, t: float) -> bool:
        return (
            IMPOSSIBLE in self._roles[index]
            and self._u(index, t, IMPOSSIBLE_CYCLE) < IMPOSSIBLE_FOR
        )

    def spike(self, index: int, t: float) -> tuple[float, bool]:
        """(shape 0–1, beyond the second limit) of a misbehaving device's spike at ``t``."""
        if MISBEHAVE not in self._roles[index]:
            return 0.0, False
        u = self._u(index, t, SPIKE_CYCLE)
        for start, end, long in SPIKES:
            if start <= u < end:
                return min(1.0, (u - start) / RAMP, (end - u) / RAMP), long
        return 0.0, False

    def values(self, index: int, t: float) -> dict[str, float] | None:
        """Metric code → value of device ``index`` at Unix time ``t``; None when silent."""
        if self.silent(index, t):
            return None
        moment = t - self._u(index, t, FLAT_CYCLE) if self.flat(index, t) else t
        tracks = self._tracks[index]
        values = {track.code: track.normal(moment) for track in tracks}
        shape, long = self.spike(index, t)
        if shape > 0:
            track = tracks[self._driven[index]]
            values[track.code] = track.spiked(t, shape, long)
        if self.impossible(index, t):
            values[self._positive[index]] = 0.0
        return values

    def report(self, index: int, t: float) -> dict | None:
        """One reading group as the ingest takes it, or None when the device is silent."""
        values = self.values(index, t)
        if values is None:
            return None
        return {"device": self.devices[index].code, "ts": iso(t), "values": values}


def iso(t: float) -> str:
    return datetime.fromtimestamp(t, CST).isoformat(timespec="milliseconds")
