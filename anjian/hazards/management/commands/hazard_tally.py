"""anjian hazard_tally — the dynamic-clearing summaries (动态清零汇总表).

anjian hazard_tally check      # compare the summaries with the ledger; exit 1 on a difference
anjian hazard_tally rebuild    # recompute them from the ledger (after a bulk load or repair)

The services keep the summaries exact in the same transaction as each change; anything
that writes hazards another way (a bulk COPY, a data repair) must rebuild them.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from anjian.hazards import tally


class Command(BaseCommand):
    help = "隐患动态清零汇总表：核对（check）或按台账重建（rebuild）"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=("check", "rebuild"))

    def handle(self, *args, action, **options):
        started = time.perf_counter()
        if action == "rebuild":
            rows = tally.rebuild()
            self.stdout.write(
                f"已按台账重建汇总表：{rows} 行（{time.perf_counter() - started:.1f} 秒）"
            )
            return
        problems = tally.differences()
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError("汇总表与隐患台账不一致；运行 anjian hazard_tally rebuild 修复")
        self.stdout.write(f"汇总表与隐患台账一致（{time.perf_counter() - started:.1f} 秒）")
