"""Units, inventory lines and catalogue entries for tests, made through the services (so
every one is scoped, versioned and evaluated like a real one).

The shipped GB 18218 table 1 rows are in the test database (``catalogue.sync_shipped`` runs
after migrate); ``shipped(name)`` finds one. Figures the tests use (RULES.md §1.2, §1.4):
氯 Q 5 t β 4; 氨 Q 10 t β 2; 二氧化硫 Q 20 t β 2; 甲醇 Q 500 t with no table 3 β.
"""

import pytest

from anjian.core.exceptions import ValidationError
from anjian.hazchem import services
from anjian.hazchem.choices import CatalogueSource, UnitKind
from anjian.hazchem.models import Chemical, ChemicalUnit, InventoryLine, MajorHazardSource
from testsupport import world


def shipped(name: str) -> Chemical:
    """The shipped table 1 row called ``name`` (氯, 氨, 二氧化硫 …)."""
    return Chemical.objects.get(name=name, source=CatalogueSource.SHIPPED)


def classed(name: str, *classes: str, **fields) -> Chemical:
    """A catalogue entry outside table 1 with its table 2 classes (as an administrator
    enters or imports one)."""
    return Chemical.objects.create(
        name=name, gb18218_classes=list(classes), source=CatalogueSource.IMPORTED, **fields
    )


def unit(
    by=None, *, enterprise: str | None = "yinhang_chemical", population: int = 120, **data
) -> ChemicalUnit:
    """A storage unit of ``enterprise`` (殷行化工 by the district official, by default) with
    ``population`` people within 500 m (120: α = 2)."""
    by = by or world.actor("district_official")
    values = {"kind": UnitKind.STORAGE, "name": "一号储罐区", "population_500m": population}
    if enterprise is not None:
        values["enterprise"] = world.enterprise(enterprise).pk
    values.update(data)
    return services.unit_create(by, data=values)


def add(target: ChemicalUnit, chemical, quantity, by=None, **data) -> InventoryLine:
    """A line of ``chemical`` (a Chemical or a shipped row's name) with ``quantity`` tonnes."""
    by = by or world.actor("district_official")
    if isinstance(chemical, str):
        chemical = shipped(chemical)
    values = {"chemical": chemical.pk, "max_quantity": quantity, **data}
    return services.line_add(by, unit_id=target.pk, data=values)


def change(line: InventoryLine, quantity, by=None, **data) -> InventoryLine:
    """Set ``line``'s quantity, from its version as stored now."""
    by = by or world.actor("district_official")
    line.refresh_from_db()
    values = {"max_quantity": quantity, **data}
    return services.line_update(by, line_id=line.pk, expected_version=line.version, data=values)


def fresh(target: ChemicalUnit) -> ChemicalUnit:
    return ChemicalUnit.objects.get(pk=target.pk)


def source_of(target: ChemicalUnit) -> MajorHazardSource | None:
    return MajorHazardSource.objects.filter(unit_id=target.pk).first()


def refused(call, *args, **kwargs) -> dict:
    """The message_dict of the ValidationError that ``call`` raises."""
    with pytest.raises(ValidationError) as raised:
        call(*args, **kwargs)
    return raised.value.message_dict
