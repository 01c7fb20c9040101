"""What online monitoring a major hazard source requires, and whether it has it — pure
functions over plain data (``selectors_coverage`` reads the database and calls these).

**The requirement table** (our reading of 40号令 Art. 13, RULES.md §15, confidence L: a
source is to have "continuous collection of temperature, pressure, level, flow and
composition, plus flammable and toxic gas detectors"; the platform ships no flow or
composition metric, so those are not asked for):

=================================================  ===========================================
the source                                         required metrics (``Requirement``)
=================================================  ===========================================
a 储存单元 (tank farm, warehouse)                  液位 ``level``, 温度 ``temp``, 压力 ``pressure``
a 生产单元 (process unit)                          温度 ``temp``, 压力 ``pressure``
holds a flammable gas or flammable liquid          可燃气体 ``lel``
holds a toxic gas                                  有毒气体: ``co``, ``h2s`` or any toxic-gas
                                                   metric (``TOXIC_GAS_CODES``)
=================================================  ===========================================

Readings taken (each a choice; change it here and the tests that pin it):

- The unit kind does not tell a tank farm from a warehouse of drums: every storage unit is
  asked for level, temperature and pressure. A source the authority judges not to need
  online monitoring is marked so (``MajorHazardSource.monitoring_required``) and is not
  counted at all.
- Process metrics count only from devices of the 重大危险源 category (tank and reactor
  monitors: ``monitoring.catalog``), gas metrics only from gas detectors: a fire main's
  "pressure" is not a process pressure.
- Any toxic-gas metric satisfies the toxic requirement (the shipped detector's CO and H₂S,
  and the codes below for detectors an administrator adds): whether the detector suits
  the very gas held is the design review's question (GB/T 50493), not this figure's.
- Which chemicals are flammable or toxic gases: by their GB 18218 table 2 classes where
  the catalogue gives them (W2 易燃气体, W5.1–W5.4 易燃液体 → flammable; J1, J3 毒性气体
  and J4 volatile toxic liquids → toxic), and for the table 1 rows by ``FLAMMABLE_ROWS``
  and ``TOXIC_GAS_ROWS`` below (the rows' GHS classes in the 危险化学品目录（2015）实施指南
  as we know them, confidence L–M; table 3's named toxic gases are all in
  ``TOXIC_GAS_ROWS``). A mixture entered with classes of its own is judged by those.

**Covered** (``assess``): every required metric has a linked, active device of a matching
category whose latest reading of a matching metric is within that device's
``offline_after_seconds``. A source that is not covered is not covered for one reason,
the first that holds: no device linked (``NO_DEVICE``); a required metric that no linked
device measures (``MISSING``); a required metric measured but not reporting in time
(``OFFLINE``).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.db import models
from django.utils.translation import gettext_lazy as _

from anjian.hazchem import gb18218
from anjian.hazchem.choices import UnitKind

PROCESS = "hazard_source"  # monitoring DeviceCategory.HAZARD_SOURCE (tank, reactor monitors)
GAS = "gas"  # monitoring DeviceCategory.GAS (detectors)

# Toxic-gas metric codes: the shipped detector's, and those an administrator gives the
# detector types they add for the named toxic gases (a convention, documented in docs).
TOXIC_GAS_CODES = frozenset(
    {"co", "h2s", "nh3", "cl2", "so2", "no2", "hcl", "hf", "hcn", "ph3", "cocl2"}
)


@dataclass(frozen=True)
class Requirement:
    """One metric a source must report: which metric codes, on devices of which category,
    satisfy it, and the reason it is asked for."""

    key: str
    label: str
    codes: frozenset[str]
    categories: frozenset[str]
    reason: str

    def matches(self, category: str, code: str) -> bool:
        return category in self.categories and code in self.codes


LEVEL = Requirement("level", _("液位"), frozenset({"level"}), frozenset({PROCESS}), _("储存单元"))
TEMPERATURE = Requirement(
    "temp", _("温度"), frozenset({"temp"}), frozenset({PROCESS}), _("储存或生产单元")
)
PRESSURE = Requirement(
    "pressure", _("压力"), frozenset({"pressure"}), frozenset({PROCESS}), _("储存或生产单元")
)
FLAMMABLE_GAS = Requirement(
    "lel", _("可燃气体"), frozenset({"lel"}), frozenset({GAS}), _("存有易燃气体或易燃液体")
)
TOXIC_GAS = Requirement(
    "toxic", _("有毒气体"), TOXIC_GAS_CODES, frozenset({GAS}), _("存有毒性气体")
)
REQUIREMENTS: tuple[Requirement, ...] = (LEVEL, TEMPERATURE, PRESSURE, FLAMMABLE_GAS, TOXIC_GAS)
BY_KEY = {requirement.key: requirement for requirement in REQUIREMENTS}

BY_KIND: dict[str, tuple[Requirement, ...]] = {
    UnitKind.STORAGE: (LEVEL, TEMPERATURE, PRESSURE),
    UnitKind.PRODUCTION: (TEMPERATURE, PRESSURE),
}

# GB 18218 table 1 rows (numbers) that are flammable gases or flammable liquids: gases —
# 1 氨 (易燃气体类别2), 7 环氧乙烷, 8 甲醛, 9 磷化氢, 10 硫化氢, 13 煤气, 14 砷化氢,
# 15 锑化氢, 16 硒化氢, 47 1,3-丁二烯, 48 二甲醚, 49 甲烷/天然气, 50 氯乙烯, 51 氢,
# 52 液化石油气, 53 一甲胺, 54 乙炔, 55 乙烯; liquids — 19 丙烯醛, 21 环氧氯丙烷,
# 22 环氧溴丙烷, 25 氰化氢, 27 烯丙胺, 29 乙撑亚胺, 30 异氰酸甲酯, 42 硝化纤维素溶液,
# 57 苯 … 70 正己烷 (every row from 57 to 70).
FLAMMABLE_ROWS = frozenset(
    {1, 7, 8, 9, 10, 13, 14, 15, 16, 47, 48, 49, 50, 51, 52, 53, 54, 55}
    | {19, 21, 22, 25, 27, 29, 30, 42}
    | set(range(57, 71))
)
# Rows that are toxic gases: table 3's named toxic gases (1 氨, 3 二氧化氮, 4 二氧化硫,
# 6 光气, 7 环氧乙烷, 9 磷化氢, 10 硫化氢, 11 氯化氢, 12 氯, 13 煤气/一氧化碳, 17 溴甲烷,
# 20 氟化氢, 25 氰化氢, 30 异氰酸甲酯) and the other gases of table 1 that are acutely
# toxic by inhalation (2 二氟化氧, 5 氟, 8 甲醛, 14 砷化氢, 15 锑化氢, 16 硒化氢).
TOXIC_GAS_ROWS = frozenset({1, 3, 4, 6, 7, 9, 10, 11, 12, 13, 17, 20, 25, 30})
TOXIC_GAS_ROWS |= frozenset({2, 5, 8, 14, 15, 16})
FLAMMABLE_CLASSES = frozenset({"W2", "W5.1", "W5.2", "W5.3", "W5.4"})
TOXIC_GAS_CLASSES = frozenset({"J1", "J3", "J4"})


def line_hazards(row: int | None, classes: Iterable[str]) -> frozenset[str]:
    """What an inventory line asks for beyond its unit's kind: ``FLAMMABLE_GAS.key`` and
    ``TOXIC_GAS.key`` by its table 1 ``row`` (None outside table 1) and its table 2
    ``classes`` (the mixture's own for a mixture judged by its own classes)."""
    codes = {gb18218.normalise_code(str(code)) for code in classes or ()}
    found = set()
    if row in FLAMMABLE_ROWS or codes & FLAMMABLE_CLASSES:
        found.add(FLAMMABLE_GAS.key)
    if row in TOXIC_GAS_ROWS or codes & TOXIC_GAS_CLASSES:
        found.add(TOXIC_GAS.key)
    return frozenset(found)


def required(kind: str, hazards: Iterable[str] = ()) -> tuple[Requirement, ...]:
    """The metrics a source of unit ``kind`` holding chemicals with ``hazards`` (keys from
    ``line_hazards``) must report, in ``REQUIREMENTS`` order."""
    wanted = {requirement.key for requirement in BY_KIND[kind]} | set(hazards)
    return tuple(requirement for requirement in REQUIREMENTS if requirement.key in wanted)


class Status(models.TextChoices):
    """Where a source stands (``assess``); the last three are why it is not covered."""

    COVERED = "covered", _("已覆盖")
    NO_DEVICE = "no_device", _("未关联设备")
    MISSING = "missing", _("缺少监测项")
    OFFLINE = "offline", _("设备离线或未按时上报")


UNCOVERED = (Status.NO_DEVICE, Status.MISSING, Status.OFFLINE)


@dataclass(frozen=True)
class MetricCoverage:
    """One required metric of a source: covered, or why not (MISSING, OFFLINE)."""

    requirement: Requirement
    status: str


@dataclass(frozen=True)
class SourceCoverage:
    status: str
    metrics: tuple[MetricCoverage, ...]

    @property
    def covered(self) -> bool:
        return self.status == Status.COVERED

    @property
    def gaps(self) -> tuple[MetricCoverage, ...]:
        """The required metrics that are not covered (all of them when no device)."""
        return tuple(metric for metric in self.metrics if metric.status != Status.COVERED)


def assess(
    requirements: Iterable[Requirement],
    *,
    devices: int,
    measured: Iterable[str],
    reporting: Iterable[str],
) -> SourceCoverage:
    """A source's coverage from its ``requirements``, how many active ``devices`` are
    linked to it, and the requirement keys some linked device ``measured`` (its type has a
    matching metric) and ``reporting`` (a matching latest reading within the device's
    interval)."""
    measured, reporting = set(measured), set(reporting)
    metrics = []
    for requirement in requirements:
        if not devices:
            status = Status.NO_DEVICE
        elif requirement.key in reporting:
            status = Status.COVERED
        elif requirement.key in measured:
            status = Status.OFFLINE
        else:
            status = Status.MISSING
        metrics.append(MetricCoverage(requirement, status))
    statuses = {metric.status for metric in metrics}
    overall = next((s for s in UNCOVERED if s in statuses), Status.COVERED)
    return SourceCoverage(overall, tuple(metrics))


@lru_cache(maxsize=4096)
def assessed(
    kind: str,
    hazards: frozenset[str],
    *,
    devices: bool,
    measured: frozenset[str],
    reporting: frozenset[str],
) -> SourceCoverage:
    """``assess`` of ``required(kind, hazards)``, remembered: a city's thousands of sources
    fall into a few dozen such cases (the result is immutable, so shared)."""
    return assess(
        required(kind, hazards), devices=int(devices), measured=measured, reporting=reporting
    )
