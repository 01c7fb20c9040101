"""The standards import template: its example row is marked, and the importer skips it, so
clauses filled in below it import as they are."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from anjian.hazards.library.loader import StandardFileError, parse_xlsx
from anjian.hazards.tests.library_support import TEST_CODE, sheet_rows

TEMPLATE = reverse("standards:import_template")


def filled_template(client, rows: list[dict]) -> BytesIO:
    workbook = load_workbook(BytesIO(client.get(TEMPLATE).content))
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    for values in rows:
        sheet.append([values.get(header) for header in headers])
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def test_the_example_row_is_skipped_and_the_clauses_below_it_import(client_for, admin):
    source = filled_template(client_for(admin), sheet_rows())
    assert load_workbook(source).worksheets[0]["A2"].value.startswith("【示例】")
    source.seek(0)
    payload = parse_xlsx(source)
    assert payload.document.code == TEST_CODE
    assert [clause.code for clause in payload.clauses] == ["T-01", "T-02", "T-03"]
    assert [clause.row for clause in payload.clauses] == [3, 4, 5]


def test_a_template_with_only_its_example_has_nothing_to_import(client_for, admin):
    with pytest.raises(StandardFileError) as caught:
        parse_xlsx(filled_template(client_for(admin), []))
    assert [str(p) for p in caught.value.problems] == [
        "文件：文件中只有模板的示例行（第 2 行），没有要导入的数据"
    ]
