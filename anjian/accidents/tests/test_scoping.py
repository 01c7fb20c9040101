"""Every role against the accident pages and API (generated tests, STYLE habit 4).

The world gets one accident at each of its units and one road-traffic accident without a
unit in 殷行街道, filed through the services the first time a test asks. A unit's accident is
scoped like the unit (region down to its grid, industry, the unit itself); one without a
unit by its street: industry departments do not see it, nor does a grid member.
"""

from datetime import timedelta
from uuid import uuid4

from django.utils import timezone

from anjian.accidents import permissions as perms
from anjian.accidents.choices import AccidentType, Category
from anjian.accidents.models import Accident
from anjian.accidents.tests.factories import report
from testsupport import world
from testsupport.scoped import ScopedCrudTests

UNITS = ("yinhang_chemical", "yinhang_site", "pingliang_factory", "hongkou_shop")
YANGPU = {"yinhang_chemical", "yinhang_site", "pingliang_factory", "yinhang_road"}
VISIBLE = {
    "district_official": YANGPU,
    "street_officer": {"yinhang_chemical", "yinhang_site", "yinhang_road"},
    "grid_member": {"yinhang_chemical"},
    "neighbour_official": {"hongkou_shop"},
    "housing_official": {"yinhang_site"},
    "inspector": YANGPU,
    "leader": YANGPU,
    "enterprise_manager": {"yinhang_chemical"},
    "expert": set(),
    "admin": YANGPU | {"hongkou_shop"},
}


def _form(region: str, enterprise: int | str = "") -> dict:
    occurred = timezone.localtime() - timedelta(minutes=30)
    return {
        "report_token": str(uuid4()),
        "enterprise": enterprise,
        "unit_name": "范围测试单位",
        "region": region,
        "occurred_at": occurred.strftime("%Y-%m-%dT%H:%M"),
        "place": "测试地点",
        "accident_type": AccidentType.MACHINERY,
        "category": Category.TRADE_OTHER,
        "deaths": "0",
        "missing": "0",
        "serious_injuries": "1",
        "minor_injuries": "0",
        "direct_loss": "1",
        "summary": "范围测试",
    }


class TestAccidentScoping(ScopedCrudTests):
    model = Accident
    list_url = "accidents:accident_list"
    detail_url = "accidents:accident_detail"
    create_url = "accidents:accident_report"
    export_url = "accidents:accident_export"
    api_list = "/api/v1/accidents/"
    api_detail = "/api/v1/accidents/{pk}"
    export_key_header = "事故编号"
    key_attribute = "number"
    visible = VISIBLE
    creators = ("district_official", "street_officer", "neighbour_official")
    not_creators = ("leader", "expert")
    not_applicable = {"edit_url": "an accident is changed by follow-ups and its record's forms"}

    def _view_action(self) -> str:
        return perms.ACCIDENT_VIEW

    def _export_action(self) -> str:
        return perms.ACCIDENT_VIEW

    def _can_edit(self, user) -> bool:
        return False

    def get_object(self, name):
        summary = f"范围测试：{name}"
        found = Accident.objects.filter(summary=summary).first()
        if found is not None:
            return found
        admin = world.actor("admin")
        if name == "yinhang_road":
            return report(admin, summary=summary, category=Category.ROAD, unit_name="社会车辆")
        unit = world.enterprise(name)
        return report(admin, summary=summary, enterprise=unit.pk, region=unit.street_id)

    def create_data(self, actor):
        street = world.PINGLIANG if actor == "district_official" else world.YINHANG
        if actor == "neighbour_official":
            street = world.enterprise("hongkou_shop").street_id
        return _form(street)

    def outside_data(self, actor):
        if actor == "neighbour_official":
            return _form(world.YINHANG)
        return _form(world.enterprise("hongkou_shop").street_id)
