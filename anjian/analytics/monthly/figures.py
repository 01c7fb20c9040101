"""The shape of a 区情月报's figures: plain dataclasses, no database (``data.gather`` fills
them; ``wording``, ``charts``, ``docx`` and ``xlsx`` read them; ``as_json`` is what the
report row keeps). "month" is the report's month; "year" is January … the month."""

from dataclasses import asdict, dataclass
from datetime import date, datetime


@dataclass
class Tally:
    accidents: int = 0
    deaths: int = 0


@dataclass
class AccidentLine:
    """One breakdown line: the month and January … the month."""

    key: str
    label: str
    month: Tally
    year: Tally


@dataclass
class AccidentRecord:
    number: str
    occurred_at: datetime
    area: str
    unit_name: str
    category: str
    grade: str
    deaths: int
    missing: int
    serious_injuries: int
    direct_loss: int


@dataclass
class AccidentFigures:
    month: Tally
    month_last_year: Tally
    year: Tally
    year_last_year: Tally
    pending_missing: int  # missing persons of the month's records still within their window
    by_grade: list[AccidentLine]
    by_category: list[AccidentLine]  # categories with an accident this year
    by_area: list[AccidentLine]  # streets (districts) with an accident this year
    by_month: list[tuple[int, Tally, Tally]]  # (month, this year, last year)
    records: list[AccidentRecord]
    records_total: int
    by_state: dict[str, int]  # this year's records by state (调查处理进展)


@dataclass
class IndicatorLine:
    key: str
    label: str
    unit: str
    value: object  # int, Decimal, or None with ``reason``
    reason: str
    previous: object
    change: object
    change_percent: object
    target: str  # "≤ 0.01", "比2020年下降 15%", "" without one
    plan: str
    met: bool | None
    verdict_reason: str
    is_rate: bool
    trend: list[tuple[int, object]]


@dataclass
class IndicatorFigures:
    year: int
    through_month: int
    denominator_missing: bool
    lines: list[IndicatorLine]


@dataclass
class HazardArea:
    key: str
    label: str
    found: int
    closed: int
    open: int
    overdue: int
    overdue_major: int


@dataclass
class HazardFigures:
    # found in the month (their state now)
    found: int
    registered: int
    closed: int
    major: int
    major_closed: int
    rectification_rate: float | None
    found_last_year: int
    closed_last_year: int
    # found January … the month
    year_found: int
    year_closed: int
    year_major: int
    year_major_closed: int
    year_rectification_rate: float | None
    # now, whenever found
    open_now: int
    major_open_now: int
    overdue: int
    overdue_major: int
    due_soon: int
    by_area: list[HazardArea]
    by_month: list[tuple[int, int, int]]  # (month, found, closed)


@dataclass
class EnforcementLine:
    key: str
    label: str
    planned: int
    inspected: int
    done: int
    inspection_rate: float | None
    findings: int
    rectified: int
    rectification_rate: float | None
    violating: int
    punished: int
    penalty_rate: float | None
    cases: int
    fines: int
    unannounced: int


@dataclass
class EnforcementFigures:
    month: EnforcementLine
    year: EnforcementLine
    by_area: list[EnforcementLine]  # the month
    by_month: list[tuple[int, int, float | None]]  # (month, inspected, cumulative rate)
    year_planned: int
    cumulative: int
    plan_rate: float | None  # 年度计划完成率: inspected January … the month ÷ the year's


@dataclass
class AlarmFigures:
    raised: int
    first_grade: int
    second_grade: int
    disposed: int
    open: int
    unacknowledged: int
    false_alarms: int
    disposal_rate: float | None
    false_alarm_rate: float | None
    devices: int
    online: int
    online_rate: float | None
    # 重大危险源在线监测率 (hazchem.selectors_coverage): sources that must be monitored
    # online, those whose every required metric reports in time, and why the rest do not.
    sources_monitored: int
    sources_covered: int
    sources_no_device: int
    sources_missing: int
    sources_offline: int
    coverage_rate: float | None


@dataclass
class ListingLine:
    number: str
    title: str
    unit: str
    authority: str
    document_number: str
    listed_on: date
    deadline: date
    overdue: bool


@dataclass
class TaskFigures:
    plan_rate: float | None
    schedule_rate: float  # the share of the year gone by the month's end
    year_planned: int
    cumulative: int
    listed: int
    listings_overdue: int
    listings: list[ListingLine]
    accidents_by_state: dict[str, int]


@dataclass
class MonthlyFigures:
    region_code: str
    region_name: str
    year: int
    month: int
    as_of: datetime
    synthetic: bool
    area_label: str  # 街镇 or 区
    accidents: AccidentFigures
    indicators: IndicatorFigures
    hazards: HazardFigures
    enforcement: EnforcementFigures
    alarms: AlarmFigures
    tasks: TaskFigures

    def as_json(self) -> dict:
        """Plain JSON types (dates and Decimals as strings by the field's encoder)."""
        return asdict(self)
