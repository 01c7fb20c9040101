"""anjian simulate — realistic readings for the registered devices (demo, load tests).

anjian simulate                                   # all active devices → mqtt://127.0.0.1:1883
anjian simulate --devices 50 --rate 10 --duration 600
anjian simulate --mqtt mqtt://broker:1883 --gateway   # one message per enterprise and tick
anjian simulate --http http://127.0.0.1:8000          # POST with fresh device tokens

MQTT mode logs in as each device (or, with --gateway, as a simulator gateway per
enterprise, ``SIM-<credit code>``) with fresh tokens, and rewrites the broker's logins
when ANJIAN_BROKER_AUTH_DIR is set (else run ``anjian broker_auth``).

``--rate`` is the total number of device reports per second across all devices; one report
is one device's readings of all its metrics at one timestamp (default: devices ÷ 10, i.e.
each device every 10 s, the catalogue's sampling interval). Which devices misbehave, go
silent, flat-line or send impossible values: ``anjian.monitoring.simulator``.

The demo's duty persons (the synthetic ``duty-<pk>`` accounts ``anjian demo`` makes)
acknowledge and dispose part of the alarms of the devices driven, through the alarm
services, every 30 s (``simulator.duty``); ``--no-duty`` leaves every alarm open.

Both modes issue new tokens for the devices it drives (their old tokens stop working) and
keep them in memory; HTTP mode waits for the server's device cache to refresh first.
Needs the database and a superuser (the demo's ``admin``).
"""

import signal
import threading
import time

from auditlog.context import set_actor
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from anjian.accounts.models import User
from anjian.monitoring import broker, simulator

DEFAULT_MQTT = "mqtt://127.0.0.1:1883"
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Command(BaseCommand):
    help = "监测数据模拟器：按设定速率为已登记的设备发送逼真的读数（MQTT 或 HTTP）"

    def add_arguments(self, parser):
        parser.add_argument(
            "--devices", type=int, default=None, help="最多模拟多少台设备（默认全部启用的设备）"
        )
        parser.add_argument(
            "--rate",
            type=float,
            default=None,
            help="每秒发送的报文总数（所有设备合计；一条 = 一台设备某一时刻全部监测项的读数）；"
            "默认 设备数÷10，即每台设备每 10 秒一次",
        )
        target = parser.add_mutually_exclusive_group()
        target.add_argument("--mqtt", metavar="URL", help=f"MQTT 服务器（默认 {DEFAULT_MQTT}）")
        target.add_argument("--http", metavar="URL", help="平台地址，如 http://127.0.0.1:8000")
        parser.add_argument(
            "--gateway", action="store_true", help="MQTT：同一单位的读数合并为网关报文发送"
        )
        parser.add_argument(
            "--duration", type=float, default=None, help="运行秒数（默认一直运行，Ctrl+C 停止）"
        )
        parser.add_argument("--seed", type=int, default=2026, help="随机种子（相同种子数值相同）")
        parser.add_argument("--report", type=float, default=5.0, help="进度输出间隔（秒）")
        parser.add_argument(
            "--no-duty",
            action="store_true",
            help="演示值班人员不确认、不处置报警（默认按种子确认并处置其中一部分）",
        )

    def handle(self, *args, **options):
        if options["devices"] is not None and options["devices"] <= 0:
            raise CommandError("--devices 须为正数")
        if options["rate"] is not None and options["rate"] <= 0:
            raise CommandError("--rate 须为正数")
        devices = simulator.load_devices(limit=options["devices"])
        if not devices:
            raise CommandError("没有启用的监测设备；请先运行 anjian demo 生成演示数据或登记设备")
        rate = options["rate"] or max(1.0, len(devices) / 10)
        generator = simulator.Generator(devices, seed=options["seed"])
        stop = threading.Event()
        previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in STOP_SIGNALS}
        try:
            stats = self._run(options, devices, generator, rate, stop)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write(f"已停止。{self._summary(stats)}")

    def _run(self, options, devices, generator, rate: float, stop: threading.Event):
        transport = self._transport(options, devices)
        self._announce(generator, rate, transport)
        if options["http"]:
            wait = float(settings.MONITORING_REGISTRY_SECONDS)
            self.stdout.write(f"等待 {wait:g} 秒，让服务端刷新设备缓存（新令牌随之生效）…")
            stop.wait(wait)
        transport.open()
        runner = simulator.Runner(
            generator,
            transport,
            rate=rate,
            duration=options["duration"],
            report_every=options["report"],
            out=self.stdout.write,
            duty=None if options["no_duty"] else self._duty_desk(options, devices),
        )
        try:
            return runner.run(stop)
        finally:
            transport.close()

    def _duty_desk(self, options, devices) -> simulator.DutyDesk:
        self.stdout.write("演示值班人员将按种子确认并处置其中一部分报警（--no-duty 关闭）")
        return simulator.DutyDesk(
            seed=options["seed"], device_ids=[d.pk for d in devices], out=self.stdout.write
        )

    def _summary(self, stats: simulator.Stats) -> str:
        return (
            f"共发送 {stats.sent} 条，静默跳过 {stats.silent}，错误 {stats.errors}，"
            f"放弃 {stats.dropped}，值班人员确认 {stats.acknowledged}、处置 {stats.disposed}"
        )

    def _transport(self, options, devices):
        """The transport, with fresh tokens for what it drives (their old tokens stop
        working; the new ones are kept in this process's memory only)."""
        out = self.stdout.write
        admin = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if admin is None:
            raise CommandError("需要一个系统管理员账号来签发设备令牌（如 admin）")
        try:
            if options["http"]:
                transport = simulator.HttpTransport(options["http"], {}, out=out)
                with set_actor(admin):
                    transport.tokens = simulator.issue_tokens(by=admin, devices=devices)
                out(f"已为 {len(devices)} 台设备签发新令牌（原令牌随即失效，仅保存在本进程内存中）")
                return transport
            with set_actor(admin):
                if options["gateway"]:
                    logins = simulator.gateway_logins(by=admin, devices=devices)
                else:
                    logins = simulator.device_logins(by=admin, devices=devices)
            transport = simulator.MqttTransport(
                options["mqtt"] or DEFAULT_MQTT, logins=logins, gateway=options["gateway"], out=out
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        out(f"已签发 {len(logins)} 个 MQTT 登录（设备或网关的新令牌）")
        self._tell_broker()
        return transport

    def _tell_broker(self) -> None:
        """The broker learns the new tokens from the files ``broker_auth`` writes."""
        if not settings.BROKER_AUTH_DIR:
            self.stdout.write(
                "请运行 anjian broker_auth --broker … --out … --reload …，让消息服务器使用新令牌"
                "（或设置 ANJIAN_BROKER_AUTH_DIR，由定时任务自动完成）"
            )
            return
        written = broker.write_auth(settings.BROKER_KIND, settings.BROKER_AUTH_DIR)
        if written.changed and settings.BROKER_PID_FILE:
            broker.reload(settings.BROKER_PID_FILE)
            time.sleep(1.0)  # the broker re-reads its files
        self.stdout.write(f"已更新消息服务器的账号文件（{written.logins} 个账号）")

    def _announce(self, generator: simulator.Generator, rate: float, transport) -> None:
        count = len(generator.devices)
        self.stdout.write(
            f"模拟 {count} 台设备 → {transport.where}，每秒 {rate:g} 条"
            f"（每台约每 {count / rate:.1f} 秒一次）"
        )
        roles = [
            (simulator.MISBEHAVE, "周期性超限（每 20 分钟一轮）"),
            (simulator.SILENT, "间歇静默（每 40 分钟停发 10 分钟）"),
            (simulator.FLAT, "数值冻结（每小时 25 分钟）"),
            (simulator.IMPOSSIBLE, "偶发不可能值（每 15 分钟一次 0 值）"),
        ]
        for role, label in roles:
            indices = generator.indices(role)
            if not indices:
                continue
            codes = "、".join(generator.devices[i].code for i in indices[:5])
            more = f" 等 {len(indices)} 台" if len(indices) > 5 else ""
            self.stdout.write(f"  {label}：{codes}{more}")
