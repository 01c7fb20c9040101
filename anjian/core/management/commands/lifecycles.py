"""anjian lifecycles — print (or --write) docs/lifecycles.md from the declared lifecycles.

Every lifecycle is declared once on the workflow kernel (``anjian/<app>/lifecycle.py``);
this renders each one's state diagram (Mermaid) and its table of who may do what.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from anjian.core import workflow

DOC = Path(settings.BASE_DIR) / "docs" / "lifecycles.md"


class Command(BaseCommand):
    help = "输出（或 --write 写入 docs/lifecycles.md）各业务流程的状态图与权限表"

    def add_arguments(self, parser):
        parser.add_argument("--write", action="store_true", help=f"写入 {DOC}")

    def handle(self, *args, **options):
        text = workflow.document()
        if options["write"]:
            DOC.write_text(text)
            self.stdout.write(f"已写入 {DOC}（{len(workflow.LIFECYCLES)} 个流程）")
        else:
            self.stdout.write(text, ending="")
