"""The penalty-case pages: the list (cards on a phone), filing a case (from a completed
inspection too), weighing it, its steps and the gate, the review queue, the discretion
table and its editing."""

import pytest
from django.urls import reverse

from anjian.inspections.case_models import Case, CaseState, DiscretionRule
from anjian.inspections.models import ChecklistEntry, ChecklistTemplate, Inspection, InspectionMark
from anjian.inspections.record_models import InspectionState, MarkResult
from anjian.inspections.tests import case_factories as cf
from anjian.inspections.tests import factories
from testsupport import world


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def page(client, url, **query):
    response = client.get(url, query)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_list_shows_the_visible_cases_with_filters_and_phone_cards(client_for, db):
    case = cf.weigh(cf.file_case(), complex_case=True)
    client = client_for(world.actor("district_official"))
    html = page(client, reverse("inspections:case_list"))
    assert case.title in html and case.number in html and "data-card" in html
    assert "data-needs-review" in html and 'href="/inspections/cases/new/"' in html
    assert case.title not in page(client, reverse("inspections:case_list"), needs_review="no")
    assert case.title in page(client, reverse("inspections:case_list"), state="filed")
    assert case.title not in page(client, reverse("inspections:case_list"), state="closed")
    neighbour = client_for(world.actor("neighbour_official"))
    assert case.title not in page(neighbour, reverse("inspections:case_list"))


def test_filing_picks_the_party_by_search_and_files(client_for, db):
    client = client_for(world.actor("district_official"))
    url = reverse("inspections:case_create")
    html = page(client, url, q="殷行化工")
    assert "上海殷行化工有限公司" in html and 'id="matches"' in html
    unit = world.enterprise("yinhang_chemical")
    assert f'data-picked="{unit.pk}"' in page(client, url, enterprise=unit.pk)
    handlers = cf.handlers()
    data = {
        "enterprise": unit.pk,
        "department": factories.department().pk,
        "title": "未按规定设置安全警示标志案",
        "facts": "储罐区未设置明显的安全警示标志。",
        "handlers": [handlers[0].pk],
    }
    refused = client.post(url, data)
    assert refused.status_code == 422
    assert "案件须由 2 名以上持有效执法证的执法人员承办（已选 1 名）" in refused.content.decode()
    assert not Case.objects.exists()
    done = client.post(url, {**data, "handlers": [h.pk for h in handlers]})
    case = Case.objects.get()
    assert done.status_code == 302 and done["Location"] == case.get_absolute_url()
    assert case.number.startswith("（杨浦）应急立")


def test_a_party_outside_the_scope_is_refused_on_the_form(client_for, db):
    client = client_for(world.actor("district_official"))
    response = client.post(
        reverse("inspections:case_create"),
        {
            "enterprise": world.enterprise("hongkou_shop").pk,
            "department": factories.department().pk,
            "title": "案",
            "facts": "事实",
            "handlers": [h.pk for h in cf.handlers()],
        },
    )
    assert response.status_code == 422
    assert "请选择您管辖范围内的单位作为当事人" in response.content.decode()
    assert not Case.objects.exists()


def test_a_completed_inspection_prefills_the_case_from_its_failed_items(client_for, db):
    template = ChecklistTemplate.objects.create(key="case-view", name="通用检查表")
    entry = ChecklistEntry.objects.create(
        template=template,
        position=1,
        text="安全警示标志",
        basis="《安全生产法》第三十五条",
        finding="未设置明显的安全警示标志",
    )
    visit = Inspection.objects.create(
        department=factories.department(),
        enterprise=world.enterprise("yinhang_chemical"),
        kind="special",
        checklist=template,
        state=InspectionState.DONE,
        created_by=world.actor("admin"),
    )
    visit.inspectors.set(cf.handlers())
    InspectionMark.objects.create(
        inspection=visit,
        entry=entry,
        result=MarkResult.FAIL,
        place="储罐区",
        marked_by=world.actor("admin"),
    )
    html = page(
        client_for(world.actor("district_official")),
        reverse("inspections:case_create"),
        inspection=visit.pk,
    )
    assert f'data-source="{visit.pk}"' in html
    assert "1. 未设置明显的安全警示标志（储罐区）（《安全生产法》第三十五条）" in html
    assert f'name="inspection" value="{visit.pk}"' in html


def test_the_case_page_shows_the_penalty_documents_record_and_steps(client_for, db):
    case = cf.case_in(CaseState.NOTIFIED, fine=40_000)
    html = page(client_for(world.actor("district_official")), case.get_absolute_url())
    assert case.facts in html and "data-range>30000–60000" in html
    assert 'data-document="penalty_notice"' in html and 'data-document="case_filing"' in html
    assert 'data-entry="notify"' in html and 'data-entry="weigh"' in html
    assert 'id="action-decide"' in html and 'id="action-transfer"' in html
    assert 'id="action-pass_review"' not in html


def test_weighing_on_the_page(client_for, db):
    case = cf.file_case()
    client = client_for(world.actor("district_official"))
    url = reverse("inspections:case_weigh", args=[case.pk])
    html = page(client, url)
    assert "<optgroup" in html and "AQF-97-4 未如实记录安全生产教育和培训情况" in html
    rule = cf.rule()
    data = {"version": case.version, "rule": rule.pk, "fine": 70_000}
    refused = client.post(url, data)
    assert refused.status_code == 422 and "超出基准须在裁量理由中说明" in refused.content.decode()
    done = client.post(url, {**data, "fine_reason": "屡次被责令改正", "complex_case": "on"})
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.needs_legal_review and case.fine == 70_000
    stale = client.post(url, {**data, "fine": 40_000})
    assert stale.status_code == 409


def test_the_gate_on_the_page(client_for, db):
    case = cf.step(cf.weigh(cf.file_case(), complex_case=True), "investigate")
    filer = client_for(world.actor("district_official"))
    html = page(filer, case.get_absolute_url())
    assert "data-gate" in html and 'id="action-notify"' not in html
    notify = filer.post(
        reverse("inspections:case_notify", args=[case.pk]), {"version": case.version}
    )
    assert notify.status_code == 409
    assert "本案须经法制审核通过后才能告知和作出决定" in notify.content.decode()
    filer.post(reverse("inspections:case_submit_review", args=[case.pk]), {"version": case.version})
    case.refresh_from_db()
    assert case.state == CaseState.LEGAL_REVIEW
    url = reverse("inspections:case_pass_review", args=[case.pk])
    own = filer.post(url, {"version": case.version, "legal_review_opinion": "同意"})
    assert own.status_code == 403
    reviewer = client_for(cf.reviewer())
    queue = page(reviewer, reverse("inspections:case_review_queue"))
    assert case.title in queue
    empty = reviewer.post(url, {"version": case.version})
    assert empty.status_code == 422 and "请填写法制审核意见" in empty.content.decode()
    assert (
        reviewer.post(url, {"version": case.version, "legal_review_opinion": "同意"}).status_code
        == 302
    )
    case.refresh_from_db()
    assert case.state == CaseState.REVIEWED and case.legal_review_opinion == "同意"


def test_the_review_queue_is_for_reviewers(client_for, db):
    response = client_for(world.actor("inspector")).get(reverse("inspections:case_review_queue"))
    assert response.status_code == 403


def test_everyone_who_inspects_reads_the_discretion_table(client_for, db):
    html = page(client_for(world.actor("leader")), reverse("inspections:discretion_list"))
    assert 'data-violation="AQF-108"' in html and "第一百零八条" in html
    assert reverse("inspections:discretion_create") not in html
    admin = page(client_for(world.actor("admin")), reverse("inspections:discretion_list"))
    assert reverse("inspections:discretion_create") in admin


def test_a_city_administrator_edits_and_retires_rules(client_for, db):
    admin = client_for(world.actor("admin"))
    rule = cf.rule()
    cf.weigh(cf.file_case(), rule=rule)
    url = reverse("inspections:discretion_edit", args=[rule.pk])
    assert page(admin, url)
    data = {
        **{name: getattr(rule, name) for name in cf.services.RULE_FIELDS},
        "fine_max": 90_000,
        "version": rule.version,
    }
    refused = admin.post(url, data)
    assert refused.status_code == 422 and "已有案件适用该基准" in refused.content.decode()
    retire = admin.post(
        reverse("inspections:discretion_retire", args=[rule.pk]), {"version": rule.version}
    )
    assert retire.status_code == 302
    assert not DiscretionRule.objects.get(pk=rule.pk).is_active
    district = client_for(world.actor("district_official"))
    assert district.get(url).status_code == 403
