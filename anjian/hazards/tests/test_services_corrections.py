"""Who may correct a finding, and who may only add a note (issue 9, item 6).

The finding side — government (an inspector, a grid member, a supervisor) or the
enterprise itself — corrects its own finding's wording; the other side adds notes. Every
correction keeps the old and the new values on the timeline. Acceptance evidence comes
only from whoever may accept: an enterprise attaches no 验收 photos to a hazard that only
the government accepts (a major hazard, or one the government found).
"""

import pytest

from anjian.core.exceptions import Conflict, NotPermitted, ValidationError
from anjian.hazards import lifecycle, services
from anjian.hazards.choices import GOVERNMENT_SOURCES, Grade, PhotoStage, Source, State
from anjian.hazards.models import Hazard
from anjian.hazards.tests.factories import hazard_in, photo, register_data, report
from anjian.hazards.tests.support import files_in, ledger, major_clause, run, stored
from testsupport import world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def inspector_found(state=State.REPORTED, grade=Grade.GENERAL):
    """What the district's inspector found on an inspection, walked on by the enterprise."""
    hazard = report(by=world.actor("inspector"), source=Source.INSPECTION)
    manager = world.actor("enterprise_manager")
    for name in ("register", "start", "submit"):
        if hazard.state == state:
            break
        hazard = run(name, by=manager, hazard=hazard, grade=grade)
    return Hazard.objects.get(pk=hazard.pk)


def self_reported(state=State.REPORTED, grade=Grade.GENERAL):
    """What the chemical company found in its own self-check, walked on by itself."""
    manager = world.actor("enterprise_manager")
    hazard = report(by=manager, source=Source.SELF_CHECK)
    for name in ("register", "start", "submit"):
        if hazard.state == state:
            break
        hazard = run(name, by=manager, hazard=hazard, grade=grade)
    return Hazard.objects.get(pk=hazard.pk)


def correct(by, hazard, **data):
    return services.hazard_update_details(
        by=by, hazard_id=hazard.pk, expected_version=hazard.version, data=data
    )


def last_entry(hazard):
    return Hazard.objects.get(pk=hazard.pk).transitions.order_by("at", "id").last()


# --- the finding side ------------------------------------------------------------------------


def test_a_hazard_records_which_side_found_it(inspector, enterprise_manager, district_official):
    assert lifecycle.found_by_government(report(by=inspector, source=Source.INSPECTION))
    assert lifecycle.found_by_government(report(by=district_official, source=Source.SELF_CHECK))
    assert not lifecycle.found_by_government(
        report(by=enterprise_manager, source=Source.SELF_CHECK)
    )


@pytest.mark.parametrize("state", [State.REPORTED, State.RECTIFYING])
def test_an_enterprise_user_cannot_correct_what_an_inspector_found(
    state, enterprise_manager, media
):
    hazard = inspector_found(state)
    before, everything = stored(hazard), ledger(media)

    with pytest.raises(NotPermitted) as refused:
        correct(enterprise_manager, hazard, title="配电箱门已关闭", location="别处")

    assert "监管部门发现" in str(refused.value)
    assert stored(hazard) == before
    assert ledger(media) == everything


def test_the_inspector_corrects_its_own_finding_and_the_timeline_keeps_old_and_new(inspector):
    hazard = inspector_found()

    correct(inspector, hazard, title="配电箱门未上锁", location="二号车间西侧", category="2")

    entry = last_entry(hazard)
    assert (entry.action, entry.by) == ("edit", inspector)
    assert entry.data["fields"] == ["category", "location", "title"]
    assert entry.data["changes"] == {
        "title": {"from": "配电箱门未关闭", "to": "配电箱门未上锁"},
        "location": {"from": "二号车间东侧", "to": "二号车间西侧"},
        "category": {"from": "", "to": "2"},
    }


def test_another_government_user_corrects_a_government_finding(district_official):
    # The side owns the finding, not the one person: the inspector's supervisor corrects it.
    hazard = inspector_found(State.RECTIFYING)

    correct(district_official, hazard, description="二号车间配电箱门敞开")

    assert Hazard.objects.get(pk=hazard.pk).description == "二号车间配电箱门敞开"
    assert last_entry(hazard).data["changes"] == {
        "description": {"from": "二号车间配电箱门敞开，内部线路裸露", "to": "二号车间配电箱门敞开"}
    }


def test_an_enterprise_user_corrects_its_own_self_reported_finding(enterprise_manager):
    hazard = self_reported(State.RECTIFYING)

    correct(enterprise_manager, hazard, title="配电箱门未上锁")

    assert Hazard.objects.get(pk=hazard.pk).title == "配电箱门未上锁"
    assert last_entry(hazard).data["changes"]["title"] == {
        "from": "配电箱门未关闭",
        "to": "配电箱门未上锁",
    }


@pytest.mark.parametrize("actor", ["district_official", "street_officer", "inspector"])
def test_the_government_cannot_rewrite_an_enterprise_s_self_reported_finding(actor, media):
    hazard = self_reported()
    before, everything = stored(hazard), ledger(media)

    with pytest.raises(NotPermitted) as refused:
        correct(world.actor(actor), hazard, title="监管部门改写的名称")

    assert "企业自行发现" in str(refused.value)
    assert stored(hazard) == before
    assert ledger(media) == everything


def test_the_government_still_adds_a_major_hazard_clause_to_an_enterprise_finding(
    district_official,
):
    # Judging a finding 重大 is the supervisor's determination, not a rewrite of its wording.
    hazard = self_reported()
    clause = major_clause()

    services.hazard_update_details(
        by=district_official,
        hazard_id=hazard.pk,
        expected_version=hazard.version,
        data={},
        clauses=[clause.pk],
    )

    assert Hazard.objects.get(pk=hazard.pk).grade == Grade.MAJOR
    assert clause.citation.startswith("安监总管三〔2017〕121号 ")
    assert last_entry(hazard).data["changes"] == {
        "clauses": {"from": [], "to": [clause.citation]},
        "grade": {"from": "", "to": "major"},
    }


def test_a_correction_that_changes_nothing_records_no_change(inspector):
    hazard = inspector_found()

    correct(inspector, hazard, title=hazard.title, location=hazard.location)

    assert last_entry(hazard).data == {"fields": [], "changes": {}}


# --- notes -----------------------------------------------------------------------------------


def test_an_enterprise_user_adds_a_note_to_an_inspector_s_finding(enterprise_manager, media):
    hazard = inspector_found(State.RECTIFYING)
    before = stored(hazard)["row"]

    services.hazard_add_note(
        by=enterprise_manager, hazard_id=hazard.pk, note="  配电箱实为二号车间北侧，非东侧 "
    )

    entry = last_entry(hazard)
    assert (entry.action, entry.by, entry.reason) == (
        "note",
        enterprise_manager,
        "配电箱实为二号车间北侧，非东侧",
    )
    # A note changes nothing of the record: no version bump, so no one's form goes stale.
    assert stored(hazard)["row"] == before


def test_the_government_adds_a_note_to_an_enterprise_finding(district_official):
    hazard = self_reported()

    services.hazard_add_note(by=district_official, hazard_id=hazard.pk, note="现场核实：属实")

    assert last_entry(hazard).action == "note"


def test_an_empty_note_is_refused(enterprise_manager, media):
    hazard = inspector_found()
    everything = ledger(media)

    with pytest.raises(ValidationError) as refused:
        services.hazard_add_note(by=enterprise_manager, hazard_id=hazard.pk, note="  ")

    assert refused.value.message_dict == {"note": ["请填写说明内容"]}
    assert ledger(media) == everything


@pytest.mark.parametrize("state", [State.CLOSED, State.VOID])
def test_a_closed_or_void_hazard_takes_no_note(state, district_official, media):
    hazard = hazard_in(state)
    everything = ledger(media)

    with pytest.raises(Conflict):
        services.hazard_add_note(by=district_official, hazard_id=hazard.pk, note="补充")

    assert ledger(media) == everything


def test_the_leader_adds_no_note_and_an_outsider_finds_no_hazard(leader, neighbour_official):
    hazard = inspector_found()

    with pytest.raises(NotPermitted):
        services.hazard_add_note(by=leader, hazard_id=hazard.pk, note="补充")
    with pytest.raises(Hazard.DoesNotExist):
        services.hazard_add_note(by=neighbour_official, hazard_id=hazard.pk, note="补充")

    assert not hazard.transitions.filter(action="note").exists()


# --- acceptance evidence -----------------------------------------------------------------------


def add_photos(by, hazard, stage):
    return services.hazard_add_photos(by=by, hazard_id=hazard.pk, stage=stage, photos=[photo()])


def test_an_enterprise_user_attaches_no_acceptance_photo_to_its_own_major_hazard(
    enterprise_manager, media
):
    # Self-reported, but 重大: only the government accepts it, so only it brings 验收 evidence.
    hazard = self_reported(State.AWAITING_ACCEPTANCE, grade=Grade.MAJOR)
    before, everything = stored(hazard), ledger(media)

    with pytest.raises(NotPermitted) as refused:
        add_photos(enterprise_manager, hazard, PhotoStage.ACCEPTANCE)

    assert "验收照片" in str(refused.value)
    assert (stored(hazard), ledger(media)) == (before, everything)


@pytest.mark.parametrize("source", GOVERNMENT_SOURCES)
def test_an_enterprise_user_attaches_no_acceptance_photo_to_a_government_finding(
    source, enterprise_manager, media
):
    hazard = report(by=world.actor("district_official"), source=source)
    files = files_in(media)

    with pytest.raises(NotPermitted):
        add_photos(enterprise_manager, hazard, PhotoStage.ACCEPTANCE)

    assert not hazard.photos.filter(stage=PhotoStage.ACCEPTANCE).exists()
    assert files_in(media) == files


def test_an_enterprise_user_attaches_acceptance_photos_to_a_hazard_it_accepts_itself(
    enterprise_manager,
):
    hazard = self_reported(State.AWAITING_ACCEPTANCE)

    added = add_photos(enterprise_manager, hazard, PhotoStage.ACCEPTANCE)

    assert [p.stage for p in added] == [PhotoStage.ACCEPTANCE]


def test_the_government_attaches_acceptance_photos_to_a_major_hazard(district_official):
    hazard = hazard_in(State.AWAITING_ACCEPTANCE, grade=Grade.MAJOR)

    added = add_photos(district_official, hazard, PhotoStage.ACCEPTANCE)

    assert [p.stage for p in added] == [PhotoStage.ACCEPTANCE]


def test_the_other_side_adds_no_photo_of_the_finding_but_rectification_photos(
    enterprise_manager, media
):
    # 发现时 photos are the finder's evidence, like its wording; 整改前/后 belong to whoever
    # rectifies.
    hazard = inspector_found(State.RECTIFYING)

    with pytest.raises(NotPermitted):
        add_photos(enterprise_manager, hazard, PhotoStage.FOUND)
    add_photos(enterprise_manager, hazard, PhotoStage.BEFORE)

    stages = sorted(hazard.photos.values_list("stage", flat=True))
    assert stages == [PhotoStage.BEFORE, PhotoStage.FOUND]  # the inspector's own found photo


def test_the_stages_a_user_may_add_follow_the_same_rules(enterprise_manager, district_official):
    major = self_reported(State.AWAITING_ACCEPTANCE, grade=Grade.MAJOR)
    own = self_reported(State.AWAITING_ACCEPTANCE)

    assert lifecycle.photo_stages(enterprise_manager, major) == [
        PhotoStage.FOUND,
        PhotoStage.BEFORE,
        PhotoStage.AFTER,
    ]
    assert lifecycle.photo_stages(enterprise_manager, own) == list(PhotoStage.values)
    assert lifecycle.photo_stages(district_official, major) == [
        PhotoStage.BEFORE,
        PhotoStage.AFTER,
        PhotoStage.ACCEPTANCE,
    ]


def test_registering_keeps_working_for_the_enterprise_on_an_inspector_s_finding(
    enterprise_manager,
):
    # The owner still rectifies what the inspector found; only the finding's wording is
    # the inspector's.
    hazard = inspector_found()

    registered = services.hazard_register(
        by=enterprise_manager, hazard_id=hazard.pk, expected_version=None, **register_data()
    )

    assert registered.state == State.REGISTERED
