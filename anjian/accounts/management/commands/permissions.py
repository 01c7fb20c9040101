"""anjian permissions — print (or --write) docs/permissions.md, the role × action table.

Each app declares its actions and which roles are granted them in its own
``anjian/<app>/permissions.py``; ``accounts.permissions`` assembles them, and this renders
the whole map in one place.
"""

from anjian.accounts import permissions
from anjian.core.management.generated import GeneratedDocCommand


class Command(GeneratedDocCommand):
    help = "输出（或 --write 写入 docs/permissions.md）角色 × 权限动作表"
    filename = "permissions.md"

    def render(self) -> str:
        return permissions.document()

    def summary(self) -> str:
        return f"{len(permissions.all_actions())} 个权限动作"
