"""Reads of 危险化学品与重大危险源 through the reader's scope: units and their lines, major
hazard sources, the catalogue (city-wide: it holds no one's data), and the records a write
locks (``unit_for_write``, ``line_for_write``: outside the scope they do not exist)."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from anjian.core.exceptions import Conflict, OutOfScope
from anjian.hazchem import gb18218
from anjian.hazchem.models import Chemical, ChemicalUnit, InventoryLine, MajorHazardSource


def units(user) -> QuerySet[ChemicalUnit]:
    return ChemicalUnit.objects.for_user(user)


def sources(user) -> QuerySet[MajorHazardSource]:
    return MajorHazardSource.objects.for_user(user)


def lines(user) -> QuerySet[InventoryLine]:
    return InventoryLine.objects.filter(unit__in=units(user))


def chemicals(query: str = "") -> QuerySet[Chemical]:
    """Active catalogue entries matching ``query`` by name, alias or CAS number."""
    found = Chemical.objects.filter(active=True)
    query = gb18218.normalise(query or "")
    if query:
        cas = gb18218.normalise_cas(query)
        found = found.filter(
            Q(name__icontains=query) | Q(aliases__icontains=query) | Q(cas__startswith=cas)
        )
    return found


def _locked(queryset: QuerySet, pk, expected_version: int | None, *, field: str | None = None):
    found = queryset.select_for_update(of=("self",)).filter(pk=getattr(pk, "pk", pk)).first()
    if found is None:
        raise OutOfScope(field=field)
    if expected_version is not None and found.version != expected_version:
        raise Conflict(_("该记录已被他人修改，请刷新后重试"))
    return found


def unit_for_write(user, unit_id, expected_version: int | None) -> ChemicalUnit:
    """The active unit through ``user``'s scope, locked until the transaction ends."""
    unit = _locked(units(user).select_related("enterprise"), unit_id, expected_version)
    if not unit.active:
        raise Conflict(_("该单元已停用，不能再修改"))
    return unit


def line_for_write(user, line_id, expected_version: int | None) -> InventoryLine:
    line = _locked(lines(user).select_related("chemical", "unit"), line_id, expected_version)
    if not line.unit.active:
        raise Conflict(_("该单元已停用，不能再修改"))
    return line
