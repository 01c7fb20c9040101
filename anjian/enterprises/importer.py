"""Excel import of enterprises with a row-by-row error report.

Every row is validated completely by the same form the edit page uses before any is
written, so no row is ever half imported. Two modes, chosen on the upload page:

* ``all`` (default): if any row has an error, nothing is imported;
* ``valid``: the valid rows are imported, the rest are reported.

Duplicates are found for the whole file in one query (against the registry) and in
memory (within the file); street, grid, industry and department names resolve from
dicts built once, so a 10,000-row file costs a handful of queries.

A row's report has one message per cell, the most specific (``core.excel.RowProblems``),
in the template's column order, and names the unit beside the row number. The created
enterprises' ids are kept in the job's report (``created_ranges``), so the result page
links to exactly them (the list's ``import_job`` filter, ``imported_by``).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from anjian.core.excel import ExcelError, RowProblems, SheetRows, invalid_choice, read_rows
from anjian.core.jobs import JobProgress
from anjian.core.models import BackgroundJob
from anjian.enterprises.choices import Scale, StandardisationGrade, Status, SupervisionGrade
from anjian.enterprises.forms import EnterpriseImportForm
from anjian.enterprises.ledger import BY_KEY, COLUMNS, IMPORT_COLUMNS
from anjian.enterprises.models import Enterprise
from anjian.enterprises.services import (
    DepartmentResolver,
    duplicate_credit_code_message,
    enterprise_bulk_create,
    prepare_for_bulk,
)
from anjian.enterprises.validators import normalize_credit_code
from anjian.regions import selectors as region_selectors
from anjian.regions.levels import street_of
from anjian.regions.models import Region

JOB_KIND = "enterprise_import"  # the background job that runs an upload (jobs.py)
MAX_ROWS = 50_000
MODE_ALL = "all"
MODE_VALID = "valid"
MODES = {
    MODE_ALL: _("有错误时全部不导入（推荐）"),
    MODE_VALID: _("只导入无错误的行，错误行单独报告"),
}

TRUE_WORDS = {"是", "y", "yes", "true", "1", "√", "有"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "×", "无", ""}
# Columns of choices: the model's choices, read from a value or a label (``_choice``).
CHOICES = {
    "scale": Scale.choices,
    "supervision_grade": SupervisionGrade.choices,
    "standardisation_grade": StandardisationGrade.choices,
    "status": Status.choices,
}
NAME_HEADER = BY_KEY["name"].header  # names the unit of an error row


@dataclass
class ImportResult:
    total: int = 0
    created: int = 0
    errors: dict[int, list[str]] = field(default_factory=dict)
    mode: str = MODE_ALL
    file_error: str = ""
    sheet: SheetRows | None = None
    created_ids: list[int] = field(default_factory=list)

    @property
    def error_rows(self) -> int:
        return len(self.errors)

    def as_report(self) -> dict:
        rows = dict(self.sheet.rows) if self.sheet is not None else {}
        return {
            "total": self.total,
            "created": self.created,
            "error_rows": self.error_rows,
            "mode": self.mode,
            "file_error": self.file_error,
            "errors": [
                {
                    "row": row,
                    "name": _text(rows.get(row, {}).get(NAME_HEADER)),
                    "messages": messages,
                }
                for row, messages in sorted(self.errors.items())[:1000]
            ],
            "example_rows": self.sheet.example_rows if self.sheet is not None else [],
            "created_ranges": id_ranges(self.created_ids),
        }


def id_ranges(ids: list[int]) -> list[list[int]]:
    """Ids as [first, last] runs (one run for a bulk insert nobody interleaved with)."""
    runs: list[list[int]] = []
    for pk in sorted(ids):
        if runs and pk == runs[-1][1] + 1:
            runs[-1][1] = pk
        else:
            runs.append([pk, pk])
    return runs


def imported_by(queryset: QuerySet, *, user, job_id: int) -> QuerySet:
    """``queryset`` narrowed to the enterprises ``user``'s import job ``job_id`` created
    (none for another user's job, as its page is theirs alone)."""
    job = BackgroundJob.objects.filter(pk=job_id, kind=JOB_KIND, created_by=user).first()
    runs = job.report.get("created_ranges", []) if job is not None else []
    if not runs:
        return queryset.none()
    condition = Q()
    for first, last in runs:
        condition |= Q(pk__range=(first, last))
    return queryset.filter(condition)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _choice(value: str, choices, *, extra: dict[str, str] | None = None) -> str:
    """Accept a choice's value or its label (also the label's short form, e.g. "A类")."""
    mapping = {str(v).lower(): v for v, _l in choices}
    for v, label in choices:
        label = str(label)
        mapping[label.lower()] = v
        mapping[label.split("（")[0].lower()] = v
    mapping.update(extra or {})
    return mapping.get(value.lower(), value)


def _date(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = _text(value)
    for separator in ("/", ".", "年"):
        text = text.replace(separator, "-")
    return text.replace("月", "-").replace("日", "")


class Lookups:
    """Names and codes the user may use in a file, resolved once."""

    def __init__(self, user):
        streets = list(region_selectors.streets_for(user).select_related("parent"))
        self.streets = {s.code: s for s in streets}
        names = defaultdict(list)
        for street in streets:
            names[street.name].append(street)
        self.street_names = names
        grids = (
            Region.objects.active().filter(
                level__gte=5, code__startswith=user.scope.region_prefix or ""
            )
            if not user.scope.everything
            else Region.objects.active().filter(level__gte=5)
        )
        self.grids = {g.code: g for g in grids}
        self.grid_names = {(street_of(g.code), g.name): g for g in self.grids.values()}
        industries = list(region_selectors.unit_industries_for(user))
        self.industries = {i.code: i for i in industries}
        self.industry_names = {i.name: i for i in industries}
        departments = list(region_selectors.departments_for(user))
        self.departments = {str(d.pk): d for d in departments}
        self.department_names = {d.name: d for d in departments}

    def street_code(self, raw: str) -> tuple[str | None, str | None]:
        if raw in self.streets:
            return raw, None
        matches = self.street_names.get(raw, [])
        if len(matches) == 1:
            return matches[0].code, None
        if len(matches) > 1:
            return None, _("街镇名称“%(v)s”不唯一，请填写9位区划代码") % {"v": raw}
        return None, _("街镇“%(v)s”不存在或不在您的管辖范围内") % {"v": raw}

    def grid_code(self, raw: str, street_code: str | None) -> tuple[str | None, str | None]:
        if raw in self.grids:
            return raw, None
        grid = self.grid_names.get((street_code or "", raw))
        if grid is not None:
            return grid.code, None
        return None, _("网格/社区“%(v)s”不存在或不属于所填街镇") % {"v": raw}

    def form_lookups(self) -> dict:
        return {
            "street": self.streets,
            "grid": self.grids,
            "industry": self.industries,
            "supervising_department": self.departments,
        }


def _row_to_form_data(values: dict[str, Any], lookups: Lookups, problems: RowProblems) -> dict:
    """Turn one sheet row (header → cell) into form data, noting this step's problems
    (each more specific than what the form would say about the same cell)."""
    data: dict[str, Any] = {}
    for column in IMPORT_COLUMNS:
        raw = values.get(column.header)
        data[column.key] = _text(raw)
    credit_cell = values.get(BY_KEY["credit_code"].header)
    if isinstance(credit_cell, (int, float)) and len(_text(credit_cell)) > 15:
        problems.add(
            "credit_code", _("被Excel存成了数字，末几位已丢失，请把该列设为文本后重新填写")
        )
    street_code, problem = lookups.street_code(data["street"]) if data["street"] else (None, None)
    if problem:
        problems.add("street", problem)
    data["street"] = street_code or ""
    if data["grid"]:
        grid_code, problem = lookups.grid_code(data["grid"], street_code)
        if problem:
            problems.add("grid", problem)
        data["grid"] = grid_code or ""
    if data["industry"]:
        industry = lookups.industry_names.get(data["industry"]) or lookups.industries.get(
            data["industry"]
        )
        if industry is None:
            problems.add(
                "industry", _("“%(v)s”不存在或不在您的监管范围内") % {"v": data["industry"]}
            )
        data["industry"] = industry.code if industry else ""
    if data["supervising_department"]:
        department = lookups.department_names.get(data["supervising_department"])
        if department is None:
            problems.add(
                "supervising_department",
                _("“%(v)s”不存在或不在您的管辖范围内") % {"v": data["supervising_department"]},
            )
        data["supervising_department"] = str(department.pk) if department else ""
        data["department_overridden"] = department is not None
    _read_choices(data, problems)
    for key in ("standardisation_expires", "insured_until"):
        data[key] = _date(values.get(BY_KEY[key].header))
    for column in IMPORT_COLUMNS:
        if column.choices == ("是", "否"):
            word = data[column.key].lower()
            if word in TRUE_WORDS:
                data[column.key] = "on"
            elif word in FALSE_WORDS:
                data[column.key] = ""
            else:
                problems.add(column.key, invalid_choice(data[column.key], column.choices))
    return data


def _read_choices(data: dict[str, Any], problems: RowProblems) -> None:
    """Each choice column as its value; a cell naming none of them lists what it may hold."""
    typed = {key: data[key] for key in CHOICES}
    data["supervision_grade"] = data["supervision_grade"].upper()
    data["status"] = data["status"] or Status.OPERATING
    for key, choices in CHOICES.items():
        data[key] = _choice(data[key], choices)
        if data[key] and data[key] not in {value for value, _label in choices}:
            problems.add(key, invalid_choice(typed[key], BY_KEY[key].choices))


def _add_form_errors(form, problems: RowProblems) -> None:
    for field_name, field_errors in form.errors.items():
        for message in field_errors:
            problems.add(field_name if field_name in BY_KEY else None, message)


def validate_sheet(
    sheet: SheetRows, *, user, progress: JobProgress | None = None
) -> tuple[list[tuple[int, Enterprise]], dict[int, list[str]]]:
    """Validate every row; return the valid (row number, unsaved enterprise) and the errors
    (row number → its messages, one per cell, in column order)."""
    lookups = Lookups(user)
    form_lookups = lookups.form_lookups()
    departments = DepartmentResolver()
    valid: list[tuple[int, Enterprise]] = []
    problems_of: dict[int, RowProblems] = {}
    for done, (number, values) in enumerate(sheet.rows, start=1):
        problems = RowProblems(COLUMNS)
        data = _row_to_form_data(values, lookups, problems)
        form = EnterpriseImportForm(data, user=user, lookups=form_lookups)
        if form.is_valid() and not problems:
            enterprise = form.save(commit=False)
            prepare_for_bulk(enterprise, by=user, departments=departments)
            valid.append((number, enterprise))
        else:
            _add_form_errors(form, problems)
            problems_of[number] = problems
        if progress:
            progress.step(done, _("正在校验第 %(n)d 行") % {"n": done})
    _refuse_duplicates(valid, problems_of)
    errors = {number: problems_of[number].messages() for number in sorted(problems_of)}
    return [(n, e) for n, e in valid if n not in errors], errors


def _refuse_duplicates(
    valid: list[tuple[int, Enterprise]], problems_of: dict[int, RowProblems]
) -> None:
    """A code already registered names that enterprise; else copies within the file name
    each other (one message per cell: the registered one wins)."""

    def problems(number: int) -> RowProblems:
        return problems_of.setdefault(number, RowProblems(COLUMNS))

    rows_by_code: dict[str, list[int]] = defaultdict(list)
    for number, enterprise in valid:
        rows_by_code[normalize_credit_code(enterprise.credit_code)].append(number)
    existing = Enterprise.objects.select_related("street").filter(
        credit_code__in=list(rows_by_code)
    )
    for enterprise in existing.iterator(chunk_size=2000):
        for number in rows_by_code[enterprise.credit_code]:
            problems(number).add("credit_code", duplicate_credit_code_message(enterprise))
    for numbers in rows_by_code.values():
        if len(numbers) > 1:
            for number in numbers:
                others = "、".join(str(n) for n in numbers if n != number)
                problems(number).add("credit_code", _("与第 %(rows)s 行重复") % {"rows": others})


def import_enterprises(
    source: BinaryIO, *, user, mode: str = MODE_ALL, progress: JobProgress | None = None
) -> ImportResult:
    """Validate the whole file, then write all of it, the valid rows, or nothing."""
    result = ImportResult(mode=mode)
    try:
        sheet = read_rows(source, columns=COLUMNS, max_rows=MAX_ROWS)
    except ExcelError as exc:
        result.file_error = str(exc)
        return result
    result.sheet = sheet
    result.total = len(sheet.rows)
    if progress:
        progress.total(result.total)
    valid, errors = validate_sheet(sheet, user=user, progress=progress)
    result.errors = errors
    if errors and mode == MODE_ALL:
        return result
    with transaction.atomic():
        created = enterprise_bulk_create(by=user, enterprises=[e for _n, e in valid])
    result.created = len(created)
    result.created_ids = [enterprise.pk for enterprise in created]
    return result
