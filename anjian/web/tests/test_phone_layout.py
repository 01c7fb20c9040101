"""Phones (390 px): lists are cards, nothing is squeezed, the hazard page leads with the
user's next step, and a form that posts is sent once — in Debian's headless Chromium
against a real server (the ``server`` and ``browser`` fixtures, anjian/web/tests/conftest.py).

"Squeezed" is measured, not looked at: in any table still visible, no cell's content
overflows it, and no Chinese text in a cell or a card breaks into lines of fewer than four
characters (every line but the last, counted character by character with Range rects).
"""

import re

import pytest

from testsupport.browser import DESKTOP, PHONE
from testsupport.browser import session as phone_session

pytestmark = pytest.mark.browser

LISTS = {
    "hazards": "/hazards/",
    "enterprises": "/enterprises/",
    "risk points": "/risks/",
    "public places": "/enterprises/places/",
}
# The lists each demo user has: an enterprise's user is taken from 生产经营单位 to its own
# enterprise's page (a list of one), measured on its own below.
USER_LISTS = {
    "yp_yjj": ("hazards", "enterprises", "risk points", "public places"),
    "yp_street": ("hazards", "enterprises", "risk points", "public places"),
    "qy_manager": ("hazards", "risk points"),
}

# In the page: what is squeezed, as sentences (an empty list: nothing).
SQUEEZED = r"""
() => {
  const cjk = /[\u3400-\u9fff\uf900-\ufaff]/;
  const problems = [];
  const shown = (el) =>
    el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  // Characters per line of a text node: each character's line is its rect's top.
  function perLine(node) {
    const range = document.createRange();
    const lines = [];
    for (let i = 0; i < node.length; i++) {
      if (/\s/.test(node.data[i])) { continue; }
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const rect = range.getClientRects()[0];
      if (!rect) { continue; }
      const line = lines.find((l) => Math.abs(l.top - rect.top) < 3);
      if (line) { line.count += 1; } else { lines.push({ top: rect.top, count: 1 }); }
    }
    return lines.sort((a, b) => a.top - b.top).map((l) => l.count);
  }
  function wraps(element, what) {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!cjk.test(node.data)) { continue; }
      const counts = perLine(node);
      if (counts.slice(0, -1).some((count) => count < 4)) {
        const text = node.data.trim();
        problems.push(`${what}: "${text}" breaks as ${counts.join("/")} characters a line`);
      }
    }
  }
  for (const cell of document.querySelectorAll("table th, table td")) {
    if (!shown(cell)) { continue; }
    if (cell.scrollWidth > cell.clientWidth + 1) {
      const text = cell.textContent.trim();
      problems.push(`cell "${text}" overflows: ${cell.scrollWidth} > ${cell.clientWidth} px`);
    }
    wraps(cell, "cell");
  }
  for (const card of document.querySelectorAll("[data-card]")) {
    if (shown(card)) { wraps(card, "card"); }
  }
  return problems;
}
"""


def page_width(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth")


@pytest.mark.parametrize("username", USER_LISTS)
def test_lists_are_cards_on_a_phone(browser, server, username):
    from playwright.sync_api import expect

    with phone_session(browser, server, username, PHONE) as (page, _problems):
        for name in USER_LISTS[username]:
            page.goto(server.url + LISTS[name])
            cards = page.locator("#results [data-card]")
            expect(cards.first).to_be_visible()
            assert cards.count() > 0, name
            first = cards.first.locator(".result-card-title a")
            expect(first).to_have_attribute("href", re.compile(r"/\d+/$"))
            expect(page.locator("#results table")).to_be_hidden()
            assert page.evaluate(SQUEEZED) == [], name
            assert page_width(page) <= PHONE["width"], name


def test_an_enterprise_user_s_own_enterprise_page_fits_a_phone(browser, server):
    from playwright.sync_api import expect

    with phone_session(browser, server, "qy_manager", PHONE) as (page, _problems):
        page.goto(server.url + LISTS["enterprises"])
        expect(page).to_have_url(re.compile(r"/enterprises/\d+/$"))
        assert page.evaluate(SQUEEZED) == []
        assert page_width(page) <= PHONE["width"]


def test_a_hazard_card_shows_its_enterprise_state_deadline_and_grade(browser, server):
    from playwright.sync_api import expect

    with phone_session(browser, server, "yp_yjj", PHONE) as (page, _problems):
        page.goto(server.url + "/hazards/?progress=overdue")
        card = page.locator("#results [data-card]").first
        expect(card.locator(".result-card-title a")).to_have_attribute(
            "href", re.compile(r"^/hazards/\d+/$")
        )
        expect(card.locator(".result-card-subtitle")).not_to_be_empty()
        fields = card.locator(".result-card-fields")
        expect(fields).to_contain_text("状态")
        expect(fields.locator(".badge").first).to_be_visible()
        expect(fields).to_contain_text("整改期限")
        expect(fields.locator("[data-overdue]")).to_be_visible()
        expect(fields).to_contain_text("等级")

        card.locator(".result-card-title a").click()
        expect(page).to_have_url(re.compile(r"/hazards/\d+/$"))


def test_the_figures_page_fits_a_phone(browser, server):
    with phone_session(browser, server, "yp_yjj", PHONE) as (page, _problems):
        for period in ("", "?period=all"):
            page.goto(f"{server.url}/hazards/figures/{period}")
            page.wait_for_load_state("networkidle")
            assert page_width(page) <= PHONE["width"]
            assert page.evaluate(SQUEEZED) == []


def _hazard(server, username: str, state: str, step: str) -> int:
    """A hazard in ``state`` on which ``username`` may take ``step`` (the demo's ledger is
    random: the first that fits)."""
    return int(
        server.manage(
            "from anjian.accounts.models import User\n"
            "from anjian.hazards.lifecycle import HAZARD\n"
            "from anjian.hazards.models import Hazard\n"
            f"u = User.objects.get(username='{username}')\n"
            f"for h in Hazard.objects.for_user(u).filter(state='{state}').order_by('pk'):\n"
            f"    if '{step}' in [a.name for a in HAZARD.available(u, h)]:\n"
            "        print(h.pk)\n"
            "        break\n"
        ).splitlines()[-1]
    )


@pytest.mark.parametrize(
    ("username", "state", "step"),
    [
        ("yp_yjj", "reported", "register"),
        ("qy_manager", "rectifying", "submit"),
        ("yp_street", "registered", "start"),
        ("yp_yjj", "awaiting_acceptance", "accept"),
    ],
)
def test_the_hazard_page_leads_with_the_users_next_step(browser, server, username, state, step):
    from playwright.sync_api import expect

    pk = _hazard(server, username, state, step)
    with phone_session(browser, server, username, PHONE) as (page, _problems):
        page.goto(f"{server.url}/hazards/{pk}/")
        lead = page.locator("#actions [data-lead]")
        expect(lead).to_have_count(1)
        expect(lead).to_have_attribute("id", f"action-{step}")
        more = page.locator("#more-actions")
        expect(more).not_to_have_attribute("open", "")
        expect(more.locator(".action-card").first).to_be_hidden()
        # On a phone: the hazard's facts, then the next step, then photos and the timeline.
        summary = page.locator(".hazard-summary").bounding_box()
        lead_box = lead.bounding_box()
        photos = page.locator("#photos").bounding_box()
        assert summary["y"] < lead_box["y"] < photos["y"]
        assert page_width(page) <= PHONE["width"]

        more.locator("summary").click()
        expect(more.locator(".action-card").first).to_be_visible()


WATCH_BUTTON = """() => {
  const button = document.querySelector("#hazard-report-form button[type=submit]");
  new MutationObserver(() => {
    console.log(`button: ${button.textContent}${button.disabled ? " disabled" : ""}`);
  }).observe(button, { attributes: true, childList: true, characterData: true, subtree: true });
}"""


def test_a_second_tap_on_a_form_being_sent_sends_nothing(browser, server):
    """The report's POST is held in flight (as on a slow phone network); a second tap on
    登记 meanwhile sends no second POST. (Without web/js/submitting.js it does.)"""
    from playwright.sync_api import expect

    title = "消防通道堆放杂物（双击测试）"
    with phone_session(browser, server, "qy_manager", PHONE) as (page, _problems):
        page.goto(server.url + "/hazards/report/")
        page.locator("#id_title").fill(title)
        page.locator("#id_description").fill("一号厂房北侧消防通道堆放纸箱")
        page.locator("#id_location").fill("一号厂房北侧")
        held = []
        page.route(
            lambda url: "/hazards/report/" in url,
            lambda route: (
                held.append(route) if route.request.method == "POST" else route.continue_()
            ),
        )
        button = page.locator("#hazard-report-form button[type=submit]")
        # The page cannot be read while its navigation is held: the button reports itself.
        said = []
        page.on("console", lambda message: said.append(message.text))
        page.evaluate(WATCH_BUTTON)
        button.scroll_into_view_if_needed()
        box = button.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.click(x, y)  # the mouse does not wait for the held navigation
        page.wait_for_timeout(300)
        page.mouse.click(x, y)
        page.wait_for_timeout(300)
        assert len(held) == 1
        assert said == ["button: 提交中… disabled"]
        with page.expect_navigation():
            held[0].continue_()
        expect(page.locator("[data-state=reported]")).to_be_visible()
        page.unroute_all()

        # Back to the form (from the browser's cache or loaded again): it can be sent again.
        page.go_back()
        expect(button).to_be_enabled()
        expect(button).to_have_text("登记")

    count = server.manage(
        "from anjian.hazards.models import Hazard;"
        f"print(Hazard.objects.filter(title='{title}').count())"
    )
    assert count.splitlines()[-1] == "1"


@pytest.mark.parametrize("username", ["admin", "yp_yjj"])
def test_the_menu_fits_one_row_on_a_laptop(browser, server, username):
    """Administration sits in one dropdown so the bar fits 1366 px (issue 11, item 10: the
    administrator's menu wrapped)."""
    with phone_session(browser, server, username, DESKTOP) as (page, _problems):
        page.goto(server.url + "/")
        tops = page.eval_on_selector_all(
            "#main-menu .navbar-nav > .nav-item",
            "items => items.map(item => Math.round(item.getBoundingClientRect().top))",
        )
        assert len(tops) >= 8
        assert len(set(tops)) == 1, f"the menu wraps: {tops}"
