"""Every role against every registry page, export and API endpoint (generated tests)."""

from anjian.enterprises.models import Enterprise
from testsupport import world
from testsupport.scoped import ScopedCrudTests

# Creating inside / just outside each creator's scope.
INSIDE = {
    "district_official": {"street": world.PINGLIANG},
    "street_officer": {"street": world.YINHANG},
    "housing_official": {"industry": "construction", "economic_code": "E4710"},
    "admin": {"street": world.HONGKOU + "001", "latitude": "31.26", "longitude": "121.49"},
}
OUTSIDE = {
    "district_official": {
        "street": world.HONGKOU + "001",
        "latitude": "31.26",
        "longitude": "121.49",
    },
    "street_officer": {"street": world.PINGLIANG},
    "housing_official": {"industry": "hazchem"},
    "admin": {},
}


class TestEnterpriseScoping(ScopedCrudTests):
    model = Enterprise
    list_url = "enterprises:enterprise_list"
    detail_url = "enterprises:enterprise_detail"
    edit_url = "enterprises:enterprise_edit"
    create_url = "enterprises:enterprise_create"
    export_url = "enterprises:enterprise_export"
    api_list = "/api/v1/enterprises/"
    api_detail = "/api/v1/enterprises/{pk}"
    export_key_header = "单位名称"
    visible = world.VISIBLE
    creators = ("district_official", "street_officer", "housing_official")
    not_creators = ("leader", "inspector", "enterprise_manager", "expert")

    def get_object(self, name):
        return world.enterprise(name)

    def create_data(self, actor):
        return world.form_data(credit_code=world.credit_code(500 + len(actor)), **INSIDE[actor])

    def outside_data(self, actor):
        return world.form_data(credit_code=world.credit_code(600 + len(actor)), **OUTSIDE[actor])
