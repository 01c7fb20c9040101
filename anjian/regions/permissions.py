"""The actions of the regions app (``<area>.<verb>``, see ``accounts.permissions``).

Declared here because ``regions`` sits below ``accounts``: its pages and API name these
actions without importing ``accounts``. Which roles are granted them is still decided in
one place, ``accounts.permissions``, which imports these names (and re-exports them).
"""

REGION_VIEW = "region.view"
REGION_MANAGE = "region.manage"  # add 社区/网格, label points (within scope)
DEPARTMENT_VIEW = "department.view"
DEPARTMENT_MANAGE = "department.manage"  # departments and industries (administrators)
