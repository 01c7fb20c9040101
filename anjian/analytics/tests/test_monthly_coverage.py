"""区情月报's 五、监测预警 states the 重大危险源在线监测率 as the seeds mean it — of the sources
that must be monitored online, how many report every required metric in time, and why the
rest do not — read as the region's (``hazchem.selectors_coverage``), in words, in the table,
in the annex, and as a suggestion while it is under 100 %."""

from io import BytesIO

import pytest
from docx import Document
from openpyxl import load_workbook

from anjian.analytics.monthly.services import report_generate
from anjian.hazchem.tests import coverage_world
from anjian.monitoring.tests.factories import hazard_source
from testsupport import world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def opened(report):
    with report.docx.open("rb") as docx, report.xlsx.open("rb") as xlsx:
        return Document(BytesIO(docx.read())), load_workbook(BytesIO(xlsx.read()))


def test_the_report_states_the_rate_and_why_sources_are_not_covered():
    covered = hazard_source(name="一号罐区")
    coverage_world.report(coverage_world.device("R-TK", "tank", covered))
    coverage_world.report(coverage_world.device("R-GT", "gas_toxic", covered))
    hazard_source(name="二号罐区")  # no device
    hazard_source("hongkou_shop", "仓库")  # another district's: not in 杨浦's report

    made = report_generate(
        region=world.YANGPU, month="2025-11", by=world.actor("district_official")
    )

    document, workbook = opened(made)
    text = "\n".join(p.text for p in document.paragraphs)
    assert (
        "须在线监测的重大危险源2个，全部应监测项按时上报的1个，重大危险源在线监测率50.0%"
        "；未覆盖的：未关联监测设备1个。"
    ) in text
    assert "重大危险源在线监测率50.0%，未达100%" in text  # 七、下步工作建议
    annex = {row[0]: row[1] for row in workbook["监测预警"].iter_rows(values_only=True)}
    assert annex["须在线监测的重大危险源（个）"] == 2
    assert annex["重大危险源在线监测率（%）"] == 50.0
    assert made.figures["alarms"]["coverage_rate"] == 50.0


def test_a_district_without_sources_says_none():
    made = report_generate(region=world.HONGKOU, month="2025-11")
    text = "\n".join(p.text for p in opened(made)[0].paragraphs)
    assert "尚未接入在线监测设备" in text
