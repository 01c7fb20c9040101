"""Filing a case, weighing it, the legal-review gate, the record and the documents."""

from datetime import timedelta

import pytest
from django.utils import timezone

from anjian.core.exceptions import Conflict, NotPermitted, ValidationError
from anjian.inspections import chain
from anjian.inspections.case_models import CaseState
from anjian.inspections.cases import selectors, services
from anjian.inspections.lifecycle import CASE
from anjian.inspections.models import ChecklistTemplate, EnforcementDocument, Inspection
from anjian.inspections.record_models import InspectionState
from anjian.inspections.tests import case_factories as cf
from anjian.inspections.tests import factories
from testsupport import world


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def errors_of(raised) -> dict:
    return raised.value.message_dict


# --- filing --------------------------------------------------------------------------------


def test_filing_numbers_the_case_by_its_filing_form_and_sets_the_decision_deadline(db):
    case = cf.file_case()
    filing = EnforcementDocument.objects.get(case=case)
    assert filing.kind == "case_filing"
    assert case.number == filing.number == f"（杨浦）应急立〔{timezone.localdate().year}〕1号"
    assert case.state == CaseState.FILED
    assert case.filed_on == timezone.localdate()
    assert case.decide_by == case.filed_on + timedelta(days=30)
    assert case.department == factories.department()
    assert sorted(i.user.username for i in case.handlers.all()) == ["case_handler_2", "inspector"]


def test_two_cases_take_consecutive_numbers(db):
    first, second = cf.file_case(), cf.file_case(title="第二案")
    assert first.number.endswith("〕1号") and second.number.endswith("〕2号")


def test_one_handler_is_not_enough(db):
    with pytest.raises(ValidationError) as raised:
        cf.file_case(handler_ids=[cf.handlers()[0].pk])
    assert (
        "案件须由 2 名以上持有效执法证的执法人员承办（已选 1 名）" in errors_of(raised)["handlers"]
    )


def test_a_handler_with_an_expired_certificate_is_named(db):
    expired = cf.inspector_of(cf.person("expired_zf"), valid_days=-1)
    with pytest.raises(ValidationError) as raised:
        cf.file_case(handler_ids=[cf.handlers()[0].pk, expired.pk])
    assert errors_of(raised)["handlers"] == ["expired_zf 的执法证已过有效期，不能承办案件"]


def test_a_handler_of_another_department_is_refused(db):
    hongkou = factories.department("虹口区应急管理局")
    foreign = cf.inspector_of(cf.person("hk_zf", dept=hongkou), hongkou)
    with pytest.raises(ValidationError) as raised:
        cf.file_case(handler_ids=[cf.handlers()[0].pk, foreign.pk])
    assert "hk_zf 不是本部门的执法人员" in errors_of(raised)["handlers"]


def test_an_enterprise_outside_the_scope_cannot_be_the_party(db):
    with pytest.raises(ValidationError) as raised:
        cf.file_case(enterprise="hongkou_shop")
    assert errors_of(raised)["enterprise"] == ["请选择您管辖范围内的单位作为当事人"]
    assert not selectors.cases(world.actor("admin")).exists()


def test_a_department_user_files_only_in_their_own_department(db):
    housing = world.actor("housing_official")
    with pytest.raises(NotPermitted, match="只能以本部门名义立案"):
        cf.file_case(housing, enterprise="yinhang_site", department_id=factories.department().pk)


def test_an_inspector_files_only_a_case_they_handle(db):
    others = [cf.colleague().pk, cf.handlers()[1].pk]
    with pytest.raises(ValidationError) as raised:
        cf.file_case(world.actor("inspector"), handler_ids=others)
    assert errors_of(raised)["handlers"] == ["执法人员立案时，本人须是承办人之一"]
    assert cf.file_case(world.actor("inspector")).created_by == world.actor("inspector")


def test_title_and_facts_are_required(db):
    with pytest.raises(ValidationError) as raised:
        cf.file_case(title=" ", facts="")
    assert set(errors_of(raised)) == {"title", "facts"}


def _inspection(state=InspectionState.DONE, enterprise="yinhang_chemical"):
    template = ChecklistTemplate.objects.create(key=f"t-{state}-{enterprise}", name="通用检查表")
    return Inspection.objects.create(
        department=factories.department(),
        enterprise=world.enterprise(enterprise),
        kind="special",
        checklist=template,
        state=state,
        created_by=world.actor("admin"),
    )


def test_a_case_comes_from_a_completed_inspection_of_its_party(db):
    source = _inspection()
    case = cf.file_case(inspection_id=source.pk)
    assert case.inspection == source


@pytest.mark.parametrize(
    "state, enterprise, message",
    [
        (InspectionState.OPEN, "yinhang_chemical", "来源检查“检查中”，须为已完成的现场检查"),
        (InspectionState.DONE, "yinhang_site", "来源检查的被检查单位与当事人不符"),
    ],
)
def test_the_source_inspection_must_be_done_and_of_the_party(state, enterprise, message, db):
    with pytest.raises(ValidationError) as raised:
        cf.file_case(inspection_id=_inspection(state, enterprise).pk)
    assert errors_of(raised)["inspection"] == [message]


def test_an_inspection_outside_the_scope_is_not_found(db):
    source = _inspection(enterprise="hongkou_shop")
    with pytest.raises(ValidationError) as raised:
        cf.file_case(inspection_id=source.pk)
    assert errors_of(raised)["inspection"] == ["来源检查不存在或不在您的管辖范围内"]


# --- weighing -------------------------------------------------------------------------------


def test_a_fine_inside_the_range_needs_no_review(db):
    case = cf.weigh(cf.file_case(), fine=40_000)
    assert (case.fine, case.needs_legal_review, case.legal_review_reason) == (40_000, False, "")
    assert case.rule == cf.rule()
    assert case.transitions.filter(action="weigh").count() == 1


def test_a_fine_outside_the_range_needs_a_reason(db):
    with pytest.raises(ValidationError) as raised:
        cf.weigh(cf.file_case(), fine=70_000)
    assert "30,000–60,000" in errors_of(raised)["fine"][0]


def test_a_fine_outside_the_range_with_a_reason_is_recorded_and_reviewed(db):
    case = cf.weigh(cf.file_case(), fine=25_000, fine_reason="主动消除危害后果，依法从轻")
    assert case.needs_legal_review
    assert case.legal_review_reason == "罚款超出自由裁量基准"
    entry = selectors.chain_entries(case).get(action="weigh")
    assert "超出基准" in entry.summary and entry.data["outside_range"] is True


@pytest.mark.parametrize(
    "options, reason",
    [
        ({"rule": ("AQF-97-4", "serious"), "fine": 60_000}, "较大数额罚款（50,000元以上）"),
        (
            {"rule": ("AQF-97-4", "grave"), "fine": 100_000},
            "较大数额罚款（50,000元以上）；拟停产停业",
        ),
        ({"other_measures": "暂扣安全生产许可证"}, "拟暂扣"),
        ({"other_measures": "吊销有关证照"}, "拟吊销"),
        ({"other_measures": "提请关闭"}, "拟关闭"),
        ({"complex_case": True}, "案情复杂"),
        ({"fine": 29_999, "fine_reason": "从轻"}, "罚款超出自由裁量基准"),
    ],
)
def test_each_trigger_of_article_58_makes_the_case_need_review(options, reason, db):
    options = dict(options)
    if "rule" in options:
        options["rule"] = cf.rule(*options["rule"])
    case = cf.weigh(cf.file_case(), **options)
    assert case.needs_legal_review
    assert case.legal_review_reason == reason


def test_49999_is_below_the_larger_fine(db):
    case = cf.weigh(
        cf.file_case(), rule=cf.rule("AQF-97-4", "serious"), fine=49_999, fine_reason="x"
    )
    assert case.legal_review_reason == "罚款超出自由裁量基准"  # below 60,000, not large


def test_the_rules_measure_is_taken_when_none_is_given(db):
    case = cf.weigh(cf.file_case(), rule=cf.rule("AQF-97-4", "grave"))
    assert case.other_measures == "责令停产停业整顿"


def test_a_retired_rule_cannot_be_applied(db):
    retired = cf.rule()
    services.discretion_rule_retire(world.actor("admin"), rule_id=retired.pk)
    with pytest.raises(ValidationError) as raised:
        cf.weigh(cf.file_case(), rule=retired)
    assert errors_of(raised)["rule"] == ["请选择启用中的自由裁量基准"]


def test_weighing_after_the_review_started_is_a_conflict_naming_the_state(db):
    case = cf.case_in(CaseState.LEGAL_REVIEW)
    with pytest.raises(Conflict, match="法制审核中"):
        cf.weigh(case)


def test_weighing_with_a_stale_version_is_a_conflict(db):
    case = cf.file_case()
    with pytest.raises(Conflict):
        services.case_weigh(
            world.actor("district_official"),
            case_id=case.pk,
            expected_version=case.version + 1,
            rule_id=cf.rule().pk,
            fine=30_000,
        )


def test_a_colleague_cannot_weigh_a_case_they_do_not_handle(db):
    with pytest.raises(NotPermitted, match="只有本案承办人可以办理"):
        cf.weigh(cf.file_case(), by=cf.colleague().user)


# --- the gate --------------------------------------------------------------------------------


def needing_review():
    case = cf.weigh(cf.file_case(), complex_case=True)
    return cf.step(case, "investigate")


@pytest.mark.parametrize("name", ["notify", "decide"])
def test_a_case_needing_review_is_neither_notified_nor_decided_from_investigating(name, db):
    case = needing_review()
    with pytest.raises(Conflict) as raised:
        cf.step(case, name)
    if name == "notify":
        assert "本案须经法制审核通过后才能告知和作出决定" in str(raised.value)
    case.refresh_from_db()
    assert case.state == CaseState.INVESTIGATING
    offered = {a.name for a in CASE.available(world.actor("district_official"), case)}
    assert "notify" not in offered and "submit_review" in offered


@pytest.mark.parametrize("who", ["filer", "handler", "weigher", "submitter"])
def test_nobody_who_took_part_passes_the_review(who, db):
    # Everyone here holds 法制审核 by role (杨浦区应急局 officials): only the guard refuses.
    weigher, submitter = cf.person("weigher_official"), cf.person("submitter_official")
    handler = cf.inspector_of(cf.person("official_handler"))
    case = cf.file_case(handler_ids=[cf.handlers()[0].pk, handler.pk])
    case = cf.weigh(case, by=weigher, complex_case=True)
    case = cf.step(cf.step(case, "investigate"), "submit_review", by=submitter)
    user = {
        "filer": world.actor("district_official"),
        "handler": handler.user,
        "weigher": weigher,
        "submitter": submitter,
    }[who]
    with pytest.raises(NotPermitted, match="立案人、承办人和作出裁量或提交审核的人员不能审核本案"):
        cf.step(case, "pass_review", by=user)
    with pytest.raises(NotPermitted):
        cf.step(case, "return_review", by=user)
    assert cf.step(case, "pass_review").state == CaseState.REVIEWED


def test_after_a_return_the_gate_closes_until_a_new_pass(db):
    case = cf.step(needing_review(), "submit_review")
    case = cf.step(case, "return_review")
    assert case.state == CaseState.INVESTIGATING
    with pytest.raises(Conflict, match="法制审核"):
        cf.step(case, "notify")
    # Re-weighed under every trigger, it still needs review: it was returned.
    case = cf.weigh(case, fine=30_000)
    assert case.needs_legal_review and "法制审核退回后重新裁量" in case.legal_review_reason
    with pytest.raises(Conflict):
        cf.step(case, "notify")
    case = cf.step(cf.step(case, "submit_review"), "pass_review")
    assert cf.step(case, "notify").state == CaseState.NOTIFIED


def test_repeated_returns_keep_the_gate_closed(db):
    case = cf.step(needing_review(), "submit_review")
    case = cf.step(case, "return_review")
    case = cf.step(case, "submit_review")
    case = cf.step(case, "return_review")
    assert case.transitions.filter(action="return_review").count() == 2
    with pytest.raises(Conflict):
        cf.step(case, "notify")


def test_a_pass_needs_the_opinion_and_stores_it(db):
    case = cf.step(needing_review(), "submit_review")
    with pytest.raises(ValidationError) as raised:
        cf.step(case, "pass_review", values={})
    assert errors_of(raised) == {"legal_review_opinion": ["请填写法制审核意见"]}
    assert cf.step(case, "pass_review").legal_review_opinion == cf.OPINION


def test_the_review_queue_holds_what_the_user_may_review(db):
    case = cf.step(needing_review(), "submit_review")
    assert list(selectors.review_queue(cf.reviewer())) == [case]
    assert not selectors.review_queue(world.actor("district_official")).exists()  # the filer
    assert not selectors.review_queue(world.actor("inspector")).exists()  # no such action


# --- the other steps ---------------------------------------------------------------------------


def test_deciding_dates_the_decision_and_executing_needs_the_note(db):
    case = cf.case_in(CaseState.DECIDED)
    assert case.decided_on == timezone.localdate()
    with pytest.raises(ValidationError) as raised:
        cf.step(case, "execute", values={"paid_on": timezone.localdate()})
    assert errors_of(raised) == {"execution_note": ["请填写执行情况（缴款或履行情况）"]}
    with pytest.raises(ValidationError) as raised:
        cf.step(case, "execute", values={"execution_note": "已缴", "paid_on": "2000-01-01"})
    assert errors_of(raised) == {"paid_on": ["缴款日期不能早于处罚决定日期"]}
    today = timezone.localdate().isoformat()
    case = cf.step(case, "execute", values={"execution_note": "已缴", "paid_on": today})
    assert (case.state, case.paid_on) == (CaseState.EXECUTED, timezone.localdate())


def test_a_payment_before_the_decision_or_in_the_future_is_refused(db):
    case = cf.case_in(CaseState.DECIDED)
    future = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as raised:
        cf.step(case, "execute", values={"execution_note": "已缴", "paid_on": future})
    assert errors_of(raised) == {"paid_on": ["缴款日期不能晚于今天"]}


def test_a_transfer_needs_the_receiving_authority_and_the_reason(db):
    case = cf.file_case()
    with pytest.raises(ValidationError) as raised:
        cf.step(case, "transfer", reason="", values={})
    assert set(errors_of(raised)) == {"reason", "transferred_to"}


def test_a_step_refuses_a_field_it_does_not_write(db):
    with pytest.raises(ValidationError, match="不能修改的字段：transferred_to"):
        cf.step(cf.file_case(), "investigate", values={"transferred_to": "某局"})


def test_an_unknown_step_is_refused(db):
    with pytest.raises(ValidationError) as raised:
        cf.step(cf.file_case(), "approve")
    assert "name" in errors_of(raised)


# --- the record and the documents ----------------------------------------------------------------


def kinds(case) -> list[str]:
    return list(
        EnforcementDocument.objects.filter(case=case).order_by("id").values_list("kind", flat=True)
    )


def test_every_step_is_one_entry_of_the_record_and_documents_follow_their_step(db):
    case = cf.step(needing_review(), "submit_review")
    for name in ("pass_review", "notify", "decide", "execute", "close"):
        case = cf.step(case, name, latitude="31.320001", longitude="121.530002")
    actions = list(selectors.chain_entries(case).values_list("action", flat=True))
    assert actions == [
        "file",
        "document",
        "weigh",
        "investigate",
        "submit_review",
        "pass_review",
        "notify",
        "document",
        "decide",
        "document",
        "execute",
        "close",
    ]
    checked, breaks = chain.verify(chain.chain_key(case))
    assert (checked, breaks) == (12, [])
    close = selectors.chain_entries(case).get(action="close")
    assert str(close.latitude) == "31.320001" and str(close.longitude) == "121.530002"
    assert kinds(case) == ["case_filing", "penalty_notice", "penalty_decision"]


def test_a_transfer_issues_the_transfer_letter(db):
    case = cf.case_in(CaseState.TRANSFERRED)
    assert case.transferred_to == "上海市公安局杨浦分局"
    assert kinds(case) == ["case_filing", "case_transfer"]
    letter = EnforcementDocument.objects.get(case=case, kind="case_transfer")
    entry = selectors.chain_entries(case).filter(action="document").last()
    assert entry.data["sha256"] == letter.sha256


@pytest.mark.parametrize(
    "state, expected",
    [
        (CaseState.INVESTIGATING, ["case_filing"]),
        (CaseState.REVIEWED, ["case_filing"]),
        (CaseState.DROPPED, ["case_filing"]),
        (CaseState.CLOSED, ["case_filing", "penalty_notice", "penalty_decision"]),
    ],
)
def test_documents_are_issued_only_at_filing_notice_decision_and_transfer(state, expected, db):
    assert kinds(cf.case_in(state)) == expected
