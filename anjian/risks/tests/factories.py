"""Risk points for tests, built through the services (never in the shared world)."""

from itertools import count

from auditlog.context import set_actor

from anjian.risks import services
from anjian.risks.models import RiskPoint
from testsupport import world

_numbers = count(1)


def point_data(**overrides) -> dict:
    """Service-level field values for a valid risk point (override what you test)."""
    data = {
        "name": f"测试风险点{next(_numbers)}",
        "kind": "area",
        "location": "一号车间",
        "hazard_factors": "可燃液体泄漏，遇明火燃烧爆炸",
        "factor_class": "2",
        "accident_types": "08,18",
        "control_level": "workshop",
        "owner_name": "李四",
        "owner_phone": "13800138001",
        "emergency_phone": "",
        "reassess_due": None,
    }
    data.update(overrides)
    return data


def form_data(**overrides) -> dict:
    """POST data for the risk point form, as a browser sends it."""
    data = {
        "name": "表单测试风险点",
        "kind": "equipment",
        "location": "二号罐区",
        "hazard_factors": "储罐泄漏",
        "factor_class": "2",
        "accident_types": ["08", "17"],
        "control_level": "company",
        "owner_name": "王五",
        "owner_phone": "13900139000",
        "emergency_phone": "",
        "reassess_due": "",
    }
    data.update(overrides)
    return data


def make_point(enterprise, *, by=None, assess: tuple | None = None, **overrides) -> RiskPoint:
    """A risk point of ``enterprise`` created by the admin (or ``by``).

    ``assess``: ("lec", {"L": 3, "E": 6, "C": 15}) or ("ls", {"L": 4, "S": 5}) for an
    inherent assessment right away.
    """
    by = by or world.actor("admin")
    with set_actor(by):
        point = services.risk_point_create(
            by=by, enterprise=enterprise, data=point_data(**overrides)
        )
        if assess:
            method, factors = assess
            services.risk_point_assess(
                by=by, risk_point_id=point.pk, method=method, stage="inherent", factors=factors
            )
    return RiskPoint.objects.get(pk=point.pk)


WORLD_POINT_NAMES = {
    "yinhang_chemical": "殷行化工甲醇储罐区",
    "yinhang_site": "殷行工地深基坑",
    "pingliang_factory": "平凉机械冲压车间",
    "hongkou_shop": "虹口超市疏散通道",
}


def world_point(name: str) -> RiskPoint:
    """The risk point of world enterprise ``name`` (created in the test's transaction)."""
    existing = RiskPoint.objects.filter(name=WORLD_POINT_NAMES[name]).first()
    if existing is not None:
        return existing
    return make_point(
        world.enterprise(name),
        name=WORLD_POINT_NAMES[name],
        assess=("lec", {"L": 3, "E": 6, "C": 15}),
    )
