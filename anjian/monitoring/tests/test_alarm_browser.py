"""In a real browser (Chromium, strict CSP: an inline script or style fails the test): the
console announces a new 一级 alarm at its next refresh and keeps the user's mute; the
alarm page draws its chart; on a phone the alarm list is cards, and a batch 确认 from a
card says what it did. One demo installation for the module (testsupport/browser.py)."""

import pytest

from testsupport.browser import DESKTOP, PHONE, chromium, serve, session

pytestmark = pytest.mark.browser

USER = "yp_yjj"  # 杨浦区应急局 (综合监管): sees and handles the district's alarms

RAISE_FIRE = (
    "from django.utils import timezone;"
    "from anjian.accounts.models import User;"
    "from anjian.monitoring.models import Alarm, Device;"
    f"user = User.objects.get(username='{USER}');"
    "d = Device.objects.for_user(user).filter(device_type__code='fire_panel')"
    ".exclude(alarms__state='active').order_by('pk').first();"
    "t = d.thresholds.get(metric__code='alarm');"
    "now = timezone.now();"
    "a = Alarm.objects.create(device=d, metric=t.metric, threshold=t, enterprise=d.enterprise,"
    " scope_region_code=d.scope_region_code, industry_id=d.industry_id, level=t.level,"
    " limit=t.value, value=1, peak=1, breach_since=now, raised_at=now);"
    "print(a.pk, d.name)"
)


@pytest.fixture(scope="module")
def server(demo):
    with serve(demo) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


def raise_fire(server) -> tuple[int, str]:
    pk, name = server.manage(RAISE_FIRE).splitlines()[-1].split(maxsplit=1)
    return int(pk), name


def test_the_console_announces_a_new_fire_and_keeps_the_mute(browser, server):
    from playwright.sync_api import expect

    with session(browser, server, USER, DESKTOP) as (page, _problems):
        page.context.grant_permissions(["notifications"], origin=server.url)
        page.goto(f"{server.url}/monitoring/")
        panel = page.locator("#alarm-alerts")
        expect(panel).to_be_visible()
        expect(page.locator("#alarm-notify")).to_be_hidden()  # already allowed
        sound = page.locator("#alarm-sound")
        expect(sound).to_have_attribute("aria-pressed", "false")
        sound.click()
        expect(sound).to_have_attribute("aria-pressed", "true")
        page.reload()
        expect(page.locator("#alarm-sound")).to_have_attribute("aria-pressed", "true")
        assert page.evaluate("localStorage.getItem('anjian.monitoring.alarmSoundMuted')") == "1"

        pk, name = raise_fire(server)
        # At the next refresh (every 5 s): in the list, red, and announced once.
        expect(page.locator(f"#live a[data-alarm='{pk}']")).to_contain_text(
            "火警（一级）", timeout=15_000
        )
        expect(page.locator("#alarm-alerts")).to_have_attribute("data-announced", "1")
        assert name in page.locator(f"#live a[data-alarm='{pk}']").inner_text()


def test_the_alarm_page_draws_the_readings_around_the_alarm(browser, server):
    from playwright.sync_api import expect

    pk, _name = raise_fire(server)
    with session(browser, server, USER, DESKTOP) as (page, _problems):
        page.goto(f"{server.url}/monitoring/alarms/{pk}/")
        expect(page.locator("h2.page-title")).to_contain_text("火警（一级）")
        expect(page.locator("#readings-charts canvas").first).to_be_attached()
        expect(page.locator("#duty-persons")).to_be_visible()


def test_on_a_phone_a_card_is_ticked_and_acknowledged(browser, server):
    from playwright.sync_api import expect

    raise_fire(server)
    with session(browser, server, USER, PHONE) as (page, _problems):
        page.goto(f"{server.url}/monitoring/alarms/?state=active&level=1")
        card = page.locator("[data-card]").first
        expect(card).to_be_visible()
        expect(page.locator(".results-table table")).to_be_hidden()
        assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
        card.locator("input[data-batch]").check()
        expect(page.locator("[data-batch-count]")).to_have_text("1")
        page.locator("#alarm-batch button[type=submit]").click()
        expect(page.locator(".alert-success[role=alert]")).to_contain_text("已确认 1 条报警")
        assert "level=1" in page.url
