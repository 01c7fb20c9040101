"""The re-assessment reminder sweep: who is told, once per risk point and due date."""

from datetime import date, timedelta

from django.utils.module_loading import import_string

from anjian.core.models import Notification
from anjian.risks import services, tasks
from anjian.risks.models import RiskPoint
from anjian.risks.tests.factories import make_point
from config.schedule import PERIODIC_JOBS

TODAY = date(2027, 3, 1)


def due(enterprise, days: int, **overrides) -> RiskPoint:
    return make_point(enterprise, reassess_due=TODAY + timedelta(days=days), **overrides)


def notices(user):
    return Notification.objects.filter(recipient=user, kind="risk_reassess")


def test_points_due_within_30_days_or_overdue_notify_the_enterprise_users(
    enterprise_manager, enterprises
):
    chemical = enterprises["yinhang_chemical"]
    soon = due(chemical, 30, name="三十天后到期")
    overdue = due(chemical, -3, name="已逾期三天")
    due(chemical, 31, name="三十一天后到期")
    due(enterprises["yinhang_site"], 5, name="别家的点")  # nobody of yinhang_site has a login
    assert tasks.reassessment_reminders_step(today=TODAY) == 3
    titles = sorted(notices(enterprise_manager).values_list("title", flat=True))
    assert titles == [
        "风险点“三十天后到期”将于 2027-03-31 到期复评",
        "风险点“已逾期三天”已逾期未复评",
    ]
    notice = notices(enterprise_manager).get(title__contains="已逾期三天")
    assert notice.url == overdue.get_absolute_url()
    assert "已逾期 3 天" in notice.body
    assert RiskPoint.objects.get(pk=soon.pk).reminded_for == soon.reassess_due


def test_running_the_sweep_again_notifies_nobody_twice(enterprise_manager, enterprises):
    due(enterprises["yinhang_chemical"], 10)
    assert tasks.reassessment_reminders_step(today=TODAY) == 1
    assert tasks.reassessment_reminders_step(today=TODAY) == 0
    assert tasks.reassessment_reminders_step(today=TODAY + timedelta(days=20)) == 0
    assert notices(enterprise_manager).count() == 1


def test_a_new_due_date_is_reminded_again(enterprise_manager, enterprises):
    point = due(enterprises["yinhang_chemical"], 10)
    tasks.reassessment_reminders_step(today=TODAY)
    services.risk_point_update(
        by=enterprise_manager,
        risk_point_id=point.pk,
        data={"reassess_due": TODAY + timedelta(days=25)},
        expected_version=1,
    )
    assert tasks.reassessment_reminders_step(today=TODAY) == 1
    assert notices(enterprise_manager).count() == 2


def test_a_claim_taken_by_another_worker_is_not_notified_again(enterprise_manager, enterprises):
    point = due(enterprises["yinhang_chemical"], 10)
    # Another worker claimed the point for this due date (and sent its notice).
    RiskPoint.objects.filter(pk=point.pk).update(reminded_for=point.reassess_due)
    assert tasks.reassessment_reminders_step(today=TODAY) == 0
    assert not notices(enterprise_manager).exists()


def test_retired_points_and_points_without_a_date_are_left_alone(enterprise_manager, enterprises):
    chemical = enterprises["yinhang_chemical"]
    make_point(chemical, reassess_due=None)
    retired = due(chemical, -40)
    services.risk_point_retire(
        by=enterprise_manager, risk_point_id=retired.pk, reason="拆除", expected_version=1
    )
    assert tasks.reassessment_reminders_step(today=TODAY) == 0


def test_inactive_users_are_not_notified(enterprise_manager, enterprises):
    enterprise_manager.is_active = False
    enterprise_manager.save(update_fields=["is_active"])
    due(enterprises["yinhang_chemical"], 1)
    assert tasks.reassessment_reminders_step(today=TODAY) == 1  # claimed, nobody to tell
    assert not Notification.objects.filter(kind="risk_reassess").exists()


def test_the_job_is_declared_with_its_reason_and_runs_as_a_task(enterprise_manager, enterprises):
    (job,) = [j for j in PERIODIC_JOBS if j.task_path == "anjian.risks.tasks.remind_reassessment"]
    assert "30 days" in job.why
    make_point(enterprises["yinhang_chemical"], reassess_due=date.today() - timedelta(days=1))
    assert import_string(job.task_path).call() == 1
    assert import_string(job.task_path).call() == 0
