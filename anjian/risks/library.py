"""The industry risk-point library shipped with the platform: reading and checking its files.

``data/library/`` holds one JSON file per topic (format in ``data/README.md``): typical
risk points of the industries and key objects the district supervises, with their usual
hazard factors (GB/T 13861 class), GB 6441 accident types, a typical LEC or LS assessment
and at least three control measures. The wording is our own summary of common practice in
双重预防 guidance, not text copied from a standard; enterprises adapt each point after
adding it.

``read_files`` turns files into the values of ``RiskLibraryEntry`` rows (code included),
ordered by ``sort_order`` and code, or raises ``LibraryFileError`` listing every problem in
Chinese; it writes nothing (its only query is the list of industries).
``services.library_load`` upserts the entries by code (``anjian risk_library load``); the
data migration ``0002`` reads the same files into a fresh database with its own copy of
the reading rules.
"""

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _

from anjian.enterprises.choices import KEY_FLAGS
from anjian.regions.defaults import INDUSTRIES
from anjian.regions.models import Industry
from anjian.risks.choices import METHOD_FACTORS, ControlLevel, MeasureKind, Method
from anjian.risks.models import ControlMeasure, RiskLibraryEntry

FORMAT = "anjian-risk-library/1"
DATA_DIR = Path(__file__).resolve().parent / "data" / "library"
FILE_KEYS = ("format", "topic", "entries")
REQUIRED = (
    "code",
    "name",
    "kind",
    "hazard_factors",
    "factor_class",
    "accident_types",
    "method",
    "typical",
    "control_level",
    "measures",
)
OPTIONAL = {
    "location_hint": "",
    "industry_codes": [],
    "flags": [],
    "is_generic": False,
    "basis": "",
    "sort_order": 100,
    "is_active": True,
}
TEXT_KEYS = (
    "code",
    "name",
    "kind",
    "hazard_factors",
    "factor_class",
    "method",
    "control_level",
    "location_hint",
    "basis",
)
LIST_KEYS = ("industry_codes", "flags", "accident_types")
BOOL_KEYS = ("is_generic", "is_active")
MEASURE_KEYS = ("kind", "level", "text")
MIN_MEASURES = 3
FACTOR_FIELDS = {"L": "l_value", "E": "e_value", "C": "c_value", "S": "s_value"}


class LibraryFileError(Exception):
    """The files cannot be loaded; ``problems`` says every reason, entry by entry."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("；".join(problems))


def shipped_files() -> list[Path]:
    return sorted(DATA_DIR.glob("*.json"))


def known_industries() -> set[str]:
    """The default 监管行业 codes and every industry in the database."""
    return {industry.code for industry in INDUSTRIES} | set(
        Industry.objects.values_list("code", flat=True)
    )


def shipped_entries() -> list[dict]:
    return read_files(shipped_files())


def read_files(paths, *, industries: set[str] | None = None) -> list[dict]:
    """Every entry of ``paths`` as model values, ordered by sort order and code."""
    industries = known_industries() if industries is None else industries
    problems: list[str] = []
    entries: list[dict] = []
    seen: dict[str, str] = {}
    for path in map(Path, paths):
        try:
            found = read_file(path, industries=industries)
        except LibraryFileError as error:
            problems += error.problems
            continue
        for entry in found:
            if entry["code"] in seen:
                problems.append(
                    _("%(f)s：代码“%(c)s”与 %(g)s 中的条目重复")
                    % {"f": path.name, "c": entry["code"], "g": seen[entry["code"]]}
                )
            seen[entry["code"]] = path.name
        entries += found
    if problems:
        raise LibraryFileError(problems)
    return sorted(entries, key=lambda entry: (entry["sort_order"], entry["code"]))


def read_file(path: Path, *, industries: set[str]) -> list[dict]:
    """The entries of one file as model values; LibraryFileError lists what is wrong."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        message = _("%(f)s：无法读取（%(e)s）") % {"f": path.name, "e": error}
        raise LibraryFileError([message]) from None
    problems = [f"{path.name}：{problem}" for problem in _file_problems(data)]
    if problems:
        raise LibraryFileError(problems)
    entries = []
    for index, raw in enumerate(data["entries"], 1):
        where = _("%(f)s 第 %(n)d 条") % {"f": path.name, "n": index}
        if isinstance(raw, dict) and isinstance(raw.get("code"), str):
            where += f"（{raw['code']}）"
        values, found = entry_values(raw, topic=data["topic"], industries=industries)
        problems += [f"{where}：{problem}" for problem in found]
        if values is not None:
            entries.append(values)
    if problems:
        raise LibraryFileError(problems)
    return entries


def _file_problems(data) -> list[str]:
    if not isinstance(data, dict) or set(data) != set(FILE_KEYS):
        return [_("应为含 format、topic、entries 三个键的对象")]
    problems = []
    if data["format"] != FORMAT:
        problems.append(_("format 应为 %(f)s") % {"f": FORMAT})
    max_topic = RiskLibraryEntry._meta.get_field("topic").max_length
    if not isinstance(data["topic"], str) or not 0 < len(data["topic"].strip()) <= max_topic:
        problems.append(_("topic 应为不超过 %(n)d 字的类别名称") % {"n": max_topic})
    if not isinstance(data["entries"], list) or not data["entries"]:
        problems.append(_("entries 应为非空列表"))
    return problems


# --- one entry ------------------------------------------------------------------------------


def entry_values(raw, *, topic: str, industries: set[str]) -> tuple[dict | None, list[str]]:
    """(model values or None, problems) of one entry of a file."""
    problems = _shape_problems(raw)
    if problems:
        return None, problems
    raw = {**OPTIONAL, **raw}
    problems = _type_problems(raw)
    if problems:
        return None, problems
    values = {key: raw[key] for key in (*REQUIRED, *OPTIONAL) if key != "typical"}
    values.update({key: ",".join(raw[key]) for key in LIST_KEYS}, topic=topic)
    values.update(_typical_values(raw["method"], raw["typical"], problems))
    problems += _measure_problems(raw["measures"])
    problems += _reach_problems(raw, industries)
    problems += _model_problems(values)
    return (None if problems else values), problems


def _shape_problems(raw) -> list[str]:
    if not isinstance(raw, dict):
        return [_("应为对象")]
    problems = []
    unknown = sorted(set(raw) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        problems.append(_("未知的键：%(k)s") % {"k": "、".join(unknown)})
    missing = [key for key in REQUIRED if key not in raw]
    if missing:
        problems.append(_("缺少：%(k)s") % {"k": "、".join(missing)})
    return problems


def _type_problems(raw: dict) -> list[str]:
    wrong = [key for key in TEXT_KEYS if not isinstance(raw[key], str)]
    wrong += [
        key
        for key in LIST_KEYS
        if not isinstance(raw[key], list) or not all(isinstance(v, str) for v in raw[key])
    ]
    wrong += [key for key in BOOL_KEYS if not isinstance(raw[key], bool)]
    sort_order = raw["sort_order"]
    if isinstance(sort_order, bool) or not isinstance(sort_order, int):
        wrong.append("sort_order")
    if not isinstance(raw["typical"], dict):
        wrong.append("typical")
    if not isinstance(raw["measures"], list):
        wrong.append("measures")
    if not wrong:
        return []
    return [
        _("类型不对：%(k)s（文字、文字列表、true/false、整数、对象、列表，见 data/README.md）")
        % {"k": "、".join(wrong)}
    ]


def _typical_values(method: str, typical: dict, problems: list[str]) -> dict:
    """The typical factor values as model fields; what is wrong goes to ``problems``."""
    values = dict.fromkeys(FACTOR_FIELDS.values())
    if method not in Method.values:
        return values  # the model check names the method
    names = METHOD_FACTORS[Method(method)]
    if set(typical) != set(names):
        problems.append(
            _("typical 应恰好给出 %(m)s 法的 %(f)s 值")
            % {"m": method.upper(), "f": "、".join(names)}
        )
        return values
    for name in names:
        value = typical[name]
        text = value if isinstance(value, str) else str(value)
        try:
            valid = not isinstance(value, bool) and Decimal(text) > 0
        except (InvalidOperation, ValueError):
            valid = False
        if not valid:
            problems.append(_("typical 的 %(f)s 值应为正数") % {"f": name})
        values[FACTOR_FIELDS[name]] = text
    return values


def _measure_problems(measures: list) -> list[str]:
    problems = []
    if len(measures) < MIN_MEASURES:
        problems.append(_("典型管控措施至少 %(n)d 条") % {"n": MIN_MEASURES})
    max_text = ControlMeasure._meta.get_field("text").max_length
    for index, measure in enumerate(measures, 1):
        if not isinstance(measure, dict) or set(measure) != set(MEASURE_KEYS):
            problems.append(_("措施 %(n)d 应为含 kind、level、text 的对象") % {"n": index})
            continue
        if measure["kind"] not in MeasureKind.values:
            problems.append(_("措施 %(n)d 的 kind 不是措施类型") % {"n": index})
        if measure["level"] not in ControlLevel.values:
            problems.append(_("措施 %(n)d 的 level 不是管控层级") % {"n": index})
        text = measure["text"]
        if not isinstance(text, str) or not 0 < len(text.strip()) <= max_text:
            problems.append(_("措施 %(n)d 的内容应为 1–%(m)d 字") % {"n": index, "m": max_text})
    return problems


def _reach_problems(raw: dict, industries: set[str]) -> list[str]:
    """Unknown industries or flags, and an entry that would apply to nobody."""
    problems = []
    unknown = [code for code in raw["industry_codes"] if code not in industries]
    if unknown:
        problems.append(_("未登记的监管行业：%(c)s") % {"c": "、".join(unknown)})
    unknown = [flag for flag in raw["flags"] if flag not in KEY_FLAGS]
    if unknown:
        problems.append(
            _("未知的重点对象：%(c)s（可用 %(k)s）")
            % {"c": "、".join(unknown), "k": "、".join(KEY_FLAGS)}
        )
    if not (raw["industry_codes"] or raw["flags"] or raw["is_generic"]):
        problems.append(_("industry_codes、flags、is_generic 至少填一项，否则不适用于任何单位"))
    return problems


def _model_problems(values: dict) -> list[str]:
    """What the model's own validation says (lengths, choices, accident type codes)."""
    try:
        RiskLibraryEntry(**values).full_clean(validate_unique=False)
    except DjangoValidationError as error:
        return [
            f"{_field_label(name)}：{message}"
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return []


def _field_label(name: str) -> str:
    try:
        return f"{name}（{RiskLibraryEntry._meta.get_field(name).verbose_name}）"
    except FieldDoesNotExist:
        return name
