"""anjian worker — run background jobs (django-tasks-db) and the periodic-job scheduler.

Run as many as you like, on one machine or several: tasks are claimed with
SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL, and each periodic slot is enqueued once.

``--queue sweeps`` takes the periodic safety sweeps (and runs the scheduler), ``--queue
jobs`` the imports and exports users start, ``--queue all`` (the default) both. ``anjian
run`` starts one ``sweeps`` and one ``jobs`` worker, so a sweep never waits behind a long
import. Every task runs under its time limit (``jobs.task_time_limit``).
"""

import logging
import os
import socket
import threading
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connections
from django.db.utils import OperationalError
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from anjian.core.jobs import WORKER_QUEUES, job_time_limit, task_time_limit
from anjian.core.scheduler import schedule_tick
from anjian.core.timelimit import TimeLimitExceeded, time_limit

logger = logging.getLogger("anjian.worker")


def recycle_connections() -> None:
    """Drop broken or expired database connections between tasks, like Django does between
    requests — except one inside a transaction its caller holds.

    ``close_old_connections`` treats a connection whose autocommit is off as unusable and
    closes it. Inside a caller's ``atomic()`` (a test, or ``call_command("worker",
    batch=True)`` from transactional code) that would close the caller's connection under
    it: on PostgreSQL its transaction is lost ("the connection is closed"); an in-memory
    SQLite database ignores close(), which is why only PostgreSQL showed it.
    """
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


_TIMED_OUT = f"{TimeLimitExceeded.__module__}.{TimeLimitExceeded.__qualname__}"


class StepWorker(Worker):
    """django-tasks-db's worker, plus one step that a caller or a test can run directly."""

    def step(self) -> bool | None:
        """Claim and run one ready task: True if one ran, False if none is ready, None if the
        (SQLite) database was locked and the caller should try again."""
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        try:
            with exclusive_transaction(tasks.db):
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
        except OperationalError as exc:
            if is_locked_database_exception(exc):
                return None
            raise
        if task_result is None:
            return False
        self.run_task(task_result)
        return True

    def run_task(self, db_task_result: DBTaskResult) -> None:
        """Run one claimed task under its time limit; past it the task is interrupted
        (``TimeLimitExceeded``) and recorded as failed, and the worker goes on."""
        try:
            kwargs = db_task_result.args_kwargs.get("kwargs", {})
            limit = task_time_limit(db_task_result.task_path, kwargs)
        except Exception:  # the task is claimed: it runs, under the default limit
            logger.exception("no time limit found for task %s", db_task_result.id)
            limit = job_time_limit(None)
        try:
            with time_limit(limit):
                super().run_task(db_task_result)
        except TimeLimitExceeded:  # fired while the finished task's result was being saved
            logger.warning("task %s reached its time limit as it finished", db_task_result.id)
        if db_task_result.exception_class_path == _TIMED_OUT:
            logger.error(
                "task %s (%s) stopped by its time limit of %s",
                db_task_result.id,
                db_task_result.task_path,
                limit,
            )

    def drain(self) -> int:
        """Run ready tasks until none is left (``--batch``). Returns how many ran."""
        ran = 0
        while self.running:
            recycle_connections()
            outcome = self.step()
            if outcome is False:
                break
            if outcome is None:
                time.sleep(self.interval)
                continue
            ran += 1
        return ran


class Command(BaseCommand):
    help = "运行后台任务和定时任务调度"

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="无任务时的轮询间隔（秒）")
        parser.add_argument(
            "--queue",
            choices=sorted(WORKER_QUEUES),
            default="all",
            help="sweeps：定时巡检任务（并调度定时任务）；jobs：用户发起的导入导出；all：全部",
        )
        parser.add_argument(
            "--no-scheduler", action="store_true", help="只执行任务，不调度定时任务"
        )
        parser.add_argument("--batch", action="store_true", help="执行完队列中的任务后退出")

    def handle(self, *args, **options):
        schedules = options["queue"] != "jobs" and not options["no_scheduler"]
        if schedules and not options["batch"]:
            threading.Thread(target=self._schedule_forever, daemon=True, name="scheduler").start()
        worker = StepWorker(
            queue_names=WORKER_QUEUES[options["queue"]],
            interval=options["interval"],
            batch=options["batch"],
            backend_name="default",
            startup_delay=not options["batch"],
            max_tasks=None,
            worker_id=f"{socket.gethostname()}-{os.getpid()}"[:64],
            excluded_queue_names=[],
        )
        if options["batch"]:
            worker.drain()
            return
        worker.configure_signals()
        worker.run()

    def _schedule_forever(self, every: float = 30.0) -> None:
        while True:
            try:
                schedule_tick()
            except Exception:
                logger.exception("scheduler tick failed")
            finally:
                close_old_connections()
            time.sleep(every)
