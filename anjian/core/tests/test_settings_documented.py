"""Every setting is declared and every environment variable documented (STYLE habit 12).

The code is read with ``ast``: every ``env_*`` call (``config/env.py``), ``os.environ.get``,
``os.getenv`` and ``os.environ[...]`` read naming ``ANJIAN_*``, ``DATABASE_URL`` or
``REDIS_URL`` must have a row in README.md's Configuration table, and every row must name
a variable something reads. Settings are read as ``settings.X``: a ``getattr(settings,
"X", default)`` would hide a setting nobody can set, so none is allowed, and every
``settings.X`` an anjian module reads must exist.
"""

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

import config.env

ROOT = Path(settings.BASE_DIR)
README = ROOT / "README.md"
# Where the code that runs lives: the application, its configuration, benchmarks, scripts.
SOURCE_DIRS = ("anjian", "config", "bench", "scripts")
READERS = frozenset(name for name in vars(config.env) if name.startswith("env_"))
OTHER_VARIABLES = frozenset({"DATABASE_URL", "REDIS_URL"})


def is_ours(name: str) -> bool:
    return name.startswith("ANJIAN_") or name in OTHER_VARIABLES


def is_test_module(path: Path) -> bool:
    return "tests" in path.parts or path.name.startswith("test_") or path.name == "conftest.py"


def source_files(*, tests: bool = False) -> list[Path]:
    files = sorted(ROOT.glob("*.py"))
    for directory in SOURCE_DIRS:
        files += sorted((ROOT / directory).rglob("*.py"))
    return [path for path in files if tests or not is_test_module(path)]


# --- environment variables ------------------------------------------------------------------


@dataclass(frozen=True)
class Read:
    name: str | None  # None: the name is not a literal
    where: str


def _is_os_environ(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def _called_name(func: ast.AST) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def environment_reads(source: str, filename: str = "<source>") -> list[Read]:
    """Every read of an environment variable in ``source``, literal name or not."""
    reads = []
    for node in ast.walk(ast.parse(source, filename)):
        argument = None
        if isinstance(node, ast.Call):
            func = node.func
            is_env_reader = _called_name(func) in READERS
            is_environ_get = (
                isinstance(func, ast.Attribute)
                and func.attr in ("get", "pop")
                and _is_os_environ(func.value)
            )
            is_getenv = (
                isinstance(func, ast.Attribute)
                and func.attr == "getenv"
                and isinstance(func.value, ast.Name)
                and func.value.id == "os"
            )
            if (is_env_reader or is_environ_get or is_getenv) and node.args:
                argument = node.args[0]
        elif (
            isinstance(node, ast.Subscript)
            and isinstance(node.ctx, ast.Load)
            and _is_os_environ(node.value)
        ):
            argument = node.slice
        if argument is None:
            continue
        where = f"{filename}:{node.lineno}"
        if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
            reads.append(Read(argument.value, where))
        else:
            reads.append(Read(None, where))
    return reads


def code_variables() -> dict[str, list[str]]:
    """Our variables the code reads → where."""
    found: dict[str, list[str]] = {}
    for path in source_files():
        relative = str(path.relative_to(ROOT))
        for read in environment_reads(path.read_text(encoding="utf-8"), relative):
            if read.name is not None and is_ours(read.name):
                found.setdefault(read.name, []).append(read.where)
    return found


def readme_variables(text: str) -> set[str]:
    """The variables named in the first cell of the Configuration table's rows."""
    section = text.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in section.splitlines():
        if not line.startswith("| `"):
            continue
        first_cell = line.split("|")[1]
        names.update(re.findall(r"`([A-Z][A-Z0-9_]*)`", first_cell))
    return names


def test_the_scan_finds_variables_in_settings_and_in_other_modules():
    found = code_variables()
    assert {"ANJIAN_DEBUG", "DATABASE_URL", "REDIS_URL"} <= set(found)
    assert any(where.startswith("anjian/") for where in found["ANJIAN_BIND"])  # os.environ.get
    assert "ANJIAN_MONITORING_ESCALATION_MINUTES" in found  # env_int_map


def test_the_scan_sees_every_way_of_reading_the_environment():
    source = (
        "import os\n"
        "from config.env import env_int\n"
        "a = env_int('ANJIAN_A', 1)\n"
        "b = config.env.env_bool('ANJIAN_B')\n"
        "c = os.environ.get('ANJIAN_C', '')\n"
        "d = os.environ['ANJIAN_D']\n"
        "e = os.getenv('REDIS_URL')\n"
        "os.environ['ANJIAN_WRITTEN'] = 'x'\n"
        "f = os.environ.get(name)\n"
    )
    reads = {(int(read.where.split(":")[1]), read.name) for read in environment_reads(source)}
    assert reads == {
        (3, "ANJIAN_A"),
        (4, "ANJIAN_B"),
        (5, "ANJIAN_C"),
        (6, "ANJIAN_D"),
        (7, "REDIS_URL"),
        (9, None),  # a name that is not a literal cannot be checked (refused below)
    }


def test_every_variable_the_code_reads_is_in_the_readme_configuration_table():
    documented = readme_variables(README.read_text(encoding="utf-8"))
    missing = {name: where for name, where in code_variables().items() if name not in documented}
    assert not missing, "add a row to README.md's Configuration table for:\n" + "\n".join(
        f"  {name} (read at {', '.join(where)})" for name, where in sorted(missing.items())
    )


def test_every_variable_in_the_readme_table_is_read_by_the_code():
    stale = readme_variables(README.read_text(encoding="utf-8")) - set(code_variables())
    assert not stale, f"README.md documents variables nothing reads: {sorted(stale)}"


def test_variables_are_read_by_literal_name_so_they_can_be_checked():
    hidden = [
        read.where
        for path in source_files()
        if path != ROOT / "config" / "env.py"  # the readers themselves
        for read in environment_reads(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
        if read.name is None
    ]
    assert not hidden, f"name the variable literally (documentation check): {hidden}"


def test_a_variable_missing_from_the_table_is_reported():
    text = README.read_text(encoding="utf-8")
    assert "ANJIAN_SITE_URL" in readme_variables(text)
    without = "\n".join(
        line for line in text.splitlines() if not line.startswith("| `ANJIAN_SITE_URL`")
    )
    assert "ANJIAN_SITE_URL" not in readme_variables(without)
    # Two variables in one row are both documented.
    assert {"ANJIAN_BROKER_TLS_CERT", "ANJIAN_BROKER_TLS_KEY"} <= readme_variables(text)


# --- settings ---------------------------------------------------------------------------------


def _is_settings(node: ast.AST) -> bool:
    name = node.id if isinstance(node, ast.Name) else getattr(node, "attr", "")
    return name.endswith("settings")


def settings_reads(source: str, filename: str = "<source>") -> tuple[list[str], set[str]]:
    """(where settings are read with a fallback — ``getattr(settings, "X", default)``,
    ``hasattr(settings, "X")`` —, names read as ``settings.X``)."""
    guarded, names = [], set()
    for node in ast.walk(ast.parse(source, filename)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and (
                (node.func.id == "getattr" and len(node.args) == 3)
                or (node.func.id == "hasattr" and len(node.args) == 2)
            )
            and _is_settings(node.args[0])
        ):
            guarded.append(f"{filename}:{node.lineno}")
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.ctx, ast.Load)
            and isinstance(node.value, ast.Name)
            and node.value.id == "settings"
            and node.attr.isupper()
        ):
            names.add(node.attr)
    return guarded, names


def anjian_modules() -> list[Path]:
    return sorted((ROOT / "anjian").rglob("*.py")) + sorted((ROOT / "config").rglob("*.py"))


def test_no_module_reads_a_setting_through_getattr_with_a_default():
    found = []
    for path in anjian_modules():
        guarded, _names = settings_reads(
            path.read_text(encoding="utf-8"), str(path.relative_to(ROOT))
        )
        found += guarded
    assert not found, (
        "declare the setting in config/settings.py (from an ANJIAN_ variable through "
        f"config/env.py) and read it as settings.X: {found}"
    )


def test_getattr_on_settings_is_recognised():
    guarded, names = settings_reads(
        "from django.conf import settings\n"
        "a = getattr(settings, 'MONITORING_X', 15)\n"
        "b = hasattr(django_settings, 'Y')\n"
        "c = settings.REGION_ROOT\n"
        "d = getattr(obj, 'x', 1)\n"
        "e = getattr(settings, 'REGION_ROOT')\n"  # no default: fails loudly when missing
    )
    assert guarded == ["<source>:2", "<source>:3"]
    assert names == {"REGION_ROOT"}


def declared(name: str) -> bool:
    try:
        getattr(settings, name)
    except AttributeError:
        return False
    return True


def test_every_setting_an_anjian_module_reads_is_declared():
    read: dict[str, str] = {}
    for path in anjian_modules():
        _guarded, names = settings_reads(
            path.read_text(encoding="utf-8"), str(path.relative_to(ROOT))
        )
        for name in names:
            read.setdefault(name, str(path.relative_to(ROOT)))
    assert "MONITORING_ESCALATION_MINUTES" in read  # the scan is not vacuous
    undeclared = {name: where for name, where in read.items() if not declared(name)}
    assert not undeclared, f"declare these in config/settings.py: {undeclared}"
