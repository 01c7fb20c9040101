"""Demo 应急资源 (synthetic): the demo district's rescue forces, reserves and shelters,
entered through the services by its 应急局 (the 建管委 its own teams and flood store; each
unit with an account its own team), placed at plausible points inside the district.

- **Teams** (seed 004 二、5: 综合性消防救援队伍为主力、专业队伍协同、企业队伍补充、社会力量
  响应): three 消防救援站, professional teams for 危化品, 防汛, 燃气, 电力 and 建设工程, a
  street's own team, social forces (蓝天救援队, 红十字救护队, resting) and enterprise teams,
  each with members, specialities and a base.
- **Reserves** (seed 004 六、(六)): the district's 救灾物资储备库 and 防汛物资仓库 (区级), a
  point per street (街镇级), a few 居村 points and two 家庭应急包 points, with batches and
  expiry dates (two lines expiring within 30 days, one expired, several below their reserve
  target), opened a year ago, and a ledger: a transfer, a receipt, an issue, a rotation, a
  count.
- **Equipment**, **shelters** (parks, a stadium, schools, a community centre; one under
  maintenance) and **experts** across the fields (one not available).

The resource services take no ``synthetic`` flag: the demo sets it on what it made.
"""

import random
from datetime import date, timedelta

from anjian.emergency import services_resources as res
from anjian.emergency.choices import (
    EquipmentStatus,
    ExpertField,
    MovementKind,
    OwnerKind,
    Readiness,
    ShelterKind,
    ShelterStatus,
    StorageLevel,
    SupplyCategory,
    TeamKind,
)
from anjian.emergency.fixtures_plans import Clock
from anjian.emergency.models import (
    Equipment,
    Expert,
    RescueTeam,
    Shelter,
    StockMovement,
    Warehouse,
)
from anjian.regions.choices import RegionLevel
from anjian.regions.fixtures import YANGPU_STREET_POINTS
from anjian.regions.models import Department, Region

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = (
    *"伟磊洋勇军杰涛明超强平刚",
    "建华",
    "志强",
    "海燕",
    "晓东",
    "立新",
    "春梅",
    "文斌",
    "佳怡",
)
TEAM_FIELDS = ("name", "kind", "specialities", "latitude", "longitude", "headcount",
               "equipment_summary")  # fmt: skip
# key, owner (a department of the district, "" its government, "street" the street's),
# then TEAM_FIELDS; {d} the district, {p} its short name, {street} the street
TEAMS = (
    ("fire_yinhang", "消防救援支队", "殷行消防救援站", TeamKind.COMPREHENSIVE,
     "fire hazchem height", 31.3168, 121.5341, 45, "水罐消防车4辆、抢险救援车、化学洗消车"),
    ("fire_wujiaochang", "消防救援支队", "五角场消防救援站", TeamKind.COMPREHENSIVE,
     "fire collapse lift", 31.2993, 121.5178, 40, "水罐消防车3辆、登高平台车、破拆工具组"),
    ("fire_dinghai", "消防救援支队", "定海消防救援站", TeamKind.COMPREHENSIVE,
     "fire water", 31.2712, 121.5562, 38, "水罐消防车3辆、水域救援艇2艘"),
    ("hazchem", "应急管理局", "{d}危险化学品应急救援队", TeamKind.PROFESSIONAL,
     "hazchem fire", 31.2876, 121.5577, 24, "重型防化服20套、气体检测仪10台、堵漏工具组"),
    ("flood", "建设和管理委员会", "{d}防汛抢险队", TeamKind.PROFESSIONAL,
     "flood water", 31.2658, 121.5448, 30, "大流量排水车、移动泵车3台、冲锋舟2艘"),
    ("gas", "建设和管理委员会", "{p}燃气管网抢修队", TeamKind.PROFESSIONAL,
     "gas", 31.2764, 121.5301, 18, "燃气抢修车2辆、检漏仪、带压堵漏设备"),
    ("power", "", "{p}供电应急抢修队", TeamKind.PROFESSIONAL,
     "power communication", 31.2683, 121.5246, 22, "应急发电车、抢修车3辆"),
    ("works", "建设和管理委员会", "{d}建设工程应急抢险队", TeamKind.PROFESSIONAL,
     "collapse height", 31.2805, 121.5122, 26, "挖掘机、汽车吊、生命探测仪"),
    ("street", "street", "{street}应急队", TeamKind.PROFESSIONAL,
     "evacuation flood", 31.3192, 121.5296, 15, "沙袋、排水泵、应急广播"),
    ("bluesky", "", "{p}蓝天救援队", TeamKind.SOCIAL,
     "water evacuation medical", 31.3105, 121.5049, 32, "橡皮艇4艘、无人机2架、急救包"),
    ("redcross", "", "{d}红十字应急救护队", TeamKind.SOCIAL,
     "medical", 31.2721, 121.5219, 20, "急救车、AED 6台"),
)  # fmt: skip
MEMBER_ROLES = (("队长", "指挥"), ("副队长", "技术"), ("队员", "救援"))
SUPPLY_FIELDS = ("name", "category", "spec", "unit", "batch", "expires_in", "quantity",
                 "reserve_target")  # fmt: skip
# SUPPLY_FIELDS; expires_in: days from today (None: does not expire)
C = SupplyCategory
DISTRICT_STOCK = (
    ("帐篷", C.LIVING, "12㎡单帐篷", "顶", "", None, 300, 300),
    ("折叠床", C.LIVING, "钢制折叠床", "张", "", None, 800, 1000),
    ("棉被", C.LIVING, "2.0×2.3m", "条", "", None, 1500, 1500),
    ("瓶装饮用水", C.LIVING, "550ml×24", "箱", "2026-03", 210, 800, 800),
    ("方便食品", C.LIVING, "自热米饭", "箱", "2025-12", 26, 600, 500),
    ("救生衣", C.PROTECTION, "成人款", "件", "", 1100, 600, 600),
    ("冲锋舟", C.RESCUE, "5.2m 含40HP舷外机", "艘", "", None, 6, 6),
    ("排水泵", C.DRAINAGE, "潜水泵 100m³/h", "台", "", None, 40, 40),
    ("沙袋", C.DRAINAGE, "编织袋 50×80cm", "只", "", None, 20000, 20000),
    ("防毒面具", C.HAZCHEM, "全面罩+综合滤毒罐", "套", "2021-03", 18, 120, None),
    ("防毒面具", C.HAZCHEM, "全面罩+综合滤毒罐", "套", "2025-06", 1500, 200, 300),
    ("吸附棉", C.HAZCHEM, "PP吸油棉 40×50cm", "片", "", None, 1200, 2000),
    ("医疗急救包", C.MEDICAL, "20件套", "个", "2022-01", -25, 150, None),
    ("医疗急救包", C.MEDICAL, "20件套", "个", "2025-09", 700, 400, 500),
    ("应急照明灯", C.LIGHTING, "LED工作灯", "盏", "", None, 150, 150),
)
FLOOD_STOCK = (
    ("排水泵", C.DRAINAGE, "移动式泵组 300m³/h", "台", "", None, 12, 12),
    ("沙袋", C.DRAINAGE, "编织袋 50×80cm", "只", "", None, 30000, 30000),
    ("雨衣雨靴", C.PROTECTION, "分体式", "套", "", None, 500, 500),
)
STREET_STOCK = (  # every fourth street point holds only 60 %: below its reserve target
    ("沙袋", C.DRAINAGE, "编织袋 50×80cm", "只", "", None, 1000, 1000),
    ("排水泵", C.DRAINAGE, "潜水泵 50m³/h", "台", "", None, 4, 4),
    ("医疗急救包", C.MEDICAL, "10件套", "个", "2025-10", 330, 30, 30),
)
COMMUNITY_STOCK = (
    ("手电筒", C.LIGHTING, "强光充电式", "支", "", None, 20, 20),
    ("灭火器", C.RESCUE, "4kg干粉", "具", "", 900, 30, 30),
)
HOUSEHOLD_STOCK = (
    ("家庭应急包", C.LIVING, "基础款（含食品、饮用水）", "套", "2025-11", 40, 60, 60),
)
SHELTER_FIELDS = ("name", "kind", "indoor", "area_m2", "capacity", "latitude", "longitude",
                  "facilities", "status")  # fmt: skip
K, R = ShelterKind, ShelterStatus
SHELTERS = (
    ("共青森林公园", K.LONG, False, 320000, 50000, 31.3205, 121.5580,
     "供水、供电、厕所、医疗点、停机坪", R.READY),
    ("黄兴公园", K.MEDIUM, False, 180000, 30000, 31.2905, 121.5335,
     "供水、供电、厕所、物资储备点", R.READY),
    ("新江湾城公园", K.MEDIUM, False, 120000, 20000, 31.3300, 121.5012,
     "供水、厕所、广播", R.READY),
    ("复兴岛公园", K.SHORT, False, 25000, 4000, 31.2745, 121.5660,
     "供水、厕所", R.READY),
    ("杨浦公园", K.SHORT, False, 90000, 15000, 31.2725, 121.5195,
     "供水、厕所、广播", R.MAINTENANCE),
    ("江湾体育场", K.SHORT, True, 15000, 5000, 31.3010, 121.5155,
     "室内场馆、供电、淋浴", R.READY),
    ("控江中学", K.SHORT, True, 3000, 600, 31.2785, 121.5280,
     "体育馆、食堂、卫生间", R.READY),
    ("杨浦高级中学", K.SHORT, True, 2500, 500, 31.2652, 121.5306,
     "体育馆、食堂、卫生间", R.READY),
    ("殷行街道社区文化活动中心", K.SHORT, True, 1200, 300, 31.3185, 121.5290,
     "多功能厅、卫生间", R.READY),
)  # fmt: skip
EXPERT_FIELDS = ("field", "title", "employer", "latitude", "longitude")
F = ExpertField
EXPERTS = (
    (F.HAZCHEM, "教授级高工", "上海化工研究院", 31.2990, 121.5030),
    (F.HAZCHEM, "副教授", "上海理工大学", 31.2920, 121.5620),
    (F.FIRE, "高级工程师", "杨浦区消防救援支队", 31.2993, 121.5178),
    (F.CONSTRUCTION, "教授", "同济大学", 31.2850, 121.5010),
    (F.GAS, "高级工程师", "上海燃气有限公司", None, None),
    (F.ELECTRICAL, "高级工程师", "国网上海市区供电公司", None, None),
    (F.SPECIAL_EQUIPMENT, "高级工程师", "上海市特种设备监督检验技术研究院", None, None),
    (F.FLOOD, "教授级高工", "上海市水务规划设计研究院", None, None),
    (F.MEDICAL, "主任医师", "长海医院", 31.3052, 121.5183),
    (F.MEDICAL, "副主任医师", "新华医院", 31.2720, 121.5170),
    (F.MANAGEMENT, "教授", "复旦大学", 31.2990, 121.5030),
    (F.MACHINERY, "副教授", "上海理工大学", 31.2920, 121.5620),
)
UNAVAILABLE_EXPERT = 6
# who (the 建管委 or the 应急局), name, category, spec, quantity, kept by ("team" or
# "warehouse"), which one, status
EQUIPMENT = (
    ("housing", "大流量排水抢险车", "排水", "3000m³/h", 1, "team", "flood", "usable"),
    ("housing", "移动泵车", "排水", "500m³/h", 3, "warehouse", "flood", "usable"),
    ("official", "应急发电车", "供电", "500kW", 1, "team", "power", "usable"),
    ("official", "移动照明灯塔", "照明", "4×1000W", 4, "warehouse", "district", "usable"),
    ("official", "多旋翼侦察无人机", "侦察", "续航40分钟", 2, "team", "bluesky", "usable"),
    ("official", "四合一气体检测仪", "侦检", "O₂/CO/H₂S/LEL", 10, "team", "hazchem", "usable"),
    ("official", "重型防化服", "防护", "A级", 20, "team", "hazchem", "usable"),
    ("official", "液压破拆工具组", "破拆", "", 3, "team", "fire_wujiaochang", "usable"),
    ("official", "卫星电话", "通信", "天通一号", 5, "warehouse", "district", "usable"),
    ("official", "橡皮艇", "水域救援", "4.3m", 4, "team", "bluesky", "maintenance"),
)
# The neighbour district's few: a fire station, a store, a park, an expert.
NEIGHBOUR_TEAM = ("{p}曲阳消防救援站", TeamKind.COMPREHENSIVE, "fire collapse",
                  31.2868, 121.4752, 36, "水罐消防车3辆、抢险救援车")  # fmt: skip
NEIGHBOUR_SHELTER = ("鲁迅公园", K.MEDIUM, False, 120000, 20000, 31.2745, 121.4790,
                     "供水、厕所、广播", R.READY)  # fmt: skip


class _People:
    """Synthetic names and phone numbers."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def name(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)

    def phone(self) -> str:
        return f"13{self.rng.randint(5, 9)}{self.rng.randrange(10**8):08d}"

    def contact(self, *, manager: str = "manager") -> dict:
        return {manager: self.name(), "phone": self.phone()}


def _street_point(street: Region) -> tuple[float, float]:
    """A street's label point, else its known centre (the test world has no label points)."""
    if street.latitude is not None:
        return float(street.latitude), float(street.longitude)
    longitude, latitude = YANGPU_STREET_POINTS.get(street.name, (121.5260, 31.2900))
    return latitude, longitude


class _Keeper:
    """Writes the resources of one district, keeping what it made by kind."""

    def __init__(self, district: Region, official, housing, today: date):
        self.district, self.official, self.housing, self.today = district, official, housing, today
        self.people = _People(random.Random(f"resources-{district.code}"))
        self.departments = {
            d.name.removeprefix(district.name): d.pk
            for d in Department.objects.filter(region=district)
        }
        self.made: dict = {"teams": {}, "warehouses": {}, "supplies": {}, "equipment": [],
                           "shelters": [], "experts": []}  # fmt: skip
        self.government = {"owner_kind": OwnerKind.GOVERNMENT, "region": district.code}

    def team(self, key, by, owner: dict, row, members: int = 3) -> RescueTeam:
        data = dict(zip(TEAM_FIELDS, row, strict=True))
        data["specialities"] = data["specialities"].split()
        leader = self.people.name()
        team = res.team_create(by, data={
            **owner, **data, "address": f"{self.district.name}（{data['name']}驻地）",
            "leader": leader, "phone": self.people.phone(),
            "duty_phone": f"021-6{self.people.rng.randrange(10**7):07d}",
        })  # fmt: skip
        for number, (role, speciality) in enumerate(MEMBER_ROLES[:members]):
            res.team_member_add(by, team_id=team.pk, data={
                "name": leader if number == 0 else self.people.name(), "role": role,
                "speciality": speciality, "phone": self.people.phone(),
                "certificate": "应急救援员（三级）" if number else "应急救援员（二级）",
            })  # fmt: skip
        self.made["teams"][key] = team
        return team

    def warehouse(self, key, by, owner: dict, name, level, point, address, rows, scale=1.0):
        warehouse = res.warehouse_create(by, data={
            **owner, "name": name, "storage_level": level, "latitude": point[0],
            "longitude": point[1], "address": address, **self.people.contact(),
        })  # fmt: skip
        self.made["warehouses"][key] = warehouse
        for row in rows:
            data = dict(zip(SUPPLY_FIELDS, row, strict=True))
            days, quantity = data.pop("expires_in"), data.pop("quantity")
            data["expires_on"] = None if days is None else self.today + timedelta(days=days)
            self.made["supplies"][f"{key}:{data['name']}:{data['batch']}"] = res.supply_create(
                by, warehouse_id=warehouse.pk, data=data, quantity=max(1, round(quantity * scale))
            )
        return warehouse

    def shelter(self, by, region: Region, row) -> Shelter:
        data = dict(zip(SHELTER_FIELDS, row, strict=True))
        shelter = res.shelter_create(by, data={
            "owner_kind": OwnerKind.GOVERNMENT, "region": region.code, **data,
            "address": f"{region.name}{data['name']}", **self.people.contact(),
        })  # fmt: skip
        self.made["shelters"].append(shelter)
        return shelter

    def expert(self, by, region: Region, row, available: bool = True) -> Expert:
        data = dict(zip(EXPERT_FIELDS, row, strict=True))
        expert = res.expert_create(by, data={
            "owner_kind": OwnerKind.GOVERNMENT, "region": region.code, **data,
            "name": self.people.name(), "phone": self.people.phone(),
            "available": available, "address": data["employer"],
        })  # fmt: skip
        self.made["experts"].append(expert)
        return expert


def build_resources(
    *, district, official, today, units=(), department_official=None, neighbour=None,
    neighbour_official=None,
) -> dict:  # fmt: skip
    """The resources by kind: ``teams``, ``warehouses`` and ``supplies`` by key, and lists
    of ``equipment``, ``shelters`` and ``experts``."""
    keeper = _Keeper(district, official, department_official or official, today)
    streets = list(district.children.filter(level=RegionLevel.STREET).order_by("code"))
    home = next((s for s in streets if s.name == "殷行街道"), streets[0] if streets else None)
    words = {"d": district.name, "p": district.name.removesuffix("区"),
             "street": home.name if home else district.name}  # fmt: skip
    for key, owner, name, *row in TEAMS:
        by = keeper.housing if owner == "建设和管理委员会" else official
        where = {"department": keeper.departments[owner]} if owner in keeper.departments else {}
        if owner == "street" and home is not None:
            where = {"owner_kind": OwnerKind.GOVERNMENT, "region": home.code}
        keeper.team(key, by, where, (name.format(**words), *row))
    for index, (unit, unit_keeper) in enumerate(units[:4]):
        if unit.latitude is not None:  # a unit's own 兼职 team
            kinds = {"hazchem": "fire hazchem", "gas": "gas fire"}.get(unit.industry.code)
            row = (f"{unit.name}兼职应急救援队", TeamKind.ENTERPRISE, kinds or "fire evacuation",
                   unit.latitude, unit.longitude, 8 + index,
                   "灭火器、空气呼吸器、吸附棉、警戒带")  # fmt: skip
            owner = {"owner_kind": OwnerKind.ENTERPRISE, "enterprise": unit.pk}
            keeper.team(f"unit{index}", unit_keeper or official, owner, row, members=2)
    resting = keeper.made["teams"]["redcross"]
    res.team_set_readiness(
        official, team_id=resting.pk, expected_version=resting.version, readiness=Readiness.RESTING
    )
    _reserves(keeper, streets)
    _equipment(keeper)
    for row in SHELTERS:
        keeper.shelter(official, district, row)
    for index, row in enumerate(EXPERTS):
        keeper.expert(official, district, row, available=index != UNAVAILABLE_EXPERT)
    if neighbour is not None and neighbour_official is not None:
        _neighbour(keeper, neighbour, neighbour_official)
    made = keeper.made
    for model, key in ((RescueTeam, "teams"), (Warehouse, "warehouses")):
        model.objects.filter(pk__in=[o.pk for o in made[key].values()]).update(synthetic=True)
    for model, key in ((Equipment, "equipment"), (Shelter, "shelters"), (Expert, "experts")):
        model.objects.filter(pk__in=[o.pk for o in made[key]]).update(synthetic=True)
    return made


def _reserves(keeper: _Keeper, streets) -> None:
    """The district's stores at four of the five levels (市级 is the city's), opened a year
    ago, and the ledger's later movements each on its day."""
    district, official, today = keeper.district, keeper.official, keeper.today
    clock = Clock().at(today - timedelta(days=400))
    name = district.name
    keeper.warehouse("district", official, keeper.government, f"{name}救灾物资储备库",
                     StorageLevel.DISTRICT, (31.2884, 121.5583), f"{name}军工路",
                     DISTRICT_STOCK)  # fmt: skip
    housing = {"department": keeper.departments.get("建设和管理委员会")}
    keeper.warehouse("flood", keeper.housing, housing, f"{name}防汛物资仓库",
                     StorageLevel.DISTRICT, (31.2650, 121.5460), f"{name}杨树浦路",
                     FLOOD_STOCK)  # fmt: skip
    for index, street in enumerate(streets):
        lat, lon = _street_point(street)
        owner = {"owner_kind": OwnerKind.GOVERNMENT, "region": street.code}
        keeper.warehouse(f"street{index}", official, owner, f"{street.name}应急物资储备点",
                         StorageLevel.STREET, (lat + 0.0015, lon + 0.0012),
                         f"{street.name}社区事务受理服务中心", STREET_STOCK,
                         scale=0.6 if index % 4 == 1 else 1.0)  # fmt: skip
    grids = Region.objects.filter(
        code__startswith=district.code, level__in=(RegionLevel.COMMUNITY, RegionLevel.GRID)
    ).select_related("parent")
    grids = list(grids.order_by("code")[:3])
    points = [(grid, False) for grid in grids] + [(grid, True) for grid in grids[:2]]
    for index, (grid, household) in enumerate(points):  # 居村 points, then 家庭应急包 points
        lat, lon = _street_point(grid.parent)
        where = f"{grid.parent.name}{grid.name}"
        keeper.warehouse(
            f"{'household' if household else 'community'}{index}", official,
            {"owner_kind": OwnerKind.GOVERNMENT, "region": grid.code},
            f"{where}{'家庭应急包发放点' if household else '居村应急物资储备点'}",
            StorageLevel.HOUSEHOLD if household else StorageLevel.COMMUNITY,
            (lat - 0.002 * (index + 1), lon + 0.001 * (index + 1)), f"{where}居委会",
            HOUSEHOLD_STOCK if household else COMMUNITY_STOCK,
        )  # fmt: skip
    supplies, stores = keeper.made["supplies"], keeper.made["warehouses"]
    moves = (
        (190, "transfer", "district:沙袋:", 2000, "汛前预置到街道储备点"),
        (150, "receive", "district:棉被:", 300, "年度采购入库"),
        (120, MovementKind.ISSUE, "district:帐篷:", 20, "支援街道临时安置点"),
        (40, MovementKind.ROTATION, "district:方便食品:2025-12", 200, "临期轮换，调剂社区食堂"),
        (30, "count", "street1:排水泵:", 1, "季度盘点：1台损坏送修"),
    )
    for days, kind, key, quantity, reason in moves if "street1" in stores else ():
        clock.at(today - timedelta(days=days))
        supply = supplies[key].pk
        if kind == "transfer":
            res.stock_transfer(official, supply_id=supply, quantity=quantity, reason=reason,
                               to_warehouse_id=stores["street1"].pk)  # fmt: skip
        elif kind == "receive":
            res.stock_receive(official, supply_id=supply, quantity=quantity, reason=reason)
        elif kind == "count":
            res.stock_count(official, supply_id=supply, counted=quantity, reason=reason)
        else:
            res.stock_issue(official, supply_id=supply, quantity=quantity, kind=kind, reason=reason)
    kept = [warehouse.pk for warehouse in stores.values()]
    clock.settle((StockMovement.objects.filter(supply__warehouse_id__in=kept), ("at",)))


def _equipment(keeper: _Keeper) -> None:
    teams, stores = keeper.made["teams"], keeper.made["warehouses"]
    for who, name, category, spec, quantity, where, key, status in EQUIPMENT:
        home = (teams if where == "team" else stores).get(key)
        if home is None:
            continue
        owner = {"department": home.department_id} if home.department_id else {
            "owner_kind": home.owner_kind, "region": home.region_id}  # fmt: skip
        keeper.made["equipment"].append(res.equipment_create(getattr(keeper, who), data={
            **owner, "name": name, "category": category, "spec": spec, "quantity": quantity,
            where: home.pk, "status": EquipmentStatus(status),
        }))  # fmt: skip


def _neighbour(keeper: _Keeper, district: Region, official) -> None:
    """The neighbour district's own few records, kept by its 应急局."""
    fire = Department.objects.filter(region=district, name__endswith="消防救援支队").first()
    name, *row = NEIGHBOUR_TEAM
    short = district.name.removesuffix("区")
    keeper.team("neighbour", official, {"department": fire.pk} if fire else {},
                (name.format(p=short), *row))  # fmt: skip
    keeper.warehouse("neighbour", official, {"owner_kind": OwnerKind.GOVERNMENT,
                     "region": district.code}, f"{district.name}救灾物资储备库",
                     StorageLevel.DISTRICT, (31.2700, 121.4905), f"{district.name}大连西路",
                     DISTRICT_STOCK[:3])  # fmt: skip
    keeper.shelter(official, district, NEIGHBOUR_SHELTER)
    keeper.expert(official, district, (F.MANAGEMENT, "高级工程师", f"{district.name}应急管理局",
                                       None, None))  # fmt: skip
