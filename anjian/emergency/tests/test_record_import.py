"""Excel import of plans and drills: published plans with their levels and filing deadline,
held drills, owners named as the forms name them, every bad cell named by row and column,
nothing imported twice, nothing outside the writer's scope, and the pages that start it."""

from datetime import date
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from anjian.core import excel_import
from anjian.core.exceptions import NotPermitted
from anjian.core.models import BackgroundJob, JobStatus
from anjian.emergency import record_import
from anjian.emergency.choices import OwnerKind, PlanType
from anjian.emergency.models import Drill, DrillState, EmergencyPlan, PlanState
from anjian.emergency.tests import factories_plans as plans
from testsupport import world

pytestmark = pytest.mark.django_db


def xlsx(kind: str, rows: list[dict]) -> BytesIO:
    """A file as a user fills the template: the importable headers, then ``rows`` by key."""
    columns = [c for c in record_import.SPECS[kind].columns if c.importable]
    book = Workbook()
    sheet = book.active
    sheet.append([c.header for c in columns])
    for row in rows:
        sheet.append([row.get(c.key) for c in columns])
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def run(kind, rows, by=None, **options):
    by = by or world.actor("district_official")
    spec = record_import.SPECS[kind]
    return excel_import.import_file(by, spec, xlsx(kind, rows), **options)


def plan_row(**overrides) -> dict:
    row = {
        "owner_kind": "人民政府",
        "region": world.YANGPU,
        "title": "杨浦区危险化学品事故应急预案",
        "plan_type": "专项应急预案（政府）",
        "edition": "2026年版",
        "risks": "危险化学品泄漏、火灾、爆炸",
        "filing_authority": "上海市应急管理局",
        "levels": "Ⅳ级响应|一般事件，死亡1至2人|区应急局局长\nIII|较大事件|区长",
        "tasks": "Ⅳ级响应|核实情况并报告区政府|区应急局|30\n3级 | 组织疏散 | 属地街道",
    }
    row.update(overrides)
    return row


def drill_row(**overrides) -> dict:
    row = {
        "owner_kind": "生产经营单位",
        "enterprise": world.enterprise("yinhang_chemical").credit_code,
        "title": "储罐区泄漏现场处置演练",
        "kind": "现场处置方案演练",
        "form": "实战演练",
        "scenario": "储罐区苯泄漏",
        "planned_on": "2026/6/15",
        "place": "储罐区",
    }
    row.update(overrides)
    return row


# --- plans ------------------------------------------------------------------------------------


def test_a_plan_row_with_levels_and_a_publication_day_is_published_with_its_deadline():
    result = run("plan", [plan_row(published_on=date(2026, 3, 2)), plan_row(title="草稿预案")])
    assert result.errors == {} and result.created == 2
    published = EmergencyPlan.objects.get(title="杨浦区危险化学品事故应急预案")
    assert published.state == PlanState.PUBLISHED
    assert published.owner_kind == OwnerKind.GOVERNMENT and published.region_id == world.YANGPU
    assert published.plan_type == PlanType.GOVERNMENT_SPECIAL
    assert published.published_on == date(2026, 3, 2)
    # 20 working days after 2 March 2026 (Mon–Fri in the test calendar, no holiday).
    assert published.filing_due_on == date(2026, 3, 30)
    assert sorted(published.levels.values_list("level", "commander")) == [
        ("3", "区长"),
        ("4", "区应急局局长"),
    ]
    assert sorted(published.tasks.values_list("level", "title", "due_minutes")) == [
        ("3", "组织疏散", None),
        ("4", "核实情况并报告区政府", 30),
    ]
    draft = EmergencyPlan.objects.get(title="草稿预案")
    assert draft.state == PlanState.DRAFT and draft.number.startswith("YA")


def test_a_published_plan_needs_its_levels_and_the_message_says_so():
    result = run("plan", [plan_row(levels="", tasks="", published_on="2026-03-02")])
    assert result.created == 0
    assert result.errors[2] == ["请先登记预案的响应级别（启动条件和总指挥）"]


def test_every_bad_plan_cell_is_named_by_row_and_column_and_nothing_is_imported():
    rows = [
        plan_row(),
        plan_row(title="", plan_type="应急手册"),
        plan_row(title="格式错", levels="Ⅳ级响应，一般事件"),
        plan_row(title="周期错", assessment_cycle_years="三年"),
        plan_row(title="日期错", published_on="明年"),
        plan_row(title="企业类型错", plan_type="现场处置方案"),
        plan_row(title="任务错", tasks="Ⅱ级|未定义的级别|区政府"),
    ]
    result = run("plan", rows)
    assert result.created == 0 and EmergencyPlan.objects.count() == 0
    assert sorted(result.errors) == [3, 4, 5, 6, 7, 8]
    assert result.errors[3][0].startswith("【预案类型】“应急手册”无效，可选：总体应急预案")
    assert result.errors[4] == [
        "【响应级别】第1行“Ⅳ级响应，一般事件”应写成“级别|启动条件|总指挥”，级别为Ⅰ级至Ⅳ级"
    ]
    assert result.errors[5] == ["【评估周期（年）】评估周期须为1至10年的整数"]
    assert result.errors[6] == ["【发布日期】请填写日期，如 2026-03-01"]
    assert result.errors[7] == ["【预案类型】人民政府及其部门的预案类型为总体、专项或部门应急预案"]


def test_valid_mode_imports_the_good_rows_and_reports_the_others():
    result = run("plan", [plan_row(), plan_row(title="")], mode=excel_import.MODE_VALID)
    assert result.created == 1 and list(result.errors) == [3]
    assert result.errors[3] == ["【预案名称】请填写预案名称"]


def test_a_plan_is_not_imported_twice_nor_twice_in_one_file():
    assert run("plan", [plan_row()]).created == 1
    again = run("plan", [plan_row(), plan_row(edition="2027年版"), plan_row(edition="2027年版")])
    assert again.errors == {
        2: ["【预案名称】已登记（同一主体已有同名同版本预案），不再重复导入"],
        4: ["【预案名称】与第3行重复（同一主体的同名同版本预案）"],
    }
    assert EmergencyPlan.objects.count() == 1


def test_owners_resolve_in_the_writers_scope():
    unit = world.enterprise("yinhang_chemical")
    hongkou_unit = world.enterprise("hongkou_shop")
    result = run(
        "plan",
        [
            plan_row(
                owner_kind="生产经营单位",
                region="",
                enterprise=unit.credit_code,
                plan_type="综合应急预案",
            ),
            plan_row(
                owner_kind="政府部门", department="杨浦区应急管理局", plan_type="部门应急预案"
            ),
            plan_row(owner_kind="", enterprise=hongkou_unit.credit_code, title="外区单位"),
            plan_row(owner_kind="政府部门", department="虹口区应急管理局", title="外区部门"),
            plan_row(region=world.HONGKOU, title="外区政府"),
        ],
        mode=excel_import.MODE_VALID,
    )
    assert result.created == 2
    assert result.errors[4] == [
        f"【单位统一社会信用代码】统一社会信用代码“{hongkou_unit.credit_code}”"
        "不是您管辖范围内登记的单位"
    ]
    assert result.errors[5] == [
        "【政府部门名称】政府部门“虹口区应急管理局”不存在或不在您的管辖范围内"
    ]
    assert result.errors[6] == ["【所属区划代码】超出您的管辖范围"]
    assert EmergencyPlan.objects.get(enterprise=unit).plan_type == PlanType.COMPREHENSIVE
    department_plan = EmergencyPlan.objects.get(owner_kind=OwnerKind.DEPARTMENT)
    assert department_plan.department.name == "杨浦区应急管理局"


def test_a_units_user_imports_for_its_own_unit_only():
    manager = world.actor("enterprise_manager")
    other = world.enterprise("yinhang_site")
    row = plan_row(owner_kind="", region="", plan_type="现场处置方案", title="本单位")
    result = run(
        "plan",
        [row, {**row, "title": "别的单位", "enterprise": other.credit_code}],
        by=manager,
        mode=excel_import.MODE_VALID,
    )
    assert result.created == 1
    assert EmergencyPlan.objects.get().enterprise == world.enterprise("yinhang_chemical")
    assert result.errors[3][0].startswith("【单位统一社会信用代码】")


def test_a_user_who_may_not_keep_plans_cannot_import_them():
    with pytest.raises(NotPermitted):
        run("plan", [plan_row()], by=world.actor("leader"))


# --- drills -----------------------------------------------------------------------------------


def test_a_drill_row_is_a_plan_and_with_a_day_held_a_held_drill_of_the_named_plan():
    plan = plans.publish(plans.unit_plan(plan_type="onsite", title="储罐区现场处置方案"))
    rows = [
        drill_row(plan=plan.number),
        drill_row(title="已实施", held_on="2026年5月20日", participants=30, record="处置得当"),
    ]
    result = run("drill", rows)
    assert result.errors == {} and result.created == 2
    planned = Drill.objects.get(title="储罐区泄漏现场处置演练")
    assert planned.state == DrillState.PLANNED and planned.plan == plan
    assert planned.planned_on == date(2026, 6, 15)
    held = Drill.objects.get(title="已实施")
    assert held.state == DrillState.HELD
    assert (held.held_on, held.participants, held.record) == (date(2026, 5, 20), 30, "处置得当")


def test_every_bad_drill_cell_is_named_and_nothing_is_imported():
    rows = [
        drill_row(),
        drill_row(kind="消防演练", form=""),
        drill_row(plan="YA20260009999"),
        drill_row(title="只填了实施日期", held_on="2026-05-20"),
        drill_row(title="将来实施", held_on="2099-01-01", participants=3, record="记录"),
        drill_row(title="", planned_on=""),
    ]
    result = run("drill", rows)
    assert result.created == 0 and Drill.objects.count() == 0
    assert result.errors[3][0].startswith("【演练类型】“消防演练”无效，可选：综合演练")
    assert result.errors[3][1] == "【演练形式】此项必填"
    assert result.errors[4] == [
        "【演练的预案编号】预案编号“YA20260009999”不存在或不在您的管辖范围内"
    ]
    assert result.errors[5] == [
        "【参演人数】参演人数须为大于0的整数",
        "【演练记录】请填写演练记录（过程和处置情况）",
    ]
    assert result.errors[6][0].startswith("【实施日期】不能晚于今天")
    assert result.errors[7] == ["【演练名称】请填写演练名称", "【计划日期】请填写计划日期"]


def test_a_drill_is_not_imported_twice():
    assert run("drill", [drill_row()]).created == 1
    again = run("drill", [drill_row(), drill_row(planned_on="2026-07-01")])
    assert again.errors == {
        2: ["【演练名称】已登记（同一主体已有同一计划日期的同名演练），不再重复导入"]
    }


def test_a_plan_of_another_owner_cannot_be_drilled():
    plan = plans.publish(plans.unit_plan(enterprise="pingliang_factory", plan_type="onsite"))
    result = run("drill", [drill_row(plan=plan.number)])
    assert result.errors[2] == ["【演练的预案编号】只能选择本单位（本部门、本级人民政府）的预案"]


# --- pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["plan", "drill"])
def test_the_template_has_the_columns_an_example_and_the_choices(client_for, kind):
    client = client_for(world.actor("district_official"))
    response = client.get(reverse(f"emergency:{kind}_import_template"))
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert headers == [c.header for c in record_import.SPECS[kind].columns]
    assert str(sheet["A2"].value).startswith("【示例】")
    assert "可选值" in book.sheetnames
    page = client.get(reverse(f"emergency:{kind}_import"))
    assert page.status_code == 200
    assert reverse(f"emergency:{kind}_import_template") in page.content.decode()


def test_the_list_offers_the_import_to_those_who_keep_plans_only(client_for):
    url = reverse("emergency:plan_import")
    keeper = client_for(world.actor("district_official")).get(reverse("emergency:plan_list"))
    assert url in keeper.content.decode()
    leader = client_for(world.actor("leader")).get(reverse("emergency:plan_list"))
    assert url not in leader.content.decode()


def test_an_upload_runs_as_a_job_and_reports_row_by_row(
    client_for, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(world.actor("district_official"))
    content = xlsx("plan", [plan_row(), plan_row(title="")]).getvalue()
    upload = SimpleUploadedFile("plans.xlsx", content)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("emergency:plan_import"), {"file": upload, "mode": excel_import.MODE_VALID}
        )
    assert response.status_code == 302
    call_command("worker", batch=True, verbosity=0)
    job = BackgroundJob.objects.get(kind="emergency_plan_import")
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert job.message == "已导入 1 条应急预案"
    assert job.report["errors"] == [
        {"row": 3, "name": "", "messages": ["【预案名称】请填写预案名称"]}
    ]
    assert job.output_file
