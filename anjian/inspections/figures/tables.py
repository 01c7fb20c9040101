"""The lists behind the 执法统计 numbers (django-tables2; on a phone each row is a card,
``card_fields``): inspections, findings with their hazards, cases, units, plan visits and
drawn tasks — one table per kind of record, read in one statement a page."""

import django_tables2 as tables
from django.db.models import QuerySet
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_tables2.data import TableData

WIDE_ONLY = "d-none d-md-table-cell"
WIDE = {"th": {"class": WIDE_ONLY}, "td": {"class": WIDE_ONLY}}
WRAP = {"td": {"class": "text-wrap"}}


def url_of(obj) -> str:
    """The record's page, or "" while it has none (the on-site and case pages are built
    separately: a list must not fail for want of a detail page)."""
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:
        return ""


def linked(obj, text) -> str:
    url = url_of(obj) if obj is not None else ""
    return format_html('<a href="{}">{}</a>', url, text) if url else text


def street_name(enterprise) -> str:
    return enterprise.street.name if enterprise.street_id else ""


class FigureTable(tables.Table):
    class Meta:
        orderable = False
        template_name = "core/_table.html"
        attrs = {"class": "table table-vcenter card-table table-sm"}
        empty_text = _("没有符合条件的记录")


class InspectionFigureTable(FigureTable):
    started_at = tables.Column(verbose_name=_("检查时间"), accessor="started_at")
    enterprise = tables.Column(verbose_name=_("被检查单位"), accessor="enterprise", attrs=WRAP)
    street = tables.Column(verbose_name=_("所属街镇"), accessor="pk", attrs=WIDE)
    department = tables.Column(verbose_name=_("实施部门"), accessor="department__name")
    kind = tables.Column(verbose_name=_("检查类型"), accessor="kind")
    unannounced = tables.BooleanColumn(verbose_name=_("四不两直"), yesno=_("是,否"))
    number = tables.Column(verbose_name=_("检查记录编号"), accessor="number", attrs=WIDE)

    card_fields = ("enterprise", "started_at", "department", "kind", "unannounced")

    def render_started_at(self, value, record):
        return linked(record, f"{timezone.localtime(value):%Y-%m-%d %H:%M}")

    def render_enterprise(self, value, record):
        return linked(value, value.name)

    def render_street(self, value, record):
        return street_name(record.enterprise)

    def render_kind(self, value, record):
        return record.get_kind_display()


class FindingTable(FigureTable):
    inspected_at = tables.Column(verbose_name=_("检查时间"), accessor="inspection__started_at")
    enterprise = tables.Column(
        verbose_name=_("被检查单位"), accessor="inspection__enterprise", attrs=WRAP
    )
    department = tables.Column(
        verbose_name=_("实施部门"), accessor="inspection__department__name", attrs=WIDE
    )
    finding = tables.Column(verbose_name=_("问题"), accessor="entry__finding", attrs=WRAP)
    deadline = tables.DateColumn(verbose_name=_("整改期限"), format="Y-m-d", attrs=WIDE)
    hazard = tables.Column(verbose_name=_("登记的隐患"), accessor="hazard", attrs=WRAP)
    hazard_state = tables.Column(verbose_name=_("隐患状态"), accessor="hazard__state")

    card_fields = ("finding", "enterprise", "inspected_at", "hazard", "hazard_state")

    def render_inspected_at(self, value, record):
        return linked(record.inspection, f"{timezone.localtime(value):%Y-%m-%d}")

    def render_enterprise(self, value, record):
        return linked(value, value.name)

    def render_finding(self, value, record):
        if record.place:
            return format_html('{} <span class="text-secondary">（{}）</span>', value, record.place)
        return value

    def render_hazard(self, value, record):
        return linked(value, f"{value.number} {value.title}")

    def render_hazard_state(self, value, record):
        return record.hazard.get_state_display()


class CaseFigureTable(FigureTable):
    number = tables.Column(verbose_name=_("立案编号"), accessor="number")
    enterprise = tables.Column(verbose_name=_("当事人"), accessor="enterprise", attrs=WRAP)
    title = tables.Column(verbose_name=_("案由"), accessor="title", attrs=WRAP)
    department = tables.Column(verbose_name=_("立案部门"), accessor="department__name", attrs=WIDE)
    state = tables.Column(verbose_name=_("状态"), accessor="state")
    decided_on = tables.DateColumn(verbose_name=_("决定日期"), format="Y-m-d")
    fine = tables.Column(verbose_name=_("罚款金额（元）"), accessor="fine")
    inspection = tables.Column(verbose_name=_("来源检查"), accessor="inspection", attrs=WIDE)

    card_fields = ("title", "enterprise", "number", "state", "decided_on", "fine")

    def render_number(self, value, record):
        return linked(record, value)

    def render_enterprise(self, value, record):
        return linked(value, value.name)

    def render_state(self, value, record):
        return record.get_state_display()

    def render_fine(self, value, record):
        return f"{value:,}"

    def render_inspection(self, value, record):
        return linked(value, f"{timezone.localtime(value.started_at):%Y-%m-%d}")


class UnitFigureTable(FigureTable):
    name = tables.Column(verbose_name=_("单位名称"), accessor="name", attrs=WRAP)
    street = tables.Column(verbose_name=_("所属街镇"), accessor="street__name")
    industry = tables.Column(verbose_name=_("监管行业"), accessor="industry__name")
    grade = tables.Column(verbose_name=_("监管等级"), accessor="supervision_grade", attrs=WIDE)
    status = tables.Column(verbose_name=_("经营状态"), accessor="status")

    card_fields = ("name", "street", "industry", "status")

    def render_name(self, value, record):
        return linked(record, value)

    def render_status(self, value, record):
        return record.get_status_display()


class PlanVisitTable(FigureTable):
    enterprise = tables.Column(verbose_name=_("单位"), accessor="enterprise", attrs=WRAP)
    street = tables.Column(verbose_name=_("所属街镇"), accessor="enterprise__street__name")
    plan = tables.Column(verbose_name=_("计划"), accessor="plan", attrs=WRAP)
    department = tables.Column(
        verbose_name=_("编制部门"), accessor="plan__department__name", attrs=WIDE
    )
    grade = tables.Column(verbose_name=_("监管等级"), accessor="grade", attrs=WIDE)
    visits = tables.Column(verbose_name=_("计划次数"), accessor="visits")

    card_fields = ("enterprise", "plan", "street", "visits")

    def render_enterprise(self, value, record):
        return linked(value, value.name)

    def render_plan(self, value, record):
        return linked(value, value.title)


class DrawnTaskTable(FigureTable):
    enterprise = tables.Column(verbose_name=_("检查对象"), accessor="enterprise", attrs=WRAP)
    street = tables.Column(verbose_name=_("所属街镇"), accessor="enterprise__street__name")
    draw = tables.Column(verbose_name=_("抽查任务"), accessor="draw", attrs=WRAP)
    department = tables.Column(verbose_name=_("实施部门"), accessor="department__name", attrs=WIDE)
    drawn_on = tables.DateColumn(
        verbose_name=_("抽取日期"), accessor="draw__drawn_on", format="Y-m-d"
    )
    state = tables.Column(verbose_name=_("状态"), accessor="state")

    card_fields = ("enterprise", "draw", "drawn_on", "state")

    def render_enterprise(self, value, record):
        return linked(record, value.name)

    def render_draw(self, value, record):
        return linked(value, str(value))

    def render_state(self, value, record):
        return record.get_state_display()


INSPECTION_ROWS = (InspectionFigureTable, ("enterprise__street", "department"), "-started_at")
FINDING_ROWS = (
    FindingTable,
    ("inspection__enterprise", "inspection__department", "entry", "hazard"),
    "-inspection__started_at",
)
CASE_ROWS = (CaseFigureTable, ("enterprise", "department", "inspection"), "-decided_on")
UNIT_ROWS = (UnitFigureTable, ("street", "industry"), "name_sort_key")
# Each record set: its table, what its rows read with them, and their order.
TABLES = {
    **dict.fromkeys(("inspected", "done", "violating", "punished", "unannounced"), INSPECTION_ROWS),
    **dict.fromkeys(("findings", "rectified"), FINDING_ROWS),
    **dict.fromkeys(("punished_cases", "other_cases", "fined_cases"), CASE_ROWS),
    **dict.fromkeys(("units", "covered", "pool"), UNIT_ROWS),
    "plan_visits": (
        PlanVisitTable,
        ("enterprise__street", "plan__department"),
        "plan__department_id",
    ),
    "drawn_tasks": (
        DrawnTaskTable,
        ("enterprise__street", "department", "draw"),
        "-draw__drawn_on",
    ),
}


class DeferredRows(TableData):
    """A long list read a page at a time in two steps: the page's ids in order (a narrow
    sort), then those rows with what they show. Sorting 10⁵ joined rows of every column to
    keep 50 took 200 ms; the ids alone sort in a fraction of it."""

    def __init__(self, rows: QuerySet, *, related, outlines, order):
        super().__init__(rows)
        self.ids = rows.order_by(*order).values_list("pk", flat=True)
        self.full = rows.model.objects.select_related(*related).defer(*outlines)

    @cached_property
    def length(self) -> int:
        return self.ids.count()

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, key):
        if not isinstance(key, slice):
            return self[key : key + 1][0]
        return _Slice(self, key)

    def __iter__(self):
        return iter(self[:])

    def fetch(self, key: slice) -> list:
        ids = list(self.ids[key])
        found = self.full.in_bulk(ids)
        return [found[pk] for pk in ids]


class _Slice:
    """A slice of ``DeferredRows``, read when first used (the paginator slices the first
    page before the page asked for: like a queryset's, the slice waits)."""

    def __init__(self, rows: DeferredRows, key: slice):
        self.rows, self.key = rows, key

    @cached_property
    def records(self) -> list:
        return self.rows.fetch(self.key)

    def __iter__(self):
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, index):
        return self.records[index]

    @property
    def model(self):
        return self.data.model


def table_for(name: str, rows: QuerySet, *, prefix: str = ""):
    """The table of the record set ``name`` over ``rows`` (a section of a figure)."""
    table_class, related, order = TABLES[name]
    # A region's outline is not shown (a district's GeoJSON per row would be most of the read).
    outlines = [f"{path}__boundary" for path in related if path.endswith("street")]
    tiebreak = "-pk" if order.startswith("-") else "pk"
    data = DeferredRows(rows, related=related, outlines=outlines, order=(order, tiebreak))
    return table_class(data, prefix=prefix)
