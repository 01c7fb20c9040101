"""双随机 services against the shared world: stored draws verify, pools and conflicts hold,
attempts are kept, lifecycles refuse what they must, and scope is exact."""

from datetime import date, timedelta

import pytest
from django.conf import settings

from anjian.core.exceptions import Conflict, NotPermitted, OutOfScope, ValidationError
from anjian.core.models import Notification
from anjian.core.workdays import add_working_days
from anjian.inspections import records, selectors, services
from anjian.inspections.choices import DrawState, Outcome, TaskState
from anjian.inspections.models import Draw, InspectionTask, Inspector
from anjian.inspections.tests import factories
from testsupport import world

pytestmark = pytest.mark.django_db


def drawn_inspectors(draw) -> list[set[int]]:
    return [{i.pk for i in task.inspectors.all()} for task in selectors.tasks_of(draw)]


def test_a_stored_draw_re_runs_to_its_record_and_its_tasks(district_official):
    draw = factories.drawn(district_official, count=3)
    assert selectors.draw_check(draw) == []
    record = records.loads(draw.record)
    assert [(t.enterprise_id, sorted(i.pk for i in t.inspectors.all())) for t in draw.tasks.all()]
    assert {a.target for a in record.result.assignments} == set(
        draw.tasks.values_list("enterprise_id", flat=True)
    )
    assert all(len(ids) == 2 for ids in drawn_inspectors(draw))
    assert draw.target_pool_size == 3 and draw.inspector_pool_size == 4
    assert draw.publish_by == add_working_days(draw.drawn_on, settings.DRAW_PUBLISH_WORKING_DAYS)
    assert draw.transitions.get().action == "draw"
    assert draw.state == DrawState.DRAWN and draw.attempt == 1


def test_an_edited_record_or_task_is_found_by_the_check(district_official):
    draw = factories.drawn(district_official, count=3)
    task = draw.tasks.first()
    task.inspectors.remove(task.inspectors.first())
    assert selectors.draw_check(draw) == ["检查任务与抽取记录中的结果不一致"]
    Draw.objects.filter(pk=draw.pk).update(seed="0" * 32)
    draw.refresh_from_db()
    assert "记录中的随机种子与登记的不同" in selectors.draw_check(draw)
    Draw.objects.filter(pk=draw.pk).update(
        record=draw.record.replace('"weight":1.0', '"weight":2.0', 1)
    )
    draw.refresh_from_db()
    assert "检查对象名录库与抽取时不同（指纹不符）" in selectors.draw_check(draw)


def test_only_valid_certificates_in_the_pool_are_drawn(district_official):
    dept = factories.department()
    valid = factories.pool(district_official, dept, size=2)
    expired = factories.pool(district_official, dept, size=2, valid_days=-1, prefix="old")
    out = factories.pool(district_official, dept, size=1, prefix="out")
    Inspector.objects.filter(pk=out[0].pk).update(in_pool=False)
    draw = services.draw_run(
        district_official,
        department=dept,
        matter=factories.matter(district_official, dept),
        title="有效执法证",
        count=3,
    )
    drawn = set().union(*drawn_inspectors(draw))
    assert drawn == {i.pk for i in valid}
    assert not drawn & {i.pk for i in expired + out}
    assert draw.inspector_pool_size == 2


@pytest.mark.parametrize(
    ("options", "field", "message"),
    [
        ({"count": 4}, "count", "抽取数量（4）超过检查对象名录库中的对象数（3）"),
        ({"count": 0}, "count", "抽取对象数须在 1 到 5000 之间"),
        ({"per_target": 1}, "per_target", "每个检查对象至少派 2 名执法人员"),
        ({"per_target": 6}, "per_target", "每个检查对象至多派 5 名执法人员"),
        ({"per_target": 5}, "per_target", "执法检查人员名录库只有 4 人，少于每个对象须派的 5 人"),
        ({"grades": "AE"}, "grades", "监管等级只能是 A、B、C、D"),
        ({"title": " "}, "title", "请填写抽查任务名称"),
    ],
)
def test_a_draw_that_cannot_be_made_says_why(district_official, options, field, message):
    with pytest.raises(ValidationError) as caught:
        factories.drawn(district_official, **{"count": 2, **options})
    assert any(message in m for m in caught.value.message_dict[field]), caught.value.message_dict


def test_a_unit_short_of_inspectors_after_conflicts_is_named(district_official, enterprises):
    dept = factories.department()
    inspectors = factories.pool(district_official, dept, size=3)
    chemical = enterprises["yinhang_chemical"]
    for inspector in inspectors[:2]:
        services.conflict_declare(
            district_official, inspector=inspector, enterprise=chemical, reason="近亲属在该单位任职"
        )
    with pytest.raises(ValidationError) as caught:
        services.draw_run(
            district_official,
            department=dept,
            matter=factories.matter(district_official, dept),
            title="回避",
            count=3,
        )
    assert caught.value.message_dict["count"] == [
        "检查对象“上海殷行化工有限公司”回避后可派的执法人员只有 1 人，少于须派的 2 人"
    ]


def test_declared_conflicts_and_last_visits_are_avoided(district_official, enterprises):
    dept = factories.department()
    # 2 went last time and 1 declared a conflict: 2 of 5 remain for the chemical works.
    inspectors = factories.pool(district_official, dept, size=5)
    matter = factories.matter(district_official, dept)
    chemical = enterprises["yinhang_chemical"]
    services.conflict_declare(
        district_official, inspector=inspectors[0], enterprise=chemical, reason="曾在该单位工作"
    )
    first = services.draw_run(
        district_official, department=dept, matter=matter, title="第一次", count=3
    )
    second = services.draw_run(
        district_official, department=dept, matter=matter, title="第二次", count=3
    )
    before = {t.enterprise_id: {i.pk for i in t.inspectors.all()} for t in first.tasks.all()}
    for task in second.tasks.all():
        now = {i.pk for i in task.inspectors.all()}
        assert not now & before[task.enterprise_id], "the same inspector at the same unit again"
        if task.enterprise_id == chemical.pk:
            assert inspectors[0].pk not in now
    assert selectors.draw_check(first) == selectors.draw_check(second) == []


def test_a_draw_is_not_retried_quietly(district_official):
    first = factories.drawn(district_official, count=2, title="季度抽查")
    dept, matter = first.department, first.matter
    again = {"department": dept, "matter": matter, "title": "季度抽查", "count": 2}
    with pytest.raises(ValidationError, match="请先作废"):
        services.draw_run(district_official, **again)
    with pytest.raises(ValidationError, match="请写明作废原因"):
        services.draw_void(district_official, draw_id=first.pk, reason=" ")
    services.draw_void(district_official, draw_id=first.pk, reason="抽查事项选错")
    assert set(first.tasks.values_list("state", flat=True)) == {TaskState.CANCELLED}
    second = services.draw_run(district_official, **again)
    assert second.attempt == 2
    services.draw_publish(district_official, draw_id=second.pk)
    voided = selectors.voided_attempts(second)
    assert [(d.pk, reason) for d, reason in voided] == [(first.pk, "抽查事项选错")]
    assert list(selectors.public_draws()) == [second]


def test_publishing_is_compare_and_set_and_final(district_official):
    draw = factories.drawn(district_official)
    services.draw_publish(district_official, draw_id=draw.pk, version=draw.version)
    # The same person again: the page's double submit answers with the draw as it is.
    assert services.draw_publish(district_official, draw_id=draw.pk).state == DrawState.PUBLISHED
    with pytest.raises(Conflict):
        services.draw_void(district_official, draw_id=draw.pk, reason="太晚了")
    other = factories.drawn(district_official, title="另一次")
    with pytest.raises(Conflict):
        services.draw_publish(district_official, draw_id=other.pk, version=other.version + 1)


def test_the_drawn_inspectors_are_told_once(district_official):
    draw = factories.drawn(district_official, count=3)
    told = Notification.objects.filter(kind="inspection_draw")
    drawn = set().union(*drawn_inspectors(draw))
    assert set(told.values_list("recipient_id", flat=True)) == set(
        Inspector.objects.filter(pk__in=drawn).values_list("user_id", flat=True)
    )
    assert told.count() == len(drawn)


def test_a_drawn_inspector_records_the_outcome_and_nobody_else(district_official):
    draw = factories.drawn(district_official, count=1)
    task = draw.tasks.get()
    drawn_users = [i.user for i in task.inspectors.all()]
    other = Inspector.objects.exclude(pk__in=task.inspectors.all()).first().user
    with pytest.raises(OutOfScope):  # another 执法人员 does not even find the task
        services.task_complete(
            other, task_id=task.pk, inspected_on=date.today(), outcome=Outcome.NO_PROBLEM
        )
    with pytest.raises(ValidationError) as caught:
        services.task_complete(
            drawn_users[0],
            task_id=task.pk,
            inspected_on=date.today() + timedelta(days=1),
            outcome="maybe",
        )
    assert set(caught.value.message_dict) == {"inspected_on", "outcome"}
    done = services.task_complete(
        drawn_users[0],
        task_id=task.pk,
        inspected_on=date.today(),
        outcome=Outcome.RECTIFY,
        note="消防通道堵塞",
    )
    assert (done.state, done.outcome, done.outcome_note) == (
        TaskState.DONE,
        Outcome.RECTIFY,
        "消防通道堵塞",
    )
    with pytest.raises(Conflict):
        services.task_cancel(district_official, task_id=task.pk, reason="重复")


@pytest.mark.parametrize(
    ("actor", "error"),
    [
        ("neighbour_official", OutOfScope),  # 虹口区: not their department's region
        ("housing_official", NotPermitted),  # 建管委: another department
        ("leader", NotPermitted),  # reads, never draws
        ("inspector", NotPermitted),
        ("street_officer", NotPermitted),
        ("enterprise_manager", NotPermitted),
    ],
)
def test_only_the_department_in_scope_draws_for_it(district_official, actor, error):
    dept = factories.department()
    factories.pool(district_official, dept)
    matter = factories.matter(district_official, dept)
    with pytest.raises(error):
        services.draw_run(world.actor(actor), department=dept, matter=matter, title="越权", count=1)


def test_draws_and_tasks_are_seen_inside_the_scope_only(district_official, enterprises):
    draw = factories.drawn(district_official, count=3)
    for actor in world.ACTORS:
        user = world.actor(actor)
        sees_draw = selectors.draws(user).filter(pk=draw.pk).exists()
        assert sees_draw == (
            actor
            in {
                "district_official",
                "inspector",
                "leader",
                "admin",
            }  # not inside a street's scope; another department (建管委) does not see it
        ), actor
        seen = set(selectors.tasks(user).values_list("enterprise__name", flat=True))
        expected = {enterprises[name].name for name in world.VISIBLE.get(actor, set())} & set(
            draw.tasks.values_list("enterprise__name", flat=True)
        )
        if actor in ("enterprise_manager", "inspector"):
            # Unannounced: an enterprise never sees its tasks, an 执法人员 only those they
            # were drawn for (the world's inspector is not in this pool).
            expected = set()
        if actor in ("admin",):
            expected = set(draw.tasks.values_list("enterprise__name", flat=True))
        assert seen == expected, actor
    assert not InspectionTask.objects.for_user(world.actor("enterprise_manager")).exists()


def test_the_pools_hold_only_what_is_in_the_writers_scope(district_official, housing_official):
    from anjian.regions.models import Industry, Region

    dept = factories.department()
    stranger = factories.official("hk_person", factories.department("虹口区应急管理局"))
    with pytest.raises(ValidationError) as caught:
        services.inspector_save(
            district_official,
            data={
                "user": stranger,
                "department": dept,
                "certificate_number": "31X0001",
                "certificate_valid_until": date.today() + timedelta(days=30),
            },
        )
    assert caught.value.message_dict == {"user": ["只能登记您管辖范围内的人员"]}
    local = factories.official("yp_person", dept)
    with pytest.raises(ValidationError, match="不在其中"):
        services.inspector_save(
            district_official,
            data={
                "user": local,
                "department": dept,
                "certificate_number": "31X0002",
                "certificate_valid_until": date.today() + timedelta(days=30),
                "home_regions": [Region.objects.get(code="310109011")],
            },
        )
    housing = factories.department("杨浦区建设和管理委员会")
    with pytest.raises(ValidationError) as caught:
        services.matter_save(
            housing_official,
            data={
                "department": housing,
                "name": "越界事项",
                "basis": "x",
                "industries": [Industry.objects.get(code="hazchem")],
            },
        )
    assert caught.value.message_dict["industries"][0].startswith("不在本部门监管范围内的行业")
