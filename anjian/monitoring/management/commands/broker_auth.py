"""anjian broker_auth — write the broker's logins and permissions from the device registry.

anjian broker_auth --broker nats --out /etc/nats/anjian           # writes anjian-auth.conf
anjian broker_auth --broker mosquitto --out /etc/mosquitto/anjian  # anjian-passwd, anjian-acl
    --reload /run/nats/nats.pid       # and tell the broker to re-read them (SIGHUP)

Every active device logs in with its code and token and may publish only its own topic;
every gateway logs in as gw.<code> and may publish only its enterprise's gateway topic;
the ingest account (ANJIAN_BROKER_USER / ANJIAN_BROKER_PASSWORD) may only consume. Re-run
after devices are added or tokens rotated — or set ANJIAN_BROKER_AUTH_DIR (and
ANJIAN_BROKER_PID_FILE) and the periodic job ``sync_broker_auth`` does it every minute.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from anjian.monitoring import broker


class Command(BaseCommand):
    help = "根据设备登记生成消息服务器的账号与权限（NATS 或 Mosquitto）"

    def add_arguments(self, parser):
        parser.add_argument("--broker", choices=["nats", "mosquitto"], default=settings.BROKER_KIND)
        parser.add_argument(
            "--out", default=settings.BROKER_AUTH_DIR, help="目录（默认 ANJIAN_BROKER_AUTH_DIR）"
        )
        parser.add_argument(
            "--reload", default=settings.BROKER_PID_FILE, metavar="PID_FILE",
            help="写入后向该进程发送 SIGHUP 使其重新读取（默认 ANJIAN_BROKER_PID_FILE）",
        )  # fmt: skip

    def handle(self, *args, **options):
        if not options["out"]:
            raise CommandError("请用 --out 指定目录，或设置 ANJIAN_BROKER_AUTH_DIR")
        try:
            written = broker.write_auth(options["broker"], options["out"])
        except broker.NotConfigured as error:
            raise CommandError(str(error)) from error
        for line in written.skipped:
            self.stderr.write(f"未生成账号：{line}")
        paths = "、".join(str(p) for p in written.paths)
        state = "已更新" if written.changed else "无变化"
        self.stdout.write(f"{state}：{paths}（{written.logins} 个设备/网关账号）")
        if options["reload"] and written.changed:
            try:
                pid = broker.reload(options["reload"])
            except (OSError, ValueError) as error:
                raise CommandError(f"无法通知消息服务器重新加载：{error}") from error
            self.stdout.write(f"已通知进程 {pid} 重新加载")
