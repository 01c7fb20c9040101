"""The requirement table of 重大危险源在线监测 (``coverage``): which metrics a source requires
from its unit's kind and its chemicals, which devices' metrics satisfy each, and how a
source's coverage and its one reason follow from its devices. Pure: no database."""

import pytest

from anjian.hazchem import coverage
from anjian.hazchem.choices import UnitKind
from anjian.hazchem.coverage import Status
from anjian.hazchem.gb18218 import TABLE_3
from anjian.monitoring import catalog


def keys(requirements) -> list[str]:
    return [requirement.key for requirement in requirements]


def test_a_storage_unit_requires_level_temperature_and_pressure():
    assert keys(coverage.required(UnitKind.STORAGE)) == ["level", "temp", "pressure"]


def test_a_production_unit_requires_temperature_and_pressure():
    assert keys(coverage.required(UnitKind.PRODUCTION)) == ["temp", "pressure"]


@pytest.mark.parametrize(
    ("row", "classes", "hazards"),
    [
        (12, [], {"toxic"}),  # 氯: a toxic gas (table 3)
        (1, [], {"toxic", "lel"}),  # 氨: toxic, and 易燃气体类别2
        (13, [], {"toxic", "lel"}),  # 煤气 (CO)
        (10, [], {"toxic", "lel"}),  # 硫化氢
        (52, [], {"lel"}),  # 液化石油气
        (49, [], {"lel"}),  # 天然气
        (51, [], {"lel"}),  # 氢
        (65, [], {"lel"}),  # 甲醇 (a flammable liquid)
        (66, [], {"lel"}),  # 汽油
        (56, [], set()),  # 氧: an oxidising gas, neither
        (46, [], set()),  # 硝酸钾
        (35, [], set()),  # TNT: an explosive
        (None, ["W2"], {"lel"}),  # a flammable gas by its table 2 class
        (None, ["w5.3 "], {"lel"}),  # written loosely: the code is normalised
        (None, ["W5.1", "J1"], {"lel", "toxic"}),
        (None, ["J3"], {"toxic"}),
        (None, ["J4"], {"toxic"}),  # a volatile toxic liquid
        (None, ["J2", "J5"], set()),  # toxic solids and liquids: no gas detector asked
        (None, ["W9.2", "W11"], set()),
        (None, [], set()),
    ],
)
def test_each_chemical_asks_for_the_gas_detection_its_hazards_need(row, classes, hazards):
    assert coverage.line_hazards(row, classes) == hazards


def test_the_chemicals_add_their_detectors_to_the_units_metrics_in_table_order():
    hazards = coverage.line_hazards(1, []) | coverage.line_hazards(65, [])
    assert keys(coverage.required(UnitKind.STORAGE, hazards)) == [
        "level",
        "temp",
        "pressure",
        "lel",
        "toxic",
    ]
    assert keys(coverage.required(UnitKind.PRODUCTION, {"toxic"})) == ["temp", "pressure", "toxic"]


def test_every_table_3_toxic_gas_is_a_toxic_gas_row():
    assert {entry.row for entry in TABLE_3} <= coverage.TOXIC_GAS_ROWS


def test_the_rows_named_are_rows_of_table_1():
    named = coverage.FLAMMABLE_ROWS | coverage.TOXIC_GAS_ROWS
    assert named <= set(range(1, 86))


def shipped_metrics() -> list[tuple[str, str, str]]:
    """(device type, its category, metric code) for every shipped metric."""
    return [
        (code, category, metric[0])
        for code, _name, category, metrics in catalog.DEVICE_TYPES
        for metric in metrics
    ]


@pytest.mark.parametrize(
    ("requirement", "satisfied_by"),
    [
        (coverage.LEVEL, {("tank", "level")}),
        (coverage.TEMPERATURE, {("tank", "temp"), ("reactor", "temp")}),
        # not the fire main's "pressure": a process pressure comes from a process monitor
        (coverage.PRESSURE, {("tank", "pressure"), ("reactor", "pressure")}),
        (coverage.FLAMMABLE_GAS, {("gas_lel", "lel")}),
        (coverage.TOXIC_GAS, {("gas_toxic", "co"), ("gas_toxic", "h2s")}),
    ],
)
def test_each_requirement_is_met_by_exactly_these_shipped_metrics(requirement, satisfied_by):
    found = {
        (kind, code)
        for kind, category, code in shipped_metrics()
        if requirement.matches(category, code)
    }
    assert found == satisfied_by


STORAGE = coverage.required(UnitKind.STORAGE, {"toxic"})


@pytest.mark.parametrize(
    ("devices", "measured", "reporting", "status", "gaps"),
    [
        (
            2,
            {"level", "temp", "pressure", "toxic"},
            {"level", "temp", "pressure", "toxic"},
            Status.COVERED,
            [],
        ),
        (0, set(), set(), Status.NO_DEVICE, ["level", "temp", "pressure", "toxic"]),
        (
            1,
            {"level", "temp", "pressure"},
            {"level", "temp", "pressure"},
            Status.MISSING,
            ["toxic"],
        ),
        (
            2,
            {"level", "temp", "pressure", "toxic"},
            {"level", "temp", "pressure"},
            Status.OFFLINE,
            ["toxic"],
        ),
        # missing comes before offline: a metric nothing measures is the first thing to fix
        (
            1,
            {"level", "temp", "pressure"},
            {"level"},
            Status.MISSING,
            ["temp", "pressure", "toxic"],
        ),
    ],
)
def test_a_sources_coverage_and_its_one_reason(devices, measured, reporting, status, gaps):
    found = coverage.assess(STORAGE, devices=devices, measured=measured, reporting=reporting)
    assert found.status == status
    assert found.covered is (status == Status.COVERED)
    assert [gap.requirement.key for gap in found.gaps] == gaps
