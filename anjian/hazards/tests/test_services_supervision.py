"""Supervision of hazards: deadline extensions, 挂牌督办 (listing and 摘牌), and 回头看."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from anjian.core.exceptions import Conflict, NotPermitted, ValidationError
from anjian.core.models import Notification
from anjian.hazards import services
from anjian.hazards.choices import (
    ExtensionState,
    Grade,
    ListingLevel,
    ListingState,
    RevisitResult,
    RevisitState,
    Source,
    State,
)
from anjian.hazards.models import (
    DeadlineExtension,
    DuplicateCandidate,
    Hazard,
    Revisit,
    SupervisionListing,
)
from anjian.hazards.tests.factories import hazard_in
from anjian.hazards.tests.support import major_clause, messages, run, stored, tally_rows
from testsupport import world


@pytest.fixture(autouse=True)
def media(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def later(days: int):
    return timezone.localdate() + timedelta(days=days)


# --- deadline extensions -----------------------------------------------------------------------


def request(hazard, *, by=None, days_after_deadline=10, reason="设备到货延迟"):
    return services.extension_request(
        by=by or world.actor("enterprise_manager"),
        hazard_id=hazard.pk,
        requested_deadline=hazard.deadline + timedelta(days=days_after_deadline),
        reason=reason,
    )


@pytest.mark.parametrize("state", [State.REGISTERED, State.RECTIFYING, State.AWAITING_ACCEPTANCE])
def test_the_enterprise_requests_a_later_deadline_with_a_reason(
    state, enterprise_manager, district_official
):
    hazard = hazard_in(state)

    extension = request(hazard, reason="  设备到货延迟 ")

    assert extension.state == ExtensionState.PENDING
    assert extension.current_deadline == hazard.deadline
    assert extension.requested_deadline == hazard.deadline + timedelta(days=10)
    assert (extension.reason, extension.requested_by) == ("设备到货延迟", enterprise_manager)
    assert hazard.transitions.order_by("at", "id").last().action == "extension_request"
    assert Notification.objects.filter(
        recipient=district_official, kind="hazard_extension"
    ).exists()
    assert Hazard.objects.get(pk=hazard.pk).deadline == hazard.deadline


@pytest.mark.parametrize("days_after_deadline", [0, -1, -10])
def test_an_extension_must_be_later_than_the_current_deadline(days_after_deadline):
    hazard = hazard_in(State.RECTIFYING)

    with pytest.raises(ValidationError) as refused:
        request(hazard, days_after_deadline=days_after_deadline)

    assert messages(refused.value, "requested_deadline") == [
        f"延期日期须晚于原整改期限（{hazard.deadline.isoformat()}）"
    ]
    assert not DeadlineExtension.objects.exists()


def test_an_extension_needs_a_date(enterprise_manager):
    hazard = hazard_in(State.RECTIFYING)

    with pytest.raises(ValidationError) as refused:
        services.extension_request(
            by=enterprise_manager, hazard_id=hazard.pk, requested_deadline=None, reason="x"
        )

    assert messages(refused.value, "requested_deadline") == ["请填写申请延期至的日期"]


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_extension_needs_a_reason(reason):
    hazard = hazard_in(State.RECTIFYING)

    with pytest.raises(ValidationError) as refused:
        request(hazard, reason=reason)

    assert messages(refused.value, "reason") == ["请填写延期理由"]
    assert not DeadlineExtension.objects.exists()
    assert not hazard.transitions.filter(action="extension_request").exists()


@pytest.mark.parametrize("state", [State.REPORTED, State.CLOSED, State.VOID])
def test_only_a_registered_open_hazard_can_be_extended(state, enterprise_manager):
    hazard = hazard_in(state)

    with pytest.raises(Conflict):
        services.extension_request(
            by=enterprise_manager, hazard_id=hazard.pk, requested_deadline=later(60), reason="x"
        )

    assert not DeadlineExtension.objects.exists()


def test_a_hazard_has_one_pending_extension_at_a_time():
    hazard = hazard_in(State.RECTIFYING)
    request(hazard)

    with pytest.raises(Conflict) as refused:
        request(hazard, days_after_deadline=20)

    assert "已有待审批的延期申请" in str(refused.value)
    assert DeadlineExtension.objects.filter(hazard=hazard).count() == 1
    assert hazard.transitions.filter(action="extension_request").count() == 1


def test_after_a_refusal_the_enterprise_may_ask_again(district_official):
    hazard = hazard_in(State.RECTIFYING)
    first = request(hazard)
    services.extension_decide(
        by=district_official, extension_id=first.pk, approve=False, reason="理由不充分"
    )

    second = request(hazard, days_after_deadline=5)

    assert second.state == ExtensionState.PENDING


@pytest.mark.parametrize(
    ("actor", "error"),
    [("leader", NotPermitted), ("inspector", NotPermitted), ("expert", Hazard.DoesNotExist)],
)
def test_those_who_do_not_rectify_cannot_request_an_extension(actor, error):
    hazard = hazard_in(State.RECTIFYING)

    with pytest.raises(error):
        request(hazard, by=world.actor(actor))

    assert not DeadlineExtension.objects.exists()


def test_approving_moves_the_deadline_and_restarts_the_overdue_ladder(
    district_official, enterprise_manager
):
    hazard = hazard_in(State.RECTIFYING)
    Hazard.objects.filter(pk=hazard.pk).update(escalation_level=2, reminded_for=later(0))
    extension = request(hazard)
    version = Hazard.objects.get(pk=hazard.pk).version

    decided = services.extension_decide(
        by=district_official, extension_id=extension.pk, approve=True
    )

    after = Hazard.objects.get(pk=hazard.pk)
    assert decided.state == ExtensionState.APPROVED
    assert decided.decided_by == district_official
    assert decided.decided_at is not None
    assert after.deadline == extension.requested_deadline
    assert after.escalation_level == 0
    assert after.reminded_for is None
    assert after.version == version + 1
    assert after.state == State.RECTIFYING
    assert after.transitions.order_by("at", "id").last().action == "extension_approved"
    assert Notification.objects.filter(
        recipient=enterprise_manager, kind="hazard_extension_decided"
    ).exists()


@pytest.mark.parametrize("reason", ["", "  "])
def test_refusing_needs_a_reason(reason, district_official):
    hazard = hazard_in(State.RECTIFYING)
    extension = request(hazard)

    with pytest.raises(ValidationError) as refused:
        services.extension_decide(
            by=district_official, extension_id=extension.pk, approve=False, reason=reason
        )

    assert messages(refused.value, "decision_reason") == ["不批准时请填写理由"]
    assert DeadlineExtension.objects.get(pk=extension.pk).state == ExtensionState.PENDING


def test_refusing_keeps_the_deadline(district_official):
    hazard = hazard_in(State.RECTIFYING)
    extension = request(hazard)
    before = stored(hazard)["row"]

    decided = services.extension_decide(
        by=district_official, extension_id=extension.pk, approve=False, reason=" 理由不充分 "
    )

    assert (decided.state, decided.decision_reason) == (ExtensionState.REFUSED, "理由不充分")
    assert stored(hazard)["row"] == before


@pytest.mark.parametrize(("first", "second"), [(True, True), (True, False), (False, True)])
def test_an_extension_is_decided_once(first, second, district_official, street_officer):
    hazard = hazard_in(State.RECTIFYING)
    extension = request(hazard)
    services.extension_decide(
        by=district_official, extension_id=extension.pk, approve=first, reason="意见"
    )
    after_first = stored(hazard)

    with pytest.raises(Conflict):
        services.extension_decide(
            by=street_officer, extension_id=extension.pk, approve=second, reason="意见"
        )

    assert stored(hazard) == after_first
    assert DeadlineExtension.objects.get(pk=extension.pk).decided_by == district_official


@pytest.mark.parametrize("actor", ["enterprise_manager", "inspector", "leader"])
def test_only_the_government_decides_an_extension(actor):
    hazard = hazard_in(State.RECTIFYING)
    extension = request(hazard)
    before = stored(hazard)

    with pytest.raises(NotPermitted):
        services.extension_decide(by=world.actor(actor), extension_id=extension.pk, approve=True)

    assert DeadlineExtension.objects.get(pk=extension.pk).state == ExtensionState.PENDING
    assert stored(hazard) == before


@pytest.mark.parametrize("actor", ["neighbour_official", "housing_official", "expert"])
def test_an_out_of_scope_official_does_not_find_the_extension_s_hazard(actor):
    hazard = hazard_in(State.RECTIFYING)
    extension = request(hazard)

    with pytest.raises(Hazard.DoesNotExist):
        services.extension_decide(by=world.actor(actor), extension_id=extension.pk, approve=True)

    assert DeadlineExtension.objects.get(pk=extension.pk).state == ExtensionState.PENDING


def test_an_extension_of_a_hazard_closed_meanwhile_cannot_be_approved(district_official):
    hazard = hazard_in(State.RECTIFYING)
    extension = request(hazard)
    run("submit", by=district_official, hazard=hazard)
    run("accept", by=district_official, hazard=hazard)
    after_close = stored(hazard)

    with pytest.raises(Conflict):
        services.extension_decide(by=district_official, extension_id=extension.pk, approve=True)

    assert stored(hazard) == after_close
    assert DeadlineExtension.objects.get(pk=extension.pk).state == ExtensionState.PENDING


def test_an_approval_makes_a_form_opened_before_it_stale(district_official, street_officer):
    hazard = hazard_in(State.REGISTERED)
    extension = request(hazard)
    services.extension_decide(by=district_official, extension_id=extension.pk, approve=True)

    with pytest.raises(Conflict):
        run("start", by=street_officer, hazard=hazard, expected_version=hazard.version)


# --- 挂牌督办 ----------------------------------------------------------------------------------


def listing(hazard, *, by=None, level=ListingLevel.DISTRICT, **overrides):
    data = {
        "level": level,
        "authority": "杨浦区安全生产委员会办公室",
        "document_number": "杨安委办督〔2026〕1号",
        "deadline": later(30),
        "requirements": "限期整改，整改期间落实监护",
    }
    data.update(overrides)
    return services.listing_create(
        by=by or world.actor("district_official"), hazard_id=hazard.pk, **data
    )


@pytest.mark.parametrize(
    ("actor", "levels"),
    [
        ("street_officer", {ListingLevel.STREET}),
        ("grid_member", {ListingLevel.STREET}),
        ("district_official", {ListingLevel.DISTRICT, ListingLevel.STREET}),
        ("neighbour_official", {ListingLevel.DISTRICT, ListingLevel.STREET}),
        ("admin", set(ListingLevel.values)),
        ("enterprise_manager", set()),
        ("expert", set()),
    ],
)
def test_the_levels_a_user_may_list_at_follow_their_region(actor, levels):
    assert set(services.listing_levels_for(world.actor(actor))) == levels


@pytest.mark.parametrize("state", [State.REGISTERED, State.RECTIFYING, State.AWAITING_ACCEPTANCE])
def test_a_registered_open_major_hazard_is_listed(state, district_official, enterprise_manager):
    hazard = hazard_in(state, grade=Grade.MAJOR, clauses=[major_clause().pk])

    listed = listing(hazard)

    assert listed.state == ListingState.LISTED
    assert (listed.level, listed.listed_by) == (ListingLevel.DISTRICT, district_official)
    assert listed.authority == "杨浦区安全生产委员会办公室"
    assert hazard.transitions.order_by("at", "id").last().action == "list"
    assert Notification.objects.filter(recipient=enterprise_manager, kind="hazard_listed").exists()


def test_a_general_hazard_is_not_listed():
    hazard = hazard_in(State.RECTIFYING)

    with pytest.raises(ValidationError) as refused:
        listing(hazard)

    assert messages(refused.value, "level") == ["只有重大事故隐患可以挂牌督办"]
    assert not SupervisionListing.objects.exists()


@pytest.mark.parametrize("state", [State.CLOSED, State.VOID])
def test_a_closed_or_void_major_hazard_is_not_listed(state):
    hazard = hazard_in(state, clauses=[major_clause().pk], grade=Grade.MAJOR)

    with pytest.raises(ValidationError) as refused:
        listing(hazard)

    assert "level" in refused.value.message_dict
    assert not SupervisionListing.objects.exists()


def test_a_street_officer_lists_at_street_level_only(street_officer):
    hazard = hazard_in(State.RECTIFYING, grade=Grade.MAJOR)

    with pytest.raises(ValidationError) as refused:
        listing(hazard, by=street_officer, level=ListingLevel.DISTRICT)
    assert messages(refused.value, "level") == ["您所在层级不能进行该级别的挂牌督办"]

    assert listing(hazard, by=street_officer, level=ListingLevel.STREET).level == "street"


def test_a_district_official_cannot_list_at_city_level_but_the_admin_can(admin):
    hazard = hazard_in(State.RECTIFYING, grade=Grade.MAJOR)

    with pytest.raises(ValidationError):
        listing(hazard, level=ListingLevel.CITY)

    assert listing(hazard, by=admin, level=ListingLevel.CITY).level == ListingLevel.CITY


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("authority", " ", "请填写督办单位"),
        ("document_number", "", "请填写督办文号"),
        ("deadline", None, "请填写督办期限"),
        ("deadline", timezone.localdate() - timedelta(days=1), "督办期限不能早于今天"),
    ],
)
def test_a_listing_needs_authority_number_and_a_future_deadline(field, value, message):
    hazard = hazard_in(State.RECTIFYING, grade=Grade.MAJOR)

    with pytest.raises(ValidationError) as refused:
        listing(hazard, **{field: value})

    assert messages(refused.value, field) == [message]
    assert not SupervisionListing.objects.exists()


def test_a_hazard_has_one_active_listing():
    hazard = hazard_in(State.RECTIFYING, grade=Grade.MAJOR)
    listing(hazard)

    with pytest.raises(Conflict) as refused:
        listing(hazard, level=ListingLevel.STREET, document_number="杨安委办督〔2026〕2号")

    assert "已在挂牌督办中" in str(refused.value)
    assert SupervisionListing.objects.filter(hazard=hazard).count() == 1
    assert hazard.transitions.filter(action="list").count() == 1


@pytest.mark.parametrize("actor", ["enterprise_manager", "inspector", "leader"])
def test_only_the_government_lists(actor):
    hazard = hazard_in(State.RECTIFYING, grade=Grade.MAJOR)

    with pytest.raises(NotPermitted):
        listing(hazard, by=world.actor(actor), level=ListingLevel.STREET)

    assert not SupervisionListing.objects.exists()


@pytest.mark.parametrize("actor", ["neighbour_official", "housing_official", "expert"])
def test_an_out_of_scope_official_cannot_list(actor):
    hazard = hazard_in(State.RECTIFYING, grade=Grade.MAJOR)

    with pytest.raises(Hazard.DoesNotExist):
        listing(hazard, by=world.actor(actor), level=ListingLevel.STREET)


def test_a_listed_hazard_cannot_be_voided_before_sign_off(district_official):
    hazard = hazard_in(State.RECTIFYING, grade=Grade.MAJOR)
    listing(hazard)
    before = stored(hazard)

    with pytest.raises(ValidationError) as refused:
        run("void", by=district_official, hazard=hazard)

    assert refused.value.messages == ["该隐患正在挂牌督办，须先摘牌才能作废"]
    assert stored(hazard) == before


def test_sign_off_waits_for_the_hazard_to_be_closed(district_official):
    hazard = hazard_in(State.AWAITING_ACCEPTANCE, grade=Grade.MAJOR)
    listed = listing(hazard)

    with pytest.raises(ValidationError) as refused:
        services.listing_sign_off(by=district_official, listing_id=listed.pk, note="同意摘牌")

    assert refused.value.messages == ["隐患尚未验收销号，不能摘牌"]
    assert SupervisionListing.objects.get(pk=listed.pk).state == ListingState.LISTED


def test_a_closed_hazard_is_signed_off_once(district_official, street_officer):
    hazard = hazard_in(State.AWAITING_ACCEPTANCE, grade=Grade.MAJOR)
    listed = listing(hazard, level=ListingLevel.STREET)
    run("accept", by=district_official, hazard=hazard)

    signed = services.listing_sign_off(by=district_official, listing_id=listed.pk, note=" 同意 ")

    assert signed.state == ListingState.SIGNED_OFF
    assert (signed.signed_off_by, signed.sign_off_note) == (district_official, "同意")
    assert signed.signed_off_at is not None
    assert hazard.transitions.order_by("at", "id").last().action == "sign_off"
    with pytest.raises(Conflict):
        services.listing_sign_off(by=street_officer, listing_id=listed.pk, note="再次摘牌")
    assert hazard.transitions.filter(action="sign_off").count() == 1


def test_sign_off_needs_a_note(district_official):
    hazard = hazard_in(State.AWAITING_ACCEPTANCE, grade=Grade.MAJOR)
    listed = listing(hazard)
    run("accept", by=district_official, hazard=hazard)

    with pytest.raises(ValidationError) as refused:
        services.listing_sign_off(by=district_official, listing_id=listed.pk, note="  ")

    assert messages(refused.value, "sign_off_note") == ["请填写摘牌意见"]


def test_a_street_officer_cannot_sign_off_a_district_listing(district_official, street_officer):
    hazard = hazard_in(State.AWAITING_ACCEPTANCE, grade=Grade.MAJOR)
    listed = listing(hazard, level=ListingLevel.DISTRICT)
    run("accept", by=district_official, hazard=hazard)

    with pytest.raises(NotPermitted):
        services.listing_sign_off(by=street_officer, listing_id=listed.pk, note="同意")

    assert SupervisionListing.objects.get(pk=listed.pk).state == ListingState.LISTED


# --- 回头看 -------------------------------------------------------------------------------------


def closed_major(**report_overrides):
    hazard = hazard_in(State.CLOSED, grade=Grade.MAJOR, **report_overrides)
    return hazard, Revisit.objects.get(hazard=hazard)


def test_scheduling_a_revisit_twice_does_nothing():
    hazard, _revisit = closed_major()

    assert services.revisit_schedule(hazard=Hazard.objects.get(pk=hazard.pk)) is None
    assert Revisit.objects.filter(hazard=hazard).count() == 1


def test_a_revisit_finds_the_fix_has_held(street_officer):
    hazard, revisit = closed_major()
    count = Hazard.objects.count()

    done = services.revisit_complete(
        by=street_officer, revisit_id=revisit.pk, result=RevisitResult.SUSTAINED, note=" 整改到位 "
    )

    assert done.state == RevisitState.DONE
    assert (done.result, done.note, done.done_by) == ("sustained", "整改到位", street_officer)
    assert done.done_at is not None
    assert Hazard.objects.count() == count
    assert hazard.transitions.order_by("at", "id").last().action == "revisit"


def test_a_relapse_is_recorded_as_a_new_hazard_linked_to_the_revisit(district_official):
    clause = major_clause()
    hazard, revisit = closed_major(clauses=[clause.pk])
    tally_before = tally_rows()

    services.revisit_complete(
        by=district_official,
        revisit_id=revisit.pk,
        result=RevisitResult.RELAPSED,
        note="配电箱门再次敞开",
    )

    relapse = Hazard.objects.get(
        source_type=ContentType.objects.get_for_model(Revisit), source_id=revisit.pk
    )
    assert relapse.pk != hazard.pk
    assert relapse.source_object == revisit
    assert relapse.enterprise_id == hazard.enterprise_id
    assert relapse.state == State.REPORTED
    assert relapse.source == Source.OTHER
    assert relapse.title == f"回头看发现反弹：{hazard.title}"
    assert relapse.description == "配电箱门再次敞开"
    assert list(relapse.clauses.all()) == [clause]
    assert relapse.grade == Grade.MAJOR
    assert not DuplicateCandidate.objects.filter(hazard=relapse).exists()
    key = (relapse.scope_region_code, relapse.industry_id, relapse.found_month)
    assert tally_rows()[key]["found"] == tally_before[key]["found"] + 1


@pytest.mark.parametrize("second", [RevisitResult.SUSTAINED, RevisitResult.RELAPSED])
def test_a_revisit_is_completed_once(second, district_official, street_officer):
    _hazard, revisit = closed_major()
    services.revisit_complete(
        by=district_official, revisit_id=revisit.pk, result=RevisitResult.RELAPSED, note="反弹"
    )
    count = Hazard.objects.count()

    with pytest.raises(Conflict):
        services.revisit_complete(
            by=street_officer, revisit_id=revisit.pk, result=second, note="再看一次"
        )

    assert Hazard.objects.count() == count
    assert Revisit.objects.get(pk=revisit.pk).done_by == district_official


@pytest.mark.parametrize(
    ("result", "note", "field"),
    [
        ("", "看过了", "result"),
        ("maybe", "看过了", "result"),
        (RevisitResult.SUSTAINED, " ", "note"),
    ],
)
def test_a_revisit_needs_a_result_and_a_note(result, note, field, district_official):
    _hazard, revisit = closed_major()

    with pytest.raises(ValidationError) as refused:
        services.revisit_complete(
            by=district_official, revisit_id=revisit.pk, result=result, note=note
        )

    assert field in refused.value.message_dict
    assert Revisit.objects.get(pk=revisit.pk).state == RevisitState.SCHEDULED


@pytest.mark.parametrize(
    ("actor", "error"),
    [
        ("enterprise_manager", NotPermitted),
        ("leader", NotPermitted),
        ("inspector", NotPermitted),
        ("neighbour_official", Hazard.DoesNotExist),
        ("expert", Hazard.DoesNotExist),
    ],
)
def test_only_the_government_in_scope_completes_a_revisit(actor, error):
    _hazard, revisit = closed_major()

    with pytest.raises(error):
        services.revisit_complete(
            by=world.actor(actor), revisit_id=revisit.pk, result=RevisitResult.SUSTAINED, note="好"
        )

    assert Revisit.objects.get(pk=revisit.pk).state == RevisitState.SCHEDULED


def test_nobody_approves_their_own_extension_request(district_official):
    from datetime import timedelta

    from anjian.core.exceptions import NotPermitted
    from anjian.hazards import services
    from anjian.hazards.choices import State
    from anjian.hazards.tests.factories import hazard_in

    hazard = hazard_in(State.RECTIFYING)
    # Those who decide extensions do not ask for one (``lifecycle.on_rectifying_side``) …
    with pytest.raises(NotPermitted):
        services.extension_request(
            by=district_official,
            hazard_id=hazard.pk,
            requested_deadline=hazard.deadline + timedelta(days=5),
            reason="等待备件",
        )
    assert not DeadlineExtension.objects.exists()
    # … and a request of theirs that exists all the same is decided by someone else.
    extension = DeadlineExtension.objects.create(
        hazard=hazard,
        current_deadline=hazard.deadline,
        requested_deadline=hazard.deadline + timedelta(days=5),
        reason="等待备件",
        requested_by=district_official,
    )
    with pytest.raises(NotPermitted):
        services.extension_decide(by=district_official, extension_id=extension.pk, approve=True)
    extension.refresh_from_db()
    assert extension.state == "pending"


def test_an_enterprise_user_cannot_record_an_inspection_finding(enterprise_manager):
    from anjian.hazards.tests.factories import report

    with pytest.raises(ValidationError) as caught:
        report(by=enterprise_manager, source="inspection")
    assert "source" in caught.value.message_dict
