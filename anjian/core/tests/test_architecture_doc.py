"""docs/development/architecture.md is drawn from the code: its layer table and declared edges
are the import-linter contracts in pyproject.toml, and its layout names every app."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DOC = (ROOT / "docs/development/architecture.md").read_text(encoding="utf-8")
CONTRACTS = {
    contract["id"]: contract
    for contract in tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "importlinter"
    ]["contracts"]
}


def short(module: str) -> str:
    """How the document names a module: without the ``anjian.`` prefix of an app."""
    name = module.strip()
    return name.removeprefix("anjian.") if name != "anjian.web" else name


def documented_layers() -> list[set[str]]:
    table = DOC[DOC.index("| layer | packages | imports |") :].split("\n\n", 1)[0]
    rows = [line for line in table.splitlines()[2:] if line.startswith("|")]
    # The packages column names them in backticks, before the "—" that explains.
    return [set(re.findall(r"`([\w.]+)`", row.split("|")[2].split("—")[0])) for row in rows]


def test_the_layer_table_is_the_contract():
    contract = [
        {short(name) for name in layer.split("|")} for layer in CONTRACTS["layers"]["layers"]
    ]
    assert documented_layers() == contract


def declared_edges() -> list[tuple[str, str]]:
    edges = []
    for entry in CONTRACTS["layers"]["ignore_imports"]:
        source, target = (part.strip() for part in entry.split("->"))
        if ".tests." in source:
            continue
        edges.append((short(source), short(target)))
    return edges


def test_every_declared_edge_is_explained_and_nothing_else():
    section = DOC[DOC.index("Declared edges between domain apps") :].split("\n\n", 1)[0]
    bullets = [line for line in section.splitlines() if line.startswith("- ")]
    documented = set()
    for bullet in bullets:
        names = re.findall(r"`([\w.]+)`", bullet.split("—")[0])
        source, targets = names[0], names[1:]
        documented |= {(source, target) for target in targets}
    assert documented == set(declared_edges())


def test_the_layout_names_every_app():
    layout = DOC[DOC.index("```") : DOC.index("```", DOC.index("```") + 3)]
    apps = sorted(path.parent.name for path in (ROOT / "anjian").glob("*/apps.py"))
    missing = [app for app in apps if f"anjian/{app}/" not in layout]
    assert not missing, f"architecture.md's layout does not name: {missing}"
