"""What the access tables open for 重大危险源在线监测 (merged into ``test_page_access.PAGES``
and ``test_api_access.API_READS``): the figure, its drill-down and Excel for every reader
of 危险化学品; 关联设备 and 解除关联 on the setup's source (``access_hazchem.hazchem``) for
who manages devices, each posted so that it is let in and nothing is written — an empty
关联设备 is refused (422); unlinking the setup's device, which no source has, leaves it as
it is (302, back to the source's page)."""

from anjian.web.tests.access_hazchem import hazchem
from anjian.web.tests.access_pages import Page
from anjian.web.tests.access_setup import monitoring_device

COVERAGE_PAGES: dict[str, Page] = {
    "hazchem:coverage": Page(),
    "hazchem:coverage_sources": Page(query={"status": "uncovered"}),
    "hazchem:coverage_export": Page(),
    "hazchem:source_devices_link": Page(
        method="post", args=lambda s: [hazchem(s).source.pk], ok=(422,)
    ),
    "hazchem:source_device_unlink": Page(
        method="post", args=lambda s: [hazchem(s).source.pk, monitoring_device(s).pk]
    ),
}

# The reads of the API (their {int:source_id} is the setup's source: access_hazchem).
COVERAGE_API_READS = {
    "/api/v1/hazchem/coverage",
    "/api/v1/hazchem/coverage/sources",
    "/api/v1/hazchem/sources/{int:source_id}/monitoring",
}
