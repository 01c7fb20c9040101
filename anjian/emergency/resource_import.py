"""Excel import of 应急资源 — teams, warehouses, supplies (with their opening stock),
equipment, shelters, experts — one kind per file, with the columns of ``resource_exports``.

Each row goes through the same service a typed entry does (``services_resources``), in a
savepoint of one transaction, so it is checked exactly as the form is: owner and scope,
required names, phones, coordinates inside the deployment, whole numbers, storage levels.
Its problems are reported by Excel row number, one message per cell, in the template's column
order (``core.excel.RowProblems``). Mode ``all`` (the default): if any row has a problem,
nothing is imported. Mode ``valid``: the good rows are imported, the others reported. A row
that repeats an earlier row, or a record already registered (same name in the same region;
supplies: the same line of the same warehouse), is a problem, so a file imported twice does
not register everything twice.

Names in a file resolve in the writer's scope, once per file: the region code (blank: the
writer's own region), the unit by 统一社会信用代码 (an enterprise user's rows are always its
own unit's), warehouses and teams by name. Choices are read from their label or code.
"""

import datetime
import re
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.excel import (
    ExcelError,
    RowProblems,
    SheetRows,
    error_report,
    invalid_choice,
    read_rows,
    write_template,
)
from anjian.core.exceptions import Conflict, OutOfScope, ValidationError
from anjian.core.jobs import JobFailed, JobProgress, job_finish, job_handler
from anjian.core.models import BackgroundJob
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

IMPORT_KINDS = ("team", "warehouse", "supply", "equipment", "shelter", "expert")
JOB_KINDS = {kind: f"emergency_{kind}_import" for kind in IMPORT_KINDS}
MAX_ROWS = 5_000
MODE_ALL = "all"
MODE_VALID = "valid"
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
TRUE_WORDS = {"是", "y", "yes", "true", "1", "√"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "×"}
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


@dataclass
class ImportResult:
    kind: str
    mode: str = MODE_ALL
    total: int = 0
    created: int = 0
    errors: dict[int, list[str]] = field(default_factory=dict)  # Excel row → messages
    file_error: str = ""
    sheet: SheetRows | None = None
    created_ids: list[int] = field(default_factory=list)

    @property
    def imported(self) -> bool:
        return not self.file_error and self.created > 0

    def as_report(self) -> dict:
        rows = dict(self.sheet.rows) if self.sheet is not None else {}
        name = str(_header(self.kind, "name"))
        return {
            "kind": self.kind,
            "total": self.total,
            "created": self.created,
            "error_rows": len(self.errors),
            "mode": self.mode,
            "file_error": self.file_error,
            "errors": [
                {"row": row, "name": _text(rows.get(row, {}).get(name)), "messages": messages}
                for row, messages in sorted(self.errors.items())[:1000]
            ],
            "example_rows": self.sheet.example_rows if self.sheet is not None else [],
            "created_ids": self.created_ids[:5000],
        }


def _header(kind: str, key: str) -> str:
    return next(c.header for c in COLUMNS[kind] if c.key == key)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def template(kind: str) -> bytes:
    """The import template of ``kind``: its importable columns, an example row, drop-downs."""
    columns = COLUMNS[kind]
    return write_template(
        title=TITLES[kind],
        columns=columns,
        notes=[
            _("每行一条记录。带“（必填）”的列必须填写。"),
            _("所属区划代码空白时为您的管辖区划；单位用户导入的记录一律属于本单位。"),
            _("默认任何一行有错误时整个文件都不导入，请按错误说明修改后重新上传。"),
            _("同一区划已登记的同名记录不会重复导入。"),
        ],
        lists={c.header: list(c.choices) for c in columns if c.choices and c.importable},
    )


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
        codes = {_text(cells.get(header)) for _n, cells in sheet.rows} if header else set()
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


def _choice(value: str, choices) -> str | None:
    for code, label in choices:
        if value in (code, str(label), str(label).split("（")[0]):
            return code
    return None


def _date(value: Any):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    for separator in ("/", ".", "年", "月"):
        text = text.replace(separator, "-")
    return text.replace("日", "")


def _cell(kind, key, raw, lookups: Lookups, problems: RowProblems) -> tuple[bool, Any]:
    """One cell as the service's value: (use it?, value)."""
    text = _text(raw)
    if key in CHOICES and kind in CHOICES[key]:
        choices = CHOICES[key][kind]
        code = _choice(text, choices)
        if code is None:
            problems.add(key, invalid_choice(text, labels(choices)) if text else _("此项必填"))
        return True, code or ""
    if key == "specialities":
        words = [w for w in SEPARATORS.split(text) if w]
        codes = [_choice(w, Speciality.choices) for w in words]
        unknown = [w for w, code in zip(words, codes, strict=True) if code is None]
        if unknown:
            problems.add(key, invalid_choice("、".join(unknown), labels(Speciality.choices)))
        return True, [code for code in codes if code]
    if key in ("indoor", "available"):
        if text.lower() in TRUE_WORDS or (key == "available" and not text):
            return True, True
        if text.lower() in FALSE_WORDS or not text:
            return True, False
        problems.add(key, invalid_choice(text, (_("是"), _("否"))))
        return False, None
    if key in ("region", "enterprise", "team", "warehouse"):
        if not text:
            if key == "warehouse" and kind == "supply":
                problems.add(key, _("请填写储备库"))
            return False, None
        if key == "region":
            return True, text
        if key == "enterprise":
            unit = lookups.units.get(text)
            if unit is None:
                problems.add(
                    key, _("统一社会信用代码“%(v)s”不是您管辖范围内登记的单位") % {"v": text}
                )
            return unit is not None, unit
        found = lookups.teams if key == "team" else lookups.warehouses
        pk, problem = lookups.one(found, text, _("队伍") if key == "team" else _("储备库"))
        if problem:
            problems.add(key, problem)
        return pk is not None, pk
    if key == "expires_on":
        return True, _date(raw) or None
    if key in NUMBERS:
        return True, raw if raw is not None else ""
    return True, text


def _row_data(kind: str, cells: dict, lookups: Lookups, problems: RowProblems) -> dict:
    data = {}
    for column in COLUMNS[kind]:
        if not column.importable:
            continue
        use, value = _cell(kind, column.key, cells.get(column.header), lookups, problems)
        if use:
            data[column.key] = value
    return data


# --- writing ----------------------------------------------------------------------------------


class _Refused(Exception):
    def __init__(self, key: str | None, message: str):
        self.key, self.message = key, message


def _create(by, kind: str, data: dict):
    if kind == "supply":
        warehouse, quantity = data.pop("warehouse"), data.pop("quantity", "")
        quantity = 0 if quantity in (None, "") else quantity
        return services.supply_create(by, warehouse_id=warehouse, data=data, quantity=quantity)
    return CREATE[kind](by, data=data)


def _repeats(by, kind: str, record, seen: dict, number: int) -> None:
    """Refuse a row that repeats an earlier row or a record already registered."""
    if kind not in SELECT:
        return
    key = (record.name, record.scope_region_code)
    if key in seen:
        raise _Refused("name", _("与第%(row)d行重复（同一区划同名）") % {"row": seen[key]})
    same = SELECT[kind](by).filter(name=record.name, scope_region_code=record.scope_region_code)
    if same.exclude(pk=record.pk).exists():
        raise _Refused("name", _("已登记（同一区划已有同名记录），不再重复导入"))
    seen[key] = number


def _add_errors(problems: RowProblems, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for key, messages in error.message_dict.items():
            problems.add(None if key == "__all__" else key, messages[0])
    else:
        for message in error.messages:
            problems.add(None, message)


def import_resources(
    by, kind: str, source: BinaryIO, *, mode: str = MODE_ALL, progress: JobProgress | None = None
) -> ImportResult:
    """Import the records of ``kind`` in ``source`` (.xlsx with ``COLUMNS[kind]``)."""
    require(by)
    if kind not in IMPORT_KINDS:
        raise ValueError(f"not importable: {kind}")
    result = ImportResult(kind=kind, mode=mode)
    try:
        sheet = read_rows(source, columns=COLUMNS[kind], max_rows=MAX_ROWS)
    except ExcelError as problem:
        result.file_error = str(problem)
        return result
    result.sheet, result.total = sheet, len(sheet.rows)
    if progress:
        progress.total(result.total)
    lookups = Lookups(by, kind, sheet)
    seen: dict = {}
    with transaction.atomic():
        for done, (number, cells) in enumerate(sheet.rows, start=1):
            problems = RowProblems(COLUMNS[kind])
            data = _row_data(kind, cells, lookups, problems)
            if not problems:
                try:
                    with transaction.atomic():
                        record = _create(by, kind, data)
                        _repeats(by, kind, record, seen, number)
                    result.created_ids.append(record.pk)
                except ValidationError as error:
                    _add_errors(problems, error)
                except _Refused as refused:
                    problems.add(refused.key, refused.message)
                except OutOfScope as error:
                    problems.add(error.field or "region", str(error))
                except Conflict as error:
                    problems.add(None, str(error))
            if problems:
                result.errors[number] = problems.messages()
            if progress:
                progress.step(done, _("已检查 %(n)d 行") % {"n": done})
        if result.errors and mode == MODE_ALL:
            transaction.set_rollback(True)
            result.created_ids = []
    result.created = len(result.created_ids)
    return result


def error_file(result: ImportResult) -> bytes | None:
    """The rows to fix (every row when nothing was imported), with 原行号 and 错误说明."""
    if not result.errors or result.sheet is None:
        return None
    return error_report(
        columns=COLUMNS[result.kind],
        sheet=result.sheet,
        errors=result.errors,
        every_row=result.mode == MODE_ALL,
    )


def _run(kind: str):
    def run_import(job: BackgroundJob, progress: JobProgress) -> None:
        with job.input_file.open("rb") as source:
            result = import_resources(
                job.created_by,
                kind,
                source,
                mode=job.params.get("mode", MODE_ALL),
                progress=progress,
            )
        if result.file_error:
            raise JobFailed(result.file_error, report=result.as_report())
        what = TITLES[kind]
        job.message = (
            _("已导入 %(n)d 条%(what)s") % {"n": result.created, "what": what}
            if result.created
            else _("未导入任何%(what)s") % {"what": what}
        )
        job.done = result.total
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        name = _("导入待修正") if result.mode == MODE_ALL else _("导入错误行")
        job_finish(
            job,
            report=result.as_report(),
            output=error_file(result),
            filename=f"{what}{name}-{stamp}.xlsx",
        )

    return run_import


for _kind, _job_kind in JOB_KINDS.items():
    job_handler(_job_kind)(_run(_kind))
