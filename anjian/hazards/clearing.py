"""The dynamic-clearing figures (动态清零): filters, the figures of one scope, their
breakdowns and 同比/环比 — read from the summaries the services keep (``tally``), in one
statement per page (``summaries``). Reached through ``selectors``."""

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from django.db.models import Count, F, Q, Sum, Value
from django.utils import timezone

from anjian.core.scoping import scope_of, scope_q
from anjian.hazards import summaries, tally
from anjian.hazards.choices import DEADLINE_STATES, Source
from anjian.hazards.filters import DUE_SOON_DAYS, owner_q
from anjian.hazards.models import (
    COUNTERS,
    DISTRICT_TALLY_SCOPE_PATHS,
    TALLY_SCOPE_PATHS,
    Hazard,
    HazardDistrictOpenTally,
    HazardDistrictTally,
    HazardOpenTally,
    HazardTally,
)
from anjian.regions.choices import RegionLevel
from anjian.regions.levels import code_at_sql, code_length, district_of, is_at_or_below
from anjian.regions.models import Industry, Region


@dataclass(frozen=True)
class FigureFilters:
    """What a figures request narrows to: a region code prefix, an industry, found months."""

    region: str = ""
    industry_id: int | None = None
    enterprise_id: int | None = None
    owner: str = ""  # "enterprise" or "place": 按责任主体 (filters.owner_q)
    month_from: date | None = None
    month_to: date | None = None

    def query(self) -> dict:
        """The ledger filters (HazardFilterSet parameters) that show the records behind."""
        params = {}
        if self.region:
            params["street" if is_at_or_below(self.region, RegionLevel.STREET) else "district"] = (
                self.region
            )
        if self.industry_id:
            params["industry"] = Industry.objects.get(pk=self.industry_id).code
        if self.enterprise_id:
            params["enterprise"] = self.enterprise_id
        if self.owner:
            params["owner"] = self.owner
        if self.month_from:
            params["month_from"] = self.month_from.strftime("%Y-%m")
        if self.month_to:
            params["month_to"] = self.month_to.strftime("%Y-%m")
        return params


@dataclass
class Figures:
    key: str = ""
    label: str = ""
    url: str = ""
    counters: dict = field(default_factory=dict)
    overdue: int = 0
    overdue_major: int = 0
    due_soon: int = 0

    def __getattr__(self, name):
        counters = self.__dict__.get("counters", {})
        if name in counters:
            return counters[name] or 0
        raise AttributeError(name)

    @property
    def open(self) -> int:
        """Open now, whenever found (a current figure; per month: found then, open now)."""
        return self.open_now

    @property
    def unregistered(self) -> int:
        return self.found - self.registered

    @property
    def major_open(self) -> int:
        return self.major_open_now

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    @property
    def registered_rate(self):
        return self._rate(self.registered, self.found)

    @property
    def rectification_rate(self):
        return self._rate(self.closed, self.found)

    @property
    def on_time_rate(self):
        return self._rate(self.closed_on_time, self.closed)

    @property
    def average_days(self):
        return round(self.close_days / self.closed, 1) if self.closed else None

    @property
    def by_source(self) -> list[tuple[str, str, int, int]]:
        return [
            (
                s.value,
                str(s.label),
                self.counters.get(f"found_{s.value}") or 0,
                self.counters.get(f"closed_{s.value}") or 0,
            )
            for s in Source
        ]


GROUPINGS = ("district", "street", "industry", "month")


# Current figures (未销号, 现存重大): open now, whatever the period says.
CURRENT = summaries.CURRENT
# What the 按区域/按行业 tables and their export show of a period (with the deadline counts
# and the current figures): the fewer sums, the faster a city's breakdown.
BREAKDOWN_COUNTERS = ("found", "voided", "closed")
# The counters 同比/环比 set beside the period's (``figures_page.COMPARED``).
COMPARED_COUNTERS = ("found", "major", "registered", "closed", "closed_on_time", "close_days")


def _ledger_rows(user, filters: FigureFilters, group: str | None):
    """An enterprise's counter sums, from the ledger itself (a few hundred rows; the
    summaries have no enterprise column). The period narrows the counters (发现, 销号 …) but
    not the current figures (``CURRENT``); a breakdown by month keeps to the period's
    months."""
    rows = _ledger(user, filters)
    period = Q()
    if filters.month_from:
        period &= Q(found_month__gte=filters.month_from)
    if filters.month_to:
        period &= Q(found_month__lte=filters.month_to)
    if group == "month":
        rows, period = rows.filter(period), Q()
    sums = {**tally.aggregates(period), **tally.open_now_aggregates()}
    if group is None:
        return [rows.aggregate(**sums)]
    key = _group_expression(group, "found_month")
    return list(rows.annotate(key=key).values("key").annotate(**sums))


def _summary_rows(
    user, filters: FigureFilters, district_level: bool, *, open_deadlines: bool = False
):
    """The summary rows under the user's scope and the region, industry and owner filters:
    the counters (``HazardTally``) or the open deadlines (``HazardOpenTally``), at street
    level or rolled up to the district."""
    if district_level:
        model = HazardDistrictOpenTally if open_deadlines else HazardDistrictTally
        rows = model.objects.filter(scope_q(scope_of(user), DISTRICT_TALLY_SCOPE_PATHS))
    else:
        model = HazardOpenTally if open_deadlines else HazardTally
        rows = model.objects.filter(scope_q(scope_of(user), TALLY_SCOPE_PATHS))
    return _narrowed(rows, filters, _region_column(rows))


def _ledger(user, filters: FigureFilters):
    """An enterprise's hazards (the summaries have no enterprise column) under the filters."""
    rows = Hazard.objects.for_user(user)
    if filters.enterprise_id:
        rows = rows.filter(enterprise_id=filters.enterprise_id)
    return _narrowed(rows, filters, "scope_region_code")


def _narrowed(rows, filters: FigureFilters, region_column: str):
    """``rows`` under the region, industry and owner filters, unordered."""
    if filters.region:
        rows = rows.filter(**{f"{region_column}__startswith": filters.region})
    if filters.industry_id:
        rows = rows.filter(industry_id=filters.industry_id)
    if filters.owner:
        rows = rows.filter(owner_q(filters.owner))
    return rows.order_by()


def _region_column(rows) -> str:
    rolled_up = rows.model in (HazardDistrictTally, HazardDistrictOpenTally)
    return "district_code" if rolled_up else "scope_region_code"


def _summary_key(group: str, rows) -> tuple[str, ...]:
    """``summaries.Branch.key`` of a grouping over ``rows``."""
    if group in ("district", "street"):
        level = RegionLevel.DISTRICT if group == "district" else RegionLevel.STREET
        return (f"region:{_region_column(rows)}:{code_length(level)}",)
    return ({"industry": "industry_id", "month": "month"}[group],)


def _group_expression(group: str, month: str, region: str = "scope_region_code"):
    if group == "district":
        return code_at_sql(region, RegionLevel.DISTRICT)
    if group == "street":
        return code_at_sql(region, RegionLevel.STREET)
    if group == "industry":
        return F("industry_id")
    if group == "month":
        return F(month)
    raise ValueError(group)


DEADLINE_COUNTS = summaries.DEADLINE_COUNTS


def _reads_district_rollup(user, filters: FigureFilters, group: str | None) -> bool:
    """City and district figures that are not broken down by street read the district
    roll-ups (a few thousand rows); the rest read the street-level summaries."""
    scope = scope_of(user)
    return (
        scope.enterprise_id is None
        and not filters.enterprise_id
        and (scope.everything or not is_at_or_below(scope.region_prefix or "", RegionLevel.STREET))
        and not is_at_or_below(filters.region, RegionLevel.STREET)
        and group != "street"
    )


def _deadline_rows(user, filters: FigureFilters, district_level: bool, today: date) -> list[dict]:
    """Overdue and due-soon counts per (street, industry): summed from the open-deadline
    summaries (``HazardOpenTally`` or its district roll-up) — rows by deadline, so the
    counts are exact today and tomorrow — or, for an enterprise, from the open hazards
    themselves. They are *current* figures — every open hazard past its deadline now,
    whenever it was found — so the period does not apply (the figures page says so).
    ``street_code`` is the street code (the district code for district-level rows)."""
    soon = today + timedelta(days=DUE_SOON_DAYS)
    if scope_of(user).enterprise_id is not None or filters.enterprise_id:
        rows = _ledger(user, filters).filter(state__in=DEADLINE_STATES)
        region, one = "scope_region_code", Value(1)
        counts = {
            "overdue": Count(one, filter=Q(deadline__lt=today)),
            "overdue_major": Count(one, filter=Q(deadline__lt=today, grade="major")),
            "due_soon": Count(one, filter=Q(deadline__gte=today, deadline__lte=soon)),
        }
    else:
        rows = _summary_rows(user, filters, district_level, open_deadlines=True)
        region = _region_column(rows)
        counts = {
            "overdue": Sum("open", filter=Q(deadline__lt=today), default=0),
            "overdue_major": Sum("open", filter=Q(deadline__lt=today, major=True), default=0),
            "due_soon": Sum("open", filter=Q(deadline__gte=today), default=0),
        }
    return list(
        rows.filter(deadline__lte=soon)
        .annotate(street_code=code_at_sql(region, RegionLevel.STREET))
        .values("street_code", "industry_id")
        .annotate(**counts)
    )


def _length(start: date, end: date) -> int:
    """How many months from ``start`` to ``end``, both included."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _shift(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Comparison:
    """The figures of an earlier window of months, to set beside the period's."""

    month_from: date
    month_to: date
    figures: "Figures"


class ClearingReport:
    """The figures of one scope and filter, and their breakdowns, sharing one scan of the
    open hazards for the time-dependent counts."""

    def __init__(
        self,
        user,
        filters: FigureFilters | None = None,
        today: date | None = None,
        breakdowns: tuple[str, ...] = (),
    ):
        """``breakdowns``: the groupings the caller will ask for, read in the same
        statement as the months (any other is read on its own when asked)."""
        self.user = user
        self.filters = filters or FigureFilters()
        self.today = today or timezone.localdate()
        self.breakdowns = breakdowns
        self._deadlines: dict[bool, list[dict]] = {}
        self._month_rows: list[dict] | None = None
        self._summaries: dict[str, list[dict]] | None = None
        scope = scope_of(user)
        self._ledger = scope.enterprise_id is not None or bool(self.filters.enterprise_id)

    def _district_level(self, group: str | None) -> bool:
        return _reads_district_rollup(self.user, self.filters, group)

    def _deadline_sums(self, key_of, group: str | None = None) -> dict:
        district_level = self._district_level(group)
        if not self._ledger and (district_level or not self._read_district_level()):
            # What the one statement read serves: its rows are at the level asked for,
            # or at street level, which sums to every coarser key alike.
            rows = self._read()["deadlines"]
        else:
            if district_level and False in self._deadlines:
                district_level = False  # the street-level rows, read already, sum the same
            if district_level not in self._deadlines:
                self._deadlines[district_level] = _deadline_rows(
                    self.user, self.filters, district_level, self.today
                )
            rows = self._deadlines[district_level]
        sums: dict = {}
        for row in rows:
            target = sums.setdefault(key_of(row), dict.fromkeys(DEADLINE_COUNTS, 0))
            for name in DEADLINE_COUNTS:
                target[name] += row[name] or 0
        return sums

    def _read_district_level(self) -> bool:
        """Whether the one statement reads the district roll-ups: unless a declared
        breakdown (by street) or the scope needs the street-level rows."""
        return all(self._district_level(group) for group in (None, *self.breakdowns))

    def _read(self) -> dict[str, list[dict]]:
        """The summaries the report shows, in one statement (``summaries.read``): the
        period's months (every counter), the months before it that 同比/环比 compare
        (``COMPARED_COUNTERS``), what is open now, the deadline counts by (street,
        industry), and each declared breakdown — its period counters
        (``BREAKDOWN_COUNTERS``) and its current figures."""
        if self._summaries is not None:
            return self._summaries
        start, end = self.filters.month_from, self.filters.month_to
        months = _summary_rows(self.user, self.filters, self._district_level(None))
        Branch = summaries.Branch
        by_month = ("month",)
        deadline_rows = _summary_rows(
            self.user, self.filters, self._read_district_level(), open_deadlines=True
        )
        by_street = (
            f"region:{_region_column(deadline_rows)}:{code_length(RegionLevel.STREET)}",
            "industry_id",
        )
        soon = self.today + timedelta(days=DUE_SOON_DAYS)
        branches = [
            Branch("month", months, by_month, summaries.TALLY_COLUMNS, start, end),
            Branch("now", months, (), CURRENT),
            Branch(
                "deadlines", deadline_rows, by_street, DEADLINE_COUNTS, today=self.today, soon=soon
            ),
        ]
        if start is not None and end is not None:
            earliest = min(_shift(start, -12), _shift(start, -_length(start, end)))
            before = _shift(start, -1)
            branches.append(
                Branch("month_before", months, by_month, COMPARED_COUNTERS, earliest, before)
            )
        for group in self.breakdowns:
            branches += self._breakdown_branches(group)
        self._summaries = summaries.read(branches)
        for row in self._summaries["deadlines"]:
            row["street_code"], industry_id = row["key"].split("|")
            row["industry_id"] = int(industry_id)
        return self._summaries

    def _breakdown_branches(self, group: str) -> list:
        rows = _summary_rows(self.user, self.filters, self._district_level(group))
        key = _summary_key(group, rows)
        start, end = self.filters.month_from, self.filters.month_to
        if start is None and end is None:
            return [summaries.Branch(group, rows, key, (*BREAKDOWN_COUNTERS, *CURRENT))]
        return [
            summaries.Branch(group, rows, key, BREAKDOWN_COUNTERS, start, end),
            summaries.Branch(f"{group}_now", rows, key, CURRENT),
        ]

    def _months(self) -> list[dict]:
        """The counters per month found under the region and industry filters (every month
        for an enterprise; else the period's, and before them the compared counters of the
        months 同比/环比 set beside it): the period's figures, the trend and 同比/环比 are
        sums of these rows."""
        if self._month_rows is None:
            if self._ledger:
                every_month = replace(self.filters, month_from=None, month_to=None)
                self._month_rows = _ledger_rows(self.user, every_month, "month")
            else:
                read = self._read()
                self._month_rows = [
                    {**row, "key": date.fromisoformat(row["key"][:10])}
                    for row in (*read.get("month_before", ()), *read["month"])
                ]
        return self._month_rows

    def _current(self) -> dict:
        """未销号 and 现存重大 now, whenever found."""
        rows = self._months() if self._ledger else self._read()["now"]
        return {name: sum(row.get(name) or 0 for row in rows) for name in CURRENT}

    def _grouped(self, group: str) -> list[dict]:
        """A breakdown's rows: from the one statement when declared, else read alone."""
        if self._ledger:
            return _ledger_rows(self.user, self.filters, group)
        if group in self.breakdowns:
            read = self._read()
        else:
            read = summaries.read(self._breakdown_branches(group))
        # A group whose hazards are all closed has no row among what is open now.
        nothing_open = dict.fromkeys(CURRENT, 0)
        rows = {row["key"]: {**nothing_open, **row} for row in read[group]}
        for current in read.get(f"{group}_now", ()):
            nothing_found = dict.fromkeys(BREAKDOWN_COUNTERS, 0)
            row = rows.setdefault(current["key"], {"key": current["key"], **nothing_found})
            row.update({name: current[name] for name in CURRENT})
        return list(rows.values())

    def _within(self, month_from: date | None, month_to: date | None) -> list[dict]:
        return [
            row
            for row in self._months()
            if (month_from is None or row["key"] >= month_from)
            and (month_to is None or row["key"] <= month_to)
        ]

    def _counters(self, month_from: date | None, month_to: date | None) -> dict:
        totals = dict.fromkeys(COUNTERS, 0)
        for row in self._within(month_from, month_to):
            for name in COUNTERS:
                totals[name] += row.get(name) or 0
        return totals

    def figures(self) -> Figures:
        counters = self._counters(self.filters.month_from, self.filters.month_to)
        counters.update(self._current())
        deadlines = self._deadline_sums(lambda row: None).get(None, {})
        return Figures(
            counters=counters,
            **{name: deadlines.get(name, 0) for name in DEADLINE_COUNTS},
        )

    def compared(self) -> dict[str, "Comparison"]:
        """The period's figures beside the same months a year before (同比) and the months
        just before (环比), for a period with both ends; none for 全部."""
        start, end = self.filters.month_from, self.filters.month_to
        if start is None or end is None:
            return {}
        length = _length(start, end)
        windows = {
            "last_year": (_shift(start, -12), _shift(end, -12)),
            "previous": (_shift(start, -length), _shift(end, -length)),
        }
        return {
            name: Comparison(
                month_from=window[0],
                month_to=window[1],
                figures=Figures(counters=self._counters(*window)),
            )
            for name, window in windows.items()
        }

    def breakdown(self, group: str, names: dict | None = None) -> list[Figures]:
        """The figures per district, street, industry or month found, largest first.
        ``names`` (region code or industry id → name) spares reading the labels. A row by
        district, street or industry carries ``BREAKDOWN_COUNTERS``, the current figures
        and the deadline counts (reading another counter raises AttributeError; an
        enterprise's rows carry every counter); a row by month carries every counter."""
        if group not in GROUPINGS:
            raise ValueError(group)
        # Overdue is a current figure: by place and industry, not by the month found.
        key_of = {
            "district": lambda row: district_of(row["street_code"]),
            "street": lambda row: row["street_code"],
            "industry": lambda row: str(row["industry_id"]),
        }.get(group)
        deadlines = self._deadline_sums(key_of, group) if key_of else {}
        if group == "month":
            rows = self._within(self.filters.month_from, self.filters.month_to)
        else:
            rows = self._grouped(group)
        result = []
        for row in rows:
            key = str(row["key"])
            extra = deadlines.get(key, {})
            result.append(
                Figures(
                    key=key,
                    counters={c: row[c] or 0 for c in (*COUNTERS, *CURRENT) if c in row},
                    **{name: extra.get(name, 0) for name in DEADLINE_COUNTS},
                )
            )
        _label(result, group, names or {})
        if group == "month":
            result.sort(key=lambda f: f.key)
        else:
            result.sort(key=lambda f: (-f.found, f.key))
        return [f for f in result if f.found or f.voided or f.open]


def clearing_figures(user, filters: FigureFilters | None = None) -> Figures:
    return ClearingReport(user, filters).figures()


def clearing_breakdown(user, group: str, filters: FigureFilters | None = None) -> list[Figures]:
    return ClearingReport(user, filters).breakdown(group)


def _label(rows: list[Figures], group: str, known: dict) -> None:
    if group == "month":
        for row in rows:
            row.label = row.key[:7]
        return
    missing = [row.key for row in rows if row.key not in known]
    names = dict(known)
    if missing and group in ("district", "street"):
        names |= dict(Region.objects.filter(code__in=missing).values_list("code", "name"))
    elif missing and group == "industry":
        names |= {str(pk): name for pk, name in Industry.objects.values_list("id", "name")}
    for row in rows:
        row.label = names.get(row.key, row.key)
