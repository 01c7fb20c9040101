from anjian.hazards.models.hazard import (
    DeadlineExtension,
    DuplicateCandidate,
    Hazard,
    HazardPhoto,
    HazardTransition,
)
from anjian.hazards.models.selfcheck import CheckItem, CheckPlan, CheckRecord, CheckResult
from anjian.hazards.models.standards import StandardClause, StandardDocument
from anjian.hazards.models.supervision import (
    EscalationRule,
    MeasureState,
    Revisit,
    SupervisionListing,
    SystemMeasure,
)
from anjian.hazards.models.tally import (
    COUNTERS,
    DISTRICT_TALLY_SCOPE_PATHS,
    TALLY_SCOPE_PATHS,
    HazardDistrictOpenTally,
    HazardDistrictTally,
    HazardOpenTally,
    HazardTally,
)

__all__ = [
    "COUNTERS",
    "DISTRICT_TALLY_SCOPE_PATHS",
    "TALLY_SCOPE_PATHS",
    "CheckItem",
    "CheckPlan",
    "CheckRecord",
    "CheckResult",
    "DeadlineExtension",
    "DuplicateCandidate",
    "EscalationRule",
    "Hazard",
    "HazardDistrictOpenTally",
    "HazardDistrictTally",
    "HazardOpenTally",
    "HazardPhoto",
    "HazardTally",
    "HazardTransition",
    "MeasureState",
    "Revisit",
    "StandardClause",
    "StandardDocument",
    "SupervisionListing",
    "SystemMeasure",
]
