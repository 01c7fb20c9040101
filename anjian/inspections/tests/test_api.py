"""/api/v1/inspections: a draw run, read, verified and published over the API; the pools
kept over it; errors in Chinese; another district's draw is 404; an inspector records only
the tasks they were drawn for."""

import json
from datetime import date, timedelta

import pytest

from anjian.inspections import services
from anjian.inspections.models import Draw
from anjian.inspections.tests import factories
from anjian.regions.models import Department
from testsupport import world

URL = "/api/v1/inspections"


def send(client, method, url, payload):
    return getattr(client, method)(url, json.dumps(payload), content_type="application/json")


def messages(response) -> dict[str, str]:
    assert response.status_code == 422, response.content
    return {item["loc"][-1]: item["msg"] for item in response.json()["detail"]}


@pytest.fixture
def emergency():
    return factories.department()


@pytest.fixture
def matter(district_official, emergency):
    factories.pool(district_official, emergency)
    return factories.matter(district_official, emergency)


def draw_body(matter, **extra) -> dict:
    return {
        "department_id": matter.department_id,
        "matter_id": matter.pk,
        "title": "2026年第四季度危化品双随机抽查",
        "count": 2,
        **extra,
    }


def test_a_draw_is_run_read_verified_and_published(api_client_for, district_official, matter):
    client = api_client_for(district_official)
    created = send(client, "post", f"{URL}/draws/", draw_body(matter))
    assert created.status_code == 201, created.content
    drawn = created.json()
    assert drawn["state"] == "drawn" and drawn["attempt"] == 1 and drawn["count"] == 2
    assert drawn["target_pool_size"] == 3 and drawn["inspector_pool_size"] == 4
    assert len(drawn["tasks"]) == 2
    assert all(len(task["inspectors"]) == 2 for task in drawn["tasks"])
    assert [a["name"] for a in drawn["actions"]] == ["publish", "void"]

    read = client.get(f"{URL}/draws/{drawn['id']}").json()
    assert read["seed"] == drawn["seed"] and read["tasks"] == drawn["tasks"]
    assert client.get(f"{URL}/draws/{drawn['id']}/verify").json() == {
        "consistent": True,
        "problems": [],
    }
    record = client.get(f"{URL}/draws/{drawn['id']}/record")
    assert record.status_code == 200
    assert record["Content-Disposition"] == f'attachment; filename="draw-{drawn["id"]}.json"'
    assert json.loads(record.content)["seed"] == drawn["seed"]

    published = send(client, "post", f"{URL}/draws/{drawn['id']}/publish", {"version": 1})
    assert published.status_code == 200, published.content
    assert published.json()["state"] == "published" and published.json()["actions"] == []
    listed = client.get(f"{URL}/draws/?state=published").json()
    assert [d["id"] for d in listed["items"]] == [drawn["id"]]


def test_a_publication_sent_twice_by_the_same_official_answers_the_draw(
    api_client_for, district_official, matter
):
    drawn = services.draw_run(district_official, **_draw_args(matter))
    client = api_client_for(district_official)
    send(client, "post", f"{URL}/draws/{drawn.pk}/publish", {"version": 1})

    again = send(client, "post", f"{URL}/draws/{drawn.pk}/publish", {"version": 1})

    assert again.status_code == 200 and again.json()["version"] == 2


def test_a_stale_version_or_a_void_after_publication_is_409(
    api_client_for, district_official, admin, matter
):
    drawn = services.draw_run(district_official, **_draw_args(matter))
    client = api_client_for(district_official)
    stale = send(client, "post", f"{URL}/draws/{drawn.pk}/publish", {"version": 7})
    assert stale.status_code == 409
    send(client, "post", f"{URL}/draws/{drawn.pk}/publish", {"version": 1})

    second = send(api_client_for(admin), "post", f"{URL}/draws/{drawn.pk}/publish", {"version": 1})
    voided = send(client, "post", f"{URL}/draws/{drawn.pk}/void", {"reason": "重抽", "version": 2})

    assert second.status_code == 409 and second.json()["state"] == "published"
    assert voided.status_code == 409 and "不能作废" in voided.json()["detail"]


def test_a_voided_draw_keeps_its_reason_and_the_next_is_the_second_attempt(
    api_client_for, district_official, matter
):
    client = api_client_for(district_official)
    first = send(client, "post", f"{URL}/draws/", draw_body(matter)).json()
    refused = send(client, "post", f"{URL}/draws/", draw_body(matter))
    assert "请先作废" in messages(refused)["title"]

    voided = send(client, "post", f"{URL}/draws/{first['id']}/void", {"reason": "抽查事项选错"})
    assert voided.json()["state"] == "voided"
    assert {task["state"] for task in voided.json()["tasks"]} == {"cancelled"}
    again = send(client, "post", f"{URL}/draws/", draw_body(matter))

    assert again.status_code == 201 and again.json()["attempt"] == 2


@pytest.mark.parametrize(
    ("extra", "field", "text"),
    [
        ({"count": 0}, "count", "抽取对象数须在 1 到"),
        ({"per_target": 1}, "per_target", "至少派 2 名"),
        ({"count": 4}, "count", "超过检查对象名录库中的对象数（3）"),
        ({"per_target": 5}, "per_target", "执法检查人员名录库只有 4 人"),
        ({"per_target": 6}, "per_target", "应不大于 5"),
        ({"grades": "AX"}, "grades", "监管等级只能是"),
        ({"title": " "}, "title", "请填写抽查任务名称"),
    ],
)
def test_bad_draws_are_422_in_chinese(
    api_client_for, district_official, matter, extra, field, text
):
    answer = send(
        api_client_for(district_official), "post", f"{URL}/draws/", draw_body(matter, **extra)
    )

    assert text in messages(answer)[field]
    assert not Draw.objects.exists()


def test_a_duplicate_certificate_number_is_422(api_client_for, district_official, emergency):
    taken = factories.pool(district_official, emergency, size=1)[0]
    body = {
        "user_id": world.actor("inspector").pk,
        "department_id": emergency.pk,
        "certificate_number": taken.certificate_number,
        "certificate_valid_until": "2027-12-31",
    }

    answer = send(api_client_for(district_official), "post", f"{URL}/inspectors/", body)

    assert messages(answer)["certificate_number"] == "该执法证号已登记"


def test_the_pool_is_kept_over_the_api(api_client_for, district_official, emergency, enterprises):
    client = api_client_for(district_official)
    body = {
        "user_id": world.actor("inspector").pk,
        "department_id": emergency.pk,
        "certificate_number": "31011000990001",
        "certificate_valid_until": str(date.today() + timedelta(days=30)),
        "home_regions": [world.PINGLIANG],
    }
    created = send(client, "post", f"{URL}/inspectors/", body)
    assert created.status_code == 201, created.content
    inspector = created.json()
    assert inspector["certificate_valid"] and inspector["home_regions"] == [world.PINGLIANG]

    stale = send(client, "patch", f"{URL}/inspectors/{inspector['id']}", {"version": 9})
    assert stale.status_code == 409
    changed = send(
        client, "patch", f"{URL}/inspectors/{inspector['id']}", {"version": 1, "in_pool": False}
    )
    assert changed.json()["in_pool"] is False and changed.json()["version"] == 2

    conflict = send(
        client,
        "post",
        f"{URL}/inspectors/{inspector['id']}/conflicts",
        {"enterprise_id": enterprises["yinhang_chemical"].pk, "reason": "近亲属在该单位任职"},
    )
    assert conflict.status_code == 201 and conflict.json()["withdrawn_at"] is None
    detail = client.get(f"{URL}/inspectors/{inspector['id']}").json()
    assert [c["reason"] for c in detail["conflicts"]] == ["近亲属在该单位任职"]
    withdrawn = client.post(f"{URL}/conflicts/{conflict.json()['id']}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_at"] is not None


def test_matters_are_listed_added_and_changed(api_client_for, district_official, emergency):
    client = api_client_for(district_official)
    body = {
        "department_id": emergency.pk,
        "name": "工贸企业粉尘防爆检查",
        "basis": "《工贸企业粉尘防爆安全规定》",
        "industries": ["machinery", "light_industry"],
    }
    created = send(client, "post", f"{URL}/matters/", body)
    assert created.status_code == 201, created.content
    assert sorted(created.json()["industries"]) == ["light_industry", "machinery"]
    unknown = send(client, "post", f"{URL}/matters/", {**body, "industries": ["nothing"]})
    assert messages(unknown)["industries"] == "未知的行业代码：nothing"

    matter_id = created.json()["id"]
    changed = send(
        client, "patch", f"{URL}/matters/{matter_id}", {"version": 1, "is_active": False}
    )
    assert changed.status_code == 200 and changed.json()["is_active"] is False
    assert client.get(f"{URL}/matters/").json()["count"] == 1


def test_another_districts_draw_is_404(
    api_client_for, district_official, neighbour_official, matter
):
    drawn = services.draw_run(district_official, **_draw_args(matter))
    client = api_client_for(neighbour_official)

    assert client.get(f"{URL}/draws/{drawn.pk}").status_code == 404
    assert client.get(f"{URL}/draws/{drawn.pk}/record").status_code == 404
    assert send(client, "post", f"{URL}/draws/{drawn.pk}/publish", {}).status_code == 404
    assert client.get(f"{URL}/draws/").json()["count"] == 0


def test_another_departments_official_may_not_draw_for_it(api_client_for, housing_official, matter):
    answer = send(api_client_for(housing_official), "post", f"{URL}/draws/", draw_body(matter))

    assert answer.status_code == 403 and answer.json()["detail"] == "只能管理本部门的名录库和抽取"


def test_an_inspector_records_only_the_tasks_they_were_drawn_for(
    api_client_for, district_official, inspector, emergency, enterprises
):
    """The inspector steps aside from the site; another pool member from the chemical
    works — so the inspector is drawn for the chemical works and not for the site."""
    others = factories.pool(district_official, emergency, size=2)
    own = services.inspector_save(
        district_official,
        data={
            "user": inspector,
            "department": emergency,
            "certificate_number": "31011000990002",
            "certificate_valid_until": date.today() + timedelta(days=365),
        },
    )
    services.conflict_declare(
        district_official, inspector=own, enterprise=enterprises["yinhang_site"], reason="曾任职"
    )
    services.conflict_declare(
        district_official,
        inspector=others[0],
        enterprise=enterprises["yinhang_chemical"],
        reason="近亲属任职",
    )
    matter = factories.matter(district_official, emergency)
    drawn = services.draw_run(district_official, **_draw_args(matter, count=3))
    tasks = {task.enterprise_id: task for task in drawn.tasks.all()}
    mine, not_mine = (
        tasks[enterprises["yinhang_chemical"].pk],
        tasks[enterprises["yinhang_site"].pk],
    )
    client = api_client_for(inspector)
    outcome = {"inspected_on": str(date.today()), "outcome": "rectify", "note": "消防通道堵塞"}

    listed = client.get(f"{URL}/tasks/?mine=true").json()
    refused = send(client, "post", f"{URL}/tasks/{not_mine.pk}/complete", outcome)
    done = send(client, "post", f"{URL}/tasks/{mine.pk}/complete", {**outcome, "version": 1})

    assert mine.pk in {t["id"] for t in listed["items"]}
    assert not_mine.pk not in {t["id"] for t in listed["items"]}
    assert refused.status_code == 404  # an 执法人员 reaches only the tasks they were drawn for
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "done" and done.json()["outcome"] == "rectify"
    assert client.get(f"{URL}/tasks/{not_mine.pk}").status_code == 404


def test_an_outcome_in_the_future_or_unknown_is_422(api_client_for, district_official, matter):
    drawn = services.draw_run(district_official, **_draw_args(matter))
    task = drawn.tasks.first()
    body = {"inspected_on": str(date.today() + timedelta(days=1)), "outcome": "maybe"}

    answer = send(
        api_client_for(district_official), "post", f"{URL}/tasks/{task.pk}/complete", body
    )

    assert messages(answer) == {"inspected_on": "检查日期不能晚于今天", "outcome": "请选择检查结果"}


def test_a_task_is_cancelled_with_its_reason(api_client_for, district_official, matter):
    drawn = services.draw_run(district_official, **_draw_args(matter))
    task = drawn.tasks.first()
    client = api_client_for(district_official)

    empty = send(client, "post", f"{URL}/tasks/{task.pk}/cancel", {"reason": ""})
    cancelled = send(client, "post", f"{URL}/tasks/{task.pk}/cancel", {"reason": "单位已注销"})

    assert messages(empty)["reason"] == "请写明取消原因"
    assert cancelled.json()["state"] == "cancelled"
    assert client.get(f"{URL}/tasks/?state=cancelled").json()["count"] == 1
    assert client.get(f"{URL}/tasks/?state=nothing").status_code == 422


def test_a_leader_reads_but_may_not_draw(api_client_for, leader, district_official, matter):
    services.draw_run(district_official, **_draw_args(matter))
    client = api_client_for(leader)

    assert client.get(f"{URL}/draws/").json()["count"] == 1
    assert send(client, "post", f"{URL}/draws/", draw_body(matter)).status_code == 403


def _draw_args(matter, *, count=2) -> dict:
    return {
        "department": Department.objects.get(pk=matter.department_id),
        "matter": matter,
        "title": "2026年第四季度危化品双随机抽查",
        "count": count,
    }
