"""Every number on 动态清零 that is a link opens exactly the hazards it counts (issue 11,
item 1): the ledger behind each link is filtered through the same selector the list page
uses, and its count must equal the number shown — at several scopes and periods, with
void hazards present (they are not counted; a link that forgot so showed more)."""

import json
import re
from datetime import timedelta
from html import unescape
from io import BytesIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from anjian.hazards import selectors
from anjian.hazards.choices import Grade, Source, State
from anjian.hazards.figures_page import period_months
from anjian.hazards.tests.factories import hazard_in
from testsupport import world

pytestmark = pytest.mark.django_db

LIST = reverse("hazards:hazard_list")
# A link to the ledger whose text is a number (the figure it opens).
NUMBER_LINK = re.compile(r'<a\b[^>]*href="(/hazards/\?[^"]*)"[^>]*>\s*([\d,]+)\s*</a>')


@pytest.fixture
def ledger(db):
    """Hazards at units in two districts, in the states that matter, some void, some major,
    from several sources."""
    admin = world.actor("admin")
    for name in ("yinhang_chemical", "pingliang_factory", "hongkou_shop"):
        enterprise = world.enterprise(name)
        for state in (State.REPORTED, State.REGISTERED, State.CLOSED, State.VOID):
            for grade in (Grade.GENERAL, Grade.MAJOR):
                hazard_in(state, grade=grade, by=admin, enterprise=enterprise)
        hazard_in(State.VOID, by=admin, enterprise=enterprise, source=Source.INSPECTION)
        hazard_in(State.REGISTERED, by=admin, enterprise=enterprise, source=Source.PATROL)


def links_on(html: str) -> list[tuple[str, int]]:
    return [
        (unescape(href), int(number.replace(",", ""))) for href, number in NUMBER_LINK.findall(html)
    ]


def listed(user, href: str) -> int:
    query = QueryDict(urlsplit(href).query)
    filterset = selectors.hazard_filter(user, query)
    assert filterset.is_valid(), (href, filterset.errors)
    return filterset.qs.count()


@pytest.mark.parametrize("actor", ["admin", "district_official", "street_officer"])
@pytest.mark.parametrize("period", ["year", "month", "all"])
def test_every_number_opens_the_hazards_it_counts(ledger, client_for, actor, period):
    user = world.actor(actor)
    response = client_for(user).get(reverse("hazards:clearing_figures"), {"period": period})
    assert response.status_code == 200
    links = links_on(response.content.decode())
    assert len(links) >= 8, "the page's numbers are links"
    wrong = [
        (href, shown, listed(user, href)) for href, shown in links if listed(user, href) != shown
    ]
    assert not wrong, "figure ≠ its list (href, shown, listed):\n" + "\n".join(map(str, wrong))


def test_void_hazards_are_neither_counted_nor_listed_behind_found(ledger, client_for):
    user = world.actor("district_official")
    html = client_for(user).get(reverse("hazards:clearing_figures"), {"period": "all"})
    found = next((href, n) for href, n in links_on(html.content.decode()) if "state=" not in href)
    href, shown = found
    assert listed(user, href) == shown
    ids = selectors.hazard_filter(user, QueryDict(urlsplit(href).query)).qs
    assert not ids.filter(state=State.VOID).exists()
    assert parse_qs(urlsplit(href).query)  # the link carries its filter, not the bare ledger


def test_a_period_link_names_its_months(ledger, client_for):
    user = world.actor("district_official")
    html = client_for(user).get(reverse("hazards:clearing_figures"), {"period": "month"})
    this_month = timezone.localdate().replace(day=1)
    hrefs = [href for href, _ in links_on(html.content.decode())]
    assert any(f"month_from={this_month:%Y-%m}" in href for href in hrefs), hrefs


def test_the_list_behind_found_says_so_and_keeps_it(ledger, client_for):
    """The ledger opened from 发现 names its condition in Chinese and its form keeps it (a
    refined search must not bring the void hazards back); without it, no empty condition."""
    user = world.actor("district_official")
    html = client_for(user).get(LIST, {"counted": "1", "grade": "major"}).content.decode()
    assert "不含作废：是" in html
    assert re.search(r'<input[^>]*name="counted"[^>]*checked', html)
    plain = client_for(user).get(LIST, {"grade": "major"}).content.decode()
    assert "不含作废：" not in plain


def test_the_breakdown_cells_are_links_too(ledger, client_for):
    """按区域/按行业: 发现, 逾期 and 现存重大 of each row open their hazards (and are checked
    by the count test above like every other number)."""
    html = client_for(world.actor("admin")).get(
        reverse("hazards:clearing_figures"), {"period": "all"}
    )
    hrefs = [href for href, _ in links_on(html.content.decode())]
    for where in ("district=", "industry="):
        row_links = [href for href in hrefs if where in href]
        assert any("counted=1" in href for href in row_links), where
        assert any("progress=overdue" in href for href in row_links), where
        assert any("grade=major&progress=open" in href for href in row_links), where


def test_current_figures_do_not_change_with_the_period(ledger, client_for):
    """现存重大, 未销号 and 逾期 are what is open now: a major hazard found months ago and
    still open counts whether the page shows this month, this year or everything (issue 11,
    item 2: 本年 showed 11, 本月 2)."""
    admin = world.actor("admin")
    long_ago = timezone.now() - timedelta(days=100)
    hazard_in(State.REGISTERED, grade=Grade.MAJOR, by=admin, found_at=long_ago)
    user = world.actor("district_official")
    shown = {}
    for period in ("month", "year", "all"):
        report = selectors.ClearingReport(user, figures_filters(period))
        figures = report.figures()
        shown[period] = (figures.major_open, figures.open, figures.overdue)
        html = client_for(user).get(reverse("hazards:clearing_figures"), {"period": period})
        assert 'data-figure="major_open"' in html.content.decode()
    assert shown["month"] == shown["year"] == shown["all"], shown
    expected = selectors.hazard_filter(user, {"grade": "major", "progress": "open"}).qs.count()
    assert shown["month"][0] == expected


def figures_filters(period: str) -> selectors.FigureFilters:
    month_from, month_to = period_months(period, timezone.localdate())
    return selectors.FigureFilters(month_from=month_from, month_to=month_to)


def test_every_bar_of_the_trend_opens_the_hazards_it_counts(ledger, client_for):
    user = world.actor("district_official")
    html = client_for(user).get(reverse("hazards:clearing_figures"), {"period": "12m"})
    data = re.search(r'<script id="trend-data"[^>]*>(.*?)</script>', html.content.decode(), re.S)
    trend = json.loads(data.group(1))
    assert trend["months"], "the period has months with hazards"
    for series in ("found", "closed", "open"):
        for value, href in zip(trend[series], trend["links"][series], strict=True):
            assert listed(user, href) == value, (series, href)


def test_a_custom_range_counts_its_months_and_says_what_was_wrong(ledger, client_for):
    user = world.actor("district_official")
    this_month = timezone.localdate().strftime("%Y-%m")
    client = client_for(user)
    html = client.get(
        reverse("hazards:clearing_figures"),
        {"period": "custom", "month_from": this_month, "month_to": this_month},
    ).content.decode()
    links = links_on(html)
    assert links and all(listed(user, href) == shown for href, shown in links)
    assert f'value="{this_month}"' in html
    swapped = client.get(
        reverse("hazards:clearing_figures"),
        {"period": "custom", "month_from": this_month, "month_to": "2020-01"},
    ).content.decode()
    assert "起始月份晚于截止月份，已对调" in swapped
    missing = client.get(
        reverse("hazards:clearing_figures"), {"period": "custom", "month_from": "上个月"}
    ).content.decode()
    assert "请选择起止月份" in missing


def test_year_on_year_and_month_on_month_compare_with_the_windows_before(ledger, client_for):
    admin = world.actor("admin")
    a_year_ago = timezone.now() - timedelta(days=365)
    for _ in range(2):
        hazard_in(State.REGISTERED, by=admin, found_at=a_year_ago)
    user = world.actor("district_official")
    report = selectors.ClearingReport(user, figures_filters("month"))
    compared = report.compared()
    assert compared["last_year"].figures.found == 2
    this_month = report.figures().found
    html = client_for(user).get(reverse("hazards:clearing_figures"), {"period": "month"})
    text = html.content.decode()
    assert f"同比 {100 * (this_month - 2) / 2:+.1f}%" in text
    assert "环比 —" in text  # nothing found the month before: no base to compare with
    today = timezone.localdate()
    lines = re.findall(r"<div[^>]*data-compared>(.*?)</div>", text)
    assert lines and all("同比" in line and "环比" in line for line in lines)
    assert f"month_from={today.year - 1}-{today.month:02d}" in lines[0]  # its list: a year ago


def test_the_figures_export_holds_the_page_s_numbers(ledger, client_for):
    user = world.actor("district_official")
    client = client_for(user)
    page = client.get(reverse("hazards:clearing_figures"), {"period": "year"})
    figures = page.context["figures"]
    response = client.get(reverse("hazards:clearing_figures_export"), {"period": "year"})
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    values = {row[0]: row[1] for row in book["动态清零"].iter_rows(values_only=True)}
    assert values["发现隐患"] == figures.found
    assert values["现存重大隐患（当前）"] == figures.major_open
    assert values["逾期未整改（当前）"] == figures.overdue
    header = next(book["动态清零"].iter_rows(values_only=True))
    assert header == ("指标", "数值", "同比")  # 本年: beside last year only
    assert "按区域" in book.sheetnames or "按行业" in book.sheetnames


@pytest.mark.parametrize(
    ("actor", "most"), [("admin", 6), ("district_official", 6), ("street_officer", 6)]
)
def test_the_page_reads_each_summary_once(
    ledger, client_for, django_assert_max_num_queries, actor, most
):
    """Months, open deadlines, regions, industries: one read each; labels come from the
    region and industry pickers' rows, which are cached (core/caching.py); the session, then
    the user with the menu's unread count, the demo banner and the pickers' stamp in one
    statement: 6 statements (issue 11, item 4: 16–19 before, 10 without the cache)."""
    client = client_for(world.actor(actor))
    client.get(reverse("hazards:clearing_figures"))
    with django_assert_max_num_queries(most):
        client.get(reverse("hazards:clearing_figures"))
