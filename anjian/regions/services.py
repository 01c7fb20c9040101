"""Writes to the region tree, industries and departments."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from anjian.core.caching import reference_changed
from anjian.core.exceptions import ValidationError
from anjian.core.scoping import OutOfScope
from anjian.regions import datasets
from anjian.regions.choices import RegionLevel, RegionSource
from anjian.regions.defaults import DEPARTMENTS, INDUSTRIES
from anjian.regions.levels import GRID_MARK, city_of
from anjian.regions.models import Department, Industry, Region
from anjian.regions.signals import department_industries_changed

SKIPPED_IN_FULL_NAME = {"市辖区", "县"}


@transaction.atomic
def regions_load(*, root: str, with_communities: bool = False) -> int:
    """Load (or refresh) the GB/T 2260 tree at and under ``root`` from the data package.

    Idempotent: existing codes get the package's current names; regions added locally
    (社区/网格) are left alone. Returns how many regions the package supplied.
    """
    records = list(datasets.gbt2260_records(root, with_communities=with_communities))
    if not records:
        raise ValidationError(_("数据包中没有区划代码 %(root)s") % {"root": root})
    full_names: dict[str, str] = dict(
        Region.objects.filter(
            code__in={r.parent_code for r in records if r.parent_code}
        ).values_list("code", "full_name")
    )
    rows = []
    for record in records:
        parent_full = full_names.get(record.parent_code, "") if record.parent_code else ""
        own = "" if record.name in SKIPPED_IN_FULL_NAME else record.name
        full_names[record.code] = parent_full + own
        rows.append(
            Region(
                code=record.code,
                name=record.name,
                full_name=full_names[record.code] or record.name,
                level=record.level,
                parent_id=record.parent_code,
                source=RegionSource.GBT2260,
            )
        )
    for level in sorted({row.level for row in rows}):
        Region.objects.bulk_create(
            [row for row in rows if row.level == level],
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name", "full_name", "level", "parent", "source"],
        )
    reference_changed()  # a bulk write sends no signal: the cached pickers must go
    return len(rows)


@transaction.atomic
def regions_load_boundaries(*, root: str) -> int:
    """Attach approximate outlines and label points to the districts under ``root``."""
    updated = 0
    cities = Region.objects.filter(level=RegionLevel.CITY).under(city_of(root))
    for city in cities.select_related("parent"):
        city_name = city.parent.name if city.name in SKIPPED_IN_FULL_NAME else city.name
        outlines = datasets.district_outlines(city_name.removesuffix("市"))
        for district in Region.objects.filter(parent=city, level=RegionLevel.DISTRICT).under(root):
            if district.name not in outlines:
                continue
            geometry, point = outlines[district.name]
            district.boundary = geometry
            if point and district.latitude is None:
                district.longitude = Decimal(str(point[0])).quantize(Decimal("0.000001"))
                district.latitude = Decimal(str(point[1])).quantize(Decimal("0.000001"))
            district.save(update_fields=["boundary", "latitude", "longitude", "updated_at"])
            updated += 1
    return updated


CHILD_LEVELS = {
    RegionLevel.STREET: (RegionLevel.COMMUNITY, RegionLevel.GRID),
    RegionLevel.COMMUNITY: (RegionLevel.GRID,),
}


def next_child_code(parent: Region, level: int) -> str:
    prefix = parent.code + GRID_MARK if level == RegionLevel.GRID else parent.code
    siblings = Region.objects.filter(parent=parent, level=level, code__startswith=prefix)
    highest = siblings.aggregate(m=Max("code"))["m"]
    number = int(highest[len(prefix) :]) + 1 if highest else 1
    if number > 999:
        raise ValidationError(_("该上级区划下的编号已用尽（最多 999 个）"))
    return f"{prefix}{number:03d}"


@transaction.atomic
def region_add_child(
    *,
    parent: Region,
    name: str,
    level: int,
    by,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> Region:
    """Add a 社区 or 网格 under a street (or a 网格 under a community); code is assigned."""
    if not by.scope.covers_region(parent.code):
        raise OutOfScope()
    if level not in CHILD_LEVELS.get(parent.level, ()):
        raise ValidationError(
            {"level": _("%(parent)s 下不能新增该层级的区划") % {"parent": parent.full_name}}
        )
    name = name.strip()
    if Region.objects.filter(parent=parent, name=name).exists():
        raise ValidationError(
            {"name": _("同一上级区划下已有名为“%(name)s”的区划") % {"name": name}}
        )
    region = Region(
        code=next_child_code(parent, level),
        name=name,
        level=level,
        parent=parent,
        latitude=latitude,
        longitude=longitude,
        source=RegionSource.LOCAL,
    )
    region.full_clean()
    region.save()
    return region


@transaction.atomic
def region_update(*, region: Region, by, name: str, latitude, longitude, is_active: bool) -> Region:
    """Rename a region, move its label point, or retire it. GB/T 2260 names stay as loaded."""
    if not by.scope.covers_region(region.code):
        raise OutOfScope()
    if region.source == RegionSource.GBT2260 and name != region.name:
        raise ValidationError({"name": _("国标区划名称来自数据包，不能在此修改")})
    region.name = name.strip()
    region.latitude = latitude
    region.longitude = longitude
    region.is_active = is_active
    region.full_clean()
    region.save()
    return region


def industries_seed() -> int:
    """Create the default 监管行业 that do not exist yet. Returns how many were created."""
    created = 0
    for order, default in enumerate(INDUSTRIES, start=1):
        _obj, was_created = Industry.objects.get_or_create(
            code=default.code,
            defaults={
                "name": default.name,
                "group": default.group,
                "sort_order": order * 10,
                "for_places": default.for_places,
            },
        )
        created += was_created
    return created


@transaction.atomic
def departments_seed(*, region: Region) -> list[Department]:
    """Give ``region`` (a district or city) the default departments and their industries."""
    industries_seed()
    by_code = {industry.code: industry for industry in Industry.objects.all()}
    departments = []
    for order, default in enumerate(DEPARTMENTS, start=1):
        department, created = Department.objects.get_or_create(
            region=region,
            name=f"{region.name}{default.suffix}",
            defaults={
                "short_name": default.short_name,
                "is_comprehensive": default.is_comprehensive,
                "sort_order": order * 10,
            },
        )
        if created:
            department.industries.set([by_code[code] for code in default.industries])
        departments.append(department)
    return departments


@transaction.atomic
def department_update(*, by, form) -> Department:
    """Save a department; if its industries changed, tell dependants (enterprise derivation)."""
    before = (
        set(form.instance.industries.values_list("id", flat=True)) if form.instance.pk else set()
    )
    department = form.save()
    after = set(department.industries.values_list("id", flat=True))
    if before != after or "is_active" in form.changed_data:
        department_industries_changed.send(
            sender=Department, region_code=department.region_id, industry_ids=before | after
        )
    return department
