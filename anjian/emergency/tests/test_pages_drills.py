"""The 应急演练 pages: the list (cards on a phone) and its Excel; the drill plan form; a
drill's page in each state with only the forms its state and the user allow — 实施, 评估
with the problems it found (typed one per line), 取消, 整改完成 — refused in Chinese by
field, a stale page answered with the conflict, another district's drill a 404; drill
compliance (演练完成率 and who is behind) with each figure opening exactly its units and
each unit its drills.

The drills are built once for the module (``drills``); each test's writes roll back."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from anjian.emergency.choices import DrillForm, DrillKind, OwnerKind, PlanType, TaskState
from anjian.emergency.models import Drill, DrillProblem, DrillState
from anjian.emergency.tests.factories_plans import drill, evaluated, held, in_force
from testsupport import world

pytestmark = pytest.mark.django_db
LIST = reverse("emergency:drill_list")
CREATE = reverse("emergency:drill_create")
COMPLIANCE = reverse("emergency:drill_compliance")
LAST_YEAR = timezone.localdate().year - 1


@pytest.fixture(scope="module")
def drills(django_db_setup, django_db_blocker):
    """殷行化工 with an on-site plan in force since the year before last: last year it held
    its on-site drill in the first half only (behind in the second); 平凉机械厂 with a
    comprehensive plan held its drill. A drill in each state, and the neighbour's."""
    with django_db_blocker.unblock(), transaction.atomic():
        since = date(LAST_YEAR - 1, 3, 2)
        onsite = in_force(on=since, title="储罐区泄漏现场处置方案", plan_type=PlanType.ONSITE)
        comprehensive = in_force(
            on=since, enterprise="pingliang_factory", title="平凉机械厂综合应急预案"
        )
        first_half = held(
            drill(plan=onsite, planned_on=date(LAST_YEAR, 5, 20)), on=date(LAST_YEAR, 5, 20)
        )
        yearly = drill(
            enterprise="pingliang_factory",
            kind=DrillKind.COMPREHENSIVE,
            plan=comprehensive,
            title="平凉机械厂综合应急演练",
            planned_on=date(LAST_YEAR, 9, 1),
        )
        problems = [
            {
                "description": "通讯联络不畅",
                "improvement": "配备防爆对讲机",
                "responsible": "设备部",
                "due_on": date(LAST_YEAR, 12, 1),
            },
        ]
        done = evaluated(held(yearly, on=date(LAST_YEAR, 9, 1)), problems=problems)
        today = timezone.localdate()
        built = {
            "onsite": onsite,
            "held": first_half,
            "evaluated": done,
            "planned": drill(
                title="消防疏散桌面推演",
                form=DrillForm.TABLETOP,
                planned_on=today + timedelta(days=30),
            ),
            "neighbour": drill(
                world.actor("neighbour_official"),
                enterprise="hongkou_shop",
                title="虹口超市疏散演练",
            ),
        }
        yield built
        transaction.set_rollback(True)


def page(client, url, **query) -> str:
    response = client.get(url, query)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


# --- the list and the page --------------------------------------------------------------------


def test_the_list_shows_the_drills_in_scope(client_for, drills):
    html = page(client_for(world.actor("district_official")), LIST)
    for name in ("held", "evaluated", "planned"):
        assert drills[name].title in html
    assert "虹口超市疏散演练" not in html and "data-card" in html
    held_only = page(client_for(world.actor("leader")), LIST, state=DrillState.HELD)
    assert drills["held"].title in held_only and drills["planned"].title not in held_only


def test_the_export_is_the_filtered_list(client_for, drills):
    response = client_for(world.actor("leader")).get(
        reverse("emergency:drill_export"), {"kind": DrillKind.COMPREHENSIVE}
    )
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content)).worksheets[0].values)
    assert rows[0][:2] == ("演练编号", "演练名称")
    assert [row[1] for row in rows[1:]] == ["平凉机械厂综合应急演练"]
    assert rows[1][-1] == 85  # 评估得分


def test_each_state_offers_only_its_forms(client_for, drills):
    client = client_for(world.actor("district_official"))
    planned = page(client, drills["planned"].get_absolute_url())
    assert 'id="action-hold"' in planned and 'id="action-cancel"' in planned
    assert 'id="action-evaluate"' not in planned
    held_page = page(client, drills["held"].get_absolute_url())
    assert 'id="action-evaluate"' in held_page and 'id="action-hold"' not in held_page
    assert "data-held" in held_page
    done = page(client, drills["evaluated"].get_absolute_url())
    assert "data-evaluation" in done and "data-score>85<" in done
    assert 'data-problem="open"' in done and "配备防爆对讲机" in done and "data-overdue" in done
    problem = drills["evaluated"].problems.get()
    assert f'id="action-problem_done-{problem.pk}"' in done
    leader = page(client_for(world.actor("leader")), drills["evaluated"].get_absolute_url())
    assert 'action="/emergency/' not in leader


def test_another_districts_drill_is_not_found(client_for, drills):
    neighbour = client_for(world.actor("neighbour_official"))
    assert neighbour.get(drills["held"].get_absolute_url()).status_code == 404
    url = reverse("emergency:drill_cancel", args=[drills["planned"].pk])
    assert neighbour.post(url, {"version": 1, "reason": "x"}).status_code == 404
    official = client_for(world.actor("district_official"))
    assert official.get(drills["neighbour"].get_absolute_url()).status_code == 404


# --- the forms ----------------------------------------------------------------------------------


def plan_form(**overrides) -> dict:
    data = {
        "owner_kind": OwnerKind.ENTERPRISE,
        "region": "",
        "department": "",
        "enterprise": world.enterprise("yinhang_chemical").pk,
        "title": "储罐区泄漏现场处置演练（第二次）",
        "kind": DrillKind.ONSITE,
        "form": DrillForm.ACTUAL,
        "plan": "",
        "scenario": "储罐法兰泄漏",
        "planned_on": "2026-12-20",
        "place": "储罐区",
    }
    data.update(overrides)
    return data


def test_a_drill_plan_is_registered_and_bad_input_is_named(client_for, drills):
    client = client_for(world.actor("district_official"))
    prefilled = page(client, CREATE, plan=drills["onsite"].pk)
    assert f'data-picked="{world.enterprise("yinhang_chemical").pk}"' in prefilled
    refused = client.post(CREATE, plan_form(title="", planned_on="明天", enterprise=""))
    html = refused.content.decode()
    assert refused.status_code == 422
    assert (
        "请填写演练名称" in html and "计划日期格式不对" in html and "请查找并选择所属单位" in html
    )
    assert "储罐法兰泄漏" in html  # kept
    wrong = client.post(CREATE, plan_form(plan=drills["onsite"].pk, kind=DrillKind.SPECIAL))
    assert (
        wrong.status_code == 422
        and "现场处置方案的演练应为现场处置方案演练" in wrong.content.decode()
    )
    done = client.post(CREATE, plan_form(plan=drills["onsite"].pk))
    made = Drill.objects.get(title="储罐区泄漏现场处置演练（第二次）")
    assert done.status_code == 302 and done["Location"] == made.get_absolute_url()
    assert made.plan == drills["onsite"] and made.state == DrillState.PLANNED


def test_hold_then_evaluate_with_problems_typed_one_per_line(client_for, drills):
    record = drills["planned"]
    client = client_for(world.actor("enterprise_manager"))  # the unit keeps its drills
    hold = reverse("emergency:drill_hold", args=[record.pk])
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    refused = client.post(
        hold,
        {"version": record.version, "held_on": future, "participants": "0", "record": "按方案"},
    )
    assert refused.status_code == 422 and "参演人数不能小于1" in refused.content.decode()
    today = timezone.localdate().isoformat()
    done = client.post(
        hold,
        {
            "version": record.version,
            "held_on": today,
            "participants": "25",
            "record": "疏散用时4分钟",
        },
    )
    assert done.status_code == 302
    record = Drill.objects.get(pk=record.pk)
    evaluate = reverse("emergency:drill_evaluate", args=[record.pk])
    form = {
        "version": record.version,
        "score": "78",
        "evaluators": "安全科",
        "evaluated_on": today,
        "summary": "疏散基本有序",
    }
    bad = client.post(evaluate, {**form, "problems": "楼梯间堵塞｜清理楼梯间"})
    assert bad.status_code == 422 and "第1行：缺少“责任人/部门”" in bad.content.decode()
    lines = "楼梯间堵塞｜清理楼梯间｜后勤部｜2027-01-15\n广播听不清\t更换广播\t行政部\t2027/01/31"
    assert client.post(evaluate, {**form, "problems": lines}).status_code == 302
    assert list(record.problems.values_list("improvement", "due_on")) == [
        ("清理楼梯间", date(2027, 1, 15)),
        ("更换广播", date(2027, 1, 31)),
    ]


def test_a_problem_is_closed_and_a_stale_page_gets_the_conflict(client_for, drills):
    problem = drills["evaluated"].problems.get()
    client = client_for(world.actor("district_official"))
    url = reverse("emergency:drill_problem_done", args=[drills["evaluated"].pk, problem.pk])
    early = client.post(url, {"version": problem.version, "done_on": "2000-01-01", "note": "已配"})
    assert early.status_code == 422 and "完成日期不能早于演练评估日期" in early.content.decode()
    today = timezone.localdate().isoformat()
    done = client.post(url, {"version": problem.version, "done_on": today, "note": "已配备8台"})
    assert done.status_code == 302
    assert DrillProblem.objects.get(pk=problem.pk).state == TaskState.DONE
    again = client.post(url, {"version": problem.version, "done_on": today, "note": "再次"})
    assert again.status_code == 409 and "data-conflict" in again.content.decode()
    other = reverse("emergency:drill_problem_done", args=[drills["held"].pk, problem.pk])
    assert client.post(other, {"version": 1, "done_on": today, "note": "x"}).status_code == 404


def test_cancelling_needs_a_reason_and_a_current_page(client_for, drills):
    record = drills["planned"]
    client = client_for(world.actor("district_official"))
    url = reverse("emergency:drill_cancel", args=[record.pk])
    assert "请填写取消理由" in client.post(url, {"version": record.version}).content.decode()
    stale = client.post(url, {"version": record.version + 1, "reason": "台风"})
    assert stale.status_code == 409
    assert client.post(url, {"version": record.version, "reason": "台风"}).status_code == 302
    assert Drill.objects.get(pk=record.pk).state == DrillState.CANCELLED


# --- compliance ---------------------------------------------------------------------------------


def test_compliance_shows_who_is_behind_and_each_figure_opens_its_units(client_for, drills):
    client = client_for(world.actor("district_official"))
    response = client.get(COMPLIANCE, {"year": LAST_YEAR})
    html = response.content.decode()
    chemical = f"enterprise:{world.enterprise('yinhang_chemical').pk}"
    factory = f"enterprise:{world.enterprise('pingliang_factory').pk}"
    assert f'data-unit="{chemical}" data-status="behind"' in html
    assert f'data-unit="{factory}" data-status="met"' in html
    assert "50.0%" in html  # one of the two units on track
    figures = response.context["figures"]
    behind = client.get(figures["behind"]["url"]).content.decode()
    assert chemical in behind and factory not in behind
    on_track = client.get(figures["rate"]["url"]).content.decode()
    assert factory in on_track and chemical not in on_track
    row = next(r for r in response.context["rows"] if r["row"].key == chemical)
    listed = client.get(row["drills_url"]).context["table"].data.data
    assert list(listed) == [drills["held"]]
    assert "殷行化工" in client.get(row["drills_url"]).content.decode()  # the unit, by name


def test_the_overview_names_who_is_behind(client_for, drills):
    response = client_for(world.actor("leader")).get(reverse("emergency:overview"))
    assert response.status_code == 200
    assert response.context["drills"]["rate"]["url"].startswith(COMPLIANCE)
