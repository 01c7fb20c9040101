"""The database side: the registered devices to drive (with their metrics and thresholds)
and fresh credentials for them — HTTP tokens, device logins, simulator gateways."""

from collections.abc import Sequence

from anjian.enterprises.models import Enterprise
from anjian.monitoring import services
from anjian.monitoring.models import Device, Gateway, Metric, Threshold
from anjian.monitoring.simulator.generator import DeviceSpec, Limit, MetricSpec
from anjian.monitoring.simulator.transports import Logins, device_topic, gateway_topic


def load_devices(
    *, limit: int | None = None, codes: Sequence[str] | None = None
) -> list[DeviceSpec]:
    """Active devices in registration order (the first ``limit``, or those ``codes``) with
    their metrics and active thresholds."""
    devices = Device.objects.active().select_related("enterprise", "device_type").order_by("pk")
    if codes is not None:
        devices = devices.filter(code__in=list(codes))
    devices = list(devices[:limit] if limit is not None else devices)
    metrics: dict[int, list] = {}
    for metric in Metric.objects.filter(
        device_type_id__in={d.device_type_id for d in devices}
    ).order_by("id"):
        metrics.setdefault(metric.device_type_id, []).append(metric)
    limits: dict[tuple[int, int], list[Limit]] = {}
    for device_id, metric_id, level, value, hysteresis in Threshold.objects.filter(
        device_id__in=[d.pk for d in devices], is_active=True
    ).values_list("device_id", "metric_id", "level", "value", "hysteresis"):
        limits.setdefault((device_id, metric_id), []).append(Limit(level, value, hysteresis))
    return [
        DeviceSpec(
            code=d.code,
            credit_code=d.enterprise.credit_code,
            kind=d.device_type.code,
            pk=d.pk,
            metrics=tuple(
                MetricSpec(
                    m.code,
                    m.min_valid,
                    m.max_valid,
                    m.positive_only,
                    tuple(limits.get((d.pk, m.pk), ())),
                )
                for m in metrics.get(d.device_type_id, ())
            ),
        )
        for d in devices
    ]


def issue_tokens(*, by, devices: Sequence[DeviceSpec]) -> dict[str, str]:
    """Fresh HTTP tokens for ``devices`` (their old tokens stop working), kept in memory."""
    return {d.code: services.device_issue_token(by=by, device_id=d.pk) for d in devices}


def device_logins(*, by, devices: Sequence[DeviceSpec]) -> Logins:
    """Fresh tokens for ``devices`` as their MQTT logins (their old tokens stop working)."""
    tokens = issue_tokens(by=by, devices=devices)
    return {device_topic(d.credit_code, d.code): (d.code, tokens[d.code]) for d in devices}


def gateway_logins(*, by, devices: Sequence[DeviceSpec]) -> Logins:
    """A simulator gateway (``SIM-<credit code>``) for each enterprise of ``devices``, made
    if missing, with a fresh token."""
    logins = {}
    for credit_code in sorted({d.credit_code for d in devices}):
        code = f"SIM-{credit_code}"
        gateway = Gateway.objects.filter(code=code).first()
        if gateway is None:
            gateway, token = services.gateway_register(
                by=by,
                enterprise=Enterprise.objects.get(credit_code=credit_code),
                data={"code": code, "name": "模拟器网关"},
            )
        else:
            token = services.gateway_issue_token(by=by, gateway_id=gateway.pk)
        logins[gateway_topic(credit_code)] = (gateway.username, token)
    return logins
