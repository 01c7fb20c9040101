"""Imports of the project's own modules stand at the top of a module: a cycle is broken by
moving code to the module that owns it, not by hiding an import in a function
(docs/development/architecture.md, "Layers"). Allowed inside a function: ``AppConfig.ready()``
(Django imports apps.py before any model exists), migrations (they must load without
today's code), and a line that says why with ``# cycle:``."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
INDENTED_OWN_IMPORT = re.compile(r"^\s+(from (anjian|config)[\w.]* import |import (anjian|config))")


def production_modules():
    for package in ("anjian", "config"):
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "tests" in parts or "migrations" in parts or path.name == "apps.py":
                continue
            yield path


def test_own_modules_are_imported_at_the_top():
    hidden = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in production_modules()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if INDENTED_OWN_IMPORT.match(line) and "# cycle:" not in line
    ]
    assert not hidden, "imports inside functions:\n" + "\n".join(hidden)
