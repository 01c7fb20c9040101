"""Migration 0008 (a device's flag and typed name become its link to a major hazard source),
run on a database of its own (SQLite in memory) from the schema before it: a flagged
device whose typed name is its enterprise's source's unit is linked; nothing else is, and
no typed name or flag is lost — each is kept as a note in 安装位置; backwards, the flags and
names come back and the notes go."""

import pytest
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import ConnectionHandler

BEFORE = [("monitoring", "0007_metric_precision_and_signals"), ("hazchem", "0003_duty_rules")]
AFTER = [("monitoring", "0008_device_hazard_source")]


@pytest.fixture
def migrated_to_before(django_db_blocker):
    """A database of its own — SQLite in memory, standing in as "default" for this test
    only (the older data migrations write to the default database) — migrated to just
    before 0008. The test world's connection is put back untouched afterwards."""
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
    memory = ConnectionHandler({"default": sqlite})
    world_settings, world_connection = connections.settings["default"], connections["default"]
    connections.settings["default"] = memory.settings["default"]
    del connections["default"]
    try:
        with django_db_blocker.unblock():
            connection = connections["default"]
            MigrationExecutor(connection).migrate(BEFORE)
            yield connection
            connection.close()
    finally:
        connections.settings["default"] = world_settings
        connections["default"] = world_connection


def models_at(connection, targets):
    executor = MigrationExecutor(connection)
    return executor.loader.project_state(targets).apps


def the_world_before(apps) -> dict:
    """Two enterprises, each with a source (one more, closed); devices flagged as the old
    form allowed."""
    db = "default"
    Region = apps.get_model("regions", "Region")
    Industry = apps.get_model("regions", "Industry")
    Enterprise = apps.get_model("enterprises", "Enterprise")
    Unit = apps.get_model("hazchem", "ChemicalUnit")
    Source = apps.get_model("hazchem", "MajorHazardSource")
    Device = apps.get_model("monitoring", "Device")
    DeviceType = apps.get_model("monitoring", "DeviceType")
    street = Region.objects.using(db).create(code="310110016", name="殷行街道", level=4)
    industry = Industry.objects.using(db).create(code="hazchem", name="危险化学品")
    enterprises = [
        Enterprise.objects.using(db).create(
            name=name,
            credit_code=f"9131011000000000{n}X",
            legal_representative="张三",
            principal_name="张三",
            principal_phone="13800138000",
            address="殷行路1号",
            street=street,
            scope_region_code=street.code,
            industry=industry,
            economic_code="C2614",
            employees=10,
            scale="below",
            supervision_grade="B",
        )
        for n, name in enumerate(("甲化工", "乙化工"))
    ]

    def source(enterprise, name, number, state="filed"):
        unit = Unit.objects.using(db).create(
            enterprise=enterprise,
            kind="storage",
            name=name,
            scope_region_code=street.code,
            industry=industry,
        )
        return Source.objects.using(db).create(
            enterprise=enterprise,
            unit=unit,
            number=number,
            grade="3",
            state=state,
            identified_on="2026-01-05",
            scope_region_code=street.code,
            industry=industry,
        )

    ours = source(enterprises[0], "一号储罐区", "WH-1")
    source(enterprises[0], "旧罐区", "WH-2", state="closed")
    source(enterprises[1], "二号储罐区", "WH-3")
    tank = DeviceType.objects.using(db).get(code="tank")

    def device(code, *, enterprise=0, flag=False, name="", location="罐顶"):
        return Device.objects.using(db).create(
            enterprise=enterprises[enterprise],
            device_type=tank,
            code=code,
            name=code,
            is_major_hazard_source=flag,
            hazard_source_name=name,
            location=location,
            scope_region_code=street.code,
            industry=industry,
        )

    return {
        "source": ours,
        "matched": device("D-1", flag=True, name=" 一号 储罐区 "),  # spaces: still the unit
        "closed": device("D-2", flag=True, name="旧罐区"),  # closed: not linked
        "other": device("D-3", flag=True, name="二号储罐区"),  # another enterprise's
        "unknown": device("D-4", flag=True, name="三号罐区", location="x" * 120),
        "flag_only": device("D-5", flag=True),
        "name_only": device("D-6", name="一号储罐区"),  # a name without the flag
        "plain": device("D-7"),
    }


def test_flagged_devices_are_linked_and_nothing_typed_is_lost(migrated_to_before):
    connection = migrated_to_before
    before = the_world_before(models_at(connection, BEFORE))

    MigrationExecutor(connection).migrate(AFTER)

    Device = models_at(connection, AFTER).get_model("monitoring", "Device")
    after = {d.code: d for d in Device.objects.using("default").all()}
    assert after["D-1"].hazard_source_id == before["source"].pk
    assert after["D-1"].location == "罐顶"
    unlinked = {code: d.location for code, d in after.items() if d.hazard_source_id is None}
    assert unlinked == {
        "D-2": "罐顶（原登记重大危险源：旧罐区）",
        "D-3": "罐顶（原登记重大危险源：二号储罐区）",
        "D-4": "x" * 120 + "（原登记重大危险源：三号罐区）",
        "D-5": "罐顶（原标记为重大危险源监测）",
        "D-6": "罐顶（原填写重大危险源名称：一号储罐区）",
        "D-7": "罐顶",
    }

    MigrationExecutor(connection).migrate(BEFORE)

    Device = models_at(connection, BEFORE).get_model("monitoring", "Device")
    back = {
        d.code: (d.is_major_hazard_source, d.hazard_source_name, d.location)
        for d in Device.objects.using("default").all()
    }
    assert back == {
        "D-1": (True, "一号储罐区", "罐顶"),
        "D-2": (True, "旧罐区", "罐顶"),
        "D-3": (True, "二号储罐区", "罐顶"),
        "D-4": (True, "三号罐区", "x" * 120),
        "D-5": (True, "", "罐顶"),
        "D-6": (False, "一号储罐区", "罐顶"),
        "D-7": (False, "", "罐顶"),
    }
