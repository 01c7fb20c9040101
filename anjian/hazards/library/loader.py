"""Validate and import standard editions: JSON as shipped (``data/README.md``), or Excel.

Three steps, each usable alone:

* ``parse_json`` / ``parse_xlsx`` / ``parse_upload`` (in ``parsing``, re-exported here) turn
  a file into a ``Payload``, or raise ``StandardFileError`` listing every bad row and field
  in Chinese (no database writes; the only read is the list of industries);
* ``plan_import`` compares a payload with the library: which clauses would be added,
  changed, deactivated — and which changes are refused (a cited clause's text, an unknown
  edition named as successor). This is the dry run;
* ``import_payload`` re-plans under row locks and applies the plan through the services in
  one transaction: all of it or nothing.

An edition is identified by its ``code``: a file with a new code adds an edition, a file
with an existing code updates it. Clauses are matched by their code and never deleted.
"""

from dataclasses import dataclass, field, replace

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.excel import Column
from anjian.hazards.library import services
from anjian.hazards.library.parsing import (
    CITED_COLUMN,
    CLAUSE_COLUMNS,
    CLAUSE_LABELS,
    COLUMNS,
    DATA_DIR,
    DOCUMENT_COLUMNS,
    DOCUMENT_LABELS,
    FORMAT,
    ClauseData,
    DocumentData,
    Payload,
    Problem,
    StandardFileError,
    parse_data,
    parse_json,
    parse_path,
    parse_upload,
    parse_xlsx,
    shipped_files,
)
from anjian.hazards.library.vocabulary import Vocabulary
from anjian.hazards.models import StandardClause, StandardDocument

__all__ = [
    "CLAUSE_COLUMNS",
    "CLAUSE_LABELS",
    "COLUMNS",
    "DATA_DIR",
    "DOCUMENT_COLUMNS",
    "DOCUMENT_LABELS",
    "EXPORT_COLUMNS",
    "FORMAT",
    "ClauseChange",
    "ClauseData",
    "DocumentData",
    "ImportPlan",
    "Payload",
    "Problem",
    "StandardFileError",
    "document_payload",
    "export_rows",
    "import_payload",
    "parse_data",
    "parse_json",
    "parse_path",
    "parse_upload",
    "parse_xlsx",
    "plan_import",
    "shipped_files",
]

# --- plan (the dry run) and import --------------------------------------------------------

CREATE, UPDATE, DEACTIVATE, UNCHANGED = "create", "update", "deactivate", "unchanged"
ACTION_LABELS = {
    CREATE: gettext_lazy("新增"),
    UPDATE: gettext_lazy("修改"),
    DEACTIVATE: gettext_lazy("停用"),
    UNCHANGED: gettext_lazy("未变"),
}


@dataclass
class ClauseChange:
    action: str
    code: str
    data: ClauseData | None = None
    clause: StandardClause | None = None
    fields: list[str] = field(default_factory=list)  # labels of the changed fields

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS[self.action])


@dataclass
class ImportPlan:
    payload: Payload
    document: StandardDocument | None  # the existing edition, or None for a new one
    document_fields: list[str] = field(default_factory=list)
    changes: list[ClauseChange] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    superseded_by: StandardDocument | None = None
    supersedes: list[StandardDocument] = field(default_factory=list)
    created: bool = False  # set by import_payload when it added the edition

    @property
    def is_new(self) -> bool:
        return self.created or self.document is None

    def of(self, action: str) -> list[ClauseChange]:
        return [change for change in self.changes if change.action == action]

    @property
    def has_changes(self) -> bool:
        return (
            self.is_new
            or bool(self.document_fields)
            or any(change.action != UNCHANGED for change in self.changes)
        )

    @property
    def counts(self) -> dict[str, int]:
        return {action: len(self.of(action)) for action in ACTION_LABELS}

    def summary(self) -> str:
        counts = self.counts
        if not self.has_changes:
            return _("标准“%(code)s”已是最新，没有变化（%(n)d 条）") % {
                "code": self.payload.document.code,
                "n": counts[UNCHANGED],
            }
        head = _("新增标准") if self.is_new else _("更新标准")
        return _(
            "%(head)s“%(code)s”：新增 %(c)d 条，修改 %(u)d 条，停用 %(d)d 条，未变 %(n)d 条"
        ) % {
            "head": head,
            "code": self.payload.document.code,
            "c": counts[CREATE],
            "u": counts[UPDATE],
            "d": counts[DEACTIVATE],
            "n": counts[UNCHANGED],
        }


def _document_values(payload: Payload, superseded_by: StandardDocument | None) -> dict:
    data = payload.document
    return {
        "code": data.code,
        "title": data.title,
        "edition": data.edition,
        "domain": data.domain,
        "issued_on": data.issued_on,
        "effective_from": data.effective_from,
        "superseded_by": superseded_by,
        "industry_codes": data.industry_codes,
        "note": data.note,
        "is_active": data.is_active,
    }


def _changed(obj, values: dict, labels: dict) -> list[str]:
    changed = []
    for name, value in values.items():
        current = getattr(obj, name)
        equal = services.same_text(current, value) if name == "text" else current == value
        if not equal:
            changed.append(str(labels[name]))
    return changed


def plan_import(payload: Payload, *, lock: bool = False) -> ImportPlan:
    """What importing ``payload`` would do, and what in it is refused. Writes nothing."""
    data = payload.document
    documents = StandardDocument.objects.all()
    if lock:
        documents = documents.select_for_update()
    existing = documents.filter(code=data.code).first()
    plan = ImportPlan(payload=payload, document=existing)
    document_where = _("标准信息")

    if data.superseded_by:
        plan.superseded_by = StandardDocument.objects.filter(code=data.superseded_by).first()
        if plan.superseded_by is None:
            plan.problems.append(
                Problem(
                    document_where,
                    str(DOCUMENT_LABELS["superseded_by"]),
                    _("标准“%(c)s”不存在，请先导入新版本") % {"c": data.superseded_by},
                )
            )
    for code in data.supersedes:
        old = StandardDocument.objects.filter(code=code).first()
        if old is None:
            plan.problems.append(
                Problem(
                    document_where,
                    str(DOCUMENT_LABELS["supersedes"]),
                    _("标准“%(c)s”不存在") % {"c": code},
                )
            )
        else:
            plan.supersedes.append(old)

    if existing is not None:
        values = _document_values(payload, plan.superseded_by)
        plan.document_fields = _changed(existing, values, DOCUMENT_LABELS)

    current: dict[str, StandardClause] = {}
    if existing is not None:
        clauses = existing.clauses.all()
        if lock:
            clauses = clauses.select_for_update()
        current = {clause.code: clause for clause in clauses}
    text_changes: list[tuple[StandardClause, ClauseData]] = []
    for clause_data in payload.clauses:
        clause = current.get(clause_data.code)
        if clause is None:
            plan.changes.append(ClauseChange(CREATE, clause_data.code, data=clause_data))
            continue
        values = clause_data.model_data()
        fields = _changed(clause, values, CLAUSE_LABELS)
        action = UPDATE if fields else UNCHANGED
        plan.changes.append(ClauseChange(action, clause.code, clause_data, clause, fields))
        if not services.same_text(clause.text, clause_data.text):
            text_changes.append((clause, clause_data))
    listed = {clause_data.code for clause_data in payload.clauses}
    for code, clause in current.items():
        if code not in listed and clause.is_active:
            plan.changes.append(
                ClauseChange(
                    DEACTIVATE, code, clause=clause, fields=[str(CLAUSE_LABELS["is_active"])]
                )
            )

    cited = services.citing_hazards(clause.pk for clause, _data in text_changes)
    for clause, clause_data in text_changes:
        if clause.pk in cited:
            plan.problems.append(
                Problem(
                    clause_data.where,
                    str(CLAUSE_LABELS["text"]),
                    services.cited_text_message(clause, cited[clause.pk]),
                    clause_data.row,
                )
            )
    return plan


def _service_problems(error: DjangoValidationError, where: str, labels: dict, row=None):
    if hasattr(error, "error_dict"):
        return [
            Problem(where, str(labels.get(name, name)), message, row)
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return [Problem(where, "", message, row) for message in error.messages]


@transaction.atomic
def import_payload(payload: Payload, *, by=None) -> ImportPlan:
    """Apply ``payload`` in one transaction (all or nothing); raise StandardFileError if refused.

    Only a city-wide editor imports (``services.require_editor``: NotPermitted otherwise,
    before anything is read or locked); ``by=None`` is the command line."""
    services.require_editor(by)
    plan = plan_import(payload, lock=True)
    if plan.problems:
        raise StandardFileError(plan.problems)
    values = _document_values(payload, plan.superseded_by)
    document_where = str(_("标准信息"))
    try:
        if plan.document is None:
            document = services.document_create(by=by, data=values)
        elif plan.document_fields:
            document = services.document_update(by=by, document=plan.document, data=values)
        else:
            document = plan.document
    except DjangoValidationError as error:
        raise StandardFileError(_service_problems(error, document_where, DOCUMENT_LABELS)) from None
    problems: list[Problem] = []
    for change in plan.changes:
        where = change.data.where if change.data else change.code
        row = change.data.row if change.data else None
        try:
            if change.action == CREATE:
                services.clause_create(by=by, document=document, data=change.data.model_data())
            elif change.action == UPDATE:
                services.clause_update(by=by, clause=change.clause, data=change.data.model_data())
            elif change.action == DEACTIVATE:
                services.clause_deactivate(by=by, clause=change.clause)
        except DjangoValidationError as error:
            problems += _service_problems(error, where, CLAUSE_LABELS, row)
    try:
        for old in plan.supersedes:
            if old.superseded_by_id != document.pk:
                services.document_update(by=by, document=old, data={"superseded_by": document})
    except DjangoValidationError as error:
        problems += _service_problems(error, document_where, DOCUMENT_LABELS)
    if problems:
        raise StandardFileError(problems)
    plan.created = plan.document is None
    plan.document = document
    return plan


# --- export -------------------------------------------------------------------------------


def document_payload(document: StandardDocument) -> dict:
    """An edition in the shipped JSON format (every clause, active or not)."""
    return {
        "format": FORMAT,
        "document": {
            "code": document.code,
            "title": document.title,
            "edition": document.edition,
            "domain": document.domain,
            "issued_on": document.issued_on.isoformat() if document.issued_on else None,
            "effective_from": (
                document.effective_from.isoformat() if document.effective_from else None
            ),
            "superseded_by": document.superseded_by.code if document.superseded_by else None,
            "industry_codes": list(document.industry_codes),
            "note": document.note,
            "is_active": document.is_active,
        },
        "clauses": [
            {
                "code": clause.code,
                "article": clause.article,
                "group": clause.group,
                "text": clause.text,
                "industry_codes": list(clause.industry_codes),
                "keywords": clause.keywords,
                "sort_order": clause.sort_order,
                "is_active": clause.is_active,
            }
            for clause in document.clauses.order_by("sort_order", "id")
        ],
    }


def export_rows(document: StandardDocument) -> list[dict]:
    """One dict per clause, keyed by column key, the document columns on every row."""
    vocabulary = Vocabulary.current()

    def industries(codes):
        return "、".join(vocabulary.industry_name(code) for code in codes)

    head = {
        "code": document.code,
        "title": document.title,
        "edition": document.edition,
        "domain": document.get_domain_display(),
        "issued_on": document.issued_on,
        "effective_from": document.effective_from,
        "superseded_by": document.superseded_by.code if document.superseded_by else "",
        "industry_codes": industries(document.industry_codes),
        "note": document.note,
        "is_active": "是" if document.is_active else "否",
    }
    cited = services.citing_hazards(document.clauses.values_list("pk", flat=True))
    rows = []
    for clause in document.clauses.order_by("sort_order", "id"):
        rows.append(
            {
                "document": head,
                "clause": {
                    "code": clause.code,
                    "article": clause.article,
                    "group": clause.group,
                    "text": clause.text,
                    "industry_codes": industries(clause.industry_codes),
                    "keywords": clause.keywords,
                    "sort_order": clause.sort_order,
                    "is_active": "是" if clause.is_active else "否",
                },
                "cited": len(cited.get(clause.pk, [])),
            }
        )
    return rows


def _export_column(column: Column, part: str) -> Column:
    return replace(column, export=lambda row, key=column.key: row[part][key])


EXPORT_COLUMNS = [
    *[_export_column(column, "document") for column in DOCUMENT_COLUMNS],
    *[_export_column(column, "clause") for column in CLAUSE_COLUMNS],
    Column(
        CITED_COLUMN.key, CITED_COLUMN.header, 10, importable=False, export=lambda row: row["cited"]
    ),
]
