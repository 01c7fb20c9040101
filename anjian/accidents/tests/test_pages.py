"""The accident pages: the quick report from a phone (graded, clocked, refused with the
field named, filed once), the list and its drill-down filters, the record page in every
state with its forms, each form refusing the wrong role (403) and another district (404),
and the Excel of the list."""

from datetime import timedelta
from io import BytesIO
from uuid import uuid4

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from anjian.accidents import investigation, services
from anjian.accidents.choices import Category, FlagKind, Grade, Level
from anjian.accidents.models import Accident, AccidentState, ReportingFlag
from anjian.accidents.tests.factories import at, report
from testsupport import world

REPORT = reverse("accidents:accident_report")
LIST = reverse("accidents:accident_list")


def page(client, url, **query) -> str:
    response = client.get(url, query)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def quick_report(**overrides) -> dict:
    """What a phone posts for a machinery accident at 殷行街道 half an hour ago."""
    occurred = timezone.localtime() - timedelta(minutes=30)
    data = {
        "report_token": str(uuid4()),
        "enterprise": "",
        "unit_name": "上海某某物流有限公司",
        "region": world.YINHANG,
        "occurred_at": occurred.strftime("%Y-%m-%dT%H:%M"),
        "known_at": "",
        "place": "军工路100号仓库",
        "latitude": "",
        "longitude": "",
        "accident_type": "03",
        "category": Category.TRADE_OTHER,
        "deaths": "0",
        "missing": "0",
        "serious_injuries": "1",
        "minor_injuries": "2",
        "direct_loss": "12.5",
        "summary": "叉车作业时挤伤两名装卸工",
        "measures_taken": "伤者已送医",
    }
    data.update(overrides)
    return data


def managed(state: str) -> Accident:
    """An accident of 殷行化工 by the district official, taken to ``state`` through the
    services (investigating: a team, a responsibility and an open measure)."""
    official = world.actor("district_official")
    accident = report(
        official,
        enterprise=world.enterprise("yinhang_chemical").pk,
        occurred_at=timezone.now() - timedelta(days=2),
    )
    if state == AccidentState.VOIDED:
        return investigation.accident_void(
            by=official, accident_id=accident.pk, expected_version=accident.version, reason="误报"
        )
    if state == AccidentState.REPORTED:
        return accident
    accident = investigation.investigation_start(
        by=official,
        accident_id=accident.pk,
        expected_version=accident.version,
        leader="王组长",
        members="李四 区应急局\n赵六 区总工会",
    )
    investigation.responsibility_add(
        by=official,
        accident_id=accident.pk,
        party="设备班长张某",
        finding="未执行检修挂牌上锁",
        handling="建议企业内部处分",
    )
    measure = investigation.measure_add(
        by=official,
        accident_id=accident.pk,
        description="建立检修挂牌上锁制度",
        responsible="殷行化工",
        due_on=timezone.localdate() + timedelta(days=30),
    )
    if state == AccidentState.INVESTIGATING:
        return Accident.objects.get(pk=accident.pk)
    today = timezone.localdate()
    found = Accident.objects.get(pk=accident.pk)
    investigation.investigation_update(
        by=official,
        accident_id=accident.pk,
        expected_version=found.investigation.version,
        data={
            "submitted_on": today,
            "cause": "违章作业",
            "nature": "liability",
            "replied_on": today,
        },
    )
    accident = investigation.accident_close(
        by=official,
        accident_id=accident.pk,
        expected_version=Accident.objects.get(pk=accident.pk).version,
    )
    if state == AccidentState.CLOSED:
        return accident
    investigation.measure_done(
        by=official, measure_id=measure.pk, done_on=today, done_note="已建立"
    )
    return investigation.accident_evaluate(
        by=official,
        accident_id=accident.pk,
        expected_version=Accident.objects.get(pk=accident.pk).version,
        rating="implemented",
        conclusion="措施落实到位",
    )


# --- the quick report -----------------------------------------------------------------------


def test_the_quick_report_files_a_graded_accident_and_the_county_step_is_informed(client_for, db):
    client = client_for(world.actor("district_official"))
    assert 'name="report_token"' in page(client, REPORT)
    response = client.post(REPORT, quick_report(deaths="3", direct_loss="1200"))
    accident = Accident.objects.get()
    assert response.status_code == 302 and response["Location"] == accident.get_absolute_url()
    assert accident.grade == Grade.LARGER
    assert accident.direct_loss == 12_000_000  # typed in 万元, kept in 元
    assert accident.region_code == world.YINHANG and accident.enterprise is None
    county = accident.steps.get(level=Level.COUNTY)
    assert county.informed_at is not None
    html = page(client, accident.get_absolute_url())
    due = accident.steps.get(level=Level.PROVINCE).due_at
    assert "data-deadline" in html and "逐级报告至省级应急管理部门" in html
    assert timezone.localtime(due).strftime("%Y-%m-%d %H:%M") in html
    assert "死亡（含失踪）3人" in html and "直接经济损失1200万元" in html
    assert "data-loss>1200 万元" in html and ' style="' not in html
    assert 'data-step="county" data-status="informed"' in html


def test_bad_input_is_refused_in_chinese_and_files_nothing(client_for, db):
    client = client_for(world.actor("district_official"))
    refused = client.post(REPORT, quick_report(deaths="-1", direct_loss="十二万"))
    html = refused.content.decode()
    assert refused.status_code == 422
    assert "死亡人数不能为负数" in html and "直接经济损失须为数字（单位：万元）" in html
    future = timezone.localtime() + timedelta(days=1)
    late = client.post(REPORT, quick_report(occurred_at=future.strftime("%Y-%m-%dT%H:%M")))
    assert late.status_code == 422
    assert "事故发生时间不能晚于当前时间" in late.content.decode()
    nowhere = client.post(REPORT, quick_report(region="", unit_name=""))
    assert nowhere.status_code == 422
    assert "请选择事故发生地（街道/镇）" in nowhere.content.decode()
    assert "请选择登记单位，或填写事故单位名称" in nowhere.content.decode()
    other = client.post(REPORT, quick_report(region=world.enterprise("hongkou_shop").street_id))
    assert other.status_code == 422 and "请选择您管辖范围内的街道/镇" in other.content.decode()
    assert not Accident.objects.exists()


def test_the_same_form_sent_twice_files_one_accident(client_for, db):
    client = client_for(world.actor("district_official"))
    data = quick_report()
    first, second = client.post(REPORT, data), client.post(REPORT, data)
    assert Accident.objects.count() == 1
    assert first["Location"] == second["Location"] == Accident.objects.get().get_absolute_url()


def test_a_picked_unit_gives_the_place_and_the_unit_search_stays_in_scope(client_for, db):
    client = client_for(world.actor("district_official"))
    unit = world.enterprise("pingliang_factory")
    matches = client.get(
        REPORT, {"q": "有限公司"}, headers={"HX-Request": "true", "HX-Target": "enterprise-matches"}
    )
    html = matches.content.decode()
    assert f'data-match="{unit.pk}"' in html and "虹口超市" not in html
    assert "<html" not in html  # only the partial
    assert f'data-picked="{unit.pk}"' in page(client, REPORT, enterprise=unit.pk)
    response = client.post(REPORT, quick_report(enterprise=unit.pk, region="", unit_name=""))
    accident = Accident.objects.get()
    assert response.status_code == 302
    assert (accident.enterprise, accident.unit_name) == (unit, unit.name)
    assert accident.region_id == unit.street_id


def test_an_enterprise_user_reports_for_their_own_unit_only(client_for, db):
    manager = world.actor("enterprise_manager")
    own = world.enterprise("yinhang_chemical")
    client = client_for(manager)
    html = page(client, REPORT)
    assert f'data-own-unit="{own.pk}"' in html
    assert 'name="region"' not in html and 'id="unit-q"' not in html
    other = world.enterprise("pingliang_factory")
    response = client.post(REPORT, quick_report(enterprise=other.pk, region=world.PINGLIANG))
    accident = Accident.objects.get()
    assert response.status_code == 302
    assert accident.enterprise == own and accident.region_id == own.street_id


# --- the list -------------------------------------------------------------------------------


def test_a_drill_down_link_shows_exactly_the_accidents_it_counts(client_for, db):
    official = world.actor("district_official")
    counted = report(official, unit_name="甲计入单位", occurred_at=at(2025, 3, 10, 9))
    report(official, unit_name="乙道路单位", occurred_at=at(2025, 4, 1, 9), category=Category.ROAD)
    report(official, unit_name="丙上年单位", occurred_at=at(2024, 5, 1, 9))
    voided = report(official, unit_name="丁作废单位", occurred_at=at(2025, 6, 1, 9))
    investigation.accident_void(
        by=official, accident_id=voided.pk, expected_version=voided.version, reason="误报"
    )
    report(
        world.actor("admin"),
        region=world.enterprise("hongkou_shop").street_id,
        unit_name="戊邻区单位",
        occurred_at=at(2025, 2, 1),
    )
    query = {"region": world.YANGPU, "year": "2025", "group": "industry_trade", "counted": "1"}
    html = page(client_for(world.actor("admin")), LIST, **query)
    shown = {
        name
        for name in ("甲计入单位", "乙道路单位", "丙上年单位", "丁作废单位", "戊邻区单位")
        if name in html
    }
    assert shown == {"甲计入单位"}
    assert counted.number in html and "data-card" in html
    for words in ("杨浦区", "2025年", "工矿商贸", "是（不含已作废）"):
        assert words in html
    march = page(client_for(official), LIST, year="2025", month="3")
    assert "甲计入单位" in march and "乙道路单位" not in march and "2025年3月" in march
    through = page(client_for(official), LIST, year="2025", month="4", through="1")
    assert "乙道路单位" in through and "甲计入单位" in through and "2025年1–4月（累计）" in through
    assert "戊邻区单位" not in page(client_for(official), LIST)


def test_the_list_marks_flags_and_the_chain_and_sorts_by_gravity(client_for, db):
    now = timezone.now()
    report(unit_name="迟报单位", now=now, occurred_at=now - timedelta(hours=3), deaths=3)
    report(unit_name="一般单位", deaths=0, serious_injuries=1)
    client = client_for(world.actor("district_official"))
    html = page(client, LIST)
    assert 'data-flag="late"' in html and 'data-chain="late"' in html
    assert 'data-grade="larger"' in html and 'data-chain="due"' in html
    heaviest = page(client, LIST, sort="-grade")
    assert heaviest.index("迟报单位") < heaviest.index("一般单位")
    lightest = page(client, LIST, sort="grade")
    assert lightest.index("一般单位") < lightest.index("迟报单位")


def test_the_export_is_the_filtered_list(client_for, db):
    official = world.actor("district_official")
    report(official, unit_name="导出道路单位", category=Category.ROAD)
    report(official, unit_name="导出工贸单位", deaths=0, serious_injuries=1)
    response = client_for(official).get(reverse("accidents:accident_export"), {"group": "road"})
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:2] == ("事故编号", "事故单位")
    assert [row[1] for row in rows[1:]] == ["导出道路单位"]
    about = dict(book["导出说明"].iter_rows(values_only=True))
    assert about["筛选：统计口径"] == "道路交通" and about["记录数"] == "1"


# --- an accident ----------------------------------------------------------------------------


@pytest.mark.parametrize("state", list(AccidentState.values))
def test_the_record_page_renders_in_every_state(client_for, state, db):
    accident = managed(state)
    assert accident.state == state
    official = client_for(world.actor("district_official"))
    html = page(official, accident.get_absolute_url())
    assert f'data-state="{state}"' in html and 'id="timeline"' in html
    assert ('id="action-follow_up"' in html) == (state in ("reported", "investigating"))
    assert ('id="action-investigate"' in html) == (state == "reported")
    assert ('id="action-void"' in html) == (state == "reported")
    if state == "investigating":
        assert "data-responsibility" in html and 'data-measure="open"' in html
        assert 'id="action-extend"' in html and "data-days-left" in html
        assert "data-close-blocked" in html and "请先登记调查报告" in html
    if state == "closed":
        assert "data-evaluation-due" in html and "还有1项整改措施未落实" in html
    if state == "evaluated":
        assert "data-evaluation" in html and "措施落实到位" in html
    leader = page(client_for(world.actor("leader")), accident.get_absolute_url())
    assert '<form method="post" action="/accidents/' not in leader


def test_a_follow_up_on_the_page_regrades_and_lowering_needs_a_reason(client_for, db):
    accident = report(deaths=1)
    client = client_for(world.actor("district_official"))
    url = reverse("accidents:accident_follow_up", args=[accident.pk])
    html = page(client, accident.get_absolute_url())
    assert 'name="deaths" value="1"' in html and "须写明原因" in html
    figures = {"missing": 0, "serious_injuries": 0, "minor_injuries": 0, "direct_loss": 0}
    done = client.post(
        url, {"version": accident.version, "deaths": 3, "content": "又有两人死亡", **figures}
    )
    assert done.status_code == 302
    accident.refresh_from_db()
    assert accident.grade == Grade.LARGER and accident.reports.count() == 2
    html = page(client, accident.get_absolute_url())
    assert 'data-report="2"' in html and "data-regraded" in html and "又有两人死亡" in html
    lower = {"version": accident.version, "deaths": 2, "content": "核实", **figures}
    refused = client.post(url, lower)
    assert refused.status_code == 422 and "须写明原因" in refused.content.decode()
    stale = client.post(url, {**lower, "version": accident.version - 1, "reason": "重复统计"})
    assert stale.status_code == 409 and "data-conflict" in stale.content.decode()
    assert Accident.objects.get(pk=accident.pk).deaths == 3


def test_inform_flag_and_withdraw_on_the_page(client_for, db):
    accident = report(deaths=0, serious_injuries=1)
    client = client_for(world.actor("district_official"))
    informed = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("accidents:accident_inform", args=[accident.pk]),
        {
            "level": Level.CITY,
            "informed_at": informed,
            "recipient": "市应急局值班室 张三",
            "channel": "电话",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("#chain")
    client.post(
        reverse("accidents:accident_flag", args=[accident.pk]),
        {"kind": FlagKind.CONCEALED, "reason": "隐瞒一名重伤人员"},
    )
    flag = ReportingFlag.objects.get(accident=accident)
    assert flag.set_by == world.actor("district_official")
    withdraw = reverse("accidents:accident_flag_withdraw", args=[accident.pk, flag.pk])
    assert client.post(withdraw, {}).status_code == 422
    assert client.post(withdraw, {"reason": "经核实已如实报告"}).status_code == 302
    html = page(client, accident.get_absolute_url())
    assert 'data-step="city" data-status="informed"' in html and "市应急局值班室 张三" in html
    assert "data-withdrawn" in html and "经核实已如实报告" in html and "flag-withdrawn" in html


def test_the_page_shows_what_was_pushed_to_the_upper_level(client_for, settings, db):
    settings.DIRECT_REPORT_RECEIVERS = [
        {"name": "province", "url": "https://province.example/in", "secret": "s" * 32}
    ]
    accident = report()
    html = page(client_for(world.actor("district_official")), accident.get_absolute_url())
    assert 'data-delivery="pending"' in html and "province" in html and "待发送" in html


def test_a_system_flag_says_it_was_the_clock(client_for, db):
    now = timezone.now()
    accident = report(now=now, occurred_at=now - timedelta(hours=3))
    html = page(client_for(world.actor("district_official")), accident.get_absolute_url())
    assert "系统（按报告时限）" in html and 'data-flag-row="late"' in html


def test_the_investigation_on_the_page(client_for, db):
    accident = report(deaths=0, serious_injuries=1, occurred_at=timezone.now() - timedelta(days=1))
    client = client_for(world.actor("district_official"))
    post = lambda name, data, *ids: client.post(  # noqa: E731
        reverse(f"accidents:accident_{name}", args=[accident.pk, *ids]), data
    )
    assert post("investigate", {"version": accident.version, "leader": "王组长"}).status_code == 422
    started = post(
        "investigate", {"version": accident.version, "leader": "王组长", "members": "李四"}
    )
    assert started.status_code == 302
    assert post("extend", {"days": 10, "reason": "技术鉴定复杂，经区政府批准"}).status_code == 302
    again = post("extend", {"days": 5, "reason": "再延"})
    assert again.status_code == 409 and "不能再次延长" in again.content.decode()
    assert (
        post(
            "measure_add",
            {"description": "加装防护罩", "responsible": "车间", "due_on": "2099-01-01"},
        ).status_code
        == 302
    )
    measure = accident.measures.get()
    done = post("measure_done", {"done_note": "已加装"}, measure.pk)
    assert done.status_code == 302
    version = Accident.objects.get(pk=accident.pk).investigation.version
    today = timezone.localdate().isoformat()
    data = {
        "version": version,
        "submitted_on": today,
        "cause": "防护缺失",
        "nature": "liability",
        "replied_on": today,
    }
    assert post("investigation_update", data).status_code == 302
    assert (
        post("close", {"version": Accident.objects.get(pk=accident.pk).version}).status_code == 302
    )
    html = page(client, accident.get_absolute_url())
    assert 'data-state="closed"' in html and 'id="action-evaluate"' in html
    evaluated = post(
        "evaluate",
        {
            "version": Accident.objects.get(pk=accident.pk).version,
            "rating": "implemented",
            "conclusion": "落实到位",
        },
    )
    assert evaluated.status_code == 302
    assert Accident.objects.get(pk=accident.pk).state == AccidentState.EVALUATED


ACTIONS = (
    "follow_up",
    "inform",
    "flag",
    "void",
    "investigate",
    "investigation_update",
    "extend",
    "responsibility_add",
    "measure_add",
    "close",
    "evaluate",
)


def action_urls(accident) -> list[str]:
    urls = [reverse(f"accidents:accident_{name}", args=[accident.pk]) for name in ACTIONS]
    flag = accident.flags.first()
    measure = accident.measures.first()
    urls.append(reverse("accidents:accident_flag_withdraw", args=[accident.pk, flag.pk]))
    urls.append(reverse("accidents:accident_measure_done", args=[accident.pk, measure.pk]))
    return urls


def test_each_form_refuses_the_wrong_role_and_another_district(client_for, db):
    accident = managed(AccidentState.INVESTIGATING)
    services.accident_flag(
        by=world.actor("district_official"), accident_id=accident.pk, kind="false", reason="谎报"
    )
    leader, neighbour = (
        client_for(world.actor("leader")),
        client_for(world.actor("neighbour_official")),
    )
    for url in action_urls(accident):
        assert leader.post(url, {}).status_code == 403, url
        assert neighbour.post(url, {}).status_code == 404, url
    assert neighbour.get(accident.get_absolute_url()).status_code == 404
    assert client_for(world.actor("expert")).get(LIST).status_code == 403
    street = client_for(world.actor("street_officer"))  # may report, not manage or flag
    assert (
        street.post(reverse("accidents:accident_inform", args=[accident.pk]), {}).status_code == 403
    )
    assert (
        street.post(reverse("accidents:accident_flag", args=[accident.pk]), {}).status_code == 403
    )


def test_a_row_of_another_accident_is_not_found(client_for, db):
    first, second = managed(AccidentState.INVESTIGATING), managed(AccidentState.INVESTIGATING)
    client = client_for(world.actor("district_official"))
    url = reverse("accidents:accident_measure_done", args=[first.pk, second.measures.get().pk])
    assert client.post(url, {"done_note": "x"}).status_code == 404
