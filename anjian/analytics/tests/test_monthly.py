"""区情月报: a month of records in, a .docx and an .xlsx out with those figures — generated
at once (the CLI's way) and through the background job (the page's way); bad input
refused in Chinese; a neighbouring district's official neither asks for nor reads
杨浦区's report."""

from datetime import date, timedelta
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from anjian.accidents.choices import Category
from anjian.accidents.investigation import accident_void
from anjian.accidents.tests.factories import at, report
from anjian.analytics.monthly import services
from anjian.analytics.monthly.services import report_generate, report_request
from anjian.analytics.report_models import MonthlyReport, ReportState
from anjian.core.exceptions import NotPermitted, OutOfScope, ValidationError
from anjian.core.models import BackgroundJob, JobStatus, SiteFlag
from anjian.hazards.choices import State
from anjian.hazards.tests.factories import hazard_in
from testsupport import world

MONTH = date(2025, 11, 1)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def official():
    return world.actor("district_official")


def a_month_of_accidents():
    """杨浦区, November 2025: three accidents, four dead (two streets, two categories);
    one in October (the year to date: four, five dead); one the November before (none
    dead); one in 虹口区 (not 杨浦's)."""
    for day, street, category, deaths in (
        (3, world.YINHANG, Category.TRADE_OTHER, 2),
        (12, world.YINHANG, Category.CONSTRUCTION, 1),
        (20, world.PINGLIANG, Category.ROAD, 1),
        (25, world.PINGLIANG, Category.TRADE_OTHER, 0),  # voided below: never counted
    ):
        moment = at(2025, 11, day, 10)
        filed = report(
            now=moment + timedelta(minutes=30),
            occurred_at=moment,
            region=street,
            category=category,
            deaths=deaths,
            minor_injuries=0 if deaths else 1,
        )
        if day == 25:
            accident_void(
                by=official(), accident_id=filed.pk, expected_version=filed.version, reason="重复"
            )
    report(now=at(2025, 10, 8, 11), occurred_at=at(2025, 10, 8, 10), region=world.PINGLIANG)
    report(now=at(2024, 11, 5, 11), occurred_at=at(2024, 11, 5, 10), deaths=0, serious_injuries=1)
    hongkou = world.enterprise("hongkou_shop").street_id
    report(
        by=world.actor("admin"),
        now=at(2025, 11, 6, 11),
        occurred_at=at(2025, 11, 6, 10),
        region=hongkou,
        deaths=3,
    )


def paragraphs(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


def table_rows(document) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for t in document.tables for row in t.rows]


def sheet(workbook, title) -> list[list]:
    return [list(row) for row in workbook[title].iter_rows(values_only=True)]


def opened(report: MonthlyReport):
    with report.docx.open("rb") as docx, report.xlsx.open("rb") as xlsx:
        return Document(BytesIO(docx.read())), load_workbook(BytesIO(xlsx.read()))


# --- the document ------------------------------------------------------------------------


def test_the_report_states_the_months_accidents_in_words_tables_and_charts(db):
    a_month_of_accidents()
    made = report_generate(region=world.YANGPU, month="2025-11", by=official())
    assert made.state == ReportState.DONE
    document, _workbook = opened(made)
    text = paragraphs(document)
    assert "杨浦区安全生产区情月报（2025年11月）" in text
    assert "编制单位：杨浦区安全生产委员会办公室" in text
    assert "事故3起，死亡4人" in text
    assert "起数同比增加2起（上升200.0%）" in text
    assert "1—11月累计发生生产安全事故4起，死亡5人" in text
    assert "殷行街道最多（2起）" in text
    for heading in (
        "一、事故情况",
        "二、指标完成情况",
        "三、隐患排查治理",
        "四、监督检查与执法",
        "五、监测预警",
        "六、重点工作进展",
        "七、下步工作建议",
    ):
        assert heading in text
    rows = table_rows(document)
    assert ["一般事故", "3", "4", "4", "5"] in rows
    assert ["合计", "3", "4", "4", "5"] in rows
    assert ["殷行街道", "2", "3", "2", "3"] in rows
    assert ["平凉路街道", "1", "1", "2", "2"] in rows
    assert ["道路交通", "1", "1", "1", "1"] in rows
    deaths = next(row for row in rows if row[0].startswith("生产安全事故死亡人数"))
    assert deaths[1:4] == ["5", "0", "+5"]
    assert len(document.inline_shapes) == 2  # accidents by month, deaths over five years
    assert "殷行街道本月发生事故2起" in text  # 七: where accidents concentrate


def test_the_annex_has_the_same_numbers_on_a_sheet_per_section(db):
    a_month_of_accidents()
    made = report_generate(region=world.YANGPU, month="2025-11")
    _document, workbook = opened(made)
    accidents = sheet(workbook, "事故情况")
    assert accidents[0][:2] == ["分组", "项目"]
    assert ["合计", "本年", 3, 4, 4, 5] in accidents
    assert ["合计", "去年同期", 1, 0, 1, 0] in accidents
    assert ["街镇", "殷行街道", 2, 3, 2, 3] in accidents
    records = sheet(workbook, "本月事故明细")
    assert len(records) == 1 + 3  # header and the month's counted records
    assert sorted(r[6] for r in records[1:]) == [1, 1, 2]
    for title in ("指标完成情况", "隐患排查治理", "监督检查与执法", "监测预警", "重点工作进展"):
        assert title in workbook.sheetnames
    assert made.figures["accidents"]["month"] == {"accidents": 3, "deaths": 4}
    assert made.figures["accidents"]["year_last_year"] == {"accidents": 1, "deaths": 0}


def test_hazards_of_the_month_are_counted_with_their_clearing(db):
    hazard_in(State.REGISTERED)
    hazard_in(State.CLOSED)
    today = timezone.localdate()
    made = report_generate(region=world.YANGPU, month=today)
    document, workbook = opened(made)
    assert "共排查发现隐患2项，已上账2项，已销号1项，整改率50.0%" in paragraphs(document)
    totals = {r[0]: r[1] for r in sheet(workbook, "隐患排查治理")[1:]}
    assert totals["本月发现"] == 2
    assert totals["本月发现中已销号"] == 1
    assert totals["现存未销号"] == 1
    assert ["殷行街道", "2", "1", "1", "0", "0"] in table_rows(document)


def test_a_month_without_records_still_makes_a_report_that_says_none(db):
    made = report_generate(region=world.HONGKOU, month="2020-03")
    document, workbook = opened(made)
    text = paragraphs(document)
    assert "虹口区无生产安全事故发生" in text
    assert "无隐患排查治理数据（无）" in text
    assert "无监督检查执法记录（无）" in text
    assert "尚未接入在线监测设备" in text
    assert "目前无挂牌督办中的重大事故隐患（无）" in text
    assert "本月各项工作运行平稳" in text
    assert sheet(workbook, "本月事故明细") == [sheet(workbook, "本月事故明细")[0]]
    assert "合成数据" not in text


def test_synthetic_data_is_said_to_be_synthetic(db):
    SiteFlag.objects.create(key=SiteFlag.DEMO_DATA, value={"seed": 1})
    made = report_generate(region=world.YANGPU, month="2025-11")
    document, _workbook = opened(made)
    assert "合成数据" in paragraphs(document)


def test_regenerating_replaces_the_files_of_the_same_row(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = report_generate(region=world.YANGPU, month="2025-11")
    old = first.docx.name
    a_month_of_accidents()
    with django_capture_on_commit_callbacks(execute=True):
        second = report_generate(region=world.YANGPU, month="2025-11", by=official())
    assert second.pk == first.pk and MonthlyReport.objects.count() == 1
    assert second.version > first.version
    assert second.generated_by == official()
    assert not first.docx.storage.exists(old)
    assert "事故3起，死亡4人" in paragraphs(opened(second)[0])


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("region", "month", "message"),
    [
        ("310110", "2026-13", "月份应在 1 至 12 之间"),
        ("310110", "abc", "月份格式应为“年-月”"),
        ("999999", "2025-11", "地区代码“999999”不存在"),
        (world.YINHANG, "2025-11", "区情月报按区（县）或全市编制"),
        ("310110", "2999-01", "尚未到来"),
    ],
)
def test_the_command_refuses_a_bad_region_or_month_in_chinese(db, region, month, message):
    with pytest.raises(CommandError) as refused:
        call_command("report", "monthly", "--region", region, "--month", month, "--no-progress")
    assert message in str(refused.value)
    assert refused.value.returncode == 2
    assert not MonthlyReport.objects.exists()


def test_the_command_writes_the_files_and_prints_their_paths(db, tmp_path):
    a_month_of_accidents()
    out = StringIO()
    call_command(
        "report",
        "monthly",
        "--region",
        world.YANGPU,
        "--month",
        "2025-11",
        "--output",
        str(tmp_path),
        "--no-progress",
        stdout=out,
    )
    printed = out.getvalue().split()
    assert printed == [
        str(tmp_path / "杨浦区安全生产区情月报（2025年11月）.docx"),
        str(tmp_path / "杨浦区安全生产区情月报（2025年11月）附表.xlsx"),
    ]
    assert "事故3起，死亡4人" in paragraphs(Document(printed[0]))
    assert MonthlyReport.objects.get().generated_by is None  # the command line


def test_a_month_in_the_future_or_without_the_right_is_refused_by_the_service(db):
    next_month = (timezone.localdate().replace(day=28) + timedelta(days=5)).strftime("%Y-%m")
    with pytest.raises(ValidationError) as refused:
        report_request(by=official(), region=world.YANGPU, month=next_month)
    assert "尚未到来" in str(refused.value)
    with pytest.raises(NotPermitted):
        report_request(by=world.actor("leader"), region=world.YANGPU, month="2025-11")


# --- the background job ------------------------------------------------------------------


def test_the_page_starts_a_job_whose_report_is_downloadable_when_done(
    db, client_for, django_capture_on_commit_callbacks
):
    a_month_of_accidents()
    client = client_for(official())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("analytics:report_generate"), {"region": world.YANGPU, "month": "2025-11"}
        )
    made = MonthlyReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("analytics:report_detail", args=[made.pk])
    assert made.state == ReportState.QUEUED and made.job.kind == services.KIND
    status = client.get(response["Location"], headers={"HX-Request": "true"})
    assert b"hx-get" in status.content and b'data-report-state="queued"' in status.content
    assert b"data-download" not in status.content

    call_command("worker", batch=True, verbosity=0)

    made.refresh_from_db()
    assert made.state == ReportState.DONE
    assert made.job.status == JobStatus.SUCCEEDED and made.job.percent == 100
    page = client.get(response["Location"]).content.decode()
    assert 'data-report-state="done"' in page and "hx-get" not in page
    download = client.get(reverse("analytics:report_download", args=[made.pk, "docx"]))
    assert download.status_code == 200
    assert "%E5%8C%BA%E6%83%85%E6%9C%88%E6%8A%A5" in download["Content-Disposition"]  # 区情月报
    document = Document(BytesIO(b"".join(download.streaming_content)))
    assert "事故3起，死亡4人" in paragraphs(document)
    annex = client.get(reverse("analytics:report_download", args=[made.pk, "xlsx"]))
    workbook = load_workbook(BytesIO(b"".join(annex.streaming_content)))
    assert ["合计", "本年", 3, 4, 4, 5] in sheet(workbook, "事故情况")
    assert str(made.region.name) in client.get(reverse("analytics:report_list")).content.decode()


def test_asking_twice_while_queued_starts_one_job(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = report_request(by=official(), region=world.YANGPU, month="2025-11")
        second = report_request(by=official(), region=world.YANGPU, month="2025-11")
    assert first.pk == second.pk and first.job_id == second.job_id
    assert BackgroundJob.objects.filter(kind=services.KIND).count() == 1


def test_a_job_of_a_user_who_lost_the_district_fails_saying_why(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        made = report_request(by=official(), region=world.YANGPU, month="2025-11")
    user = official()
    user.is_active = False
    user.save(update_fields=["is_active"])
    call_command("worker", batch=True, verbosity=0)
    made.refresh_from_db()
    assert made.state == ReportState.FAILED and "已无生成该地区月报的权限" in made.message
    assert made.job.status == JobStatus.FAILED


def test_a_report_whose_job_was_stopped_shows_failed_and_may_be_asked_again(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        made = report_request(by=official(), region=world.YANGPU, month="2025-11")
    BackgroundJob.objects.filter(pk=made.job_id).update(
        status=JobStatus.FAILED, message="任务超过时限"
    )
    made.refresh_from_db()
    assert made.shown_state == ReportState.FAILED and made.shown_message == "任务超过时限"
    with django_capture_on_commit_callbacks(execute=True):
        again = report_request(by=official(), region=world.YANGPU, month="2025-11")
    assert again.job_id != made.job_id and again.state == ReportState.QUEUED


# --- scope ----------------------------------------------------------------------------------


def test_a_neighbouring_official_neither_asks_for_nor_reads_yangpus_report(
    db, client_for, django_capture_on_commit_callbacks
):
    made = report_generate(region=world.YANGPU, month="2025-11")
    neighbour = world.actor("neighbour_official")
    with pytest.raises(OutOfScope):
        report_request(by=neighbour, region=world.YANGPU, month="2025-11")
    client = client_for(neighbour)
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(
            reverse("analytics:report_generate"), {"region": world.YANGPU, "month": "2025-11"}
        )
    assert asked.status_code == 404
    for url in (
        reverse("analytics:report_detail", args=[made.pk]),
        reverse("analytics:report_download", args=[made.pk, "docx"]),
        reverse("analytics:report_download", args=[made.pk, "xlsx"]),
    ):
        assert client.get(url).status_code == 404
    listed = client.get(reverse("analytics:report_list")).content.decode()
    assert f'data-report="{made.pk}"' not in listed
    assert not BackgroundJob.objects.exists()
    # 杨浦's own leader reads it.
    leader = client_for(world.actor("leader"))
    assert leader.get(reverse("analytics:report_detail", args=[made.pk])).status_code == 200
