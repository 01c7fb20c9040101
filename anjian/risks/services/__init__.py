"""Writes to risk points, assessments, measures and band tables. Pages, API, jobs and the
demo all call these.

Side effects: every save lands in the audit trail (django-auditlog signals; the bulk path
writes its entries explicitly); each write re-checks the writer's scope inside its
transaction and rolls back if the record is (or would be) outside it. Concurrent edits of a
risk point or measure compare ``version`` under a row lock: the second writer gets Conflict.

One module per sub-domain: ``points`` (register, edit, retire), ``assessments`` (grading
and LEC/LS assessments), ``measures``, ``library`` (starting from the industry library and
loading the shipped library files), ``band_tables`` (publishing a new version), ``bulk``
(demo data, imports) with ``audit`` (audit entries for bulk inserts); ``common`` holds the
scope and locking helpers they share. Callers import from ``anjian.risks.services``.
"""

from anjian.risks.choices import LEVEL_RANK
from anjian.risks.services.assessments import (
    REASSESS_AFTER,
    Grade,
    compute_grade,
    current_tables,
    risk_point_assess,
)
from anjian.risks.services.band_tables import band_table_publish
from anjian.risks.services.bulk import PreparedPoint, prepare_point, risk_points_bulk_create
from anjian.risks.services.library import (
    LibraryLoad,
    library_for,
    library_load,
    library_plan,
    point_from_entry,
    risk_points_from_library,
)
from anjian.risks.services.measures import (
    MEASURE_FIELDS,
    measure_add,
    measure_deactivate,
    measure_update,
)
from anjian.risks.services.points import (
    EDITABLE_FIELDS,
    risk_point_create,
    risk_point_retire,
    risk_point_update,
)

__all__ = [
    "EDITABLE_FIELDS",
    "LEVEL_RANK",
    "MEASURE_FIELDS",
    "REASSESS_AFTER",
    "Grade",
    "LibraryLoad",
    "PreparedPoint",
    "band_table_publish",
    "compute_grade",
    "current_tables",
    "library_for",
    "library_load",
    "library_plan",
    "measure_add",
    "measure_deactivate",
    "measure_update",
    "point_from_entry",
    "prepare_point",
    "risk_point_assess",
    "risk_point_create",
    "risk_point_retire",
    "risk_point_update",
    "risk_points_bulk_create",
    "risk_points_from_library",
]
