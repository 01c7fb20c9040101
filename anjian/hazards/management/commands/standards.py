"""anjian standards — the major-hazard standards library (重大事故隐患判定标准).

anjian standards list                          # editions, status and clause counts
anjian standards import FILE.json|FILE.xlsx    # add an edition or update it (by its code)
anjian standards import FILE --dry-run         # validate and show what would change
anjian standards import --shipped              # every file in anjian/hazards/library/data/

Exit status 1 with every problem listed (row by row) when a file cannot be imported;
nothing is written then.
"""

from django.core.management.base import BaseCommand, CommandError

from anjian.hazards.library import loader, selectors


class Command(BaseCommand):
    help = "重大事故隐患判定标准：列出标准（list），导入或更新一个标准版本（import）"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{list,import}")
        actions.add_parser("list", help="列出各标准版本、状态和条款数")
        importing = actions.add_parser("import", help="导入 .json 或 .xlsx 标准文件")
        importing.add_argument(
            "files", nargs="*", metavar="FILE", help="标准文件（.json 或 .xlsx）"
        )
        importing.add_argument(
            "--dry-run", action="store_true", help="只校验并显示将发生的变化，不写入"
        )
        importing.add_argument(
            "--shipped", action="store_true", help="导入系统自带的全部标准文件（data/*.json）"
        )

    def handle(self, *args, **options):
        if options["action"] == "list":
            self._list()
        else:
            files = list(options["files"])
            if options["shipped"]:
                files += [str(path) for path in loader.shipped_files()]
            if not files:
                raise CommandError("请指定要导入的标准文件，或使用 --shipped")
            failed = sum(not self._import(path, dry_run=options["dry_run"]) for path in files)
            if failed:
                raise CommandError(f"{failed} 个文件未能导入（见上方错误），这些文件的内容均未写入")

    def _list(self):
        documents = list(selectors.document_list())
        if not documents:
            self.stdout.write("尚无判定标准")
            return
        for document in documents:
            status = "启用" if document.is_active else "停用"
            if document.superseded_by:
                status += f"，已被 {document.superseded_by.code} 替代"
            self.stdout.write(
                f"{document.code}\t{document.title}（{document.edition}）\t"
                f"{document.get_domain_display()}\t{status}\t"
                f"条款 {document.clause_active}/{document.clause_total}"
            )

    def _import(self, path: str, *, dry_run: bool) -> bool:
        try:
            payload = loader.parse_path(path)
            if dry_run:
                plan = loader.plan_import(payload)
                if plan.problems:
                    raise loader.StandardFileError(plan.problems)
            else:
                plan = loader.import_payload(payload)
        except loader.StandardFileError as error:
            self.stderr.write(f"{path}：{len(error.problems)} 处错误")
            for problem in error.problems:
                self.stderr.write(f"  {problem}")
            return False
        prefix = "［预览，未写入］" if dry_run else ""
        self.stdout.write(self.style.SUCCESS(f"{prefix}{path}：{plan.summary()}"))
        for change in plan.changes:
            if change.action != loader.UNCHANGED:
                fields = f"（{'、'.join(change.fields)}）" if change.fields else ""
                self.stdout.write(f"  {change.action_label} {change.code}{fields}")
        return True
