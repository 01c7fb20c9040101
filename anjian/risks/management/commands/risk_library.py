"""anjian risk_library — the industry risk-point library (行业风险点库) shipped as data files.

anjian risk_library check [FILE.json ...]             # validate the files
anjian risk_library load [FILE.json ...] [--dry-run]  # insert or update the entries by code

Without FILE: every shipped file (anjian/risks/data/library/*.json).

Exit status 1 with every problem listed (file by file, entry by entry) when the files do
not validate; nothing is written then. Entries in the database that the files do not
list are left as they are.
"""

from django.core.management.base import BaseCommand, CommandError

from anjian.risks import library, services


class Command(BaseCommand):
    help = "行业风险点库：校验数据文件（check），导入或更新到数据库（load）"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{check,load}")
        checking = actions.add_parser("check", help="校验风险点库数据文件")
        loading = actions.add_parser("load", help="按代码新增或更新风险点库条目")
        for action in (checking, loading):
            action.add_argument(
                "files", nargs="*", metavar="FILE", help="数据文件（省略为系统自带的全部文件）"
            )
        loading.add_argument(
            "--dry-run", action="store_true", help="只校验并显示将发生的变化，不写入"
        )

    def handle(self, *args, **options):
        paths = options["files"] or library.shipped_files()
        try:
            entries = library.read_files(paths)
        except library.LibraryFileError as error:
            for problem in error.problems:
                self.stderr.write(f"  {problem}")
            raise CommandError(f"{len(error.problems)} 处错误，未写入任何内容") from None
        if options["action"] == "check":
            self.stdout.write(
                self.style.SUCCESS(f"{len(paths)} 个文件、{len(entries)} 个条目校验通过")
            )
            return
        if options["dry_run"]:
            self._report("［预览，未写入］", services.library_plan(entries))
        else:
            self._report("", services.library_load(entries=entries))

    def _report(self, prefix: str, plan: services.LibraryLoad) -> None:
        self.stdout.write(self.style.SUCCESS(f"{prefix}风险点库：{plan.summary()}"))
        for code in plan.created:
            self.stdout.write(f"  新增 {code}")
        for code, fields in plan.updated.items():
            self.stdout.write(f"  修改 {code}（{'、'.join(fields)}）")
