"""Demo devices of the demo's major hazard sources (synthetic), registered the monitoring
way — ``monitoring.services.device_register`` with the kits and thresholds of
``monitoring.fixtures`` (a tank monitor for a storage unit, a reactor monitor for a process
unit, a combustible-gas detector where the unit holds a flammable gas or liquid, a
toxic-gas detector where it holds a toxic gas) — linked to their source, and given their
first readings through the ingest (``monitoring.ingest.accept``), values inside their
limits. So that 重大危险源在线监测率 shows every case, the sources (一级 first) take turns:

- ``covered``: every kit installed and reporting now;
- ``offline``: every kit installed, one of them last reported two hours ago;
- ``missing``: the first gas detector left out (a unit without a gas hazard: a storage
  unit gets a reactor monitor, which measures no level; a process unit a gas detector);
- ``no_device``: nothing installed.

With the simulator running (``make run``) every active device reports, so an ``offline``
source becomes covered at the device's next turn (the simulator's silent devices go offline
on their own schedule); ``missing`` and ``no_device`` stay as they are. Without it, every
source's readings age past their devices' 离线判定 in minutes.

Devices are registered before the monitoring demo runs (``anjian demo``: 危化品单元 before
监测设备), so monitoring's demo leaves these enterprises as they are equipped. Idempotent:
when any of the sources has a device, nothing is done. Codes read ``HS-<source pk>-<kit>``.
"""

import json
import random
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from anjian.hazchem import coverage
from anjian.hazchem.choices import UnitKind
from anjian.hazchem.models import MajorHazardSource
from anjian.hazchem.selectors_coverage import unit_hazards
from anjian.monitoring import ingest
from anjian.monitoring import services as monitoring_services
from anjian.monitoring.choices import Channel
from anjian.monitoring.fixtures import KITS, Kit
from anjian.monitoring.models import Device, DeviceType, Metric

COVERED, OFFLINE, MISSING, NO_DEVICE = "covered", "offline", "missing", "no_device"
# The turns the sources take (一级 first): most covered, each gap at least once in a dozen.
TURNS = (COVERED, OFFLINE, COVERED, MISSING, COVERED, NO_DEVICE)
STALE = timedelta(hours=2)
UPPER = ("high", "high_high")


def plan(kind: str, hazards: Iterable[str], case: str) -> list[str]:
    """The kits (``monitoring.fixtures.KITS`` keys) a source of unit ``kind`` with gas
    ``hazards`` gets for its ``case``."""
    if case == NO_DEVICE:
        return []
    detectors = ((coverage.FLAMMABLE_GAS.key, "gas_lel"), (coverage.TOXIC_GAS.key, "gas_toxic"))
    gases = [kit for key, kit in detectors if key in hazards]
    process = "tank" if kind == UnitKind.STORAGE else "reactor"
    if case == MISSING:
        if gases:
            return [process, *gases[1:]]  # the first gas detector left out
        # No gas hazard: a storage unit gets a reactor monitor (no level), a process unit
        # a gas detector it does not need (no temperature, no pressure).
        return ["reactor"] if kind == UnitKind.STORAGE else ["gas_lel"]
    return [process, *gases]


def calm(metric: Metric, limits: list) -> float:
    """A value inside the kit's limits: between the first upper and lower limit, or a
    fifth of the upper (a gas reading near zero), or twice the lower (a fire main)."""
    upper = [
        limit.value for limit in limits if limit.metric == metric.code and limit.level in UPPER
    ]
    lower = [
        limit.value for limit in limits if limit.metric == metric.code and limit.level not in UPPER
    ]
    if upper and lower:
        value = (min(upper) + max(lower)) / 2
    elif upper:
        value = min(upper) / 5
    elif lower:
        value = max(lower) * 2
    else:
        value = (metric.min_valid + metric.max_valid) / 2
    return round(min(max(value, metric.min_valid), metric.max_valid), metric.decimals)


class _Installer:
    def __init__(self, by, rng: random.Random, now: datetime):
        self.by, self.rng, self.now = by, rng, now
        self.types = {t.code: t for t in DeviceType.objects.all()}
        self.metrics = {
            (m.device_type.code, m.code): m for m in Metric.objects.select_related("device_type")
        }

    def install(self, source: MajorHazardSource, kit_name: str, n: int) -> tuple[Device, Kit]:
        kit = KITS[kit_name](self.rng, n)
        device, _token = monitoring_services.device_register(
            by=self.by,
            enterprise=source.enterprise,
            data={
                "device_type": self.types[kit.kind],
                "code": f"HS-{source.pk}-{kit_name.replace('_', '')}",
                "name": kit.name,
                "hazard_source": source,
                "location": f"{source.unit.name} {kit.location}"[:240],
                "latitude": source.unit.latitude,
                "longitude": source.unit.longitude,
                "offline_after_seconds": kit.offline_after_seconds,
            },
        )
        for limit in kit.limits:
            monitoring_services.threshold_set(
                by=self.by,
                device_id=device.pk,
                metric_id=self.metrics[(kit.kind, limit.metric)].pk,
                level=limit.level,
                value=limit.value,
                hysteresis=limit.hysteresis,
                min_duration_seconds=limit.seconds,
            )
        return device, kit

    def report(self, device: Device, kit: Kit, at: datetime) -> None:
        """One reading of every metric of the device, through the ingest."""
        values = {
            metric.code: calm(metric, kit.limits)
            for (kind, _code), metric in self.metrics.items()
            if kind == kit.kind
        }
        body = json.dumps({"readings": [{"ts": at.isoformat(), "values": values}]}).encode()
        topic = f"anjian/v1/{device.enterprise.credit_code}/{device.code}/telemetry"
        ingest.accept([ingest.Message(Channel.MQTT, topic, body)], now=at + timedelta(seconds=1))


@transaction.atomic
def build_demo_source_devices(
    *, by, sources: Iterable[MajorHazardSource], seed: int = 2026, now: datetime | None = None
) -> dict[str, list[MajorHazardSource]]:
    """Devices for ``sources`` (the demo's), by turns (``TURNS``); ``by`` needs
    ``monitor.manage`` over their enterprises (the district's 应急局 or the administrator).
    Returns the sources by case — none when any of them has a device already (built
    before: the turns are not dealt again)."""
    now = now or timezone.now()
    rng = random.Random(seed)
    chosen = (
        MajorHazardSource.objects.filter(pk__in=[s.pk for s in sources])
        .current()
        .filter(monitoring_required=True)
        .select_related("unit", "enterprise")
        .order_by("grade", "number")
    )
    built: dict[str, list[MajorHazardSource]] = {
        case: [] for case in (COVERED, OFFLINE, MISSING, NO_DEVICE)
    }
    if Device.objects.filter(hazard_source__in=chosen).exists():
        return built
    hazards = unit_hazards(chosen)
    installer = _Installer(by, rng, now)
    ingest.registry.clear()  # the devices registered here are new to the ingest
    for n, source in enumerate(chosen):
        case = TURNS[n % len(TURNS)]
        kits = plan(source.unit.kind, hazards.get(source.unit_id, set()), case)
        installed = [installer.install(source, name, k) for k, name in enumerate(kits, start=1)]
        for k, (device, kit) in enumerate(installed):
            stale = case == OFFLINE and k == len(installed) - 1
            installer.report(device, kit, now - STALE if stale else now)
        built[case].append(source)
    return built
