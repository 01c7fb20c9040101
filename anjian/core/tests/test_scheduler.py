"""The periodic-job scheduler: each declared job is enqueued once per slot, by one scheduler."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.tasks import Task
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from anjian.core import jobs
from anjian.core.jobs import SWEEPS_QUEUE
from anjian.core.models import PeriodicRun
from anjian.core.scheduler import Periodic, schedule_tick
from config.schedule import PERIODIC_JOBS

SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = ZoneInfo("UTC")

SIX_HOURLY = Periodic("anjian.core.tasks.clear_expired_sessions", timedelta(hours=6), why="t")
DAILY = Periodic("anjian.core.tasks.prune_login_attempts", timedelta(days=1), why="t")
JOBS = [SIX_HOURLY, DAILY]


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def queued(job: Periodic) -> int:
    return DBTaskResult.objects.filter(task_path=job.task_path).count()


# --- slots -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "slot"),
    [
        (at(2026, 3, 10, 0, 0), at(2026, 3, 10, 0, 0)),
        (at(2026, 3, 10, 0, 30), at(2026, 3, 10, 0, 0)),
        (at(2026, 3, 10, 23, 59, 59), at(2026, 3, 10, 0, 0)),
        (at(2026, 3, 11, 0, 0), at(2026, 3, 11, 0, 0)),
    ],
)
def test_daily_slots_start_at_shanghai_midnight(now, slot):
    assert DAILY.slot(now) == slot


def test_daily_slots_do_not_start_at_utc_midnight():
    # 00:30 UTC is 08:30 in Shanghai: still the Shanghai day that began eight and a half hours ago.
    assert DAILY.slot(datetime(2026, 3, 10, 0, 30, tzinfo=UTC)) == at(2026, 3, 10, 0, 0)
    # 16:30 UTC on the 9th is 00:30 on the 10th in Shanghai.
    assert DAILY.slot(datetime(2026, 3, 9, 16, 30, tzinfo=UTC)) == at(2026, 3, 10, 0, 0)


@pytest.mark.parametrize(
    ("now", "slot"),
    [
        (at(2026, 3, 10, 5, 59), at(2026, 3, 10, 0, 0)),
        (at(2026, 3, 10, 6, 0), at(2026, 3, 10, 6, 0)),
        (at(2026, 3, 10, 13, 0), at(2026, 3, 10, 12, 0)),
        (at(2026, 3, 10, 23, 0), at(2026, 3, 10, 18, 0)),
    ],
)
def test_six_hourly_slots_are_aligned_to_shanghai_midnight(now, slot):
    assert SIX_HOURLY.slot(now) == slot


def test_a_job_is_named_after_its_task():
    assert DAILY.name == "prune_login_attempts"


# --- schedule_tick -----------------------------------------------------------------------------


def test_the_first_tick_enqueues_every_job_once(db):
    assert schedule_tick(now=at(2026, 3, 10, 7, 0), jobs=JOBS) == [
        "clear_expired_sessions",
        "prune_login_attempts",
    ]
    assert queued(SIX_HOURLY) == 1
    assert queued(DAILY) == 1
    assert set(PeriodicRun.objects.values_list("job", "slot")) == {
        ("clear_expired_sessions", at(2026, 3, 10, 6, 0)),
        ("prune_login_attempts", at(2026, 3, 10, 0, 0)),
    }


def test_a_second_tick_in_the_same_slot_enqueues_nothing(db):
    schedule_tick(now=at(2026, 3, 10, 7, 0), jobs=JOBS)
    assert schedule_tick(now=at(2026, 3, 10, 7, 0, 30), jobs=JOBS) == []
    assert schedule_tick(now=at(2026, 3, 10, 11, 59), jobs=JOBS) == []
    assert queued(SIX_HOURLY) == 1
    assert queued(DAILY) == 1


def test_a_second_scheduler_with_its_own_job_list_enqueues_nothing_in_the_same_slot(db):
    # Another worker process: same declarations, separately constructed.
    schedule_tick(now=at(2026, 3, 10, 7, 0), jobs=JOBS)
    other = [Periodic(job.task_path, job.every, job.why) for job in JOBS]
    assert schedule_tick(now=at(2026, 3, 10, 8, 0), jobs=other) == []
    assert DBTaskResult.objects.count() == 2


def test_the_next_slot_enqueues_again(db):
    schedule_tick(now=at(2026, 3, 10, 7, 0), jobs=JOBS)
    assert schedule_tick(now=at(2026, 3, 10, 12, 0), jobs=JOBS) == ["clear_expired_sessions"]
    assert schedule_tick(now=at(2026, 3, 11, 0, 0, 1), jobs=JOBS) == [
        "clear_expired_sessions",
        "prune_login_attempts",
    ]
    assert queued(SIX_HOURLY) == 3
    assert queued(DAILY) == 2


def test_a_missed_slot_is_not_caught_up_twice(db):
    # The worker was down for two days: one run for the current slot, not one per missed slot.
    schedule_tick(now=at(2026, 3, 10, 7, 0), jobs=JOBS)
    assert schedule_tick(now=at(2026, 3, 12, 9, 0), jobs=JOBS) == [
        "clear_expired_sessions",
        "prune_login_attempts",
    ]
    assert queued(DAILY) == 2


def test_the_enqueued_task_is_ready_for_a_worker_with_no_arguments(db):
    schedule_tick(now=at(2026, 3, 10, 7, 0), jobs=[DAILY])
    result = DBTaskResult.objects.get(task_path=DAILY.task_path)
    assert result.status == "READY"
    assert result.args_kwargs == {"args": [], "kwargs": {}}
    assert DBTaskResult.objects.ready().filter(pk=result.pk).exists()


def test_without_arguments_the_tick_uses_the_declared_jobs_and_the_clock(db):
    enqueued = schedule_tick()
    assert enqueued == [job.name for job in PERIODIC_JOBS]
    assert schedule_tick() == []


# --- the declarations in config/schedule.py ----------------------------------------------------


def test_every_declared_job_is_a_django_task_with_a_reason():
    for job in PERIODIC_JOBS:
        assert isinstance(import_string(job.task_path), Task), job.task_path
        assert len(job.why) > 20, job.task_path
        assert job.every >= timedelta(minutes=1), job.task_path


def test_declared_job_names_are_unique_because_they_key_the_slot_table():
    names = [job.name for job in PERIODIC_JOBS]
    assert len(names) == len(set(names))


def test_declared_intervals_divide_a_day_so_slots_stay_on_the_clock():
    day = timedelta(days=1)
    for job in PERIODIC_JOBS:
        assert day % job.every == timedelta(0) or job.every % day == timedelta(0), job.name


def test_every_declared_job_has_a_time_limit_and_runs_on_the_sweeps_queue():
    for job in PERIODIC_JOBS:
        assert timedelta(minutes=1) <= job.limit <= timedelta(hours=1), job.name
        assert import_string(job.task_path).queue_name == SWEEPS_QUEUE, job.name
        assert jobs.task_time_limit(job.task_path, {}) == job.limit, job.name


def test_minute_sweeps_are_stopped_within_minutes():
    for job in PERIODIC_JOBS:
        if job.every < timedelta(hours=1):
            assert job.limit <= timedelta(minutes=10), job.name
