"""包保责任 on the pages: the duties card of a source's page (holders, terms, frequency, last
check, this period; the folded forms for who may write), naming a holder, ending a term and
recording a check from it — refused onto the page with the form's errors (422) or the
conflict's reason (409); a source's full record; the frequencies page; 包保履职 and its
workbooks (the same numbers, strings never formulas)."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from anjian.accounts.roles import Role
from anjian.hazchem.choices import SourceState
from anjian.hazchem.duty_periods import quarter_of
from anjian.hazchem.forms_duties import AssignForm, roster
from anjian.hazchem.models import DutyRule, MajorHazardSource
from anjian.hazchem.selectors_duties import holders
from anjian.hazchem.tests import duty_factories as dm
from testsupport import world

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
AGO = TODAY - timedelta(days=60)


@pytest.fixture
def source():
    """殷行化工's chlorine store: its 技术负责人 is the enterprise's account, an 操作负责人
    who checked today, no 主要负责人."""
    target = dm.source(identified_on=AGO)
    manager = world.actor("enterprise_manager")
    dm.holder(target, "technical", "安全员甲", since=AGO, user=manager.pk, phone="13900000001")
    operator = dm.holder(target, "operational", "赵主任", since=AGO)
    dm.check(target, operator, TODAY, by=manager, findings="检查罐区液位报警，正常。")
    return target


def page(client, target) -> str:
    response = client.get(target.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def post(client, name: str, target, data: dict, *args):
    return client.post(reverse(f"hazchem:{name}", args=[target.pk, *args]), data)


def test_the_card_shows_each_role_its_holder_frequency_and_this_period(client_for, source):
    html = page(client_for(world.actor("leader")), source)

    assert 'data-role="principal"' in html and "data-no-holder" in html
    assert "安全员甲" in html and 'href="tel:13900000001"' in html and "平台账号" in html
    assert "每季度至少1次" in html and "每周至少1次" in html
    assert "包保办法未规定固定频次（据回忆，待核实），可配置" in html
    assert TODAY.isoformat() in html and "赵主任" in html
    assert 'data-period-status="met"' in html  # this week's check is in
    # A reader gets no forms.
    assert 'id="duty-assign"' not in html and 'id="check-record"' not in html


def test_a_writer_gets_the_folded_forms(client_for, source):
    html = page(client_for(world.actor("enterprise_manager")), source)
    assert '<details class="page-form mb-2" id="duty-assign"' in html
    assert '<details class="page-form mb-2" id="check-record"' in html
    duty = source.duties.get(role="operational")
    assert f'id="duty-end-{duty.pk}"' in html
    assert f'value="{roster(holders(source))}"' in html


def test_naming_a_holder_from_the_page(client_for, source):
    client = client_for(world.actor("district_official"))
    data = {
        "role": "principal",
        "name": "王总",
        "position": "总经理",
        "phone": "13811112222",
        "user": "",
        "since": AGO.isoformat(),
        "roster": roster(holders(source)),
    }
    response = post(client, "source_duty_assign", source, data)

    assert response.status_code == 302 and response["Location"].endswith("#duties")
    assert source.duties.get(role="principal", until__isnull=True).name == "王总"
    assert "已明确主要负责人：王总" in page(client, source)


def test_a_refused_naming_comes_back_on_the_page_with_its_errors(client_for, source):
    client = client_for(world.actor("district_official"))
    response = post(
        client,
        "source_duty_assign",
        source,
        {"role": "principal", "roster": roster(holders(source))},
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="duty-assign" open' in html and "请填写姓名" in html and "请填写联系电话" in html
    assert not source.duties.filter(role="principal").exists()


def test_a_naming_over_someone_elses_change_is_a_conflict_then_a_decision(client_for, source):
    client = client_for(world.actor("district_official"))
    stale = roster(holders(source))
    dm.holder(source, "operational", "新主任", since=TODAY)  # someone else, meanwhile
    data = {
        "role": "operational",
        "name": "我的人选",
        "phone": "13811112222",
        "since": TODAY.isoformat(),
        "roster": stale,
    }

    response = post(client, "source_duty_assign", source, data)

    assert response.status_code == 409
    html = response.content.decode()
    assert "data-conflict" in html and "操作负责人已变更为新主任" in html
    assert source.duties.get(role="operational", until__isnull=True).name == "新主任"
    # The form comes back holding the holders as they are now: sent again, it applies.
    bound = response.context["duty_bound"]["duty_assign"]
    assert bound.data["roster"] == roster(holders(source))
    again = post(client, "source_duty_assign", source, {**data, "roster": bound.data["roster"]})
    assert again.status_code == 302
    assert source.duties.get(role="operational", until__isnull=True).name == "我的人选"


def test_recording_a_check_from_the_page(client_for, source):
    client = client_for(world.actor("enterprise_manager"))
    duty = source.duties.get(role="technical")
    data = {
        "duty": duty.pk,
        "checked_on": TODAY.isoformat(),
        "findings": "季度排查",
        "hazards_found": "1",
    }

    assert post(client, "source_check_record", source, data).status_code == 302
    assert source.checks.filter(duty=duty, hazards_found=1).exists()

    late = post(
        client,
        "source_check_record",
        source,
        {**data, "checked_on": (TODAY + timedelta(days=1)).isoformat()},
    )
    assert late.status_code == 422 and "不能晚于今天" in late.content.decode()
    negative = post(client, "source_check_record", source, {**data, "hazards_found": "-1"})
    assert negative.status_code == 422 and "发现隐患数须为0或正整数" in negative.content.decode()


def test_ending_a_term_from_the_page(client_for, source):
    client = client_for(world.actor("district_official"))
    duty = source.duties.get(role="operational")
    data = {"version": duty.version, "until": TODAY.isoformat(), "reason": "调离"}

    stale = post(client, "source_duty_end", source, {**data, "version": duty.version + 5}, duty.pk)
    assert stale.status_code == 409 and "已被他人修改" in stale.content.decode()
    assert post(client, "source_duty_end", source, data, duty.pk).status_code == 302
    duty.refresh_from_db()
    assert duty.until == TODAY and duty.end_reason == "调离"


def test_a_closed_source_shows_its_record_and_takes_nothing(client_for, source):
    MajorHazardSource.objects.filter(pk=source.pk).update(state=SourceState.CLOSED)
    client = client_for(world.actor("district_official"))
    html = page(client, source)
    assert "data-duties-closed" in html and 'id="duty-assign"' not in html
    duty = source.duties.get(role="operational")
    data = {"duty": duty.pk, "checked_on": TODAY.isoformat(), "findings": "x", "hazards_found": "0"}
    response = post(client, "source_check_record", source, data)
    assert response.status_code == 409 and "已核销" in response.content.decode()


@pytest.mark.parametrize("actor", ["neighbour_official", "housing_official"])
def test_out_of_scope_pages_and_forms_are_not_found(client_for, source, actor):
    client = client_for(world.actor(actor))
    assert client.get(reverse("hazchem:source_duties", args=[source.pk])).status_code == 404
    data = {"role": "principal", "name": "x", "phone": "13800000000", "since": AGO.isoformat()}
    assert post(client, "source_duty_assign", source, data).status_code == 404
    assert not source.duties.filter(role="principal").exists()


def test_a_reader_cannot_post(client_for, source):
    response = post(client_for(world.actor("leader")), "source_duty_assign", source, {})
    assert response.status_code == 403


def test_the_full_record_lists_every_term_and_check(client_for, source):
    dm.holder(source, "operational", "接任者", since=TODAY)
    html = (
        client_for(world.actor("street_officer"))
        .get(reverse("hazchem:source_duties", args=[source.pk]))
        .content.decode()
    )
    assert "赵主任" in html and "接任者" in html and "由接任者接任" in html
    assert "检查罐区液位报警，正常。" in html
    assert html.count("data-term=") == 3 and html.count("data-check=") == 1
    assert "data-cards" in html  # cards on a phone


# --- the frequencies ----------------------------------------------------------------------------


def test_the_frequencies_page_says_where_the_defaults_come_from(client_for):
    html = client_for(world.actor("leader")).get(reverse("hazchem:duty_rules")).content.decode()
    assert "data-low-confidence" in html and "原文尚未核实" in html
    assert "平台默认" in html and "修改检查频次" not in html


def test_a_city_wide_user_changes_a_frequency_and_the_change_is_kept(client_for, admin):
    client = client_for(admin)
    url = reverse("hazchem:duty_rule_set", args=["technical"])
    assert "修改检查频次" in client.get(reverse("hazchem:duty_rules")).content.decode()

    response = client.post(
        url, {"version": "0", "period": "month", "checks": "1", "basis": "市应急局通知"}
    )
    assert response.status_code == 302
    html = client.get(reverse("hazchem:duty_rules")).content.decode()
    assert "每月至少1次" in html and "市应急局通知" in html and "第1次修改" in html

    stale = client.post(url, {"version": "0", "period": "week", "checks": "1", "basis": "again"})
    assert stale.status_code == 409 and "已被他人修改" in stale.content.decode()
    bad = client.post(url, {"version": "1", "period": "week", "checks": "9", "basis": "x"})
    assert bad.status_code == 422 and "1至7" in bad.content.decode()
    assert DutyRule.objects.count() == 1


def test_a_district_user_cannot_change_a_frequency(client_for):
    client = client_for(world.actor("district_official"))
    html = client.get(reverse("hazchem:duty_rules")).content.decode()
    assert "检查频次是全市统一配置" in html and "修改检查频次" not in html
    url = reverse("hazchem:duty_rule_set", args=["technical"])
    response = client.post(url, {"version": "0", "period": "month", "checks": "1", "basis": "x"})
    assert response.status_code == 403
    assert not DutyRule.objects.exists()


# --- 包保履职 -----------------------------------------------------------------------------------


def test_the_figures_page_defaults_to_this_quarter(client_for, source):
    response = client_for(world.actor("district_official")).get(reverse("hazchem:duty_figures"))
    assert response.status_code == 200
    where = response.context["where"]
    assert (where.year, where.quarter) == (TODAY.year, (TODAY.month - 1) // 3 + 1)
    html = response.content.decode()
    assert 'data-figure="rate"' in html and 'id="by-region"' in html and 'id="by-role"' in html
    assert "data-cards" in html and "<table" in html


@pytest.mark.parametrize(
    "query", [{"year": "1999"}, {"quarter": "7"}, {"grade": "9"}, {"role": "boss"}, {"year": "abc"}]
)
def test_a_bad_filter_is_said_and_left_out(client_for, source, query):
    response = client_for(world.actor("district_official")).get(
        reverse("hazchem:duty_figures"), query
    )
    assert response.status_code == 200
    assert response.context["errors"] and "data-filter-error" in response.content.decode()
    where = response.context["where"]
    assert where.year == TODAY.year and not where.grade and not where.role


def test_the_workbooks_hold_the_page_and_the_list(client_for, source):
    client = client_for(world.actor("district_official"))
    page_context = client.get(reverse("hazchem:duty_figures")).context
    response = client.get(reverse("hazchem:duty_figures_export"))
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    headline = {row[0]: row[1] for row in book.worksheets[0].values}
    assert headline["应检查周期"] == page_context["total"].required
    assert headline["包保检查完成率"] == page_context["rate"]
    assert [sheet.title for sheet in book.worksheets][:5] == [
        "包保履职",
        "按街道",
        "按级别",
        "按单位",
        "按包保角色",
    ]

    listing = client.get(reverse("hazchem:duty_figures_sources_export"), {"status": "no_holder"})
    rows = list(load_workbook(BytesIO(listing.content)).worksheets[0].values)
    assert rows[0][0] == "编号"
    assert [row[0] for row in rows[1:]] == [source.number]
    values = dict(zip(rows[0], rows[1], strict=True))
    assert values["主要负责人"] == "未明确" and "主要负责人：未明确包保责任人" in values["缺少"]


def test_the_account_picker_offers_only_accounts_the_service_accepts(source):
    """An account linked to the enterprise whose role was changed since (here to 街镇) is
    not offered: naming it would be refused (``services_duties._account``)."""
    manager = world.actor("enterprise_manager")
    offered = dict(AssignForm(source=source).fields["user"].choices)
    assert str(manager.pk) in offered
    type(manager).objects.filter(pk=manager.pk).update(role=Role.STREET)
    assert str(manager.pk) not in dict(AssignForm(source=source).fields["user"].choices)


def test_the_check_records_ledger_holds_the_checks_the_figure_counts(client_for, source):
    """导出履职记录: every check of the figure's sources in its range and roles, in scope."""

    def ledger(actor: str, **params) -> list[tuple]:
        response = client_for(world.actor(actor)).get(reverse("hazchem:duty_checks_export"), params)
        assert response.status_code == 200
        return list(load_workbook(BytesIO(response.content)).worksheets[0].values)

    rows = ledger("district_official")
    assert rows[0][:3] == ("检查日期", "重大危险源编号", "单元名称")
    assert [(row[1], row[5], row[6], row[7]) for row in rows[1:]] == [
        (source.number, "操作负责人", "赵主任", "检查罐区液位报警，正常。")
    ]
    assert len(ledger("district_official", role="technical")) == 1  # the header alone
    assert len(ledger("neighbour_official")) == 1


def test_the_form_shows_the_quarter_the_page_counts(client_for, source):
    """Opened without a query the page counts this quarter; its 季度 select says so (it
    said 全年 while the heading said the quarter)."""
    response = client_for(world.actor("district_official")).get(reverse("hazchem:duty_figures"))
    form, where = response.context["form"], response.context["where"]
    assert form["quarter"].value() == where.quarter == quarter_of(TODAY)
    assert form["year"].value() == where.year == TODAY.year
