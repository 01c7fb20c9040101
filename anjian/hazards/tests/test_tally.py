"""The clearing tally is exact: after any mix of writes it equals what ``tally.rebuild()``
computes from the ledger; rebuild (and ``anjian hazard_tally``) repairs a damaged tally.

Each write's own counters: ``test_tally_writes``; the open-deadline summaries:
``test_tally_open_deadlines``; the district roll-up: ``test_tally_rollups``."""

import random
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from anjian.hazards import services, tally
from anjian.hazards.choices import DEADLINE_STATES, OPEN_STATES, Grade, Source, State
from anjian.hazards.lifecycle import HAZARD
from anjian.hazards.models import COUNTERS, Hazard, HazardTally
from anjian.hazards.tests.factories import hazard_in, photo, report
from anjian.hazards.tests.support import major_clause, rectifier_of, run, tally_rows
from anjian.hazards.tests.tally_support import open_rows
from testsupport import world

IN_SCOPE = sorted(world.VISIBLE["district_official"])
TITLES = [
    ("配电箱门未关闭", "二号车间配电箱门敞开，内部线路裸露", "二号车间东侧"),
    ("消防通道堵塞", "一号仓库消防通道堆放纸箱", "一号仓库北门"),
    ("气瓶未固定", "乙炔气瓶直立存放未设防倒链", "焊接作业区"),
    ("安全出口指示灯损坏", "三楼安全出口指示灯不亮", "办公楼三楼"),
    ("作业人员未佩戴安全帽", "脚手架上两名工人未戴安全帽", "三号楼脚手架"),
]


# How often the driver picks each step (forward steps most, so hazards reach 销号).
WEIGHTS = {"void": 1, "overdue": 1, "extend": 1, "pick_clause": 1}


@pytest.fixture(autouse=True)
def media(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# --- a random-ish ledger -----------------------------------------------------------------------


def random_ledger(rng: random.Random, operations: int) -> Counter:
    """Drive ``operations`` reports and transitions through the services; returns what ran."""
    official = world.actor("district_official")
    enterprises = [world.enterprise(name) for name in IN_SCOPE]
    clause = major_clause()
    now = timezone.now()
    done: Counter = Counter()
    ids: list[int] = []
    for _ in range(operations):
        open_ids = list(
            Hazard.objects.filter(pk__in=ids, state__in=OPEN_STATES).values_list("pk", flat=True)
        )
        if not open_ids or rng.random() < 0.25:
            title, description, location = rng.choice(TITLES)
            source = rng.choice(Source.values)
            needs_photo = source in (Source.INSPECTION, Source.PATROL)
            hazard = report(
                by=official,
                enterprise=rng.choice(enterprises),
                source=source,
                title=title,
                description=description,
                location=location,
                found_at=now - timedelta(days=rng.randint(0, 80), hours=rng.randint(0, 20)),
                clauses=[clause.pk] if rng.random() < 0.15 else [],
                photos=[photo()] if needs_photo or rng.random() < 0.5 else [],
            )
            ids.append(hazard.pk)
            done["report"] += 1
            continue
        hazard = Hazard.objects.get(pk=rng.choice(sorted(open_ids)))
        options = [t.name for t in HAZARD.allowed_from(hazard.state)]
        if hazard.grade == Grade.MAJOR and "close_on_spot" in options:
            options.remove("close_on_spot")
        if hazard.state in DEADLINE_STATES:
            options += ["extend", "overdue"]
        if hazard.state == State.REPORTED and hazard.grade != Grade.MAJOR:
            options.append("pick_clause")
        choice = rng.choices(options, weights=[WEIGHTS.get(o, 3) for o in options])[0]
        if choice == "extend":
            if hazard.extensions.filter(state="pending").exists():
                continue
            extension = services.extension_request(
                by=rectifier_of(hazard.enterprise),  # the rectifying side asks
                hazard_id=hazard.pk,
                requested_deadline=max(hazard.deadline, timezone.localdate())
                + timedelta(days=rng.randint(1, 30)),
                reason="材料未到",
            )
            services.extension_decide(
                by=world.actor("admin"),  # the supervising side decides
                extension_id=extension.pk,
                approve=rng.random() < 0.7,
                reason="同意" if rng.random() < 0.5 else "不同意",
            )
        elif choice == "overdue":
            # Time passes: the deadline now lies behind us (a late close follows). Moving
            # the deadline stands in for moving the clock, so the summaries move with it.
            share = tally.contribution(hazard)
            hazard.deadline = timezone.localdate() - timedelta(days=rng.randint(1, 5))
            Hazard.objects.filter(pk=hazard.pk).update(deadline=hazard.deadline)
            tally.apply(share, tally.contribution(hazard))
        elif choice == "pick_clause":
            services.hazard_update_details(
                by=official,
                hazard_id=hazard.pk,
                expected_version=hazard.version,
                data={},
                clauses=[clause.pk],
            )
        elif choice == "register":
            has_clause = hazard.clauses.exists()
            grade = Grade.MAJOR if has_clause or rng.random() < 0.2 else Grade.GENERAL
            run("register", by=official, hazard=hazard, grade=grade)
        elif choice == "close_on_spot":
            run(choice, by=official, hazard=hazard, before_photos=[photo("整改前.jpg")])
        else:
            run(choice, by=official, hazard=hazard, expected_version=hazard.version)
        done[choice] += 1
    return done


@pytest.mark.parametrize("seed", [7, 2026, 31337])
def test_after_a_random_mix_of_writes_the_tally_equals_its_rebuild_and_the_ledger(seed):
    done = random_ledger(random.Random(seed), operations=90)
    assert {"report", "register", "accept", "reject", "void", "close_on_spot", "extend"} <= set(
        done
    )
    kept = tally_rows()

    # The rows kept by the services equal the rows recomputed from the ledger …
    rows = tally.rebuild()
    assert tally_rows() == kept
    assert rows == len(kept) == HazardTally.objects.count()

    # … and their sums equal the ledger's own aggregates.
    ledger = Hazard.objects.aggregate(**tally.aggregates())
    summed = Counter()
    for counters in kept.values():
        summed.update(counters)
    assert {c: ledger[c] or 0 for c in COUNTERS} == {c: summed[c] for c in COUNTERS}
    assert summed["found"] + summed["voided"] == Hazard.objects.count()


@pytest.mark.parametrize("seed", [11, 4242])
def test_after_a_random_mix_of_writes_the_open_deadline_summaries_equal_the_ledger(seed):
    random_ledger(random.Random(seed), operations=90)
    kept = open_rows()
    assert sum(kept.values()) == Hazard.objects.filter(state__in=DEADLINE_STATES).count()
    assert tally.differences() == []

    tally.rebuild()
    assert open_rows() == kept


def test_rebuild_repairs_a_damaged_tally():
    hazard_in(State.CLOSED)
    hazard_in(State.VOID)
    kept = tally_rows()
    HazardTally.objects.update(found=999, closed=-3)

    tally.rebuild()

    assert tally_rows() == kept


def test_rebuild_of_an_empty_ledger_leaves_no_rows():
    assert tally.rebuild() == 0
    assert not HazardTally.objects.exists()


def test_the_tally_command_finds_damage_and_rebuild_repairs_it(district_official):
    from django.core.management import CommandError, call_command

    from anjian.hazards.models import HazardOpenTally

    hazard_in(State.RECTIFYING)
    hazard_in(State.CLOSED)
    call_command("hazard_tally", "check")
    HazardOpenTally.objects.update(open=7)
    HazardTally.objects.update(closed=-1)

    assert len(tally.differences()) >= 2
    with pytest.raises(CommandError, match="不一致"):
        call_command("hazard_tally", "check")

    call_command("hazard_tally", "rebuild")
    call_command("hazard_tally", "check")


# --- the building blocks ---------------------------------------------------------------------


def test_a_void_hazard_contributes_only_to_voided():
    hazard = hazard_in(State.VOID, grade=Grade.MAJOR)

    assert tally.contribution(hazard).counters == Counter(voided=1)


def test_applying_and_taking_back_a_contribution_leaves_zero():
    hazard = hazard_in(State.CLOSED, grade=Grade.MAJOR)
    share = tally.contribution(hazard)
    before = tally_rows()

    tally.apply(None, share)
    tally.apply(share, None)

    assert tally_rows() == before


def test_moving_a_contribution_between_keys_moves_the_counts():
    hazard = hazard_in(State.REGISTERED)
    share = tally.contribution(hazard)
    elsewhere = tally.Contribution(
        (share.key[0], share.key[1], (share.key[2] - timedelta(days=1)).replace(day=1)),
        share.counters,
    )

    tally.apply(share, elsewhere)

    rows = tally_rows()
    assert all(n == 0 for n in rows[share.key].values())
    assert rows[elsewhere.key]["found"] == rows[elsewhere.key]["registered"] == 1
