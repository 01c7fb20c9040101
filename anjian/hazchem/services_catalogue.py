"""Every write of the chemical catalogue (危险化学品目录), by an administrator (city-wide
``catalogue.manage``), and what a change sets off.

- ``chemical_create`` / ``chemical_update``: an entry's name, aliases, CAS number (its check
  digit verified), UN number, 目录序号, GHS hazard classes (the 目录's class names), flags
  and GB 18218 table 2 classes. An entry may name the table 1 row it is (an industrial
  grade of 液氯 …): it then takes that row's Q, checked against its name and CAS number by
  the engine. The shipped table 1 rows (``catalogue.sync_shipped`` owns them after every
  migrate) keep the table's name, aliases, CAS number and row — hence their Q; an
  administrator sets their table 2 classes (a row outside table 3 takes β from table 4 by
  its class), their flags and the 目录 data.
- ``chemical_retire`` / ``chemical_restore``: never deleted; an entry an active unit holds
  cannot be retired, nor can a shipped row (the standard names it).
- ``chemical_import``: one row of the 目录 import (``catalogue_import``), matched by 目录序号
  or by its name (and CAS number); a shipped row is enriched, never renamed.
- A change of what GB 18218 reads of an entry (name, CAS number, row, table 2 classes)
  identifies and grades again every active unit holding it (``evaluation.reevaluate``): up
  to ``SYNC_UNITS`` units in the writer's transaction, more in the background job
  ``REEVALUATE``; the answer says how many units, how many changed grade, how many could
  not be evaluated (their page says why).

Each save is recorded with who and when by django-auditlog (registered in ``apps.py``);
``chemical_history`` reads it as the entry's page shows it.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from anjian.core import audit
from anjian.core.exceptions import Conflict, NotPermitted, ValidationError
from anjian.core.jobs import JobProgress, job_finish, job_handler, job_start
from anjian.core.models import BackgroundJob
from anjian.core.services import writable
from anjian.hazchem import gb18218
from anjian.hazchem import identification as engine
from anjian.hazchem import permissions as perms
from anjian.hazchem.choices import CatalogueSource
from anjian.hazchem.errors import ChemicalIdentityError, CriticalQuantityUndetermined
from anjian.hazchem.evaluation import reevaluate
from anjian.hazchem.models import Chemical, ChemicalUnit, InventoryLine

FLAGS = (
    "highly_toxic",
    "explosive_precursor",
    "drug_precursor",
    "key_supervised",
    "special_control",
)
FIELDS = (
    "name",
    "aliases",
    "cas",
    "un_number",
    "catalogue_number",
    "ghs_classes",
    "gb18218_classes",
    "table1_row",
    *FLAGS,
)
SHIPPED_FIXED = ("name", "aliases", "cas", "table1_row")  # the standard's, kept by the sync
IDENTITY = ("name", "cas", "table1_row", "gb18218_classes")  # what GB 18218 reads of an entry
SYNC_UNITS = 200  # units re-evaluated in the writer's transaction; more: the background job
REEVALUATE = "hazchem_catalogue_reevaluate"
MAX_CATALOGUE_NUMBER = 9999
SEPARATORS = re.compile(r"[、,，;；/\n]+")
GHS_ENTRIES = re.compile(r"[；;\n]+")
CLASS_CODES = re.compile(r"[\s,，、;；/]+")

# The hazard classes the 危险化学品目录（2015版）说明 and its 实施指南 use (RULES.md §16), by
# the name before the route or category: "急性毒性-经口，类别3" is 急性毒性.
GHS_CLASSES = frozenset(
    {
        "爆炸物",
        "易燃气体",
        "化学不稳定性气体",
        "气溶胶",
        "易燃气溶胶",
        "氧化性气体",
        "加压气体",
        "易燃液体",
        "易燃固体",
        "自反应物质和混合物",
        "自燃液体",
        "自燃固体",
        "自热物质和混合物",
        "遇水放出易燃气体的物质和混合物",
        "氧化性液体",
        "氧化性固体",
        "有机过氧化物",
        "金属腐蚀物",
        "急性毒性",
        "皮肤腐蚀/刺激",
        "严重眼损伤/眼刺激",
        "呼吸道致敏物",
        "皮肤致敏物",
        "呼吸道或皮肤致敏",
        "生殖细胞致突变性",
        "致癌性",
        "生殖毒性",
        "特异性靶器官毒性",
        "吸入危害",
        "危害水生环境",
        "危害臭氧层",
    }
)


@dataclass
class Reevaluation:
    """What a catalogue change set off in the units holding the entry."""

    units: int = 0  # active units holding it
    regraded: int = 0  # whose grade, or being a major hazard source, changed
    failed: int = 0  # that could not be evaluated (each unit's page says why)
    job: BackgroundJob | None = None  # set when they are re-evaluated in the background

    def words(self) -> str:
        if not self.units:
            return _("没有在用单元登记该化学品，无需重新辨识")
        if self.job is not None:
            return _("持有该化学品的 %(n)d 个在用单元正在后台重新辨识") % {"n": self.units}
        text = _("已重新辨识 %(n)d 个单元，其中 %(r)d 个级别变化") % {
            "n": self.units,
            "r": self.regraded,
        }
        if self.failed:
            text += _("，%(f)d 个无法辨识（见单元页面）") % {"f": self.failed}
        return text

    def report(self) -> dict:
        return {"units": self.units, "regraded": self.regraded, "failed": self.failed}


@dataclass
class ChemicalChange:
    """A written entry and what its change set off."""

    chemical: Chemical
    reevaluation: Reevaluation = field(default_factory=Reevaluation)


def _require(by) -> None:
    if not by.can(perms.CATALOGUE_MANAGE):
        raise NotPermitted()


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


# --- reading the values -----------------------------------------------------------------------


def _text(value, name: str, errors: dict, *, limit: int, missing: str = "") -> str:
    if value is not None and (isinstance(value, bool) or not isinstance(value, str | int)):
        errors[name] = _("须为文字")
        return ""
    value = str(value if value is not None else "").strip()
    if missing and not value:
        errors[name] = missing
    elif len(value) > limit:
        errors[name] = _("不能超过%(n)d字") % {"n": limit}
    return value


def _whole(value, name: str, errors: dict, *, high: int, message: str) -> int | None:
    if value in (None, ""):
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip().removesuffix(".0")
    if isinstance(value, bool) or not text.isdigit() or not 1 <= int(text) <= high:
        errors[name] = message
        return None
    return int(text)


def check_cas(text: str) -> str:
    """A CAS number as stored (plain digits and dashes), or ValueError saying what is wrong."""
    cas = gb18218.normalise_cas(text or "")
    if not cas:
        return ""
    if not gb18218.cas_is_well_formed(cas):
        raise ValueError(_("CAS号“%(v)s”格式不正确（应为如7664-41-7的形式）") % {"v": text})
    if not gb18218.cas_check_digit_ok(cas):
        raise ValueError(_("CAS号“%(v)s”校验位不正确") % {"v": text})
    return cas


def table2_codes(value) -> tuple[list[str], list[str]]:
    """(the GB 18218 table 2 codes ``value`` names, as the standard writes them; the words
    that are none) — ``value`` a list or a text such as "w5.3, J4"."""
    if value in (None, ""):
        return [], []
    words = value if isinstance(value, list | tuple) else CLASS_CODES.split(str(value))
    codes, unknown = [], []
    for word in (str(w).strip() for w in words):
        found = gb18218.hazard_class(word) if word else None
        if found is None and word:
            unknown.append(word)
        elif found is not None and found.code not in codes:
            codes.append(found.code)
    return codes, unknown


def ghs_unknown(text: str) -> list[str]:
    """The entries of a 危险性类别 text whose class the 目录 does not use."""
    unknown = []
    for entry in (e.strip() for e in GHS_ENTRIES.split(text or "")):
        plain = unicodedata.normalize("NFKC", entry).rstrip("*").strip()
        name = re.split(r"[,，]", plain)[0].split("-")[0].strip()
        if plain and name not in GHS_CLASSES:
            unknown.append(entry)
    return unknown


def _values(data: dict, errors: dict) -> dict:
    """``data`` (every key of FIELDS) as the entry's values; problems into ``errors``."""
    values = {"name": _text(data["name"], "name", errors, limit=200, missing=_("请填写品名"))}
    aliases = _text(data["aliases"], "aliases", errors, limit=500)
    values["aliases"] = "、".join(a.strip() for a in SEPARATORS.split(aliases) if a.strip())
    try:
        values["cas"] = check_cas(_text(data["cas"], "cas", errors, limit=40))
    except ValueError as error:
        errors["cas"] = str(error)
        values["cas"] = ""
    un_number = _text(data["un_number"], "un_number", errors, limit=12).upper().removeprefix("UN")
    if un_number and not re.fullmatch(r"[0-9]{4}", un_number.strip()):
        errors["un_number"] = _("UN号应为4位数字，如1230")
    values["un_number"] = un_number.strip()
    values["catalogue_number"] = _whole(
        data["catalogue_number"],
        "catalogue_number",
        errors,
        high=MAX_CATALOGUE_NUMBER,
        message=_("目录序号须为正整数（《危险化学品目录》中的序号）"),
    )
    values["ghs_classes"] = _text(data["ghs_classes"], "ghs_classes", errors, limit=1000)
    unknown = ghs_unknown(values["ghs_classes"])
    if unknown:
        errors["ghs_classes"] = _(
            "“%(v)s”不是《危险化学品目录》使用的危险性类别（应写如“易燃液体，类别2”"
            "“急性毒性-经口，类别3”，多个类别用分号分隔）"
        ) % {"v": "、".join(unknown)}
    values["gb18218_classes"], unknown = table2_codes(data["gb18218_classes"])
    if unknown:
        errors["gb18218_classes"] = _("GB 18218 表2中没有类别：%(c)s") % {"c": "、".join(unknown)}
    values["table1_row"] = _whole(
        data["table1_row"],
        "table1_row",
        errors,
        high=len(gb18218.TABLE_1),
        message=_("GB 18218 表1行号须为1至%(n)d的整数") % {"n": len(gb18218.TABLE_1)},
    )
    for name in FLAGS:
        if not isinstance(data[name], bool):
            errors[name] = _("请选择是或否")
        values[name] = data[name] is True
    return values


def _check_identity(values: dict, errors: dict) -> None:
    """What the engine makes of the entry: its name, CAS number and row must agree with
    table 1 (no Q or β yet is allowed: a unit cannot hold it until it has a class)."""
    if errors:
        return
    line = engine.Line(
        quantity=1,
        cas=values["cas"],
        name=values["name"],
        row=values["table1_row"],
        classes=tuple(values["gb18218_classes"]),
    )
    try:
        engine.evaluate_line(line)
    except CriticalQuantityUndetermined:
        return
    except ChemicalIdentityError as error:
        message = str(error).split("：", 1)[-1]
        errors["table1_row" if values["table1_row"] else "cas"] = message


def _unique_name(chemical: Chemical, errors: dict) -> None:
    same = Chemical.objects.filter(name=chemical.name).exclude(pk=chemical.pk).first()
    if same is not None:
        errors["name"] = (
            _("目录中已有品名为“%(n)s”的条目（已停用）") % {"n": same.name}
            if not same.active
            else _("目录中已有品名为“%(n)s”的条目") % {"n": same.name}
        )


def is_shipped(chemical: Chemical) -> bool:
    return chemical.source == CatalogueSource.SHIPPED and chemical.table1_row is not None


def _fixed(chemical: Chemical, values: dict, data: dict, errors: dict) -> None:
    """A shipped row's name, aliases, CAS number and row stay the standard's."""
    for name in SHIPPED_FIXED:
        if name in data and values[name] != getattr(chemical, name):
            errors[name] = _("随平台提供的GB 18218表1条目，品名、别名、CAS号和表1行号由标准确定")
        values[name] = getattr(chemical, name)


def _current(chemical: Chemical) -> dict:
    return {name: getattr(chemical, name) for name in FIELDS}


def _write(
    chemical: Chemical, data: dict, *, by, reason: str, follow: bool = True
) -> ChemicalChange:
    """Check ``data`` over the entry's current values and save it; with ``follow``,
    re-evaluate the units holding it when what GB 18218 reads of it changed."""
    errors: dict = {}
    before = _current(chemical) if chemical.pk else {}
    values = _values({**_current(chemical), **data}, errors)
    if chemical.pk and is_shipped(chemical):
        _fixed(chemical, values, data, errors)
    for name, value in values.items():
        setattr(chemical, name, value)
    _unique_name(chemical, errors)
    _check_identity(values, errors)
    _raise(errors)
    if chemical.pk:
        if values == before:
            return ChemicalChange(chemical)
        chemical.version += 1
    chemical.save()
    if not follow or not before or all(before[name] == values[name] for name in IDENTITY):
        return ChemicalChange(chemical)
    changed = [
        str(Chemical._meta.get_field(name).verbose_name)
        for name in IDENTITY
        if before[name] != values[name]
    ]
    why = reason % {"c": chemical.name, "f": "、".join(changed)}
    return ChemicalChange(chemical, reevaluate_holders([chemical.pk], by=by, reason=why))


def _locked(chemical_id, expected_version: int | None) -> Chemical:
    found = Chemical.objects.select_for_update().filter(pk=chemical_id).first()
    if found is None:
        raise ValidationError({"__all__": _("目录中没有该条目")})
    if expected_version is not None and found.version != expected_version:
        raise Conflict(_("该记录已被他人修改，请刷新后重试"))
    return found


# --- the services -----------------------------------------------------------------------------


def _blank() -> dict:
    values = {"aliases": "", "cas": "", "un_number": "", "ghs_classes": ""}
    values.update(catalogue_number=None, gb18218_classes=[], table1_row=None)
    values.update(dict.fromkeys(FLAGS, False))
    return values


def _new(data: dict, *, source: str) -> Chemical:
    chemical = Chemical(source=source, name="")
    return _write(chemical, {**_blank(), **data}, by=None, reason="").chemical


@transaction.atomic
def chemical_create(by, *, data: dict) -> ChemicalChange:
    """A new entry (手工登记); no unit holds it yet, so nothing is re-evaluated."""
    _require(by)
    return ChemicalChange(_new(writable(data, FIELDS), source=CatalogueSource.ENTERED))


@transaction.atomic
def chemical_update(
    by, *, chemical_id: int, expected_version: int | None, data: dict
) -> ChemicalChange:
    """Change the fields ``data`` names; a change of what GB 18218 reads re-evaluates the
    units holding the entry."""
    _require(by)
    data = writable(data, FIELDS)
    chemical = _locked(chemical_id, expected_version)
    return _write(chemical, data, by=by, reason=_("目录修订：%(c)s（%(f)s）"))


def _active_holders(chemical_id: int) -> int:
    return (
        InventoryLine.objects.filter(chemical_id=chemical_id, unit__active=True)
        .values("unit_id")
        .distinct()
        .count()
    )


@transaction.atomic
def chemical_retire(by, *, chemical_id: int, expected_version: int | None) -> Chemical:
    """停用: no longer offered to units. Refused for a shipped row or one an active unit holds;
    retiring a retired entry again changes nothing."""
    _require(by)
    found = Chemical.objects.filter(pk=chemical_id).first()
    if found is not None and not found.active:
        return found
    chemical = _locked(chemical_id, expected_version)
    if is_shipped(chemical):
        raise ValidationError({"__all__": _("GB 18218表1随平台提供的条目由标准确定，不能停用")})
    holders = _active_holders(chemical.pk)
    if holders:
        raise ValidationError(
            {
                "__all__": _("已有 %(n)d 个在用单元登记了该化学品，不能停用；请先在这些单元中移除")
                % {"n": holders}
            }
        )
    chemical.active = False
    chemical.version += 1
    chemical.save()
    return chemical


@transaction.atomic
def chemical_restore(by, *, chemical_id: int, expected_version: int | None) -> Chemical:
    """恢复 a retired entry (its name is still its own: names are unique over every entry)."""
    _require(by)
    found = Chemical.objects.filter(pk=chemical_id).first()
    if found is not None and found.active:
        return found
    chemical = _locked(chemical_id, expected_version)
    chemical.active = True
    chemical.version += 1
    chemical.save()
    return chemical


def chemical_history(chemical: Chemical, *, limit: int = 50) -> list:
    """Who changed the entry, when and what (newest first; the shipped rows' sync is 系统)."""
    return audit.history(chemical, limit=limit)


# --- one row of the 目录 import --------------------------------------------------------------


def _same_cas(chemical: Chemical, text: str) -> bool:
    """Whether the row's CAS number (blank, or refused when read: not this check's) is the
    entry's — for a shipped row, one of its table 1 row's."""
    try:
        cas = check_cas(text or "")
    except ValueError:
        return True
    known = gb18218.row(chemical.table1_row).cas if is_shipped(chemical) else (chemical.cas,)
    return not cas or not any(known) or cas in known


def _match(data: dict) -> Chemical | None:
    """The entry a 目录 row is: by its 目录序号 (when one entry, or one of that name, has
    it), else by its name — and then its CAS number must be the entry's (another CAS number
    is another chemical: refused)."""
    number, name = data.get("catalogue_number"), (data.get("name") or "").strip()
    found = None
    if str(number or "").strip().isdigit():
        by_number = list(Chemical.objects.select_for_update().filter(catalogue_number=number))
        named = [c for c in by_number if c.name == name]
        found = by_number[0] if len(by_number) == 1 else (named[0] if named else None)
    by_name = found is None
    if by_name:
        found = Chemical.objects.select_for_update().filter(name=name).first()
    checked = found is not None and (by_name or is_shipped(found))
    if checked and not _same_cas(found, data.get("cas")):
        raise ValidationError(
            {
                "cas": _("目录中已有“%(n)s”，其CAS号为%(c)s，与本行不一致")
                % {"n": found.name, "c": found.cas}
            }
        )
    return found


@transaction.atomic
def chemical_import(by, *, data: dict) -> Chemical:
    """One row of the 目录 import: a new entry (目录导入), or the entry it matches updated
    with the cells the row fills (None or blank: keep what is there). A shipped row keeps
    the standard's name, aliases, CAS number and row; a retired entry is refused (restore
    it first). The import re-evaluates the units holding what it changed once its rows are
    written (``reevaluate_holders``)."""
    _require(by)
    data = {name: value for name, value in writable(data, FIELDS).items() if value is not None}
    chemical = _match(data)
    if chemical is None:
        return _new(data, source=CatalogueSource.IMPORTED)
    if not chemical.active:
        raise ValidationError(
            {"name": _("目录中的“%(n)s”已停用；如需恢复，请先在其页面恢复") % {"n": chemical.name}}
        )
    if is_shipped(chemical):
        data = {name: value for name, value in data.items() if name not in SHIPPED_FIXED}
    filled = {name: value for name, value in data.items() if value not in ("", [])}
    return _write(chemical, filled, by=by, reason="", follow=False).chemical


# --- re-evaluating the units holding changed entries -----------------------------------------


def _holders(chemical_ids):
    return ChemicalUnit.objects.filter(active=True, lines__chemical_id__in=chemical_ids).distinct()


def _grades(units) -> dict[int, tuple]:
    return {pk: (major, grade) for pk, major, grade in units.values_list("pk", "is_major", "grade")}


def reevaluate_holders(chemical_ids, *, by, reason: str) -> Reevaluation:
    """Identify and grade again the active units holding ``chemical_ids``: here when they
    are few (``SYNC_UNITS``), else in the background job (started once this commits)."""
    count = _holders(chemical_ids).count()
    if count > SYNC_UNITS:
        params = {"chemicals": list(chemical_ids), "reason": reason}
        return Reevaluation(units=count, job=job_start(kind=REEVALUATE, by=by, params=params))
    return run_reevaluation(chemical_ids, by=by, reason=reason)


def run_reevaluation(chemical_ids, *, by, reason: str) -> Reevaluation:
    units = _holders(chemical_ids)
    before = _grades(units)
    counts = reevaluate(
        ChemicalUnit.objects.filter(pk__in=units.values("pk")), by=by, reason=reason
    )
    after = _grades(ChemicalUnit.objects.filter(pk__in=list(before)))
    regraded = sum(1 for pk, was in before.items() if after.get(pk) != was)
    return Reevaluation(units=counts["units"], regraded=regraded, failed=counts["failed"])


@job_handler(REEVALUATE)
def run_reevaluation_job(job: BackgroundJob, progress: JobProgress) -> None:
    """The background re-evaluation after a catalogue change (``reevaluate_holders``)."""
    chemical_ids = job.params.get("chemicals", [])
    progress.total(_holders(chemical_ids).count())
    result = run_reevaluation(chemical_ids, by=job.created_by, reason=job.params["reason"])
    job.message = result.words()
    job.done = result.units
    job_finish(job, report=result.report(), output=None, filename="")
