"""The pages in a real browser: Debian's headless Chromium against a real server.

The ``server`` and ``browser`` fixtures (anjian/web/tests/conftest.py, machinery in
testsupport/browser.py) build this module its own database, load the demo data and start
``anjian run`` on a free port; pytest-django's live server is not used (its flush wipes the
shared test world).

Every page is watched for console errors and uncaught exceptions; a Content-Security-
Policy violation is reported by Chromium as a console error, so inline scripts or styles
fail these tests too.
"""

import datetime
import re
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from testsupport.browser import DESKTOP, ENTERPRISES, PHONE
from testsupport.browser import session as _session

pytestmark = pytest.mark.browser


def _results_total(page) -> int:
    footer = page.locator("#results .card-footer").inner_text()
    match = re.search(r"共\s*([\d,]+)\s*条", footer)
    assert match, footer
    return int(match.group(1).replace(",", ""))


def _column(page, index: int) -> list[str]:
    """The text of one column of the results table (hidden phone columns included)."""
    cells = page.locator(f"#results tbody tr td:nth-child({index})")
    return [text.strip() for text in cells.all_text_contents()]


def _query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


# --- the tests --------------------------------------------------------------------


def test_supervisor_filters_edits_and_maps_on_a_phone(browser, server):
    from playwright.sync_api import expect

    with _session(browser, server, "yp_yjj", PHONE) as (page, problems):
        # The registry list, at phone width: no sideways scrolling.
        page.goto(server.url + "/enterprises/")
        expect(page.locator("h2.page-title")).to_have_text("生产经营单位")
        everything = _results_total(page)
        assert 0 < everything <= ENTERPRISES
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        # Filter by industry: htmx swaps the table, the address bar follows.
        table = page.locator("#results").element_handle()
        page.locator("#id_industry").select_option(label="危险化学品")
        expect(page).to_have_url(re.compile(r"[?&]industry=hazchem(&|$)"))
        expect(page.locator("#results .card-header")).to_contain_text("监管行业：危险化学品")
        assert table.evaluate("node => !node.isConnected"), "the results were not swapped"
        hazchem = _results_total(page)
        assert 0 < hazchem < everything
        assert set(_column(page, 4)) == {"危险化学品"}
        expect(page.locator("#map-link")).to_have_attribute(
            "href", re.compile(r"^/enterprises/map/\?.*industry=hazchem")
        )

        # A Chinese search narrows it further as one types.
        name = _column(page, 1)[0]
        term = name[2:6] if name.startswith("上海") else name[:4]
        page.locator("#id_q").fill(term)
        expect(page).to_have_url(re.compile(r"[?&]q=%"))
        expect(page.locator("#results .card-header")).to_contain_text(f"搜索：{term}")
        assert _query(page)["q"] == [term]
        assert _query(page)["industry"] == ["hazchem"]
        assert 0 < _results_total(page) <= hazchem
        assert name in _column(page, 1)

        # The detail page, with its audit history.
        page.get_by_role("link", name=name, exact=True).click()
        expect(page).to_have_url(re.compile(r"/enterprises/\d+/$"))
        detail_url = page.url
        expect(page.locator("h2.page-title")).to_contain_text(name)
        history = page.locator("#history")
        expect(history).to_contain_text("变更记录")
        expect(history.locator("[data-audit-entry]")).to_have_count(1)
        expect(history.locator("[data-audit-entry]").first).to_contain_text("创建")

        # Edit: a bad credit code and an emptied required field come back as Chinese
        # field errors (422), and what else was typed is kept.
        page.get_by_role("link", name="编辑").click()
        expect(page).to_have_url(detail_url + "edit/")
        expect(page.locator("#id_industry")).to_have_value("hazchem")
        credit_code = page.locator("#id_credit_code").input_value()
        legal = page.locator("#id_legal_representative").input_value()
        old_principal = page.locator("#id_principal_name").input_value()
        new_principal = "浏览器测试员" if old_principal != "浏览器测试员" else "浏览器测试"
        page.locator("#id_credit_code").fill("91310110ABCDEFGHIO")
        page.locator("#id_legal_representative").fill("")
        page.locator("#id_principal_name").fill(new_principal)
        problems.expect_one(r"status of 422")
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            page.get_by_role("button", name="保存").click()
        assert posted.value.status == 422
        page.wait_for_load_state()
        expect(page.locator("[data-form-errors]")).to_contain_text("有 2 处需要修改")
        expect(page.locator("#id_credit_code")).to_have_class(re.compile(r"\bis-invalid\b"))
        expect(page.locator("#id_credit_code ~ .invalid-feedback")).to_contain_text(
            "统一社会信用代码"
        )
        expect(page.locator("#id_legal_representative ~ .invalid-feedback")).to_contain_text("必填")
        expect(page.locator("#id_principal_name")).to_have_value(new_principal)
        expect(page.locator("#id_credit_code")).to_have_value("91310110ABCDEFGHIO")
        expect(page.locator("#id_industry")).to_have_value("hazchem")

        # Fixed, it saves, and the change shows in the history.
        page.locator("#id_credit_code").fill(credit_code)
        page.locator("#id_legal_representative").fill(legal)
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            page.get_by_role("button", name="保存").click()
        assert posted.value.status == 302
        expect(page).to_have_url(detail_url)
        expect(page.get_by_role("alert").filter(has_text="已保存")).to_be_visible()
        entries = history.locator("[data-audit-entry]")
        expect(entries).to_have_count(2)
        latest = entries.first
        expect(latest).to_contain_text("修改")
        expect(latest).to_contain_text("yp_yjj")
        change = latest.locator("tbody tr")
        expect(change).to_have_count(1)
        expect(change).to_contain_text("主要负责人")
        expect(change.locator("td").nth(1)).to_have_text(old_principal)
        expect(change.locator("td").nth(2)).to_have_text(new_principal)

        # The map loads the registry's points, and follows its filter form.
        page.goto(server.url + "/enterprises/map/")
        map_element = page.locator("#map")
        expect(map_element).to_have_attribute("data-loaded", re.compile(r"^[1-9]\d*$"))
        shown = int(map_element.get_attribute("data-loaded"))
        assert shown <= everything
        expect(page.locator("#map-status")).to_contain_text(f"地图上显示 {shown:,} 家单位")
        assert page.locator("#map .marker-cluster").count() > 0  # single points are on canvas
        with page.expect_response(re.compile(r"/enterprises/map/points\.json\?")):
            page.locator("#id_industry").select_option("hazchem")
        expect(map_element).not_to_have_attribute("data-loaded", str(shown))
        assert 0 < int(map_element.get_attribute("data-loaded")) <= hazchem
        assert _query(page)["industry"] == ["hazchem"]


def test_enterprise_user_sees_only_their_own_enterprise(browser, server):
    from playwright.sync_api import expect

    with _session(browser, server, "qy_manager", DESKTOP) as (page, problems):
        # A registry of one is not offered: the list sends them to their unit's page.
        page.goto(server.url + "/enterprises/")
        expect(page).to_have_url(re.compile(r"/enterprises/\d+/$"))
        own_url = page.url.removeprefix(server.url)
        expect(page.get_by_role("link", name="新增单位")).to_have_count(0)
        expect(page.locator("h2.page-title")).not_to_be_empty()

        own_pk = int(re.search(r"/enterprises/(\d+)/", own_url).group(1))
        other = own_pk + 1 if own_pk < ENTERPRISES else own_pk - 1
        problems.expect_one(r"status of 404")
        response = page.goto(f"{server.url}/enterprises/{other}/")
        assert response.status == 404

        page.goto(server.url + "/enterprises/map/")
        expect(page.locator("#map")).to_have_attribute("data-loaded", "1")


def _jpeg(path: Path) -> Path:
    from PIL import Image

    Image.new("RGB", (80, 60), (200, 80, 40)).save(path, "JPEG")
    return path


def test_a_hazard_is_reported_on_a_phone_and_counted_in_the_figures(browser, server, tmp_path):
    from playwright.sync_api import expect

    with _session(browser, server, "yp_yjj", DESKTOP) as (page, _problems):
        page.goto(server.url + "/hazards/figures/?period=all")
        found_before = int(page.locator("[data-figure=found] a.h1").inner_text().replace(",", ""))

    with _session(browser, server, "qy_manager", PHONE) as (page, problems):
        page.goto(server.url + "/hazards/report/")
        expect(page.locator("#hazard-report-form")).to_be_visible()
        # The clause picker is loaded with htmx for this enterprise's industry.
        expect(page.locator("#clause-picker input[name=clauses]").first).to_be_attached()
        camera = page.locator("#id_photos")
        assert camera.get_attribute("capture") == "environment"

        # Without a title the form comes back with a Chinese field error (422).
        page.locator("#id_description").fill("二号车间配电箱门敞开，线路裸露")
        page.locator("#id_location").fill("二号车间")
        problems.expect_one(r"status of 422")
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            page.get_by_role("button", name="登记").click()
        assert posted.value.status == 422
        expect(page.locator("#id_title ~ .invalid-feedback")).to_contain_text("必填")

        page.locator("#id_title").fill("配电箱门未关闭（浏览器测试）")
        camera.set_input_files(str(_jpeg(tmp_path / "现场.jpg")))
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            page.get_by_role("button", name="登记").click()
        assert posted.value.status == 302
        expect(page.locator("[data-state=reported]")).to_be_visible()
        expect(page.locator("#photos img.hazard-photo")).to_have_count(1)

        # 上账 from the action card.
        card = page.locator("#action-register")
        card.locator("#id_deadline").fill(
            (datetime.date.today() + datetime.timedelta(days=10)).isoformat()
        )
        card.locator("#id_owner_name").fill("周丽")
        card.locator("#id_measures").fill("更换门锁并整理线路")
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            card.get_by_role("button").click()
        assert posted.value.status == 302
        expect(page.locator("[data-state=registered]")).to_be_visible()
        expect(page.locator("#timeline [data-action=register]")).to_have_count(1)

    with _session(browser, server, "yp_yjj", DESKTOP) as (page, _problems):
        page.goto(server.url + "/hazards/figures/?period=all")
        found = page.locator("[data-figure=found] a.h1")
        expect(found).to_have_text(f"{found_before + 1:,}")
        found.click()
        expect(page.locator("#results")).to_contain_text("配电箱门未关闭（浏览器测试）")


def test_the_risk_map_shows_coloured_points_and_narrows_by_colour(browser, server):
    from playwright.sync_api import expect

    with _session(browser, server, "yp_yjj", DESKTOP) as (page, _problems):
        page.goto(server.url + "/risks/map/")
        map_element = page.locator("#map")
        expect(map_element).to_have_attribute("data-loaded", re.compile(r"^[1-9]\d*$"))
        everyone = int(map_element.get_attribute("data-loaded"))
        expect(page.locator(".risk-cluster, path.leaflet-interactive").first).to_be_attached()

        page.select_option("#id_level", "red")
        expect(map_element).not_to_have_attribute("data-loaded", str(everyone))
        assert int(map_element.get_attribute("data-loaded")) < everyone
        assert "level=red" in page.url


def test_the_console_updates_itself_when_a_device_reports(browser, server):
    import json
    import urllib.request

    from playwright.sync_api import expect

    device, token = (
        server.manage(
            "from anjian.accounts.models import User;"
            "from anjian.monitoring import services;"
            "from anjian.monitoring.models import Device;"
            "d = Device.objects.filter(device_type__code='tank').order_by('pk').first();"
            "admin = User.objects.get(username='admin');"
            "t = services.device_issue_token(by=admin, device_id=d.pk);"
            "print(d.code, t)"
        )
        .splitlines()[-1]
        .split()
    )
    with _session(browser, server, "yp_yjj", DESKTOP) as (page, _problems):
        page.goto(f"{server.url}/monitoring/?q={device}")
        row = page.locator(f"tr[data-device='{device}']")
        expect(row).to_contain_text("未上线")
        before = page.locator("#live").get_attribute("data-refreshed")

        body = {
            "readings": [
                {
                    "ts": datetime.datetime.now(datetime.UTC).isoformat(),
                    "values": {"level": 27.5, "temp": 21.0, "pressure": 0.4},
                }
            ]
        }
        request = urllib.request.Request(
            f"{server.url}/api/v1/monitoring/devices/{device}/telemetry",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "X-Device-Token": token},
        )
        deadline = time.monotonic() + 30  # the server's device cache may take 15 s
        while True:
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    assert json.load(response)["stored"] == 3
                break
            except urllib.error.HTTPError as error:
                assert error.code == 401 and time.monotonic() < deadline, error
                time.sleep(1)

        # No reload: the live part swaps itself in within a few seconds.
        expect(row).to_contain_text("在线", timeout=15_000)
        expect(row).to_contain_text("27.5")
        assert page.locator("#live").get_attribute("data-refreshed") != before
    server.assert_no_server_errors()


def _png(path: Path) -> Path:
    from PIL import Image

    Image.new("RGB", (64, 48), (40, 120, 200)).save(path, "PNG")
    return path


def test_an_inspection_recorded_offline_on_a_phone_arrives_when_online(browser, server, tmp_path):
    """现场检查 without a connection: the service worker serves the form, IndexedDB keeps the
    results and the photo across a reload, and they reach the server once it is back — an
    item a colleague saved differently meanwhile is shown as a conflict, not overwritten."""
    from playwright.sync_api import expect

    unit = server.manage(
        "from anjian.accounts.models import User;"
        "from anjian.enterprises.models import Enterprise;"
        "from anjian.inspections.onsite import selectors;"
        "u = User.objects.get(username='yp_inspector');"
        "units = Enterprise.objects.for_user(u).order_by('pk');"
        "print(next(e.pk for e in units if selectors.checklists_for(e)))"
    ).splitlines()[-1]
    with _session(browser, server, "yp_inspector", PHONE) as (page, problems):
        # The inspector's list, then 开始检查 of a unit: the demo inspector is ticked; one
        # colleague more.
        page.goto(f"{server.url}/inspections/onsite/")
        expect(page.locator("h2.page-title")).to_have_text("现场检查")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.goto(f"{server.url}/inspections/onsite/new/?enterprise={unit}")
        start = page.locator("#start-form")
        expect(start.locator("input[name=inspectors]:checked")).to_have_count(1)
        start.locator("input[name=inspectors]:not(:checked)").first.check()
        start.get_by_role("button", name="开始检查").click()
        expect(page).to_have_url(re.compile(r"/inspections/onsite/\d+/$"))
        pk = int(re.search(r"/onsite/(\d+)/$", page.url).group(1))
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        # The service worker controls the page and has kept it, with the bundle, for offline.
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        expect(page.locator("#onsite-form")).to_have_attribute("data-offline-ready", "1")
        status = page.locator("#sync-status")
        expect(status).to_have_attribute("data-sync", "synced")

        page.context.set_offline(True)
        cards = page.locator("#onsite-form [data-entry]")
        marked = min(cards.count(), 3)
        first = cards.nth(0)
        first_id = int(first.get_attribute("data-entry"))
        first.locator("label.onsite-result-fail").click()
        first.locator("textarea[name^=note-]").fill("消防通道堆放杂物（离线记录）")
        first.locator("input[name^=place-]").fill("二号仓库东侧")
        first.locator("input[type=file]").set_input_files(str(_png(tmp_path / "现场.png")))
        expect(first.locator("[data-local-photo]")).to_have_count(1)
        for n in range(1, marked):
            cards.nth(n).locator("label.onsite-result-pass").click()
        page.get_by_role("button", name="保存").click()
        expect(status).to_have_attribute("data-sync", "pending")
        expect(status).to_contain_text(f"已保存到本机，待上传 ({marked + 1} 项)")

        # Reloaded while offline: the page comes from the worker's cache (the server sees no
        # request for it), the results and the photo from IndexedDB.
        served = server.log.stat().st_size
        page.reload()
        expect(first.locator("input[value=fail]")).to_be_checked()
        expect(first.locator("textarea[name^=note-]")).to_have_value("消防通道堆放杂物（离线记录）")
        expect(first.locator("input[name^=place-]")).to_have_value("二号仓库东侧")
        expect(first.locator("[data-local-photo][data-uploaded='0']")).to_have_count(1)
        for n in range(1, marked):
            expect(cards.nth(n).locator("input[value=pass]")).to_be_checked()
        expect(status).to_contain_text(f"已保存到本机，待上传 ({marked + 1} 项)")
        with server.log.open("rb") as log:
            online, offline = log.read(served), log.read()
        path = f"GET /inspections/onsite/{pk}/ ".encode()
        assert path in online and path not in offline

        # Meanwhile a colleague saved the second item differently.
        second = cards.nth(1)
        second_id = int(second.get_attribute("data-entry"))
        server.manage(
            "from anjian.inspections.models import Inspection;"
            "from anjian.inspections.onsite import services;"
            f"i = Inspection.objects.get(pk={pk});"
            "u = i.inspectors.exclude(user__username='yp_inspector').first().user;"
            "services.inspection_mark(u, inspection_id=i.pk, expected_version=i.version,"
            f" marks=[{{'entry_id': {second_id}, 'result': 'na', 'note': '同事登记'}}])"
        )

        # Back online: what only this phone changed goes up; the item both changed is shown
        # as a conflict, not overwritten, until the inspector keeps this phone's result.
        problems.expect_one(r"status of 409")  # the stale save, answered with the server's marks
        page.context.set_offline(False)
        expect(status).to_have_attribute("data-sync", "conflict", timeout=15_000)
        conflict = page.locator("#conflict")
        expect(conflict.locator("[data-conflict-entry]")).to_have_count(1)
        item = conflict.locator(f"[data-conflict-entry='{second_id}']")
        expect(item.locator("[data-side=local]")).to_contain_text("本机：符合")
        expect(item.locator("[data-side=server]")).to_contain_text("服务器：不适用 · 同事登记")
        conflict.get_by_role("button", name="保留本机").click()
        expect(status).to_have_attribute("data-sync", "synced", timeout=15_000)
        expect(status).to_contain_text("已同步")
        expect(conflict).to_be_hidden()
        expect(first.locator("[data-pending]")).to_be_hidden()
        bundle = page.evaluate(
            "async (url) => (await fetch(url, {headers: {Accept: 'application/json'}})).json()",
            f"/api/v1/onsite-inspections/{pk}",
        )
        marks = {mark["entry_id"]: mark for mark in bundle["marks"]}
        assert len(marks) == marked
        assert (marks[first_id]["result"], marks[first_id]["note"], marks[first_id]["place"]) == (
            "fail",
            "消防通道堆放杂物（离线记录）",
            "二号仓库东侧",
        )
        assert marks[first_id]["deadline"] is not None  # the default: a week from today
        assert [item["entry_id"] for item in bundle["evidence"]] == [first_id]
        assert marks[second_id]["result"] == "pass"  # kept: sent again on the new version


# --- 指标监测 (analytics): cards on a phone, trend charts, a trend point drills down ------
# The demo builds the denominators and plans (``analytics.fixtures``); the page of 2025, the
# last year the 十四五 plans cover, shows targets.
INDICATORS_2025 = "/analytics/indicators/?region=310110&year=2025"
# The pixel of point ``index`` of a trend chart, inside its element.
TREND_POINT = """(element, index) => {
  const chart = echarts.getInstanceByDom(element);
  const value = chart.getOption().series[0].data[index];
  return chart.convertToPixel({ seriesIndex: 0 }, [index, value]);
}"""


def test_the_indicators_are_cards_on_a_phone(browser, server):
    from playwright.sync_api import expect

    with _session(browser, server, "yp_leader", PHONE) as (page, _problems):
        page.goto(server.url + INDICATORS_2025)
        cards = page.locator("[data-indicator]")
        expect(cards.first).to_be_visible()
        assert cards.count() == 9
        boxes = [cards.nth(i).bounding_box() for i in range(2)]
        assert boxes[1]["y"] >= boxes[0]["y"] + boxes[0]["height"] - 1  # one card a row
        assert all(box["width"] <= PHONE["width"] for box in boxes)
        assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
        expect(
            page.locator("[data-indicator='gdp_death_rate'] [data-target] .badge")
        ).to_be_visible()
        expect(page.locator("[data-trend='deaths'] canvas")).to_have_count(1)


def test_a_trend_point_opens_that_year_s_accidents(browser, server):
    from playwright.sync_api import expect

    with _session(browser, server, "yp_yjj", DESKTOP) as (page, _problems):
        page.goto(server.url + INDICATORS_2025)
        chart = page.locator("[data-trend='accident_count']")
        expect(chart.locator("canvas")).to_have_count(1)
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        # Where ECharts drew the last point (2025): its own conversion from data to pixels.
        x, y = chart.evaluate(TREND_POINT, 4)
        page.mouse.click(box["x"] + x, box["y"] + y)
        expect(page).to_have_url(re.compile(r"/accidents/\?.*year=2025"))
