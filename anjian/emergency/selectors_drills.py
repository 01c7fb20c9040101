"""Scoped reads of 应急演练: the list with its filters, one drill for a page or a write, the
improvement tasks, and drill-frequency compliance (演练完成率 and who is behind).

Compliance looks at the units **in the user's scope that have a plan in force** (a unit,
a department, a government): the rules owed follow the plans a unit keeps
(``compliance``). A unit without a plan on the platform is not counted — the platform
cannot tell what it owes; 预案备案率 and the registry show those gaps. Units that closed
or were deregistered are left out.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Min, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from anjian.core.exceptions import OutOfScope
from anjian.emergency import compliance as rules
from anjian.emergency.choices import DrillForm, DrillKind, OwnerKind, TaskState
from anjian.emergency.models import IN_FORCE_STATES, Drill, DrillProblem, DrillState, PlanState
from anjian.emergency.selectors_plans import Figure, Rate, visible_plans
from anjian.enterprises.choices import Status
from anjian.enterprises.models import Enterprise
from anjian.regions.models import Department, Region

HELD_STATES = (DrillState.HELD, DrillState.EVALUATED)
GONE = (Status.CLOSED, Status.DEREGISTERED)


def visible_drills(user) -> QuerySet[Drill]:
    return Drill.objects.for_user(user)


def drill_for_read(user, drill_id: int) -> Drill:
    found = (
        visible_drills(user)
        .select_related("region", "department", "enterprise", "plan", "created_by")
        .filter(pk=drill_id)
        .first()
    )
    if found is None:
        raise OutOfScope()
    return found


def drill_for_write(user, drill_id) -> Drill:
    """The drill through ``user``'s scope, locked until the transaction ends."""
    found = (
        visible_drills(user)
        .select_for_update(of=("self",))
        .filter(pk=getattr(drill_id, "pk", drill_id))
        .first()
    )
    if found is None:
        raise OutOfScope()
    return found


def unit_key(owner_kind: str, enterprise_id, department_id, region_id) -> str:
    """The key of the unit a plan or a drill belongs to (``enterprise:12``,
    ``department:5``, ``government:310110``)."""
    if owner_kind == OwnerKind.ENTERPRISE:
        return f"enterprise:{enterprise_id}"
    if owner_kind == OwnerKind.DEPARTMENT:
        return f"department:{department_id}"
    return f"government:{region_id}"


def _unit_q(key: str) -> Q | None:
    kind, _sep, value = str(key).partition(":")
    if kind == OwnerKind.ENTERPRISE and value.isdigit():
        return Q(owner_kind=kind, enterprise_id=int(value))
    if kind == OwnerKind.DEPARTMENT and value.isdigit():
        return Q(owner_kind=kind, department_id=int(value))
    if kind == OwnerKind.GOVERNMENT and value.isdigit():
        return Q(owner_kind=kind, region_id=value)
    return None


def _day(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None


def drills(user, **filters) -> QuerySet[Drill]:
    """The drills ``user`` sees, filtered: ``state``, ``kind``, ``form``, ``owner_kind``,
    ``enterprise`` (id), ``plan`` (id), ``unit`` (a compliance row's key), ``held_from`` /
    ``held_to`` (held in those days), ``year`` (planned or held in it), ``q`` (number,
    title). Unknown or malformed values are ignored."""
    found = visible_drills(user)
    for name, values in (
        ("state", DrillState.values),
        ("kind", DrillKind.values),
        ("form", DrillForm.values),
        ("owner_kind", OwnerKind.values),
    ):
        if filters.get(name) in values:
            found = found.filter(**{name: filters[name]})
    for name in ("enterprise", "plan"):
        value = str(filters.get(name) or "")
        if value.isdigit():
            found = found.filter(**{f"{name}_id": int(value)})
    unit = _unit_q(filters.get("unit") or "")
    if unit is not None:
        found = found.filter(unit)
    start, end = _day(filters.get("held_from")), _day(filters.get("held_to"))
    if start or end:
        found = found.filter(state__in=HELD_STATES)
    if start:
        found = found.filter(held_on__gte=start)
    if end:
        found = found.filter(held_on__lte=end)
    year = str(filters.get("year") or "")
    if year.isdigit():
        found = found.filter(Q(planned_on__year=int(year)) | Q(held_on__year=int(year)))
    query = str(filters.get("q") or "").strip()
    if query:
        found = found.filter(Q(number__icontains=query) | Q(title__icontains=query))
    return found.select_related("region", "department", "enterprise", "plan")


def problems(user, **filters) -> QuerySet[DrillProblem]:
    """Improvement tasks of the drills ``user`` sees: ``state``, ``drill`` (id),
    ``overdue=<date>`` (open with the day before that date)."""
    found = DrillProblem.objects.filter(drill__in=visible_drills(user))
    if filters.get("state") in TaskState.values:
        found = found.filter(state=filters["state"])
    drill = str(filters.get("drill") or "")
    if drill.isdigit():
        found = found.filter(drill_id=int(drill))
    overdue = _day(filters.get("overdue"))
    if overdue is not None:
        found = found.filter(state=TaskState.OPEN, due_on__lt=overdue)
    return found.select_related("drill")


# --- compliance --------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitRow:
    """One unit's compliance: its name, why it is a higher-risk one, and the result."""

    key: str
    name: str
    higher_risk_reason: str
    result: rules.UnitResult

    @property
    def checks(self) -> tuple[rules.Check, ...]:
        return self.result.checks

    @property
    def status(self) -> str:
        return self.result.status

    @property
    def behind(self) -> bool:
        return self.result.behind

    def drills_filter(self, year: int) -> dict[str, str]:
        """The drill list's parameters that open the drills counted for this unit."""
        return {
            "unit": self.key,
            "held_from": rules.first_day(year).isoformat(),
            "held_to": date(year, 12, 31).isoformat(),
        }


@dataclass(frozen=True)
class Compliance:
    year: int
    today: date
    rows: list[UnitRow]
    figures: dict


STATUS_FILTERS = {
    "on_track": lambda row: row.result.on_track,
    "behind": lambda row: row.result.behind,
    "done": lambda row: row.result.done,
}


def unit_rows(plan_rows: QuerySet, drill_rows: QuerySet, *, year: int, today: date) -> list:
    """Every unit with a plan in force among ``plan_rows``, checked against the rules with
    the held drills among ``drill_rows`` (both already scoped)."""
    since: dict[str, dict[str, date]] = {}
    owners: dict[str, tuple] = {}
    in_force: set[str] = set()
    kept: set[tuple[str, str]] = set()  # (unit, plan type) with a version in force
    versions = (
        plan_rows.filter(state__in=(*IN_FORCE_STATES, PlanState.SUPERSEDED))
        .exclude(published_on__isnull=True)
        .values("owner_kind", "enterprise_id", "department_id", "region_id", "plan_type", "state")
        .annotate(first=Min("published_on"))
        .order_by()
    )
    for row in versions:
        key = unit_key(
            row["owner_kind"], row["enterprise_id"], row["department_id"], row["region_id"]
        )
        owners[key] = (
            row["owner_kind"],
            row["enterprise_id"],
            row["department_id"],
            row["region_id"],
        )
        types = since.setdefault(key, {})
        first = types.get(row["plan_type"])
        types[row["plan_type"]] = row["first"] if first is None else min(first, row["first"])
        if row["state"] in IN_FORCE_STATES:
            in_force.add(key)
            kept.add((key, row["plan_type"]))
    enterprise_ids = [owners[key][1] for key in in_force if owners[key][0] == OwnerKind.ENTERPRISE]
    units = {
        unit.pk: unit
        for unit in Enterprise.objects.filter(pk__in=enterprise_ids)
        .exclude(status__in=GONE)
        .select_related("industry")
    }
    departments = dict(
        Department.objects.filter(
            pk__in=[owners[k][2] for k in in_force if owners[k][0] == OwnerKind.DEPARTMENT]
        ).values_list("pk", "name")
    )
    regions = dict(
        Region.objects.filter(
            pk__in=[owners[k][3] for k in in_force if owners[k][0] == OwnerKind.GOVERNMENT]
        ).values_list("pk", "name")
    )
    named = []
    for key in sorted(in_force):
        kind, enterprise_id, department_id, region_id = owners[key]
        reason = ""
        if kind == OwnerKind.ENTERPRISE:
            unit = units.get(enterprise_id)
            if unit is None:
                continue
            name = unit.name
            flags = {flag: getattr(unit, flag) for flag in rules.HIGHER_RISK_FLAGS}
            reason = rules.higher_risk_reason(unit.industry.code, flags)
        elif kind == OwnerKind.DEPARTMENT:
            name = departments.get(department_id, key)
        else:
            name = _("%(region)s人民政府") % {"region": regions.get(region_id, region_id)}
        # a type the unit no longer keeps in force owes nothing; one it keeps owes from the
        # first publication of any of its versions
        types = {t: first for t, first in since[key].items() if (key, t) in kept}
        named.append((rules.Unit(key, kind, types, bool(reason)), str(name), reason))
    held = [
        rules.HeldDrill(
            unit_key(d["owner_kind"], d["enterprise_id"], d["department_id"], d["region_id"]),
            d["kind"],
            d["held_on"],
        )
        for d in drill_rows.filter(
            state__in=HELD_STATES,
            held_on__gte=rules.first_day(year),
            held_on__lte=min(date(year, 12, 31), today),
        ).values("owner_kind", "enterprise_id", "department_id", "region_id", "kind", "held_on")
    ]
    results = rules.assess([unit for unit, _n, _r in named], held, year=year, today=today)
    return [
        UnitRow(unit.key, name, reason, result)
        for (unit, name, reason), result in zip(named, results, strict=True)
    ]


def compliance(user, *, year: int, today: date, status: str = "", unit: str = "") -> Compliance:
    """Drill-frequency compliance of the units in ``user``'s scope for ``year`` as of
    ``today``. ``figures``: ``required`` (units that owe drills), ``on_track`` (none of
    their ended periods without the drill), ``behind``, ``done`` (every period of the
    year has its drill), and ``rate`` (演练完成率 = on track ÷ required: ``Rate``). Each
    figure's ``filter`` given back to ``compliance`` (``status``) opens exactly its rows;
    ``unit`` keeps one unit's row."""
    rows = [
        row
        for row in unit_rows(visible_plans(user), visible_drills(user), year=year, today=today)
        if row.result.required
    ]
    on_track, required = rules.completion_rate(row.result for row in rows)
    base = {"year": str(year)}
    figures = {
        "required": Figure("required", _("应演练单位"), required, base),
        "on_track": Figure("on_track", _("按期完成"), on_track, {**base, "status": "on_track"}),
        "behind": Figure(
            "behind",
            _("未按期完成"),
            sum(1 for row in rows if row.behind),
            {**base, "status": "behind"},
        ),
        "done": Figure(
            "done",
            _("全年已完成"),
            sum(1 for row in rows if row.result.done),
            {**base, "status": "done"},
        ),
    }
    figures["rate"] = Rate("rate", _("演练完成率"), figures["on_track"], figures["required"])
    if status in STATUS_FILTERS:
        rows = [row for row in rows if STATUS_FILTERS[status](row)]
    if unit:
        rows = [row for row in rows if row.key == unit]
    return Compliance(year, today, rows, figures)
