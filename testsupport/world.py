"""The test world: real Shanghai regions, default departments, named actors and enterprises.

Built once per test session (``conftest.django_db_setup``) through the same services
the platform uses; every test then runs in a transaction that is rolled back.

The actors (STYLE habit 5) — so that tests read as sentences:

=====================  =================================================================
district_official      杨浦区应急局 (综合监管): all of 杨浦区, every industry
street_officer         殷行街道 officer: 殷行街道 only
grid_member            网格员 of 殷行街道第1网格: that grid only
neighbour_official     虹口区应急局: the neighbouring district, nothing in 杨浦
housing_official       杨浦区建管委 (行业主管部门): 杨浦区 × {建筑施工, 燃气}
inspector              杨浦区应急局执法人员: 杨浦区, read-only registry
leader                 杨浦区 leader: 杨浦区, read-only
enterprise_manager     safety manager of ``yinhang_chemical``: that enterprise only
expert                 an expert: no registry access
admin                  system administrator (superuser): everything
=====================  =================================================================

Enterprises: ``yinhang_chemical`` (危化, 殷行街道, in grid 1), ``yinhang_site`` (建筑施工,
殷行街道), ``pingliang_factory`` (机械, 平凉路街道), ``hongkou_shop`` (商超, 虹口区).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from auditlog.context import set_actor
from stdnum.cn import uscc

from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.accounts.services import user_create_basic
from anjian.core import workdays
from anjian.enterprises.models import Enterprise
from anjian.enterprises.services import enterprise_create, enterprise_link_user
from anjian.regions import services as region_services
from anjian.regions.choices import RegionLevel
from anjian.regions.models import Department, Industry, Region

PASSWORD = "Test-password-2026"
YANGPU = "310110"
HONGKOU = "310109"
YINHANG = "310110016"  # 殷行街道
PINGLIANG = "310110006"  # 平凉路街道

ACTORS = (
    "district_official",
    "street_officer",
    "grid_member",
    "neighbour_official",
    "housing_official",
    "inspector",
    "leader",
    "enterprise_manager",
    "expert",
    "admin",
)
ENTERPRISES = ("yinhang_chemical", "yinhang_site", "pingliang_factory", "hongkou_shop")

# Who sees which of the world's enterprises: the scoping truth every scope test checks.
VISIBLE = {
    "district_official": {"yinhang_chemical", "yinhang_site", "pingliang_factory"},
    "street_officer": {"yinhang_chemical", "yinhang_site"},
    "grid_member": {"yinhang_chemical"},
    "neighbour_official": {"hongkou_shop"},
    "housing_official": {"yinhang_site"},
    "inspector": {"yinhang_chemical", "yinhang_site", "pingliang_factory"},
    "leader": {"yinhang_chemical", "yinhang_site", "pingliang_factory"},
    "enterprise_manager": {"yinhang_chemical"},
    "expert": set(),
    "admin": set(ENTERPRISES),
}


def credit_code(seed: int, district: str = YANGPU) -> str:
    """A valid, deterministic 统一社会信用代码 for tests."""
    body = f"91{district}{seed:09d}"
    return body + uscc.calc_check_digit(body)


def enterprise_data(**overrides) -> dict:
    """Service-level field values for a valid enterprise in 殷行街道 (override what you test)."""
    data = {
        "name": "上海测试化工有限公司",
        "credit_code": credit_code(999),
        "legal_representative": "张三",
        "principal_name": "张三",
        "principal_phone": "13800138000",
        "safety_manager_name": "李四",
        "safety_manager_phone": "021-65012345",
        "address": "上海市杨浦区国和路1号",
        "latitude": Decimal("31.320000"),
        "longitude": Decimal("121.530000"),
        "street": Region.objects.get(code=YINHANG),
        "grid": None,
        "industry": Industry.objects.get(code="hazchem"),
        "economic_code": "C2614",
        "employees": 120,
        "scale": "below",
        "supervision_grade": "B",
        "standardisation_grade": "3",
        "standardisation_expires": date(2027, 6, 30),
        "insured_until": date(2027, 1, 31),
        "status": "operating",
        "department_overridden": False,
        "supervising_department": None,
    }
    data.update(overrides)
    return data


def form_data(**overrides) -> dict:
    """POST data for the enterprise form (codes and strings, as a browser sends them)."""
    data = {
        "name": "上海表单测试有限公司",
        "credit_code": credit_code(998),
        "legal_representative": "王五",
        "principal_name": "王五",
        "principal_phone": "13900139000",
        "safety_manager_name": "赵六",
        "safety_manager_phone": "13700137000",
        "address": "上海市杨浦区殷行路100号",
        "latitude": "31.321000",
        "longitude": "121.531000",
        "street": YINHANG,
        "grid": "",
        "industry": "hazchem",
        "economic_code": "C2614",
        "employees": "50",
        "scale": "below",
        "supervision_grade": "C",
        "standardisation_grade": "",
        "standardisation_expires": "",
        "insured_until": "2027-03-31",
        "status": "operating",
        "supervising_department": "",
    }
    data.update(overrides)
    return data


@dataclass
class World:
    actors: dict[str, User]
    enterprises: dict[str, Enterprise]


def build_world() -> World:
    # Deadlines counted from today reach into next year, which chinese-calendar may not
    # carry yet: the test world enters it as plain Monday–Friday (synthetic), as an
    # administrator would enter the published schedule (anjian/core/workdays.py).
    for year in (date.today().year, date.today().year + 1):
        if year not in workdays.PACKAGE_YEARS:
            workdays.enter_year(year, source="测试环境：按周一至周五", synthetic=True)
    region_services.regions_load(root="31")
    region_services.regions_load_boundaries(root="31")
    yangpu = Region.objects.get(code=YANGPU)
    hongkou = Region.objects.get(code=HONGKOU)
    region_services.departments_seed(region=yangpu)
    region_services.departments_seed(region=hongkou)
    admin = User.objects.create_superuser("admin", password=PASSWORD, name="管理员")
    yinhang = Region.objects.get(code=YINHANG)
    with set_actor(admin):
        grid = region_services.region_add_child(
            parent=yinhang, name="第1网格", level=RegionLevel.GRID, by=admin
        )
    emergency = Department.objects.get(region=yangpu, name="杨浦区应急管理局")
    housing = Department.objects.get(region=yangpu, name="杨浦区建设和管理委员会")
    neighbour_emergency = Department.objects.get(region=hongkou, name="虹口区应急管理局")

    def user(username, role, region=None, department=None):
        return user_create_basic(
            username=username,
            name=username,
            phone="",
            role=role,
            password=PASSWORD,
            region=region,
            department=department,
        )

    actors = {
        "admin": admin,
        "district_official": user("district_official", Role.SUPERVISOR, yangpu, emergency),
        "street_officer": user("street_officer", Role.STREET, yinhang),
        "grid_member": user("grid_member", Role.STREET, grid),
        "neighbour_official": user(
            "neighbour_official", Role.SUPERVISOR, hongkou, neighbour_emergency
        ),
        "housing_official": user("housing_official", Role.DEPARTMENT, yangpu, housing),
        "inspector": user("inspector", Role.INSPECTOR, yangpu, emergency),
        "leader": user("leader", Role.LEADER, yangpu),
        "expert": user("expert", Role.EXPERT),
        "enterprise_manager": user("enterprise_manager", Role.ENTERPRISE),
    }
    hongkou_street = Region.objects.filter(parent=hongkou, level=RegionLevel.STREET).order_by(
        "code"
    )[0]
    with set_actor(admin):
        enterprises = {
            "yinhang_chemical": enterprise_create(
                by=admin,
                data=enterprise_data(
                    name="上海殷行化工有限公司", credit_code=credit_code(1), grid=grid
                ),
            ),
            "yinhang_site": enterprise_create(
                by=admin,
                data=enterprise_data(
                    name="上海殷行建设工程有限公司",
                    credit_code=credit_code(2),
                    industry=Industry.objects.get(code="construction"),
                    economic_code="E4710",
                    standardisation_grade="",
                    standardisation_expires=None,
                ),
            ),
            "pingliang_factory": enterprise_create(
                by=admin,
                data=enterprise_data(
                    name="上海平凉机械制造有限公司",
                    credit_code=credit_code(3),
                    street=Region.objects.get(code=PINGLIANG),
                    industry=Industry.objects.get(code="machinery"),
                    economic_code="C3411",
                    latitude=Decimal("31.262000"),
                    longitude=Decimal("121.530000"),
                ),
            ),
            "hongkou_shop": enterprise_create(
                by=admin,
                data=enterprise_data(
                    name="上海虹口超市有限公司",
                    credit_code=credit_code(4, HONGKOU),
                    street=hongkou_street,
                    industry=Industry.objects.get(code="commerce"),
                    economic_code="F5211",
                    address="上海市虹口区四川北路1号",
                    latitude=Decimal("31.260000"),
                    longitude=Decimal("121.485000"),
                    standardisation_grade="",
                    standardisation_expires=None,
                ),
            ),
        }
        enterprise_link_user(
            by=admin,
            enterprise=enterprises["yinhang_chemical"],
            user=actors["enterprise_manager"],
            position="safety_manager",
        )
    return World(actors=actors, enterprises=enterprises)


def administrator_of(code: str) -> User:
    """A system administrator (role 系统管理员, not a superuser) of region ``code``.

    ``administrator_of(YANGPU)`` is a district administrator: every administrator action
    in 杨浦区, but not the city-wide configuration (band tables, standards library, city
    default ladder). ``administrator_of("31")`` — the region root — is the city's. Not in
    ``ACTORS`` (the URL access walk covers the named actors); tests that need one call this.
    """
    return User.objects.create(
        username=f"admin_{code}", name=f"{code}管理员", role=Role.ADMIN, region_id=code
    )


def actor(name: str) -> User:
    """A fresh copy of a named actor (its cached scope is recomputed)."""
    return User.objects.get(username=name)


def enterprise(name: str) -> Enterprise:
    return Enterprise.objects.get(name=ENTERPRISE_NAMES[name])


ENTERPRISE_NAMES = {
    "yinhang_chemical": "上海殷行化工有限公司",
    "yinhang_site": "上海殷行建设工程有限公司",
    "pingliang_factory": "上海平凉机械制造有限公司",
    "hongkou_shop": "上海虹口超市有限公司",
}
