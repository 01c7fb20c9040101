"""Full-text search that works for Chinese names and credit codes on both databases.

Chinese has no spaces, so word-based full-text search finds nothing useful, and
trigram indexes cannot serve the most common queries (two characters: "化工",
"物流"). A registry row therefore keeps two derived columns:

* ``search_document`` — the searchable fields, lower-cased and joined;
* ``search_tokens`` — every overlapping character pair (bigram) of that text.

On PostgreSQL a GIN index over ``to_tsvector('simple', search_tokens)`` finds the
rows containing all bigrams of the query, and ``search_document LIKE %q%`` then
keeps exact substring matches only. On SQLite (the embedded default, thousands of
rows) the LIKE alone is used. See docs/adr/0006-chinese-search.md.
"""

import re

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

_SEPARATORS = re.compile(r"[\s\W_]+", re.UNICODE)


def normalize(text: str) -> str:
    """Lower-case, full-width to half-width, punctuation to single spaces."""
    text = text.translate(_FULL_WIDTH).lower()
    return _SEPARATORS.sub(" ", text).strip()


def _fullwidth_table() -> dict[int, int]:
    table = {0x3000: 0x20}
    table.update({code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)})
    return table


_FULL_WIDTH = _fullwidth_table()


def bigrams(text: str) -> list[str]:
    """Overlapping character pairs of each segment; one-character segments kept whole."""
    grams: list[str] = []
    for segment in normalize(text).split(" "):
        if len(segment) == 1:
            grams.append(segment)
        grams.extend(segment[i : i + 2] for i in range(len(segment) - 1))
    return grams


def document(*parts: str | None) -> tuple[str, str]:
    """(search_document, search_tokens) for the given field values."""
    doc = " ".join(normalize(part) for part in parts if part)
    tokens = " ".join(dict.fromkeys(bigrams(doc)))
    return doc, tokens


def search(queryset: QuerySet, query: str, *, prefix: str = "") -> QuerySet:
    """Rows whose document contains ``query`` (every term, as substrings)."""
    terms = [term for term in normalize(query).split(" ") if term]
    if not terms:
        return queryset
    doc_field = f"{prefix}search_document"
    condition = Q()
    for term in terms:
        condition &= Q(**{f"{doc_field}__contains": term})
    queryset = queryset.filter(condition)
    grams = [gram for term in terms for gram in bigrams(term) if len(gram) == 2]
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
