"""Full-text search that works for Chinese names and credit codes on both databases.

Chinese has no spaces, so word-based full-text search finds nothing useful, and
trigram indexes cannot serve the most common queries (two characters: "化工",
"物流"). A registry row therefore keeps two derived columns:

* ``search_document`` — the searchable fields, lower-cased and joined, and the pinyin
  of the name (full and initials, ``core.pinyin``), so "huagong" and "hg" find 化工;
* ``search_tokens`` — every overlapping character pair (bigram) of that text.

On PostgreSQL a GIN index over ``to_tsvector('simple', search_tokens)`` finds the
rows containing all bigrams of the query, and ``search_document LIKE %q%`` then
keeps exact substring matches only. On SQLite (the embedded default, thousands of
rows) the LIKE alone is used. See docs/adr/0006-chinese-search.md.
"""

import re
from collections.abc import Iterable

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from anjian.core import pinyin
from anjian.core.text import normalize

__all__ = ["bigrams", "document", "normalize", "search", "terms"]

_LETTERS = re.compile(r"[a-z]+")


def bigrams(text: str) -> list[str]:
    """Overlapping character pairs of each segment; one-character segments kept whole."""
    grams: list[str] = []
    for segment in normalize(text).split(" "):
        if len(segment) == 1:
            grams.append(segment)
        grams.extend(segment[i : i + 2] for i in range(len(segment) - 1))
    return grams


def document(*parts: str | None, spoken: Iterable[str | None] = ()) -> tuple[str, str]:
    """(search_document, search_tokens) for the given field values; the values in
    ``spoken`` (names) are found by their pinyin too (``pinyin.spellings``)."""
    texts = [normalize(part) for part in parts if part]
    texts.extend(spelt for name in spoken if name for spelt in pinyin.spellings(name))
    doc = " ".join(dict.fromkeys(text for text in texts if text))
    tokens = " ".join(dict.fromkeys(bigrams(doc)))
    return doc, tokens


def terms(query: str) -> list[str]:
    """The query's terms, each to be found as a substring. Neighbouring terms of Latin
    letters alone are one term: "hua gong" is the pinyin "huagong", as the document spells
    it; "上海 化工" stays two terms, both required."""
    found: list[str] = []
    for term in normalize(query).split(" "):
        if not term:
            continue
        if found and _LETTERS.fullmatch(term) and _LETTERS.fullmatch(found[-1]):
            found[-1] += term
        else:
            found.append(term)
    return found


def search(queryset: QuerySet, query: str, *, prefix: str = "") -> QuerySet:
    """Rows whose document contains ``query`` (every term, as substrings)."""
    wanted = terms(query)
    if not wanted:
        return queryset
    doc_field = f"{prefix}search_document"
    condition = Q()
    for term in wanted:
        condition &= Q(**{f"{doc_field}__contains": term})
    queryset = queryset.filter(condition)
    grams = [gram for term in wanted for gram in bigrams(term) if len(gram) == 2]
    if connection.vendor == "postgresql" and grams and not prefix:
        table = queryset.model._meta.db_table
        tsquery = " & ".join(dict.fromkeys(grams))
        queryset = queryset.filter(
            RawSQL(
                f"to_tsvector('simple', \"{table}\".search_tokens) @@ to_tsquery('simple', %s)",
                [tsquery],
                output_field=BooleanField(),
            )
        )
    return queryset
