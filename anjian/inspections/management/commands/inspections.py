"""anjian inspections — checks anyone can run on the enforcement records.

anjian inspections verify-draw 42              # a stored draw (the same as verify_draw --draw)
anjian inspections verify-draw record.json     # a published draw record file
anjian inspections verify-record 12            # the 执法全过程记录 of inspection 12
anjian inspections verify-record case:7        # … of penalty case 7

verify-record recomputes the hash chain (``inspections.chain``): exit 0 when every entry is
as it was recorded, 1 naming each entry that was changed, removed or inserted, 2 when there
is no such record.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from anjian.inspections import chain
from anjian.inspections.models import Case, Inspection

SUBJECTS = {"inspection": (Inspection, "现场检查"), "case": (Case, "处罚案件")}


class Command(BaseCommand):
    help = "执法记录复核：verify-draw 复核双随机抽取，verify-record 校验执法全过程记录"

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        draw = commands.add_parser("verify-draw", help="复核双随机抽取（编号或记录文件）")
        draw.add_argument("draw", help="抽取编号，或抽取记录文件（JSON；- 为标准输入）")
        record = commands.add_parser("verify-record", help="校验执法全过程记录的哈希链")
        record.add_argument("record", help="检查编号，或 inspection:<编号> / case:<编号>")

    def handle(self, *args, command: str, **options):
        if command == "verify-draw":
            target = options["draw"]
            if target.isdigit():
                call_command(
                    "verify_draw", draw=int(target), stdout=self.stdout, stderr=self.stderr
                )
            else:
                call_command("verify_draw", target, stdout=self.stdout, stderr=self.stderr)
            return
        self._verify_record(options["record"])

    def _verify_record(self, text: str) -> None:
        kind, _, pk = text.rpartition(":")
        kind = kind or "inspection"
        if kind not in SUBJECTS or not pk.isdigit():
            raise CommandError(
                f"无法识别“{text}”：请写检查编号，或 inspection:<编号> / case:<编号>", returncode=2
            )
        model, label = SUBJECTS[kind]
        subject = model.objects.filter(pk=int(pk)).first()
        if subject is None:
            raise CommandError(f"没有编号为 {pk} 的{label}", returncode=2)
        key = chain.chain_key(subject)
        count, breaks = chain.verify(key)
        if count == 0:
            raise CommandError(f"{label} {pk} 没有执法全过程记录", returncode=2)
        if breaks:
            for found in breaks:
                self.stderr.write(f"第 {found.seq} 条：{found.problem}")
            raise CommandError(
                f"{label} {pk} 的执法全过程记录校验不通过（{len(breaks)} 处）", returncode=1
            )
        self.stdout.write(f"{label} {pk} 的执法全过程记录校验通过：共 {count} 条，链接完整")
