"""The 应急资源 pages: every kind's list (cards on a phone), Excel and page for a user in
scope and 404 for another district; the forms (refused in Chinese by field, keeping what
was valid; a stale page gets the conflict); a warehouse's stock with its expiry warnings
and the receipts, issues, transfers and counts that move it — never below zero; the map's
layers; the stock figures opening exactly the lines they count.

The resources are built once for the module (``resources``); each test's writes roll back."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from anjian.core.models import BackgroundJob, JobStatus
from anjian.emergency.choices import Readiness, ShelterStatus, StorageLevel, TeamKind
from anjian.emergency.models import Expert, RescueTeam, StockMovement, Supply
from anjian.emergency.tests import factories_resources as make
from testsupport import world

pytestmark = pytest.mark.django_db
KINDS = ("team", "warehouse", "supply", "equipment", "shelter", "expert")


@pytest.fixture(scope="module")
def resources(django_db_setup, django_db_blocker):
    """One of each kind in 殷行街道, stock lines expiring, expired, under their reserve and
    in good order, a second warehouse in 平凉路街道, and the neighbouring district's team."""
    with django_db_blocker.unblock(), transaction.atomic():
        today = timezone.localdate()
        store = make.warehouse()
        other = make.warehouse(
            name="平凉路街道应急物资储备库",
            region=world.PINGLIANG,
            at=make.PINGLIANG_POINT,
        )
        built = {
            "team": make.team(),
            "warehouse": store,
            "other": other,
            "supply": make.supply(store, quantity=50, reserve_target=20),
            "expiring": make.supply(
                store, name="矿泉水", unit="箱", quantity=30, expires_on=today + timedelta(days=10)
            ),
            "expired": make.supply(
                store, name="压缩饼干", unit="箱", quantity=5, expires_on=today - timedelta(days=3)
            ),
            "below": make.supply(store, name="折叠床", unit="张", quantity=4, reserve_target=40),
            "other_line": make.supply(other, name="手电筒", unit="个", quantity=3),
            "equipment": make.equipment(warehouse=store.pk),
            "shelter": make.shelter(),
            "expert": make.expert(),
            "neighbour": make.team(
                world.actor("neighbour_official"),
                name="虹口区消防志愿队",
                region=make.hongkou_street(),
                at=make.HONGKOU_POINT,
            ),
        }
        yield built
        transaction.set_rollback(True)


def page(client, url, **query) -> str:
    response = client.get(url, query)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def detail(kind: str, obj) -> str:
    return reverse(f"emergency:{kind}_detail", args=[obj.pk])


# --- lists, pages, Excel ------------------------------------------------------------------------


def test_every_list_and_page_renders_in_scope_and_is_not_found_outside(client_for, resources):
    official = client_for(world.actor("district_official"))
    neighbour = client_for(world.actor("neighbour_official"))
    for kind in KINDS:
        html = page(official, reverse(f"emergency:{kind}_list"))
        assert resources[kind].name in html and "data-card" in html, kind
        assert "虹口区消防志愿队" not in html
        assert resources[kind].name in page(official, detail(kind, resources[kind]))
        assert neighbour.get(detail(kind, resources[kind])).status_code == 404, kind
    assert official.get(detail("team", resources["neighbour"])).status_code == 404


def test_every_kind_exports_its_filtered_list(client_for, resources):
    leader = client_for(world.actor("leader"))
    for kind in KINDS:
        response = leader.get(reverse(f"emergency:{kind}_export"), {"q": resources[kind].name})
        assert response.status_code == 200, kind
        rows = list(load_workbook(BytesIO(response.content)).worksheets[0].values)
        assert len(rows) == 2 and resources[kind].name in rows[1], kind
        assert rows[1][0] == resources[kind].pk  # 系统编号 first: the ledger imports back


def test_a_reader_gets_no_forms(client_for, resources):
    leader = client_for(world.actor("leader"))
    html = page(leader, detail("warehouse", resources["warehouse"]))
    assert 'action="/emergency/' not in html and 'id="edit-link"' not in html
    response = leader.get(reverse("emergency:team_create"))
    assert response.status_code == 403


# --- teams --------------------------------------------------------------------------------------


def team_form(**overrides) -> dict:
    data = {
        "owner_kind": "government",
        "region": world.YINHANG,
        "department": "",
        "enterprise": "",
        "name": "殷行街道防汛抢险队",
        "kind": TeamKind.PROFESSIONAL,
        "specialities": ["flood", "water"],
        "leader": "陈队长",
        "phone": "021-65019999",
        "duty_phone": "",
        "headcount": "25",
        "equipment_summary": "冲锋舟2艘、排涝泵4台",
        "readiness": Readiness.READY,
        "active": "on",
        "address": "殷行路100号",
        "latitude": "31.321",
        "longitude": "121.531",
    }
    data.update(overrides)
    return data


def test_a_team_is_registered_and_bad_input_is_named_by_field(client_for, resources):
    client = client_for(world.actor("district_official"))
    create = reverse("emergency:team_create")
    refused = client.post(create, team_form(name="", phone="abc", longitude="", headcount="-3"))
    html = refused.content.decode()
    assert refused.status_code == 422
    assert "请填写队伍名称" in html and "经纬度须同时填写" in html
    assert "队员人数不能小于0" in html and "冲锋舟2艘、排涝泵4台" in html  # kept
    bad_phone = client.post(create, team_form(phone="abc"))
    assert bad_phone.status_code == 422 and "联系电话格式不正确" in bad_phone.content.decode()
    done = client.post(create, team_form())
    team = RescueTeam.objects.get(name="殷行街道防汛抢险队")
    assert done.status_code == 302 and done["Location"] == detail("team", team)
    assert team.speciality_codes == ["water", "flood"] and team.region_id == world.YINHANG


def test_a_stale_team_form_gets_the_conflict(client_for, resources):
    team = resources["team"]
    client = client_for(world.actor("district_official"))
    edit = reverse("emergency:team_edit", args=[team.pk])
    assert 'value="殷行街道应急救援队"' in page(client, edit)
    data = team_form(name="改名的队伍", version=team.version)
    assert client.post(edit, data).status_code == 302
    stale = client.post(edit, team_form(name="再改一次", version=team.version))
    assert stale.status_code == 409 and "data-conflict" in stale.content.decode()
    assert RescueTeam.objects.get(pk=team.pk).name == "改名的队伍"


def test_readiness_members_and_leaving_on_the_team_page(client_for, resources):
    team = resources["team"]
    client = client_for(world.actor("district_official"))
    url = reverse("emergency:team_readiness", args=[team.pk])
    done = client.post(url, {"version": team.version, "readiness": Readiness.RESTING})
    assert done.status_code == 302
    assert RescueTeam.objects.get(pk=team.pk).readiness == Readiness.RESTING
    stale = client.post(url, {"version": team.version, "readiness": Readiness.READY})
    assert stale.status_code == 409
    add = reverse("emergency:team_member_add", args=[team.pk])
    assert client.post(add, {"name": "", "phone": ""}).status_code == 422
    assert client.post(add, {"name": "刘队员", "role": "副队长"}).status_code == 302
    member = team.members.get()
    leave = reverse("emergency:team_member_leave", args=[team.pk, member.pk])
    assert client.post(leave).status_code == 302
    html = page(client, detail("team", team))
    assert 'data-member="left"' in html and "刘队员" in html


def test_a_shelter_status_is_changed_on_its_page(client_for, resources):
    shelter = resources["shelter"]
    client = client_for(world.actor("street_officer"))
    url = reverse("emergency:shelter_status", args=[shelter.pk])
    assert client.post(url, {"version": shelter.version, "status": "bogus"}).status_code == 422
    done = client.post(url, {"version": shelter.version, "status": ShelterStatus.MAINTENANCE})
    assert done.status_code == 302
    assert 'data-status="maintenance"' in page(client, detail("shelter", shelter))


# --- stock ---------------------------------------------------------------------------------------


def test_the_warehouse_page_warns_of_expiry_and_reserve(client_for, resources):
    html = page(
        client_for(world.actor("district_official")), detail("warehouse", resources["warehouse"])
    )
    assert 'data-expiry="expiring"' in html and 'data-expiry="expired"' in html
    assert 'data-reserve="below"' in html and 'data-expiry-warnings="2"' in html
    for op in ("receive", "issue", "transfer", "count"):
        assert f'id="action-{op}"' in html


def test_stock_moves_on_the_warehouse_page_and_never_below_zero(client_for, resources):
    store, line = resources["warehouse"], resources["supply"]
    client = client_for(world.actor("district_official"))

    def stock(op, **data):
        return client.post(reverse("emergency:warehouse_stock", args=[store.pk, op]), data)

    assert stock("receive", supply=line.pk, quantity="10", reason="采购").status_code == 302
    too_many = stock("issue", supply=line.pk, kind="issue", quantity="999", reason="领用")
    assert too_many.status_code == 409 and "救生衣" in too_many.content.decode()
    assert Supply.objects.get(pk=line.pk).quantity == 60
    fraction = stock("issue", supply=line.pk, kind="issue", quantity="1.5", reason="领用")
    assert fraction.status_code == 422 and "出库数量须为整数" in fraction.content.decode()
    other_line = resources["other_line"].pk  # a line of another warehouse
    assert stock("receive", supply=other_line, quantity="1").status_code == 422
    moved = stock("transfer", supply=line.pk, to_warehouse=resources["other"].pk, quantity="15")
    assert moved.status_code == 302
    assert stock("count", supply=line.pk, counted="40", reason="年度盘点").status_code == 302
    assert Supply.objects.get(pk=line.pk).quantity == 40
    kinds = list(StockMovement.objects.filter(supply=line).values_list("kind", flat=True))
    assert kinds == ["receipt", "receipt", "transfer_out", "count"]
    arrived = Supply.objects.get(warehouse=resources["other"], name="救生衣")
    assert arrived.quantity == 15


def test_the_supply_page_has_its_ledger_and_forms(client_for, resources):
    line = resources["expiring"]
    client = client_for(world.actor("district_official"))
    issue = reverse("emergency:supply_stock", args=[line.pk, "issue"])
    done = client.post(issue, {"kind": "rotation", "quantity": "30", "reason": "临期轮换"})
    assert done.status_code == 302
    html = page(client, detail("supply", line))
    assert 'data-movement="rotation"' in html and 'data-quantity="0"' in html
    assert (
        client.post(reverse("emergency:supply_stock", args=[line.pk, "steal"])).status_code == 404
    )


def test_a_new_line_is_registered_on_the_warehouse_page(client_for, resources):
    store = resources["warehouse"]
    client = client_for(world.actor("district_official"))
    url = reverse("emergency:supply_create", args=[store.pk])
    same = client.post(url, {"name": "救生衣", "category": "rescue", "unit": "件", "quantity": "1"})
    assert same.status_code == 422 and "同名、同规格、同批次" in same.content.decode()
    done = client.post(url, {"name": "帐篷", "category": "living", "unit": "顶", "quantity": "12"})
    assert done.status_code == 302
    assert Supply.objects.get(warehouse=store, name="帐篷").quantity == 12


# --- figures and the map ---------------------------------------------------------------------


def test_each_stock_figure_opens_exactly_the_lines_it_counts(client_for, resources):
    client = client_for(world.actor("district_official"))
    overview = client.get(reverse("emergency:overview"))
    stock = overview.context["stock"]
    expected = {"expiring": "expiring", "expired": "expired", "below_target": "below"}
    for key, name in expected.items():
        listed = client.get(stock[key]["url"]).context["table"].data.data
        assert list(listed) == [resources[name]], key
        assert stock[key]["figure"].count == 1
    levels = {level["figure"].key: level for level in overview.context["levels"]}
    street = client.get(levels[StorageLevel.STREET]["url"]).context["table"].data.data
    assert street.count() == levels[StorageLevel.STREET]["figure"].count == 5


def test_the_map_draws_the_layers_asked_for(client_for, resources):
    client = client_for(world.actor("district_official"))
    html = page(client, reverse("emergency:resource_map"))
    assert 'data-layer="shelter"' in html and 'id="map-context"' in html
    points = reverse("emergency:resource_map_data")
    every = client.get(points).json()
    kinds = {p[0] for p in every["points"]}
    assert kinds == {"team", "warehouse", "equipment", "shelter", "expert"}
    assert "虹口区消防志愿队" not in {p[4] for p in every["points"]}
    teams = client.get(points, {"layers": "1", "kind": "team", "speciality": "fire"}).json()
    assert [p[4] for p in teams["points"]] == ["殷行街道应急救援队"]
    none = client.get(points, {"layers": "1", "speciality": "water"}).json()
    assert none["points"] == []


# --- Excel import --------------------------------------------------------------------------------


def expert_rows(client) -> list:
    """The expert template's header, then a good row and one with a bad phone."""
    template = client.get(reverse("emergency:resource_import_template", args=["expert"]))
    assert template.status_code == 200
    header = [cell.value for cell in load_workbook(BytesIO(template.content)).worksheets[0][1]]

    def row(**cells):
        return [cells.get(name.rstrip("（必填）"), "") for name in header]

    return [
        header,
        row(姓名="钱专家", 专业领域="消防", 联系电话="13912345678", 所属区划代码=world.YINHANG),
        row(姓名="孙专家", 专业领域="消防", 联系电话="电话待定", 所属区划代码=world.YINHANG),
    ]


def test_an_import_reports_the_bad_row_and_imports_the_good_one(
    client_for, resources, django_capture_on_commit_callbacks
):
    client = client_for(world.actor("district_official"))
    url = reverse("emergency:resource_import", args=["expert"])
    html = page(client, url)
    assert 'id="template-link"' in html and 'value="valid"' in html
    assert client.get(reverse("emergency:resource_import", args=["bogus"])).status_code == 404
    not_excel = client.post(url, {"file": SimpleUploadedFile("a.xlsx", b"hello"), "mode": "all"})
    assert not_excel.status_code == 422 and "不是有效的 .xlsx" in not_excel.content.decode()
    book = Workbook()
    for line in expert_rows(client):
        book.active.append(line)
    content = BytesIO()
    book.save(content)
    with django_capture_on_commit_callbacks(execute=True):
        upload = SimpleUploadedFile("专家.xlsx", content.getvalue())
        response = client.post(url, {"file": upload, "mode": "valid"})
    assert response.status_code == 302
    call_command("worker", batch=True, verbosity=0)
    job = BackgroundJob.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[-1]))
    assert job.status == JobStatus.SUCCEEDED, job.message
    (problem,) = job.report["errors"]  # the job page lists them (core/job.html)
    assert problem["row"] == 3 and "联系电话格式不正确" in problem["messages"][0]
    assert "已导入 1 条应急专家" in page(client, response["Location"])
    assert Expert.objects.filter(name="钱专家").exists()
    assert not Expert.objects.filter(name="孙专家").exists()
    assert client_for(world.actor("leader")).get(url).status_code == 403
