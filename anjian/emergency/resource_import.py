"""Excel import of 应急资源 — teams, warehouses, supplies (with their opening stock),
equipment, shelters, experts — one kind per file, with the columns of ``resource_exports``.

Each row goes through the same service a typed entry does (``services_resources``), by the
engine in ``core.excel_import`` (modes, savepoints, the report), so it is checked exactly as the
form is: owner and scope, required names, phones, coordinates inside the deployment, whole
numbers, storage levels. A row that repeats an earlier row, or a record already registered
(same name in the same region; supplies: the same line of the same warehouse), is a problem,
so a file imported twice does not register everything twice.

Names in a file resolve in the writer's scope, once per file: the region code (blank: the
writer's own region), the unit by 统一社会信用代码 (an enterprise user's rows are always its
own unit's), warehouses and teams by name. Choices are read from their label or code.
"""

import re
from typing import Any, BinaryIO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.excel import RowProblems, SheetRows, invalid_choice
from anjian.core.excel_import import (
    MODE_ALL,
    MODE_VALID,
    ImportResult,
    ImportSpec,
    choice,
    import_file,
    read_choice,
    read_date,
    read_yes_no,
    register_jobs,
    text,
)
from anjian.core.jobs import JobProgress
from anjian.emergency import selectors_resources as selectors
from anjian.emergency import services_resources as services
from anjian.emergency.choices import (
    ExpertField,
    ShelterKind,
    Speciality,
    StorageLevel,
    SupplyCategory,
    TeamKind,
)
from anjian.emergency.resource_checks import require
from anjian.emergency.resource_exports import COLUMNS, labels
from anjian.enterprises.models import Enterprise

__all__ = ["MODE_ALL", "MODE_VALID", "ImportResult"]

IMPORT_KINDS = ("team", "warehouse", "supply", "equipment", "shelter", "expert")
TITLES = {
    "team": "救援队伍",
    "warehouse": "物资储备库",
    "supply": "应急物资",
    "equipment": "救援装备",
    "shelter": "避难场所",
    "expert": "应急专家",
}
CHOICES = {
    "kind": {"team": TeamKind.choices, "shelter": ShelterKind.choices},
    "storage_level": {"warehouse": StorageLevel.choices},
    "category": {"supply": SupplyCategory.choices},
    "field": {"expert": ExpertField.choices},
}
NUMBERS = {
    "headcount",
    "area_m2",
    "capacity",
    "quantity",
    "reserve_target",
    "latitude",
    "longitude",
}
SEPARATORS = re.compile(r"[、,，;；/\s]+")
CREATE = {
    "team": services.team_create,
    "warehouse": services.warehouse_create,
    "equipment": services.equipment_create,
    "shelter": services.shelter_create,
    "expert": services.expert_create,
}
SELECT = {
    "team": selectors.teams,
    "warehouse": selectors.warehouses,
    "shelter": selectors.shelters,
    "expert": selectors.experts,
}


# --- reading a row ----------------------------------------------------------------------------


class Lookups:
    """What names in the file may point to, in the writer's scope, read once."""

    def __init__(self, by, kind: str, sheet: SheetRows):
        def names(select):
            found: dict[str, list[int]] = {}
            for pk, name in select(by).values_list("pk", "name"):
                found.setdefault(name, []).append(pk)
            return found

        self.warehouses = names(lambda u: selectors.warehouses(u, active=True))
        self.teams = names(lambda u: selectors.teams(u, active=True)) if kind == "equipment" else {}
        header = next((c.header for c in COLUMNS[kind] if c.key == "enterprise"), None)
        codes = {text(cells.get(header)) for _n, cells in sheet.rows} if header else set()
        self.units = dict(
            Enterprise.objects.for_user(by)
            .filter(credit_code__in=codes - {""})
            .values_list("credit_code", "pk")
        )

    def one(self, found: dict[str, list[int]], name: str, what: str) -> tuple[int | None, str]:
        pks = found.get(name, [])
        if len(pks) == 1:
            return pks[0], ""
        if pks:
            return None, _("%(what)s名称“%(v)s”不唯一，请先在系统中区分") % {
                "what": what,
                "v": name,
            }
        return None, _("%(what)s“%(v)s”不存在或不在您的管辖范围内") % {"what": what, "v": name}


def _cell(kind, key, raw, lookups: Lookups, problems: RowProblems) -> tuple[bool, Any]:
    """One cell as the service's value: (use it?, value)."""
    value = text(raw)
    if key in CHOICES and kind in CHOICES[key]:
        return True, read_choice(key, raw, CHOICES[key][kind], problems)
    if key == "specialities":
        words = [w for w in SEPARATORS.split(value) if w]
        codes = [choice(w, Speciality.choices) for w in words]
        unknown = [w for w, code in zip(words, codes, strict=True) if code is None]
        if unknown:
            problems.add(key, invalid_choice("、".join(unknown), labels(Speciality.choices)))
        return True, [code for code in codes if code]
    if key in ("indoor", "available"):
        answer = read_yes_no(key, raw, problems, blank=key == "available")
        return answer is not None, answer
    if key in ("region", "enterprise", "team", "warehouse"):
        if not value:
            if key == "warehouse" and kind == "supply":
                problems.add(key, _("请填写储备库"))
            return False, None
        if key == "region":
            return True, value
        if key == "enterprise":
            unit = lookups.units.get(value)
            if unit is None:
                problems.add(
                    key, _("统一社会信用代码“%(v)s”不是您管辖范围内登记的单位") % {"v": value}
                )
            return unit is not None, unit
        found = lookups.teams if key == "team" else lookups.warehouses
        pk, problem = lookups.one(found, value, _("队伍") if key == "team" else _("储备库"))
        if problem:
            problems.add(key, problem)
        return pk is not None, pk
    if key == "expires_on":
        return True, read_date(raw) or None
    if key in NUMBERS:
        return True, raw if raw is not None else ""
    return True, value


class ResourceImport(ImportSpec):
    """One resource kind's file: the kind's columns (``resource_exports.COLUMNS``)."""

    app = "emergency"
    notes = (
        gettext_lazy("所属区划代码空白时为您的管辖区划；单位用户导入的记录一律属于本单位。"),
        gettext_lazy("同一区划已登记的同名记录不会重复导入。"),
    )
    repeat_note = "（同一区划同名）"
    registered_note = "（同一区划已有同名记录）"

    def __init__(self, kind: str):
        self.kind, self.title, self.columns = kind, TITLES[kind], COLUMNS[kind]

    def require(self, by) -> None:
        require(by)

    def lookups(self, by, sheet: SheetRows) -> Lookups:
        return Lookups(by, self.kind, sheet)

    def read(self, cells: dict, lookups: Lookups, problems: RowProblems) -> dict:
        data = {}
        for column in self.columns:
            if not column.importable:
                continue
            use, value = _cell(self.kind, column.key, cells.get(column.header), lookups, problems)
            if use:
                data[column.key] = value
        return data

    def create(self, by, data: dict):
        if self.kind == "supply":
            warehouse, quantity = data.pop("warehouse"), data.pop("quantity", "")
            quantity = 0 if quantity in (None, "") else quantity
            return services.supply_create(by, warehouse_id=warehouse, data=data, quantity=quantity)
        return CREATE[self.kind](by, data=data)

    def identity(self, record) -> tuple | None:
        if self.kind not in SELECT:
            return None
        return (record.name, record.scope_region_code)

    def registered(self, by, record) -> bool:
        same = SELECT[self.kind](by).filter(
            name=record.name, scope_region_code=record.scope_region_code
        )
        return same.exclude(pk=record.pk).exists()


SPECS = {kind: ResourceImport(kind) for kind in IMPORT_KINDS}
JOB_KINDS = {kind: spec.job_kind for kind, spec in SPECS.items()}


def template(kind: str) -> bytes:
    """The import template of ``kind``: its importable columns, an example row, drop-downs."""
    return SPECS[kind].template()


def import_resources(
    by, kind: str, source: BinaryIO, *, mode: str = MODE_ALL, progress: JobProgress | None = None
) -> ImportResult:
    """Import the records of ``kind`` in ``source`` (.xlsx with ``COLUMNS[kind]``)."""
    require(by)
    if kind not in IMPORT_KINDS:
        raise ValueError(f"not importable: {kind}")
    return import_file(by, SPECS[kind], source, mode=mode, progress=progress)


register_jobs(SPECS)
