"""Excel import of 应急预案 and 应急演练 — the registers a district or a unit brings with it
when it starts on the platform — through the engine in ``core.excel_import``.

A plan row is a draft (``services_plans.plan_create``) with its response levels written in
one cell, a line per level (级别|启动条件|总指挥); with a 发布日期 it is then published
(``plan_publish``), which counts its filing deadline in working days, so a plan published
long ago and never filed shows as overdue until the authority files it. Filing itself stays
with the authority, never the importer.

A drill row is a drill plan (``drill_create``); with a 实施日期 it is then recorded as held
(``drill_hold``: participants and what was done are then required). The drilled plan is
named by its number (预案编号), in the writer's scope.

The owner is named as the forms name it: 主体类别 (blank for a unit's user: their unit),
the region code (blank: the writer's own region), the unit's 统一社会信用代码, the
department's name. A plan the same as one registered (same owner, name and edition) or a
drill the same (same owner, name and planned day) is refused, so a file imported twice
registers nothing twice.
"""

import re
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.excel import Column, RowProblems, SheetRows
from anjian.core.excel_import import (
    ImportSpec,
    labels,
    read_choice,
    read_date,
    register_jobs,
    text,
)
from anjian.core.exceptions import NotPermitted
from anjian.emergency import permissions as perms
from anjian.emergency import services_drills, services_plans
from anjian.emergency.choices import DrillForm, DrillKind, OwnerKind, PlanType, ResponseLevel
from anjian.emergency.models import Drill, EmergencyPlan
from anjian.emergency.selectors_drills import visible_drills
from anjian.emergency.selectors_plans import visible_plans
from anjian.enterprises.models import Enterprise
from anjian.regions.selectors import departments_for


def _t(value) -> str:
    return str(gettext_lazy(value))


OWNER_COLUMNS = [
    Column(
        "owner_kind",
        _t("主体类别"),
        14,
        note=_t("人民政府、政府部门或生产经营单位；单位用户可空白（一律为本单位）"),
        choices=labels(OwnerKind.choices),
        example=str(OwnerKind.GOVERNMENT.label),
    ),
    Column(
        "region",
        _t("所属区划代码"),
        14,
        note=_t("人民政府所在的市、区或街镇的行政区划代码，如 310110；空白为您的管辖区划"),
        example="310110",
    ),
    Column(
        "enterprise",
        _t("单位统一社会信用代码"),
        22,
        note=_t("主体为生产经营单位时填写"),
    ),
    Column(
        "department",
        _t("政府部门名称"),
        20,
        note=_t("主体为政府部门时填写，如“杨浦区应急管理局”；重名时同时填写所属区划代码"),
    ),
]
LEVEL_SEPARATOR = re.compile(r"\s*[|｜]\s*")
ROMAN = str.maketrans({"I": "Ⅰ", "V": "Ⅴ"})
ROMAN_LEVELS = {"Ⅰ": "1", "ⅠⅠ": "2", "Ⅱ": "2", "ⅠⅠⅠ": "3", "Ⅲ": "3", "ⅠⅤ": "4", "Ⅳ": "4"}

PLAN_COLUMNS = [
    *OWNER_COLUMNS,
    Column("title", _t("预案名称"), 36, required=True, example="杨浦区危险化学品事故应急预案"),
    Column(
        "plan_type",
        _t("预案类型"),
        18,
        required=True,
        choices=labels(PlanType.choices),
        example=str(PlanType.GOVERNMENT_SPECIAL.label),
    ),
    Column("edition", _t("版本"), 12, required=True, example="2026年版"),
    Column("risks", _t("针对的风险"), 40, required=True, example="危险化学品泄漏、火灾、爆炸"),
    Column("scope_text", _t("适用范围"), 30),
    Column("command_structure", _t("组织指挥体系"), 30),
    Column("filing_authority", _t("备案机关"), 20, example="上海市应急管理局"),
    Column(
        "assessment_cycle_years",
        _t("评估周期（年）"),
        10,
        note=_t("1至10的整数；空白为3年"),
        example=3,
    ),
    Column(
        "levels",
        _t("响应级别"),
        50,
        note=_t(
            "每行一个级别：级别|启动条件|总指挥（单元格内按 Alt+Enter 换行），"
            "如“Ⅳ级响应|一般事件，死亡1至2人|区应急局局长”；发布的预案必须填写"
        ),
        example="Ⅳ级响应|一般事件，死亡1至2人|区应急局局长",
    ),
    Column(
        "tasks",
        _t("响应任务"),
        50,
        note=_t(
            "每行一项：级别|任务|责任岗位|完成时限（分钟，持续任务不填），"
            "如“Ⅳ级响应|核实情况并报告区政府|区应急局|30”；政府及部门预案发布前必须填写"
        ),
        example="Ⅳ级响应|核实情况并报告区政府|区应急局|30",
    ),
    Column(
        "published_on",
        _t("发布日期"),
        12,
        note=_t(
            "已发布的预案填写，如 2026-03-01：导入后即为已发布，按工作日计算备案期限；空白为编制中"
        ),
        example="2026-03-01",
    ),
]

DRILL_COLUMNS = [
    *OWNER_COLUMNS,
    Column("title", _t("演练名称"), 32, required=True, example="杨浦区危化品泄漏综合演练"),
    Column(
        "kind",
        _t("演练类型"),
        14,
        required=True,
        choices=labels(DrillKind.choices),
        example=str(DrillKind.COMPREHENSIVE.label),
    ),
    Column(
        "form",
        _t("演练形式"),
        10,
        required=True,
        choices=labels(DrillForm.choices),
        example=str(DrillForm.ACTUAL.label),
    ),
    Column("plan", _t("演练的预案编号"), 18, note=_t("系统中的预案编号，如 YA20260000012；可空白")),
    Column("scenario", _t("演练情景"), 40, required=True, example="储罐区苯泄漏引发火灾"),
    Column("planned_on", _t("计划日期"), 12, required=True, example="2026-06-15"),
    Column("place", _t("演练地点"), 24, example="杨浦区某化工企业"),
    Column(
        "held_on",
        _t("实施日期"),
        12,
        note=_t("已实施的演练填写，并填写参演人数和演练记录；空白为计划中"),
    ),
    Column("participants", _t("参演人数"), 10),
    Column("record", _t("演练记录"), 40),
]


class Owners:
    """The units and departments the file names, in the writer's scope, read once."""

    def __init__(self, by, sheet: SheetRows):
        header = next(c.header for c in OWNER_COLUMNS if c.key == "enterprise")
        codes = {text(cells.get(header)) for _n, cells in sheet.rows} - {""}
        self.units = dict(
            Enterprise.objects.for_user(by)
            .filter(credit_code__in=codes)
            .values_list("credit_code", "pk")
        )
        self.departments: dict[str, list[tuple[int, str]]] = {}
        for pk, name, region in departments_for(by).values_list("pk", "name", "region_id"):
            self.departments.setdefault(name, []).append((pk, region))
        self.plans: dict[str, int] = {}

    def read(self, cells: dict, problems: RowProblems) -> dict:
        def cell(key):
            return text(cells.get(next(c.header for c in OWNER_COLUMNS if c.key == key)))

        data: dict[str, Any] = {}
        kind = read_choice(
            "owner_kind", cell("owner_kind"), OwnerKind.choices, problems, required=False
        )
        if kind:
            data["owner_kind"] = kind
        region = cell("region")
        if region:
            data["region"] = region
        code = cell("enterprise")
        if code:
            unit = self.units.get(code)
            if unit is None:
                problems.add(
                    "enterprise",
                    _("统一社会信用代码“%(v)s”不是您管辖范围内登记的单位") % {"v": code},
                )
            data["enterprise"] = unit
        name = cell("department")
        if name:
            found = [pk for pk, at in self.departments.get(name, ()) if not region or at == region]
            if len(found) != 1:
                problems.add(
                    "department",
                    _("政府部门“%(v)s”重名，请同时填写所属区划代码") % {"v": name}
                    if found
                    else _("政府部门“%(v)s”不存在或不在您的管辖范围内") % {"v": name},
                )
            else:
                data["department"] = found[0]
        return data


OWNER_KEY = ("owner_kind", "enterprise_id", "department_id", "region_id")


def _owner_key(record) -> tuple:
    return tuple(getattr(record, name) for name in OWNER_KEY)


def _level(word: str) -> str | None:
    word = word.removesuffix("响应").removesuffix("级").strip().upper().translate(ROMAN)
    if word in ResponseLevel.values:
        return word
    return ROMAN_LEVELS.get(word)


def _lines(key: str, raw: Any, problems: RowProblems, *, parts: tuple[int, ...], form: str):
    """The cell's non-blank lines split at "|", each with ``parts`` pieces and a level
    first; None (and a problem naming the line) if one is not."""
    found = []
    for number, line in enumerate(text(raw).splitlines(), 1):
        if not line.strip():
            continue
        pieces = LEVEL_SEPARATOR.split(line.strip())
        level = _level(pieces[0])
        if len(pieces) not in parts or level is None:
            problems.add(
                key,
                _("第%(n)d行“%(v)s”应写成“%(form)s”，级别为Ⅰ级至Ⅳ级")
                % {"n": number, "v": line.strip(), "form": form},
            )
            return None
        found.append([level, *pieces[1:]])
    return found


def _levels(raw: Any, problems: RowProblems) -> list[dict]:
    lines = _lines("levels", raw, problems, parts=(3,), form=_("级别|启动条件|总指挥"))
    return [{"level": v[0], "trigger": v[1], "commander": v[2]} for v in lines or ()]


def _tasks(raw: Any, problems: RowProblems) -> list[dict]:
    form = _("级别|任务|责任岗位|完成时限（分钟）")
    lines = _lines("tasks", raw, problems, parts=(3, 4), form=form)
    return [
        {"level": v[0], "title": v[1], "responsible": v[2], "due_minutes": (v[3:] or [""])[0]}
        for v in lines or ()
    ]


class OwnedImport(ImportSpec):
    """A kind whose records belong to an owner: the writer needs ``action``; a record is
    the same as another of the same owner with the same ``same_fields``."""

    app = "emergency"
    action: str
    same_fields: tuple[str, ...]

    def visible(self, by):
        raise NotImplementedError

    def require(self, by) -> None:
        if not by.can(self.action):
            raise NotPermitted()

    def identity(self, record) -> tuple:
        return (*_owner_key(record), *(getattr(record, name) for name in self.same_fields))

    def registered(self, by, record) -> bool:
        owner = dict(zip(OWNER_KEY, _owner_key(record), strict=True))
        same = {name: getattr(record, name) for name in self.same_fields}
        return self.visible(by).filter(**owner, **same).exclude(pk=record.pk).exists()


class PlanImport(OwnedImport):
    kind, title, columns, name_key = "plan", "应急预案", PLAN_COLUMNS, "title"
    notes = (
        gettext_lazy(
            "单位用户导入的预案一律属于本单位；主体为人民政府时，所属区划代码空白为您的管辖区划。"
        ),
        gettext_lazy(
            "填写了发布日期的预案导入后即为已发布，按工作日计算备案期限；备案由备案机关在系统中办理。"
        ),
        gettext_lazy("同一主体已登记的同名同版本预案不会重复导入。"),
    )
    repeat_note = "（同一主体的同名同版本预案）"
    registered_note = "（同一主体已有同名同版本预案）"

    action, same_fields = perms.PLAN_MANAGE, ("title", "edition")

    def visible(self, by):
        return visible_plans(by)

    def lookups(self, by, sheet: SheetRows) -> Owners:
        return Owners(by, sheet)

    def read(self, cells: dict, owners: Owners, problems: RowProblems) -> dict:
        def cell(key):
            return cells.get(self.header(key))

        data = owners.read(cells, problems)
        data["plan_type"] = read_choice("plan_type", cell("plan_type"), PlanType.choices, problems)
        for key in (
            "title",
            "edition",
            "risks",
            "scope_text",
            "command_structure",
            "filing_authority",
        ):
            data[key] = text(cell(key))
        data["assessment_cycle_years"] = text(cell("assessment_cycle_years"))
        data["levels"] = _levels(cell("levels"), problems)
        data["tasks"] = _tasks(cell("tasks"), problems)
        data["published_on"] = read_date(cell("published_on")) or None
        return data

    def create(self, by, data: dict) -> EmergencyPlan:
        levels, tasks = data.pop("levels"), data.pop("tasks")
        published_on = data.pop("published_on")
        plan = services_plans.plan_create(by, data=data, levels=levels, tasks=tasks)
        if published_on is None:
            return plan
        return services_plans.plan_publish(
            by, plan_id=plan.pk, expected_version=plan.version, published_on=published_on
        )


class DrillImport(OwnedImport):
    kind, title, columns, name_key = "drill", "应急演练", DRILL_COLUMNS, "title"
    notes = (
        gettext_lazy("单位用户导入的演练一律属于本单位；演练的预案须为同一主体的现行预案。"),
        gettext_lazy(
            "填写了实施日期的演练导入后即为已实施，须同时填写参演人数和演练记录；评估在演练页面填写。"
        ),
        gettext_lazy("同一主体同一计划日期的同名演练不会重复导入。"),
    )
    repeat_note = "（同一主体、同一计划日期的同名演练）"
    registered_note = "（同一主体已有同一计划日期的同名演练）"

    action, same_fields = perms.DRILL_MANAGE, ("title", "planned_on")

    def visible(self, by):
        return visible_drills(by)

    def lookups(self, by, sheet: SheetRows) -> Owners:
        owners = Owners(by, sheet)
        numbers = {text(cells.get(self.header("plan"))) for _n, cells in sheet.rows} - {""}
        owners.plans = dict(
            visible_plans(by).filter(number__in=numbers).values_list("number", "pk")
        )
        return owners

    def read(self, cells: dict, owners: Owners, problems: RowProblems) -> dict:
        def cell(key):
            return cells.get(self.header(key))

        data = owners.read(cells, problems)
        data["kind"] = read_choice("kind", cell("kind"), DrillKind.choices, problems)
        data["form"] = read_choice("form", cell("form"), DrillForm.choices, problems)
        number = text(cell("plan"))
        if number:
            data["plan"] = owners.plans.get(number)
            if data["plan"] is None:
                problems.add("plan", _("预案编号“%(v)s”不存在或不在您的管辖范围内") % {"v": number})
        for key in ("title", "scenario", "place", "participants", "record"):
            data[key] = text(cell(key))
        data["planned_on"] = read_date(cell("planned_on")) or None
        data["held_on"] = read_date(cell("held_on")) or None
        return data

    def create(self, by, data: dict) -> Drill:
        held = {key: data.pop(key) for key in ("held_on", "participants", "record")}
        drill = services_drills.drill_create(by, data=data)
        if held["held_on"] is None:
            return drill
        return services_drills.drill_hold(
            by, drill_id=drill.pk, expected_version=drill.version, **held
        )


SPECS = {"plan": PlanImport(), "drill": DrillImport()}
register_jobs(SPECS)
