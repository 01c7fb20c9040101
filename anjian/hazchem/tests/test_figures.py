"""重大危险源统计 (``selectors_figures``, its page, Excel and API): the current sources in
scope by street, district, grade and industry, and every figure's link opens exactly the
sources it counts.

Figures (RULES.md §1): 氯 Q 5 t, β 4; α = 2 (120 people). 10 t → R 16 三级; 35 t → R 56
二级; 2 t → not a source."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from anjian.hazchem import services_sources
from anjian.hazchem.choices import SourceState
from anjian.hazchem.models import MajorHazardSource
from anjian.hazchem.selectors_figures import COLUMNS, default_group, source_figures
from anjian.hazchem.tests import factories as make
from testsupport import world

pytestmark = pytest.mark.django_db


def _source(enterprise: str, tonnes: str, name: str) -> MajorHazardSource:
    by = world.actor("admin")
    unit = make.unit(by, enterprise=enterprise, name=name)
    make.add(unit, "氯", tonnes, by=by)
    return make.source_of(unit)


def _file(source: MajorHazardSource, filed_on) -> MajorHazardSource:
    source.refresh_from_db()
    return services_sources.source_file(
        world.actor("district_official"),
        source_id=source.pk,
        expected_version=source.version,
        filed_on=filed_on,
        filing_number=f"备{source.pk}",
    )


@pytest.fixture
def sources():
    """殷行 (street of yinhang_chemical): a filed 三级, a filed 二级 whose assessment is
    overdue, an overdue 三级 awaiting filing, a lapsed one (待核销), a closed one (not
    counted); 平凉: a new 三级; 虹口 (another district): a 三级."""
    today = timezone.localdate()
    filed = _source("yinhang_chemical", "10", "甲")
    old = _source("yinhang_chemical", "35", "乙")
    late = _source("yinhang_chemical", "10", "丙")
    lapsed = _source("yinhang_chemical", "10", "丁")
    closed = _source("yinhang_chemical", "10", "戊")
    fresh = _source("pingliang_factory", "10", "己")
    elsewhere = _source("hongkou_shop", "10", "庚")
    back = today - timedelta(days=40)
    MajorHazardSource.objects.filter(pk__in=[filed.pk, old.pk, late.pk]).update(
        identified_on=back, filing_due_on=back + timedelta(days=15)
    )
    _file(filed, back + timedelta(days=5))
    _file(old, back + timedelta(days=5))
    MajorHazardSource.objects.filter(pk=old.pk).update(assessment_due_on=today - timedelta(days=1))
    for gone in (lapsed, closed):
        make.change(gone.unit.lines.get(), "2", by=world.actor("admin"))
    closed.refresh_from_db()
    services_sources.source_close(
        world.actor("district_official"),
        source_id=closed.pk,
        expected_version=closed.version,
        closed_on=today,
        reason="拆除",
    )
    return {"filed": filed, "old": old, "late": late, "lapsed": lapsed, "fresh": fresh,
            "elsewhere": elsewhere, "closed": closed}  # fmt: skip


def test_the_district_counts_by_street_every_state_and_grade(sources):
    official = world.actor("district_official")
    rows, total = source_figures(official, "street")

    by_street = {row.label: row.counts for row in rows}
    yinhang = by_street[world.enterprise("yinhang_chemical").street.name]
    assert yinhang == {
        "total": 4,  # the closed one is not current
        "grade1": 0,
        "grade2": 1,
        "grade3": 3,
        "grade4": 0,
        "filed": 2,
        "awaiting": 2,
        "overdue": 1,
        "assessment_overdue": 1,
        "lapsed": 1,
    }
    assert total.counts["total"] == 5  # 殷行 4 + 平凉 1; 虹口 is another district
    assert total.filing_rate == 40.0  # 2 filed of 5
    assert default_group(official) == "street"
    assert default_group(world.actor("admin")) == "district"


@pytest.mark.parametrize("group", ["street", "district", "grade", "industry"])
def test_every_figure_links_to_exactly_the_sources_it_counts(sources, client_for, group):
    official = world.actor("district_official")
    client = client_for(world.actor("district_official"))
    rows, total = source_figures(official, group)
    for row in [*rows, total]:
        for name, figure in zip(COLUMNS, row.figures, strict=True):
            if figure.filters is None:  # a 二级 row's 三级 column
                assert group == "grade" and figure.value == 0 and name.startswith("grade")
                continue
            answer = client.get("/api/v1/hazchem/sources", {**figure.filters, "page_size": 100})
            assert answer.status_code == 200, (row.label, name, answer.content)
            assert answer.json()["count"] == figure.value, (group, row.label, name)


def test_the_neighbouring_district_sees_only_its_own(sources):
    rows, total = source_figures(world.actor("neighbour_official"), "street")

    assert total.counts["total"] == 1 and total.counts["awaiting"] == 1
    assert len(rows) == 1


def test_the_page_shows_the_figures_as_links_and_cards(sources, client_for):
    page = client_for(world.actor("district_official")).get(reverse("hazchem:source_figures"))

    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="figures-table"' in html and 'id="figures-cards"' in html
    assert "overdue=1" in html and "data-filing-rate" in html
    grade = client_for(world.actor("district_official")).get(
        reverse("hazchem:source_figures") + "?by=grade"
    )
    assert "三级" in grade.content.decode()


def test_the_excel_has_a_row_per_group_and_the_total(sources, client_for):
    answer = client_for(world.actor("district_official")).get(
        reverse("hazchem:source_figures_export") + "?by=grade"
    )

    assert answer.status_code == 200
    sheet = load_workbook(BytesIO(answer.content)).worksheets[0]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "级别" and values[0][-1] == "备案率（%）"
    assert [row[0] for row in values[1:]] == ["二级", "三级", "合计"]
    assert values[-1][1] == 5 and values[-1][-1] == 40.0


def test_the_api_answers_a_bad_grouping_in_words(client_for, db):
    answer = client_for(world.actor("district_official")).get(
        "/api/v1/hazchem/figures/sources?by=town"
    )

    assert answer.status_code == 422
    assert "by" in answer.json()["detail"]


def test_the_source_list_filters_overdue_and_industry(sources, client_for):
    client = client_for(world.actor("district_official"))
    late = client.get(reverse("hazchem:source_list") + "?overdue=1")
    industry = sources["filed"].enterprise.industry.code
    by_industry = client.get("/api/v1/hazchem/sources", {"industry": industry})

    assert sources["late"].number in late.content.decode()
    assert sources["filed"].number not in late.content.decode()
    expected = MajorHazardSource.objects.filter(
        industry__code=industry, scope_region_code__startswith="310110"
    ).exclude(state=SourceState.CLOSED)
    assert by_industry.json()["count"] == expected.count()
