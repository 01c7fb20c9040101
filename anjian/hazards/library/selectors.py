"""Reads of the standards library: which clauses apply to an enterprise, which a text suggests.

The library is reference data, the same for every user (no scope); the *enterprise* a
caller asks about comes from the caller's scoped queryset. It is small (tens of
documents, hundreds of clauses), so applicability and ranking run in Python over one
query each and stay the same on SQLite and PostgreSQL.
"""

import math
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from anjian.core.search import bigrams
from anjian.hazards.choices import StandardDomain
from anjian.hazards.models import StandardClause, StandardDocument

# Clause groups that apply only to enterprises carrying a registry flag (工贸 Arts. 11–13).
SPECIAL_GROUPS: dict[str, str] = {
    "粉尘涉爆": "dust_explosion",
    "涉氨制冷": "ammonia_refrigeration",
    "有限空间": "confined_space",
}
# Fire standards also apply, whatever the industry, to enterprises with one of these flags.
FIRE_FLAGS = ("fire_key_unit", "crowded_place")

# suggest_clauses: the score is the weighted share of the description's bigrams that a
# clause explains. A bigram weighs its rarity in the library (IDF); one the library never
# uses weighs UNKNOWN_WEIGHT (so unrelated words dilute the score); SMOOTHING damps short
# descriptions that share one or two bigrams by chance. Below SUGGEST_THRESHOLD nothing is
# suggested. Tuned on the shipped library: related descriptions score ≥ 0.37, unrelated
# ones ≤ 0.30 (see tests/test_library_selectors.py).
SUGGEST_THRESHOLD = 0.33
SMOOTHING = 4.0
UNKNOWN_WEIGHT = 1.0
TEXT_WEIGHT = 0.7  # a bigram found in the clause text only; 1.0 when in its keywords
# The regulatory phrasing every clause shares ("未按规定设置", "安全管理") says nothing about
# which clause a description matches.
_STOP_TEXT = (
    "安全 全管 管理 没有 未按 按规 规定 按标 标准 国家 家标 要求 符合 不符 设置 未设 准设 定设"
    " 有按 没按 进行 采取 措施 或者 以及 相应 按照 未经 未能 不能 发挥 作用 存在 情况 问题"
)
STOP_GRAMS = frozenset(_STOP_TEXT.split())


def document_list() -> QuerySet[StandardDocument]:
    """Every edition with its clause counts (active / all) and its successor."""
    return StandardDocument.objects.select_related("superseded_by").annotate(
        clause_total=Count("clauses", distinct=True),
        clause_active=Count("clauses", filter=Q(clauses__is_active=True), distinct=True),
    )


def document_get(pk: int) -> StandardDocument:
    return get_object_or_404(
        StandardDocument.objects.select_related("superseded_by").prefetch_related(
            Prefetch("supersedes", queryset=StandardDocument.objects.order_by("code"))
        ),
        pk=pk,
    )


def clauses_of(document: StandardDocument, *, include_inactive: bool = True):
    clauses = document.clauses.annotate(cited=Count("hazards"))
    if not include_inactive:
        clauses = clauses.filter(is_active=True)
    return clauses.order_by("sort_order", "id")


def clause_get(pk: int) -> StandardClause:
    return get_object_or_404(StandardClause.objects.select_related("document"), pk=pk)


# --- applicability ----------------------------------------------------------------------


def _industry_code(enterprise) -> str:
    return enterprise.industry.code if enterprise.industry_id else ""


def document_applies(document: StandardDocument, enterprise) -> bool:
    """An edition applies to its industries (all when none are listed); fire also by flag."""
    if not document.industry_codes or _industry_code(enterprise) in document.industry_codes:
        return True
    return document.domain == StandardDomain.FIRE and any(
        getattr(enterprise, flag) for flag in FIRE_FLAGS
    )


def clause_applies(clause: StandardClause, enterprise) -> bool:
    """Within an applicable edition: the clause's own industries, and its special-area flag."""
    flag = SPECIAL_GROUPS.get(clause.group)
    if flag is not None and not getattr(enterprise, flag):
        return False
    return not clause.industry_codes or _industry_code(enterprise) in clause.industry_codes


def _active_clauses() -> QuerySet[StandardClause]:
    return StandardClause.objects.filter(is_active=True, document__is_active=True).select_related(
        "document"
    )


def _applicable(enterprise) -> list[StandardClause]:
    documents: dict[int, bool] = {}
    applicable = []
    for clause in _active_clauses():
        if clause.document_id not in documents:
            documents[clause.document_id] = document_applies(clause.document, enterprise)
        if documents[clause.document_id] and clause_applies(clause, enterprise):
            applicable.append(clause)
    return applicable


def clauses_for_enterprise(enterprise) -> QuerySet[StandardClause]:
    """Active clauses of active editions that apply to ``enterprise`` (see the two rules above).

    A queryset, so a form can use it as the choices of the hazard's clauses.
    """
    ids = [clause.pk for clause in _applicable(enterprise)]
    return (
        StandardClause.objects.filter(pk__in=ids)
        .select_related("document")
        .order_by("document__domain", "document__code", "sort_order", "id")
    )


# --- suggestions ------------------------------------------------------------------------


def _grams(text: str) -> set[str]:
    return {gram for gram in bigrams(text or "") if len(gram) == 2 and gram not in STOP_GRAMS}


@dataclass(frozen=True)
class _Indexed:
    clause: StandardClause
    text: frozenset[str]
    keywords: frozenset[str]


def _index(clauses) -> tuple[list[_Indexed], dict[str, float]]:
    indexed = [
        _Indexed(c, frozenset(_grams(c.text)), frozenset(_grams(c.keywords))) for c in clauses
    ]
    frequency: Counter[str] = Counter()
    for item in indexed:
        frequency.update(item.text | item.keywords)
    total = len(indexed)
    weights = {gram: math.log((total + 1) / (count + 0.5)) for gram, count in frequency.items()}
    return indexed, weights


def suggest_clauses(enterprise, text: str, limit: int = 5) -> list[tuple[StandardClause, float]]:
    """Applicable clauses most like ``text`` (a hazard description), best first.

    Character bigrams (``core.search.bigrams``) of the description are compared with
    those of each clause's text and keywords; rare bigrams weigh more (IDF over the whole
    active library, so scores do not depend on the enterprise). The score is in [0, 1);
    clauses below ``SUGGEST_THRESHOLD`` are not suggested, so unrelated text suggests
    nothing. ``enterprise=None`` ranks every active clause.
    """
    query = _grams(text)
    if not query or limit <= 0:
        return []
    everything = list(_active_clauses())
    indexed, weights = _index(everything)
    known = [gram for gram in query if gram in weights]
    if not known:
        return []
    denominator = (
        sum(weights[gram] for gram in known)
        + UNKNOWN_WEIGHT * (len(query) - len(known))
        + SMOOTHING
    )
    applicable = (
        {clause.pk for clause in everything if _applies(clause, enterprise)}
        if enterprise is not None
        else None
    )
    scored = []
    for item in indexed:
        if applicable is not None and item.clause.pk not in applicable:
            continue
        matched = 0.0
        for gram in known:
            if gram in item.keywords:
                matched += weights[gram]
            elif gram in item.text:
                matched += weights[gram] * TEXT_WEIGHT
        score = matched / denominator
        if score >= SUGGEST_THRESHOLD:
            scored.append((item.clause, round(score, 3)))
    scored.sort(key=lambda pair: (-pair[1], pair[0].document.code, pair[0].sort_order))
    return scored[:limit]


def _applies(clause: StandardClause, enterprise) -> bool:
    return document_applies(clause.document, enterprise) and clause_applies(clause, enterprise)


# --- grouping for pages -----------------------------------------------------------------


@dataclass
class ClauseGroup:
    name: str
    clauses: list


@dataclass
class DocumentClauses:
    document: StandardDocument
    groups: list[ClauseGroup]
    open: bool = False  # shown unfolded (the picker: one of its clauses is ticked)

    @property
    def clauses(self) -> list:
        return [clause for group in self.groups for clause in group.clauses]


def group_clauses(clauses) -> list[ClauseGroup]:
    """Consecutive clauses by group name, in their order (a clause without group: "")."""
    groups: list[ClauseGroup] = []
    for clause in clauses:
        if not groups or groups[-1].name != clause.group:
            groups.append(ClauseGroup(clause.group, []))
        groups[-1].clauses.append(clause)
    return groups


def by_document(clauses) -> list[DocumentClauses]:
    """Clauses (already ordered by document) as documents → groups → clauses."""
    result: list[DocumentClauses] = []
    current: list = []
    for clause in clauses:
        if current and current[0].document_id != clause.document_id:
            result.append(DocumentClauses(current[0].document, group_clauses(current)))
            current = []
        current.append(clause)
    if current:
        result.append(DocumentClauses(current[0].document, group_clauses(current)))
    return result
