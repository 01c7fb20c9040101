"""In a real browser (Chromium, strict CSP: an inline script or style fails the test), on a
copy of the demo (testsupport/browser.py):

- a department user opens a major hazard source, sees how its grade was computed, cuts an
  inventory on the unit's page and sees the grade follow — on the unit, on the source and in
  its history — then opens 在线监测率, whose 未覆盖 is the sum of its reasons, and the
  list behind one of them (issue 15);
- an enterprise's safety manager issues, approves, analyses, starts and closes a 动火
  permit on a phone, the page never scrolling sideways.
"""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from testsupport.browser import DESKTOP, PHONE, chromium, serve, session

pytestmark = pytest.mark.browser

OFFICIAL = "yp_yjj"  # 杨浦区应急局: keeps the district's units (chemunit.manage)
MANAGER = "qy_manager"  # 创益石化加油站's safety manager: issues its permits
LOCAL = ZoneInfo("Asia/Shanghai")  # settings.TIME_ZONE, and the browser's (session())
# The term of 80 t of 液氯 (the catalogue's 氯): #, name, CAS, q, Q, Q's basis, q/Q, β, β's
# basis, β·q/Q.
CHLORINE_80_T = [
    *("1", re.compile(r"^氯( |$)"), "7782-50-5", "80", "5", re.compile("表1第12行（氯）")),
    *("16", "4", re.compile("表3 氯"), "64"),
]
REASONS = {"no_device": "未关联设备", "missing": "缺少监测项", "offline": "设备离线或未按时上报"}


@pytest.fixture(scope="module")
def server(demo):
    with serve(demo) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways: {width}px"


# --- 重大危险源: the grade, computed and recomputed; the sources without monitoring ------------


def test_an_official_sees_a_grade_computed_changes_it_and_finds_the_unmonitored(browser, server):
    from playwright.sync_api import expect

    with session(browser, server, OFFICIAL, DESKTOP) as (page, _problems):
        # The registry of sources → 液氯储罐区 (80 t 液氯, 3200 people within 500 m).
        page.goto(f"{server.url}/hazchem/sources/")
        page.get_by_role("link", name="液氯储罐区", exact=True).click()
        expect(page).to_have_url(re.compile(r"/hazchem/sources/\d+/$"))
        source_url = page.url
        expect(page.locator("h2.page-title")).to_have_text("液氯储罐区")
        expect(page.locator("dd[data-grade]")).to_have_attribute("data-grade", "1")
        expect(page.locator("dd[data-grade]")).to_contain_text("一级")
        expect(page.locator("dd[data-grade]")).to_contain_text("R = 128")

        # How: S = 80/5 = 16, α = 2 (≥ 100 people), β = 4 (氯), R = 2·4·16 = 128 → 一级.
        evaluation = page.locator("#evaluation")
        expect(evaluation.locator("[data-s]")).to_have_text("16")
        expect(evaluation.locator("[data-r]")).to_have_text("128")
        expect(evaluation.locator("div[data-grade]")).to_have_text("一级")
        expect(evaluation.locator("[data-alpha]")).to_contain_text("2")
        term = evaluation.locator("[data-terms] tbody tr")
        expect(term).to_have_count(1)
        expect(term.locator("td")).to_have_text(CHLORINE_80_T)
        explain = evaluation.locator("[data-explain]")
        expect(explain).to_contain_text("S = Σq/Q = 16 ≥ 1，构成重大危险源")
        expect(explain).to_contain_text("R = α·Σβ·q/Q = 128，一级（R≥100）")
        history_rows = page.locator("#history [data-evaluation-row]")
        before = history_rows.count()
        assert before >= 1

        # The unit's page: cut 氯 from 80 t to 8 t through the line's own form.
        page.locator("#summary").get_by_role("link", name="液氯储罐区", exact=True).click()
        expect(page).to_have_url(re.compile(r"/hazchem/units/\d+/$"))
        line = page.locator("#lines [data-line]").filter(
            has=page.locator("strong", has_text=re.compile(r"^氯$"))
        )  # 液氯 is the catalogue's 氯 (GB 18218 表1 row 12)
        expect(line.locator("[data-quantity]")).to_have_text("80 吨")
        change = line.locator("details.page-form").filter(
            has=page.locator("summary", has_text=re.compile(r"^修改$"))
        )
        change.locator("summary").click()
        quantity = change.get_by_label("设计最大量（吨）")
        expect(quantity).to_have_value("80")
        quantity.fill("8")
        change.get_by_role("button", name="保存").click()

        # S = 8/5 = 1.6 ≥ 1, still a source; R = 2·4·1.6 = 12.8: 10 ≤ R < 50 → 三级 (表6).
        expect(page).to_have_url(re.compile(r"/hazchem/units/\d+/#evaluation$"))
        expect(page.get_by_role("alert").filter(has_text="已修改氯")).to_contain_text(
            "S = 1.6，三级重大危险源"
        )
        expect(line.locator("[data-quantity]")).to_have_text("8 吨")
        evaluation = page.locator("#evaluation")
        expect(evaluation.locator("[data-s]")).to_have_text("1.6")
        expect(evaluation.locator("[data-r]")).to_have_text("12.8")
        expect(evaluation.locator("div[data-grade]")).to_have_text("三级")
        expect(evaluation.locator("[data-explain]")).to_contain_text(
            "R = α·Σβ·q/Q = 12.8，三级（10≤R<50）"
        )

        # Back on the source: 三级, and the history says what changed, when and by whom.
        page.get_by_role("link", name="重大危险源档案").click()
        expect(page).to_have_url(source_url)
        expect(page.locator("dd[data-grade]")).to_have_attribute("data-grade", "3")
        expect(page.locator("dd[data-grade]")).to_contain_text("三级")
        expect(page.locator("dd[data-grade]")).to_contain_text("R = 12.8")
        expect(page.locator("#summary .card-header [data-grade]")).to_have_text("三级")
        expect(history_rows).to_have_count(before + 1)
        latest = history_rows.first
        expect(latest).to_contain_text("氯 设计最大量 80 → 8 吨")
        expect(latest.locator("td").nth(2)).to_have_text("1.6")
        expect(latest.locator("td").nth(3)).to_have_text("12.8")
        expect(latest.locator("[data-grade]")).to_have_text("三级")
        expect(page.locator("#timeline [data-action=regrade]")).to_contain_text("级别变化")
        expect(page.locator("#inventory [data-line] td").nth(2)).to_have_text("8")

        # 风险管控 → 在线监测率, then the list behind the total's 未覆盖.
        menu = page.locator("#main-menu")
        menu.get_by_role("button", name="风险管控", exact=True).click()  # icons are aria-hidden
        menu.get_by_role("link", name="在线监测率", exact=True).click()
        expect(page).to_have_url(f"{server.url}/hazchem/coverage/")
        expect(page.locator("h2.page-title")).to_have_text("重大危险源在线监测率")
        total = page.locator("#breakdown [data-row=total]")
        counts = {
            name: int(total.locator(f"[data-cell={name}]").get_attribute("data-count"))
            for name in ("counted", "covered", "uncovered", *REASONS)
        }
        assert counts["uncovered"] > 0, counts  # the demo has every case
        assert counts["uncovered"] == counts["counted"] - counts["covered"], counts
        assert counts["uncovered"] == sum(counts[name] for name in REASONS), counts
        # The list behind 未关联设备: a reason the clock does not change (a device of the
        # copied demo may go offline between two pages; one with no device stays so).
        total.locator("[data-cell=no_device]").click()
        expect(page).to_have_url(re.compile(r"/hazchem/coverage/sources/\?.*status=no_device"))
        expect(page.locator("#sources .card-title")).to_have_text(
            f"共 {counts['no_device']} 个重大危险源"
        )
        rows = page.locator("#sources tbody tr[data-source]")
        expect(rows).to_have_count(counts["no_device"])
        for index in range(rows.count()):
            reason = rows.nth(index).locator("td").nth(3).locator("[data-coverage]")
            assert reason.get_attribute("data-coverage") == "no_device", index
            expect(reason).to_have_text(REASONS["no_device"])


# --- 特殊作业票: a 动火 permit, from the application to its close, on a phone ---------------------


def expected_hot_grade(server, start: datetime, end: datetime) -> tuple[str, str]:
    """The grade of 动火 outside a fire/explosion hazard place (二级, 5.1) over ``start``–
    ``end``, raised one step to 一级 when the period has a rest day (the server's working-
    day calendar) or night hours (22:00–06:00) (5.1.1); and the approval table B.1 asks."""
    rest = server.manage(
        "from datetime import datetime;"
        "from django.utils import timezone;"
        "from anjian.specialwork.services import rest_days;"
        f"s = timezone.make_aware(datetime.fromisoformat('{start:%Y-%m-%dT%H:%M}'));"
        f"e = timezone.make_aware(datetime.fromisoformat('{end:%Y-%m-%dT%H:%M}'));"
        "print(len(rest_days(s, e)))"
    ).splitlines()[-1]

    def night(moment):
        return moment.hour >= 22 or moment.hour < 6

    if int(rest) or night(start) or night(end):
        return "一级", "安全管理部门审批"
    return "二级", "所在基层单位审批"


def test_an_enterprise_issues_and_closes_a_hot_work_permit_on_a_phone(browser, server):
    from playwright.sync_api import expect

    start = datetime.now(LOCAL).replace(second=0, microsecond=0, tzinfo=None)
    end = start + timedelta(hours=2)
    grade, approval = expected_hot_grade(server, start, end)

    with session(browser, server, MANAGER, PHONE) as (page, _problems):
        # The application: its 定级 box follows what is typed.
        page.goto(f"{server.url}/specialwork/new/")
        expect(page.locator("h2.page-title")).to_have_text("申请特殊作业票")
        expect(page.locator("[data-own-unit]")).to_be_visible()
        page.get_by_label("作业类别", exact=True).select_option(label="动火作业")
        place = page.get_by_label("动火部位", exact=True)
        expect(place).to_be_visible()  # form.js shows the facts of 动火
        expect(page.get_by_label("作业高度（米）", exact=True)).to_be_hidden()
        place.select_option(value="other")  # 火灾爆炸危险场所以外 → 二级 (5.1)
        page.get_by_label("作业地点", exact=True).fill("维修车间东侧空地")
        page.get_by_label("作业内容", exact=True).fill("支架切割焊接（浏览器测试）")
        page.get_by_label("计划开始时间", exact=True).fill(f"{start:%Y-%m-%dT%H:%M}")
        page.get_by_label("计划结束时间", exact=True).fill(f"{end:%Y-%m-%dT%H:%M}")
        page.get_by_label("监护人", exact=True).fill("王监护")
        page.get_by_label("作业人员", exact=True).fill("张焊工\n李焊工")
        box = page.locator("#grade-box")
        expect(box.locator("[data-preview=graded]")).to_have_text(f"{grade}动火作业")
        expect(box).to_contain_text("火灾爆炸危险场所以外的动火 → 二级")
        expect(box).to_contain_text(approval)
        no_sideways_scroll(page)
        page.get_by_role("button", name="保存申请").click()

        # The draft: its grade explained, then submitted.
        expect(page).to_have_url(re.compile(r"/specialwork/\d+/$"))
        permit_url = page.url
        state = page.locator("#summary .card-header [data-state]")
        expect(page.get_by_role("alert").filter(has_text="已填写作业票申请")).to_be_visible()
        expect(page.locator("h2.page-title")).to_have_text(f"{grade}动火作业")
        expect(page.locator("#summary .card-header [data-kind=hot]")).to_have_text(
            f"{grade}动火作业"
        )
        expect(state).to_have_attribute("data-state", "draft")
        expect(state).to_have_text("申请（草稿）")
        expect(page.locator("[data-reasons]")).to_contain_text("火灾爆炸危险场所以外的动火")
        no_sideways_scroll(page)
        page.locator("#action-submit summary").click()
        page.locator("#action-submit").get_by_role("button", name="提交审批").click()
        expect(page).to_have_url(re.compile(re.escape(permit_url)))
        expect(state).to_have_attribute("data-state", "pending")
        expect(state).to_have_text("待审批")

        # Every signature table B.1 asks (one for 动火 of this grade), each on its own.
        steps = page.locator("#signatures [data-step]")
        expect(steps).to_have_count(1)
        expect(steps.first).to_contain_text(approval)
        signed = 0
        while page.locator("#signatures [data-unsigned]").count():
            steps_left = steps.filter(has=page.locator("[data-unsigned]"))
            name = steps_left.first.locator("strong").inner_text()
            sign = page.locator("#action-sign")
            sign.locator("summary").click()
            sign.get_by_label("审批环节", exact=True).select_option(label=name)
            person = sign.get_by_label("签字人", exact=True)
            if not person.input_value():  # the enterprise's 审批人设置 fills it in
                person.fill("车间主任 刘强")
            expect(sign.get_by_label("同意", exact=True)).to_be_checked()
            sign.get_by_label("意见说明", exact=True).fill("现场确认安全措施落实，同意")
            sign.get_by_role("button", name="记录审批意见").click()
            expect(page.get_by_role("alert").filter(has_text="已记录审批意见")).to_be_visible()
            expect(steps.filter(has_text=name).locator("[data-signed]")).to_have_text("同意")
            signed += 1
            assert signed <= 3, "the signatures do not complete"
        expect(state).to_have_attribute("data-state", "approved")
        expect(state).to_have_text("已批准")
        # Not yet startable: no gas analysis in the last 30 minutes.
        refused = page.locator("#gates [data-gate=refused]")
        expect(refused).to_have_count(1)
        expect(refused).to_contain_text("30分钟内没有气体分析")
        expect(page.locator("#action-start")).to_have_count(0)
        no_sideways_scroll(page)

        # A passing gas analysis (LEL 5 % ≥ 4 %: at most 0.5 % allowed; 0.1 % measured).
        analyse = page.locator("#action-analyse")
        analyse.locator("summary").click()
        analyse.get_by_label("取样部位", exact=True).fill("动火点10 m内")
        analyse.get_by_label("可燃介质爆炸下限（%）", exact=True).fill("5")
        analyse.get_by_label("可燃气体浓度（%，体积分数）", exact=True).fill("0.1")
        analyse.get_by_label("分析人", exact=True).fill("赵分析")
        analyse.get_by_role("button", name="记录气体分析").click()
        expect(page.get_by_role("alert").filter(has_text="已记录气体分析")).to_contain_text(
            "动火点10 m内 合格"
        )
        expect(page.locator("#analyses [data-analysis] [data-passed]")).to_have_attribute(
            "data-passed", "1"
        )
        expect(page.locator("#gates [data-gate=refused]")).to_have_count(0)
        expect(page.locator("#gates [data-gate=ok]")).to_have_count(4)
        no_sideways_scroll(page)

        # Start the work, then close it.
        page.locator("#action-start summary").click()
        page.locator("#action-start").get_by_role("button", name="开始作业").click()
        expect(page.get_by_role("alert").filter(has_text="开始作业：作业中")).to_be_visible()
        expect(state).to_have_attribute("data-state", "working")
        expect(state).to_have_text("作业中")
        no_sideways_scroll(page)
        close = page.locator("#action-close")
        close.locator("summary").click()
        close.get_by_label("说明", exact=True).fill("完工验收，现场已清理")
        close.get_by_role("button", name="完工关闭").click()
        expect(page.get_by_role("alert").filter(has_text="完工关闭：已完成关闭")).to_be_visible()
        expect(state).to_have_attribute("data-state", "closed")
        expect(state).to_have_text("已完成关闭")
        expect(page.locator("#summary details.page-form")).to_have_count(0)  # nothing left

        # Every step on the timeline, in order.
        actions = page.locator("#timeline [data-action]")
        done = [actions.nth(i).get_attribute("data-action") for i in range(actions.count())]
        signing = ["sign"] * signed
        assert done == ["apply", "submit", *signing, "approve", "analyse", "start", "close"]
        no_sideways_scroll(page)
