"""Pools, matters and draws in the shared test world (testsupport/world.py): 杨浦区应急管理局
with officials holding 执法证, and a matter that covers the world's three 杨浦 units."""

from datetime import date, timedelta

from anjian.accounts.roles import Role
from anjian.accounts.services import user_create_basic
from anjian.inspections import services
from anjian.inspections.models import CheckMatter, Inspector
from anjian.regions.models import Department, Industry
from testsupport import world

YANGPU_EMERGENCY = "杨浦区应急管理局"
WORLD_INDUSTRIES = ("hazchem", "construction", "machinery")


def department(name: str = YANGPU_EMERGENCY) -> Department:
    return Department.objects.get(name=name)


def official(username: str, dept: Department):
    return user_create_basic(
        username=username,
        name=f"执法{username}",
        phone="",
        role=Role.INSPECTOR,
        password=world.PASSWORD,
        region=dept.region,
        department=dept,
    )


def pool(by, dept: Department | None = None, *, size: int = 4, valid_days: int = 365, prefix="zf"):
    """``size`` officials of ``dept`` in its pool, certificates valid ``valid_days`` more."""
    dept = dept or department()
    return [
        services.inspector_save(
            by,
            data={
                "user": official(f"{prefix}{dept.pk}_{n}", dept),
                "department": dept,
                "certificate_number": f"31{dept.pk:04d}{prefix}{n:04d}",
                "certificate_valid_until": date.today() + timedelta(days=valid_days),
            },
        )
        for n in range(size)
    ]


def matter(by, dept: Department | None = None, *, name="危险化学品安全生产监督检查", codes=None):
    return services.matter_save(
        by,
        data={
            "department": dept or department(),
            "name": name,
            "basis": "《中华人民共和国安全生产法》第六十五条",
            "industries": list(Industry.objects.filter(code__in=codes or WORLD_INDUSTRIES)),
        },
    )


def drawn(by, *, count=2, title="2026年第四季度双随机抽查", **options):
    """A draw of the world's 杨浦 units by 杨浦区应急管理局 (pool and matter made here the
    first time)."""
    dept = department()
    if not Inspector.objects.filter(department=dept).exists():
        pool(by, dept)
    found = CheckMatter.objects.filter(department=dept).first() or matter(by, dept)
    return services.draw_run(by, department=dept, matter=found, title=title, count=count, **options)
