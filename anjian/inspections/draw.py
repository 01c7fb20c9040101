"""The double-random draw (双随机一公开): targets from the target pool, at least two
inspectors per target from the inspector pool, conflicts avoided — reproducible by anyone.

A pure engine: no database, no clock. Given the two pools, the rules and a seed it returns
the same result on any machine and any Python version, so a published draw can be checked
by re-running it (``verify``). That is why it does not use ``random.sample``/``shuffle``
(their algorithms may change between Python versions): every random number is a SHA-256
of the seed and what it decides, read as a fraction in (0, 1).

- **Targets**: each eligible target gets the key ``u(seed, "target", id)``; unweighted, the
  ``count`` smallest keys are drawn; weighted by risk, the Efraimidis–Spirakis key
  ``u ** (1 / weight)`` and the largest are drawn (a target of weight 2 is about twice as
  likely to be drawn as one of weight 1). Ties fall to the smaller id.
- **Inspectors**: rounds of the whole inspector pool, each round in its own random order
  (inspector ``i`` in round ``r`` sorts by the SHA-256 of (seed, "round", r, i)), queued one
  after the other. Each drawn target, in the order drawn, takes the first ``per_target``
  inspectors in the queue without a conflict with it; the ones it had to skip keep their
  place for the next target. So everyone is sent about as often as everyone else (loads
  differ by at most one round), the pairs change from round to round, and the draw costs a
  pass over the queue per target. A conflict is declared (回避: kin, former employer …),
  the same inspector at the same target last time (``last_time``: 确保每次双随机人员不同),
  or the inspector lives or worked in the target's street (``home_regions``, by
  region-code prefix, up or down).
- **Fingerprints**: SHA-256 of each pool as canonical text, one line per member sorted by
  id with every field that matters to the draw (targets ``id<TAB>region<TAB>weight``,
  inspectors ``id<TAB>home codes joined by ","``), and of the rules as canonical JSON: any
  change in a pool changes its fingerprint, so a record states exactly what it drew from.
"""

import hashlib
import heapq
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from math import log
from operator import attrgetter

MIN_INSPECTORS = 2  # 双随机: at least two law-enforcement officers per inspection
ENGINE = "anjian-draw-1"  # named in every record; a new algorithm gets a new name


class DrawError(ValueError):
    """The draw cannot be made as asked; the message says why, in words for the official.
    ``field``: the rule it is about (``count`` or ``per_target``); ``target``: the id of the
    target short of inspectors, when that is the reason (a caller may name it)."""

    def __init__(self, message: str, *, field: str = "count", target: int | None = None):
        super().__init__(message)
        self.field = field
        self.target = target


@dataclass(frozen=True)
class Target:
    id: int
    region: str = ""  # the target's street (or grid) code
    weight: float = 1.0  # risk weight (weighted draws only): > 0


@dataclass(frozen=True)
class Inspector:
    id: int
    home_regions: tuple[str, ...] = ()  # codes of where the inspector lives or worked


@dataclass(frozen=True)
class Rules:
    count: int  # how many targets to draw
    per_target: int = MIN_INSPECTORS
    weighted: bool = False
    conflicts: frozenset[tuple[int, int]] = frozenset()  # declared (inspector, target) pairs
    last_time: frozenset[tuple[int, int]] = frozenset()  # (inspector, target) of the last visit

    def describe(self) -> dict:
        return {
            "count": self.count,
            "per_target": self.per_target,
            "weighted": self.weighted,
            "conflicts": sorted(map(list, self.conflicts)),
            "last_time": sorted(map(list, self.last_time)),
        }


@dataclass(frozen=True)
class Assignment:
    target: int
    inspectors: tuple[int, ...]


@dataclass(frozen=True)
class DrawResult:
    seed: str
    engine: str
    target_fingerprint: str
    inspector_fingerprint: str
    rules_fingerprint: str
    assignments: tuple[Assignment, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict:
        return asdict(self)


def _lines_fingerprint(lines: Iterable[str]) -> str:
    return hashlib.sha256("".join(lines).encode()).hexdigest()


def target_fingerprint(targets: Sequence[Target], *, ordered: bool = False) -> str:
    """``ordered``: ``targets`` are sorted by id already."""
    ordered = targets if ordered else sorted(targets, key=attrgetter("id"))
    return _lines_fingerprint(f"{t.id}\t{t.region}\t{float(t.weight)!r}\n" for t in ordered)


def inspector_fingerprint(inspectors: Sequence[Inspector]) -> str:
    ordered = sorted(inspectors, key=lambda i: i.id)
    return _lines_fingerprint(f"{i.id}\t{','.join(sorted(i.home_regions))}\n" for i in ordered)


def rules_fingerprint(rules: Rules) -> str:
    text = json.dumps(rules.describe(), separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _check(targets: Sequence[Target], inspectors: Sequence[Inspector], rules: Rules) -> None:
    if rules.count < 1:
        raise DrawError("抽取数量至少为 1")
    if rules.per_target < MIN_INSPECTORS:
        raise DrawError(f"每个检查对象至少须抽取 {MIN_INSPECTORS} 名执法人员", field="per_target")
    if len({t.id for t in targets}) != len(targets):
        raise DrawError("检查对象名录库中有重复的对象")
    if len({i.id for i in inspectors}) != len(inspectors):
        raise DrawError("执法检查人员名录库中有重复的人员")
    if rules.count > len(targets):
        raise DrawError(f"抽取数量（{rules.count}）超过检查对象名录库中的对象数（{len(targets)}）")
    if len(inspectors) < rules.per_target:
        raise DrawError(
            f"执法检查人员名录库只有 {len(inspectors)} 人，"
            f"少于每个对象须派的 {rules.per_target} 人",
            field="per_target",
        )
    if rules.weighted and any(not t.weight > 0 for t in targets):
        raise DrawError("按风险加权抽取时，每个对象的权重须大于 0")


def _target_fractions(seed: str, targets: Sequence[Target]) -> list[float]:
    """``u(seed, "target", id)`` for each target: the first 8 bytes of the SHA-256 of
    ``"<seed>|target|<id>"`` as a fraction in (0, 1)."""
    sha, prefix, scale = hashlib.sha256, f"{seed}|target|", 2**64 + 2
    return [
        (int.from_bytes(sha(f"{prefix}{t.id}".encode()).digest()[:8], "big") + 1) / scale
        for t in targets
    ]


def _draw_targets(seed: str, ordered: Sequence[Target], rules: Rules) -> list[Target]:
    """``ordered`` sorted by id (a tie, practically impossible, falls to the smaller id)."""
    fractions = _target_fractions(seed, ordered)
    if rules.weighted:
        # Efraimidis–Spirakis: the largest u ** (1 / w), compared as log(u) / w.
        keys = [log(u) / t.weight for u, t in zip(fractions, ordered, strict=True)]
        picked = heapq.nlargest(rules.count, range(len(keys)), key=keys.__getitem__)
    else:
        picked = heapq.nsmallest(rules.count, range(len(fractions)), key=fractions.__getitem__)
    return [ordered[n] for n in picked]


class _HomeIndex:
    """Which inspectors live or worked in a region: a home code that is the target's region,
    above it (its district) or below it (a grid of its street)."""

    def __init__(self, inspectors: Sequence[Inspector]):
        self.at: dict[str, set[int]] = {}
        self.under: dict[str, set[int]] = {}
        for inspector in inspectors:
            for code in inspector.home_regions:
                if not code:
                    continue
                self.at.setdefault(code, set()).add(inspector.id)
                for length in range(1, len(code) + 1):
                    self.under.setdefault(code[:length], set()).add(inspector.id)

    def of(self, region: str) -> set[int]:
        if not region:
            return set()
        found = set(self.under.get(region, ()))
        for length in range(1, len(region)):
            found |= self.at.get(region[:length], set())
        return found


def _round(seed: str, number: int, ids: list[int]) -> list[int]:
    """The inspector pool in round ``number``'s random order."""
    return sorted(
        ids,
        key=lambda i: (hashlib.sha256(f"{seed}|round|{number}|{i}".encode()).digest(), i),
    )


def draw(
    seed: str, targets: Sequence[Target], inspectors: Sequence[Inspector], rules: Rules
) -> DrawResult:
    """Draw ``rules.count`` targets and ``rules.per_target`` inspectors for each; raises
    ``DrawError`` when the pools cannot satisfy the rules (naming the target short of
    inspectors)."""
    seed = str(seed)
    if not seed:
        raise DrawError("缺少随机种子")
    _check(targets, inspectors, rules)
    ordered = sorted(targets, key=attrgetter("id"))
    barred: dict[int, set[int]] = {}
    for inspector_id, target_id in rules.conflicts | rules.last_time:
        barred.setdefault(target_id, set()).add(inspector_id)
    homes = _HomeIndex(inspectors)
    ids = sorted(i.id for i in inspectors)
    queue: list[int] = []
    rounds = 0
    assignments = []
    for target in _draw_targets(seed, ordered, rules):
        excluded = barred.get(target.id, set()) | homes.of(target.region)
        available = len(ids) - len(excluded.intersection(ids))
        if available < rules.per_target:
            raise DrawError(
                f"检查对象 {target.id} 回避后可派的执法人员只有 {available} 人，"
                f"少于须派的 {rules.per_target} 人",
                target=target.id,
            )
        chosen: list[int] = []
        position = 0
        while len(chosen) < rules.per_target:
            if position == len(queue):
                queue.extend(_round(seed, rounds, ids))
                rounds += 1
            inspector = queue[position]
            if inspector in excluded or inspector in chosen:
                position += 1
            else:
                chosen.append(queue.pop(position))
        assignments.append(Assignment(target.id, tuple(sorted(chosen))))
    return DrawResult(
        seed=seed,
        engine=ENGINE,
        target_fingerprint=target_fingerprint(ordered, ordered=True),
        inspector_fingerprint=inspector_fingerprint(inspectors),
        rules_fingerprint=rules_fingerprint(rules),
        assignments=tuple(assignments),
    )


def verify(
    recorded: DrawResult, targets: Sequence[Target], inspectors: Sequence[Inspector], rules: Rules
) -> list[str]:
    """What differs between a recorded draw and a re-run of it from the given pools and rules
    (an empty list: the record is what these inputs give)."""
    problems = []
    if recorded.engine != ENGINE:
        problems.append(f"记录的抽取算法为 {recorded.engine}，本平台为 {ENGINE}")
        return problems
    if recorded.target_fingerprint != target_fingerprint(targets):
        problems.append("检查对象名录库与抽取时不同（指纹不符）")
    if recorded.inspector_fingerprint != inspector_fingerprint(inspectors):
        problems.append("执法检查人员名录库与抽取时不同（指纹不符）")
    if recorded.rules_fingerprint != rules_fingerprint(rules):
        problems.append("抽取规则与抽取时不同（指纹不符）")
    if problems:
        return problems
    again = draw(recorded.seed, targets, inspectors, rules)
    if again.assignments != recorded.assignments:
        problems.append("按记录的种子重新抽取，结果与记录不一致")
    return problems
