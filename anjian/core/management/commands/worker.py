"""anjian worker — run background jobs (django-tasks-db) and the periodic-job scheduler.

Run as many as you like, on one machine or several: tasks are claimed with
SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL, and each periodic slot is enqueued once.
"""

import logging
import os
import socket
import threading
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django_tasks_db.management.commands.db_worker import Worker

from anjian.core.scheduler import schedule_tick

logger = logging.getLogger("anjian.worker")


class Command(BaseCommand):
    help = "运行后台任务和定时任务调度"

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="无任务时的轮询间隔（秒）")
        parser.add_argument(
            "--no-scheduler", action="store_true", help="只执行任务，不调度定时任务"
        )
        parser.add_argument("--batch", action="store_true", help="执行完队列中的任务后退出")

    def handle(self, *args, **options):
        if not options["no_scheduler"] and not options["batch"]:
            threading.Thread(target=self._schedule_forever, daemon=True, name="scheduler").start()
        worker = Worker(
            queue_names=["*"],
            interval=options["interval"],
            batch=options["batch"],
            backend_name="default",
            startup_delay=not options["batch"],
            max_tasks=None,
            worker_id=f"{socket.gethostname()}-{os.getpid()}"[:64],
            excluded_queue_names=[],
        )
        if not options["batch"]:
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
