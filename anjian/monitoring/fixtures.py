"""Synthetic monitoring devices for the demo district, registered through the services.

What an enterprise has installed follows what its kind is required to monitor:

- 危险化学品 (industry ``hazchem``): tank monitors (level / temperature / pressure; the
  location names the tank farm, "一号储罐区 T-101 罐顶"), combustible-
  gas detectors (%LEL, first limit 25, second 50 — the usual GB/T 50493 settings), toxic-
  gas detectors (CO, H₂S) and, at chemical works, a reactor (temperature / pressure);
  LPG stations of the 燃气 industry a tank and a gas detector.
- 商场、酒店、大厦 and other crowded places: the fire-water main pressure (low 0.10,
  low-low 0.05 MPa) and the fire alarm panel (火警 at the first grade, 故障 at the
  second); some of them, and property companies,
  elevators.
- some construction sites: a foundation-pit / formwork structure monitor.

Every threshold has a dead band and a minimum duration (10–30 s; the fire alarm input is
immediate), so a value hovering at its limit does not flap. Codes read ``TK-<enterprise
pk>-01``; devices sit within ~100 m of their enterprise's coordinates.

The demo enterprise manager (``qy_manager``) is made a duty person of their enterprise,
which is equipped first and fully: its devices come first in registration order, so the
simulator's first device — one of the misbehaving ones (``simulator.Generator``) — is its
major-hazard tank, and the manager sees alarms arrive, escalate and recover.

Every enterprise equipped here also gets one synthetic on-duty account (``duty-<pk>``, a
zh_CN name, an enterprise login without a usable password) made its duty person: the
simulator acts as these accounts — and only these — when it acknowledges and disposes part
of the alarms (``simulator.duty``), so alarms do not pile up unhandled and the human demo
accounts keep their own alarms to handle.

Devices are not linked to major hazard sources here (monitoring does not know them): the
hazchem demo links its sources' devices (``hazchem.fixtures_devices``).

Idempotent: enterprises that already have devices, and codes already taken, are skipped.
Everything here is invented.
"""

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from faker import Faker

from anjian.accounts.models import User
from anjian.enterprises.choices import Status
from anjian.enterprises.models import Enterprise, EnterpriseUser
from anjian.enterprises.services import enterprise_account_create
from anjian.monitoring import services
from anjian.monitoring.choices import ThresholdLevel
from anjian.monitoring.models import Device, DeviceType, Metric
from anjian.regions.models import Industry

DEMO_MANAGER = "qy_manager"
DUTY_PREFIX = "duty-"  # the synthetic on-duty accounts: duty-<enterprise pk>
DEFAULT_PER_ENTERPRISE = 3
JITTER_DEGREES = 0.0009  # ≈ 100 m
CHINESE_NUMBERS = "一二三四五六七八九十"

H, HH, L, LL = (
    ThresholdLevel.HIGH,
    ThresholdLevel.HIGH_HIGH,
    ThresholdLevel.LOW,
    ThresholdLevel.LOW_LOW,
)
PREFIXES = {
    "tank": "TK",
    "reactor": "RE",
    "gas_lel": "GL",
    "gas_toxic": "GT",
    "fire_water": "FW",
    "fire_panel": "FP",
    "elevator": "EL",
    "structure": "ST",
}


@dataclass(frozen=True)
class Limit:
    metric: str
    level: str
    value: float
    hysteresis: float
    seconds: int


@dataclass
class Kit:
    """One device to install: its type, what it is called and where, and its limits."""

    kind: str
    name: str
    location: str
    limits: list[Limit]
    offline_after_seconds: int = 300
    extra: dict = field(default_factory=dict)


# --- the kits ------------------------------------------------------------------------------


def _tank(rng: random.Random, n: int, *, source: str = "", what: str = "储罐") -> Kit:
    height = rng.choice((8, 10, 12, 15, 20))
    pressure = rng.choice((0.6, 0.8, 1.2, 1.6))
    tag = f"T-{100 + n}"
    return Kit(
        "tank",
        f"{n}号{what}液位温度压力监测（{tag}）",
        f"{source or '罐区'} {tag} 罐顶",
        [
            Limit("level", H, round(height * 0.85, 1), 0.1, 20),
            Limit("level", HH, round(height * 0.92, 1), 0.1, 10),
            Limit("level", L, round(height * 0.10, 1), 0.1, 30),
            Limit("temp", H, 40.0, 1.0, 30),
            Limit("temp", HH, 50.0, 1.0, 10),
            Limit("pressure", H, pressure, 0.02, 20),
            Limit("pressure", HH, round(pressure * 1.2, 2), 0.02, 10),
        ],
    )


def _reactor(rng: random.Random, n: int, *, source: str = "") -> Kit:
    temp = rng.choice((60, 80, 120, 150))
    pressure = rng.choice((0.3, 0.6, 1.0, 1.6))
    tag = f"R-{200 + n}"
    return Kit(
        "reactor",
        f"{n}号反应釜温度压力监测（{tag}）",
        f"{source or CHINESE_NUMBERS[(n - 1) % 10] + '车间'} {tag}",
        [
            Limit("temp", H, float(temp + 20), 2.0, 20),
            Limit("temp", HH, float(temp + 35), 2.0, 10),
            Limit(
                "pressure", H, round(pressure * 1.4, 2), round(max(pressure * 0.03, 0.01), 3), 20
            ),
            Limit(
                "pressure", HH, round(pressure * 1.7, 2), round(max(pressure * 0.03, 0.01), 3), 10
            ),
        ],
    )


def _gas_lel(rng: random.Random, n: int, *, where: str = "罐区防火堤内") -> Kit:
    return Kit(
        "gas_lel",
        f"{n}号可燃气体探测器",
        where,
        [Limit("lel", H, 25.0, 3.0, 10), Limit("lel", HH, 50.0, 3.0, 10)],
        offline_after_seconds=180,
    )


def _gas_toxic(rng: random.Random, n: int, *, where: str = "装置区") -> Kit:
    return Kit(
        "gas_toxic",
        f"{n}号有毒气体探测器（CO/H₂S）",
        where,
        [
            Limit("co", H, 30.0, 3.0, 15),
            Limit("co", HH, 100.0, 5.0, 10),
            Limit("h2s", H, 10.0, 1.0, 15),
            Limit("h2s", HH, 20.0, 1.0, 10),
        ],
        offline_after_seconds=180,
    )


def _fire_water(rng: random.Random, n: int) -> Kit:
    return Kit(
        "fire_water",
        f"{n}号消防给水管网压力",
        rng.choice(("消防泵房出水管", "屋顶消防水箱出水管", "地下一层喷淋末端")),
        [Limit("pressure", L, 0.10, 0.02, 30), Limit("pressure", LL, 0.05, 0.01, 15)],
    )


def _fire_panel(rng: random.Random, n: int) -> Kit:
    return Kit(
        "fire_panel",
        f"{n}号火灾报警控制器",
        "一层消防控制室",
        [Limit("alarm", HH, 1.0, 0.0, 0), Limit("fault", H, 1.0, 0.0, 30)],
    )


def _elevator(rng: random.Random, n: int) -> Kit:
    rated = rng.choice((1.0, 1.5, 1.75, 2.5))
    return Kit(
        "elevator",
        f"{n}号客梯（额定 {rated:g} m/s）",
        f"{rng.choice('ABCD')}座{n}号梯",
        [
            Limit("speed", H, round(rated * 1.15, 2), 0.05, 10),
            Limit("speed", HH, round(rated * 1.4, 2), 0.05, 10),
            Limit("load", H, 100.0, 5.0, 10),
            Limit("load", HH, 110.0, 5.0, 10),
            Limit("door_open", H, 1.0, 0.0, 10),
        ],
    )


def _structure(rng: random.Random, n: int) -> Kit:
    what = rng.choice(("基坑支护", "高支模", "塔吊基础"))
    return Kit(
        "structure",
        f"{what}结构安全监测（{n}号测点）",
        f"{what} {rng.choice('东南西北')}侧",
        [
            Limit("displacement", H, 25.0, 1.0, 30),
            Limit("displacement", HH, 40.0, 1.0, 30),
            Limit("tilt", H, 1.0, 0.05, 30),
            Limit("tilt", HH, 2.0, 0.05, 30),
        ],
        offline_after_seconds=600,
    )


# Each kind of device with its typical installation (tests build generator specs from these).
KITS: dict[str, Callable[[random.Random, int], Kit]] = {
    "tank": _tank,
    "reactor": _reactor,
    "gas_lel": _gas_lel,
    "gas_toxic": _gas_toxic,
    "fire_water": _fire_water,
    "fire_panel": _fire_panel,
    "elevator": _elevator,
    "structure": _structure,
}


def _source(rng: random.Random) -> str:
    return rng.choice(("一号储罐区", "二号储罐区", "液化烃罐区", "甲类罐区", "原料罐区"))


# --- what each enterprise gets ---------------------------------------------------------------


def _hazchem(enterprise: Enterprise, rng: random.Random, full: bool) -> list[Kit]:
    name = enterprise.name
    if full:
        source = _source(rng)
        return [
            _tank(rng, 1, source=source),
            _tank(rng, 2, source=source),
            _reactor(rng, 1, source="一号生产装置"),
            _gas_lel(rng, 1),
            _gas_toxic(rng, 1),
        ]
    major = rng.random() < 0.7
    if "加油站" in name:
        return [
            _tank(rng, 1, source="埋地油罐区" if major else "", what="埋地油罐"),
            _gas_lel(rng, 1, where="加油区"),
        ]
    if "气体" in name:
        return [_tank(rng, 1, source=_source(rng) if major else ""), _gas_toxic(rng, 1)]
    if "化工" in name:
        kits = [
            _tank(rng, 1, source=_source(rng) if major else ""),
            _reactor(rng, 1, source="一号生产装置" if major else ""),
            _gas_lel(rng, 1, where="生产车间"),
        ]
        if rng.random() < 0.5:
            kits.append(_gas_toxic(rng, 1))
        return kits
    kits = [_gas_lel(rng, 1, where="危化品仓库")]
    if rng.random() < 0.5:
        kits.insert(0, _tank(rng, 1, source=_source(rng) if major else ""))
    return kits


def _gas(enterprise: Enterprise, rng: random.Random, full: bool) -> list[Kit]:
    if "液化气" in enterprise.name:
        return [_tank(rng, 1, source="液化气储罐区", what="液化气储罐"), _gas_lel(rng, 1)]
    return [_gas_lel(rng, 1, where="调压站")]


def _crowded(enterprise: Enterprise, rng: random.Random, full: bool) -> list[Kit]:
    kits = [_fire_water(rng, 1), _fire_panel(rng, 1)]
    if full or rng.random() < 0.4:
        kits.append(_elevator(rng, 1))
    return kits


def _shop(enterprise: Enterprise, rng: random.Random, full: bool) -> list[Kit]:
    kits = [_fire_water(rng, 1)]
    if full or rng.random() < 0.5:
        kits.append(_fire_panel(rng, 1))
    return kits


def _public(enterprise: Enterprise, rng: random.Random, full: bool) -> list[Kit]:
    return [_fire_panel(rng, 1)]


def _property(enterprise: Enterprise, rng: random.Random, full: bool) -> list[Kit]:
    return [_elevator(rng, n) for n in range(1, (3 if full else rng.randint(1, 2)) + 1)]


def _site(enterprise: Enterprise, rng: random.Random, full: bool) -> list[Kit]:
    return [_structure(rng, 1)]


SHOP_WORDS = ("超市", "商场", "广场", "商厦", "购物")


def _plan(enterprise: Enterprise, industry: str, rng: random.Random, full: bool):
    """(share of such enterprises equipped, kits) — ``full`` takes every option."""
    crowded = enterprise.crowded_place or enterprise.fire_key_unit
    if industry == "hazchem":
        return 0.7, _hazchem(enterprise, rng, full)
    if industry == "gas":
        return 0.5, _gas(enterprise, rng, full)
    if industry == "fire_key_unit":
        return 0.2, _crowded(enterprise, rng, full)
    if industry == "commerce" and (crowded or any(w in enterprise.name for w in SHOP_WORDS)):
        return 0.06, _shop(enterprise, rng, full)
    if industry in ("culture_tourism", "health", "education") and crowded:
        return 0.03, _public(enterprise, rng, full)
    if industry == "special_equipment":
        return 0.12, _property(enterprise, rng, full)
    if industry == "construction":
        return 0.1, _site(enterprise, rng, full)
    return 0.0, []


# --- building ------------------------------------------------------------------------------


class _Builder:
    def __init__(self, by):
        self.by = by
        self.types = {t.code: t for t in DeviceType.objects.all()}
        self.metrics = {
            (m.device_type.code, m.code): m for m in Metric.objects.select_related("device_type")
        }
        self.taken = set(Device.objects.values_list("code", flat=True))
        self.equipped = set(Device.objects.values_list("enterprise_id", flat=True).distinct())
        self.created: list[Device] = []

    @staticmethod
    def _near(value: Decimal | None, rng: random.Random) -> Decimal | None:
        if value is None:
            return None
        offset = Decimal(str(round(rng.uniform(-JITTER_DEGREES, JITTER_DEGREES), 6)))
        return (value + offset).quantize(Decimal("0.000001"))

    def install(self, enterprise: Enterprise, kits: list[Kit], rng: random.Random) -> None:
        counters: dict[str, int] = {}
        for kit in kits:
            counters[kit.kind] = counters.get(kit.kind, 0) + 1
            code = f"{PREFIXES.get(kit.kind, 'DV')}-{enterprise.pk}-{counters[kit.kind]:02d}"
            if code in self.taken:
                continue
            has_coordinates = enterprise.latitude is not None and enterprise.longitude is not None
            device, _token = services.device_register(
                by=self.by,
                enterprise=enterprise,
                data={
                    "device_type": self.types[kit.kind],
                    "code": code,
                    "name": kit.name,
                    "location": kit.location,
                    "latitude": self._near(enterprise.latitude, rng) if has_coordinates else None,
                    "longitude": self._near(enterprise.longitude, rng) if has_coordinates else None,
                    "offline_after_seconds": kit.offline_after_seconds,
                },
            )
            for limit in kit.limits:
                services.threshold_set(
                    by=self.by,
                    device_id=device.pk,
                    metric_id=self.metrics[(kit.kind, limit.metric)].pk,
                    level=limit.level,
                    value=limit.value,
                    hysteresis=limit.hysteresis,
                    min_duration_seconds=limit.seconds,
                )
            self.taken.add(code)
            self.created.append(device)
        self.equipped.add(enterprise.pk)


def duty_username(enterprise_id: int) -> str:
    return f"{DUTY_PREFIX}{enterprise_id}"


def _duty_staff(by, enterprise_ids: Iterable[int], seed: int) -> None:
    """One synthetic on-duty account per enterprise, made its duty person (skipped where it
    exists). Nobody logs in as it: its password is unusable."""
    fake = Faker("zh_CN")
    taken = set(
        User.objects.filter(username__startswith=DUTY_PREFIX).values_list("username", flat=True)
    )
    for enterprise in Enterprise.objects.filter(pk__in=set(enterprise_ids)).order_by("pk"):
        username = duty_username(enterprise.pk)
        if username in taken:
            continue
        fake.seed_instance(f"{seed}:{enterprise.pk}:duty")
        phone = fake.phone_number()
        user = enterprise_account_create(
            by=by,
            enterprise=enterprise,
            username=username,
            name=fake.name(),
            phone="",
            position=EnterpriseUser.Position.SAFETY_MANAGER,
            password=None,  # unusable: an account the simulator acts as, not a login
        )
        services.duty_person_set(by=by, enterprise=enterprise, user=user, phone=phone)


def _demo_manager(username: str):
    link = (
        EnterpriseUser.objects.select_related("user", "enterprise")
        .filter(user__username=username, user__is_active=True)
        .first()
    )
    return (link.user, link.enterprise) if link else (None, None)


@transaction.atomic
def build_demo_devices(
    *,
    by,
    enterprises: Iterable[Enterprise],
    rng: random.Random,
    per_enterprise: int = DEFAULT_PER_ENTERPRISE,
    manager_username: str = DEMO_MANAGER,
    everyone: bool = False,
    progress: Callable[[int], None] | None = None,
) -> list[Device]:
    """Register demo devices and their thresholds for the operating ``enterprises``.

    A share of each kind of enterprise is equipped (``everyone`` equips all that have
    something to monitor), with at most ``per_enterprise`` devices each. The enterprise of
    the user ``manager_username`` is equipped first with a full set and that user made its
    duty person; every enterprise equipped gets a synthetic on-duty account as its duty
    person too (``duty-<pk>``, what the simulator acts as). Returns the devices created
    (none on a second call). ``by`` needs ``monitor.manage`` over the enterprises (the
    demo's admin).
    """
    builder = _Builder(by)
    industries = dict(Industry.objects.values_list("id", "code"))
    # One generator per enterprise, seeded from ``rng`` and its pk: a second call with the
    # same seed makes the same choices, so it finds every code taken and adds nothing.
    seed = rng.getrandbits(64)
    manager, own = _demo_manager(manager_username)
    if own is not None:
        if own.pk not in builder.equipped:
            own_rng = random.Random(f"{seed}:{own.pk}")
            _share, kits = _plan(own, industries.get(own.industry_id, ""), own_rng, full=True)
            kits = kits or [_fire_water(own_rng, 1), _fire_panel(own_rng, 1), _elevator(own_rng, 1)]
            builder.install(own, kits, own_rng)
        phone = own.safety_manager_phone or own.principal_phone
        services.duty_person_set(by=by, enterprise=own, user=manager, phone=phone)
    for enterprise in enterprises:
        if progress is not None:
            progress(1)
        if enterprise.pk in builder.equipped or enterprise.status != Status.OPERATING:
            continue
        own_rng = random.Random(f"{seed}:{enterprise.pk}")
        share, kits = _plan(enterprise, industries.get(enterprise.industry_id, ""), own_rng, False)
        if kits and (everyone or own_rng.random() < share):
            builder.install(enterprise, kits[:per_enterprise], own_rng)
    _duty_staff(by, [device.enterprise_id for device in builder.created], seed)
    return builder.created
