"""Synthetic enterprises for the demo district and for city-scale benchmarks.

Everything here is invented: names are composed from common shop-sign characters and
industry words, people and phone numbers come from Faker's zh_CN locale, credit codes
are random but pass the GB 32100 check, and coordinates are random points inside the
district outline assigned to the nearest street centre. Rows are written through
``enterprise_bulk_create`` so they carry audit entries like any import.
"""

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from faker import Faker
from stdnum.cn import uscc

from anjian.enterprises.choices import Scale, StandardisationGrade, Status, SupervisionGrade
from anjian.enterprises.models import Enterprise
from anjian.enterprises.services import DepartmentResolver, prepare_for_bulk
from anjian.regions.choices import RegionLevel
from anjian.regions.fixtures import random_point_in
from anjian.regions.levels import street_of
from anjian.regions.models import Industry, Region


@dataclass(frozen=True)
class IndustryProfile:
    weight: float  # share of enterprises in an urban district
    patterns: tuple[str, ...]  # {b} = brand
    economic_codes: tuple[str, ...]
    employees_median: int
    grade_weights: tuple[int, int, int, int]  # A, B, C, D
    flags: dict[str, float]  # flag → probability
    standardised: float = 0.0


PROFILES: dict[str, IndustryProfile] = {
    "hazchem": IndustryProfile(
        4,
        (
            "上海{b}化工有限公司",
            "上海{b}化学品贸易有限公司",
            "上海{b}气体有限公司",
            "{b}石化加油站",
        ),
        ("C2614", "C2619", "C2661", "F5162", "F5265"),
        60,
        (35, 40, 20, 5),
        {"involves_hazchem": 1.0, "confined_space": 0.5},
        0.8,
    ),
    "fireworks": IndustryProfile(
        0.3, ("上海{b}烟花爆竹零售店",), ("F5249",), 4, (20, 50, 25, 5), {"involves_hazchem": 1.0}
    ),
    "metallurgy": IndustryProfile(
        1.5,
        ("上海{b}金属制品有限公司", "上海{b}钢结构工程有限公司"),
        ("C3311", "C3130", "C3399"),
        80,
        (15, 35, 40, 10),
        {"dust_explosion": 0.2, "confined_space": 0.4},
        0.6,
    ),
    "nonferrous": IndustryProfile(
        0.6,
        ("上海{b}铝业有限公司", "上海{b}铜材加工有限公司"),
        ("C3252", "C3251"),
        70,
        (20, 35, 35, 10),
        {"dust_explosion": 0.5, "confined_space": 0.3},
        0.6,
    ),
    "building_materials": IndustryProfile(
        1.0,
        ("上海{b}建材有限公司", "上海{b}混凝土有限公司"),
        ("C3021", "C3031"),
        50,
        (10, 35, 45, 10),
        {"dust_explosion": 0.3, "confined_space": 0.5},
        0.5,
    ),
    "machinery": IndustryProfile(
        5,
        (
            "上海{b}机械制造有限公司",
            "上海{b}精密机械有限公司",
            "上海{b}汽车配件有限公司",
            "上海{b}电气设备有限公司",
        ),
        ("C3411", "C3441", "C3670", "C3824"),
        90,
        (8, 30, 47, 15),
        {"dust_explosion": 0.1, "confined_space": 0.2},
        0.5,
    ),
    "light_industry": IndustryProfile(
        5,
        (
            "上海{b}食品有限公司",
            "上海{b}印刷有限公司",
            "上海{b}家具有限公司",
            "上海{b}塑料制品有限公司",
            "上海{b}冷链食品有限公司",
        ),
        ("C1419", "C2319", "C2110", "C2929", "C1351"),
        50,
        (8, 27, 50, 15),
        {"dust_explosion": 0.15, "ammonia_refrigeration": 0.08, "confined_space": 0.3},
        0.4,
    ),
    "textile": IndustryProfile(
        2,
        ("上海{b}服饰有限公司", "上海{b}纺织品有限公司"),
        ("C1810", "C1751"),
        60,
        (5, 25, 55, 15),
        {"dust_explosion": 0.1},
        0.3,
    ),
    "tobacco": IndustryProfile(
        0.1, ("上海烟草{b}物流配送中心",), ("C1620", "G5960"), 120, (20, 40, 35, 5), {}, 1.0
    ),
    "trade_warehousing": IndustryProfile(
        8,
        ("上海{b}物流有限公司", "上海{b}仓储有限公司", "上海{b}供应链管理有限公司"),
        ("G5990", "G5960", "G5829"),
        40,
        (10, 30, 45, 15),
        {"confined_space": 0.1},
        0.3,
    ),
    "construction": IndustryProfile(
        7,
        ("上海{b}建设工程有限公司", "上海{b}建筑装饰工程有限公司", "上海{b}市政工程有限公司"),
        ("E4710", "E5011", "E4813"),
        70,
        (25, 40, 30, 5),
        {"confined_space": 0.3},
    ),
    "gas": IndustryProfile(
        1.2,
        ("上海{b}燃气有限公司", "上海{b}液化气供应站"),
        ("D4511", "F5265"),
        30,
        (35, 40, 20, 5),
        {"involves_hazchem": 0.7, "confined_space": 0.4},
    ),
    "road_transport": IndustryProfile(
        4,
        ("上海{b}运输有限公司", "上海{b}客运有限公司", "上海{b}危险品运输有限公司"),
        ("G5430", "G5421"),
        45,
        (15, 35, 40, 10),
        {"involves_hazchem": 0.1},
    ),
    "special_equipment": IndustryProfile(
        4,
        ("上海{b}物业管理有限公司", "上海{b}电梯工程有限公司"),
        ("K7020", "E4910"),
        80,
        (10, 30, 45, 15),
        {},
    ),
    "fire_key_unit": IndustryProfile(
        5,
        ("{b}商业广场", "上海{b}酒店有限公司", "{b}大厦"),
        ("L7211", "H6110", "K7040"),
        120,
        (15, 35, 40, 10),
        {"fire_key_unit": 1.0, "crowded_place": 0.8},
    ),
    "hazardous_waste": IndustryProfile(
        0.7,
        ("上海{b}环保科技有限公司", "上海{b}再生资源有限公司"),
        ("N7724", "C4220"),
        40,
        (30, 40, 25, 5),
        {"involves_hazchem": 0.6, "confined_space": 0.4},
    ),
    "education": IndustryProfile(
        6,
        ("上海市杨浦区{b}小学", "上海市{b}中学", "{b}幼儿园", "上海{b}培训学校"),
        ("P8321", "P8331", "P8310", "P8391"),
        80,
        (10, 30, 45, 15),
        {"crowded_place": 0.9, "fire_key_unit": 0.3},
    ),
    "culture_tourism": IndustryProfile(
        4,
        ("上海{b}剧院", "上海{b}娱乐有限公司", "上海{b}健身有限公司", "{b}电影院"),
        ("R8720", "R9011", "R8990", "R8760"),
        30,
        (10, 30, 45, 15),
        {"crowded_place": 0.9, "fire_key_unit": 0.4},
    ),
    "health": IndustryProfile(
        4,
        ("上海{b}医院", "上海{b}门诊部", "{b}社区卫生服务中心", "上海{b}养老院"),
        ("Q8411", "Q8423", "Q8421", "Q8514"),
        100,
        (15, 35, 40, 10),
        {"crowded_place": 0.8, "fire_key_unit": 0.5, "involves_hazchem": 0.1},
    ),
    "commerce": IndustryProfile(
        30,
        (
            "上海{b}超市有限公司",
            "上海{b}餐饮管理有限公司",
            "{b}饭店",
            "上海{b}商贸有限公司",
            "{b}便利店",
        ),
        ("F5211", "H6210", "H6220", "F5219", "F5292"),
        15,
        (3, 17, 55, 25),
        {"crowded_place": 0.3, "fire_key_unit": 0.05},
    ),
    "agriculture": IndustryProfile(
        0.5,
        ("上海{b}园林绿化有限公司", "上海{b}农业科技有限公司"),
        ("A0519", "N7850"),
        20,
        (5, 20, 50, 25),
        {},
    ),
}

BRAND_CHARACTERS = (
    "华鑫恒瑞丰达盛宏远泰嘉祥博润安康永信源众聚联海江浦新东明德益隆昌荣辉腾凯顺成通金银锦福"
    "美佳和兴国旭耀晟铭佑启智创科汇鼎祺骏豪捷维禾森林川峰岳航领誉晖正元宁申沪杨殷淞"
)

DISTRICT_ROADS = {
    "310110": (
        "国和路",
        "政立路",
        "黄兴路",
        "殷行路",
        "长阳路",
        "控江路",
        "平凉路",
        "杨树浦路",
        "军工路",
        "国定路",
        "邯郸路",
        "四平路",
        "大连路",
        "江浦路",
        "周家嘴路",
        "许昌路",
        "宁国路",
        "隆昌路",
        "双阳路",
        "延吉中路",
        "靖宇中路",
        "翔殷路",
        "嫩江路",
        "开鲁路",
        "民京路",
        "闸殷路",
        "淞沪路",
        "政通路",
        "国权路",
        "营口路",
        "包头路",
        "本溪路",
        "松花江路",
        "辽源西路",
        "齐齐哈尔路",
    ),
    "310109": (
        "四川北路",
        "曲阳路",
        "广灵二路",
        "凉城路",
        "水电路",
        "大连西路",
        "东长治路",
        "海宁路",
        "溧阳路",
        "欧阳路",
        "同心路",
        "宝山路",
        "中山北一路",
        "天宝路",
    ),
}

STATUS_WEIGHTS = (
    (Status.OPERATING, 92),
    (Status.SUSPENDED, 3),
    (Status.CLOSED, 3),
    (Status.DEREGISTERED, 2),
)
CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@dataclass
class Place:
    district: Region
    streets: list[Region]
    street_points: list[tuple[float, float]]
    grids: dict[str, list[Region]]
    roads: tuple[str, ...]


def load_places(district_codes: list[str]) -> list[Place]:
    places = []
    for code in district_codes:
        district = Region.objects.get(code=code)
        streets = list(
            Region.objects.filter(parent=district, level=RegionLevel.STREET, is_active=True)
            .exclude(latitude=None)
            .order_by("code")
        )
        grids: dict[str, list[Region]] = {}
        for grid in Region.objects.filter(code__startswith=code, level=RegionLevel.GRID):
            grids.setdefault(street_of(grid.code), []).append(grid)
        roads = DISTRICT_ROADS.get(code) or tuple(
            f"{district.name[:-1]}{c}路" for c in "东西南北中"
        )
        places.append(
            Place(
                district,
                streets,
                [(float(s.longitude), float(s.latitude)) for s in streets],
                grids,
                roads,
            )
        )
    return places


class EnterpriseFactory:
    """Deterministic (seeded) generator of plausible enterprises."""

    def __init__(self, *, seed: int = 2026):
        self.rng = random.Random(seed)
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(seed)
        self.industries = {i.code: i for i in Industry.objects.all()}
        codes = [code for code in PROFILES if code in self.industries]
        self.industry_codes = codes
        self.industry_weights = [PROFILES[code].weight for code in codes]
        self.used_names: set[str] = set(Enterprise.objects.values_list("name", flat=True))
        self.used_codes: set[str] = set(Enterprise.objects.values_list("credit_code", flat=True))
        self.today = timezone.localdate()

    def _credit_code(self, district_code: str) -> str:
        while True:
            body = "91" + district_code + "".join(self.rng.choice(CODE_ALPHABET) for _ in range(9))
            code = body + uscc.calc_check_digit(body)
            if code not in self.used_codes:
                self.used_codes.add(code)
                return code

    def _name(self, profile: IndustryProfile) -> str:
        pattern = self.rng.choice(profile.patterns)
        for attempt in range(50):
            brand = "".join(self.rng.sample(BRAND_CHARACTERS, 2))
            name = pattern.format(b=brand)
            if attempt > 20:
                name = pattern.format(b=brand + self.rng.choice(BRAND_CHARACTERS))
            if name not in self.used_names:
                self.used_names.add(name)
                return name
        name = f"{pattern.format(b=brand)}（{len(self.used_names)}）"
        self.used_names.add(name)
        return name

    def _phone(self) -> str:
        return self.rng.choice(("13", "15", "18", "17", "19")) + "".join(
            str(self.rng.randint(0, 9)) for _ in range(9)
        )

    def _employees(self, profile: IndustryProfile) -> int:
        value = self.rng.lognormvariate(math.log(profile.employees_median), 0.9)
        return max(1, min(int(value), 20_000))

    def _nearest_street(self, place: Place, lon: float, lat: float) -> Region:
        best = min(
            range(len(place.streets)),
            key=lambda i: (
                (place.street_points[i][0] - lon) ** 2 + (place.street_points[i][1] - lat) ** 2
            ),
        )
        return place.streets[best]

    def build(self, place: Place) -> Enterprise:
        rng = self.rng
        industry_code = rng.choices(self.industry_codes, self.industry_weights)[0]
        profile = PROFILES[industry_code]
        lon, lat = random_point_in(place.district.boundary, rng)
        street = self._nearest_street(place, lon, lat)
        grids = place.grids.get(street.code, [])
        grid = rng.choice(grids) if grids and rng.random() < 0.6 else None
        employees = self._employees(profile)
        grade = rng.choices(list(SupervisionGrade), profile.grade_weights)[0]
        standardised = rng.random() < profile.standardised
        principal = self.fake.name()
        enterprise = Enterprise(
            name=self._name(profile),
            credit_code=self._credit_code(place.district.code),
            legal_representative=principal if rng.random() < 0.7 else self.fake.name(),
            principal_name=principal,
            principal_phone=self._phone(),
            safety_manager_name=self.fake.name() if rng.random() < 0.9 else "",
            address=f"{place.district.full_name}{rng.choice(place.roads)}{rng.randint(1, 2000)}号",
            latitude=Decimal(str(round(lat, 6))),
            longitude=Decimal(str(round(lon, 6))),
            street=street,
            grid=grid,
            industry=self.industries[industry_code],
            economic_code=rng.choice(profile.economic_codes),
            employees=employees,
            scale=Scale.ABOVE if employees >= 300 or rng.random() < 0.08 else Scale.BELOW,
            supervision_grade=grade,
            standardisation_grade=(
                rng.choices([StandardisationGrade.LEVEL_2, StandardisationGrade.LEVEL_3], [1, 4])[0]
                if standardised
                else StandardisationGrade.NONE
            ),
            standardisation_expires=(
                self.today + timedelta(days=rng.randint(-120, 3 * 365)) if standardised else None
            ),
            insured_until=(
                self.today + timedelta(days=rng.randint(-90, 365)) if rng.random() < 0.75 else None
            ),
            status=rng.choices([s for s, _w in STATUS_WEIGHTS], [w for _s, w in STATUS_WEIGHTS])[0],
        )
        if enterprise.safety_manager_name:
            enterprise.safety_manager_phone = self._phone()
        for flag, probability in profile.flags.items():
            setattr(enterprise, flag, rng.random() < probability)
        return enterprise


def generate(
    *, by, places: list[Place], weights: list[float], count: int, seed: int = 2026
) -> Iterator[Enterprise]:
    """``count`` prepared (unsaved) enterprises spread over ``places`` by ``weights``."""
    factory = EnterpriseFactory(seed=seed)
    departments = DepartmentResolver()
    for _n in range(count):
        place = factory.rng.choices(places, weights)[0]
        enterprise = factory.build(place)
        prepare_for_bulk(enterprise, by=by, departments=departments)
        yield enterprise
