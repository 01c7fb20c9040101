"""Writes to the standards library. Pages, API, the importer and the CLI call these.

The library judges hazards in every district: only a user whose scope covers the whole
deployment writes it (``core.scoping.require_city_wide``; ``by=None`` is the command line,
``anjian standards import``, run on the server).

Side effects: every save lands in the audit trail (django-auditlog's signals; both models
are registered in ``hazards/apps.py``; the actor comes from the entry point). Nothing is
deleted: documents and clauses are deactivated. A clause that hazards already cite keeps
its text (they were judged against it): changing it is refused, naming the hazards.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from anjian.core.exceptions import NotPermitted, ValidationError
from anjian.core.scoping import require_city_wide
from anjian.hazards import permissions as perms
from anjian.hazards.library.vocabulary import Vocabulary
from anjian.hazards.models import StandardClause, StandardDocument

DOCUMENT_FIELDS = (
    "code",
    "title",
    "edition",
    "domain",
    "issued_on",
    "effective_from",
    "superseded_by",
    "industry_codes",
    "note",
    "is_active",
)
CLAUSE_FIELDS = (
    "code",
    "article",
    "group",
    "text",
    "industry_codes",
    "keywords",
    "sort_order",
    "is_active",
)
CITED_SHOWN = 5


def require_editor(by) -> None:
    """Refuse anyone but a city-wide editor of the library (``by=None``: the command line)."""
    if by is None:
        return
    require_city_wide(by, what=_("重大事故隐患判定标准库"))
    if not by.can(perms.HAZARD_STANDARDS):
        raise NotPermitted()


def same_text(a: str, b: str) -> bool:
    """Texts equal but for surrounding and repeated whitespace."""
    return " ".join((a or "").split()) == " ".join((b or "").split())


def citing_hazards(clause_ids: Iterable[int]) -> dict[int, list[str]]:
    """Clause id → numbers of the hazards that cite it (one query)."""
    through = StandardClause.hazards.through
    numbers: dict[int, list[str]] = defaultdict(list)
    rows = (
        through.objects.filter(standardclause_id__in=list(clause_ids))
        .order_by("hazard__number")
        .values_list("standardclause_id", "hazard__number")
    )
    for clause_id, number in rows:
        numbers[clause_id].append(number)
    return numbers


def cited_text_message(clause: StandardClause, numbers: list[str]) -> str:
    shown = "、".join(numbers[:CITED_SHOWN])
    if len(numbers) > CITED_SHOWN:
        shown += _("等 %(n)d 条") % {"n": len(numbers)}
    return _(
        "条款 %(code)s 已被隐患 %(hazards)s 引用，不能修改其判定情形文字"
        "（这些隐患是按原文字判定的）；如需修订，请停用该条款并以新编号新增"
    ) % {"code": clause.code, "hazards": shown}


def _check_industries(codes, field: str) -> None:
    if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
        raise ValidationError({field: _("适用行业应为行业代码的列表")})
    vocabulary = Vocabulary.current()
    unknown = [code for code in codes if vocabulary.industry(code) != code]
    if unknown:
        raise ValidationError(
            {field: "；".join(vocabulary.unknown_industry_message(code) for code in unknown)}
        )
    if len(set(codes)) != len(codes):
        raise ValidationError({field: _("适用行业有重复")})


def _clean_document(document: StandardDocument) -> None:
    _check_industries(document.industry_codes, "industry_codes")
    if (
        document.issued_on
        and document.effective_from
        and document.effective_from < document.issued_on
    ):
        raise ValidationError({"effective_from": _("实施日期不能早于发布日期")})
    # Follow the chain of successors as stored (not as cached on the objects given).
    target_id = document.superseded_by_id
    seen = {document.pk}
    while target_id is not None:
        if target_id in seen:
            raise ValidationError(
                {"superseded_by": _("被替代关系不能循环（不能被自己或自己的旧版本替代）")}
            )
        seen.add(target_id)
        target_id = (
            StandardDocument.objects.filter(pk=target_id)
            .values_list("superseded_by_id", flat=True)
            .first()
        )
    document.full_clean()


def _apply(obj, data: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValueError(f"not writable here: {sorted(unknown)}")
    for name, value in data.items():
        setattr(obj, name, value)


@transaction.atomic
def document_create(*, by, data: dict) -> StandardDocument:
    """A new standard edition (no clauses yet). ``data`` holds model field values."""
    require_editor(by)
    document = StandardDocument()
    _apply(document, data, DOCUMENT_FIELDS)
    if StandardDocument.objects.filter(code=document.code).exists():
        raise ValidationError({"code": _("标准代号“%(c)s”已存在") % {"c": document.code}})
    _clean_document(document)
    document.save()
    return document


@transaction.atomic
def document_update(*, by, document: StandardDocument, data: dict) -> StandardDocument:
    """Change an edition's description (its code stays: it names the edition)."""
    require_editor(by)
    locked = StandardDocument.objects.select_for_update().get(pk=document.pk)
    if "code" in data and data["code"] != locked.code:
        raise ValidationError({"code": _("标准代号是版本的标识，不能修改；新版本请另行导入")})
    _apply(locked, data, DOCUMENT_FIELDS)
    _clean_document(locked)
    locked.save()
    return locked


def document_deactivate(*, by, document: StandardDocument) -> StandardDocument:
    """Stop offering an edition's clauses (kept, with every hazard that cites them)."""
    require_editor(by)
    if not document.is_active:
        return document
    return document_update(by=by, document=document, data={"is_active": False})


def document_activate(*, by, document: StandardDocument) -> StandardDocument:
    require_editor(by)
    if document.is_active:
        return document
    return document_update(by=by, document=document, data={"is_active": True})


def _clean_clause(clause: StandardClause) -> None:
    _check_industries(clause.industry_codes, "industry_codes")
    clause.full_clean()


@transaction.atomic
def clause_create(*, by, document: StandardDocument, data: dict) -> StandardClause:
    require_editor(by)
    clause = StandardClause(document=document)
    _apply(clause, data, CLAUSE_FIELDS)
    if document.clauses.filter(code=clause.code).exists():
        raise ValidationError(
            {
                "code": _("本标准已有条款编号“%(c)s”（含已停用的），请换一个编号")
                % {"c": clause.code}
            }
        )
    _clean_clause(clause)
    clause.save()
    return clause


@transaction.atomic
def clause_update(*, by, clause: StandardClause, data: dict) -> StandardClause:
    """Change a clause; its code stays, and a cited clause's text stays too."""
    require_editor(by)
    locked = StandardClause.objects.select_for_update().select_related("document").get(pk=clause.pk)
    if "code" in data and data["code"] != locked.code:
        raise ValidationError({"code": _("条款编号不能修改（导入时按编号对应条款）")})
    if "text" in data and not same_text(data["text"], locked.text):
        numbers = citing_hazards([locked.pk]).get(locked.pk)
        if numbers:
            raise ValidationError({"text": cited_text_message(locked, numbers)})
    _apply(locked, data, CLAUSE_FIELDS)
    _clean_clause(locked)
    locked.save()
    return locked


def clause_deactivate(*, by, clause: StandardClause) -> StandardClause:
    """No longer offered for new hazards; hazards that cite it keep it (idempotent)."""
    require_editor(by)
    if not clause.is_active:
        return clause
    return clause_update(by=by, clause=clause, data={"is_active": False})


def clause_activate(*, by, clause: StandardClause) -> StandardClause:
    require_editor(by)
    if clause.is_active:
        return clause
    return clause_update(by=by, clause=clause, data={"is_active": True})
