"""/api/v1/hazchem/figures/sources — 重大危险源统计 as the page shows it (added to the hazchem
router by ``join`` in api.py — a nested router with an empty prefix would give the
operation a broken path): the current sources in the caller's scope by street, district, grade or
industry, each figure with the source list's query that shows exactly the sources it counts
(``GET /api/v1/hazchem/sources`` takes the same parameters)."""

from django.http import HttpRequest
from ninja import Router, Schema

from anjian.core.access import api_requires
from anjian.core.api import errors
from anjian.hazchem import permissions as perms
from anjian.hazchem.schemas import query_choice
from anjian.hazchem.selectors_figures import (
    COLUMNS,
    GROUPS,
    SourceRow,
    default_group,
    source_figures,
)


class HazchemFigureOut(Schema):
    name: str
    label: str
    value: int
    filters: dict[str, str] | None = None  # null: nothing to open (row and column disagree)


class HazchemFigureRowOut(Schema):
    key: str
    label: str
    filing_rate: float | None
    figures: list[HazchemFigureOut]


class HazchemSourceFiguresOut(Schema):
    group: str
    rows: list[HazchemFigureRowOut]
    total: HazchemFigureRowOut


def _row(row: SourceRow) -> dict:
    return {
        "key": row.key,
        "label": row.label,
        "filing_rate": row.filing_rate,
        "figures": [
            {"name": name, "label": str(COLUMNS[name][1]), "value": f.value, "filters": f.filters}
            for name, f in zip(COLUMNS, row.figures, strict=True)
        ],
    }


@api_requires(perms.HAZCHEM_VIEW)
def source_figures_api(request: HttpRequest, by: str = ""):
    query_choice("by", by, list(GROUPS))
    group = by or default_group(request.user)
    rows, total = source_figures(request.user, group)
    return {"group": group, "rows": [_row(row) for row in rows], "total": _row(total)}


DESCRIPTION = (
    "现有重大危险源（不含已核销）按 by 分组（street、district、grade、industry；"
    "缺省按调用者的范围：区及以下按街道，市按区）：各级别、已备案、待备案、逾期未备案、"
    "复评逾期、已不构成待核销与备案率（已备案 ÷ 现有）。每个数字带 filters："
    "以之查询 /sources 即得正是这些重大危险源。"
)


def join(router: Router) -> None:
    """Add the figures' operations to the hazchem ``router``."""
    router.get(
        "/figures/sources",
        response={200: HazchemSourceFiguresOut, **errors(422)},
        summary="重大危险源统计",
        description=DESCRIPTION,
        tags=["重大危险源"],
    )(source_figures_api)
