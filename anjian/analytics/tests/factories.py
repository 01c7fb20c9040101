"""Accident rows built directly with the ORM (the accidents services are not what these
tests test), and the moments the tests compute "as of"."""

import itertools
from datetime import datetime

from django.utils import timezone

from anjian.accidents.choices import AccidentType, Grade
from anjian.accidents.choices import Category as C
from anjian.accidents.clock import window_ends
from anjian.accidents.models import Accident, AccidentState
from anjian.analytics.models import Denominator
from anjian.regions.choices import RegionLevel
from anjian.regions.models import Region
from testsupport import world

_numbers = itertools.count(1)


def local(*args) -> datetime:
    """An aware datetime in Shanghai time: ``local(2024, 12, 31, 23, 30)``."""
    return timezone.make_aware(datetime(*args))


def accident(
    street: str,
    occurred_at: datetime,
    *,
    category: str,
    deaths: int = 0,
    missing: int = 0,
    grade: str = Grade.GENERAL,
    state: str = AccidentState.REPORTED,
) -> Accident:
    region = Region.objects.get(code=street)
    return Accident.objects.create(
        number=f"T{next(_numbers):06d}",
        region=region,
        region_code=region.code,
        unit_name="测试单位",
        occurred_at=occurred_at,
        known_at=occurred_at,
        place="测试地点",
        accident_type=AccidentType.OTHER,
        category=category,
        summary="测试事故",
        grade=grade,
        state=state,
        deaths=deaths,
        missing=missing,
        window_ends_at=window_ends(occurred_at, category),
        reported_by=world.actor("admin"),
    )


# --- the hand-counted ledger of 杨浦区 ------------------------------------------------------------
#
# ===  ========  ================  =======  ======  =======  ===============================
# id   street    category          grade    deaths  missing  occurred (Shanghai time)
# ===  ========  ================  =======  ======  =======  ===============================
# A1   殷行      危险化学品         一般     1       0        2024-01-01 00:30 (UTC: 2023)
# A2   殷行      建筑施工           较大     3       1        2024-06-05 (window 30 d: passed)
# A3   平凉      道路交通           一般     2       0        2024-08-01
# A4   平凉      火灾               一般     0       0        2024-09-09
# A5   殷行      工矿商贸其他       一般     1       0        2024-12-31 23:30
# A9   平凉      水上交通           重大     10      0        2024-04-01
# A10  殷行      道路交通           一般     0       2        2024-12-28 (window 7 d: to 01-04)
# A6   殷行      道路交通           一般     1       0        2025-01-01 00:10 (UTC: 2024)
# A7   殷行      危险化学品 voided  一般     5       0        2024-05-05
# A8   虹口      道路交通           一般     3       0        2024-05-05
# B1   殷行      危险化学品         一般     2       0        2023-05-01
# B2   平凉      道路交通           一般     1       0        2023-07-01
# C1   殷行      建筑施工           较大     24      0        2020-03-01
# ===  ========  ================  =======  ======  =======  ===============================
#
# 杨浦区 2024, as of 2025-03-01 (every window passed): 7 accidents (A1 A2 A3 A4 A5 A9 A10),
# deaths 1 + (3+1) + 2 + 0 + 1 + 10 + 2 = 20; 工矿商贸 A1 + A2 + A5 = 1 + 4 + 1 = 6;
# road A3 + A10 = 2 + 2 = 4; 较大及以上 A2, A9 = 2; 重大及以上 A9 = 1.
# As of 2025-01-02 A10's 2 missing are still within their window: deaths 18, road 2.
# 2023: deaths 3, 工矿商贸 2, road 1, 2 accidents. 2020: deaths 24.
AS_OF = local(2025, 3, 1)
WITHIN_A10_WINDOW = local(2025, 1, 2)


def ledger() -> dict:
    yinhang, pingliang = world.YINHANG, world.PINGLIANG
    hongkou_street = (
        Region.objects.filter(parent_id=world.HONGKOU, level=RegionLevel.STREET)
        .order_by("code")
        .first()
        .code
    )
    return {
        "A1": accident(yinhang, local(2024, 1, 1, 0, 30), category=C.HAZCHEM, deaths=1),
        "A2": accident(
            yinhang,
            local(2024, 6, 5, 10),
            category=C.CONSTRUCTION,
            deaths=3,
            missing=1,
            grade=Grade.LARGER,
        ),
        "A3": accident(pingliang, local(2024, 8, 1, 9), category=C.ROAD, deaths=2),
        "A4": accident(pingliang, local(2024, 9, 9, 14), category=C.FIRE),
        "A5": accident(yinhang, local(2024, 12, 31, 23, 30), category=C.TRADE_OTHER, deaths=1),
        "A9": accident(
            pingliang, local(2024, 4, 1, 8), category=C.WATER, deaths=10, grade=Grade.MAJOR
        ),
        "A10": accident(yinhang, local(2024, 12, 28, 18), category=C.ROAD, missing=2),
        "A6": accident(yinhang, local(2025, 1, 1, 0, 10), category=C.ROAD, deaths=1),
        "A7": accident(
            yinhang,
            local(2024, 5, 5, 10),
            category=C.HAZCHEM,
            deaths=5,
            state=AccidentState.VOIDED,
        ),
        "A8": accident(hongkou_street, local(2024, 5, 5, 10), category=C.ROAD, deaths=3),
        "B1": accident(yinhang, local(2023, 5, 1, 10), category=C.HAZCHEM, deaths=2),
        "B2": accident(pingliang, local(2023, 7, 1, 10), category=C.ROAD, deaths=1),
        "C1": accident(
            yinhang, local(2020, 3, 1, 10), category=C.CONSTRUCTION, deaths=24, grade=Grade.LARGER
        ),
    }


def denominators() -> None:
    """杨浦区: 2024 all three; 2023 without motor vehicles; 2020 GDP only."""
    yangpu = Region.objects.get(code=world.YANGPU)
    for year, gdp, employees, vehicles in (
        (2024, "2500.00", 300_000, 400_000),
        (2023, "2400.00", 290_000, None),
        (2020, "2000.00", None, None),
    ):
        Denominator.objects.create(
            region=yangpu,
            region_code=yangpu.code,
            year=year,
            gdp=gdp,
            industry_trade_employees=employees,
            motor_vehicles=vehicles,
        )
