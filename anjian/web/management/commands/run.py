"""anjian run — serve the platform: gunicorn on 127.0.0.1:8000 plus two job workers
(``--queue sweeps`` with the scheduler, ``--queue jobs`` for imports and exports).

This is what ``make run`` ends with. Production deployments run the same three
processes under their own supervisor (systemd, Kubernetes …) with more workers.

It lives in ``web``, the top layer beside ``demo``: it lists the demo accounts
(``accounts``) and starts the simulator (``monitoring``), which ``core`` may not know.
"""

import os
import signal
import subprocess
import sys
import time
import urllib.request

from django.conf import settings
from django.core.management.base import BaseCommand

from anjian.accounts.models import User


class Command(BaseCommand):
    help = "启动 Web 服务（gunicorn）和后台任务进程"

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("ANJIAN_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=settings.WEB_CONCURRENCY)
        parser.add_argument(
            "--simulate",
            action="store_true",
            help="同时运行监测数据模拟器（经 HTTP 上报到本服务，演示用）",
        )

    def handle(self, *args, **options):
        bind = options["bind"]
        python = sys.executable
        processes = {
            "web": subprocess.Popen(
                [
                    python,
                    "-m",
                    "gunicorn",
                    "config.wsgi:application",
                    "--bind",
                    bind,
                    "--workers",
                    str(options["workers"]),
                    "--threads",
                    "4",
                    "--timeout",
                    "120",
                    "--access-logfile",
                    "-",
                    "--log-level",
                    "warning",
                ]
            ),
            # Two workers: the safety sweeps (with the scheduler) never wait behind a
            # user's import or export, which run on their own queue.
            "sweeps worker": subprocess.Popen(
                [python, "-m", "anjian", "worker", "--queue", "sweeps"]
            ),
            "jobs worker": subprocess.Popen([python, "-m", "anjian", "worker", "--queue", "jobs"]),
        }
        if options["simulate"]:
            # The demo's devices report over HTTP to the server just started (the embedded
            # ingest: no broker needed); production devices use MQTT and `anjian ingest`.
            processes["simulator"] = subprocess.Popen(
                [python, "-m", "anjian", "simulate", "--http", f"http://{bind}"]
            )
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True
            for process in processes.values():
                if process.poll() is None:
                    process.terminate()

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        self._announce(bind)
        while not stopping:
            for name, process in list(processes.items()):
                if process.poll() is None:
                    continue
                if name == "simulator":  # a demo aid: the platform runs on without it
                    self.stderr.write(f"模拟器已退出（代码 {process.returncode}），平台继续运行")
                    del processes[name]
                    continue
                self.stderr.write(
                    f"{name} 进程已退出（代码 {process.returncode}），正在停止其他进程"
                )
                stop(None, None)
            time.sleep(0.5)
        for process in processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()

    def _announce(self, bind: str) -> None:
        url = f"http://{bind}/"
        for _attempt in range(60):
            try:
                with urllib.request.urlopen(url + "healthz", timeout=2):
                    break
            except OSError:
                time.sleep(0.5)
        self.stdout.write(self.style.SUCCESS(f"安监已启动：{url}  （Ctrl+C 停止）"))
        demo = list(User.objects.filter(is_demo=True, is_active=True).order_by("pk"))
        if demo:
            self.stdout.write(
                "演示账号（合成演示数据；密码为生成演示数据时设置的密码，默认 Anquan@2026）："
            )
            for user in demo:
                scope = user.scope.label or "—"
                self.stdout.write(f"  {user.username:<14} {user.get_role_display():<16} {scope}")
