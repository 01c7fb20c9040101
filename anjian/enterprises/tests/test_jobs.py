"""Background jobs of the registry, run by the real worker (django-tasks-db, `anjian worker`)."""

import time
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from anjian.core.models import BackgroundJob, JobStatus
from anjian.enterprises import exporter
from anjian.enterprises.importer import MODE_ALL, MODE_VALID
from anjian.enterprises.models import Enterprise
from anjian.enterprises.tests.import_support import HOSTILE_MESSAGES, hostile, row, xlsx
from testsupport import world

UPLOAD = reverse("enterprises:enterprise_import")


def start_import(client, rows, *, mode=MODE_ALL, capture) -> BackgroundJob:
    """Upload a file from the page; the job is enqueued when the request's transaction commits."""
    upload = SimpleUploadedFile("企业名单.xlsx", xlsx(rows).getvalue())
    with capture(execute=True) as callbacks:
        response = client.post(UPLOAD, {"file": upload, "mode": mode})
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert len(callbacks) == 1, "job_start must enqueue once, after commit"
    return BackgroundJob.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[-1]))


def work() -> None:
    """One pass of the real worker: run everything queued, then exit."""
    call_command("worker", batch=True, verbosity=0)


def test_an_import_started_from_the_page_runs_to_completion(
    client_for, district_official, django_capture_on_commit_callbacks
):
    client = client_for(district_official)
    job = start_import(client, [row(1), row(2)], capture=django_capture_on_commit_callbacks)
    assert job.status == JobStatus.QUEUED
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    work()

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert (job.total, job.done) == (2, 2)
    assert job.message == "已导入 2 家单位"
    assert job.report["created"] == 2
    assert job.report["error_rows"] == 0
    assert not job.output_file  # no error rows, no error report
    assert job.started_at <= job.finished_at
    assert set(
        Enterprise.objects.filter(name__startswith="导入测试").values_list("name", flat=True)
    ) == {"导入测试00001有限公司", "导入测试00002有限公司"}
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"

    page = client.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    assert 'data-job-status="succeeded"' in page
    assert "共 2 行：导入 2 行，0 行有错误。" in page
    assert "hx-trigger" not in page  # a finished job stops polling


def test_an_import_with_errors_reports_them_and_offers_the_error_rows_for_download(
    client_for, district_official, django_capture_on_commit_callbacks
):
    client = client_for(district_official)
    job = start_import(
        client,
        [row(1), row(2, employees="很多"), row(3, street="不存在街道")],
        mode=MODE_VALID,
        capture=django_capture_on_commit_callbacks,
    )
    work()

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.report["created"] == 1
    assert job.report["error_rows"] == 2
    assert [entry["row"] for entry in job.report["errors"]] == [3, 4]
    assert job.output_file.name.endswith(".xlsx")

    page = client.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    assert "共 3 行：导入 1 行，2 行有错误。" in page
    assert "无错误的行已导入" in page
    assert "【所属街镇】街镇“不存在街道”不存在或不在您的管辖范围内" in page

    download = client.get(reverse("core:job_download", args=[job.pk]))
    assert download.status_code == 200
    report = load_workbook(BytesIO(b"".join(download.streaming_content)))["错误行"]
    lines = list(report.iter_rows(values_only=True))
    assert lines[0][0] == "原行号" and lines[0][-1] == "错误说明"
    assert [line[0] for line in lines[1:]] == [3, 4]
    assert "【从业人员数】" in lines[1][-1]
    assert lines[1][1] == "导入测试00002有限公司"  # the row as uploaded, ready to fix


def test_an_import_in_mode_all_with_an_error_writes_nothing(
    client_for, district_official, django_capture_on_commit_callbacks
):
    client = client_for(district_official)
    job = start_import(
        client, [row(1), row(2, employees="很多")], capture=django_capture_on_commit_callbacks
    )
    work()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.message == "未导入任何单位"
    assert job.report["created"] == 0
    assert not Enterprise.objects.filter(name__startswith="导入测试").exists()
    page = client.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    assert "本次没有导入任何记录" in page


def test_an_unreadable_file_fails_the_job_and_the_page_says_why(
    client_for, district_official, django_capture_on_commit_callbacks
):
    client = client_for(district_official)
    headers_only = SimpleUploadedFile("空表.xlsx", xlsx([]).getvalue())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(UPLOAD, {"file": headers_only, "mode": MODE_ALL})
    work()
    job = BackgroundJob.objects.get()
    assert job.status == JobStatus.FAILED
    assert job.message == "文件中没有数据行（表头以下为空）"
    assert job.report["file_error"] == "文件中没有数据行（表头以下为空）"
    page = client.get(response["Location"]).content.decode()
    assert 'data-job-status="failed"' in page
    assert "data-job-error" in page
    assert "文件中没有数据行" in page
    assert "bg-green-lt" not in page


@pytest.mark.parametrize("kind", sorted(HOSTILE_MESSAGES))
def test_a_hostile_file_fails_its_import_job_quickly_with_a_chinese_message(
    client_for, district_official, django_capture_on_commit_callbacks, kind
):
    client = client_for(district_official)
    upload = SimpleUploadedFile("企业名单.xlsx", hostile(kind))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(UPLOAD, {"file": upload, "mode": MODE_ALL})
    assert response.status_code == 302
    started = time.process_time()  # CPU time: immune to a loaded machine's wall clock
    work()
    elapsed = time.process_time() - started
    assert elapsed < 3, f"{kind}: {elapsed:.2f} s"
    job = BackgroundJob.objects.get()
    assert job.status == JobStatus.FAILED
    assert job.message.startswith(HOSTILE_MESSAGES[kind]), job.message
    assert job.finished_at is not None
    page = client.get(response["Location"]).content.decode()
    assert 'data-job-status="failed"' in page
    assert HOSTILE_MESSAGES[kind] in page
    assert "hx-trigger" not in page  # finished: the page stops polling
    assert not Enterprise.objects.filter(name="导入测试00090有限公司").exists()


def test_the_job_runs_as_the_user_who_started_it(
    client_for, street_officer, django_capture_on_commit_callbacks
):
    """Scope in a job is the starter's: a street officer's file cannot reach another street."""
    job = start_import(
        client_for(street_officer),
        [row(1), row(2, street="平凉路街道")],
        mode=MODE_VALID,
        capture=django_capture_on_commit_callbacks,
    )
    work()
    job.refresh_from_db()
    assert job.report["created"] == 1
    assert [entry["row"] for entry in job.report["errors"]] == [3]
    assert Enterprise.objects.get(name="导入测试00001有限公司").created_by == street_officer


def test_a_large_export_runs_as_a_job_and_its_file_is_the_filtered_list(
    client_for, district_official, enterprises, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(exporter, "SYNC_EXPORT_LIMIT", 1)
    client = client_for(district_official)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("enterprises:enterprise_export"), {"q": "殷行"})
    job = BackgroundJob.objects.get()
    assert response["Location"] == reverse("core:job_detail", args=[job.pk])

    work()

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert (job.total, job.done, job.report) == (2, 2, {"rows": 2})
    assert job.message == "已导出 2 家单位"
    download = client.get(reverse("core:job_download", args=[job.pk]))
    workbook = load_workbook(BytesIO(b"".join(download.streaming_content)), read_only=True)
    names = {r[1] for r in workbook["生产经营单位"].iter_rows(min_row=2, values_only=True)}
    assert names == {
        world.ENTERPRISE_NAMES["yinhang_chemical"],
        world.ENTERPRISE_NAMES["yinhang_site"],
    }
    about = dict(workbook["导出说明"].iter_rows(values_only=True))
    assert about["筛选：搜索"] == "殷行"


def test_a_job_whose_handler_fails_is_marked_failed_with_the_reason(
    client_for, district_official, django_capture_on_commit_callbacks
):
    client = client_for(district_official)
    job = start_import(client, [row(1)], capture=django_capture_on_commit_callbacks)
    job.input_file.delete(save=True)  # the upload vanished before the worker got to it
    work()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message.startswith("任务失败：系统内部错误")
    page = client.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    assert 'data-job-status="failed"' in page
    assert "No such file" not in page and "FileNotFoundError" not in page


def test_a_job_is_run_once_even_if_delivered_twice(
    client_for, district_official, django_capture_on_commit_callbacks
):
    from anjian.core.jobs import run_background_job

    job = start_import(
        client_for(district_official), [row(1)], capture=django_capture_on_commit_callbacks
    )
    work()
    job.refresh_from_db()
    first_run = (job.started_at, job.finished_at, job.report)
    run_background_job.enqueue(job_id=job.pk)  # a re-delivery
    work()
    job.refresh_from_db()
    assert (job.started_at, job.finished_at, job.report) == first_run
    assert job.report["created"] == 1
    assert Enterprise.objects.filter(name="导入测试00001有限公司").count() == 1
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2


@pytest.mark.parametrize("other", ["grid_member", "district_official", "admin"])
def test_another_user_gets_404_on_someone_elses_job(
    client_for, street_officer, other, django_capture_on_commit_callbacks
):
    job = start_import(
        client_for(street_officer), [row(1)], capture=django_capture_on_commit_callbacks
    )
    work()
    intruder = client_for(world.actor(other))
    assert intruder.get(reverse("core:job_detail", args=[job.pk])).status_code == 404
    assert intruder.get(reverse("core:job_download", args=[job.pk])).status_code == 404


def test_the_owner_sees_the_job_while_it_is_queued_and_the_page_polls(
    client_for, street_officer, django_capture_on_commit_callbacks
):
    client = client_for(street_officer)
    job = start_import(client, [row(1)], capture=django_capture_on_commit_callbacks)
    page = client.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    assert 'data-job-status="queued"' in page
    assert 'hx-trigger="every 1s"' in page
    fragment = client.get(
        reverse("core:job_detail", args=[job.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert fragment.lstrip().startswith('<div id="job-status"')
    assert client.get(reverse("core:job_download", args=[job.pk])).status_code == 404
