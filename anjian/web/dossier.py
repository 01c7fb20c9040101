"""一企一档: what every app holds about one enterprise, for its page (issue 11, item 18).

The enterprise page (``enterprises/detail.html``) shows, below its registry data, one
section per kind of record — risk points, hazards, self-checks, devices and alarms, duty
persons, documents. The enterprises app cannot import the apps above it, so the page loads
them through ``{% enterprise_dossier user enterprise as dossier %}``
(``web/templatetags/dossier.py``) and this module — the web layer gathers, like the home
page's 待办 panel (``todo.py``).

Rules every section keeps:

- **Only for who may see that kind of record**: a section is ``None`` unless
  ``user.can(...)`` the app's view action (its ``permissions`` module).
- **Through the app's selectors**, which start from the user's scope.
- **Every count is a link to a list that shows exactly those records**: a count is the
  list selector's own filter over the link's own query (``_count``), so the two cannot
  drift; ``web/tests/test_dossier.py`` follows each link and compares.
- **A fixed number of SQL statements** whatever the number of records (counts are
  aggregates; lists are the latest few).
"""

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.hazards import permissions as hazard_perms
from anjian.hazards import selectors as hazard_selectors
from anjian.hazards.choices import BADGE_COLOURS, OPEN_STATES, ListingState
from anjian.hazards.models import SupervisionListing
from anjian.hazards.selfcheck import selectors as selfcheck_selectors
from anjian.monitoring import permissions as monitoring_perms
from anjian.monitoring import selectors as monitoring_selectors
from anjian.monitoring.choices import DeviceState
from anjian.monitoring.filters import NOT_ONLINE
from anjian.risks import permissions as risk_perms
from anjian.risks import selectors as risk_selectors
from anjian.risks.choices import Level
from anjian.risks.filters import UNASSESSED

LATEST = 5  # the latest records a section lists


@dataclass(frozen=True)
class Figure:
    """A count and the list that shows exactly those records."""

    key: str  # data-dossier="<section>-<key>" on the page
    label: str
    count: int
    url: str
    colour: str = ""  # a Tabler colour name (red, orange …) for the number, or none


def _url(name: str, **params) -> str:
    return f"{reverse(name)}?{urlencode(params)}"


# --- 安全风险 -------------------------------------------------------------------------------


@dataclass
class RiskSection:
    total: Figure
    levels: list[Figure]
    unassessed: Figure


def risk_section(user, enterprise) -> RiskSection | None:
    """The enterprise's risk points in use, by colour (red, orange, yellow, blue) and not yet
    assessed; each number opens the risk point list filtered to it."""
    if not user.can(risk_perms.RISK_VIEW):
        return None
    base = {"enterprise": str(enterprise.pk)}
    points = risk_selectors.risk_point_filter(user, base).qs.order_by()
    counts = points.aggregate(
        total=Count("id"),
        none=Count("id", filter=Q(current_rank=0)),
        **{level: Count("id", filter=Q(current_level=level)) for level in Level.values},
    )
    name = "risks:risk_point_list"
    return RiskSection(
        total=Figure("total", _("在用风险点"), counts["total"], _url(name, **base)),
        levels=[
            Figure(
                level.value,
                str(level.label),
                counts[level.value],
                _url(name, **base, level=level.value),
                colour=level.value,
            )
            for level in Level
        ],
        unassessed=Figure(
            UNASSESSED, _("未评估"), counts["none"], _url(name, **base, level=UNASSESSED)
        ),
    )


# --- 隐患排查治理 ---------------------------------------------------------------------------


@dataclass
class HazardRow:
    hazard: object
    state_colour: str
    grade_colour: str
    overdue: bool


@dataclass
class HazardSection:
    figures: list[Figure]
    latest: list[HazardRow]
    listed: Figure  # hazards under 挂牌督办 now (their documents: the documents section)
    report_url: str  # "" unless the user may record a hazard here


# (key, label, the ledger's filter, colour when not zero)
HAZARD_FIGURES = [
    ("open", gettext_lazy("未销号"), {"progress": "open"}, ""),
    ("overdue", gettext_lazy("逾期"), {"progress": "overdue"}, "red"),
    ("major_open", gettext_lazy("现存重大"), {"grade": "major", "progress": "open"}, "red"),
    ("all", gettext_lazy("全部隐患"), {}, ""),
]


def _hazard_count(user, params: dict) -> int:
    return hazard_selectors.hazard_filter(user, params).qs.order_by().count()


def hazard_section(user, enterprise) -> HazardSection | None:
    """未销号, 逾期 and 现存重大 (current figures, whatever the period) and all hazards, each
    the ledger filtered to the enterprise; the latest few, open ones first."""
    if not user.can(hazard_perms.HAZARD_VIEW):
        return None
    base = {"enterprise": str(enterprise.pk)}
    name = "hazards:hazard_list"
    figures = []
    for key, label, params, colour in HAZARD_FIGURES:
        count = _hazard_count(user, {**base, **params})
        figures.append(
            Figure(key, str(label), count, _url(name, **base, **params), colour if count else "")
        )
    listed = {**base, "progress": "listed"}
    today = timezone.localdate()
    latest = (
        hazard_selectors.hazard_filter(user, base)
        .qs.annotate(
            closed=Case(
                When(state__in=OPEN_STATES, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("closed", "-found_at", "-id")[:LATEST]
    )
    may_report = user.can(hazard_perms.HAZARD_REPORT)
    return HazardSection(
        figures=figures,
        latest=[
            HazardRow(
                hazard=hazard,
                state_colour=BADGE_COLOURS.get(hazard.state, "secondary"),
                grade_colour=BADGE_COLOURS.get(hazard.grade, "secondary"),
                overdue=hazard.is_overdue(today),
            )
            for hazard in latest
        ],
        listed=Figure("listed", _("挂牌督办中"), _hazard_count(user, listed), _url(name, **listed)),
        report_url=_url("hazards:hazard_report", enterprise=enterprise.pk) if may_report else "",
    )


# --- 隐患自查 -------------------------------------------------------------------------------


@dataclass
class SelfCheckSection:
    plans: Figure
    due: int  # of the plans, not yet checked this period (shown, not a link)
    records: Figure
    latest: list = field(default_factory=list)


def selfcheck_section(user, enterprise) -> SelfCheckSection | None:
    """The enterprise's active check plans (how many are due) and its check records, the
    latest few with their failed items."""
    if not (user.can(hazard_perms.SELFCHECK_MANAGE) or user.can(hazard_perms.HAZARD_VIEW)):
        return None
    pk = enterprise.pk
    plans = selfcheck_selectors.plan_list(user, enterprise_id=pk).order_by().count()
    due = selfcheck_selectors.plans_due(user, enterprise_id=pk).order_by().count()
    records = selfcheck_selectors.record_list(user, enterprise_id=pk)
    return SelfCheckSection(
        plans=Figure("plans", _("检查计划"), plans, _url("selfcheck:plan_list", enterprise=pk)),
        due=due,
        records=Figure(
            "records",
            _("检查记录"),
            selfcheck_selectors.record_queryset(user).filter(enterprise_id=pk).count(),
            _url("selfcheck:record_list", enterprise=pk),
        ),
        latest=list(records[:LATEST]),
    )


# --- 在线监测 -------------------------------------------------------------------------------


@dataclass
class MonitoringSection:
    devices: Figure
    online: Figure
    not_online: Figure
    open_alarms: Figure
    duty_persons: list
    duty_url: str  # "" unless the user may change who is on duty


def monitoring_section(user, enterprise) -> MonitoringSection | None:
    """Devices (online, not online) and unfinished alarms, each the console or the alarm
    list filtered to the enterprise; who is on duty for its alarms."""
    if not user.can(monitoring_perms.MONITOR_VIEW):
        return None
    base = {"enterprise": str(enterprise.pk)}
    devices = monitoring_selectors.device_filter(user, base).qs.order_by()
    online = Q(state=DeviceState.ONLINE)
    counts = devices.aggregate(
        total=Count("id"), online=Count("id", filter=online), other=Count("id", filter=~online)
    )
    alarms = {**base, "state": "open"}
    open_alarms = monitoring_selectors.alarm_filter(user, alarms).qs.order_by().count()
    console = "monitoring:console"
    may_manage = user.can(monitoring_perms.MONITOR_MANAGE)
    return MonitoringSection(
        devices=Figure("devices", _("监测设备"), counts["total"], _url(console, **base)),
        online=Figure(
            "online",
            _("在线"),
            counts["online"],
            _url(console, **base, state=DeviceState.ONLINE),
            "green" if counts["online"] else "",
        ),
        not_online=Figure(
            "not_online",
            _("未在线"),
            counts["other"],
            _url(console, **base, state=NOT_ONLINE),
            "red" if counts["other"] else "",
        ),
        open_alarms=Figure(
            "open_alarms",
            _("未处置报警"),
            open_alarms,
            _url("monitoring:alarm_list", **alarms),
            "red" if open_alarms else "",
        ),
        duty_persons=monitoring_selectors.duty_persons(enterprise.pk),
        duty_url=_url("monitoring:duty_persons", enterprise=enterprise.pk) if may_manage else "",
    )


# --- 资料 -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Certificate:
    """A dated document the registry records: 安全生产标准化, 安责险."""

    key: str
    label: str
    detail: str  # the grade, or ""
    valid_until: date | None
    status: str  # "valid", "expiring" (within 30 days), "expired", "none"
    none_label: str  # what "none" means for this document (未达标, 未登记)

    @property
    def colour(self) -> str:
        return {"valid": "green", "expiring": "orange", "expired": "red"}.get(
            self.status, "secondary"
        )


def _status(until: date | None, today: date) -> str:
    if until is None:
        return "none"
    if until < today:
        return "expired"
    return "expiring" if (until - today).days <= 30 else "valid"


@dataclass
class DocumentSection:
    certificates: list[Certificate]
    risk_cards: Figure | None  # one 风险告知卡 per risk point in use
    listings: list | None  # 挂牌督办 documents of its hazards, latest first
    measures: list | None  # 制度措施 that name its hazards


def document_section(user, enterprise, risks: RiskSection | None) -> DocumentSection:
    """The documents the data holds for the enterprise: its 标准化 and 安责险 (registry
    fields), its 风险告知卡, the 挂牌督办 documents of its hazards and the 制度措施 that
    name them — each part only for who may see that kind of record."""
    today = timezone.localdate()
    grade = enterprise.standardisation_grade
    certificates = [
        Certificate(
            "standardisation",
            _("安全生产标准化"),
            enterprise.get_standardisation_grade_display() if grade else "",
            enterprise.standardisation_expires if grade else None,
            _status(enterprise.standardisation_expires, today) if grade else "none",
            _("未达标"),
        ),
        Certificate(
            "insurance",
            _("安全生产责任保险"),
            "",
            enterprise.insured_until,
            _status(enterprise.insured_until, today),
            _("未登记"),
        ),
    ]
    cards = None
    if risks is not None:
        cards = Figure("risk_cards", _("风险告知卡"), risks.total.count, risks.total.url)
    listings = measures = None
    if user.can(hazard_perms.HAZARD_VIEW):
        hazards = hazard_selectors.hazard_queryset(user).filter(enterprise=enterprise)
        listings = list(
            SupervisionListing.objects.filter(hazard__in=hazards)
            .select_related("hazard")
            .order_by("state", "-listed_on", "-id")[:LATEST]
        )
        for listing in listings:
            listing.colour = BADGE_COLOURS.get(listing.state, "secondary")
            listing.active = listing.state == ListingState.LISTED
        measures = list(
            hazard_selectors.measure_queryset(user)
            .filter(hazards__in=hazards)
            .distinct()
            .order_by("-created_at", "-id")[:LATEST]
        )
    return DocumentSection(
        certificates=certificates, risk_cards=cards, listings=listings, measures=measures
    )


# --- the whole file ---------------------------------------------------------------------------


@dataclass
class Dossier:
    risks: RiskSection | None
    hazards: HazardSection | None
    selfcheck: SelfCheckSection | None
    monitoring: MonitoringSection | None
    documents: DocumentSection


def enterprise_dossier(user, enterprise) -> Dossier:
    risks = risk_section(user, enterprise)
    return Dossier(
        risks=risks,
        hazards=hazard_section(user, enterprise),
        selfcheck=selfcheck_section(user, enterprise),
        monitoring=monitoring_section(user, enterprise),
        documents=document_section(user, enterprise, risks),
    )
