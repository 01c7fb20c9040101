"""What the access tables open for 危险化学品与重大危险源: for each actor's setup, a storage
unit of its enterprise holding 10 t of chlorine (Q 5 t: a major hazard source) and the
source it became, made once per setup through the services by the administrator.

Units and sources belong to the setup's enterprise, so every actor with a scope sees them;
an expert has no scope: every record page answers it 404. Every POST row sends a form that
is refused before anything is written (an empty form: 422)."""

from dataclasses import dataclass

from anjian.hazchem import services
from anjian.hazchem.models import Chemical
from anjian.web.tests.access_pages import Page
from anjian.web.tests.access_setup import Setup
from testsupport import world

NO_SCOPE = frozenset({"expert"})


@dataclass(frozen=True)
class HazchemRecords:
    unit: object
    line: object
    source: object


def hazchem(setup: Setup) -> HazchemRecords:
    if hasattr(setup, "_hazchem"):
        return setup._hazchem
    admin = world.actor("admin")
    unit = services.unit_create(
        admin,
        data={"enterprise": setup.enterprise.pk, "kind": "storage", "name": "访问测试液氯储罐区"},
    )
    chlorine = Chemical.objects.get(name="氯")
    line = services.line_add(
        admin, unit_id=unit.pk, data={"chemical": chlorine.pk, "max_quantity": "10"}
    )
    unit.refresh_from_db()
    setup._hazchem = HazchemRecords(unit=unit, line=line, source=unit.source)
    return setup._hazchem


def _of(name: str, *more):
    """URL args: the record ``name`` of the actor's setup, then ``more`` as they are."""
    return lambda s: [getattr(hazchem(s), name).pk, *more]


def _view(name: str) -> Page:
    return Page(args=_of(name), unseen=NO_SCOPE)


def _refused(args) -> Page:
    """A form posted empty: let in, refused, nothing written."""
    return Page(method="post", args=args, ok=(422,))


HAZCHEM_PAGES: dict[str, Page] = {
    "hazchem:unit_list": Page(),
    "hazchem:unit_export": Page(),
    "hazchem:unit_create": Page(),
    "hazchem:unit_detail": _view("unit"),
    "hazchem:unit_edit": _view("unit"),
    "hazchem:unit_retire": _refused(_of("unit")),
    "hazchem:line_add": _refused(_of("unit")),
    "hazchem:line_edit": _refused(lambda s: [hazchem(s).unit.pk, hazchem(s).line.pk]),
    "hazchem:line_remove": _refused(lambda s: [hazchem(s).unit.pk, hazchem(s).line.pk]),
    "hazchem:chemical_search": Page(query={"q": "氯"}),
    "hazchem:chemical_list": Page(),
    "hazchem:source_list": Page(),
    "hazchem:source_export": Page(),
    "hazchem:source_figures": Page(),
    "hazchem:source_figures_export": Page(),
    "hazchem:source_detail": _view("source"),
    "hazchem:source_file": _refused(_of("source")),
    "hazchem:source_close": _refused(_of("source")),
    "hazchem:source_monitoring": _refused(_of("source")),
}


# --- the API's reads (web/tests/test_api_access.py) -------------------------------------------

API_RECORDS = {
    "{int:unit_id}": lambda s: hazchem(s).unit.pk,
    "{int:source_id}": lambda s: hazchem(s).source.pk,
    "{int:chemical_id}": lambda s: Chemical.objects.get(name="氯").pk,
}


def hazchem_api_url(template_path: str, setup: Setup) -> str:
    """A hazchem read's URL with the setup's unit, its source and the catalogue's 氯. Every
    actor allowed to read has a scope holding them (the expert, who has none, may not read)."""
    for placeholder, pk in API_RECORDS.items():
        if placeholder in template_path:
            template_path = template_path.replace(placeholder, str(pk(setup)))
    return template_path
