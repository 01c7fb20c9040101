"""Devices and thresholds of the test world, built through the services."""

import json
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from anjian.monitoring import ingest, services
from anjian.monitoring.models import DeviceType, Metric
from testsupport import world

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def device(code="TK-101", *, kind="tank", enterprise="yinhang_chemical", by=None, **data):
    found, _token = device_with_token(code, kind=kind, enterprise=enterprise, by=by, **data)
    return found


def device_with_token(
    code="TK-101", *, kind="tank", enterprise="yinhang_chemical", by=None, **data
):
    values = {
        "device_type": DeviceType.objects.get(code=kind),
        "code": code,
        "name": f"{code} 储罐",
    }
    values.update(data)
    return services.device_register(
        by=by or world.actor("district_official"),
        enterprise=world.enterprise(enterprise),
        data=values,
    )


def metric(kind: str, code: str) -> Metric:
    return Metric.objects.get(device_type__code=kind, code=code)


def threshold(dev, code="level", level="high", value=8.0, **extra):
    return services.threshold_set(
        by=world.actor("district_official"),
        device_id=dev.pk,
        metric_id=metric(dev.device_type.code, code).pk,
        level=level,
        value=value,
        **extra,
    )


def payload(*groups) -> bytes:
    return json.dumps({"readings": list(groups)}).encode()


def group(ts: datetime, device_code: str | None = None, **values) -> dict:
    item = {"ts": ts.isoformat(), "values": values}
    if device_code:
        item["device"] = device_code
    return item


def topic(dev, gateway: bool = False) -> str:
    code = "gateway" if gateway else dev.code
    return f"anjian/v1/{dev.enterprise.credit_code}/{code}/telemetry"


def send(dev, *groups, now=None, gateway=False) -> ingest.Result:
    """One MQTT-shaped message through the ingest (no broker)."""
    return ingest.accept(
        [ingest.Message("mqtt", topic(dev, gateway), payload(*groups))],
        now=now or (max(datetime.fromisoformat(g["ts"]) for g in groups) + timedelta(seconds=1)),
    )


def now_ish() -> datetime:
    return timezone.now().replace(microsecond=0)


def plain_device(enterprise, code: str, name: str = "测试储罐"):
    """A tank monitor of ``enterprise``, made directly (for scope tables, not behaviour)."""
    from anjian.monitoring.models import Device

    found, _created = Device.objects.get_or_create(
        code=code,
        defaults={
            "enterprise": enterprise,
            "device_type": DeviceType.objects.get(code="tank"),
            "name": name,
        },
    )
    return found


def plain_gateway(enterprise, code: str, name: str = "测试网关"):
    """A data gateway of ``enterprise``, made directly (for scope tables, not behaviour)."""
    from anjian.monitoring.models import Gateway

    found, _created = Gateway.objects.get_or_create(
        code=code, defaults={"enterprise": enterprise, "name": name}
    )
    return found


def plain_alarm(device_):
    """An open alarm of ``device_`` on its level, made directly."""
    from anjian.monitoring.models import Alarm, Threshold

    level = metric("tank", "level")
    limit, _created = Threshold.objects.get_or_create(
        device=device_, metric=level, level="high", defaults={"value": 8.0}
    )
    now = timezone.now()
    return Alarm.objects.filter(threshold=limit).first() or Alarm.objects.create(
        device=device_,
        metric=level,
        threshold=limit,
        enterprise=device_.enterprise,
        scope_region_code=device_.scope_region_code,
        industry_id=device_.industry_id,
        level="high",
        limit=8.0,
        value=9.5,
        peak=9.5,
        breach_since=now,
        raised_at=now,
    )


def hazard_source(enterprise="yinhang_chemical", name="一号罐区", tonnes="10"):
    """A major hazard source of ``enterprise``: a storage unit ``name`` holding ``tonnes`` of
    chlorine (Q 5 t), entered through hazchem's services by the administrator (devices are
    linked to sources; the tests may cross the layers)."""
    from anjian.hazchem import services as hazchem_services
    from anjian.hazchem.models import Chemical

    admin = world.actor("admin")
    unit = hazchem_services.unit_create(
        admin,
        data={"enterprise": world.enterprise(enterprise).pk, "kind": "storage", "name": name},
    )
    chlorine = Chemical.objects.get(name="氯")
    hazchem_services.line_add(
        admin, unit_id=unit.pk, data={"chemical": chlorine.pk, "max_quantity": tonnes}
    )
    unit.refresh_from_db()
    return unit.source
