"""The Excel import engine of the registers that import row by row through their services —
emergency resources, plans and drills (``emergency.resource_import``, ``record_import``),
the chemical catalogue and the units' inventories (``hazchem.catalogue_import``,
``inventory_import``) — one kind per file, each kind an ``ImportSpec``.

Each row goes through the same service a typed entry does, in a savepoint of one
transaction, so it is checked exactly as the form is. Its problems are reported by Excel row
number, one message per cell, in the template's column order (``core.excel.RowProblems``).
Mode ``all`` (the default): if any row has a problem, nothing is imported. Mode ``valid``:
the good rows are imported, the others reported. A row that repeats an earlier row or a
record already registered is a problem (each spec says what "the same" is), so a file
imported twice does not register everything twice.

A spec reads a row's cells into the service's ``data`` (``read``), creates the record
(``create``) and names what makes it the same as another (``identity``); the cell readers
here (choices by label or code, yes/no, dates, numbers) are shared by every spec. What a
spec sets off once its rows are written (``finish``: units identified again after the
catalogue changed) runs after the rows' transaction, and only when rows were written.

The upload is a background job (``register_jobs``: one job kind per spec, named
``<app>_<kind>_import``); the pages that start it and serve the template are
``core.views_imports``.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.excel import (
    Column,
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

MAX_ROWS = 5_000
MODE_ALL = "all"
MODE_VALID = "valid"
TRUE_WORDS = {"是", "y", "yes", "true", "1", "√"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "×"}


class Refused(Exception):
    """A row the spec refuses after its service accepted it (a repeat); rolled back."""

    def __init__(self, key: str | None, message: str):
        self.key, self.message = key, message


class ImportSpec:
    """One importable kind. Subclasses set the attributes and implement ``read``,
    ``create`` and, to refuse repeats, ``identity`` and ``registered``."""

    app: str  # the app whose records it imports: its job kind is "<app>_<kind>_import"
    kind: str
    title: str
    columns: list[Column]
    notes: tuple[str, ...] = ()
    name_key: str = "name"  # the column the report shows beside the row number
    repeat_note: str = ""  # what "the same" is, as the repeat messages say it
    registered_note: str = ""

    @property
    def job_kind(self) -> str:
        return f"{self.app}_{self.kind}_import"

    def require(self, by) -> None:
        """NotPermitted unless ``by`` may import this kind."""
        raise NotImplementedError

    def lookups(self, by, sheet: SheetRows) -> Any:
        """What names in the file may point to, in the writer's scope, read once."""
        return None

    def read(self, cells: dict, lookups: Any, problems: RowProblems) -> dict:
        """The row as the service's ``data``; problems found reading it go to ``problems``."""
        raise NotImplementedError

    def create(self, by, data: dict):
        raise NotImplementedError

    def identity(self, record) -> tuple | None:
        """What makes two records the same (None: repeats are not checked)."""
        return None

    def registered(self, by, record) -> bool:
        """Whether a record the same as ``record`` (not itself) is already registered."""
        return False

    def finish(self, by, result: "ImportResult") -> str:
        """After the rows were written (never when none was): what they set off, in words
        for the job's message ("" for nothing)."""
        return ""

    def header(self, key: str) -> str:
        return next(column.header for column in self.columns if column.key == key)

    def template(self) -> bytes:
        """The import template: importable columns, an example row, drop-downs, notes."""
        return write_template(
            title=self.title,
            columns=self.columns,
            notes=[
                _("每行一条记录。带“（必填）”的列必须填写。"),
                *(str(note) for note in self.notes),
                _("默认任何一行有错误时整个文件都不导入，请按错误说明修改后重新上传。"),
            ],
            lists={c.header: list(c.choices) for c in self.columns if c.choices and c.importable},
        )


@dataclass
class ImportResult:
    spec: ImportSpec
    mode: str = MODE_ALL
    total: int = 0
    created: int = 0
    errors: dict[int, list[str]] = field(default_factory=dict)  # Excel row → messages
    file_error: str = ""
    sheet: SheetRows | None = None
    created_ids: list[int] = field(default_factory=list)
    followup: str = ""  # what ``spec.finish`` reported

    @property
    def kind(self) -> str:
        return self.spec.kind

    @property
    def imported(self) -> bool:
        return not self.file_error and self.created > 0

    def as_report(self) -> dict:
        rows = dict(self.sheet.rows) if self.sheet is not None else {}
        name = str(self.spec.header(self.spec.name_key))
        return {
            "kind": self.kind,
            "total": self.total,
            "created": self.created,
            "error_rows": len(self.errors),
            "mode": self.mode,
            "file_error": self.file_error,
            "errors": [
                {"row": row, "name": text(rows.get(row, {}).get(name)), "messages": messages}
                for row, messages in sorted(self.errors.items())[:1000]
            ],
            "example_rows": self.sheet.example_rows if self.sheet is not None else [],
            "created_ids": self.created_ids[:5000],
            "followup": self.followup,
        }


# --- reading cells ----------------------------------------------------------------------------


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def choice(value: str, choices) -> str | None:
    """The code of the choice ``value`` names by its code, its label or the label's part
    before a full-width bracket; None if it names none."""
    for code, label in choices:
        if value in (code, str(label), str(label).split("（")[0]):
            return code
    return None


def labels(choices) -> tuple[str, ...]:
    return tuple(str(label) for _value, label in choices)


def read_choice(key: str, raw: Any, choices, problems: RowProblems, *, required=True) -> str:
    value = text(raw)
    code = choice(value, choices)
    if code is None and (value or required):
        problems.add(key, invalid_choice(value, labels(choices)) if value else _("此项必填"))
    return code or ""


def read_yes_no(key: str, raw: Any, problems: RowProblems, *, blank: bool) -> bool | None:
    value = text(raw).lower()
    if not value:
        return blank
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    problems.add(key, invalid_choice(text(raw), (_("是"), _("否"))))
    return None


def read_date(raw: Any) -> Any:
    """A date cell as a date, or its text with 2026/3/1, 2026.3.1 and 2026年3月1日 written
    as 2026-3-1 for the service to check."""
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    value = text(raw)
    for separator in ("/", ".", "年", "月"):
        value = value.replace(separator, "-")
    value = value.replace("日", "")
    parts = value.split("-")
    if len(parts) == 3 and all(part.isdigit() for part in parts):
        value = f"{int(parts[0]):04d}-{int(parts[1]):02d}-{int(parts[2]):02d}"
    return value


# --- writing ----------------------------------------------------------------------------------


def _add_errors(problems: RowProblems, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for key, messages in error.message_dict.items():
            problems.add(None if key == "__all__" else key, messages[0])
    else:
        for message in error.messages:
            problems.add(None, message)


def _check_repeat(spec: ImportSpec, by, record, seen: dict, number: int) -> None:
    key = spec.identity(record)
    if key is None:
        return
    if key in seen:
        message = _("与第%(row)d行重复%(note)s") % {"row": seen[key], "note": spec.repeat_note}
        raise Refused(spec.name_key, message)
    if spec.registered(by, record):
        message = _("已登记%(note)s，不再重复导入") % {"note": spec.registered_note}
        raise Refused(spec.name_key, message)
    seen[key] = number


def import_file(
    by,
    spec: ImportSpec,
    source: BinaryIO,
    *,
    mode: str = MODE_ALL,
    progress: JobProgress | None = None,
) -> ImportResult:
    """Import the records in ``source`` (.xlsx with ``spec.columns``)."""
    spec.require(by)
    result = ImportResult(spec=spec, mode=mode)
    try:
        sheet = read_rows(source, columns=spec.columns, max_rows=MAX_ROWS)
    except ExcelError as problem:
        result.file_error = str(problem)
        return result
    result.sheet, result.total = sheet, len(sheet.rows)
    if progress:
        progress.total(result.total)
    lookups = spec.lookups(by, sheet)
    seen: dict = {}
    with transaction.atomic():
        for done, (number, cells) in enumerate(sheet.rows, start=1):
            problems = RowProblems(spec.columns)
            data = spec.read(cells, lookups, problems)
            if not problems:
                try:
                    with transaction.atomic():
                        record = spec.create(by, data)
                        _check_repeat(spec, by, record, seen, number)
                    result.created_ids.append(record.pk)
                except ValidationError as error:
                    _add_errors(problems, error)
                except Refused as refused:
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
    if result.created:
        result.followup = spec.finish(by, result)
    return result


def error_file(result: ImportResult) -> bytes | None:
    """The rows to fix (every row when nothing was imported), with 原行号 and 错误说明."""
    if not result.errors or result.sheet is None:
        return None
    return error_report(
        columns=result.spec.columns,
        sheet=result.sheet,
        errors=result.errors,
        every_row=result.mode == MODE_ALL,
    )


def register_jobs(specs: dict[str, ImportSpec]) -> None:
    """One background job kind per spec (``spec.job_kind``), run by ``import_file``."""
    for spec in specs.values():
        job_handler(spec.job_kind)(_runner(spec))


def _runner(spec: ImportSpec):
    def run_import(job: BackgroundJob, progress: JobProgress) -> None:
        with job.input_file.open("rb") as source:
            result = import_file(
                job.created_by,
                spec,
                source,
                mode=job.params.get("mode", MODE_ALL),
                progress=progress,
            )
        if result.file_error:
            raise JobFailed(result.file_error, report=result.as_report())
        what = spec.title
        job.message = (
            _("已导入 %(n)d 条%(what)s") % {"n": result.created, "what": what}
            if result.created
            else _("未导入任何%(what)s") % {"what": what}
        )
        if result.followup:
            job.message = f"{job.message}；{result.followup}"
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
