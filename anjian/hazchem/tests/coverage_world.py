"""A hand-built world for 重大危险源在线监测率, through the services: sources with 120 people
within 500 m (α = 2), devices registered and linked by the administrator, and the devices'
latest readings written where the ingest writes them (``LatestReading``).

=============  ======================  ==========================  ============================
name           unit (enterprise)       requires                    devices → where it stands
=============  ======================  ==========================  ============================
covered        一号储罐区, 氯 10 t      level temp pressure toxic   tank + toxic detector, in
               (殷行化工), 三级                                     time → covered
no_device      二号储罐区, 氯 10 t      level temp pressure toxic   none → no device
               (殷行化工), 三级
offline        液氨储罐区, 氨 200 t     level temp pressure lel      tank and toxic detector in
               (平凉机械), 二级         toxic                       time; the LEL detector's
                                                                   reading 2 days old → offline
missing        氯化反应装置 (production) temp pressure toxic         reactor in time, a fire-main
               氯 10 t (殷行化工), 三级                             "pressure" too; no gas
                                                                   detector → metric missing
idle           三号储罐区, 氯 10 t      level temp pressure toxic   a tank switched off
               (殷行化工), 三级                                     (inactive) → no device
closed         临时仓库, 氯 5 t → 核销  —                           a tank in time; not counted
               (殷行建设)
not_required   四号储罐区, 氯 10 t      —                           not counted (须在线监测: 否)
               (殷行化工)
neighbour      仓库, 氯 10 t            level temp pressure toxic   none; 虹口区: only the
               (虹口超市), 三级                                     neighbouring official sees it
=============  ======================  ==========================  ============================

Fresh readings are at the build time with a day's 离线判定 (a slow module stays in time);
the stale one is two days old against 10 minutes."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from anjian.hazchem.choices import SourceState, UnitKind
from anjian.hazchem.models import MajorHazardSource
from anjian.hazchem.tests import factories as make
from anjian.monitoring import services as monitoring_services
from anjian.monitoring.models import DeviceType, LatestReading, Metric
from testsupport import world

DAY = 86_400


@dataclass
class CoverageWorld:
    sources: dict
    devices: dict


def _source(name: str, *, enterprise="yinhang_chemical", chemical="氯", tonnes="10", **data):
    admin = world.actor("admin")
    unit = make.unit(admin, enterprise=enterprise, name=name, **data)
    make.add(unit, chemical, tonnes, by=admin)
    return make.source_of(unit)


def device(code: str, kind: str, source, *, interval: int = DAY, **data):
    """A device of ``kind`` linked to ``source`` (of the source's enterprise)."""
    made, _token = monitoring_services.device_register(
        by=world.actor("admin"),
        enterprise=source.enterprise,
        data={
            "device_type": DeviceType.objects.get(code=kind),
            "code": code,
            "name": f"{code} 监测",
            "hazard_source": source,
            "offline_after_seconds": interval,
            **data,
        },
    )
    return made


def report(device_, *codes: str, age: timedelta = timedelta(0)) -> None:
    """The device's latest reading of each metric ``codes`` (all of its type's: none
    named), ``age`` old."""
    metrics = Metric.objects.filter(device_type=device_.device_type)
    if codes:
        metrics = metrics.filter(code__in=codes)
    at = timezone.now() - age
    for metric in metrics:
        LatestReading.objects.update_or_create(
            device=device_, metric=metric, defaults={"ts": at, "value": 1.0}
        )


def build() -> CoverageWorld:
    sources = {
        "covered": _source("一号储罐区"),
        "no_device": _source("二号储罐区"),
        "offline": _source(
            "液氨储罐区", enterprise="pingliang_factory", chemical="氨", tonnes="200"
        ),
        "missing": _source("氯化反应装置", kind=UnitKind.PRODUCTION),
        "idle": _source("三号储罐区"),
        "closed": _source("临时仓库", enterprise="yinhang_site", tonnes="5"),
        "not_required": _source("四号储罐区"),
        "neighbour": _source("仓库", enterprise="hongkou_shop"),
    }
    devices = {
        "covered_tank": device("CV-TK", "tank", sources["covered"]),
        "covered_toxic": device("CV-GT", "gas_toxic", sources["covered"]),
        "offline_tank": device("OF-TK", "tank", sources["offline"]),
        "offline_lel": device("OF-GL", "gas_lel", sources["offline"], interval=600),
        "offline_toxic": device("OF-GT", "gas_toxic", sources["offline"]),
        "missing_reactor": device("MS-RE", "reactor", sources["missing"]),
        "missing_water": device("MS-FW", "fire_water", sources["missing"]),
        "idle_tank": device("ID-TK", "tank", sources["idle"]),
        "closed_tank": device("CL-TK", "tank", sources["closed"]),
    }
    # Switched off after it was linked (an inactive device cannot be linked).
    devices["idle_tank"] = monitoring_services.device_update(
        by=world.actor("admin"),
        device_id=devices["idle_tank"].pk,
        data={"is_active": False},
        expected_version=devices["idle_tank"].version,
    )
    for name in ("covered_tank", "offline_tank", "offline_toxic", "missing_reactor"):
        report(devices[name])
    report(devices["covered_toxic"], "co")
    report(devices["missing_water"])
    report(devices["idle_tank"])
    report(devices["closed_tank"])
    report(devices["offline_lel"], age=timedelta(days=2))
    # 核销 and 须在线监测 are set as their services leave them (the record's state).
    MajorHazardSource.objects.filter(pk=sources["closed"].pk).update(
        state=SourceState.CLOSED, closed_on=timezone.localdate(), closed_reason="已不构成"
    )
    MajorHazardSource.objects.filter(pk=sources["not_required"].pk).update(
        monitoring_required=False
    )
    for source in sources.values():
        source.refresh_from_db()
    return CoverageWorld(sources, devices)
