"""Helpers for the standards-library tests: a valid edition as JSON and as .xlsx, and a hazard
that cites a clause (written with the ORM: only the clause link matters here)."""

import copy
import json
from io import BytesIO
from itertools import count

from django.utils import timezone
from openpyxl import Workbook

from anjian.hazards.library.loader import CLAUSE_COLUMNS, DOCUMENT_COLUMNS
from anjian.hazards.models import Hazard
from testsupport import world

TEST_CODE = "测试标准〔2026〕1号"
_numbers = count(1)

EDITION = {
    "format": "anjian-standard/1",
    "document": {
        "code": TEST_CODE,
        "title": "测试用判定标准",
        "edition": "2026",
        "domain": "industry_trade",
        "issued_on": "2026-01-10",
        "effective_from": "2026-03-01",
        "superseded_by": None,
        "industry_codes": ["machinery"],
        "note": "测试数据",
        "is_active": True,
    },
    "clauses": [
        {
            "code": "T-01",
            "sort_order": 10,
            "article": "第一条",
            "group": "通用",
            "text": "冲压设备没有安装双手操作按钮。",
            "keywords": "冲压、双手按钮",
        },
        {
            "code": "T-02",
            "sort_order": 20,
            "article": "第二条",
            "group": "通用",
            "text": "砂轮机没有防护罩。",
            "keywords": "砂轮机、防护罩",
        },
        {
            "code": "T-03",
            "sort_order": 30,
            "article": "第三条",
            "group": "粉尘涉爆",
            "text": "抛光车间除尘器没有泄爆口。",
            "keywords": "抛光、泄爆",
        },
    ],
}


def edition(**document_changes) -> dict:
    """A fresh copy of the valid test edition, with some document fields changed."""
    data = copy.deepcopy(EDITION)
    data["document"].update(document_changes)
    return data


def as_bytes(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()


HEADERS = [column.header for column in (*DOCUMENT_COLUMNS, *CLAUSE_COLUMNS)]


def xlsx(rows: list[dict], headers: list[str] | None = None) -> BytesIO:
    """A real .xlsx: header row, then each row's values (keyed by header) under it."""
    headers = HEADERS if headers is None else headers
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("判定条款")
    sheet.append(headers)
    for values in rows:
        sheet.append([values.get(header) for header in headers])
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def sheet_rows() -> list[dict]:
    """The test edition as sheet rows (document columns on the first row only)."""
    document = EDITION["document"]
    rows = []
    for index, clause in enumerate(EDITION["clauses"]):
        row = {
            "条款编号": clause["code"],
            "条款位置": clause["article"],
            "分组": clause["group"],
            "判定情形": clause["text"],
            "关键词": clause["keywords"],
        }
        if index == 0:
            row.update(
                {
                    "标准代号": document["code"],
                    "标准名称": document["title"],
                    "版本": document["edition"],
                    "适用领域": "工贸企业",
                    "发布日期": document["issued_on"],
                    "实施日期": document["effective_from"],
                    "适用行业": "机械",
                    "标准说明": document["note"],
                }
            )
        rows.append(row)
    return rows


def cite(clause, *, enterprise=None) -> Hazard:
    """A hazard row citing ``clause`` (the lead's services are not needed for the link)."""
    enterprise = enterprise or world.enterprise("yinhang_chemical")
    hazard = Hazard(
        number=f"YH-T-{next(_numbers):05d}",
        enterprise=enterprise,
        source="self_check",
        title="测试隐患",
        description="测试隐患描述",
        location="一号车间",
        found_at=timezone.now(),
        reported_by=world.actor("admin"),
    )
    hazard.refresh_derived_fields()
    hazard.save()
    hazard.clauses.add(clause)
    return hazard
