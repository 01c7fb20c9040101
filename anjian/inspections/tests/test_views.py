"""The 双随机一公开 pages as a browser uses them: drawing through the form, publishing, the
public results without login, an inspector's own tasks, the pools, errors in Chinese."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anjian.accounts.roles import Role
from anjian.accounts.services import user_create_basic
from anjian.inspections import services
from anjian.inspections.choices import DrawState, Outcome, TaskState
from anjian.inspections.models import Draw, InspectionTask, Inspector, InspectorConflict
from anjian.regions.models import Department, Industry
from testsupport import world

EMERGENCY = "杨浦区应急管理局"
HOUSING = "杨浦区建设和管理委员会"


def page(response) -> str:
    return response.content.decode()


def department(name: str = EMERGENCY) -> Department:
    return Department.objects.get(name=name)


def official(username: str, dept: Department):
    return user_create_basic(
        username=username,
        name=f"执法{username}",
        phone="",
        role=Role.INSPECTOR,
        password=world.PASSWORD,
        region=dept.region,
        department=dept,
    )


def enrol(by, user, dept: Department, number: str, *, valid_until=None) -> Inspector:
    return services.inspector_save(
        by,
        data={
            "user": user,
            "department": dept,
            "certificate_number": number,
            "certificate_valid_until": valid_until or date.today() + timedelta(days=365),
        },
    )


def matter(by, dept: Department, codes=("hazchem", "construction", "machinery")):
    return services.matter_save(
        by,
        data={
            "department": dept,
            "name": "安全生产监督检查",
            "basis": "《中华人民共和国安全生产法》第六十五条",
            "industries": list(Industry.objects.filter(code__in=codes)),
        },
    )


@pytest.fixture
def emergency_pool(admin, inspector):
    """杨浦区应急管理局's pool: the world's inspector and three colleagues, and a matter
    covering the world's three 杨浦 units."""
    dept = department()
    members = [enrol(admin, inspector, dept, "31011000001")]
    members += [enrol(admin, official(f"zf{n}", dept), dept, f"3101100001{n}") for n in range(1, 4)]
    return {"department": dept, "inspectors": members, "matter": matter(admin, dept)}


def draw_data(pool, **overrides) -> dict:
    data = {
        "department": pool["department"].pk,
        "matter": pool["matter"].pk,
        "title": "2026年第四季度双随机抽查",
        "count": "2",
        "per_target": "2",
        "unannounced": "on",
    }
    data.update(overrides)
    return data


def run(by, pool, *, count=2, title="2026年第四季度双随机抽查") -> Draw:
    return services.draw_run(
        by, department=pool["department"], matter=pool["matter"], title=title, count=count
    )


# --- drawing through the form ------------------------------------------------------------------


def test_a_department_user_draws_through_the_form_and_sees_the_result(
    client_for, admin, housing_official
):
    housing = department(HOUSING)
    for n in range(2):
        enrol(admin, official(f"js{n}", housing), housing, f"3101100002{n}")
    pool = {"department": housing, "matter": matter(admin, housing, codes=("construction",))}
    client = client_for(housing_official)

    form = client.get(reverse("inspections:draw_create")).context["form"]
    assert list(form.fields["department"].queryset) == [housing]

    response = client.post(reverse("inspections:draw_create"), draw_data(pool, count="1"))
    assert response.status_code == 302
    drawn = Draw.objects.get(title="2026年第四季度双随机抽查")
    assert response["Location"] == drawn.get_absolute_url()
    assert drawn.department == housing and drawn.state == DrawState.DRAWN

    detail = page(client.get(drawn.get_absolute_url()))
    assert "上海殷行建设工程有限公司" in detail  # the one construction unit in 杨浦
    assert drawn.seed in detail and drawn.target_fingerprint in detail
    assert 'id="action-publish"' in detail and 'id="action-void"' in detail
    assert "2026年第四季度双随机抽查" in page(client.get(reverse("inspections:draw_list")))


def test_a_department_user_may_not_draw_for_another_department(
    client_for, housing_official, emergency_pool
):
    response = client_for(housing_official).post(
        reverse("inspections:draw_create"), draw_data(emergency_pool)
    )
    assert response.status_code == 422
    assert "只能以您有权办理的部门发起抽取" in page(response)
    assert not Draw.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "expected"),
    [
        ({"count": "10"}, "count", "抽取数量（10）超过检查对象名录库中的对象数（3）"),
        ({"per_target": "1"}, "per_target", "每个检查对象至少派 2 名执法人员"),
        ({"title": ""}, "title", "这个字段是必填项"),
    ],
)
def test_form_errors_show_on_their_fields_in_chinese(
    client_for, district_official, emergency_pool, overrides, field, expected
):
    response = client_for(district_official).post(
        reverse("inspections:draw_create"), draw_data(emergency_pool, **overrides)
    )
    assert response.status_code == 422
    assert any(expected in error for error in response.context["form"].errors[field])
    assert expected in page(response)
    assert not Draw.objects.exists()


def test_a_second_valid_draw_of_the_same_task_is_refused(
    client_for, district_official, emergency_pool
):
    run(district_official, emergency_pool)
    response = client_for(district_official).post(
        reverse("inspections:draw_create"), draw_data(emergency_pool)
    )
    assert response.status_code == 422
    assert "该抽查任务已有有效的抽取结果" in page(response)


def test_the_check_reruns_the_record_and_the_record_downloads(
    client_for, district_official, emergency_pool
):
    drawn = run(district_official, emergency_pool)
    client = client_for(district_official)
    checked = client.get(drawn.get_absolute_url(), {"check": "1"})
    assert 'data-check="ok"' in page(checked) and "复核一致" in page(checked)

    record = client.get(reverse("inspections:draw_record", args=[drawn.pk]))
    assert record["Content-Type"] == "application/json"
    assert f"draw-{drawn.pk}.json" in record["Content-Disposition"]
    assert drawn.seed in record.content.decode()


def test_an_overdue_draw_says_so_in_red(client_for, district_official, emergency_pool):
    drawn = run(district_official, emergency_pool)
    Draw.objects.filter(pk=drawn.pk).update(publish_by=timezone.localdate() - timedelta(days=1))
    assert "逾期未公示" in page(client_for(district_official).get(drawn.get_absolute_url()))


# --- publishing, voiding -------------------------------------------------------------------------


def test_a_draw_is_published_from_its_page(client_for, district_official, emergency_pool):
    drawn = run(district_official, emergency_pool)
    client = client_for(district_official)
    response = client.post(
        reverse("inspections:draw_publish", args=[drawn.pk]), {"version": drawn.version}
    )
    assert response.status_code == 302
    drawn.refresh_from_db()
    assert drawn.state == DrawState.PUBLISHED and drawn.published_at is not None
    detail = page(client.get(drawn.get_absolute_url()))
    assert 'id="action-publish"' not in detail
    assert reverse("inspections:public_draw", args=[drawn.pk]) in detail


def test_voiding_without_a_reason_is_refused_in_chinese(
    client_for, district_official, emergency_pool
):
    drawn = run(district_official, emergency_pool)
    response = client_for(district_official).post(
        reverse("inspections:draw_void", args=[drawn.pk]), {"version": drawn.version}
    )
    assert response.status_code == 422
    assert "请写明原因" in page(response)
    assert Draw.objects.get(pk=drawn.pk).state == DrawState.DRAWN


def test_a_leader_sees_the_draw_but_no_buttons(
    client_for, leader, district_official, emergency_pool
):
    drawn = run(district_official, emergency_pool)
    detail = page(client_for(leader).get(drawn.get_absolute_url()))
    assert drawn.title in detail and 'id="action-' not in detail
    response = client_for(leader).post(
        reverse("inspections:draw_publish", args=[drawn.pk]), {"version": drawn.version}
    )
    assert response.status_code == 403


# --- the public page ------------------------------------------------------------------------------


def test_the_public_page_shows_a_published_draw_without_login(district_official, emergency_pool):
    services.draw_void(
        district_official, draw_id=run(district_official, emergency_pool).pk, reason="抽取条件有误"
    )
    drawn = run(district_official, emergency_pool)
    services.draw_publish(district_official, draw_id=drawn.pk)
    anonymous = Client()

    listing = anonymous.get(reverse("inspections:public_draws"))
    assert listing.status_code == 200 and drawn.title in page(listing)
    assert "csrfmiddlewaretoken" not in page(listing)

    url = reverse("inspections:public_draw", args=[drawn.pk])
    record_url = reverse("inspections:public_draw_record", args=[drawn.pk])
    first, second = InspectionTask.objects.filter(draw=drawn).order_by("position")
    # Unannounced (四不两直) and not yet inspected: the unit, its inspectors and the
    # record (which names every unit drawn) are withheld — publishing would announce it.
    shown = page(anonymous.get(url))
    assert first.enterprise.name not in shown and first.enterprise.credit_code not in shown
    assert "检查完成后公示单位和检查人员" in shown and 'id="record-withheld"' in shown
    assert drawn.seed in shown and drawn.rules_fingerprint in shown
    assert "第1次抽取" in shown and "抽取条件有误" in shown  # the voided attempt
    assert anonymous.get(record_url).status_code == 404

    today = timezone.localdate()
    services.task_complete(
        district_official, task_id=first.pk, inspected_on=today, outcome=Outcome.NO_PROBLEM
    )
    shown = page(anonymous.get(url))
    assert first.enterprise.name in shown and first.enterprise.credit_code in shown
    assert first.inspectors.first().certificate_number in shown
    assert second.enterprise.name not in shown and "待检查" in shown
    assert anonymous.get(record_url).status_code == 404
    services.task_cancel(district_official, task_id=second.pk, reason="该单位已注销")
    shown = page(anonymous.get(url))
    assert second.enterprise.name in shown and "anjian verify_draw record.json" in shown
    record = anonymous.get(record_url)
    assert record.status_code == 200 and record["Content-Type"] == "application/json"


def test_the_public_page_404s_for_a_draw_not_published(district_official, emergency_pool):
    drawn = run(district_official, emergency_pool)
    anonymous = Client()
    assert anonymous.get(reverse("inspections:public_draw", args=[drawn.pk])).status_code == 404
    record = reverse("inspections:public_draw_record", args=[drawn.pk])
    assert anonymous.get(record).status_code == 404
    assert drawn.title not in page(anonymous.get(reverse("inspections:public_draws")))


def test_a_recorded_outcome_shows_on_the_public_page(district_official, emergency_pool):
    drawn = run(district_official, emergency_pool)
    services.draw_publish(district_official, draw_id=drawn.pk)
    task = drawn.tasks.first()
    services.task_complete(
        district_official,
        task_id=task.pk,
        inspected_on=timezone.localdate(),
        outcome=Outcome.RECTIFY,
    )
    shown = page(Client().get(reverse("inspections:public_draw", args=[drawn.pk])))
    assert "发现问题，责令整改" in shown


# --- tasks ------------------------------------------------------------------------------------


def test_an_inspector_sees_only_the_tasks_they_were_drawn_for_and_records_a_result(
    client_for, inspector, district_official, emergency_pool
):
    drawn = run(district_official, emergency_pool, count=3)
    mine = set(drawn.tasks.filter(inspectors__user=inspector).values_list("pk", flat=True))
    others = set(drawn.tasks.exclude(pk__in=mine).values_list("pk", flat=True))
    assert mine and others  # 6 places over 4 officials: one or two of the three tasks
    client = client_for(inspector)

    listing = client.get(reverse("inspections:task_list"))
    assert {row.record.pk for row in listing.context["table"].rows} == mine
    other = InspectionTask.objects.get(pk=min(others))
    assert client.get(other.get_absolute_url()).status_code == 404

    task = InspectionTask.objects.get(pk=min(mine))
    detail = page(client.get(task.get_absolute_url()))
    assert 'id="action-complete"' in detail and 'id="action-cancel"' not in detail
    response = client.post(
        reverse("inspections:task_complete", args=[task.pk]),
        {
            "version": task.version,
            "inspected_on": timezone.localdate().isoformat(),
            "outcome": Outcome.NO_PROBLEM,
            "note": "现场检查未发现问题",
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.state == TaskState.DONE and task.outcome == Outcome.NO_PROBLEM


def test_a_result_without_an_outcome_is_refused_in_chinese(
    client_for, district_official, emergency_pool
):
    task = run(district_official, emergency_pool).tasks.first()
    response = client_for(district_official).post(
        reverse("inspections:task_complete", args=[task.pk]),
        {"version": task.version, "inspected_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 422
    assert "请选择检查结果" in page(response)


def test_the_department_cancels_a_task_with_its_reason(
    client_for, district_official, emergency_pool
):
    task = run(district_official, emergency_pool).tasks.first()
    response = client_for(district_official).post(
        reverse("inspections:task_cancel", args=[task.pk]),
        {"version": task.version, "reason": "该单位已停业"},
    )
    assert response.status_code == 302
    assert InspectionTask.objects.get(pk=task.pk).state == TaskState.CANCELLED


# --- the pools --------------------------------------------------------------------------------


def test_an_official_is_enrolled_through_the_form(client_for, district_official):
    dept = department()
    user = official("zf_new", dept)
    response = client_for(district_official).post(
        reverse("inspections:inspector_create"),
        {
            "user": user.pk,
            "department": dept.pk,
            "certificate_number": "31011000099",
            "certificate_valid_until": "2027-12-31",
            "in_pool": "on",
            "home_regions": [world.YINHANG],
        },
    )
    assert response.status_code == 302
    enrolled = Inspector.objects.get(user=user)
    assert list(enrolled.home_regions.values_list("pk", flat=True)) == [world.YINHANG]


def test_a_duplicate_certificate_number_is_refused_in_chinese(
    client_for, district_official, emergency_pool
):
    dept = department()
    response = client_for(district_official).post(
        reverse("inspections:inspector_create"),
        {
            "user": official("zf_dup", dept).pk,
            "department": dept.pk,
            "certificate_number": "31011000001",
            "certificate_valid_until": "2027-12-31",
        },
    )
    assert response.status_code == 422
    assert "该执法证号已登记" in page(response)


def test_an_expired_certificate_is_shown(client_for, admin, district_official):
    dept = department()
    expired = enrol(
        admin, official("zf_old", dept), dept, "31011000077", valid_until=date(2020, 1, 1)
    )
    client = client_for(district_official)
    assert "执法证已过期" in page(client.get(expired.get_absolute_url()))
    assert "执法证已过期" in page(client.get(reverse("inspections:inspector_list")))


def test_a_conflict_is_declared_by_picking_the_enterprise_and_withdrawn(
    client_for, district_official, emergency_pool, enterprises
):
    member = emergency_pool["inspectors"][1]
    client = client_for(district_official)
    found = page(client.get(member.get_absolute_url(), {"q": "殷行化工"}))
    chemical = enterprises["yinhang_chemical"]
    assert f"?enterprise={chemical.pk}" in found

    url = reverse("inspections:conflict_declare", args=[member.pk])
    refused = client.post(url, {"enterprise": chemical.pk, "reason": ""})
    assert refused.status_code == 422 and "请写明回避理由" in page(refused)
    assert (
        client.post(url, {"enterprise": chemical.pk, "reason": "近亲属在该单位任职"}).status_code
        == 302
    )
    conflict = InspectorConflict.objects.get(inspector=member)
    assert "近亲属在该单位任职" in page(client.get(member.get_absolute_url()))

    withdraw = reverse("inspections:conflict_withdraw", args=[member.pk, conflict.pk])
    assert client.post(withdraw).status_code == 302
    assert InspectorConflict.objects.get(pk=conflict.pk).withdrawn_at is not None


def test_a_matter_is_added_through_the_form(client_for, district_official):
    response = client_for(district_official).post(
        reverse("inspections:matter_create"),
        {
            "department": department().pk,
            "name": "粉尘涉爆企业专项检查",
            "basis": "《工贸企业粉尘防爆安全规定》",
            "industries": [Industry.objects.get(code="machinery").pk],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    listing = page(client_for(district_official).get(reverse("inspections:matter_list")))
    assert "粉尘涉爆企业专项检查" in listing


def test_a_matter_without_industries_is_refused_in_chinese(client_for, district_official):
    response = client_for(district_official).post(
        reverse("inspections:matter_create"),
        {"department": department().pk, "name": "空事项", "basis": "依据", "is_active": "on"},
    )
    assert response.status_code == 422
    assert "请选择抽查对象的行业" in page(response)


def test_the_menu_offers_the_inspection_pages_to_those_who_may_view_them(
    client_for, leader, street_officer
):
    assert "执法人员名录库" in page(client_for(leader).get(reverse("web:home")))
    assert "执法人员名录库" not in page(client_for(street_officer).get(reverse("web:home")))


@pytest.mark.parametrize("sort", ["enterprise", "-draw", "inspected_on", "-outcome", "state"])
def test_an_inspectors_task_list_sorts_and_shows_cards_for_phones(
    client_for, inspector, district_official, emergency_pool, sort
):
    run(district_official, emergency_pool, count=3)
    response = client_for(inspector).get(reverse("inspections:task_list"), {"sort": sort})
    assert response.status_code == 200
    assert "data-card" in page(response) and "d-md-none" in page(response)


def test_an_official_in_the_pool_may_list_their_own_tasks(
    client_for, admin, district_official, emergency_pool
):
    enrol(admin, district_official, department(), "31011000055")
    run(district_official, emergency_pool, count=3)
    client = client_for(district_official)
    everything = client.get(reverse("inspections:task_list")).context["table"].rows
    mine = client.get(reverse("inspections:task_list"), {"mine": "1"}).context["table"].rows
    assert len(everything) == 3
    assert {row.record.pk for row in mine} == set(
        InspectionTask.objects.filter(inspectors__user=district_official).values_list(
            "pk", flat=True
        )
    )


def test_an_official_is_taken_out_of_the_pool_through_the_form(
    client_for, district_official, emergency_pool
):
    member = emergency_pool["inspectors"][2]
    client = client_for(district_official)
    url = reverse("inspections:inspector_edit", args=[member.pk])
    form = client.get(url).context["form"]
    assert form["user"].value() == member.user_id
    response = client.post(
        url,
        {
            "version": member.version,
            "user": member.user_id,
            "department": member.department_id,
            "certificate_number": member.certificate_number,
            "certificate_valid_until": "2027-12-31",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert not member.in_pool and member.version == 2
