"""Every role against every risk page, export and API endpoint (generated tests)."""

from anjian.risks import permissions as perms
from anjian.risks.models import RiskPoint
from anjian.risks.tests.factories import form_data, world_point
from testsupport import world
from testsupport.scoped import ScopedCrudTests


class TestRiskPointScoping(ScopedCrudTests):
    model = RiskPoint
    list_url = "risks:risk_point_list"
    detail_url = "risks:risk_point_detail"
    edit_url = "risks:risk_point_edit"
    create_url = "risks:risk_point_create"
    export_url = "risks:risk_point_export"
    api_list = "/api/v1/risk-points/"
    api_detail = "/api/v1/risk-points/{pk}"
    export_key_header = "风险点名称"
    visible = world.VISIBLE
    creators = ("enterprise_manager",)
    not_creators = (
        "district_official",
        "street_officer",
        "housing_official",
        "leader",
        "inspector",
        "expert",
        "admin",
    )

    def get_object(self, name):
        return world_point(name)

    def create_data(self, actor):
        return form_data(name=f"新风险点-{actor}")

    def outside_data(self, actor):
        # The enterprise manager naming another enterprise: not a choice they have.
        return form_data(name=f"越权风险点-{actor}", enterprise=world.enterprise("yinhang_site").pk)

    def _view_action(self) -> str:
        return perms.RISK_VIEW

    def _export_action(self) -> str:
        return perms.RISK_VIEW

    def _can_edit(self, user) -> bool:
        return user.can(perms.RISK_MANAGE)
