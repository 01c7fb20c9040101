"""anjian ingest — the telemetry ingest worker (docs/broker.md).

anjian ingest --nats nats://broker:4222      # production: NATS JetStream, a pull consumer
anjian ingest --nats tls://broker:4222       # … over TLS (ANJIAN_BROKER_TLS_CA, _CERT, _KEY)
anjian ingest --mqtt mqtt://127.0.0.1:1883   # development: Mosquitto, MQTT 5 shared subscription

The worker logs in as ANJIAN_BROKER_USER with ANJIAN_BROKER_PASSWORD (or the user and
password in the URL). Start as many as you like: they share the messages. Stop with
Ctrl-C / SIGTERM: the current batch is finished and acknowledged first.
"""

import signal
import threading
import time

from django.core.management.base import BaseCommand, CommandError

from anjian.monitoring import jetstream, mqtt


class Command(BaseCommand):
    help = "监测数据接入（从消息服务器批量入库，入库后确认）"

    def add_arguments(self, parser):
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--nats", metavar="URL", help="nats://主机:4222 或 tls://主机:4222")
        where.add_argument("--mqtt", metavar="URL", help="mqtt://主机:1883（Mosquitto，开发用）")
        parser.add_argument("--batch", type=int, default=5000, help="每批最多消息数")
        parser.add_argument("--linger", type=float, default=0.2, help="凑批最长等待（秒）")
        parser.add_argument("--report", type=float, default=10.0, help="统计输出间隔（秒）")
        parser.add_argument(
            "--ack-wait", type=float, default=60.0, help="NATS：未确认的消息多久后重新投递（秒）"
        )
        parser.add_argument(
            "--replicas", type=int, default=1, help="NATS：新建数据流的副本数（集群用 3）"
        )
        parser.add_argument("--group", default="anjian-ingest", help="MQTT：共享订阅组名")
        parser.add_argument("--client-id", default=None, help="MQTT：客户端 ID（固定则续接会话）")

    def handle(self, *args, **options):
        try:
            if options["nats"]:
                worker = jetstream.Worker(
                    options["nats"],
                    batch_size=options["batch"],
                    linger=options["linger"],
                    ack_wait=options["ack_wait"],
                    replicas=options["replicas"],
                )
                where = f"{worker.endpoint.display()} 数据流 {jetstream.STREAM}"
            else:
                worker = mqtt.Worker(
                    options["mqtt"],
                    client_id=options["client_id"],
                    group=options["group"],
                    batch_size=options["batch"],
                    linger=options["linger"],
                )
                where = f"{worker.endpoint.display()} {worker.subscription}"
            worker.start()
        except (ValueError, ConnectionError, OSError) as error:
            raise CommandError(str(error)) from error
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        self.stdout.write(f"已开始接入：{where}")
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

    def _report(self, worker, stop: threading.Event, every: float) -> None:
        last, last_at = 0, time.monotonic()
        while not stop.wait(every):
            stored, now = worker.stats.stored, time.monotonic()
            rate = (stored - last) / (now - last_at)
            self.stdout.write(
                f"入库 {stored} 条（{rate:,.0f} 条/秒），未入库 {worker.stats.rejected}，"
                f"报警 {worker.stats.alarms}",
            )
            self.stdout.flush()
            last, last_at = stored, now
