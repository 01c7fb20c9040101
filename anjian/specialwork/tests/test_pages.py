"""The permit pages as their users use them: an enterprise's safety manager applies for a
动火 permit (the form computes and explains the grade), submits it, records the approval
and the gas analysis and starts and closes the work from the permit's page — every step on
the timeline; a stale page or a gate that does not hold is answered 409 with the reason;
bad input 422 on the field. Officials see the list (cards on a phone), the permit without
its forms, the map of the permits open now (特级动火 first) and the figures, each figure
linking to exactly the permits it counts.

These pages run on the real clock: permits start now (a minute's precision, like the form)."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from anjian.specialwork import gates, services
from anjian.specialwork.choices import State
from anjian.specialwork.models import GasAnalysis, Permit
from anjian.specialwork.tests import factories as make
from testsupport import world

pytestmark = pytest.mark.django_db

LIST = reverse("specialwork:permit_list")
CREATE = reverse("specialwork:permit_create")


def local_now():
    return timezone.localtime().replace(second=0, microsecond=0)


def minute(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def now_permit(kind="confined", **changes) -> Permit:
    """A draft starting this minute (the real clock)."""
    start = local_now()
    return services.permit_create(
        make.manager(), data=make.data(kind, start=start, hours=changes.pop("hours", 4), **changes)
    )


def page(permit) -> str:
    return reverse("specialwork:permit_detail", args=[permit.pk])


def post_step(client, permit, name, **data):
    permit.refresh_from_db()
    url = reverse("specialwork:permit_transition", args=[permit.pk, name])
    return client.post(url, {"version": permit.version, **data})


def form(**changes) -> dict:
    start = local_now()
    data = {
        "kind": "hot",
        "hot_place": "pipe_rack",
        "place": "管廊3号",
        "content": "管廊支架焊接",
        "planned_start": minute(start),
        "planned_end": minute(start + timedelta(hours=2)),
        "guardian": "王监护",
        "workers": "张焊工\n李焊工",
    }
    data.update(changes)
    return data


@pytest.fixture
def manager_client(client_for):
    return client_for(world.actor("enterprise_manager"))


@pytest.fixture
def official_client(client_for):
    return client_for(world.actor("district_official"))


# --- applying --------------------------------------------------------------------------------


def test_the_form_computes_and_explains_the_grade_of_hot_work_on_a_pipe_rack(manager_client):
    response = manager_client.post(CREATE, form())
    assert response.status_code == 302
    permit = Permit.objects.get(place="管廊3号")
    assert response["Location"] == page(permit)
    assert permit.grade in ("1", "special")  # 一级; 特级 on a rest day or at night
    html = manager_client.get(page(permit)).content.decode()
    assert "管廊上的动火 → 一级" in html and "data-reasons" in html
    approver = {"1": "安全管理部门审批", "special": "主管领导审批"}[permit.grade]
    assert approver in html


def test_the_preview_box_shows_grade_validity_and_approvers(manager_client):
    url = reverse("specialwork:grade_preview")
    html = manager_client.get(url, {"kind": "lifting", "load_t": "120"}).content.decode()
    assert "一级吊装作业" in html and "m &gt; 100 t" in html
    assert "主管厂长或总工程师审批" in html and "未规定有效期" in html
    refused = manager_client.get(url, {"kind": "lifting", "load_t": "8"}).content.decode()
    assert "不需办理吊装安全作业票" in refused
    assert 'data-preview="empty"' in manager_client.get(url).content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"kind": "height", "height_m": "-3"}, "height_m", "须在0至1000之间"),
        ({"kind": "lifting", "load_t": "十吨"}, "load_t", "须为数字"),
        ({"planned_end": "2020-01-01T08:00"}, "planned_end", "须晚于计划开始时间"),
        ({"planned_start": "明天"}, "planned_start", "格式不对"),
    ],
)
def test_bad_input_is_shown_on_its_field(manager_client, changes, field, words):
    response = manager_client.post(CREATE, form(**changes))
    assert response.status_code == 422
    assert words in response.content.decode()
    assert not Permit.objects.filter(place="管廊3号").exists()


def test_an_official_may_not_apply(official_client):
    assert official_client.get(CREATE).status_code == 403


def test_a_draft_is_changed_and_a_submitted_one_is_not(manager_client):
    permit = now_permit()
    edit = reverse("specialwork:permit_edit", args=[permit.pk])
    changed = form(kind="confined", hot_place="", place="二号罐", version=permit.version)
    assert manager_client.post(edit, changed).status_code == 302
    assert make.fresh(permit).place == "二号罐"
    post_step(manager_client, permit, "submit")
    assert manager_client.get(edit).status_code == 302  # back to the permit: not a draft


# --- the permit's page: the whole way on the page --------------------------------------------


def test_an_enterprise_issues_works_and_closes_a_permit_on_its_page(manager_client):
    permit = now_permit("hot", hot_place="other", hours=2)
    assert post_step(manager_client, permit, "submit").status_code == 302
    (step,) = gates.steps(make.fresh(permit))
    permit.refresh_from_db()
    response = manager_client.post(
        reverse("specialwork:approval_add", args=[permit.pk]),
        {
            "version": permit.version,
            "step": step.key,
            "person": "车间主任",
            "agreed": "1",
            "opinion": "现场确认，同意",
        },
    )
    assert response.status_code == 302
    assert make.fresh(permit).state == State.APPROVED
    html = manager_client.get(page(permit)).content.decode()
    assert 'data-gate="refused"' in html and "30分钟内没有气体分析" in html
    assert "action-start" not in html  # not offered while a gate does not hold
    response = manager_client.post(
        reverse("specialwork:analysis_add", args=[permit.pk]),
        {
            "taken_at": minute(local_now()),
            "point": "动火点10 m内",
            "lel_percent": "5",
            "flammable_percent": "0.1",
            "analyst": "赵分析",
        },
    )
    assert response.status_code == 302
    assert GasAnalysis.objects.get(permit=permit).passed
    assert "action-start" in manager_client.get(page(permit)).content.decode()
    assert post_step(manager_client, permit, "start").status_code == 302
    assert make.fresh(permit).state == State.WORKING
    progress = reverse("specialwork:progress_add", args=[permit.pk])
    assert manager_client.post(progress, {"note": "焊接完成一半"}).status_code == 302
    assert post_step(manager_client, permit, "close", note="完工验收").status_code == 302
    closed = make.fresh(permit)
    assert closed.state == State.CLOSED
    actions = list(closed.transitions.order_by("at", "id").values_list("action", flat=True))
    assert actions == [
        "apply",
        "submit",
        "sign",
        "approve",
        "analyse",
        "start",
        "progress",
        "close",
    ]
    html = manager_client.get(page(permit)).content.decode()
    assert html.count('data-action="') == len(actions)


def test_starting_without_an_analysis_is_answered_with_the_reason(manager_client):
    permit = now_permit()
    make.submit(permit, now=timezone.now())
    make.sign_all(permit, now=timezone.now())
    response = post_step(manager_client, permit, "start")
    assert response.status_code == 409
    assert "30分钟内没有气体分析" in response.content.decode()
    assert make.fresh(permit).state == State.APPROVED


def test_a_stale_page_is_a_conflict(manager_client):
    permit = now_permit()
    url = reverse("specialwork:permit_transition", args=[permit.pk, "submit"])
    response = manager_client.post(url, {"version": permit.version - 1})
    assert response.status_code == 409
    assert make.fresh(permit).state == State.DRAFT


def test_a_failing_sample_is_recorded_as_failing(manager_client):
    permit = now_permit()
    make.submit(permit, now=timezone.now())
    response = manager_client.post(
        reverse("specialwork:analysis_add", args=[permit.pk]),
        {
            "taken_at": minute(local_now()),
            "point": "罐内底部",
            "lel_percent": "3",
            "flammable_percent": "0.3",
            "oxygen_percent": "20.9",
            "analyst": "赵分析",
        },
    )
    assert response.status_code == 302
    analysis = GasAnalysis.objects.get(permit=permit)
    assert not analysis.passed
    assert "不合格" in manager_client.get(page(permit)).content.decode()


def test_a_sample_without_the_oxygen_a_confined_space_needs_is_refused(manager_client):
    permit = now_permit()
    make.submit(permit, now=timezone.now())
    response = manager_client.post(
        reverse("specialwork:analysis_add", args=[permit.pk]),
        {
            "taken_at": minute(local_now()),
            "point": "罐内",
            "lel_percent": "5",
            "flammable_percent": "0.1",
            "analyst": "赵",
        },
    )
    assert response.status_code == 422
    assert "须填写氧含量" in response.content.decode()


def test_an_official_sees_the_permit_without_its_forms(official_client):
    permit = now_permit()
    html = official_client.get(page(permit)).content.decode()
    assert permit.number in html and "action-" not in html and "edit-link" not in html
    url = reverse("specialwork:permit_transition", args=[permit.pk, "submit"])
    assert official_client.post(url, {"version": permit.version}).status_code == 403


def test_a_permit_outside_the_scope_is_not_found(client_for):
    permit = now_permit()
    other = client_for(world.actor("neighbour_official"))
    assert other.get(page(permit)).status_code == 404


# --- the list, its Excel, the map, the figures ---------------------------------------------


def test_the_list_filters_and_becomes_cards_on_a_phone(official_client):
    hot = now_permit("hot", hot_place="running_plant", hours=2)
    confined = now_permit()
    html = official_client.get(LIST, {"kind": "hot"}).content.decode()
    assert hot.number in html and confined.number not in html
    html = official_client.get(LIST, {"grade": "special"}).content.decode()
    assert hot.number in html and confined.number not in html
    html = official_client.get(LIST, {"state": "draft"}).content.decode()
    assert hot.number in html and "data-cards" in html and "data-card" in html
    enterprise = str(world.enterprise("yinhang_chemical").pk)
    assert hot.number in official_client.get(LIST, {"enterprise": enterprise}).content.decode()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert hot.number not in official_client.get(LIST, {"date_from": tomorrow}).content.decode()


def test_the_export_holds_the_filtered_list(official_client):
    hot = now_permit("hot", hot_place="other", hours=2)
    now_permit()
    response = official_client.get(reverse("specialwork:permit_export"), {"kind": "hot"})
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "作业票编号"
    assert [row[0] for row in rows[1:]] == [hot.number]


def test_the_map_shows_the_open_permits_special_hot_work_first(official_client):
    special = now_permit("hot", hot_place="running_plant", hours=2)
    confined = now_permit()
    draft = now_permit("height")
    for permit in (special, confined):
        make.submit(permit, now=timezone.now())
        make.sign_all(permit, now=timezone.now())
    html = official_client.get(reverse("specialwork:permit_map")).content.decode()
    assert html.index(special.number) < html.index(confined.number)
    assert draft.number not in html
    assert "vendor/leaflet/leaflet" in html and "specialwork/permitmap" in html
    data = official_client.get(reverse("specialwork:permit_map_data")).json()
    numbers = {point[3]: point for point in data["points"]}
    assert set(numbers) == {special.number, confined.number}
    assert numbers[special.number][5] == "special" and data["points"][-1][3] == special.number


def test_each_figure_links_to_exactly_the_permits_it_counts(official_client):
    for permit in (
        now_permit("hot", hot_place="running_plant", hours=2),
        now_permit("hot", hot_place="other", hours=2),
        now_permit(),
    ):
        make.submit(permit, now=timezone.now())
    now_permit("height")  # a draft: not counted
    response = official_client.get(reverse("specialwork:figures"))
    html = response.content.decode()
    links = response.context["rows"]
    checked = 0
    for item in links:
        for target, count in [(item["url"], item["row"].total.count)] + [
            (grade["url"], grade["cell"].count) for grade in item["grades"]
        ]:
            listed = official_client.get(target).content.decode().count("data-permit=")
            assert listed == count, target
            checked += count
    assert sum(item["row"].total.count for item in links) == 3  # the draft is not counted
    assert checked == 3 + 2  # every kind total, and the two hot permits in their grades
    assert 'data-figure="total"' in html


def test_the_figures_export(official_client):
    make.submit(now_permit("lifting", load_t="50"), now=timezone.now())
    response = official_client.get(reverse("specialwork:figures_export"))
    workbook = load_workbook(BytesIO(response.content))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert ("吊装作业", "二级", 1) in rows


# --- who holds the roles ---------------------------------------------------------------------


def test_the_enterprise_maps_a_role_to_its_people(manager_client):
    url = reverse("specialwork:approvers")
    response = manager_client.post(url, {"role": "leader", "person": "副总经理 陈", "user": ""})
    assert response.status_code == 302
    assert "副总经理 陈" in manager_client.get(url).content.decode()


def test_the_administrator_picks_the_enterprise_first(client_for):
    now_permit()
    admin = client_for(world.actor("admin"))
    html = admin.get(reverse("specialwork:approvers")).content.decode()
    assert world.enterprise("yinhang_chemical").name in html
