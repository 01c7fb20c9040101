"""/api/v1/emergency: plans, drills, resources, incidents and dispatch.

One router (``api_router``) for config/api.py; the operations are declared in
``api_plans`` (plans, drills and their figures), ``api_resources`` (teams, warehouses,
equipment, shelters, experts, the nearest available), ``api_stock`` (supplies and their
ledger) and ``api_incidents`` (incidents, dispatch, assignments, the timeline), imported
here so that they are on the router before it is mounted. docs/api.md describes them for
integrators.
"""

from anjian.emergency import api_incidents, api_plans, api_resources, api_stock
from anjian.emergency.api_router import router

# The operation modules declare on ``router`` as they are imported.
OPERATION_MODULES = (api_plans, api_resources, api_stock, api_incidents)

__all__ = ["OPERATION_MODULES", "router"]
