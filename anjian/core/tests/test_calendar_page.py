"""工作日历: the years the calendar covers, and entering a year the package lacks."""

from datetime import date

import pytest
from django.urls import reverse

from anjian.core.models import WorkCalendarDay, WorkCalendarYear
from anjian.core.views_calendar import parse_days
from anjian.core.workdays import is_working_day
from testsupport import world

pytestmark = pytest.mark.django_db
URL = "core:work_calendar"


def test_parsing_runs_weekends_and_make_up_days():
    days = parse_days("2031-01-01 元旦\n\n2031-01-31~2031-02-06 春节\n2031-02-08 调休上班\n")
    assert (date(2031, 1, 1), False, "元旦") in days
    # 2031-02-01/02 are a weekend inside the run: off anyway, not listed.
    assert [d for d, working, _ in days if not working and d.month == 2] == [
        date(2031, 2, 3),
        date(2031, 2, 4),
        date(2031, 2, 5),
        date(2031, 2, 6),
    ]
    assert (date(2031, 2, 8), True, "调休上班") in days


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("元旦 2031-01-01", "应为“日期 名称”"),
        ("2031-02-30 不存在", "日期不存在"),
        ("2031-02-10~2031-02-01 倒序", "结束日期应在开始日期之后"),
    ],
)
def test_bad_lines_are_named(text, message):
    with pytest.raises(Exception) as refused:
        parse_days(text)
    assert message in str(refused.value)


def test_the_administrator_enters_a_year_and_it_counts(client):
    client.force_login(world.actor("admin"))
    page = client.get(reverse(URL))
    assert page.status_code == 200
    assert "chinese-calendar" in page.content.decode()
    answer = client.post(
        reverse(URL),
        {
            "year": "2031",
            "source": "国办发明电〔2030〕1号",
            "days": "2031-01-01 元旦\n2031-01-04 调休上班",
        },
    )
    assert answer.status_code == 302
    assert WorkCalendarYear.objects.get(year=2031).entered_by == world.actor("admin")
    assert set(WorkCalendarDay.objects.filter(day__year=2031).values_list("day", "working")) == {
        (date(2031, 1, 1), False),
        (date(2031, 1, 4), True),
    }
    assert not is_working_day(date(2031, 1, 1))


def test_bad_input_keeps_the_form_and_names_the_problem(client):
    client.force_login(world.actor("admin"))
    page = client.post(
        reverse(URL), {"year": "2031", "source": "测试", "days": "2031-01-05 周日放假"}
    )
    assert page.status_code == 200
    assert "本来就是休息日" in page.content.decode()
    assert "2031-01-05 周日放假" in page.content.decode()
    assert not WorkCalendarYear.objects.filter(year=2031).exists()
    page = client.post(reverse(URL), {"year": "2026", "source": "测试", "days": ""})
    assert "已由chinese-calendar" in page.content.decode()


def test_a_district_official_reads_but_may_not_enter(client):
    client.force_login(world.actor("district_official"))
    page = client.get(reverse(URL))
    assert page.status_code == 200
    assert 'name="source"' not in page.content.decode()
    answer = client.post(reverse(URL), {"year": "2031", "source": "x", "days": ""})
    assert answer.status_code == 403
    assert not WorkCalendarYear.objects.filter(year=2031).exists()
