"""The 应急预案 pages: the list (cards on a phone) and its Excel, a plan's page with its
versions, filing deadline and basis, levels and tasks, roles, assessments and timeline;
the draft form (rows typed one per line, refused in Chinese by field, keeping what was
valid); the transitions offered only to who may take them now, posted by name; a stale
page answered with the conflict; another district's plan a 404; the overview's plan
figures opening exactly the plans they count.

The plans are built once for the module (``plans``); each test's writes roll back."""

from datetime import date
from io import BytesIO
from urllib.parse import urlparse

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from anjian.emergency import services_plans
from anjian.emergency.choices import OwnerKind, PlanType
from anjian.emergency.models import EmergencyPlan, PlanState
from anjian.emergency.tests.factories_plans import (
    government_plan,
    in_force,
    publish,
    submit,
    unit_plan,
)
from testsupport import world

pytestmark = pytest.mark.django_db
LIST = reverse("emergency:plan_list")
CREATE = reverse("emergency:plan_create")


@pytest.fixture(scope="module")
def plans(django_db_setup, django_db_blocker):
    """A draft, a published plan overdue for filing, a filed one, its revision (a draft),
    and the neighbouring district's plan — built once, rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        overdue = publish(
            government_plan(
                title="杨浦区防汛防台专项应急预案", plan_type=PlanType.GOVERNMENT_SPECIAL
            )
        )
        filed = in_force(
            enterprise="pingliang_factory",
            filed_on=date(2026, 3, 20),
            title="平凉机械厂生产安全事故综合应急预案",
        )
        revision = services_plans.plan_revise(world.actor("district_official"), plan_id=filed.pk)
        built = {
            "draft": unit_plan(title="殷行化工储罐区泄漏现场处置方案", plan_type=PlanType.ONSITE),
            "overdue": overdue,
            "filed": filed,
            "revision": revision,
            "neighbour": unit_plan(
                world.actor("neighbour_official"),
                enterprise="hongkou_shop",
                title="虹口超市火灾现场处置方案",
                plan_type=PlanType.ONSITE,
            ),
        }
        yield built
        transaction.set_rollback(True)


def page(client, url, **query) -> str:
    response = client.get(url, query)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def fresh(plan) -> EmergencyPlan:
    return EmergencyPlan.objects.get(pk=plan.pk)


# --- the list -----------------------------------------------------------------------------------


def test_the_list_shows_the_plans_in_scope_as_rows_and_phone_cards(client_for, plans):
    html = page(client_for(world.actor("district_official")), LIST)
    for name in ("draft", "overdue", "filed"):
        assert plans[name].title in html
    assert plans["neighbour"].title not in html
    assert "data-card" in html and 'data-state="published"' in html
    assert "逾期未报备" in html  # the overdue plan's filing deadline, marked


def test_the_list_filters_say_what_they_apply(client_for, plans):
    html = page(client_for(world.actor("leader")), LIST, plan_type=PlanType.COMPREHENSIVE)
    assert plans["filed"].title in html and plans["overdue"].title not in html
    assert "预案类型：综合应急预案" in html


def test_the_export_is_the_filtered_list(client_for, plans):
    response = client_for(world.actor("inspector")).get(
        reverse("emergency:plan_export"), {"state": PlanState.FILED}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[0][:2] == ("预案编号", "预案名称")
    assert [row[1] for row in rows[1:]] == [plans["filed"].title]


# --- a plan's page ------------------------------------------------------------------------------


def test_the_page_shows_filing_deadline_and_basis_levels_tasks_roles_and_timeline(
    client_for, plans
):
    plan = plans["overdue"]
    html = page(client_for(world.actor("leader")), plan.get_absolute_url())
    assert plan.filing_due_on.isoformat() in html and "data-filing-overdue" in html
    assert "发布之日（2026-03-02）起20个工作日" in html and plan.filing_due_basis in html
    assert 'data-level="3"' in html and "疏散厂区人员" in html and "15分钟内" in html
    assert "应急指挥部" in html and "抢险组" in html
    assert 'data-action="publish"' in html and 'data-action="create"' in html
    assert 'action="/emergency/' not in html  # a leader reads only


def test_the_page_shows_the_versions_each_way(client_for, plans):
    client = client_for(world.actor("district_official"))
    filed, revision = plans["filed"], plans["revision"]
    html = page(client, filed.get_absolute_url())
    assert f'data-version="{revision.pk}"' in html and "data-filing-number" in html
    html = page(client, revision.get_absolute_url())
    assert f'data-version="{filed.pk}"' in html and "修订前版本" in html
    assert 'id="edit-link"' in html  # the revision is a draft


def test_another_districts_plan_is_not_found(client_for, plans):
    neighbour = client_for(world.actor("neighbour_official"))
    assert neighbour.get(plans["overdue"].get_absolute_url()).status_code == 404
    assert (
        neighbour.get(reverse("emergency:plan_edit", args=[plans["draft"].pk])).status_code == 404
    )
    transition = reverse("emergency:plan_transition", args=[plans["overdue"].pk])
    posted = neighbour.post(transition, {"name": "submit", "version": 2, "filing_authority": "x"})
    assert posted.status_code == 404
    other = client_for(world.actor("district_official")).get(plans["neighbour"].get_absolute_url())
    assert other.status_code == 404


def test_only_the_transitions_the_user_may_take_now_are_offered(client_for, plans):
    draft = plans["draft"]
    author = page(client_for(world.actor("district_official")), draft.get_absolute_url())
    assert 'id="action-publish"' in author and 'id="action-abolish"' in author
    assert 'id="action-file"' not in author and 'id="action-submit"' not in author
    unit = page(client_for(world.actor("enterprise_manager")), draft.get_absolute_url())
    assert 'id="action-publish"' in unit  # its own unit's plan
    submitted = submit(plans["overdue"])
    author = page(client_for(world.actor("district_official")), submitted.get_absolute_url())
    assert 'id="action-file"' not in author  # never the plan's own author
    authority = page(client_for(world.actor("admin")), submitted.get_absolute_url())
    assert 'id="action-file"' in authority and 'id="action-return"' in authority


# --- writing and transitions --------------------------------------------------------------------


def draft_form(**overrides) -> dict:
    data = {
        "owner_kind": OwnerKind.GOVERNMENT,
        "region": world.YANGPU,
        "department": "",
        "enterprise": "",
        "title": "杨浦区危险化学品事故专项应急预案",
        "plan_type": PlanType.GOVERNMENT_SPECIAL,
        "edition": "2026年版",
        "scope_text": "本区行政区域内危险化学品生产、储存、使用、经营、运输环节发生的事故",
        "risks": "危险化学品泄漏、火灾、爆炸、中毒",
        "command_structure": "区危险化学品事故应急指挥部",
        "assessment_cycle_years": "3",
        "roles": "总指挥｜分管副区长｜统一领导应急处置\n现场指挥部\t区应急局局长\t组织现场处置",
        "level_3_trigger": "造成3人以上死亡或者10人以上重伤",
        "level_3_commander": "分管副区长",
        "level_3_tasks": "启动区级应急响应｜区应急局｜30\n组织专家会商|区应急局|60",
        "level_4_trigger": "",
        "level_4_commander": "",
        "level_4_tasks": "",
    }
    data.update(overrides)
    return data


def test_a_draft_is_written_with_its_levels_tasks_and_roles(client_for, plans):
    client = client_for(world.actor("district_official"))
    assert 'name="level_1_trigger"' in page(client, CREATE)
    response = client.post(CREATE, draft_form())
    plan = EmergencyPlan.objects.get(title="杨浦区危险化学品事故专项应急预案")
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    assert plan.state == PlanState.DRAFT and plan.region_id == world.YANGPU
    assert list(plan.tasks.values_list("title", "due_minutes")) == [
        ("启动区级应急响应", 30),
        ("组织专家会商", 60),
    ]
    assert list(plan.roles.values_list("name", flat=True)) == ["总指挥", "现场指挥部"]


def test_bad_input_is_named_by_field_in_chinese_and_what_was_valid_is_kept(client_for, plans):
    client = client_for(world.actor("district_official"))
    refused = client.post(
        CREATE,
        draft_form(
            title="",
            level_3_tasks="启动区级应急响应｜区应急局｜半小时",
            level_4_commander="值班主任",
        ),
    )
    html = refused.content.decode()
    assert refused.status_code == 422
    assert "请填写预案名称" in html
    assert "第1行：“时限（分钟）”须为1至43200之间的整数" in html
    assert "请填写Ⅳ级响应的启动条件" in html
    assert "危险化学品泄漏、火灾、爆炸、中毒" in html  # kept
    wrong_type = client.post(CREATE, draft_form(plan_type=PlanType.ONSITE))
    assert wrong_type.status_code == 422
    assert "人民政府及其部门的预案类型为总体、专项或部门应急预案" in wrong_type.content.decode()
    assert not EmergencyPlan.objects.filter(title__startswith="杨浦区危险化学品").exists()


def test_publishing_on_the_page_sets_the_filing_deadline(client_for, plans):
    draft = plans["draft"]
    client = client_for(world.actor("district_official"))
    url = reverse("emergency:plan_transition", args=[draft.pk])
    done = client.post(
        url, {"name": "publish", "version": draft.version, "published_on": "2026-09-28"}
    )
    assert done.status_code == 302 and urlparse(done["Location"]).fragment == "filing"
    plan = fresh(draft)
    assert plan.state == PlanState.PUBLISHED
    # 20 working days across 国庆 2026: off 10.1–10.7, the Saturday 10.10 worked
    assert plan.filing_due_on == date(2026, 10, 30)
    html = page(client, plan.get_absolute_url())
    assert "2026-10-30" in html and "data-filing-due" in html


def test_a_stale_page_gets_the_conflict_and_a_missing_value_its_message(client_for, plans):
    plan = plans["overdue"]
    client = client_for(world.actor("district_official"))
    url = reverse("emergency:plan_transition", args=[plan.pk])
    stale = client.post(
        url, {"name": "submit", "version": plan.version - 1, "filing_authority": "杨浦区应急管理局"}
    )
    assert stale.status_code == 409 and "data-conflict" in stale.content.decode()
    kept = f'name="version" value="{plan.version}" id="transition_submit-version"'
    assert kept in stale.content.decode()  # the form, read again at the current version
    assert fresh(plan).state == PlanState.PUBLISHED
    empty = client.post(url, {"name": "submit", "version": plan.version, "filing_authority": ""})
    assert empty.status_code == 422 and "请填写备案受理单位" in empty.content.decode()
    assert client.post(url, {"name": "supersede", "version": plan.version}).status_code == 404


def test_submit_then_file_by_the_authority(client_for, plans):
    plan = plans["overdue"]
    url = reverse("emergency:plan_transition", args=[plan.pk])
    author = client_for(world.actor("district_official"))
    assert (
        author.post(
            url, {"name": "submit", "version": plan.version, "filing_authority": "上海市应急管理局"}
        ).status_code
        == 302
    )
    plan = fresh(plan)
    refused = author.post(url, {"name": "file", "version": plan.version, "filing_number": "1"})
    assert refused.status_code == 403
    authority = client_for(world.actor("admin"))
    filed = authority.post(
        url,
        {
            "name": "file",
            "version": plan.version,
            "filing_number": "沪应急预备〔2026〕8号",
            "filed_on": "",
        },
    )
    assert filed.status_code == 302
    plan = fresh(plan)
    assert plan.state == PlanState.FILED and plan.filed_on == timezone.localdate()
    assert "超期备案" in page(authority, plan.get_absolute_url())


def test_assessment_trigger_and_attachment_are_recorded_on_the_page(client_for, plans):
    plan = plans["filed"]
    client = client_for(world.actor("district_official"))
    assess = reverse("emergency:plan_assess", args=[plan.pk])
    late = client.post(assess, {"assessed_on": "2020-01-01", "conclusion": "基本适用"})
    assert late.status_code == 422 and "评估日期不能早于预案发布日期" in late.content.decode()
    assert (
        client.post(
            assess, {"assessed_on": "2026-06-01", "conclusion": "基本适用", "needs_revision": "on"}
        ).status_code
        == 302
    )
    assert fresh(plan).revision_due and fresh(plan).assessment_due_on == date(2029, 6, 1)
    trigger = reverse("emergency:plan_trigger", args=[plan.pk])
    assert client.post(trigger, {"trigger": "hazard", "conclusion": "新增储罐"}).status_code == 302
    attach = reverse("emergency:plan_attach", args=[plan.pk])
    wrong = client.post(attach, {"name": "正文", "file": SimpleUploadedFile("a.exe", b"MZ")})
    assert wrong.status_code == 422 and "只能上传" in wrong.content.decode()
    upload = SimpleUploadedFile("预案.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    assert client.post(attach, {"name": "预案正文（签发稿）", "file": upload}).status_code == 302
    html = page(client, plan.get_absolute_url())
    assert 'data-assessment="assessment"' in html and 'data-assessment="trigger"' in html
    attachment = plan.attachments.get()
    download = client.get(reverse("emergency:plan_attachment", args=[plan.pk, attachment.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    neighbour = client_for(world.actor("neighbour_official"))
    url = reverse("emergency:plan_attachment", args=[plan.pk, attachment.pk])
    assert neighbour.get(url).status_code == 404


def test_revising_opens_the_new_draft_and_a_published_plan_is_not_edited(client_for, plans):
    client = client_for(world.actor("district_official"))
    plan = plans["overdue"]
    edit = client.get(reverse("emergency:plan_edit", args=[plan.pk]))
    assert edit.status_code == 302 and edit["Location"] == plan.get_absolute_url()
    revised = client.post(reverse("emergency:plan_revise", args=[plan.pk]))
    draft = plan.revisions.get()
    assert revised["Location"] == reverse("emergency:plan_edit", args=[draft.pk])
    form = page(client, revised["Location"])
    assert "疏散厂区人员｜疏散组｜15" in form and "data-owner-fixed" in form


def test_the_owner_picker_finds_units_in_scope_only(client_for, plans):
    client = client_for(world.actor("district_official"))
    url = reverse("emergency:enterprise_matches")
    html = page(client, url, q="有限公司")
    assert f'data-match="{world.enterprise("yinhang_chemical").pk}"' in html
    assert f'data-match="{world.enterprise("hongkou_shop").pk}"' not in html
    assert client_for(world.actor("leader")).get(url, {"q": "x"}).status_code == 403


# --- the overview -------------------------------------------------------------------------------


def test_each_plan_figure_opens_exactly_the_plans_it_counts(client_for, plans):
    client = client_for(world.actor("district_official"))
    response = client.get(reverse("emergency:overview"))
    assert response.status_code == 200
    figures = response.context["plans"]
    for key in ("filing_overdue", "filed", "in_force", "filing_rate", "assessment_overdue"):
        link = figures[key]["url"]
        shown = client.get(link).context["table"].data.data
        counted = figures[key]["figure"]
        count = counted.numerator.count if hasattr(counted, "numerator") else counted.count
        assert shown.count() == count, key
    overdue = client.get(figures["filing_overdue"]["url"]).context["table"].data.data
    assert list(overdue) == [plans["overdue"]]
    assert figures["filing_overdue"]["url"] in response.content.decode()


def test_the_list_is_empty_of_other_districts_for_the_neighbour(client_for, plans):
    html = page(client_for(world.actor("neighbour_official")), LIST)
    assert plans["neighbour"].title in html and plans["draft"].title not in html
