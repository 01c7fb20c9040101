"""Values read at their metric's precision everywhere: 9.500000001 m is "9.50 m", 1e-05 is
"0.00", on the alarm list, the alarm page, the console, the notice, the SMS text, the
chart's data and the Excel ledger."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.template import Context, Template
from django.urls import reverse
from openpyxl import load_workbook

from anjian.core.models import Notification
from anjian.monitoring import display, ingest, selectors, services
from anjian.monitoring.models import Alarm, Metric
from anjian.monitoring.tests.factories import device, group, metric, now_ish, send, threshold
from testsupport import world


@pytest.fixture(autouse=True)
def fresh_registry():
    ingest.registry.clear()


@pytest.fixture
def level(db) -> Metric:
    return metric("tank", "level")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (9.500000001, "9.50 m"),
        (9.499999999, "9.50 m"),
        (1e-05, "0.00 m"),
        (-0.0001, "0.00 m"),  # never "-0.00"
        (12.0, "12.00 m"),
        (None, "—"),
    ],
)
def test_a_level_reads_with_two_decimals(level, value, text):
    assert display.value_text(level, value) == text


def test_each_shipped_metric_has_its_own_precision(db):
    assert display.value_text(metric("gas_toxic", "co"), 29.6) == "30 ppm"
    assert display.value_text(metric("tank", "pressure"), 0.6000000001) == "0.600 MPa"
    assert display.value_text(metric("fire_water", "pressure"), 0.1) == "0.10 MPa"
    assert display.value_text(metric("tank", "temp"), 1e-05, unit=False) == "0.0"


def test_the_ledger_stores_numbers_rounded_to_the_precision(level):
    assert display.rounded(level, 9.500000001) == 9.5
    assert display.rounded(level, 1e-05) == 0.0
    assert str(display.rounded(level, -1e-05)) == "0.0"


def test_the_template_filter_reads_as_the_metric_wants(level):
    template = Template("{% load monitoring %}{{ v|reading:m }}|{{ v|reading_number:m }}")
    assert template.render(Context({"v": 9.500000001, "m": level})) == "9.50 m|9.50"


@pytest.fixture
def noisy_alarm(db, enterprise_manager, django_capture_on_commit_callbacks, caplog):
    """An alarm raised by a float with noise (9.500000001 over a 9.2 limit), its texts sent."""
    tank = device()
    services.duty_person_set(
        by=world.actor("district_official"),
        enterprise=world.enterprise("yinhang_chemical"),
        user=enterprise_manager,
        phone="13800000001",
    )
    threshold(tank, value=9.2)
    caplog.set_level("INFO", logger="anjian.monitoring.alarms")
    with django_capture_on_commit_callbacks(execute=True):
        send(tank, group(now_ish() - timedelta(minutes=2), level=9.500000001))
    return Alarm.objects.get(device=tank)


def test_the_notice_and_the_text_read_at_the_precision(noisy_alarm, enterprise_manager, caplog):
    notice = Notification.objects.get(recipient=enterprise_manager, kind="alarm_raised")
    assert "9.50 m" in notice.body and "9.20 m" in notice.body
    assert "9.500000001" not in notice.body
    texts = "\n".join(record.getMessage() for record in caplog.get_records("setup"))
    assert "TK-101 储罐 高报（二级） — 液位 9.50 m（阈值 9.20 m）" in texts
    assert "9.500000001" not in texts


def test_the_pages_read_at_the_precision(noisy_alarm, client_for):
    client = client_for(world.actor("district_official"))
    pages = {
        "list": client.get(reverse("monitoring:alarm_list")),
        "alarm": client.get(reverse("monitoring:alarm_detail", args=[noisy_alarm.pk])),
        "console": client.get(reverse("monitoring:console")),
        "device": client.get(reverse("monitoring:device_detail", args=[noisy_alarm.device_id])),
    }
    for name, response in pages.items():
        page = response.content.decode()
        assert "9.50" in page, name
        assert "9.500000001" not in page and "9.5000" not in page, name
    assert "9.20 m" in pages["list"].content.decode()


def test_the_chart_data_carries_the_precision_for_its_tooltips(noisy_alarm):
    chart = selectors.alarm_chart(noisy_alarm)
    assert chart["decimals"] == 2 and chart["unit"] == "m" and chart["signal"] == ""


def test_the_ledger_exports_the_value_rounded_with_its_unit(noisy_alarm, client_for):
    response = client_for(world.actor("district_official")).get(reverse("monitoring:alarm_export"))
    rows = list(load_workbook(BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    header = next(r for r in rows if r and "报警值" in r)
    row = rows[rows.index(header) + 1]
    cell = dict(zip(header, row, strict=True))
    assert cell["报警值"] == 9.5 and cell["阈值"] == 9.2 and cell["单位"] == "m"
