"""风险点台账 and 重大风险清单 over ANJIAN_EXPORT_SYNC_ROWS rows are written by a background job
(issue 11, item 13): the same rows the page writes, as the user sees them when it runs,
downloadable by that user only."""

from io import BytesIO

import pytest
from django.core.management import call_command
from django.test.utils import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from anjian.core.models import BackgroundJob, JobStatus
from anjian.risks import jobs
from anjian.risks.tests.factories import make_point
from testsupport import world

HIGH = ("lec", {"L": 3, "E": 6, "C": 15})  # 270: 较大, on the register
LOW = ("lec", {"L": 1, "E": 1, "C": 1})  # 低


@pytest.fixture
def points(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for name in ("yinhang_chemical", "pingliang_factory", "hongkou_shop"):
        enterprise = world.enterprise(name)
        make_point(enterprise, assess=HIGH)
        make_point(enterprise, assess=LOW)
        make_point(enterprise)  # not yet assessed


def sheets(content: bytes) -> dict[str, list[tuple]]:
    workbook = load_workbook(BytesIO(content), read_only=True)
    return {
        sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in workbook.worksheets
    }


def by_job(client, capture, url: str, kind: str, params=None) -> tuple[BackgroundJob, dict]:
    with capture(execute=True), override_settings(EXPORT_SYNC_ROWS=0):
        response = client.get(url, params or {})
    job = BackgroundJob.objects.get(kind=kind)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:job_detail", args=[job.pk])
    call_command("worker", batch=True, verbosity=0)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.message
    download = client.get(reverse("core:job_download", args=[job.pk]))
    return job, sheets(b"".join(download.streaming_content))


def without_time(about: list[tuple]) -> list[tuple]:
    return [row for row in about if row[0] != "导出时间"]


@pytest.mark.parametrize(
    ("name", "kind", "title", "rows"),
    [
        ("risks:risk_point_export", jobs.POINT_EXPORT, "风险点台账", 6),
        ("risks:risk_register_export", jobs.REGISTER_EXPORT, "重大风险清单", 2),
    ],
)
def test_the_job_writes_the_same_workbook_as_the_page(
    points, client_for, django_capture_on_commit_callbacks, name, kind, title, rows
):
    client = client_for(world.actor("district_official"))
    url = reverse(name)
    page_file = sheets(client.get(url, {"sort": "name"}).content)
    job, job_file = by_job(client, django_capture_on_commit_callbacks, url, kind, {"sort": "name"})
    assert list(job_file) == list(page_file) == [title, "导出说明"]
    assert job_file[title] == page_file[title]
    assert len(job_file[title]) == 1 + rows  # 杨浦区 only: the 虹口 points are not there
    assert without_time(job_file["导出说明"]) == without_time(page_file["导出说明"])
    assert job.report == {"rows": rows}


def test_the_job_lists_only_what_its_user_sees(
    points, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.actor("neighbour_official"))
    url = reverse("risks:risk_point_export")
    _job, workbook = by_job(client, django_capture_on_commit_callbacks, url, jobs.POINT_EXPORT)
    units = {row[1] for row in workbook["风险点台账"][1:]}
    assert units == {world.enterprise("hongkou_shop").name}


def test_a_small_export_stays_a_direct_download(points, client_for, settings):
    settings.EXPORT_SYNC_ROWS = 100
    response = client_for(world.actor("district_official")).get(reverse("risks:risk_point_export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert not BackgroundJob.objects.exists()


def test_only_its_owner_downloads_the_file(points, client_for, django_capture_on_commit_callbacks):
    owner = client_for(world.actor("district_official"))
    url = reverse("risks:risk_point_export")
    job, _workbook = by_job(owner, django_capture_on_commit_callbacks, url, jobs.POINT_EXPORT)
    other = client_for(world.actor("admin"))
    assert other.get(reverse("core:job_download", args=[job.pk])).status_code == 404
