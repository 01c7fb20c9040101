"""What an import hands back: the error file, which imports again once corrected (every row
in, none twice, in both modes), and the result page, which names each error row's unit and
links to exactly the units the import created."""

import html
import re
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.http import QueryDict
from django.urls import reverse
from openpyxl import load_workbook

from anjian.core.models import BackgroundJob, JobStatus
from anjian.enterprises.importer import MODE_ALL, MODE_VALID
from anjian.enterprises.ledger import BY_HEADER
from anjian.enterprises.models import Enterprise
from anjian.enterprises.selectors import enterprise_filter
from anjian.enterprises.tests.import_support import row, xlsx

UPLOAD = reverse("enterprises:enterprise_import")

# Three rows with a mistake each, and how the user corrects the cell in the error file.
BAD = [
    row(3, employees="很多"),
    row(4, street="不存在街道"),
    row(5, supervision_grade="X", dust_explosion="也许"),
]
FIXES = {
    "导入测试00003有限公司": {"从业人员数": 12},
    "导入测试00004有限公司": {"所属街镇": "殷行街道"},
    "导入测试00005有限公司": {"分级分类监管等级": "C", "粉尘涉爆": "否"},
}
NAMES = [f"导入测试{n:05d}有限公司" for n in range(1, 6)]


def start_import(client, content: bytes, *, mode: str, capture) -> BackgroundJob:
    with capture(execute=True):
        response = client.post(
            UPLOAD, {"file": SimpleUploadedFile("企业名单.xlsx", content), "mode": mode}
        )
    assert response.status_code == 302, response.content.decode()[-2000:]
    call_command("worker", batch=True, verbosity=0)
    job = BackgroundJob.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[-1]))
    assert job.status == JobStatus.SUCCEEDED, job.message
    return job


def download(client, job: BackgroundJob):
    response = client.get(reverse("core:job_download", args=[job.pk]))
    assert response.status_code == 200
    return load_workbook(BytesIO(b"".join(response.streaming_content)))


def corrected(workbook) -> bytes:
    """The error file with each bad cell fixed in place, as a user fixes it in Excel."""
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    for line in sheet.iter_rows(min_row=2):
        name = line[headers.index("单位名称")].value
        for header, value in FIXES.get(name, {}).items():
            line[headers.index(header)].value = value
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def imported_names() -> list[str]:
    return sorted(
        Enterprise.objects.filter(name__startswith="导入测试").values_list("name", flat=True)
    )


@pytest.mark.parametrize("mode", [MODE_ALL, MODE_VALID])
def test_a_corrected_error_file_imports_again_and_every_row_is_in_once(
    client_for, district_official, django_capture_on_commit_callbacks, mode
):
    client = client_for(district_official)
    upload = xlsx([row(1), row(2), *BAD]).getvalue()
    first = start_import(client, upload, mode=mode, capture=django_capture_on_commit_callbacks)
    assert first.report["error_rows"] == 3
    errors = download(client, first)
    headers = [cell.value for cell in errors.worksheets[0][1]]
    assert (headers[0], headers[-1]) == ("原行号", "错误说明")

    second = start_import(
        client, corrected(errors), mode=MODE_ALL, capture=django_capture_on_commit_callbacks
    )

    assert second.report["errors"] == []
    assert first.report["created"] + second.report["created"] == 5
    assert imported_names() == NAMES  # all rows in, none twice


def test_in_mode_all_the_error_file_is_the_whole_upload_with_the_errors_marked(
    client_for, district_official, django_capture_on_commit_callbacks
):
    client = client_for(district_official)
    upload = xlsx([row(1), *BAD]).getvalue()
    job = start_import(client, upload, mode=MODE_ALL, capture=django_capture_on_commit_callbacks)
    lines = list(download(client, job).worksheets[0].iter_rows(min_row=2, values_only=True))
    assert [(line[0], line[-1] is None) for line in lines] == [
        (2, True),
        (3, False),
        (4, False),
        (5, False),
    ]
    page = client.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    assert "下载整份文件（错误已标注，修正后可直接重新导入）" in page


def test_the_result_page_names_the_unit_beside_each_error_row(
    client_for, district_official, django_capture_on_commit_callbacks
):
    client = client_for(district_official)
    upload = xlsx([row(1), *BAD]).getvalue()
    job = start_import(client, upload, mode=MODE_VALID, capture=django_capture_on_commit_callbacks)
    page = client.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    for number in (3, 4, 5):
        assert f"<td>{number}</td><td>导入测试{number:05d}有限公司</td>" in page
    assert "【分级分类监管等级】“X”无效，可选：A、B、C、D" in page


def test_the_result_page_says_the_example_row_was_skipped(
    client_for, street_officer, django_capture_on_commit_callbacks
):
    client = client_for(street_officer)
    workbook = load_workbook(
        BytesIO(client.get(reverse("enterprises:enterprise_import_template")).content)
    )
    sheet = workbook.worksheets[0]
    sheet.append([row(1).get(BY_HEADER[cell.value].key) for cell in sheet[1]])
    buffer = BytesIO()
    workbook.save(buffer)
    job = start_import(
        client, buffer.getvalue(), mode=MODE_ALL, capture=django_capture_on_commit_callbacks
    )
    assert (job.report["created"], job.report["errors"]) == (1, [])
    page = client.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    assert "第 2 行是模板的示例行，已跳过。" in page


def test_the_result_page_links_to_exactly_the_imported_units(
    client_for, district_official, enterprises, django_capture_on_commit_callbacks
):
    client = client_for(district_official)
    upload = xlsx([row(1), row(2), row(6), *BAD]).getvalue()
    job = start_import(client, upload, mode=MODE_VALID, capture=django_capture_on_commit_callbacks)
    assert job.report["created"] == 3

    page = client.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    found = re.search(r'data-import-list href="([^"]+)"', page)
    assert found, page
    link = html.unescape(found.group(1))
    assert link == f"{reverse('enterprises:enterprise_list')}?import_job={job.pk}"
    assert "查看本次导入的 3 家单位" in page
    listing = client.get(link)
    assert listing.status_code == 200
    text = listing.content.decode()
    assert re.search(r"共 (\d+) 条", text).group(1) == str(job.report["created"])
    for name in ("导入测试00001有限公司", "导入测试00002有限公司", "导入测试00006有限公司"):
        assert name in text
    assert enterprises["yinhang_chemical"].name not in text  # in scope, not imported
    shown = enterprise_filter(district_official, QueryDict(f"import_job={job.pk}")).qs
    assert set(shown.values_list("name", flat=True)) == {
        "导入测试00001有限公司",
        "导入测试00002有限公司",
        "导入测试00006有限公司",
    }


def test_an_import_that_created_nothing_offers_no_link(
    client_for, district_official, django_capture_on_commit_callbacks
):
    client = client_for(district_official)
    upload = xlsx([row(1), *BAD]).getvalue()
    job = start_import(client, upload, mode=MODE_ALL, capture=django_capture_on_commit_callbacks)
    page = client.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    assert "data-import-list" not in page


def test_another_users_import_job_opens_no_units(
    client_for, street_officer, district_official, django_capture_on_commit_callbacks
):
    job = start_import(
        client_for(street_officer),
        xlsx([row(1)]).getvalue(),
        mode=MODE_ALL,
        capture=django_capture_on_commit_callbacks,
    )
    query = QueryDict(f"import_job={job.pk}")
    assert enterprise_filter(street_officer, query).qs.count() == 1
    assert enterprise_filter(district_official, query).qs.count() == 0  # scope covers it
    assert enterprise_filter(district_official, QueryDict("import_job=999999")).qs.count() == 0
