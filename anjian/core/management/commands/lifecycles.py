"""anjian lifecycles — print (or --write) docs/lifecycles.md from the declared lifecycles.

Every lifecycle is declared once on the workflow kernel (``anjian/<app>/lifecycle.py``);
this renders each one's state diagram (Mermaid) and its table of who may do what.
"""

from anjian.core import workflow
from anjian.core.management.generated import GeneratedDocCommand


class Command(GeneratedDocCommand):
    help = "输出（或 --write 写入 docs/lifecycles.md）各业务流程的状态图与权限表"
    filename = "lifecycles.md"

    def render(self) -> str:
        return workflow.document()

    def summary(self) -> str:
        return f"{len(workflow.LIFECYCLES)} 个流程"
