"""Excel export: exactly the filtered list, a 导出说明 sheet, and a background job when large."""

from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook

from anjian.core.models import BackgroundJob, SiteFlag
from anjian.enterprises import exporter
from anjian.enterprises.importer import import_enterprises
from anjian.enterprises.ledger import COLUMNS
from anjian.enterprises.models import Enterprise
from testsupport import world

EXPORT = reverse("enterprises:enterprise_export")


def read(response) -> tuple[list[dict], dict[str, str]]:
    """(rows as header → value, the 导出说明 sheet as label → value)."""
    assert response.status_code == 200, response
    workbook = load_workbook(BytesIO(response.content), read_only=True)
    assert workbook.sheetnames == ["生产经营单位", "导出说明"]
    rows = workbook["生产经营单位"].iter_rows(values_only=True)
    headers = next(rows)
    data = [dict(zip(headers, values, strict=True)) for values in rows]
    about = dict(workbook["导出说明"].iter_rows(values_only=True))
    return data, about


def test_the_export_has_the_ledgers_fixed_columns(client_for, district_official, enterprises):
    rows, _about = read(client_for(district_official).get(EXPORT))
    assert list(rows[0]) == [column.header for column in COLUMNS]


def test_the_export_contains_exactly_the_filtered_list(client_for, district_official, enterprises):
    rows, about = read(client_for(district_official).get(EXPORT, {"q": "殷行"}))
    assert {row["单位名称"] for row in rows} == {
        world.ENTERPRISE_NAMES["yinhang_chemical"],
        world.ENTERPRISE_NAMES["yinhang_site"],
    }
    assert about["筛选：搜索"] == "殷行"
    assert about["记录数"] == "2"


def test_every_filter_of_the_page_applies_to_the_export(client_for, district_official, enterprises):
    client = client_for(district_official)
    by_industry, about = read(client.get(EXPORT, {"industry": "machinery"}))
    assert [row["单位名称"] for row in by_industry] == [world.ENTERPRISE_NAMES["pingliang_factory"]]
    assert about["筛选：监管行业"] == "机械"
    by_street, about = read(client.get(EXPORT, {"street": world.YINHANG, "insurance": "none"}))
    assert by_street == []
    assert about["筛选：安责险"] == "未填写"
    by_street, _ = read(client.get(EXPORT, {"street": world.YINHANG, "industry": "construction"}))
    assert [row["单位名称"] for row in by_street] == [world.ENTERPRISE_NAMES["yinhang_site"]]
    nothing, about = read(client.get(EXPORT, {"supervision_grade": "A"}))
    assert nothing == []
    assert about["记录数"] == "0"


def test_the_export_follows_the_lists_sort_order(client_for, district_official, enterprises):
    rows, _ = read(client_for(district_official).get(EXPORT, {"sort": "-name"}))
    names = [row["单位名称"] for row in rows]
    assert names == sorted(names, reverse=True)


def test_the_export_says_who_exported_what_scope_when(client_for, street_officer, enterprises):
    _rows, about = read(client_for(street_officer).get(EXPORT))
    assert about["台账"] == "生产经营单位台账"
    assert about["导出人"] == "street_officer（street_officer）"
    assert about["可见范围"] == "上海市杨浦区殷行街道"
    assert about["导出时间"]
    assert "说明" not in about


def test_the_export_of_a_demo_installation_says_the_data_is_synthetic(
    client_for, district_official, enterprises
):
    SiteFlag.objects.create(key=SiteFlag.DEMO_DATA, value={"enterprises": 4})
    _rows, about = read(client_for(district_official).get(EXPORT))
    assert "演示数据" in about["说明"]


def test_each_cell_is_exported_as_officials_read_it(client_for, district_official, enterprises):
    chemical = enterprises["yinhang_chemical"]
    rows, _ = read(client_for(district_official).get(EXPORT, {"q": chemical.credit_code}))
    (row,) = rows
    assert row["系统编号"] == chemical.pk
    assert row["统一社会信用代码"] == chemical.credit_code
    assert row["所属区"] == "杨浦区"
    assert row["所属街镇"] == "殷行街道"
    assert row["所属网格/社区"] == "第1网格"
    assert row["监管行业"] == "危险化学品"
    assert row["规模"] == "规下"
    assert row["安全生产标准化等级"] == "三级"
    assert row["标准化有效期至"].date().isoformat() == "2027-06-30"
    assert row["经营状态"] == "在营"
    assert row["监管部门"] == "杨浦区应急管理局"
    assert row["涉及危化品"] == "否"
    assert (row["纬度"], row["经度"]) == (31.32, 121.53)
    assert row["更新时间"][:4].isdigit()


def test_the_export_is_a_download_with_a_chinese_file_name(client_for, district_official):
    response = client_for(district_official).get(EXPORT)
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    assert "%E5%8F%B0%E8%B4%A6" in response["Content-Disposition"]  # 台账


def test_an_exported_ledger_with_new_codes_imports_back(client_for, district_official, enterprises):
    response = client_for(district_official).get(EXPORT, {"industry": "machinery"})
    workbook = load_workbook(BytesIO(response.content))
    sheet = workbook["生产经营单位"]
    headers = [cell.value for cell in sheet[1]]
    sheet.cell(row=2, column=headers.index("单位名称") + 1, value="平凉机械二厂")
    sheet.cell(row=2, column=headers.index("统一社会信用代码") + 1, value=world.credit_code(700))
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    result = import_enterprises(buffer, user=district_official)
    assert (result.created, dict(result.errors), result.file_error) == (1, {}, "")
    copy = Enterprise.objects.get(name="平凉机械二厂")
    assert copy.street_id == world.PINGLIANG
    assert copy.industry.code == "machinery"


def test_an_export_above_the_limit_becomes_a_background_job(
    client_for, district_official, enterprises, monkeypatch
):
    monkeypatch.setattr(exporter, "SYNC_EXPORT_LIMIT", 2)
    client = client_for(district_official)

    small = client.get(EXPORT, {"q": "殷行"})
    assert small.status_code == 200
    assert not BackgroundJob.objects.exists()

    response = client.get(EXPORT, {"street": "", "sort": "name"})
    job = BackgroundJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("core:job_detail", args=[job.pk])
    assert (job.kind, job.created_by, job.status) == (
        "enterprise_export",
        district_official,
        "queued",
    )
    assert job.params == {"query": "street=&sort=name"}
    page = client.get(response["Location"]).content.decode()
    assert "导出行数较多，已转为后台任务" in page


def test_roles_without_the_export_right_cannot_export(client_for, enterprise_manager, expert):
    assert client_for(enterprise_manager).get(EXPORT).status_code == 403
    assert client_for(expert).get(EXPORT).status_code == 403
