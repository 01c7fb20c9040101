"""Every role against every registry page, export and API endpoint (generated tests):
the units, and the register of public places."""

from anjian.enterprises import permissions as perms
from anjian.enterprises.models import Enterprise, PlaceKind, PublicPlace
from anjian.regions.models import Industry, Region
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


# --- public places (公共区域台账) -------------------------------------------------------------

HONGKOU_STREET = "hongkou"  # the street of the world's 虹口 shop (resolved when used)


def street_code(street: str) -> str:
    return world.enterprise("hongkou_shop").street_id if street == HONGKOU_STREET else street


# The world's places: name → (street, grid, industry, kind).
PLACES = {
    "yinhang_facade": (world.YINHANG, world.YINHANG + "W001", "buildings", PlaceKind.FACADE),
    "yinhang_road": (world.YINHANG, None, "road_traffic", PlaceKind.ROAD_SECTION),
    "pingliang_bridge": (world.PINGLIANG, None, "municipal_facilities", PlaceKind.BRIDGE),
    "hongkou_square": (HONGKOU_STREET, None, "public_spaces", PlaceKind.PUBLIC_SPACE),
}
YANGPU_PLACES = {"yinhang_facade", "yinhang_road", "pingliang_bridge"}
PLACE_VISIBLE = {
    "district_official": YANGPU_PLACES,
    "street_officer": {"yinhang_facade", "yinhang_road"},
    "grid_member": {"yinhang_facade"},
    "neighbour_official": {"hongkou_square"},
    "housing_official": {"yinhang_facade", "pingliang_bridge"},  # 房屋建筑, 市政设施
    "inspector": YANGPU_PLACES,
    "leader": YANGPU_PLACES,
    "enterprise_manager": set(),
    "expert": set(),
    "admin": set(PLACES),
}


def place_data(**overrides) -> dict:
    data = {
        "kind": PlaceKind.FACADE,
        "name": "新登记的外立面",
        "address": "某路 1 号",
        "street": world.YINHANG,
        "industry": "buildings",
        "is_active": "on",
    }
    data.update(overrides)
    return data


PLACE_INSIDE = {
    "district_official": {"street": world.PINGLIANG},
    "street_officer": {},
    "housing_official": {"street": world.PINGLIANG},
    "admin": {"street": HONGKOU_STREET},
}
PLACE_OUTSIDE = {
    "district_official": {"street": HONGKOU_STREET},
    "street_officer": {"street": world.PINGLIANG},
    "housing_official": {"industry": "road_traffic", "kind": PlaceKind.ROAD_SECTION},
}


class TestPublicPlaceScoping(ScopedCrudTests):
    model = PublicPlace
    list_url = "enterprises:place_list"
    detail_url = "enterprises:place_detail"
    edit_url = "enterprises:place_edit"
    create_url = "enterprises:place_create"
    api_list = "/api/v1/places/"
    api_detail = "/api/v1/places/{pk}"
    export_url = "enterprises:place_export"
    export_key_header = "名称"
    visible = PLACE_VISIBLE
    creators = ("district_official", "street_officer", "housing_official")
    not_creators = ("leader", "inspector", "enterprise_manager", "expert")

    def get_object(self, name):
        street, grid, industry, kind = PLACES[name]
        place, _created = PublicPlace.objects.get_or_create(
            street=Region.objects.get(code=street_code(street)),
            name=f"{name} 测试公共区域",
            defaults={
                "kind": kind,
                "address": name,
                "grid_id": grid,
                "industry": Industry.objects.get(code=industry),
            },
        )
        return place

    def create_data(self, actor):
        data = place_data(name=f"{actor} 登记的外立面", **PLACE_INSIDE[actor])
        return {**data, "street": street_code(data["street"])}

    def outside_data(self, actor):
        data = place_data(name=f"{actor} 越界登记", **PLACE_OUTSIDE[actor])
        return {**data, "street": street_code(data["street"])}

    # The register's actions are place.view / place.manage (not <model>.view).
    def _view_action(self) -> str:
        return perms.PLACE_VIEW

    def _can_edit(self, user) -> bool:
        return user.can(perms.PLACE_MANAGE)

    def _export_action(self) -> str:
        return perms.PLACE_VIEW
