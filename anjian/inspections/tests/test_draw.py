"""The double-random draw engine (issue 12 item 5): reproducible, fingerprinted, conflicts
always avoided, at least two inspectors, and clear refusals."""

import random
from collections import Counter
from dataclasses import replace

import pytest

from anjian.inspections.draw import (
    ENGINE,
    DrawError,
    Inspector,
    Rules,
    Target,
    draw,
    inspector_fingerprint,
    target_fingerprint,
    verify,
)

STREETS = [f"310110{n:03d}" for n in range(1, 13)]


def pools(targets: int = 200, inspectors: int = 20, seed: int = 1):
    rng = random.Random(seed)
    target_pool = [
        Target(id=n, region=rng.choice(STREETS), weight=rng.choice([1.0, 1.0, 2.0, 4.0]))
        for n in range(1, targets + 1)
    ]
    inspector_pool = [
        Inspector(id=1000 + n, home_regions=(rng.choice(STREETS),) if rng.random() < 0.5 else ())
        for n in range(inspectors)
    ]
    return target_pool, inspector_pool


def test_the_same_inputs_give_the_same_draw():
    targets, inspectors = pools()
    rules = Rules(count=30)
    first = draw("2026-公开-001", targets, inspectors, rules)
    again = draw("2026-公开-001", list(reversed(targets)), list(reversed(inspectors)), rules)
    assert first == again
    assert len(first.assignments) == 30
    assert verify(first, targets, inspectors, rules) == []


def test_the_result_is_pinned_so_a_new_python_or_platform_cannot_change_it():
    # Hash-based, no random.sample: a published draw re-runs the same everywhere. If this
    # fails the algorithm changed: give it a new ENGINE name instead of changing old draws.
    targets = [Target(id=n, region="310110016") for n in range(1, 11)]
    inspectors = [Inspector(id=n) for n in range(101, 106)]
    result = draw("seed-1", targets, inspectors, Rules(count=3))
    assert ENGINE == "anjian-draw-1"
    assert [(a.target, a.inspectors) for a in result.assignments] == PINNED


PINNED = [(2, (103, 105)), (6, (101, 102)), (7, (104, 105))]


def test_another_seed_gives_another_draw():
    targets, inspectors = pools()
    rules = Rules(count=30)
    assert (
        draw("a", targets, inspectors, rules).assignments
        != draw("b", targets, inspectors, rules).assignments
    )


def test_any_change_in_a_pool_changes_its_fingerprint_and_verification_says_so():
    targets, inspectors = pools()
    rules = Rules(count=10)
    recorded = draw("s", targets, inspectors, rules)
    changed_target = [replace(targets[0], region="310110099"), *targets[1:]]
    dropped_inspector = inspectors[1:]
    assert target_fingerprint(changed_target) != target_fingerprint(targets)
    assert target_fingerprint(targets[1:]) != target_fingerprint(targets)
    assert inspector_fingerprint(dropped_inspector) != inspector_fingerprint(inspectors)
    assert verify(recorded, changed_target, inspectors, rules) == [
        "检查对象名录库与抽取时不同（指纹不符）"
    ]
    assert verify(recorded, targets, dropped_inspector, rules) == [
        "执法检查人员名录库与抽取时不同（指纹不符）"
    ]
    assert verify(recorded, targets, inspectors, replace(rules, count=11)) == [
        "抽取规则与抽取时不同（指纹不符）"
    ]


def test_an_edited_record_is_detected():
    targets, inspectors = pools()
    rules = Rules(count=5)
    recorded = draw("s", targets, inspectors, rules)
    first, *rest = recorded.assignments
    forged = replace(recorded, assignments=(replace(first, inspectors=(1000, 1001)), *rest))
    assert verify(forged, targets, inspectors, rules) == ["按记录的种子重新抽取，结果与记录不一致"]


def test_a_thousand_random_draws_always_avoid_conflicts_and_send_two_or_more():
    rng = random.Random(2026)
    for round_ in range(1000):
        targets, inspectors = pools(
            targets=rng.randrange(5, 60), inspectors=rng.randrange(6, 15), seed=round_
        )
        conflicts = frozenset(
            (rng.choice(inspectors).id, rng.choice(targets).id) for _ in range(rng.randrange(10))
        )
        last_time = frozenset(
            (rng.choice(inspectors).id, rng.choice(targets).id) for _ in range(rng.randrange(10))
        )
        rules = Rules(
            count=rng.randrange(1, len(targets) + 1),
            per_target=rng.choice([2, 2, 3]),
            weighted=rng.random() < 0.5,
            conflicts=conflicts,
            last_time=last_time,
        )
        try:
            result = draw(f"round-{round_}", targets, inspectors, rules)
        except DrawError as refused:
            assert "回避后可派的执法人员只有" in str(refused)
            continue
        homes = {i.id: i.home_regions for i in inspectors}
        regions = {t.id: t.region for t in targets}
        assert len(result.assignments) == rules.count
        assert len({a.target for a in result.assignments}) == rules.count
        for assignment in result.assignments:
            assert len(set(assignment.inspectors)) == rules.per_target >= 2
            for inspector in assignment.inspectors:
                pair = (inspector, assignment.target)
                assert pair not in conflicts and pair not in last_time
                assert regions[assignment.target] not in homes[inspector]


def test_the_load_is_spread_over_the_inspectors():
    targets = [Target(id=n, region="310110016") for n in range(1, 101)]
    inspectors = [Inspector(id=n) for n in range(1, 21)]
    result = draw("s", targets, inspectors, Rules(count=100))
    load = Counter(i for a in result.assignments for i in a.inspectors)
    assert set(load.values()) == {10}  # 200 places over 20 inspectors


def test_a_weighted_draw_favours_the_riskier_targets():
    targets = [Target(id=n, weight=4.0 if n <= 100 else 1.0) for n in range(1, 1001)]
    inspectors = [Inspector(id=n) for n in range(1, 5)]
    drawn = Counter(
        a.target <= 100
        for seed in range(40)
        for a in draw(str(seed), targets, inspectors, Rules(count=50, weighted=True)).assignments
    )
    # Unweighted, a tenth of the draw would be high-risk; with weight 4, about 30 %.
    assert 0.22 < drawn[True] / (drawn[True] + drawn[False]) < 0.40


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        (Rules(count=51), "抽取数量（51）超过检查对象名录库中的对象数（50）"),
        (Rules(count=0), "抽取数量至少为 1"),
        (Rules(count=5, per_target=1), "每个检查对象至少须抽取 2 名执法人员"),
    ],
)
def test_impossible_draws_are_refused_in_words(rules, message):
    targets, inspectors = pools(targets=50)
    with pytest.raises(DrawError, match=message.replace("（", ".").replace("）", ".")):
        draw("s", targets, inspectors, rules)


def test_a_target_everyone_must_step_aside_from_is_named():
    targets = [Target(id=7, region="310110016")]
    inspectors = [Inspector(id=1), Inspector(id=2, home_regions=("310110016",)), Inspector(id=3)]
    rules = Rules(count=1, conflicts=frozenset({(1, 7)}))
    with pytest.raises(DrawError, match="检查对象 7 回避后可派的执法人员只有 1 人"):
        draw("s", targets, inspectors, rules)
