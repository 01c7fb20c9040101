"""The lists of 应急准备: plans, drills and the resources — their tables (django-tables2; on
a phone each row is a card, ``card_fields``), the badges they share with the record pages,
and the filter that runs a list's filter form through its selector.

A list's filters are its selector's keyword arguments (``selectors_plans.plans(user,
**filters)``), not a FilterSet of their own: the overview links here with the filters its
figure counted by, and the list must show exactly those records."""

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.emergency.choices import (
    EquipmentStatus,
    OwnerKind,
    Readiness,
    ShelterStatus,
    Speciality,
    TaskState,
)
from anjian.emergency.models import (
    IN_FORCE_STATES,
    Drill,
    DrillState,
    EmergencyPlan,
    Equipment,
    Expert,
    PlanState,
    RescueTeam,
    Shelter,
    Supply,
    Warehouse,
)

WIDE_ONLY = "d-none d-md-table-cell"
WIDE = {"th": {"class": WIDE_ONLY}, "td": {"class": WIDE_ONLY}}
WRAP = {"td": {"class": "text-wrap"}}
LINK = {"td": {"class": "text-wrap"}, "a": {"hx-boost": "false"}}
EXPIRY_WARNING_DAYS = 30

PLAN_STATE_COLOURS = {
    PlanState.DRAFT: "secondary",
    PlanState.PUBLISHED: "orange",
    PlanState.SUBMITTED: "azure",
    PlanState.RETURNED: "red",
    PlanState.FILED: "green",
    PlanState.SUPERSEDED: "secondary",
    PlanState.ABOLISHED: "dark",
}
DRILL_STATE_COLOURS = {
    DrillState.PLANNED: "azure",
    DrillState.HELD: "orange",
    DrillState.EVALUATED: "green",
    DrillState.CANCELLED: "secondary",
}
READINESS_COLOURS = {
    Readiness.READY: "green",
    Readiness.DEPLOYED: "orange",
    Readiness.RESTING: "azure",
    Readiness.UNAVAILABLE: "secondary",
}
SHELTER_COLOURS = {
    ShelterStatus.READY: "green",
    ShelterStatus.OPEN: "orange",
    ShelterStatus.MAINTENANCE: "yellow",
    ShelterStatus.CLOSED: "secondary",
}
EQUIPMENT_COLOURS = {
    EquipmentStatus.USABLE: "green",
    EquipmentStatus.MAINTENANCE: "yellow",
    EquipmentStatus.SCRAPPED: "secondary",
}
TASK_COLOURS = {TaskState.OPEN: "orange", TaskState.DONE: "green", TaskState.CANCELLED: "secondary"}


def badge(colour: str, text, **data) -> str:
    attributes = format_html_join("", ' data-{}="{}"', data.items())
    return format_html('<span class="badge bg-{}-lt"{}>{}</span>', colour, attributes, text)


def plan_state_badge(plan) -> str:
    return badge(PLAN_STATE_COLOURS[plan.state], plan.get_state_display(), state=plan.state)


def drill_state_badge(drill) -> str:
    return badge(DRILL_STATE_COLOURS[drill.state], drill.get_state_display(), state=drill.state)


def readiness_badge(team) -> str:
    colour = READINESS_COLOURS[team.readiness]
    return badge(colour, team.get_readiness_display(), readiness=team.readiness)


def shelter_badge(shelter) -> str:
    colour = SHELTER_COLOURS[shelter.status]
    return badge(colour, shelter.get_status_display(), status=shelter.status)


def equipment_badge(item) -> str:
    return badge(EQUIPMENT_COLOURS[item.status], item.get_status_display(), status=item.status)


def task_badge(problem) -> str:
    return badge(TASK_COLOURS[problem.state], problem.get_state_display(), task=problem.state)


def owner_words(record) -> str:
    """Who owns a record, as people say it: a unit, a department, or 杨浦区人民政府."""
    if record.owner_kind == OwnerKind.GOVERNMENT:
        return _("%(region)s人民政府") % {"region": record.region.name}
    return record.owner_name


def speciality_labels(codes) -> str:
    labels = dict(Speciality.choices)
    return "、".join(str(labels.get(code, code)) for code in codes)


def expiry(supply, today=None) -> tuple[str, str] | None:
    """(status, words) of a stock line's expiry: expired, or expiring within 30 days."""
    if supply.expires_on is None:
        return None
    today = today or timezone.localdate()
    days = (supply.expires_on - today).days
    if days < 0:
        return "expired", _("已过期%(d)d天") % {"d": -days}
    if days <= EXPIRY_WARNING_DAYS:
        return "expiring", _("%(d)d天后到期") % {"d": days} if days else _("今天到期")
    return None


def expiry_badge(supply, today=None) -> str:
    found = expiry(supply, today)
    if found is None:
        return ""
    status, words = found
    return badge("red" if status == "expired" else "orange", words, expiry=status)


def below_reserve(supply) -> bool:
    return supply.reserve_target is not None and supply.quantity < supply.reserve_target


def due_mark(day, *, overdue_words, today=None) -> str:
    """A date, red with ``overdue_words`` when it has passed."""
    if day is None:
        return "—"
    today = today or timezone.localdate()
    if day < today:
        return format_html(
            '{} <span class="badge bg-red-lt" data-overdue>{}</span>',
            day.isoformat(),
            overdue_words,
        )
    return day.isoformat()


def detail(kind: str, key: str = "pk") -> tuple:
    """``linkify`` to a resource's page (resources have no ``get_absolute_url``)."""
    return (f"emergency:{kind}_detail", {"pk": tables.A(key)})


# --- the tables -----------------------------------------------------------------------------


class BaseTable(tables.Table):
    class Meta:
        order_by_field = "sort"
        page_field = "page"
        attrs = {"class": "table table-vcenter card-table"}


class PlanTable(BaseTable):
    title = tables.Column(linkify=True, verbose_name=gettext_lazy("预案名称"), attrs=LINK)
    owner = tables.Column(
        accessor="pk", verbose_name=gettext_lazy("编制单位"), orderable=False, attrs=WRAP
    )
    number = tables.Column(verbose_name=gettext_lazy("编号"), attrs=WIDE)
    plan_type = tables.Column(verbose_name=gettext_lazy("类型"))
    state = tables.Column(verbose_name=gettext_lazy("状态"))
    published_on = tables.DateColumn(format="Y-m-d", verbose_name=gettext_lazy("发布"), attrs=WIDE)
    filing_due_on = tables.Column(verbose_name=gettext_lazy("备案期限"))
    assessment_due_on = tables.Column(verbose_name=gettext_lazy("下次评估"))

    card_fields = ("title", "owner", "plan_type", "state", "filing_due_on", "assessment_due_on")

    class Meta(BaseTable.Meta):
        model = EmergencyPlan
        fields = ()
        sequence = (
            "title",
            "owner",
            "number",
            "plan_type",
            "state",
            "published_on",
            "filing_due_on",
            "assessment_due_on",
        )
        empty_text = gettext_lazy("没有符合条件的预案")

    def render_title(self, value, record):
        extra = format_html(' <span class="text-secondary">（{}）</span>', record.edition)
        if record.revision_due and record.state in IN_FORCE_STATES:
            extra += badge("orange", _("需修订"), revision="due")
        return format_html("{}{}", value, extra)

    def render_owner(self, value, record):
        return owner_words(record)

    def render_number(self, value, record):
        return format_html('<span class="font-monospace">{}</span>', value)

    def render_state(self, value, record):
        return plan_state_badge(record)

    def render_filing_due_on(self, value, record):
        if record.state == PlanState.FILED:
            return format_html(
                '<span class="text-success">{} {}</span>', _("已备案"), record.filed_on or ""
            )
        if record.state not in (PlanState.PUBLISHED, PlanState.RETURNED):
            return value.isoformat() if value else "—"
        return due_mark(value, overdue_words=_("逾期未报备"))

    def render_assessment_due_on(self, value, record):
        if record.state in (PlanState.DRAFT, PlanState.SUPERSEDED, PlanState.ABOLISHED):
            return "—"
        return due_mark(value, overdue_words=_("逾期未评估"))


class DrillTable(BaseTable):
    title = tables.Column(linkify=True, verbose_name=gettext_lazy("演练名称"), attrs=LINK)
    owner = tables.Column(
        accessor="pk", verbose_name=gettext_lazy("组织单位"), orderable=False, attrs=WRAP
    )
    kind = tables.Column(verbose_name=gettext_lazy("类型"))
    form = tables.Column(verbose_name=gettext_lazy("形式"), attrs=WIDE)
    planned_on = tables.DateColumn(format="Y-m-d", verbose_name=gettext_lazy("计划日期"))
    held_on = tables.DateColumn(format="Y-m-d", verbose_name=gettext_lazy("实施日期"))
    state = tables.Column(verbose_name=gettext_lazy("状态"))
    score = tables.Column(
        accessor="evaluation__score", verbose_name=gettext_lazy("评估得分"), attrs=WIDE
    )

    card_fields = ("title", "owner", "kind", "planned_on", "held_on", "state", "score")

    class Meta(BaseTable.Meta):
        model = Drill
        fields = ()
        sequence = ("title", "owner", "kind", "form", "planned_on", "held_on", "state", "score")
        empty_text = gettext_lazy("没有符合条件的演练")

    def render_owner(self, value, record):
        return owner_words(record)

    def render_state(self, value, record):
        return drill_state_badge(record)


class TeamTable(BaseTable):
    name = tables.Column(linkify=detail("team"), verbose_name=gettext_lazy("队伍名称"), attrs=LINK)
    owner = tables.Column(
        accessor="pk", verbose_name=gettext_lazy("所属"), orderable=False, attrs=WRAP
    )
    kind = tables.Column(verbose_name=gettext_lazy("类型"), attrs=WIDE)
    specialities = tables.Column(verbose_name=gettext_lazy("专业方向"), orderable=False, attrs=WRAP)
    leader = tables.Column(verbose_name=gettext_lazy("队长及电话"))
    headcount = tables.Column(verbose_name=gettext_lazy("人数"), attrs=WIDE)
    readiness = tables.Column(verbose_name=gettext_lazy("战备状态"))

    card_fields = ("name", "owner", "specialities", "leader", "readiness")

    class Meta(BaseTable.Meta):
        model = RescueTeam
        fields = ()
        sequence = ("name", "owner", "kind", "specialities", "leader", "headcount", "readiness")
        empty_text = gettext_lazy("没有符合条件的救援队伍")

    def render_owner(self, value, record):
        return owner_words(record)

    def render_specialities(self, value, record):
        return speciality_labels(record.speciality_codes)

    def render_leader(self, value, record):
        return format_html('{} <a href="tel:{}">{}</a>', value, record.phone, record.phone)

    def render_readiness(self, value, record):
        return readiness_badge(record)


class WarehouseTable(BaseTable):
    name = tables.Column(
        linkify=detail("warehouse"), verbose_name=gettext_lazy("储备库名称"), attrs=LINK
    )
    owner = tables.Column(
        accessor="pk", verbose_name=gettext_lazy("所属"), orderable=False, attrs=WRAP
    )
    storage_level = tables.Column(verbose_name=gettext_lazy("储备层级"))
    manager = tables.Column(verbose_name=gettext_lazy("管理人及电话"))
    address = tables.Column(verbose_name=gettext_lazy("地址"), attrs=WIDE)
    active = tables.BooleanColumn(verbose_name=gettext_lazy("在用"), attrs=WIDE)

    card_fields = ("name", "owner", "storage_level", "manager")

    class Meta(BaseTable.Meta):
        model = Warehouse
        fields = ()
        sequence = ("name", "owner", "storage_level", "manager", "address", "active")
        empty_text = gettext_lazy("没有符合条件的储备库")

    def render_owner(self, value, record):
        return owner_words(record)

    def render_manager(self, value, record):
        return format_html('{} <a href="tel:{}">{}</a>', value, record.phone, record.phone)


class SupplyTable(BaseTable):
    name = tables.Column(
        linkify=detail("supply"),
        verbose_name=gettext_lazy("物资名称"),
        attrs=LINK,
    )
    warehouse = tables.Column(
        linkify=detail("warehouse", "warehouse_id"),
        accessor="warehouse__name",
        verbose_name=gettext_lazy("储备库"),
        attrs=WRAP,
    )
    category = tables.Column(verbose_name=gettext_lazy("类别"), attrs=WIDE)
    quantity = tables.Column(verbose_name=gettext_lazy("库存"))
    reserve_target = tables.Column(verbose_name=gettext_lazy("储备定额"), attrs=WIDE)
    expires_on = tables.Column(verbose_name=gettext_lazy("有效期至"))

    card_fields = ("name", "warehouse", "quantity", "expires_on")

    class Meta(BaseTable.Meta):
        model = Supply
        fields = ()
        sequence = ("name", "warehouse", "category", "quantity", "reserve_target", "expires_on")
        empty_text = gettext_lazy("没有符合条件的物资")

    def render_name(self, value, record):
        extra = " ".join(p for p in (record.spec, record.batch and _("批次") + record.batch) if p)
        if extra:
            return format_html('{} <span class="text-secondary small">{}</span>', value, extra)
        return value

    def render_warehouse(self, value, record):
        return format_html(
            '{} <span class="text-secondary small">{}</span>',
            value,
            record.warehouse.get_storage_level_display(),
        )

    def render_quantity(self, value, record):
        words = format_html("{} {}", value, record.unit)
        if below_reserve(record):
            words += badge("orange", _("低于定额"), reserve="below")
        return words

    def render_expires_on(self, value, record):
        return format_html("{} {}", value.isoformat(), expiry_badge(record))


class EquipmentTable(BaseTable):
    name = tables.Column(
        linkify=detail("equipment"), verbose_name=gettext_lazy("装备名称"), attrs=LINK
    )
    owner = tables.Column(
        accessor="pk", verbose_name=gettext_lazy("所属"), orderable=False, attrs=WRAP
    )
    category = tables.Column(verbose_name=gettext_lazy("类别"))
    spec = tables.Column(verbose_name=gettext_lazy("规格型号"), attrs=WIDE)
    available = tables.Column(verbose_name=gettext_lazy("可调用/数量"))
    status = tables.Column(verbose_name=gettext_lazy("状态"))

    card_fields = ("name", "owner", "category", "available", "status")

    class Meta(BaseTable.Meta):
        model = Equipment
        fields = ()
        sequence = ("name", "owner", "category", "spec", "available", "status")
        empty_text = gettext_lazy("没有符合条件的装备")

    def render_owner(self, value, record):
        return owner_words(record)

    def render_available(self, value, record):
        return f"{value} / {record.quantity}"

    def render_status(self, value, record):
        return equipment_badge(record)


class ShelterTable(BaseTable):
    name = tables.Column(
        linkify=detail("shelter"), verbose_name=gettext_lazy("场所名称"), attrs=LINK
    )
    region = tables.Column(accessor="region__name", verbose_name=gettext_lazy("所在区划"))
    kind = tables.Column(verbose_name=gettext_lazy("类型"), attrs=WIDE)
    area_m2 = tables.Column(verbose_name=gettext_lazy("面积（㎡）"), attrs=WIDE)
    capacity = tables.Column(verbose_name=gettext_lazy("可容纳/已安置"))
    status = tables.Column(verbose_name=gettext_lazy("状态"))

    card_fields = ("name", "region", "kind", "capacity", "status")

    class Meta(BaseTable.Meta):
        model = Shelter
        fields = ()
        sequence = ("name", "region", "kind", "area_m2", "capacity", "status")
        empty_text = gettext_lazy("没有符合条件的避难场所")

    def render_kind(self, value, record):
        return f"{value}{_('·室内') if record.indoor else ''}"

    def render_capacity(self, value, record):
        return f"{value} / {record.occupancy}"

    def render_status(self, value, record):
        return shelter_badge(record)


class ExpertTable(BaseTable):
    name = tables.Column(linkify=detail("expert"), verbose_name=gettext_lazy("姓名"), attrs=LINK)
    field = tables.Column(verbose_name=gettext_lazy("专业领域"))
    title = tables.Column(verbose_name=gettext_lazy("职称"), attrs=WIDE)
    employer = tables.Column(verbose_name=gettext_lazy("工作单位"), attrs=WRAP)
    phone = tables.Column(verbose_name=gettext_lazy("联系电话"))
    available = tables.BooleanColumn(verbose_name=gettext_lazy("可参与处置"))

    card_fields = ("name", "employer", "field", "phone", "available")

    class Meta(BaseTable.Meta):
        model = Expert
        fields = ()
        sequence = ("name", "field", "title", "employer", "phone", "available")
        empty_text = gettext_lazy("没有符合条件的专家")

    def render_phone(self, value, record):
        return format_html('<a href="tel:{}">{}</a>', value, value)
