"""What the plans' and drills' services share: the owner of a new record and who may keep
one, and a plan's contents (response levels, roles, the tasks each level starts). The
field checks (text, dates, whole numbers) live in ``checks``.

- ``plan_or_drill_owner``: ``owner_kind`` with the enterprise, the department or the
  government's region; an enterprise user's own unit is forced, an industry department
  writes only for itself, a government's region is a city, district or street in scope.
- ``check_keeper``: who may change a record they see — a unit its own, an industry
  department its own department's (it sees the governments' records of its region too).
- ``clean_levels`` / ``clean_roles`` / ``clean_tasks``: one message per field for all bad
  rows ("第2行：Ⅱ级响应重复…"); levels unique per plan, tasks only at levels it defines.
"""

import calendar
import uuid
from datetime import date

from django.utils.translation import gettext as _

from anjian.core.exceptions import NotPermitted, OutOfScope
from anjian.emergency.checks import active_department, key_of, own_unit, region_at
from anjian.emergency.choices import OwnerKind, ResponseLevel
from anjian.enterprises.selectors import enterprise_for_write
from anjian.regions.choices import RegionLevel
from anjian.regions.levels import level_of

OWNER_FIELDS = (
    "owner_kind",
    "region",
    "region_id",
    "department",
    "department_id",
    "enterprise",
    "enterprise_id",
)


def _pick(data: dict, name: str):
    return key_of(data.get(name, data.get(f"{name}_id")))


def plan_or_drill_owner(by, data: dict, errors: dict) -> dict:
    """The owner of a new plan or drill from ``data``: ``owner_kind`` with the enterprise,
    the department or the government's region. An enterprise user's own unit is forced;
    an industry department writes for itself only."""
    scope = by.scope
    kind = data.get("owner_kind") or ""
    enterprise = _pick(data, "enterprise")
    if scope.enterprise_id is not None:
        if kind not in ("", OwnerKind.ENTERPRISE):
            errors["owner_kind"] = _("生产经营单位只能为本单位登记")
            return {}
        kind, enterprise = OwnerKind.ENTERPRISE, own_unit(by, enterprise)
    if kind not in OwnerKind.values:
        errors["owner_kind"] = _("请选择所属主体（人民政府、政府部门或生产经营单位）")
        return {}
    if kind == OwnerKind.ENTERPRISE:
        if enterprise is None:
            errors["enterprise"] = _("请选择所属单位")
            return {}
        unit = enterprise_for_write(by, enterprise)
        return {"owner_kind": kind, "enterprise": unit, "region": unit.street, "department": None}
    if kind == OwnerKind.DEPARTMENT:
        found = active_department(_pick(data, "department"))
        if found is None:
            errors["department"] = _("请选择编制预案的政府部门")
            return {}
        if not scope.covers_region(found.region_id):
            raise OutOfScope(field="department")
        if scope.industry_ids is not None and by.department_id != found.pk:
            raise NotPermitted(_("行业主管部门只能登记本部门的预案和演练"))
        return {"owner_kind": kind, "region": found.region, "department": found, "enterprise": None}
    if scope.industry_ids is not None:
        raise NotPermitted(
            _("人民政府的预案和演练由应急管理部门或街镇登记；行业主管部门请登记本部门的")
        )
    found = region_at(_pick(data, "region") or by.region_id)
    if found is None:
        errors["region"] = _("请选择人民政府所在的区划")
        return {}
    if not scope.covers_region(found.code):
        raise OutOfScope(field="region")
    if level_of(found.code) not in (RegionLevel.CITY, RegionLevel.DISTRICT, RegionLevel.STREET):
        errors["region"] = _("请选择人民政府所在的市、区或街道/镇")
        return {}
    return {"owner_kind": kind, "region": found, "department": None, "enterprise": None}


def check_keeper(by, record) -> None:
    """NotPermitted unless ``by`` may keep ``record`` (a plan or a drill) it sees: a unit
    its own (scope sees to that), an industry department its own department's only."""
    if by.scope.enterprise_id is not None:
        if record.enterprise_id != by.scope.enterprise_id:
            raise NotPermitted(_("只能办理本单位的预案和演练"))
        return
    if by.scope.industry_ids is None or record.enterprise_id:
        return
    if record.owner_kind == OwnerKind.DEPARTMENT and record.department_id == by.department_id:
        return
    raise NotPermitted(_("行业主管部门只能办理本部门的预案和演练"))


def _rows(rows, allowed: tuple[str, ...], problems: list) -> list[tuple[int, dict]]:
    """The rows with their numbers; a row with a key it does not take is a problem."""
    found = []
    for number, row in enumerate(rows or (), 1):
        unknown = sorted(set(row) - set(allowed)) if isinstance(row, dict) else ["?"]
        if unknown:
            problems.append(
                _("第%(n)d行：不能填写的字段：%(f)s") % {"n": number, "f": "、".join(unknown)}
            )
            continue
        found.append((number, row))
    return found


def _line(problems: list, number: int, message: str, **values) -> None:
    problems.append(_("第%(n)d行：") % {"n": number} + _(message) % values)


def clean_levels(levels, errors: dict) -> list[dict]:
    problems, clean, seen = [], [], set()
    for number, row in _rows(levels, ("level", "trigger", "commander"), problems):
        level = str(row.get("level") or "")
        trigger = str(row.get("trigger") or "").strip()
        commander = str(row.get("commander") or "").strip()
        if level not in ResponseLevel.values:
            _line(problems, number, "请选择响应级别")
        elif level in seen:
            _line(problems, number, "%(l)s重复，每个级别只登记一次", l=ResponseLevel(level).label)
        elif not trigger or len(trigger) > 2000:
            _line(problems, number, "请填写启动条件（不超过2000字）")
        elif not commander or len(commander) > 120:
            _line(problems, number, "请填写总指挥（不超过120字）")
        else:
            clean.append({"level": level, "trigger": trigger, "commander": commander})
        seen.add(level)
    if problems:
        errors["levels"] = "；".join(problems)
    return clean


def clean_roles(roles, errors: dict) -> list[dict]:
    problems, clean = [], []
    for number, row in _rows(roles, ("name", "holder", "duties"), problems):
        values = {k: str(row.get(k) or "").strip() for k in ("name", "holder", "duties")}
        if not values["name"] or len(values["name"]) > 60:
            _line(problems, number, "请填写岗位或工作组名称（不超过60字）")
        elif not values["holder"] or len(values["holder"]) > 120:
            _line(problems, number, "请填写由谁担任（不超过120字）")
        elif not values["duties"] or len(values["duties"]) > 2000:
            _line(problems, number, "请填写职责（不超过2000字）")
        else:
            clean.append({**values, "sort_order": len(clean)})
    if problems:
        errors["roles"] = "；".join(problems)
    return clean


def clean_tasks(tasks, defined: set[str], errors: dict) -> list[dict]:
    problems, clean = [], []
    allowed = ("level", "title", "responsible", "due_minutes")
    for number, row in _rows(tasks, allowed, problems):
        level = str(row.get("level") or "")
        title = str(row.get("title") or "").strip()
        responsible = str(row.get("responsible") or "").strip()
        minutes = row.get("due_minutes")
        if level not in ResponseLevel.values:
            _line(problems, number, "请选择响应级别")
        elif level not in defined:
            _line(problems, number, "预案没有%(l)s，请先登记该级别", l=ResponseLevel(level).label)
        elif not title or len(title) > 200:
            _line(problems, number, "请填写任务（不超过200字）")
        elif not responsible or len(responsible) > 120:
            _line(problems, number, "请填写责任岗位或单位（不超过120字）")
        elif minutes not in (None, "") and (
            isinstance(minutes, bool) or not str(minutes).isdigit() or not 0 < int(minutes) <= 43200
        ):
            _line(problems, number, "完成时限须为1至43200之间的整数（分钟），持续任务留空")
        else:
            due = int(minutes) if minutes not in (None, "") else None
            clean.append(
                {"level": level, "title": title, "responsible": responsible, "due_minutes": due}
            )
    for rank, row in enumerate(clean):
        row["sort_order"] = rank
    if problems:
        errors["tasks"] = "；".join(problems)
    return clean


def temporary_number() -> str:
    return f"TMP{uuid.uuid4().hex[:20]}"


def add_years(start: date, years: int) -> date:
    """The same day ``years`` later (29 February → 28 February)."""
    year = start.year + years
    return start.replace(year=year, day=min(start.day, calendar.monthrange(year, start.month)[1]))
