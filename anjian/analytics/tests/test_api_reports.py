"""/api/v1/analytics/monthly-reports: ask for a report, poll it, download it — in scope only."""

from io import BytesIO

import pytest
from django.core.management import call_command
from docx import Document

from anjian.accidents.tests.factories import at, report
from anjian.analytics.monthly.services import report_generate
from anjian.analytics.report_models import MonthlyReport
from anjian.core.models import BackgroundJob
from testsupport import world

BASE = "/api/v1/analytics/monthly-reports/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_report_is_asked_for_then_read_and_downloaded(
    db, api_client_for, django_capture_on_commit_callbacks
):
    report(occurred_at=at(2025, 11, 3, 9), now=at(2025, 11, 3, 10), deaths=2)
    client = api_client_for(world.actor("district_official"))
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(BASE, {"region": world.YANGPU, "month": "2025-11"}, "application/json")
    assert asked.status_code == 202, asked.content
    assert asked.json()["state"] == "queued" and asked.json()["docx_url"] == ""
    assert BackgroundJob.objects.filter(kind="monthly_report").count() == 1
    call_command("worker", batch=True, verbosity=0)
    made = MonthlyReport.objects.get()
    record = client.get(f"{BASE}{made.pk}").json()
    assert record["state"] == "done"
    assert record["figures"]  # the numbers the annex holds
    downloaded = client.get(record["docx_url"])
    assert downloaded.status_code == 200
    text = "\n".join(p.text for p in Document(BytesIO(b"".join(downloaded))).paragraphs)
    assert "死亡2人" in text
    assert [r["id"] for r in client.get(BASE).json()] == [made.pk]


def test_bad_input_and_other_districts(db, api_client_for):
    official = api_client_for(world.actor("district_official"))
    bad = official.post(BASE, {"region": world.YANGPU, "month": "2025-13"}, "application/json")
    assert bad.status_code == 422
    neighbour = api_client_for(world.actor("neighbour_official"))
    refused = neighbour.post(BASE, {"region": world.YANGPU, "month": "2025-11"}, "application/json")
    assert refused.status_code == 404
    made = report_generate(region=world.YANGPU, month="2025-10")
    assert neighbour.get(f"{BASE}{made.pk}").status_code == 404
    assert neighbour.get(f"{BASE}{made.pk}/docx").status_code == 404
    assert official.get(f"{BASE}{made.pk}/pdf").status_code == 404
    assert MonthlyReport.objects.count() == 1
