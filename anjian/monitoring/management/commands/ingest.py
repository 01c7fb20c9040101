"""anjian ingest --mqtt URL — the MQTT telemetry ingest worker.

anjian ingest --mqtt mqtt://127.0.0.1:1883               # one worker; start more to share load
anjian ingest --mqtt mqtt://user:pass@broker:1883 --batch 5000 --linger 0.2
    --client-id ingest-1      # a stable id keeps the persistent session across restarts

Several workers with the same --group split the messages (MQTT 5 shared subscription).
Stop with Ctrl-C / SIGTERM: the current batch is finished and acknowledged first.
"""

import signal
import threading
import time

from django.core.management.base import BaseCommand, CommandError

from anjian.monitoring.mqtt import Worker


class Command(BaseCommand):
    help = "MQTT 监测数据接入（共享订阅，批量入库后确认）"

    def add_arguments(self, parser):
        parser.add_argument("--mqtt", required=True, metavar="URL", help="mqtt://主机:端口")
        parser.add_argument("--group", default="anjian-ingest", help="共享订阅组名")
        parser.add_argument("--client-id", default=None, help="客户端 ID（固定则重启后续接会话）")
        parser.add_argument("--batch", type=int, default=5000, help="每批最多消息数")
        parser.add_argument("--linger", type=float, default=0.2, help="凑批最长等待（秒）")
        parser.add_argument("--report", type=float, default=10.0, help="统计输出间隔（秒）")

    def handle(self, *args, **options):
        try:
            worker = Worker(
                options["mqtt"],
                client_id=options["client_id"],
                group=options["group"],
                batch_size=options["batch"],
                linger=options["linger"],
            )
            worker.start()
        except (ValueError, ConnectionError, OSError) as error:
            raise CommandError(str(error)) from error
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        self.stdout.write(f"已订阅 {worker.subscription}（{worker.host}:{worker.port}）")
        reporter = threading.Thread(
            target=self._report, args=(worker, stop, options["report"]), daemon=True
        )
        reporter.start()
        try:
            worker.run(stop=stop)
        finally:
            worker.stop()
        s = worker.stats
        self.stdout.write(
            f"已停止：{s.messages} 条消息，{s.stored} 条读数入库，{s.rejected} 条未入库"
        )

    def _report(self, worker: Worker, stop: threading.Event, every: float) -> None:
        last, last_at = 0, time.monotonic()
        while not stop.wait(every):
            stored, now = worker.stats.stored, time.monotonic()
            rate = (stored - last) / (now - last_at)
            self.stdout.write(
                f"入库 {stored} 条（{rate:,.0f} 条/秒），未入库 {worker.stats.rejected}，"
                f"报警 {worker.stats.alarms}"
            )
            last, last_at = stored, now
