"""Real .xlsx files for the Excel import tests (the importer's, the job's and the export
formula tests): a valid row for 殷行街道, a workbook of rows, a hostile file with the
expected Chinese message, and readers of the result."""

from io import BytesIO

from openpyxl import Workbook

from anjian.enterprises.importer import MODE_ALL, import_enterprises
from anjian.enterprises.ledger import COLUMNS, IMPORT_COLUMNS
from anjian.enterprises.models import Enterprise
from testsupport import hostile_xlsx, world

HEADERS = [column.header for column in IMPORT_COLUMNS]


def row(n: int, **overrides) -> dict:
    """One valid row for 殷行街道, keyed by column key (override what the test is about)."""
    values = {
        "name": f"导入测试{n:05d}有限公司",
        "credit_code": world.credit_code(10_000 + n),
        "legal_representative": "钱一",
        "principal_name": "钱一",
        "principal_phone": "13800000000",
        "safety_manager_name": "",
        "safety_manager_phone": "",
        "street": "殷行街道",
        "grid": "",
        "address": f"上海市杨浦区殷行路{n}号",
        "longitude": None,
        "latitude": None,
        "industry": "危险化学品",
        "economic_code": "C2614",
        "employees": 30,
        "scale": "规下",
        "supervision_grade": "C",
        "standardisation_grade": "",
        "standardisation_expires": None,
        "insured_until": None,
        "status": "在营",
        "supervising_department": "",
        "involves_hazchem": "是",
        "dust_explosion": "否",
        "ammonia_refrigeration": "",
        "confined_space": "否",
        "fire_key_unit": "否",
        "crowded_place": "否",
    }
    values.update(overrides)
    return values


def xlsx(rows: list[dict], headers: list[str] | None = None) -> BytesIO:
    """A real .xlsx file: the header row, then each row's values under their headers."""
    headers = HEADERS if headers is None else headers
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("生产经营单位")
    sheet.append(headers)
    by_header = {column.header: column.key for column in COLUMNS}
    for values in rows:
        sheet.append([values.get(by_header.get(h, h)) for h in headers])
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def run(rows, *, user, mode=MODE_ALL, headers=None):
    return import_enterprises(xlsx(rows, headers), user=user, mode=mode)


def imported(*names: str) -> set[str]:
    return set(Enterprise.objects.filter(name__in=names).values_list("name", flat=True))


def messages(result, number: int) -> str:
    return "；".join(result.errors[number])


def hostile(kind: str) -> bytes:
    """Hostile file ``kind`` with this registry's headers and one valid row."""
    by_header = {column.header: column.key for column in COLUMNS}
    values = row(90)
    cells = ["" if values.get(by_header[h]) is None else str(values[by_header[h]]) for h in HEADERS]
    return hostile_xlsx.HOSTILE[kind](HEADERS, cells)


HOSTILE_MESSAGES = {
    "huge_dimension": "表格共有超过 60000 行（含空行）",
    "empty_rows": "表格共有超过 60000 行（含空行）",
    "truncated": "无法读取文件：表格内容已损坏",
    "external_entity": "无法读取文件：表格内容已损坏",
    "billion_laughs": "无法读取文件：表格内容已损坏",
    "compressed_rows": "文件解压后是压缩前的",
}
