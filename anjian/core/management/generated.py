"""A command that prints a document generated from the code, or ``--write``s it under
``docs/``, where a test compares it with the code (``anjian lifecycles``,
``anjian permissions``)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand


class GeneratedDocCommand(BaseCommand):
    filename: str  # under docs/

    def render(self) -> str:
        raise NotImplementedError

    def summary(self) -> str:
        """What the written file holds, for the confirmation line."""
        return ""

    @property
    def doc(self) -> Path:
        return Path(settings.BASE_DIR) / "docs" / self.filename

    def add_arguments(self, parser):
        parser.add_argument("--write", action="store_true", help=f"写入 docs/{self.filename}")

    def handle(self, *args, **options):
        text = self.render()
        if options["write"]:
            self.doc.write_text(text)
            self.stdout.write(f"已写入 {self.doc}（{self.summary()}）")
        else:
            self.stdout.write(text, ending="")
