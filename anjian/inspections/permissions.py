"""The actions of 双随机一公开 and which roles are granted them (``accounts.permissions``
assembles every app's into the one role → action map; docs/permissions.md shows it)."""

from anjian.accounts.roles import Role

INSPECTION_VIEW = "inspection.view"
INSPECTION_POOL = "inspection.pool"
INSPECTION_DRAW = "inspection.draw"
INSPECTION_RECORD = "inspection.record"
INSPECTION_PLAN = "inspection.plan"
INSPECTION_PLAN_APPROVE = "inspection.plan_approve"
INSPECTION_CASE = "inspection.case"
INSPECTION_LEGAL_REVIEW = "inspection.legal_review"
INSPECTION_STANDARDS = "inspection.standards"

ACTIONS = {
    INSPECTION_VIEW: "draws, tasks, the inspector pool and the matters list of the scope",
    INSPECTION_POOL: "keep the inspector pool (执法证), conflicts (回避) and the matters list",
    INSPECTION_DRAW: "run a double-random draw, publish or void it",
    INSPECTION_RECORD: "record the outcome of an inspection task",
    INSPECTION_PLAN: "draw up annual/quarterly inspection plans; set the region's frequencies",
    INSPECTION_PLAN_APPROVE: "approve or return a plan someone else submitted",
    INSPECTION_CASE: "file and run a penalty case (立案 → 结案, 移送), issue its documents",
    INSPECTION_LEGAL_REVIEW: "法制审核: pass or return a case that needs legal review",
    INSPECTION_STANDARDS: "edit the inspection checklists and the discretion table (自由裁量基准)",
}

_ALL = set(ACTIONS)

GRANTS = {
    Role.ADMIN: _ALL,
    Role.SUPERVISOR: _ALL,
    Role.DEPARTMENT: _ALL - {INSPECTION_STANDARDS},
    Role.INSPECTOR: {INSPECTION_VIEW, INSPECTION_RECORD, INSPECTION_CASE},
    Role.LEADER: {INSPECTION_VIEW, INSPECTION_PLAN_APPROVE},
}
CITY_WIDE = {INSPECTION_STANDARDS}  # the checklists and the discretion table serve every district
