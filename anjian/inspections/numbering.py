"""Enforcement document numbers (文书编号): per department, kind and year, without gaps.

The number reads like the examples officials know (RULES.md §17.2), e.g.
``（杨浦）应急检〔2026〕15号``: the department's district in brackets, 应急 for the
emergency management bureau (the department's short name otherwise), the document's code
(检 现场检查记录, 改 责令限期整改指令书, 复 整改复查意见书, 立 立案审批表, 罚告 行政处罚告知书,
罚 行政处罚决定书, 移 涉嫌犯罪案件移送书), the year and the serial.

``take`` advances the serial with one ``INSERT … ON CONFLICT DO UPDATE … RETURNING``: the
row is locked until the caller's transaction ends, so two documents issued at once get
consecutive numbers, and a transaction that rolls back takes its number back with it.
Call it inside the transaction that stores the document, never before.
"""

from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from anjian.inspections.models import DocumentSerial
from anjian.regions.models import Department

CODES = {
    "inspection_record": "检",
    "rectification_order": "改",
    "reinspection_opinion": "复",
    "penalty_notice": "罚告",
    "penalty_decision": "罚",
    "case_filing": "立",
    "case_transfer": "移",
}

TAKE_SQL = (
    f"INSERT INTO {DocumentSerial._meta.db_table} (department_id, year, code, last) "
    "VALUES (%s, %s, %s, 1) ON CONFLICT (department_id, year, code) "
    f"DO UPDATE SET last = {DocumentSerial._meta.db_table}.last + 1 RETURNING last"
)


@dataclass(frozen=True)
class DocumentNumber:
    year: int
    serial: int
    text: str


def take_serial(cursor, department_id: int, year: int, code: str) -> int:
    """The next serial, on ``cursor``'s connection and transaction."""
    cursor.execute(TAKE_SQL, [department_id, year, code])
    return cursor.fetchone()[0]


def area_of(department: Department) -> str:
    """杨浦区 → 杨浦, 上海市 → 上海 (a name of two characters is kept whole)."""
    name = department.region.name
    return name[:-1] if len(name) > 2 and name[-1] in "市区县" else name


def number_text(department: Department, code: str, year: int, serial: int) -> str:
    issuer = "应急" if department.is_comprehensive else (department.short_name or department.name)
    return f"（{area_of(department)}）{issuer}{code}〔{year}〕{serial}号"


def take(department: Department, kind: str, *, year: int | None = None) -> DocumentNumber:
    """The next number of ``kind`` (a key of ``CODES``) for ``department``."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("take a document number inside the transaction that stores it")
    code = CODES[kind]
    year = year or timezone.localdate().year
    with connection.cursor() as cursor:
        serial = take_serial(cursor, department.pk, year, code)
    return DocumentNumber(year, serial, number_text(department, code, year, serial))
