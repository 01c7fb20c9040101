"""Reading standard files: JSON as shipped (``data/README.md``), or Excel, into a ``Payload``.

``parse_json`` / ``parse_data`` / ``parse_xlsx`` / ``parse_upload`` / ``parse_path`` either
return the payload or raise ``StandardFileError`` listing every bad row and field in
Chinese. They write nothing; the only database read is the list of industries (none when
a ``Vocabulary`` is given, as the data migration does). ``loader`` plans and imports.
"""

import datetime
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.excel import Column, ExcelError, read_rows
from anjian.hazards.library.vocabulary import Vocabulary
from anjian.hazards.models import StandardClause, StandardDocument

FORMAT = "anjian-standard/1"
DATA_DIR = Path(__file__).resolve().parent / "data"
MAX_CLAUSES = 2000

DOCUMENT_LABELS = {
    "code": gettext_lazy("标准代号"),
    "title": gettext_lazy("标准名称"),
    "edition": gettext_lazy("版本"),
    "domain": gettext_lazy("适用领域"),
    "issued_on": gettext_lazy("发布日期"),
    "effective_from": gettext_lazy("实施日期"),
    "superseded_by": gettext_lazy("被替代为"),
    "supersedes": gettext_lazy("替代的旧版本"),
    "industry_codes": gettext_lazy("适用行业"),
    "note": gettext_lazy("标准说明"),
    "is_active": gettext_lazy("标准启用"),
}
CLAUSE_LABELS = {
    "code": gettext_lazy("条款编号"),
    "article": gettext_lazy("条款位置"),
    "group": gettext_lazy("分组"),
    "text": gettext_lazy("判定情形"),
    "industry_codes": gettext_lazy("条款适用行业"),
    "keywords": gettext_lazy("关键词"),
    "sort_order": gettext_lazy("排序"),
    "is_active": gettext_lazy("条款启用"),
}
DOCUMENT_REQUIRED = ("code", "title", "edition", "domain")
CLAUSE_REQUIRED = ("code", "text")
TRUE_WORDS = {"是", "true", "yes", "y", "1", "启用", "√"}
FALSE_WORDS = {"否", "false", "no", "n", "0", "停用", "×"}
LIST_SEPARATORS = ("，", ",", "、", ";", "；", "\n")


def _max_length(model, name: str) -> int | None:
    return model._meta.get_field(name).max_length


# --- problems ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: where (row or clause), which field, and what."""

    where: str
    field: str
    message: str
    row: int | None = None

    def __str__(self) -> str:
        return (
            f"{self.where}【{self.field}】{self.message}"
            if self.field
            else (f"{self.where}：{self.message}" if self.where else self.message)
        )


class StandardFileError(Exception):
    """The file cannot be imported; ``problems`` says every reason, row by row."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("；".join(str(problem) for problem in problems))


# --- the parsed file ----------------------------------------------------------------------


@dataclass
class DocumentData:
    code: str
    title: str
    edition: str
    domain: str
    issued_on: datetime.date | None = None
    effective_from: datetime.date | None = None
    superseded_by: str = ""
    supersedes: list[str] = field(default_factory=list)
    industry_codes: list[str] = field(default_factory=list)
    note: str = ""
    is_active: bool = True


@dataclass
class ClauseData:
    code: str
    text: str
    article: str = ""
    group: str = ""
    industry_codes: list[str] = field(default_factory=list)
    keywords: str = ""
    sort_order: int = 0
    is_active: bool = True
    where: str = ""
    row: int | None = None

    def model_data(self) -> dict:
        return {name: getattr(self, name) for name in CLAUSE_LABELS}


@dataclass
class Payload:
    document: DocumentData
    clauses: list[ClauseData]

    def to_json(self) -> dict:
        """The shipped format (what the dry-run page carries to its confirm step)."""
        document = asdict(self.document)
        for key in ("issued_on", "effective_from"):
            document[key] = document[key].isoformat() if document[key] else None
        document["superseded_by"] = document["superseded_by"] or None
        clauses = [
            {name: getattr(clause, name) for name in CLAUSE_LABELS} for clause in self.clauses
        ]
        return {"format": FORMAT, "document": document, "clauses": clauses}


# --- value readers (shared by JSON and Excel) ---------------------------------------------


class _Reader:
    """Reads raw values into typed ones, collecting a Problem for each bad one."""

    def __init__(self, vocabulary: Vocabulary):
        self.vocabulary = vocabulary
        self.problems: list[Problem] = []

    def problem(self, where: str, label: str, message: str, row: int | None) -> None:
        self.problems.append(Problem(str(where), str(label), str(message), row))

    @staticmethod
    def is_blank(value: Any) -> bool:
        return value is None or (isinstance(value, str) and not value.strip())

    def text(self, value, *, where, label, row, required=False, max_length=None) -> str:
        if isinstance(value, (list, dict)):
            self.problem(where, label, _("应为文本"), row)
            return ""
        if isinstance(value, bool):
            value = "是" if value else "否"
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = "" if value is None else str(value).strip()
        if required and not text:
            self.problem(where, label, _("必填"), row)
        if max_length and len(text) > max_length:
            self.problem(
                where,
                label,
                _("不能超过 %(max)d 字（当前 %(n)d 字）") % {"max": max_length, "n": len(text)},
                row,
            )
        return text

    def date(self, value, *, where, label, row) -> datetime.date | None:
        if self.is_blank(value):
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = str(value).strip()
        normalised = text
        for separator in ("/", ".", "年", "月"):
            normalised = normalised.replace(separator, "-")
        normalised = normalised.replace("日", "")
        try:
            year, month, day = (int(part) for part in normalised.split("-"))
            return datetime.date(year, month, day)
        except (ValueError, TypeError):
            self.problem(
                where,
                label,
                _("“%(v)s”不是有效日期，请写成 YYYY-MM-DD（如 2023-05-15）") % {"v": text},
                row,
            )
            return None

    def boolean(self, value, *, where, label, row, default=True) -> bool:
        if self.is_blank(value):
            return default
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        self.problem(where, label, _("应为“是”或“否”（JSON 中为 true 或 false）"), row)
        return default

    def integer(self, value, *, where, label, row, default: int) -> int:
        if self.is_blank(value):
            return default
        if isinstance(value, bool):
            value = "x"
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        try:
            number = int(str(value).strip())
        except ValueError:
            number = -1
        if number < 0:
            self.problem(where, label, _("应为不小于 0 的整数（当前“%(v)s”）") % {"v": value}, row)
            return default
        return number

    @staticmethod
    def _items(value) -> list[str] | None:
        if value is None:
            return []
        if isinstance(value, list):
            return [str(item).strip() for item in value if str(item).strip()]
        if isinstance(value, str):
            text = value
            for separator in LIST_SEPARATORS:
                text = text.replace(separator, " ")
            return text.split()
        return None

    def codes(self, value, *, where, label, row) -> list[str]:
        """Document codes (supersedes): a list or a separated string."""
        items = self._items(value)
        if items is None:
            self.problem(where, label, _("应为标准代号的列表"), row)
            return []
        return items

    def industries(self, value, *, where, label, row) -> list[str]:
        items = self._items(value)
        if items is None:
            self.problem(where, label, _("应为行业代码的列表"), row)
            return []
        codes: list[str] = []
        for item in items:
            code = self.vocabulary.industry(item)
            if code is None:
                self.problem(where, label, self.vocabulary.unknown_industry_message(item), row)
            elif code in codes:
                self.problem(where, label, _("行业“%(v)s”重复") % {"v": item}, row)
            else:
                codes.append(code)
        return codes

    def domain(self, value, *, where, label, row) -> str:
        text = self.text(value, where=where, label=label, row=row, required=True)
        if not text:
            return ""
        domain = self.vocabulary.domain(text)
        if domain is None:
            self.problem(
                where,
                label,
                _("“%(v)s”无法识别，可选：%(hint)s")
                % {"v": text, "hint": self.vocabulary.domain_hint()},
                row,
            )
            return ""
        return domain


def _read_document(reader: _Reader, raw: dict, locate) -> DocumentData:
    """``locate(key)`` → (where, row) of the value for ``key`` (Excel: the row it came from)."""

    def at(key):
        where, row = locate(key)
        return {"where": where, "label": DOCUMENT_LABELS[key], "row": row}

    def text(key):
        return reader.text(
            raw.get(key),
            required=key in DOCUMENT_REQUIRED,
            max_length=_max_length(StandardDocument, key),
            **at(key),
        )

    document = DocumentData(
        code=text("code"),
        title=text("title"),
        edition=text("edition"),
        domain=reader.domain(raw.get("domain"), **at("domain")),
        issued_on=reader.date(raw.get("issued_on"), **at("issued_on")),
        effective_from=reader.date(raw.get("effective_from"), **at("effective_from")),
        superseded_by=reader.text(raw.get("superseded_by"), max_length=60, **at("superseded_by")),
        supersedes=reader.codes(raw.get("supersedes"), **at("supersedes")),
        industry_codes=reader.industries(raw.get("industry_codes"), **at("industry_codes")),
        note=text("note"),
        is_active=reader.boolean(raw.get("is_active"), **at("is_active")),
    )
    if (
        document.issued_on
        and document.effective_from
        and document.effective_from < document.issued_on
    ):
        reader.problem(
            **at("effective_from"),
            message=_("实施日期（%(e)s）不能早于发布日期（%(i)s）")
            % {"e": document.effective_from, "i": document.issued_on},
        )
    if document.code and document.superseded_by == document.code:
        reader.problem(**at("superseded_by"), message=_("不能被自己替代"))
    if document.code and document.code in document.supersedes:
        reader.problem(**at("supersedes"), message=_("不能替代自己"))
    return document


def _read_clause(reader: _Reader, raw: dict, *, where: str, row: int | None, position: int):
    def at(key):
        return {"where": where, "label": CLAUSE_LABELS[key], "row": row}

    def text(key):
        return reader.text(
            raw.get(key),
            required=key in CLAUSE_REQUIRED,
            max_length=_max_length(StandardClause, key),
            **at(key),
        )

    return ClauseData(
        code=text("code"),
        text=text("text"),
        article=text("article"),
        group=text("group"),
        industry_codes=reader.industries(raw.get("industry_codes"), **at("industry_codes")),
        keywords=text("keywords"),
        sort_order=reader.integer(raw.get("sort_order"), default=position * 10, **at("sort_order")),
        is_active=reader.boolean(raw.get("is_active"), **at("is_active")),
        where=where,
        row=row,
    )


def _refuse_duplicate_codes(reader: _Reader, clauses: list[ClauseData]) -> None:
    first: dict[str, ClauseData] = {}
    for clause in clauses:
        if not clause.code:
            continue
        earlier = first.get(clause.code)
        if earlier is None:
            first[clause.code] = clause
            continue
        reader.problem(
            clause.where,
            CLAUSE_LABELS["code"],
            _("“%(c)s”与%(other)s重复（同一标准内条款编号必须唯一）")
            % {"c": clause.code, "other": earlier.where},
            clause.row,
        )


# --- JSON -------------------------------------------------------------------------------


def parse_json(content: bytes | str, *, vocabulary: Vocabulary | None = None) -> Payload:
    try:
        data = json.loads(content)
    except UnicodeDecodeError:
        raise StandardFileError(
            [Problem(_("文件"), "", _("不是 UTF-8 编码的文本（如为 GBK 编码，请另存为 UTF-8）"))]
        ) from None
    except json.JSONDecodeError as error:
        raise StandardFileError(
            [
                Problem(
                    _("文件"),
                    "",
                    _("不是有效的 JSON（第 %(line)d 行第 %(col)d 列：%(msg)s）")
                    % {"line": error.lineno, "col": error.colno, "msg": error.msg},
                )
            ]
        ) from None
    return parse_data(data, vocabulary=vocabulary)


def parse_data(data: Any, *, vocabulary: Vocabulary | None = None) -> Payload:
    """A decoded JSON document (the shipped format) → Payload, or every problem at once."""
    reader = _Reader(vocabulary or Vocabulary.current())
    file_where = _("文件")
    if not isinstance(data, dict):
        raise StandardFileError(
            [Problem(file_where, "", _("内容应为一个 JSON 对象，包含 document 和 clauses 两项"))]
        )
    if "format" in data and data["format"] != FORMAT:
        reader.problem(
            file_where,
            "format",
            _("不支持的格式“%(f)s”，应为 %(ok)s") % {"f": data["format"], "ok": FORMAT},
            None,
        )
    for key in sorted(set(data) - {"format", "document", "clauses"}):
        reader.problem(file_where, key, _("无法识别的字段"), None)
    raw_document = data.get("document")
    raw_clauses = data.get("clauses")
    if not isinstance(raw_document, dict):
        reader.problem(file_where, "document", _("缺少标准信息（应为 JSON 对象）"), None)
        raw_document = {}
    if not isinstance(raw_clauses, list):
        reader.problem(file_where, "clauses", _("缺少条款列表（应为 JSON 数组）"), None)
        raw_clauses = []
    document_where = _("标准信息")
    for key in sorted(set(raw_document) - set(DOCUMENT_LABELS)):
        reader.problem(document_where, key, _("无法识别的字段"), None)
    document = _read_document(reader, raw_document, lambda key: (document_where, None))
    if isinstance(data.get("clauses"), list) and not raw_clauses:
        reader.problem(file_where, "clauses", _("文件中没有条款"), None)
    if len(raw_clauses) > MAX_CLAUSES:
        reader.problem(
            file_where, "clauses", _("条款超过 %(n)d 条，请拆分") % {"n": MAX_CLAUSES}, None
        )
        raw_clauses = []
    clauses = []
    for position, raw in enumerate(raw_clauses, start=1):
        code = raw.get("code") if isinstance(raw, dict) else None
        where = _("第 %(n)d 个条款") % {"n": position}
        if isinstance(code, str) and code.strip():
            where += f"（{code.strip()}）"
        if not isinstance(raw, dict):
            reader.problem(where, "", _("应为 JSON 对象"), None)
            continue
        for key in sorted(set(raw) - set(CLAUSE_LABELS)):
            reader.problem(where, key, _("无法识别的字段"), None)
        clauses.append(_read_clause(reader, raw, where=where, row=None, position=position))
    _refuse_duplicate_codes(reader, clauses)
    if reader.problems:
        raise StandardFileError(reader.problems)
    return Payload(document=document, clauses=clauses)


# --- Excel ------------------------------------------------------------------------------

DOCUMENT_COLUMNS = [
    Column("code", str(DOCUMENT_LABELS["code"]), 22, required=True, example="应急管理部令第10号"),
    Column(
        "title",
        str(DOCUMENT_LABELS["title"]),
        30,
        required=True,
        example="工贸企业重大事故隐患判定标准",
    ),
    Column("edition", str(DOCUMENT_LABELS["edition"]), 10, required=True, example="2023"),
    Column(
        "domain",
        str(DOCUMENT_LABELS["domain"]),
        14,
        required=True,
        example="工贸企业",
        note=str(gettext_lazy("可填代码或名称：")) + Vocabulary.domain_hint(),
    ),
    Column("issued_on", str(DOCUMENT_LABELS["issued_on"]), 12, note="YYYY-MM-DD"),
    Column("effective_from", str(DOCUMENT_LABELS["effective_from"]), 12, note="YYYY-MM-DD"),
    Column(
        "superseded_by",
        str(DOCUMENT_LABELS["superseded_by"]),
        18,
        note=str(gettext_lazy("新版本的标准代号")),
    ),
    Column(
        "industry_codes",
        str(DOCUMENT_LABELS["industry_codes"]),
        24,
        note=str(gettext_lazy("监管行业的代码或名称，用顿号分隔；空为所有行业")),
    ),
    Column("note", str(DOCUMENT_LABELS["note"]), 30),
    Column(
        "is_active",
        str(DOCUMENT_LABELS["is_active"]),
        8,
        choices=("是", "否"),
        note=str(gettext_lazy("空为“是”")),
    ),
]
CLAUSE_COLUMNS = [
    Column("code", str(CLAUSE_LABELS["code"]), 12, required=True, example="DUST-03"),
    Column("article", str(CLAUSE_LABELS["article"]), 14, example="第十一条（三）"),
    Column("group", str(CLAUSE_LABELS["group"]), 12, example="粉尘涉爆"),
    Column(
        "text",
        str(CLAUSE_LABELS["text"]),
        60,
        required=True,
        example="干式除尘系统未采取任何控爆措施。",
    ),
    Column(
        "industry_codes",
        str(CLAUSE_LABELS["industry_codes"]),
        18,
        note=str(gettext_lazy("空为随标准；填写则只适用于这些行业")),
    ),
    Column("keywords", str(CLAUSE_LABELS["keywords"]), 30, example="干式除尘、泄爆、惰化、抑爆"),
    Column("sort_order", str(CLAUSE_LABELS["sort_order"]), 8),
    Column(
        "is_active",
        str(CLAUSE_LABELS["is_active"]),
        8,
        choices=("是", "否"),
        note=str(gettext_lazy("空为“是”")),
    ),
]
CITED_COLUMN = Column("_cited", str(gettext_lazy("引用隐患数")), 10, importable=False)
COLUMNS = [*DOCUMENT_COLUMNS, *CLAUSE_COLUMNS, CITED_COLUMN]


def parse_xlsx(source: BinaryIO, *, vocabulary: Vocabulary | None = None) -> Payload:
    """One row per clause; document columns on the first row (later rows: same or blank)."""
    reader = _Reader(vocabulary or Vocabulary.current())
    try:
        sheet = read_rows(source, columns=COLUMNS, max_rows=MAX_CLAUSES)
    except ExcelError as error:
        raise StandardFileError([Problem(_("文件"), "", str(error))]) from None
    raw_document: dict[str, Any] = {}
    found_at: dict[str, int] = {}
    for number, values in sheet.rows:
        for column in DOCUMENT_COLUMNS:
            value = values.get(column.header)
            if reader.is_blank(value):
                continue
            if column.key not in raw_document:
                raw_document[column.key] = value
                found_at[column.key] = number
            elif _cell(value) != _cell(raw_document[column.key]):
                reader.problem(
                    _("第 %(n)d 行") % {"n": number},
                    column.header,
                    _("与第 %(first)d 行不一致（一个文件只能包含一个标准版本）")
                    % {"first": found_at[column.key]},
                    number,
                )
    first_row = sheet.rows[0][0]

    def locate(key):
        row = found_at.get(key, first_row)
        return _("第 %(n)d 行") % {"n": row}, row

    document = _read_document(reader, raw_document, locate)
    clauses = []
    for position, (number, values) in enumerate(sheet.rows, start=1):
        raw = {column.key: values.get(column.header) for column in CLAUSE_COLUMNS}
        where = _("第 %(n)d 行") % {"n": number}
        clauses.append(_read_clause(reader, raw, where=where, row=number, position=position))
    _refuse_duplicate_codes(reader, clauses)
    if reader.problems:
        raise StandardFileError(sorted(reader.problems, key=lambda p: p.row or 0))
    return Payload(document=document, clauses=clauses)


def _cell(value) -> str:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_upload(name: str, source: BinaryIO, *, vocabulary: Vocabulary | None = None) -> Payload:
    """A file by its extension: .json (the shipped format) or .xlsx."""
    lowered = name.lower()
    if lowered.endswith(".json"):
        return parse_json(source.read(), vocabulary=vocabulary)
    if lowered.endswith(".xlsx"):
        return parse_xlsx(source, vocabulary=vocabulary)
    raise StandardFileError(
        [Problem(_("文件"), "", _("请上传 .json 或 .xlsx 文件（“%(n)s”两者都不是）") % {"n": name})]
    )


def parse_path(path: str | Path, *, vocabulary: Vocabulary | None = None) -> Payload:
    path = Path(path)
    try:
        with path.open("rb") as source:
            return parse_upload(path.name, source, vocabulary=vocabulary)
    except OSError as error:
        raise StandardFileError(
            [Problem(_("文件"), "", _("无法打开“%(p)s”：%(e)s") % {"p": path, "e": error.strerror})]
        ) from None


def shipped_files() -> list[Path]:
    return sorted(DATA_DIR.glob("*.json"))
