"""Every write to the hazard ledger. Pages, API, self-checks, alarms, demo and CLI call these
(``from anjian.hazards import services; services.hazard_register(...)``).

By concern:

- ``transitions`` — the lifecycle (``lifecycle.HAZARD`` on the workflow kernel): 上账,
  开始整改, 提请验收, 验收销号, 验收不通过, 即查即改, 作废, and merging duplicates;
- ``report`` — recording a hazard, corrections of the finding, notes, photos, and the
  ledger following an enterprise that moved;
- ``extensions`` — 延期 asked by the rectifying side, decided by the supervising side;
- ``supervision`` — 督促, 挂牌督办 and 摘牌, the overdue ladder's rules;
- ``revisits`` — 回头看 after 销号;
- ``measures`` — 制度措施清单;
- ``common`` — the scoped lookup and the kernel step with the clearing tally
  (``_begin``/``_commit``: ``HAZARD.begin``/``HAZARD.commit`` and ``tally.apply`` in the
  same transaction).
"""

from anjian.hazards.notices import supervisors_of
from anjian.hazards.services.extensions import extension_decide, extension_request
from anjian.hazards.services.measures import MEASURE_FIELDS, measure_create, measure_update
from anjian.hazards.services.report import (
    DETAIL_FIELDS,
    ENTERPRISE_SOURCES,
    FUTURE_TOLERANCE,
    PHOTO_REQUIRED_SOURCES,
    hazard_add_note,
    hazard_add_photos,
    hazard_report,
    hazard_update_details,
    hazards_follow_enterprise,
    hazards_follow_place,
)
from anjian.hazards.services.revisits import revisit_complete, revisit_schedule
from anjian.hazards.services.supervision import (
    escalation_rule_remove,
    escalation_rule_set,
    hazard_escalate,
    listing_create,
    listing_levels_for,
    listing_sign_off,
)
from anjian.hazards.services.transitions import (
    duplicate_dismiss,
    hazard_accept,
    hazard_close_on_spot,
    hazard_merge,
    hazard_register,
    hazard_reject,
    hazard_start,
    hazard_submit,
    hazard_void,
)

__all__ = [
    "DETAIL_FIELDS",
    "ENTERPRISE_SOURCES",
    "FUTURE_TOLERANCE",
    "MEASURE_FIELDS",
    "PHOTO_REQUIRED_SOURCES",
    "duplicate_dismiss",
    "escalation_rule_remove",
    "escalation_rule_set",
    "extension_decide",
    "extension_request",
    "hazard_accept",
    "hazard_add_note",
    "hazard_add_photos",
    "hazard_close_on_spot",
    "hazard_escalate",
    "hazard_merge",
    "hazard_register",
    "hazard_reject",
    "hazard_report",
    "hazard_start",
    "hazard_submit",
    "hazard_update_details",
    "hazard_void",
    "hazards_follow_enterprise",
    "hazards_follow_place",
    "listing_create",
    "listing_levels_for",
    "listing_sign_off",
    "measure_create",
    "measure_update",
    "revisit_complete",
    "revisit_schedule",
    "supervisors_of",
]
