"""The clearing tally is exact: after any mix of writes it equals what ``tally.rebuild()``
computes from the ledger, and each write moves exactly the counters it should."""

import random
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from anjian.enterprises.services import enterprise_update
from anjian.hazards import services, tally
from anjian.hazards.choices import DEADLINE_STATES, OPEN_STATES, Grade, Source, State
from anjian.hazards.lifecycle import HAZARD
from anjian.hazards.models import COUNTERS, Hazard, HazardTally
from anjian.hazards.tests.factories import hazard_in, photo, report
from anjian.hazards.tests.support import major_clause, rectifier_of, run, tally_rows
from anjian.regions.models import Region
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


def key_of(hazard) -> tuple:
    return (hazard.scope_region_code, hazard.industry_id, hazard.found_month)


def delta(before: dict, after: dict) -> dict:
    """Per key, the counters that changed and by how much."""
    changes = {}
    for key in before.keys() | after.keys():
        old, new = before.get(key, {}), after.get(key, {})
        moved = {c: new.get(c, 0) - old.get(c, 0) for c in COUNTERS}
        moved = {c: n for c, n in moved.items() if n}
        if moved:
            changes[key] = moved
    return changes


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


# --- each write moves only its counters ----------------------------------------------------------


def _found(days: int = 2):
    return timezone.now() - timedelta(days=days)


def test_a_report_counts_as_found_by_its_source():
    before = tally_rows()

    hazard = report(source=Source.TIPOFF, photos=[])

    assert delta(before, tally_rows()) == {key_of(hazard): {"found": 1, "found_tipoff": 1}}


def test_a_report_matching_a_major_clause_counts_as_major():
    before = tally_rows()

    hazard = report(clauses=[major_clause().pk])

    assert delta(before, tally_rows()) == {
        key_of(hazard): {"found": 1, "found_self_check": 1, "major": 1}
    }


@pytest.mark.parametrize(
    ("grade", "expected"),
    [(Grade.GENERAL, {"registered": 1}), (Grade.MAJOR, {"registered": 1, "major": 1})],
)
def test_registering_counts_as_registered(grade, expected, district_official):
    hazard = hazard_in(State.REPORTED)
    before = tally_rows()

    run("register", by=district_official, hazard=hazard, grade=grade)

    assert delta(before, tally_rows()) == {key_of(hazard): expected}


@pytest.mark.parametrize(
    ("state", "name"),
    [
        (State.REGISTERED, "start"),
        (State.RECTIFYING, "submit"),
        (State.AWAITING_ACCEPTANCE, "reject"),
    ],
)
def test_steps_between_register_and_close_move_no_counter(state, name, district_official):
    hazard = hazard_in(state, grade=Grade.MAJOR)
    before = tally_rows()

    run(name, by=district_official, hazard=hazard)

    assert delta(before, tally_rows()) == {}


@pytest.mark.parametrize(
    ("grade", "source", "extra"),
    [
        (Grade.GENERAL, Source.SELF_CHECK, {}),
        (Grade.GENERAL, Source.INSPECTION, {}),
        (Grade.MAJOR, Source.PATROL, {"major_closed": 1}),
        (Grade.MAJOR, Source.ALARM, {"major_closed": 1}),
    ],
)
def test_accepting_counts_as_closed_by_source_on_time_and_major(
    grade, source, extra, district_official
):
    hazard = hazard_in(State.AWAITING_ACCEPTANCE, grade=grade, source=source, found_at=_found(2))
    before = tally_rows()

    run("accept", by=district_official, hazard=hazard)

    expected = {"closed": 1, f"closed_{source}": 1, "closed_on_time": 1, "close_days": 2}
    assert delta(before, tally_rows()) == {key_of(hazard): expected | extra}


def test_a_late_acceptance_is_closed_but_not_on_time(district_official):
    hazard = hazard_in(State.AWAITING_ACCEPTANCE, found_at=_found(9))
    Hazard.objects.filter(pk=hazard.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    before = tally_rows()

    run("accept", by=district_official, hazard=hazard)

    assert delta(before, tally_rows()) == {
        key_of(hazard): {"closed": 1, "closed_self_check": 1, "close_days": 9}
    }


def test_closing_on_the_spot_counts_as_registered_closed_and_on_the_spot(district_official):
    hazard = hazard_in(State.REPORTED, source=Source.PATROL, found_at=_found(2))
    before = tally_rows()

    run("close_on_spot", by=district_official, hazard=hazard)

    assert delta(before, tally_rows()) == {
        key_of(hazard): {
            "registered": 1,
            "closed": 1,
            "closed_patrol": 1,
            "closed_on_time": 1,
            "close_days": 2,
            "on_spot": 1,
        }
    }


@pytest.mark.parametrize(
    ("state", "grade", "expected"),
    [
        (State.REPORTED, Grade.GENERAL, {"found": -1, "found_self_check": -1, "voided": 1}),
        (
            State.REGISTERED,
            Grade.GENERAL,
            {"found": -1, "found_self_check": -1, "registered": -1, "voided": 1},
        ),
        (
            State.AWAITING_ACCEPTANCE,
            Grade.MAJOR,
            {"found": -1, "found_self_check": -1, "registered": -1, "major": -1, "voided": 1},
        ),
    ],
)
def test_voiding_takes_the_hazard_out_of_the_found_figures(
    state, grade, expected, district_official
):
    hazard = hazard_in(state, grade=grade)
    before = tally_rows()

    run("void", by=district_official, hazard=hazard)

    assert delta(before, tally_rows()) == {key_of(hazard): expected}


def test_adding_a_major_clause_while_reported_counts_as_major(district_official):
    hazard = hazard_in(State.REPORTED)
    before = tally_rows()

    services.hazard_update_details(
        by=district_official,
        hazard_id=hazard.pk,
        expected_version=hazard.version,
        data={"title": "配电箱门未上锁"},
        clauses=[major_clause().pk],
    )

    assert delta(before, tally_rows()) == {key_of(hazard): {"major": 1}}


def test_an_approved_extension_moves_no_counter(district_official):
    hazard = hazard_in(State.RECTIFYING)
    before = tally_rows()
    extension = services.extension_request(
        by=world.actor("enterprise_manager"),
        hazard_id=hazard.pk,
        requested_deadline=hazard.deadline + timedelta(days=5),
        reason="等待备件",
    )

    services.extension_decide(by=world.actor("admin"), extension_id=extension.pk, approve=True)

    assert delta(before, tally_rows()) == {}


def test_a_hazard_counts_in_the_month_it_was_found(district_official):
    old = hazard_in(State.REPORTED, found_at=_found(70))
    new = hazard_in(State.REPORTED, found_at=_found(0))

    rows = tally_rows()

    assert key_of(old) != key_of(new)
    assert rows[key_of(old)]["found"] == 1
    assert rows[key_of(new)]["found"] == 1


def test_hazards_of_different_enterprises_count_under_their_own_region_and_industry():
    chemical = report()
    site = report(enterprise=world.enterprise("yinhang_site"))

    rows = tally_rows()

    assert key_of(chemical) != key_of(site)
    assert rows[key_of(chemical)]["found"] == rows[key_of(site)]["found"] == 1


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


def test_hazards_follow_an_enterprise_that_moves_and_the_figures_with_them(district_official):
    from anjian.hazards import selectors

    site = world.enterprise("yinhang_site")
    for state in (State.REPORTED, State.RECTIFYING, State.CLOSED, State.VOID):
        hazard_in(state, enterprise=site)
    hazard_in(State.REGISTERED, grade=Grade.MAJOR, enterprise=site)
    street = world.actor("street_officer")  # 殷行街道
    found_before = selectors.clearing_figures(street).found
    in_60_days = timezone.localdate() + timedelta(days=60)
    overdue_before = selectors.ClearingReport(street, today=in_60_days).figures().overdue
    assert overdue_before >= 2

    enterprise_update(
        by=district_official,
        enterprise_id=site.pk,
        data={"street": Region.objects.get(code=world.PINGLIANG)},
        expected_version=site.version,
    )

    moved = Hazard.objects.filter(enterprise=site)
    assert set(moved.values_list("scope_region_code", flat=True)) == {
        world.enterprise("yinhang_site").scope_region_code
    }
    assert not Hazard.objects.for_user(street).filter(enterprise=site).exists()
    assert selectors.clearing_figures(street).found == found_before - 4
    later = selectors.ClearingReport(street, today=in_60_days).figures()
    assert later.overdue == overdue_before - 2
    assert tally.differences() == []
    pingliang = {row.key: row for row in selectors.clearing_breakdown(district_official, "street")}
    assert pingliang[world.PINGLIANG].found >= 4


def test_a_transition_begun_before_the_enterprise_moved_is_a_conflict(district_official):
    from anjian.core.exceptions import Conflict

    site = world.enterprise("yinhang_site")
    hazard = hazard_in(State.REGISTERED, enterprise=site)
    enterprise_update(
        by=district_official,
        enterprise_id=site.pk,
        data={"street": Region.objects.get(code=world.PINGLIANG)},
        expected_version=site.version,
    )

    with pytest.raises(Conflict):
        services.hazard_start(
            by=district_official, hazard_id=hazard.pk, expected_version=hazard.version
        )
    assert tally.differences() == []


def test_editing_a_hazard_of_an_enterprise_that_moved_keeps_the_tally_exact(district_official):
    site = world.enterprise("yinhang_site")
    hazard = report(enterprise=site)
    enterprise_update(
        by=district_official,
        enterprise_id=site.pk,
        data={"street": Region.objects.get(code=world.PINGLIANG)},
        expected_version=site.version,
    )
    hazard.refresh_from_db()

    services.hazard_update_details(
        by=district_official,
        hazard_id=hazard.pk,
        expected_version=hazard.version,
        data={"title": "配电箱门未上锁"},
    )

    assert tally.differences() == []


# --- the open-deadline summaries: overdue and due soon --------------------------------------


def open_rows(model=None) -> dict:
    from anjian.hazards.models import HazardOpenTally

    model = model or HazardOpenTally
    region = "scope_region_code" if model is HazardOpenTally else "district_code"
    return {
        (getattr(r, region), r.industry_id, r.deadline, r.major): r.open
        for r in model.objects.exclude(open=0)
    }


def test_a_registered_hazard_counts_once_under_its_deadline_and_grade(district_official):
    hazard = hazard_in(State.REGISTERED, grade=Grade.MAJOR)

    assert open_rows() == {(hazard.scope_region_code, hazard.industry_id, hazard.deadline, True): 1}


@pytest.mark.parametrize("state", [State.REPORTED, State.CLOSED, State.VOID])
def test_hazards_not_open_against_a_deadline_count_nowhere(state, district_official):
    hazard_in(state)

    assert open_rows() == {}


def test_closing_takes_the_hazard_out_and_the_empty_row_is_pruned(district_official):
    from anjian.hazards.models import HazardDistrictOpenTally, HazardOpenTally

    hazard = hazard_in(State.AWAITING_ACCEPTANCE)
    other = hazard_in(State.RECTIFYING, enterprise=world.enterprise("pingliang_factory"))
    services.hazard_accept(
        by=district_official, hazard_id=hazard.pk, expected_version=None, acceptance_note="合格"
    )

    assert open_rows() == {(other.scope_region_code, other.industry_id, other.deadline, False): 1}
    assert HazardOpenTally.objects.filter(open=0).count() == 1

    assert tally.prune_open() == 2  # the street row and its district roll-up
    assert not HazardOpenTally.objects.filter(open=0).exists()
    assert not HazardDistrictOpenTally.objects.filter(open=0).exists()
    assert open_rows() == {(other.scope_region_code, other.industry_id, other.deadline, False): 1}
    assert tally.prune_open() == 0


def test_an_approved_extension_moves_the_hazard_to_its_new_deadline(district_official):
    hazard = hazard_in(State.RECTIFYING)
    new_deadline = hazard.deadline + timedelta(days=10)
    extension = services.extension_request(
        by=world.actor("enterprise_manager"),
        hazard_id=hazard.pk,
        requested_deadline=new_deadline,
        reason="缺件",
    )
    services.extension_decide(by=world.actor("admin"), extension_id=extension.pk, approve=True)

    assert open_rows() == {(hazard.scope_region_code, hazard.industry_id, new_deadline, False): 1}


def test_an_extension_decided_after_the_hazard_closed_is_a_conflict_and_changes_nothing(
    district_official,
):
    from anjian.core.exceptions import Conflict
    from anjian.hazards.models import DeadlineExtension

    hazard = hazard_in(State.AWAITING_ACCEPTANCE)
    extension = services.extension_request(
        by=world.actor("enterprise_manager"),
        hazard_id=hazard.pk,
        requested_deadline=hazard.deadline + timedelta(days=10),
        reason="缺件",
    )
    services.hazard_accept(
        by=district_official, hazard_id=hazard.pk, expected_version=None, acceptance_note="合格"
    )
    before = open_rows()

    with pytest.raises(Conflict):
        services.extension_decide(by=world.actor("admin"), extension_id=extension.pk, approve=True)

    assert open_rows() == before
    assert DeadlineExtension.objects.get(pk=extension.pk).state == "pending"


def test_overdue_and_due_soon_follow_the_calendar_without_any_write(district_official):
    from anjian.hazards import selectors
    from anjian.hazards.filters import DUE_SOON_DAYS

    general = hazard_in(State.RECTIFYING)  # deadline in 15 days
    major = hazard_in(State.REGISTERED, grade=Grade.MAJOR)
    today = timezone.localdate()

    def figures(on):
        return selectors.ClearingReport(district_official, today=on).figures()

    now = figures(today)
    assert (now.overdue, now.overdue_major, now.due_soon) == (0, 0, 0)
    soon = figures(general.deadline - timedelta(days=DUE_SOON_DAYS))
    assert (soon.overdue, soon.due_soon) == (0, 2)
    on_the_day = figures(general.deadline)
    assert (on_the_day.overdue, on_the_day.due_soon) == (0, 2)
    after = figures(major.deadline + timedelta(days=1))
    assert (after.overdue, after.overdue_major, after.due_soon) == (2, 1, 0)


def test_overdue_figures_equal_the_ledger_for_every_scope_and_breakdown(district_official):
    from anjian.hazards import selectors

    hazard_in(State.RECTIFYING)
    hazard_in(State.REGISTERED, grade=Grade.MAJOR)
    hazard_in(State.AWAITING_ACCEPTANCE, enterprise=world.enterprise("pingliang_factory"))
    hazard_in(State.CLOSED)
    later = timezone.localdate() + timedelta(days=30)
    for name in world.ACTORS:
        user = world.actor(name)
        report_ = selectors.ClearingReport(user, today=later)
        open_hazards = Hazard.objects.for_user(user).filter(state__in=DEADLINE_STATES)
        expected = open_hazards.filter(deadline__lt=later).count()
        assert report_.figures().overdue == expected, name
        assert report_.figures().overdue_major == (
            open_hazards.filter(deadline__lt=later, grade=Grade.MAJOR).count()
        )
        for group in ("district", "street", "industry"):
            rows = report_.breakdown(group)
            assert sum(row.overdue for row in rows) == expected, (name, group)


def test_the_district_open_roll_up_is_the_sum_of_its_streets(district_official):
    from anjian.hazards.models import HazardDistrictOpenTally

    hazard_in(State.RECTIFYING)
    hazard_in(State.REGISTERED, grade=Grade.MAJOR)
    hazard_in(State.RECTIFYING, enterprise=world.enterprise("pingliang_factory"))
    summed: Counter = Counter()
    for (code, industry_id, deadline, major), count in open_rows().items():
        summed[(code[:6], industry_id, deadline, major)] += count

    assert open_rows(HazardDistrictOpenTally) == dict(summed)


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


def district_rollup() -> dict:
    from django.db.models import Sum
    from django.db.models.functions import Substr

    from anjian.hazards.models import COUNTERS, HazardTally

    rows = (
        HazardTally.objects.annotate(district=Substr("scope_region_code", 1, 6))
        .values("district", "industry_id", "month")
        .annotate(**{f"s_{c}": Sum(c) for c in COUNTERS})
    )
    return {
        (r["district"], r["industry_id"], r["month"]): {c: r[f"s_{c}"] for c in COUNTERS}
        for r in rows
        if any(r[f"s_{c}"] for c in COUNTERS)
    }


def district_rows() -> dict:
    from anjian.hazards.models import COUNTERS, HazardDistrictTally

    return {
        (r.district_code, r.industry_id, r.month): {c: getattr(r, c) for c in COUNTERS}
        for r in HazardDistrictTally.objects.all()
        if any(getattr(r, c) for c in COUNTERS)
    }


def test_the_district_roll_up_is_the_sum_of_its_streets_after_every_kind_of_change(
    district_official,
):
    from anjian.hazards import tally
    from anjian.hazards.choices import Grade

    for state in (State.REPORTED, State.CLOSED, State.VOID, State.RECTIFYING):
        hazard_in(state)
    hazard_in(State.CLOSED, grade=Grade.MAJOR)
    hazard_in(State.REPORTED, enterprise=world.enterprise("pingliang_factory"))
    assert district_rows() == district_rollup()
    tally.rebuild()
    assert district_rows() == district_rollup()


def test_city_and_district_figures_equal_the_ledger(district_official):
    from anjian.hazards import selectors, tally
    from anjian.hazards.choices import Grade
    from anjian.hazards.models import Hazard

    hazard_in(State.CLOSED)
    hazard_in(State.RECTIFYING, grade=Grade.MAJOR)
    hazard_in(State.VOID)
    for user in (world.actor("admin"), district_official):
        figures = selectors.clearing_figures(user)
        ledger = Hazard.objects.for_user(user).aggregate(**tally.aggregates())
        assert figures.found == ledger["found"]
        assert figures.closed == ledger["closed"]
        assert figures.major_open == ledger["major"] - ledger["major_closed"]
        by_district = selectors.clearing_breakdown(user, "district")
        assert sum(row.found for row in by_district) == figures.found
