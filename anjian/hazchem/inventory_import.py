"""The units' inventories in Excel: the import (an enterprise imports its units and their
chemicals; a department the units of the enterprises in its scope) through the engine in
``core.excel_import``, and the export with the same columns (``COLUMNS``), so an exported
file imports back as it is.

One row is one chemical of one unit. A unit is named by its enterprise (统一社会信用代码;
an enterprise user's rows are always its own) and its name: an active unit of that name is
the one the row is about, updated where the row's unit cells differ; else the unit is
registered. The row's chemical (品名, 别名 or CAS number, an entry of the catalogue) is then
added to the unit, or its line changed where the row differs. Nothing is removed: a line
the file does not list stays (remove it on the unit's page); a blank cell changes nothing
(the quantity excepted: every row gives it). Every write is the service a
typed entry calls (``services``), so each unit is identified and graded again as when typed,
and a row the engine refuses (a quantity that is not a positive number, a chemical without
a critical quantity, a major hazard source without β) is reported on its cell.

The rows of one unit must agree on the unit's cells; a unit needs at least one chemical (a
row without one is refused); a row repeating an earlier one (same unit, chemical and
mixture kind) is refused.
"""

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.excel import Column, RowProblems, SheetRows, invalid_choice
from anjian.core.excel_import import (
    ImportResult,
    ImportSpec,
    labels,
    read_choice,
    register_jobs,
    text,
)
from anjian.core.exceptions import NotPermitted
from anjian.enterprises.models import Enterprise
from anjian.hazchem import gb18218, selectors, services
from anjian.hazchem import permissions as perms
from anjian.hazchem.choices import Mixture, UnitKind
from anjian.hazchem.models import ChemicalUnit, InventoryLine
from anjian.hazchem.services_catalogue import check_cas, table2_codes

UNIT_KEYS = ("kind", "boundary", "population_500m", "longitude", "latitude")
LINE_KEYS = ("max_quantity", "own_classes", "note")
ALIAS_SEPARATORS = re.compile(r"[、,，;；]+")


def _t(value) -> str:
    return str(gettext_lazy(value))


def _number(value) -> Any:
    return "" if value is None else float(value)


COLUMNS = [
    Column(
        "enterprise",
        _t("单位统一社会信用代码"),
        22,
        note=_t("单元所属单位；单位用户可空白（一律为本单位）"),
        example="91310110XXXXXXXXXX",
        export=lambda line: line.unit.enterprise.credit_code,
    ),
    Column(
        "enterprise_name",
        _t("单位名称"),
        28,
        importable=False,
        export=lambda line: line.unit.enterprise.name,
    ),
    Column(
        "name",
        _t("单元名称"),
        22,
        required=True,
        note=_t("同一单位的在用单元按名称对应：已有则更新，没有则登记"),
        example="一号储罐区",
        export=lambda line: line.unit.name,
    ),
    Column(
        "kind",
        _t("单元类型"),
        10,
        required=True,
        choices=labels(UnitKind.choices),
        example=str(UnitKind.STORAGE.label),
        export=lambda line: line.unit.get_kind_display(),
    ),
    Column(
        "boundary",
        _t("单元边界"),
        24,
        note=_t("生产单元以切断阀为界；储罐区以防火堤为界；仓库以独立库房为界"),
        example="1号防火堤内",
        export=lambda line: line.unit.boundary,
    ),
    Column(
        "population_500m",
        _t("500米范围内常住人口"),
        12,
        note=_t("厂区边界向外500米范围内的常住人口，决定校正系数α；新单元空白为0"),
        example=120,
        export=lambda line: line.unit.population_500m,
    ),
    Column("longitude", _t("经度"), 11, export=lambda line: _number(line.unit.longitude)),
    Column("latitude", _t("纬度"), 11, export=lambda line: _number(line.unit.latitude)),
    Column(
        "chemical",
        _t("危险化学品"),
        24,
        required=True,
        note=_t("品名、别名或CAS号，须为危险化学品目录中的条目；每个单元至少一种"),
        example="氯",
        export=lambda line: line.chemical.name,
    ),
    Column(
        "cas",
        _t("CAS号"),
        13,
        importable=False,
        export=lambda line: line.chemical.cas,
    ),
    Column(
        "max_quantity",
        _t("设计最大量（吨）"),
        12,
        required=True,
        note=_t("大于0的数字，单位：吨"),
        example=10,
        export=lambda line: _number(line.max_quantity),
    ),
    Column(
        "mixture",
        _t("纯物质/混合物"),
        24,
        note=_t("空白为纯物质"),
        choices=labels(Mixture.choices),
        example=str(Mixture.NO.label),
        export=lambda line: line.get_mixture_display(),
    ),
    Column(
        "own_classes",
        _t("混合物自身的表2类别"),
        14,
        note=_t("仅“按自身危险性类别”的混合物填写，如 W5.3"),
        export=lambda line: ", ".join(line.own_classes),
    ),
    Column("note", _t("备注"), 20, export=lambda line: line.note),
]


class Lookups:
    """What the file's names point to, read once: the enterprises of its credit codes in
    the writer's scope, the catalogue's active entries by name, alias and CAS number, and
    each unit's cells as its first row gives them."""

    def __init__(self, by, spec: ImportSpec, sheet: SheetRows):
        self.own = by.scope.enterprise_id
        header = spec.header("enterprise")
        codes = {text(cells.get(header)) for _n, cells in sheet.rows} - {""}
        self.enterprises = dict(
            Enterprise.objects.for_user(by)
            .filter(credit_code__in=codes)
            .values_list("credit_code", "pk")
        )
        self.names: dict[str, list[int]] = {}
        self.aliases: dict[str, list[int]] = {}
        self.cas: dict[str, list[int]] = {}
        for pk, name, aliases, cas in selectors.chemicals().values_list(
            "pk", "name", "aliases", "cas"
        ):
            self.names.setdefault(gb18218.normalise(name), []).append(pk)
            for alias in ALIAS_SEPARATORS.split(aliases):
                if alias.strip():
                    self.aliases.setdefault(gb18218.normalise(alias), []).append(pk)
            if cas:
                self.cas.setdefault(cas, []).append(pk)
        self.first: dict[tuple, tuple[int, tuple]] = {}
        for number, cells in sheet.rows:
            key, values = unit_cells(spec, cells)
            self.first.setdefault(key, (number, values))

    def chemical(self, value: str) -> tuple[int | None, str]:
        """The entry ``value`` names (品名, 别名 or CAS number), or why none is."""
        cas = gb18218.normalise_cas(value)
        if re.fullmatch(r"[0-9]+-[0-9]+-[0-9]+", cas):
            try:
                check_cas(cas)
            except ValueError as error:
                return None, str(error)
            found = self.cas.get(cas, [])
            if len(found) == 1:
                return found[0], ""
            if found:
                return None, _("CAS号%(c)s对应目录中的多个条目，请填写品名") % {"c": cas}
            return None, _(
                "危险化学品目录中没有CAS号为%(c)s的条目（或已停用），请核对或请管理员补充目录"
            ) % {"c": cas}
        key = gb18218.normalise(value)
        for index in (self.names, self.aliases):
            found = index.get(key, [])
            if len(found) == 1:
                return found[0], ""
            if found:
                return None, _("“%(v)s”是目录中多个条目的别名，请填写品名或CAS号") % {"v": value}
        return None, _("危险化学品目录中没有“%(v)s”（或已停用），请按品名、别名或CAS号填写") % {
            "v": value
        }


def unit_cells(spec: ImportSpec, cells: dict) -> tuple[tuple, tuple]:
    """(the unit a row names: credit code and name; its unit cells as written)."""
    key = (text(cells.get(spec.header("enterprise"))), text(cells.get(spec.header("name"))))
    return key, tuple(text(cells.get(spec.header(name))) for name in UNIT_KEYS)


def _mixture(raw, problems: RowProblems) -> str:
    value = text(raw)
    if not value:
        return Mixture.NO
    for code, label in Mixture.choices:
        if value in (code, str(label)):
            return code
    problems.add("mixture", invalid_choice(value, labels(Mixture.choices)))
    return Mixture.NO


def _differs(current, value) -> bool:
    """Whether a cell ``value`` changes ``current`` (a blank cell changes nothing)."""
    if value in (None, ""):
        return False
    if isinstance(current, Decimal | int) and not isinstance(current, bool):
        try:
            return Decimal(str(value).strip().replace(",", "")) != current
        except InvalidOperation:
            return True  # not a number: the service says so
    if current is None:
        return True
    return str(value).strip() != str(current)


class InventoryImport(ImportSpec):
    app, kind, title, columns = "hazchem", "inventory", "危险化学品单元储存量", COLUMNS
    notes = (
        gettext_lazy(
            "每行为一个单元中的一种危险化学品；同一单元的多种化学品写多行，单元信息各行须一致。"
        ),
        gettext_lazy(
            "按单位和单元名称对应已登记的在用单元：已有则按本文件更新（空白的单元格不改变已有"
            "内容），没有则登记；文件中没有列出的化学品保留不变，如需移除请在单元页面操作。"
        ),
        gettext_lazy("导入后各单元随即按 GB 18218-2018 重新辨识分级，与逐项登记相同。"),
        gettext_lazy("导出的储存量清单可修改后直接导入。"),
    )
    repeat_note = "（同一单元的同一化学品）"
    name_key = "chemical"

    def require(self, by) -> None:
        if not by.can(perms.UNIT_MANAGE):
            raise NotPermitted()

    def lookups(self, by, sheet: SheetRows) -> Lookups:
        return Lookups(by, self, sheet)

    def read(self, cells: dict, lookups: Lookups, problems: RowProblems) -> dict:
        def cell(key):
            return cells.get(self.header(key))

        unit: dict[str, Any] = {"name": text(cell("name"))}
        code = text(cell("enterprise"))
        if lookups.own is not None:
            unit["enterprise"] = lookups.own
            if code and lookups.enterprises.get(code) != lookups.own:
                problems.add("enterprise", _("单位用户只能导入本单位的单元（可空白）"))
        elif not code:
            problems.add("enterprise", _("请填写单元所属单位的统一社会信用代码"))
        else:
            unit["enterprise"] = lookups.enterprises.get(code)
            if unit["enterprise"] is None:
                problems.add(
                    "enterprise",
                    _("统一社会信用代码“%(v)s”不是您管辖范围内登记的单位") % {"v": code},
                )
        unit["kind"] = read_choice("kind", cell("kind"), UnitKind.choices, problems)
        for key in ("boundary", "population_500m", "longitude", "latitude"):
            value = cell(key)
            unit[key] = value.strip() if isinstance(value, str) else value
        key, values = unit_cells(self, cells)
        number, first = lookups.first[key]
        if values != first:
            problems.add(
                "name",
                _("与第%(n)d行是同一单元，但单元类型、边界、人口或经纬度与该行不一致")
                % {"n": number},
            )
        line: dict[str, Any] = {"mixture": _mixture(cell("mixture"), problems)}
        chemical = text(cell("chemical"))
        if not chemical:
            problems.add("chemical", _("请填写危险化学品：每个单元至少登记一种危险化学品"))
        else:
            line["chemical"], problem = lookups.chemical(chemical)
            if problem:
                problems.add("chemical", problem)
        raw = cell("max_quantity")
        line["max_quantity"] = raw.strip() if isinstance(raw, str) else raw
        line["own_classes"] = text(cell("own_classes"))
        line["note"] = text(cell("note"))
        return {"unit": unit, "line": line}

    def create(self, by, data: dict) -> InventoryLine:
        unit = _unit(by, data["unit"])
        return _line(by, unit, data["line"])

    def identity(self, record) -> tuple:
        return (record.unit_id, record.chemical_id, record.mixture)

    def finish(self, by, result: ImportResult) -> str:
        ids = set(
            InventoryLine.objects.filter(pk__in=result.created_ids).values_list(
                "unit_id", flat=True
            )
        )
        major = ChemicalUnit.objects.filter(pk__in=ids, is_major=True).count()
        return _("涉及 %(u)d 个单元，其中 %(m)d 个构成重大危险源") % {"u": len(ids), "m": major}


def _unit(by, data: dict) -> ChemicalUnit:
    """The active unit the row names (updated where its cells differ), or a new one."""
    found = (
        selectors.units(by)
        .active()
        .filter(enterprise_id=data["enterprise"], name=data["name"])
        .first()
    )
    if found is None:
        values = {key: value for key, value in data.items() if value not in (None, "")}
        return services.unit_create(by, data=values)
    changed = {key: data[key] for key in UNIT_KEYS if _differs(getattr(found, key), data.get(key))}
    if not changed:
        return found
    return services.unit_update(by, unit_id=found.pk, expected_version=None, data=changed)


def _line(by, unit: ChemicalUnit, data: dict) -> InventoryLine:
    """The unit's line of the row's chemical (changed where the row differs), or a new one."""
    found = unit.lines.filter(chemical_id=data["chemical"], mixture=data["mixture"]).first()
    if found is None:
        return services.line_add(by, unit_id=unit.pk, data=data)
    changed = {}
    if _differs(found.max_quantity, data["max_quantity"]) or data["max_quantity"] in (None, ""):
        changed["max_quantity"] = data["max_quantity"]  # blank: the service asks for it
    codes, unknown = table2_codes(data["own_classes"])
    if data["own_classes"] and (unknown or codes != found.own_classes):
        changed["own_classes"] = data["own_classes"]
    if data["note"] and data["note"] != found.note:
        changed["note"] = data["note"]
    if not changed:
        return found
    return services.line_update(by, line_id=found.pk, expected_version=None, data=changed)


SPEC = InventoryImport()
register_jobs({"inventory": SPEC})
