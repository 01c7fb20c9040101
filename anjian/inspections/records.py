"""A draw record as a file: everything needed to check a published draw, in JSON.

``dumps`` writes the seed, the engine, both pools, the rules, their fingerprints and the
result; ``loads`` reads one back, naming the first thing wrong with it; ``check`` re-runs
it (``draw.verify``). ``anjian verify_draw <file>`` is the same check from the command
line, for an auditor holding a record downloaded from the public page.

The format (``"format": "anjian-draw-record-1"``)::

    {"format": …, "seed": "…", "engine": "anjian-draw-1",
     "targets": [{"id": 1, "region": "310110001", "weight": 1.0}, …],
     "inspectors": [{"id": 7, "home_regions": ["310110"]}, …],
     "rules": {"count": 2, "per_target": 2, "weighted": false,
               "conflicts": [[7, 1]], "last_time": []},
     "fingerprints": {"targets": "…", "inspectors": "…", "rules": "…"},
     "assignments": [{"target": 1, "inspectors": [7, 9]}, …]}
"""

import json
from dataclasses import dataclass
from math import isfinite

from anjian.inspections.draw import Assignment, DrawResult, Inspector, Rules, Target, verify

FORMAT = "anjian-draw-record-1"


class RecordError(ValueError):
    """The file is not a draw record this platform can read; the message says where."""


@dataclass(frozen=True)
class Record:
    result: DrawResult
    targets: tuple[Target, ...]
    inspectors: tuple[Inspector, ...]
    rules: Rules


def _compact(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _target_line(target: Target) -> str:
    weight = float(target.weight)
    if target.region.isdigit() and isfinite(weight):
        # The common line written directly: a city's pool is 200,000 of them.
        return f'{{"id":{target.id},"region":"{target.region}","weight":{weight!r}}}'
    return _compact({"id": target.id, "region": target.region, "weight": weight})


def _lines(items) -> str:
    return "[\n" + ",\n".join(items) + "\n]" if items else "[]"


def dumps(
    result: DrawResult, targets: list[Target], inspectors: list[Inspector], rules: Rules
) -> str:
    """The record as JSON text, one pool member or assignment per line (a record of a
    city's pool stays readable with a text editor and diffable line by line)."""
    members = {
        "format": _compact(FORMAT),
        "seed": _compact(result.seed),
        "engine": _compact(result.engine),
        "targets": _lines([_target_line(t) for t in sorted(targets, key=lambda t: t.id)]),
        "inspectors": _lines(
            [
                _compact({"id": i.id, "home_regions": sorted(i.home_regions)})
                for i in sorted(inspectors, key=lambda i: i.id)
            ]
        ),
        "rules": _compact(rules.describe()),
        "fingerprints": _compact(
            {
                "targets": result.target_fingerprint,
                "inspectors": result.inspector_fingerprint,
                "rules": result.rules_fingerprint,
            }
        ),
        "assignments": _lines(
            [
                _compact({"target": a.target, "inspectors": list(a.inspectors)})
                for a in result.assignments
            ]
        ),
    }
    return "{\n" + ",\n".join(f'"{key}": {value}' for key, value in members.items()) + "\n}\n"


def _field(mapping: dict, name: str, kind, where: str):
    if not isinstance(mapping, dict) or name not in mapping:
        raise RecordError(f"{where}缺少“{name}”")
    value = mapping[name]
    boolean_for_number = isinstance(value, bool) and kind is not bool
    if boolean_for_number or not isinstance(value, kind):
        raise RecordError(f"{where}的“{name}”格式不对：{value!r}")
    return value


def _pairs(rules: dict, name: str) -> frozenset[tuple[int, int]]:
    pairs = _field(rules, name, list, "抽取规则")
    result = set()
    for pair in pairs:
        if not (
            isinstance(pair, list)
            and len(pair) == 2
            and all(isinstance(x, int) and not isinstance(x, bool) for x in pair)
        ):
            raise RecordError(f"抽取规则的“{name}”应为 [执法人员编号, 检查对象编号] 对：{pair!r}")
        result.add((pair[0], pair[1]))
    return frozenset(result)


def loads(text: str) -> Record:
    """The record in ``text``; ``RecordError`` naming the first thing wrong with it."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RecordError(f"不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise RecordError(f"不是抽取记录（“format”应为 {FORMAT}）")
    targets = []
    for n, item in enumerate(_field(document, "targets", list, "记录"), start=1):
        where = f"第 {n} 个检查对象"
        weight = _field(item, "weight", (int, float), where)
        region = _field(item, "region", str, where)
        targets.append(Target(_field(item, "id", int, where), region, float(weight)))
    inspectors = []
    for n, item in enumerate(_field(document, "inspectors", list, "记录"), start=1):
        where = f"第 {n} 名执法人员"
        homes = _field(item, "home_regions", list, where)
        if not all(isinstance(code, str) for code in homes):
            raise RecordError(f"{where}的“home_regions”应为区划代码列表")
        inspectors.append(Inspector(_field(item, "id", int, where), tuple(homes)))
    rules_data = _field(document, "rules", dict, "记录")
    rules = Rules(
        count=_field(rules_data, "count", int, "抽取规则"),
        per_target=_field(rules_data, "per_target", int, "抽取规则"),
        weighted=_field(rules_data, "weighted", bool, "抽取规则"),
        conflicts=_pairs(rules_data, "conflicts"),
        last_time=_pairs(rules_data, "last_time"),
    )
    fingerprints = _field(document, "fingerprints", dict, "记录")
    assignments = []
    for n, item in enumerate(_field(document, "assignments", list, "记录"), start=1):
        where = f"第 {n} 条抽取结果"
        chosen = _field(item, "inspectors", list, where)
        if not all(isinstance(x, int) and not isinstance(x, bool) for x in chosen):
            raise RecordError(f"{where}的“inspectors”应为执法人员编号列表")
        assignments.append(Assignment(_field(item, "target", int, where), tuple(chosen)))
    result = DrawResult(
        seed=_field(document, "seed", str, "记录"),
        engine=_field(document, "engine", str, "记录"),
        target_fingerprint=_field(fingerprints, "targets", str, "指纹"),
        inspector_fingerprint=_field(fingerprints, "inspectors", str, "指纹"),
        rules_fingerprint=_field(fingerprints, "rules", str, "指纹"),
        assignments=tuple(assignments),
    )
    return Record(result, tuple(targets), tuple(inspectors), rules)


def check(record: Record) -> list[str]:
    """What is wrong with ``record``: an empty list when re-running it from its own pools
    and rules gives exactly its fingerprints and result."""
    return verify(record.result, record.targets, record.inspectors, record.rules)
