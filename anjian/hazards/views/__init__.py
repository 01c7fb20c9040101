"""Hazard pages (``urls.py`` names them from here), by concern:

- ``lists`` — 问题隐患清单 and its export, reporting a hazard, the figures, listings and
  revisits in scope;
- ``measures`` — 制度措施清单 on the registry base (list, export, detail, create, edit);
- ``detail`` — the hazard page, its transitions and the corrections, notes and photos;
- ``supervision`` — 督促, 延期, 挂牌督办/摘牌, 回头看, duplicates, the overdue ladder.
- ``map`` — 挂图作战 (the hazard map and its points) and the report page's nearby units.
"""

from anjian.hazards.views.detail import (
    hazard_accept,
    hazard_add_photos,
    hazard_close_on_spot,
    hazard_detail,
    hazard_edit,
    hazard_note,
    hazard_photo,
    hazard_register,
    hazard_reject,
    hazard_start,
    hazard_submit,
    hazard_void,
)
from anjian.hazards.views.lists import (
    clearing_figures,
    clearing_figures_export,
    hazard_export,
    hazard_list,
    hazard_report,
    listing_list,
    revisit_list,
)
from anjian.hazards.views.map import HazardMap, HazardMapPoints, report_nearby
from anjian.hazards.views.measures import (
    MeasureCreate,
    MeasureDetail,
    MeasureEdit,
    MeasureExport,
    MeasureList,
)
from anjian.hazards.views.supervision import (
    duplicate_dismiss,
    duplicate_merge,
    escalation_rules,
    extension_decide,
    extension_request,
    hazard_escalate,
    listing_create,
    listing_sign_off,
    revisit_complete,
)

__all__ = [
    "HazardMap",
    "HazardMapPoints",
    "MeasureCreate",
    "MeasureDetail",
    "MeasureEdit",
    "MeasureExport",
    "MeasureList",
    "clearing_figures",
    "clearing_figures_export",
    "duplicate_dismiss",
    "duplicate_merge",
    "escalation_rules",
    "extension_decide",
    "extension_request",
    "hazard_accept",
    "hazard_add_photos",
    "hazard_close_on_spot",
    "hazard_detail",
    "hazard_edit",
    "hazard_escalate",
    "hazard_export",
    "hazard_list",
    "hazard_note",
    "hazard_photo",
    "hazard_register",
    "hazard_reject",
    "hazard_report",
    "hazard_start",
    "hazard_submit",
    "hazard_void",
    "listing_create",
    "listing_list",
    "listing_sign_off",
    "report_nearby",
    "revisit_complete",
    "revisit_list",
]
