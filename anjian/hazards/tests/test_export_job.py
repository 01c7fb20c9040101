"""问题隐患清单 over ANJIAN_EXPORT_SYNC_ROWS rows is written by a background job (issue 11,
item 13): the same workbook the page writes, as its user at run time, under a time limit,
downloadable by that user only; small exports stay a direct download."""

from io import BytesIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from openpyxl import load_workbook

from anjian.core import jobs
from anjian.core.models import BackgroundJob, JobStatus
from anjian.hazards import exports
from anjian.hazards.choices import Grade, State
from anjian.hazards.ledger import COLUMNS
from anjian.hazards.tests.factories import hazard_in
from testsupport import world

EXPORT = reverse("hazards:hazard_export")


@pytest.fixture
def ledger(db, settings, tmp_path):
    """Hazards in both districts, in several states (closed ones have an acceptor, major
    ones clauses); job files go to a throw-away media directory."""
    settings.MEDIA_ROOT = tmp_path
    admin = world.actor("admin")
    for name in ("yinhang_chemical", "pingliang_factory", "hongkou_shop"):
        enterprise = world.enterprise(name)
        hazard_in(State.CLOSED, by=admin, enterprise=enterprise)
        hazard_in(State.REGISTERED, grade=Grade.MAJOR, by=admin, enterprise=enterprise)
        hazard_in(State.REPORTED, by=admin, enterprise=enterprise)


def sheets(content: bytes) -> dict[str, list[tuple]]:
    workbook = load_workbook(BytesIO(content), read_only=True)
    return {
        sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in workbook.worksheets
    }


def download(client, job) -> dict[str, list[tuple]]:
    response = client.get(reverse("core:job_download", args=[job.pk]))
    assert response.status_code == 200
    return sheets(b"".join(response.streaming_content))


def export_by_job(client, capture, params=None) -> BackgroundJob:
    """Start the export as the client's user (it must become a job), run the worker.
    ``capture``: pytest-django's django_capture_on_commit_callbacks (the job is enqueued
    when its row commits)."""
    with capture(execute=True), override_settings(EXPORT_SYNC_ROWS=0):
        response = client.get(EXPORT, params or {})
    job = BackgroundJob.objects.get(kind=exports.EXPORT)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:job_detail", args=[job.pk])
    call_command("worker", batch=True, verbosity=0)
    job.refresh_from_db()
    return job


def test_a_small_export_is_a_direct_download(ledger, client_for, settings):
    settings.EXPORT_SYNC_ROWS = 100
    response = client_for(world.actor("district_official")).get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert not BackgroundJob.objects.exists()


def test_above_the_setting_the_export_becomes_a_job_with_a_progress_page(
    ledger, client_for, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_SYNC_ROWS = 2
    client = client_for(world.actor("district_official"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(EXPORT, follow=True)
    page = response.content.decode()
    assert "问题隐患清单导出" in page and "<progress" in page
    assert "导出行数较多，已转为后台任务" in page


def test_the_job_writes_the_same_workbook_as_the_page(
    ledger, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.actor("district_official"))
    params = {"grade": "major", "sort": "-found_at"}
    page_file = sheets(client.get(EXPORT, params).content)
    job = export_by_job(client, django_capture_on_commit_callbacks, params)
    assert job.status == JobStatus.SUCCEEDED, job.message
    job_file = download(client, job)
    assert list(job_file) == list(page_file) == ["问题隐患清单", "导出说明"]
    assert job_file["问题隐患清单"] == page_file["问题隐患清单"]
    assert len(job_file["问题隐患清单"]) == 1 + 2  # the two major hazards in 杨浦区
    assert job_file["导出说明"] == page_file["导出说明"]
    assert (job.total, job.done, job.report) == (2, 2, {"rows": 2})


def test_the_job_lists_only_what_its_user_sees(
    ledger, client_for, django_capture_on_commit_callbacks
):
    user = world.actor("street_officer")
    client = client_for(user)
    job = export_by_job(client, django_capture_on_commit_callbacks)
    rows = download(client, job)
    units = {row[1] for row in rows["问题隐患清单"][1:]}
    assert units == {world.enterprise("yinhang_chemical").name}


def test_the_job_reads_the_scope_when_it_runs_not_when_it_was_started(
    ledger, client_for, django_capture_on_commit_callbacks
):
    """Started as a district official who is moved to one street before the worker runs:
    the file holds that street's hazards only."""
    user = world.actor("district_official")
    client = client_for(user)
    with django_capture_on_commit_callbacks(execute=True), override_settings(EXPORT_SYNC_ROWS=0):
        client.get(EXPORT)
    type(user).objects.filter(pk=user.pk).update(region_id=world.YINHANG)
    call_command("worker", batch=True, verbosity=0)
    job = BackgroundJob.objects.get(kind=exports.EXPORT)
    rows = download(client, job)
    units = {row[1] for row in rows["问题隐患清单"][1:]}
    assert units == {world.enterprise("yinhang_chemical").name}


@pytest.mark.parametrize("change", [{"role": "expert"}, {"is_active": False}])
def test_a_user_who_lost_the_right_to_export_gets_a_failed_job_and_no_file(
    ledger, client_for, django_capture_on_commit_callbacks, change
):
    """Made an expert (no hazard export) or deactivated between start and run."""
    user = world.actor("district_official")
    client = client_for(user)
    with django_capture_on_commit_callbacks(execute=True), override_settings(EXPORT_SYNC_ROWS=0):
        client.get(EXPORT)
    type(user).objects.filter(pk=user.pk).update(**change)
    call_command("worker", batch=True, verbosity=0)
    job = BackgroundJob.objects.get(kind=exports.EXPORT)
    assert job.status == JobStatus.FAILED and not job.output_file
    assert job.message == "导出未执行：发起人的账号已停用或已无导出权限。"


def test_only_the_user_who_started_it_sees_the_job_and_its_file(
    ledger, client_for, django_capture_on_commit_callbacks
):
    job = export_by_job(
        client_for(world.actor("district_official")), django_capture_on_commit_callbacks
    )
    assert job.output_file
    for other in ("admin", "street_officer", "neighbour_official"):
        client = client_for(world.actor(other))
        assert client.get(reverse("core:job_detail", args=[job.pk])).status_code == 404, other
        assert client.get(reverse("core:job_download", args=[job.pk])).status_code == 404, other


def test_the_job_has_a_time_limit(settings):
    settings.JOB_TIME_LIMIT_MINUTES = 7
    limit = jobs.job_time_limit(exports.EXPORT)
    assert limit.total_seconds() == 7 * 60


def test_the_export_runs_a_fixed_number_of_statements_whatever_the_rows(db, settings, tmp_path):
    """Clauses, listings and the acceptor come with each chunk of hazards, not row by row."""
    settings.MEDIA_ROOT = tmp_path
    user = world.actor("district_official")

    def statements() -> int:
        queryset, _about = exports.ledger_rows(user, {})
        with CaptureQueriesContext(connection) as captured:
            rows = list(queryset.iterator(chunk_size=2000))
            for hazard in rows:
                [column.export(hazard) for column in COLUMNS]
        return len(captured)

    hazard_in(State.CLOSED, grade=Grade.MAJOR)
    few = statements()
    for _ in range(3):
        hazard_in(State.CLOSED, grade=Grade.MAJOR)
        hazard_in(State.REGISTERED)
    assert statements() == few
