"""Reads of 包保责任 through the reader's scope: the holders and checks of the sources the
user sees (a duty or a check is seen as its source is), the frequencies in force, where
each role of one source stands today (the source page's card), and 包保检查完成率.

包保检查完成率 (``completion``) counts, for every current major hazard source (not 核销)
in scope and every role whose frequency is fixed, the periods of the chosen quarter or year
that were owed and how many had their checks (``duty_periods.assess`` says how); the rate is
periods done ÷ periods owed. Each figure names the sources it counts by a ``status``
(``STATUSES``): the drill-down list of that status under the same filters shows exactly
them."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Min, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.exceptions import Conflict, OutOfScope
from anjian.hazchem import duty_periods as periods
from anjian.hazchem.choices import DutyRole, Grade, SourceState
from anjian.hazchem.models import DutyCheck, DutyRule, MajorHazardSource, SourceDuty
from anjian.hazchem.selectors import sources
from anjian.regions.choices import RegionLevel
from anjian.regions.levels import district_of, is_at_or_below, street_of
from anjian.regions.models import Region

ROLES = tuple(DutyRole.values)
LOOK_BACK_DAYS = 190  # covers the current and the previous quarter


def duties(user) -> QuerySet[SourceDuty]:
    """Every term of every holder of the sources ``user`` sees."""
    return SourceDuty.objects.filter(source__in=sources(user))


def checks(user) -> QuerySet[DutyCheck]:
    return DutyCheck.objects.filter(source__in=sources(user))


def source_for_write(user, source_id) -> MajorHazardSource:
    """The source through ``user``'s scope, locked until the transaction ends (the writes of
    its holders queue behind each other); a closed one takes no more 包保 records."""
    found = (
        sources(user)
        .select_for_update(of=("self",))
        .select_related("enterprise", "unit")
        .filter(pk=getattr(source_id, "pk", source_id))
        .first()
    )
    if found is None:
        raise OutOfScope()
    if found.state == SourceState.CLOSED:
        raise Conflict(_("该重大危险源已核销，不再登记包保责任人和履职记录"))
    return found


# --- the frequencies ----------------------------------------------------------------------------


def rule_of(row: DutyRule) -> periods.Rule:
    by = row.set_by
    return periods.Rule(
        row.role,
        row.period,
        row.checks,
        row.basis,
        row.version,
        (by.name or by.username) if by is not None else "",
        row.set_at,
    )


def rules_in_force() -> dict[str, periods.Rule]:
    """Each role's frequency now: its newest ``DutyRule``, else the shipped default."""
    rules = dict(periods.DEFAULT_RULES)
    newest = DutyRule.objects.filter(
        version=Subquery(
            DutyRule.objects.filter(role=OuterRef("role"))
            .order_by("-version")
            .values("version")[:1]
        )
    )
    for row in newest.select_related("set_by"):
        rules[row.role] = rule_of(row)
    return rules


def rule_history() -> QuerySet[DutyRule]:
    """Every change of every role's frequency, newest first."""
    return DutyRule.objects.select_related("set_by").order_by("-set_at", "-id")


# --- one source ---------------------------------------------------------------------------------


def holders(source: MajorHazardSource) -> dict[str, SourceDuty | None]:
    """Who holds each role now (None: nobody named)."""
    current = {
        duty.role: duty for duty in source.duties.filter(until__isnull=True).select_related("user")
    }
    return {role: current.get(role) for role in ROLES}


@dataclass(frozen=True)
class RoleStanding:
    """A role on the source's page: its holder, frequency, last check and this period."""

    role: str
    label: str
    holder: SourceDuty | None
    rule: periods.Rule
    last_check: DutyCheck | None
    standing: periods.Standing


def source_standing(source: MajorHazardSource, *, today: date) -> list[RoleStanding]:
    rules = rules_in_force()
    current = holders(source)
    firsts = dict(
        source.duties.values("role").annotate(first=Min("since")).values_list("role", "first")
    )
    days: dict[str, list[date]] = {role: [] for role in ROLES}
    # This period and the one before: at most two quarters back.
    recent = source.checks.filter(checked_on__gte=today - timedelta(days=LOOK_BACK_DAYS))
    for role, day in recent.values_list("role", "checked_on"):
        days[role].append(day)
    latest = source.checks.select_related("duty", "recorded_by").order_by("-checked_on", "-id")
    last = {role: latest.filter(role=role).first() for role in ROLES}
    shown = []
    for role, label in DutyRole.choices:
        start = periods.owed_from(source.identified_on, firsts.get(role))
        shown.append(
            RoleStanding(
                role,
                str(label),
                current[role],
                rules[role],
                last.get(role),
                periods.standing(rules[role], owed_from=start, checks=days[role], today=today),
            )
        )
    return shown


# --- 包保检查完成率 -----------------------------------------------------------------------------

ALL, OWED, COMPLETE, SHORT, NO_HOLDER = "", "owed", "complete", "short", "no_holder"
STATUSES = {
    ALL: gettext_lazy("纳入统计的重大危险源"),
    OWED: gettext_lazy("有应检查周期的重大危险源"),
    COMPLETE: gettext_lazy("检查全部完成的重大危险源"),
    SHORT: gettext_lazy("检查不足的重大危险源"),
    NO_HOLDER: gettext_lazy("未明确包保责任人的重大危险源"),
}


@dataclass(frozen=True)
class Where:
    """What the figure counts: the range (a quarter, or the year for 0) and the filters."""

    year: int
    quarter: int
    street: str = ""
    grade: str = ""
    enterprise: int | None = None
    role: str = ""
    q: str = ""

    @property
    def first(self) -> date:
        return periods.quarter_range(self.year, self.quarter)[0]

    @property
    def last(self) -> date:
        return periods.quarter_range(self.year, self.quarter)[1]

    @property
    def label(self) -> str:
        return periods.range_label(self.year, self.quarter)

    @property
    def roles(self) -> tuple[str, ...]:
        return (self.role,) if self.role else ROLES

    def query(self, **extra) -> dict:
        """The query string that asks for this again (``extra`` added or replacing)."""
        values = {
            "year": self.year,
            "quarter": self.quarter,
            "street": self.street,
            "grade": self.grade,
            "enterprise": self.enterprise or "",
            "role": self.role,
            "q": self.q,
            **extra,
        }
        return {key: value for key, value in values.items() if value not in ("", None)}


@dataclass
class SourceRow:
    """One source in the figure: its holders now and, per counted role, its periods."""

    source: MajorHazardSource
    holders: dict[str, SourceDuty | None]
    results: dict[str, periods.RoleResult]
    roles: tuple[str, ...]
    street: str = ""

    @property
    def required(self) -> int:
        return sum(result.required for result in self.results.values())

    @property
    def done(self) -> int:
        return sum(result.done for result in self.results.values())

    @property
    def missing_holders(self) -> list[str]:
        return [role for role in self.roles if self.holders.get(role) is None]

    def has(self, status: str) -> bool:
        if status == OWED:
            return self.required > 0
        if status == COMPLETE:
            return self.required > 0 and self.done == self.required
        if status == SHORT:
            return self.done < self.required
        if status == NO_HOLDER:
            return bool(self.missing_holders)
        return True

    def missing(self) -> list[str]:
        """What is missing, one line per role, in words."""
        labels = dict(DutyRole.choices)
        lines = [
            _("%(role)s：未明确包保责任人") % {"role": labels[role]}
            for role in self.missing_holders
        ]
        for role, result in self.results.items():
            if result.short:
                shown = "、".join(item.period.label for item in result.short[:3])
                more = len(result.short) - 3
                lines.append(
                    _(
                        "%(role)s：应检查%(n)d期，完成%(done)d期（%(rule)s；未完成：%(which)s%(more)s）"
                    )
                    % {
                        "role": labels[role],
                        "n": result.required,
                        "done": result.done,
                        "rule": result.rule.words,
                        "which": shown,
                        "more": _("等%(m)d期") % {"m": len(result.short)} if more > 0 else "",
                    }
                )
        return lines


def _rate(done: int, required: int) -> float | None:
    return round(done * 100 / required, 1) if required else None


@dataclass
class Tally:
    """A group of source rows (the whole figure, a street, a grade …) added up."""

    key: str
    label: str
    sources: int = 0
    required: int = 0
    done: int = 0
    owed: int = 0
    complete: int = 0
    short: int = 0
    no_holder: int = 0

    def add(self, row: SourceRow) -> None:
        self.sources += 1
        self.required += row.required
        self.done += row.done
        self.owed += row.has(OWED)
        self.complete += row.has(COMPLETE)
        self.short += row.has(SHORT)
        self.no_holder += row.has(NO_HOLDER)

    @property
    def rate(self) -> float | None:
        """包保检查完成率 in per cent, one decimal (None: nothing owed)."""
        return _rate(self.done, self.required)


@dataclass
class Completion:
    where: Where
    today: date
    rules: dict[str, periods.Rule]
    rows: list[SourceRow]
    total: Tally
    by_region: list[Tally] = field(default_factory=list)
    by_grade: list[Tally] = field(default_factory=list)
    by_enterprise: list[Tally] = field(default_factory=list)
    by_role: list[Tally] = field(default_factory=list)
    region_level: str = RegionLevel.STREET

    def listed(self, status: str) -> list[SourceRow]:
        """The sources a figure of ``status`` counts (the drill-down list)."""
        return [row for row in self.rows if row.has(status)]


def counted_sources(user, where: Where) -> QuerySet[MajorHazardSource]:
    """The current sources in scope that the figure takes, in the list's order."""
    found = sources(user).current().select_related("enterprise", "unit")
    if where.street:
        found = found.filter(scope_region_code__startswith=where.street)
    if where.grade:
        found = found.filter(grade=where.grade)
    if where.enterprise:
        found = found.filter(enterprise_id=where.enterprise)
    if where.q:
        text = where.q
        found = found.filter(
            Q(number__icontains=text)
            | Q(unit__name__icontains=text)
            | Q(enterprise__name__icontains=text)
        )
    return found.order_by("grade", "number")


def region_level(user, where: Where) -> str:
    """Rows by street for a district (or narrower) scope or street filter, by district above."""
    scope = user.scope
    if where.street and is_at_or_below(where.street, RegionLevel.DISTRICT):
        return RegionLevel.STREET
    if scope.everything or not is_at_or_below(scope.region_prefix or "", RegionLevel.DISTRICT):
        return RegionLevel.DISTRICT
    return RegionLevel.STREET


def completion(user, where: Where, *, today: date) -> Completion:
    """包保检查完成率 of the sources ``user`` sees under ``where``, as of ``today``."""
    rules = rules_in_force()
    found = list(counted_sources(user, where))
    ids = [source.pk for source in found]
    terms: dict[int, list[SourceDuty]] = {pk: [] for pk in ids}
    for duty in SourceDuty.objects.filter(source_id__in=ids).order_by("since", "id"):
        terms[duty.source_id].append(duty)
    days: dict[tuple[int, str], list[date]] = {}
    made = DutyCheck.objects.filter(
        source_id__in=ids, checked_on__gte=where.first, checked_on__lte=min(today, _after(where))
    )
    for source_id, role, day in made.values_list("source_id", "role", "checked_on"):
        days.setdefault((source_id, role), []).append(day)
    rows = []
    for source in found:
        current: dict[str, SourceDuty | None] = dict.fromkeys(ROLES)
        firsts: dict[str, date] = {}
        for duty in terms[source.pk]:
            firsts.setdefault(duty.role, duty.since)
            if duty.until is None:
                current[duty.role] = duty
        results = {}
        for role in where.roles:
            rule = rules[role]
            if rule.counted:
                results[role] = periods.assess(
                    rule,
                    owed_from=periods.owed_from(source.identified_on, firsts.get(role)),
                    checks=days.get((source.pk, role), ()),
                    first=where.first,
                    last=where.last,
                    today=today,
                )
        rows.append(SourceRow(source, current, results, where.roles))
    return _tallied(user, where, today, rules, rows)


def _after(where: Where) -> date:
    """The last day a check can count for the range: a week that starts on its last day
    ends six days later (months and quarters of the range end inside it)."""
    return where.last + timedelta(days=6)


def _tallied(user, where: Where, today: date, rules, rows: list[SourceRow]) -> Completion:
    level = region_level(user, where)
    cut = street_of if level == RegionLevel.STREET else district_of
    total = Tally("", _("合计"))
    regions: dict[str, Tally] = {}
    grades = {value: Tally(value, str(label)) for value, label in Grade.choices}
    enterprises: dict[int, Tally] = {}
    role_tallies = {role: Tally(role, str(label)) for role, label in DutyRole.choices}
    for row in rows:
        source = row.source
        row.street = cut(source.scope_region_code)
        total.add(row)
        regions.setdefault(row.street, Tally(row.street, row.street)).add(row)
        grades[source.grade].add(row)
        enterprises.setdefault(
            source.enterprise_id, Tally(str(source.enterprise_id), source.enterprise.name)
        ).add(row)
        for role in row.roles:
            only = {role: row.results[role]} if role in row.results else {}
            role_tallies[role].add(SourceRow(source, row.holders, only, (role,)))
    names = dict(Region.objects.filter(code__in=regions).values_list("code", "name"))
    for tally in regions.values():
        tally.label = names.get(tally.key, tally.key)
    return Completion(
        where=where,
        today=today,
        rules=rules,
        rows=rows,
        total=total,
        by_region=sorted(regions.values(), key=lambda t: t.key),
        by_grade=[tally for tally in grades.values() if tally.sources],
        by_enterprise=sorted(enterprises.values(), key=lambda t: (-t.sources, t.label)),
        by_role=[role_tallies[role] for role in where.roles],
        region_level=level,
    )
