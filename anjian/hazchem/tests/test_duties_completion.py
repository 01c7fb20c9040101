"""包保检查完成率 against a hand-computed world (``selectors_duties.completion``), and the
figures page's promise: every number opens exactly the sources it counts.

The world, built once for the module through the services, in the first quarter of 2025
(2025-01-01 a Wednesday: its weeks start on the Mondays 6 January … 31 March, 13 of them):

- ``A`` 殷行化工 一号储罐区 (三级), identified 1 January; all three holders from 1 January;
  the 操作负责人 checks every Tuesday 7 January … 1 April (13 weeks met), the 技术负责人 on
  10 February (the quarter met), the 主要负责人 once (no frequency: not counted).
  → 14 periods owed, 14 done.
- ``B`` 殷行化工 二号储罐区 (三级), identified 1 January; 技术负责人 from 1 January, the
  操作负责人 first named on Wednesday 5 February, checking every Tuesday 11 February … 1 April
  (8 weeks); no 主要负责人. Identified before the naming, so the five earlier weeks are owed
  all the same. → 14 owed (13 weeks + the quarter), 8 done.
- ``C`` 平凉机械 液氨储罐区 (一级, 100 t), identified Saturday 1 March with its holders; the
  quarter began before (not owed); the weeks of 3 … 31 March are (5), checked 4, 11, 18
  March. → 5 owed, 3 done.
- ``F`` 殷行化工 三号仓库 (三级), identified 1 June, nobody named → nothing owed in Q1,
  three holders missing.
- 殷行建设 临时仓库: closed (核销) — not counted; 虹口超市 仓库: the neighbouring district's.

So for 杨浦区 in Q1 2025: 33 periods owed, 25 done (75.8%); sources 4, owed 3 (A, B, C),
complete 1 (A), short 2 (B, C), no holder 2 (B, F)."""

from datetime import date, timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import transaction
from django.urls import reverse

from anjian.hazchem import services_duties
from anjian.hazchem.choices import SourceState
from anjian.hazchem.models import MajorHazardSource
from anjian.hazchem.selectors_duties import (
    ALL,
    COMPLETE,
    NO_HOLDER,
    OWED,
    SHORT,
    Where,
    completion,
)
from anjian.hazchem.tests import duty_factories as dm
from testsupport import world

pytestmark = pytest.mark.django_db

Q1 = Where(year=2025, quarter=1)
END_OF_YEAR = date(2025, 12, 31)


def d(text: str) -> date:
    return date.fromisoformat(text)


@pytest.fixture(scope="module")
def sources(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        jan1 = d("2025-01-01")
        a = dm.source(name="一号储罐区", identified_on=jan1)
        b = dm.source(name="二号储罐区", identified_on=jan1)
        c = dm.source(
            "pingliang_factory", name="液氨储罐区", identified_on=d("2025-03-01"), tonnes="100"
        )
        f = dm.source(name="三号仓库", identified_on=d("2025-06-01"))
        closed = dm.source("yinhang_site", name="临时仓库", identified_on=jan1)
        neighbour = dm.source("hongkou_shop", name="仓库", identified_on=jan1)

        holders = {
            role: dm.holder(a, role, f"A{role}", since=jan1)
            for role in ("principal", "technical", "operational")
        }
        for day in dm.days(d("2025-01-07"), 13):
            dm.check(a, holders["operational"], day)
        dm.check(a, holders["technical"], d("2025-02-10"))
        dm.check(a, holders["principal"], d("2025-03-03"))

        dm.holder(b, "technical", "B技术", since=jan1)
        operator = dm.holder(b, "operational", "B操作", since=d("2025-02-05"))
        for day in dm.days(d("2025-02-11"), 8):
            dm.check(b, operator, day)

        c_holders = {
            role: dm.holder(c, role, f"C{role}", since=d("2025-03-01"))
            for role in ("principal", "technical", "operational")
        }
        for day in (d("2025-03-04"), d("2025-03-11"), d("2025-03-18")):
            dm.check(c, c_holders["operational"], day)

        for target in (closed, neighbour):
            duty = dm.holder(target, "operational", since=jan1)
            dm.check(target, duty, d("2025-01-07"))
        MajorHazardSource.objects.filter(pk=closed.pk).update(state=SourceState.CLOSED)
        yield {"A": a, "B": b, "C": c, "F": f, "closed": closed, "neighbour": neighbour}
        transaction.set_rollback(True)


def keys(sources, rows) -> set[str]:
    names = {source.pk: key for key, source in sources.items()}
    return {names[row.source.pk] for row in rows}


def figure(actor="district_official", where=Q1, today=END_OF_YEAR):
    return completion(world.actor(actor), where, today=today)


def test_each_source_owes_and_did_what_the_hand_count_says(sources):
    found = figure()
    per_source = {next(iter(keys(sources, [row]))): (row.required, row.done) for row in found.rows}
    assert per_source == {"A": (14, 14), "B": (14, 8), "C": (5, 3), "F": (0, 0)}
    total = found.total
    assert (total.required, total.done, total.rate) == (33, 25, 75.8)
    assert (total.sources, total.owed, total.complete, total.short, total.no_holder) == (
        4,
        3,
        1,
        2,
        2,
    )


def test_the_statuses_name_the_sources(sources):
    found = figure()
    assert keys(sources, found.listed(ALL)) == {"A", "B", "C", "F"}
    assert keys(sources, found.listed(OWED)) == {"A", "B", "C"}
    assert keys(sources, found.listed(COMPLETE)) == {"A"}
    assert keys(sources, found.listed(SHORT)) == {"B", "C"}
    assert keys(sources, found.listed(NO_HOLDER)) == {"B", "F"}


def test_what_a_short_source_misses_is_said(sources):
    rows = {next(iter(keys(sources, [row]))): row for row in figure().rows}
    b = rows["B"].missing()
    assert b[0] == "主要负责人：未明确包保责任人"
    assert any(
        line.startswith("技术负责人：应检查1期，完成0期（每季度至少1次；未完成：2025年第一季度")
        for line in b
    )
    assert any(line.startswith("操作负责人：应检查13期，完成8期") and "等5期" in line for line in b)
    assert rows["A"].missing() == []


def test_the_breakdowns_add_up(sources):
    found = figure()
    streets = {t.key: (t.sources, t.required, t.done) for t in found.by_region}
    assert streets == {world.YINHANG: (3, 28, 22), world.PINGLIANG: (1, 5, 3)}
    assert {t.key: (t.sources, t.required, t.done) for t in found.by_grade} == {
        "1": (1, 5, 3),
        "3": (3, 28, 22),
    }
    roles = {t.key: (t.required, t.done, t.no_holder) for t in found.by_role}
    assert roles == {"principal": (0, 0, 2), "technical": (2, 1, 1), "operational": (31, 24, 1)}
    enterprises = {t.label: t.sources for t in found.by_enterprise}
    assert enterprises == {
        world.ENTERPRISE_NAMES["yinhang_chemical"]: 3,
        world.ENTERPRISE_NAMES["pingliang_factory"]: 1,
    }


def test_mid_quarter_the_current_periods_count_only_when_complete(sources):
    # Wednesday 12 February: A's six begun weeks all checked (the one of 10 February on the
    # 11th) and its quarter already checked → 7 of 7; B's five earlier weeks short, the
    # current one checked on the 11th → 1 of 6, its quarter still open; C and F owe nothing.
    found = figure(today=d("2025-02-12"))
    per_source = {next(iter(keys(sources, [row]))): (row.required, row.done) for row in found.rows}
    assert per_source == {"A": (7, 7), "B": (6, 1), "C": (0, 0), "F": (0, 0)}


def test_the_year_of_one_role(sources):
    # 技术负责人 over 2025, seen in January 2026: A and B owe four quarters, C three (from
    # April), F two (from July); only A's first quarter was checked. (On 31 December the
    # fourth quarter is still under way and not counted.)
    assert figure(where=Where(year=2025, quarter=0, role="technical")).total.required == 9
    found = figure(where=Where(year=2025, quarter=0, role="technical"), today=d("2026-01-05"))
    per_source = {next(iter(keys(sources, [row]))): (row.required, row.done) for row in found.rows}
    assert per_source == {"A": (4, 1), "B": (4, 0), "C": (3, 0), "F": (2, 0)}
    assert (found.total.required, found.total.done, found.total.no_holder) == (13, 1, 1)
    assert [t.key for t in found.by_role] == ["technical"]


def test_a_frequency_change_applies_to_every_period(sources, admin):
    services_duties.duty_rule_set(
        admin,
        role="operational",
        expected_version=0,
        data={"period": "month", "checks": 2, "basis": "试行"},
    )
    found = figure()
    per_source = {next(iter(keys(sources, [row]))): (row.required, row.done) for row in found.rows}
    # A: January 4 checks, February 4, March 4 (+1 April, not March) → 3 of 3 months, with the
    # quarter 4 of 4; B: February 3, March 4 → 2 of 3 months; C: owed from March (1 month,
    # 3 checks) → 1 of 1.
    assert per_source == {"A": (4, 4), "B": (4, 2), "C": (1, 1), "F": (0, 0)}


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (Where(year=2025, quarter=1, street=world.PINGLIANG), {"C"}),
        (Where(year=2025, quarter=1, grade="1"), {"C"}),
        (Where(year=2025, quarter=1, q="二号"), {"B"}),
        (Where(year=2025, quarter=1, street=world.YANGPU), {"A", "B", "C", "F"}),
    ],
)
def test_the_filters_keep_their_sources(sources, where, expected):
    assert keys(sources, figure(where=where).rows) == expected


def test_the_enterprise_filter(sources):
    enterprise = world.enterprise("pingliang_factory").pk
    assert keys(sources, figure(where=Where(year=2025, quarter=1, enterprise=enterprise)).rows) == {
        "C"
    }


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("district_official", {"A", "B", "C", "F"}),
        ("street_officer", {"A", "B", "F"}),
        ("enterprise_manager", {"A", "B", "F"}),
        ("neighbour_official", {"neighbour"}),
        ("housing_official", set()),  # 建筑施工 and 燃气: none of these
        ("admin", {"A", "B", "C", "F", "neighbour"}),
    ],
)
def test_each_actor_counts_only_the_sources_of_its_scope(sources, actor, expected):
    assert keys(sources, figure(actor).rows) == expected


# --- the page's links ---------------------------------------------------------------------------


def drill(client, url: str) -> tuple[set[int], int, int]:
    """The source ids a drill-down link lists, and their periods owed and done."""
    response = client.get(url)
    assert response.status_code == 200, url
    rows = response.context["rows"]
    return {row.source.pk for row in rows}, sum(r.required for r in rows), sum(r.done for r in rows)


def test_every_number_on_the_page_opens_exactly_what_it_counts(sources, client_for):
    client = client_for(world.actor("district_official"))
    response = client.get(reverse("hazchem:duty_figures"), {"year": 2025, "quarter": 1})
    assert response.status_code == 200
    context = response.context
    total = context["total"]
    links = context["links"]
    ids = lambda *names: {sources[name].pk for name in names}  # noqa: E731
    assert drill(client, links["all"])[0] == ids("A", "B", "C", "F")
    assert drill(client, links["owed"]) == (ids("A", "B", "C"), total.required, total.done)
    assert drill(client, links["complete"])[0] == ids("A")
    assert drill(client, links["short"])[0] == ids("B", "C")
    assert drill(client, links["no_holder"])[0] == ids("B", "F")
    checked = 0
    for group in context["breakdowns"]:
        for row in group["rows"]:
            tally = row["tally"]
            for cell in row["cells"]:
                if not cell.url:
                    continue
                listed, required, done = drill(client, cell.url)
                if cell.name in ("required", "done"):
                    assert (required, done) == (tally.required, tally.done), (
                        group["id"],
                        tally.key,
                    )
                else:
                    assert len(listed) == int(cell.text), (group["id"], tally.key, cell.name)
                checked += 1
    assert checked > 20


def test_a_links_query_keeps_the_range_and_the_rows_key(sources, client_for):
    client = client_for(world.actor("district_official"))
    context = client.get(reverse("hazchem:duty_figures"), {"year": 2025, "quarter": 1}).context
    (street,) = [g for g in context["breakdowns"] if g["id"] == "by-region"]
    pingliang = next(row for row in street["rows"] if row["tally"].key == world.PINGLIANG)
    short = next(cell for cell in pingliang["cells"] if cell.name == "short")
    query = parse_qs(urlparse(short.url).query)
    assert query == {
        "year": ["2025"],
        "quarter": ["1"],
        "street": [world.PINGLIANG],
        "status": ["short"],
    }
    assert drill(client, short.url)[0] == {sources["C"].pk}


def test_the_drill_down_shows_what_each_source_misses(sources, client_for):
    client = client_for(world.actor("district_official"))
    html = client.get(
        reverse("hazchem:duty_figures_sources"), {"year": 2025, "quarter": 1, "status": "no_holder"}
    ).content.decode()
    assert "主要负责人：未明确包保责任人" in html and sources["F"].number in html
    assert sources["A"].number not in html
    assert "data-cards" in html and "<table" in html  # cards on a phone, a table from md up


def test_out_of_scope_sources_never_show(sources, client_for):
    client = client_for(world.actor("neighbour_official"))
    html = client.get(
        reverse("hazchem:duty_figures_sources"), {"year": 2025, "quarter": 1}
    ).content.decode()
    assert sources["neighbour"].number in html
    assert all(sources[key].number not in html for key in ("A", "B", "C", "F", "closed"))
    # An enterprise filter naming someone else's enterprise is refused, not applied.
    other = world.enterprise("yinhang_chemical").pk
    response = client.get(
        reverse("hazchem:duty_figures_sources"), {"year": 2025, "quarter": 1, "enterprise": other}
    )
    assert response.context["errors"]
    assert keys(sources, response.context["rows"]) == {"neighbour"}


def test_the_hand_count_is_stable_over_days_after_the_quarter(sources):
    for later in (d("2025-04-07"), END_OF_YEAR, END_OF_YEAR + timedelta(days=400)):
        assert (figure(today=later).total.required, figure(today=later).total.done) == (33, 25)
