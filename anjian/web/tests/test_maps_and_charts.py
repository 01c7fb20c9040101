"""Charts and maps as people see them, on a 390 px phone and a 1366 px laptop, in Debian's
headless Chromium against a demo server (the ``server`` and ``browser`` fixtures,
anjian/web/tests/conftest.py; issue 11, items 9 and 17).

"Overlap" is measured, not looked at: the home charts are drawn as SVG, so every label is a
``<text>`` whose box the page reports; the maps' names are elements of their own pane.
No two shown labels may intersect, and no chart label may stick out of its chart.
"""

import re

import pytest

from testsupport.browser import DESKTOP, PHONE, session

pytestmark = pytest.mark.browser

VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}
# The maps that draw the offline base layer (no tile server in the demo). The device map
# joins when its footnote takes web/_map_base_note.html.
MAPS = {
    "enterprises": "/enterprises/map/",
    "risks": "/risks/map/",
    "hazards": "/hazards/map/",
    "monitoring": "/monitoring/map/",
}

# In the page: the boxes of the shown labels under ``selector``, and what is wrong with
# them as sentences: two that overlap, one outside ``container`` (when given).
OVERLAPS = r"""
([selector, container]) => {
  const problems = [];
  const boxes = [];
  for (const el of document.querySelectorAll(selector)) {
    const text = el.textContent.trim();
    if (!text) { continue; }
    let hidden = false;
    for (let node = el; node && node.nodeType === 1; node = node.parentNode) {
      const style = getComputedStyle(node);
      const opacity = parseFloat(node.getAttribute("opacity") ?? style.opacity);
      if (style.visibility === "hidden" || style.display === "none" || opacity === 0) {
        hidden = true;
        break;
      }
    }
    const box = el.getBoundingClientRect();
    if (hidden || box.width === 0 || box.height === 0) { continue; }
    boxes.push({ text, box, within: container ? el.closest(container) : null });
  }
  const slack = 0.5;
  for (let i = 0; i < boxes.length; i++) {
    const a = boxes[i];
    if (a.within) {
      const edge = a.within.getBoundingClientRect();
      if (a.box.left < edge.left - 1 || a.box.right > edge.right + 1 ||
          a.box.top < edge.top - 1 || a.box.bottom > edge.bottom + 1) {
        problems.push(`"${a.text}" sticks out of its chart`);
      }
    }
    for (let j = i + 1; j < boxes.length; j++) {
      const b = boxes[j];
      if (a.within !== b.within) { continue; }
      if (a.box.left < b.box.right - slack && b.box.left < a.box.right - slack &&
          a.box.top < b.box.bottom - slack && b.box.top < a.box.bottom - slack) {
        problems.push(`"${a.text}" overlaps "${b.text}"`);
      }
    }
  }
  return { count: boxes.length, problems };
}
"""


def page_width(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_home_charts_labels_neither_overlap_nor_stick_out(browser, server, viewport):
    from playwright.sync_api import expect

    size = VIEWPORTS[viewport]
    with session(browser, server, "yp_yjj", size) as (page, _problems):
        page.goto(server.url + "/")
        for chart in ("industry", "grade", "street"):
            expect(page.locator(f"[data-chart={chart}] svg text").first).to_be_attached()
        page.wait_for_timeout(1200)  # the charts' entry animation

        found = page.evaluate(OVERLAPS, ["[data-chart] svg text", "[data-chart]"])

        assert found["problems"] == []
        assert found["count"] > 20  # names, numbers and the legend were all measured
        # Names read across (a row per industry), never rotated into each other.
        expect(page.locator("[data-chart=industry]")).to_have_attribute("data-layout", "horizontal")
        # The donut's numbers are inside the ring; the names are the legend.
        grade = page.locator("[data-chart=grade] svg text")
        expect(grade.filter(has_text="C类")).to_have_count(1)
        assert page_width(page) <= size["width"]


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("name", MAPS)
def test_the_maps_draw_the_named_district_outlines_without_a_tile_server(
    browser, server, name, viewport
):
    from playwright.sync_api import expect

    size = VIEWPORTS[viewport]
    with session(browser, server, "yp_yjj", size) as (page, _problems):
        page.goto(server.url + MAPS[name])
        base = page.locator("#map[data-base]")
        expect(base).to_be_attached()
        expect(page.locator("#map[data-loaded]")).to_be_attached()
        page.wait_for_timeout(500)  # labels are placed on the next frame

        districts = int(base.get_attribute("data-base"))
        assert districts == 16  # Shanghai's, from the vendored data package
        outlines = page.locator(".leaflet-anjian-base-pane path")
        assert outlines.count() == districts
        labels = page.locator(".leaflet-anjian-labels-pane .district-label")
        assert labels.count() == districts
        expect(labels.filter(has_text="虹口区")).to_have_count(1)
        found = page.evaluate(OVERLAPS, [".leaflet-anjian-labels-pane .map-label", None])
        assert found["problems"] == []
        assert found["count"] >= 3  # district and street names were shown and measured

        text = page.locator("body").inner_text()
        assert "ANJIAN_MAP_TILE_URL" not in text
        assert "离线底图：区界与街镇名称" in text
        assert page_width(page) <= size["width"]


def test_the_hazard_map_counts_the_open_hazards_and_marks_the_worst(browser, server):
    from playwright.sync_api import expect

    facts = server.manage(
        "from anjian.accounts.models import User\n"
        "from anjian.hazards import selectors\n"
        "u = User.objects.get(username='yp_yjj')\n"
        "for progress in ('open', 'overdue'):\n"
        "    found = selectors.hazard_filter(u, {'progress': progress}).qs\n"
        "    print(found.count(), found.filter(grade='major').count())\n"
    ).splitlines()[-2:]
    (open_count, open_major), (overdue, _) = (map(int, line.split()) for line in facts)
    assert open_count and open_major and overdue  # the demo has all three
    with session(browser, server, "yp_yjj", DESKTOP) as (page, _problems):
        page.goto(server.url + "/hazards/map/")
        expect(page.locator("#map[data-loaded]")).to_be_attached()

        expect(page.locator("#map-status")).to_have_text(
            re.compile(rf"^地图上显示 {open_count:,} 条隐患$")
        )
        menu = page.locator("#main-menu a[aria-current=page]", has_text="隐患地图")
        expect(menu).to_have_count(1)

        # Zoomed all the way out, the district is one cluster: red (a major hazard is
        # inside) with the overdue ring, counting every open hazard.
        zoom_out = page.locator(".leaflet-control-zoom-out")
        while "leaflet-disabled" not in (zoom_out.get_attribute("class") or ""):
            zoom_out.click()
            page.wait_for_timeout(300)
        cluster = page.locator(".map-cluster")
        expect(cluster).to_have_count(1)
        expect(cluster).to_have_text(str(open_count))
        expect(cluster).to_have_class(re.compile(r"\bmap-cluster-major\b"))
        expect(cluster).to_have_class(re.compile(r"\bmap-cluster-overdue\b"))

        # The 台账 button opens the ledger of exactly these hazards.
        page.get_by_role("link", name="台账").click()
        expect(page).to_have_url(re.compile(r"/hazards/\?progress=open$"))


def test_a_grid_worker_picks_a_unit_near_them_or_of_their_grid(browser, server):
    from playwright.sync_api import expect

    lat, lon, name = (
        server.manage(
            "from anjian.accounts.models import User\n"
            "from anjian.enterprises.models import Enterprise\n"
            "u = User.objects.get(username='yp_grid')\n"
            "e = Enterprise.objects.for_user(u).exclude(latitude=None).order_by('pk').first()\n"
            "print(e.latitude, e.longitude, e.name, sep='|')\n"
        )
        .splitlines()[-1]
        .split("|")
    )
    with session(browser, server, "yp_grid", PHONE) as (page, _problems):
        page.context.grant_permissions(["geolocation"], origin=server.url)
        page.context.set_geolocation({"latitude": float(lat), "longitude": float(lon)})
        page.goto(server.url + "/hazards/report/")
        expect(page.locator("#grid-units .list-group-item").first).to_be_visible()

        page.get_by_role("button", name="按我的位置查找").click()

        first = page.locator("#nearby-list a").first
        expect(first).to_contain_text(name)
        expect(first).to_contain_text("0 米")
        first.click()
        expect(page).to_have_url(re.compile(r"/hazards/report/\?enterprise=\d+$"))
        expect(page.locator("#id_title")).to_be_visible()
