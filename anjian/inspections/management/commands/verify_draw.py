"""anjian verify_draw — check a published double-random draw record (双随机抽取记录复核).

anjian verify_draw record.json     # exit 0: the record is what its pools, rules and seed give
anjian verify_draw - < record.json
anjian verify_draw --draw 42       # a draw stored on this platform

Re-runs the draw from the record's own pools, rules and seed and compares the fingerprints
and the result (``inspections.records``). Exit 1 when they differ (each difference is
printed), 2 when the file is not a readable draw record.

With ``--draw`` the stored draw is checked (``selectors.draw_check``): its record re-runs,
and the fingerprints and tasks stored beside it are the record's. Exit 1 with the problems
printed, 2 when there is no such draw.
"""

import sys

from django.core.management.base import BaseCommand, CommandError

from anjian.inspections import records, selectors
from anjian.inspections.draw import DrawError
from anjian.inspections.models import Draw


class Command(BaseCommand):
    help = "复核双随机抽取记录：按记录中的名录库、规则和种子重新抽取并比对"

    def add_arguments(self, parser):
        parser.add_argument("record", nargs="?", help="抽取记录文件（JSON）；- 为标准输入")
        parser.add_argument("--draw", type=int, help="复核本平台保存的抽取（抽取编号）")

    def handle(self, *args, record=None, draw=None, **options):
        if (record is None) == (draw is None):
            raise CommandError(
                "请指定一个抽取记录文件，或用 --draw <编号> 指定本平台保存的抽取（二者选一）",
                returncode=2,
            )
        if draw is not None:
            self._stored(draw)
        else:
            self._file(record)

    def _stored(self, pk: int) -> None:
        drawn = Draw.objects.filter(pk=pk).first()
        if drawn is None:
            raise CommandError(f"没有编号为 {pk} 的抽取", returncode=2)
        problems = selectors.draw_check(drawn)
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"抽取“{drawn}”（编号 {pk}）复核不一致", returncode=1)
        self.stdout.write(
            f"抽取“{drawn}”（编号 {pk}）复核一致：种子 {drawn.seed}，"
            f"{drawn.tasks.count()} 个检查对象，算法 {drawn.engine}"
        )

    def _file(self, record: str) -> None:
        try:
            if record == "-":
                text = sys.stdin.read()
            else:
                with open(record, encoding="utf-8") as handle:
                    text = handle.read()
        except OSError as exc:
            raise CommandError(f"无法读取抽取记录 {record}：{exc.strerror}", returncode=2) from None
        except UnicodeDecodeError:
            raise CommandError(f"抽取记录 {record} 不是 UTF-8 文本", returncode=2) from None
        try:
            drawn = records.loads(text)
            problems = records.check(drawn)
        except (records.RecordError, DrawError) as exc:
            raise CommandError(f"抽取记录无法复核：{exc}", returncode=2) from None
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError("抽取记录与重新抽取的结果不符", returncode=1)
        self.stdout.write(
            f"抽取记录复核一致：种子 {drawn.result.seed}，"
            f"{len(drawn.result.assignments)} 个检查对象，算法 {drawn.result.engine}"
        )
