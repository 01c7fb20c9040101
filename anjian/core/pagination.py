"""Pagination in one place, with bounds: the API's lists and the pages' lists.

A page number or size nobody can mean never reaches the database: on the API it is
refused with 422 in the usual error shape (a page of 10**18 would otherwise be an
OFFSET the database cannot hold, a 500); on a page it shows the nearest real page, and
``?per_page=`` is held to ``WEB_MAX_PER_PAGE`` so no URL renders a whole registry.

API: ``@paginate(page_size=50)`` under ``@api_requires(...)``. Pages:
``paginate_table(request, table)`` for django-tables2 lists, ``page_of(request, items,
per_page=50)`` for the rest.
"""

import typing
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.query import ModelIterable, ValuesIterable
from django_tables2 import RequestConfig
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination
from ninja.pagination import paginate as ninja_paginate
from ninja.utils import contribute_operation_callback

from anjian.core.api import ValidationErrorOut

# The deepest API page: far beyond any real list at the smallest page size, far below
# an OFFSET that overflows (page × page size must fit a 64-bit integer).
MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = settings.NINJA_PAGINATION_MAX_PER_PAGE_SIZE
# The most rows a list page shows, whatever ?per_page= asks for.
WEB_MAX_PER_PAGE = 200


class PageIn(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="页码，自 1 起")
    page_size: int | None = Field(
        None, ge=1, le=MAX_PAGE_SIZE, description="每页条数；省略为该接口的默认值"
    )


class ApiPagination(PageNumberPagination):
    """Page-number pagination with bounded input, a page and its total in one statement.

    ``page`` and ``page_size`` outside their bounds are answered 422 (not clamped: a
    client that asked for 1,000 rows a page and silently got 500 would skip rows).
    A plain model queryset is read by ``page_with_total``; anything else (a list, a
    grouped or combined queryset) reads its page, then COUNTs when the page is full.
    """

    Input = PageIn

    def paginate_queryset(self, queryset, pagination: PageIn, request, **params):
        page_size = self._get_page_size(pagination.page_size)
        offset = (pagination.page - 1) * page_size
        columns = None
        if isinstance(queryset, Rows):
            queryset, columns = queryset.queryset, queryset.columns
        if one_statement_pages(queryset):
            items, count = page_with_total(queryset, offset, page_size, columns=columns)
            return {self.items_attribute: items, "count": count}
        page = queryset if columns is None else as_rows(queryset, columns)
        items = list(page[offset : offset + page_size])
        if len(items) < page_size and (items or offset == 0):
            count = offset + len(items)
        else:
            count = self._items_count(queryset)
        return {self.items_attribute: items, "count": count}


TOTAL = "anjian_page_total"


def one_statement_pages(queryset) -> bool:
    """Whether ``page_with_total`` can read this queryset: model rows, filtered and
    ordered, with no aggregate, DISTINCT, UNION, extra() or slice of its own."""
    if not isinstance(queryset, QuerySet) or queryset._iterable_class is not ModelIterable:
        return False
    query = queryset.query
    return not (
        query.is_sliced
        or query.distinct
        or query.combinator
        or query.group_by is not None
        or query.annotations
        or query.extra
        or query.extra_tables
        or queryset._prefetch_related_lookups
    )


def _compiled(queryset: QuerySet) -> tuple[str, tuple]:
    """The queryset's SQL as it runs on its own. Not as a Django subquery: that one renames
    the table (U0) and a condition written in SQL (the search's bigram match names
    ``enterprises_enterprise``) would then read the outer query's row — a correlated
    subquery, run once per row of the table. On its own, the inner FROM hides the outer."""
    return queryset.query.get_compiler(using=queryset.db).as_sql()


def page_with_total(
    queryset: QuerySet, offset: int, size: int, *, columns: tuple[str, ...] | None = None
) -> tuple[list, int]:
    """One page of ``queryset`` and how many rows it has in all, in one statement:

        SELECT row, joins, (SELECT COUNT(*) FROM (the filtered ids)) FROM table …
         WHERE id IN (the filtered ids, ordered, LIMIT size OFFSET offset) ORDER BY …

    The page's ids are chosen by the filtered, ordered query from the table alone (no
    joins for rows it skips: a deep page's OFFSET stays cheap); the outer read carries
    none of the filters, only those ids, with the queryset's joins, deferred fields and
    order. Both numbers come from one snapshot. A page past the end has no row to carry
    the total: then it is counted apart (the only second statement).
    """
    try:
        ids = _compiled(queryset.values("pk")[offset : offset + size])
    except EmptyResultSet:  # a filter that can match nothing (an empty scope): no SQL at all
        return [], 0
    counted = _compiled(queryset.order_by().values("pk"))
    page = type(queryset)(model=queryset.model, using=queryset.db)
    page.query.select_related = queryset.query.select_related
    page.query.deferred_loading = queryset.query.deferred_loading
    page.query.default_ordering = queryset.query.default_ordering
    page = page.filter(pk__in=RawSQL(*ids)).annotate(
        **{TOTAL: RawSQL(f"SELECT COUNT(*) FROM ({counted[0]}) AS page_total", counted[1])}
    )
    if queryset.query.order_by:
        page = page.order_by(*queryset.query.order_by)
    if columns is not None:
        items = list(as_rows(page, (*columns, TOTAL)))
        if items:
            total = items[0][TOTAL]
            for item in items:
                del item[TOTAL]
            return items, total
        return items, 0 if offset == 0 else queryset.count()
    items = list(page)
    if items:
        return items, getattr(items[0], TOTAL)
    return items, 0 if offset == 0 else queryset.count()


class SchemaRows(ValuesIterable):
    """``values()`` rows nested the way an output schema reads them: ``street__code``
    becomes ``row["street"]["code"]``, and a relation whose columns are all NULL (an
    unset nullable foreign key) becomes None."""

    def __iter__(self):
        plan = _nesting(self.queryset._fields)
        for row in super().__iter__():
            for relation, columns in plan:
                values = {column: row.pop(f"{relation}__{column}") for column in columns}
                row[relation] = values if any(v is not None for v in values.values()) else None
            yield row


def _nesting(fields) -> list[tuple[str, list[str]]]:
    relations: dict[str, list[str]] = {}
    for name in fields:
        relation, _, column = name.partition("__")
        if column:
            relations.setdefault(relation, []).append(column)
    return list(relations.items())


def _nested_schema(annotation):
    candidates = (annotation, *typing.get_args(annotation))
    return next((c for c in candidates if isinstance(c, type) and issubclass(c, Schema)), None)


def as_rows(queryset: QuerySet, columns) -> QuerySet:
    rows = queryset.values(*columns)
    rows._iterable_class = SchemaRows
    return rows


@dataclass(frozen=True)
class Rows:
    """A model queryset to be read as nested plain rows of ``columns`` (``rows_for``).
    The columns' joins are added to the page's read only, not to the filtered query that
    picks the page's ids and counts the total."""

    queryset: QuerySet
    columns: tuple[str, ...]

    def __iter__(self):
        return iter(as_rows(self.queryset, self.columns))


def rows_for(queryset: QuerySet, schema: type[Schema]) -> Rows:
    """``queryset`` read as plain rows shaped like ``schema`` — its fields, a nested
    schema's fields through the relation of that name — for API lists: no model instance
    per row and per related object, and the pagination still reads page and total in one
    statement. Only for schemas whose every field is a column (no ``resolve_*``)."""
    if schema._ninja_resolvers:
        raise ValueError(f"{schema.__name__} resolves fields in Python; read it as models")
    columns = []
    for name, field in schema.model_fields.items():
        nested = _nested_schema(field.annotation)
        if nested is None:
            columns.append(name)
        else:
            columns.extend(f"{name}__{column}" for column in nested.model_fields)
    return Rows(queryset, tuple(columns))


def _declare_bad_page(operation) -> None:
    """The 422 a page out of bounds answers belongs in the operation's documentation."""
    operation.response_models.setdefault(422, operation._create_response_model(ValidationErrorOut))


def paginate(*, page_size: int = settings.NINJA_PAGINATION_PER_PAGE):
    """``@paginate(page_size=50)`` on a list operation: ``ApiPagination``, 422 declared."""

    def decorator(func):
        paginated = ninja_paginate(ApiPagination, page_size=page_size)(func)
        contribute_operation_callback(paginated, _declare_bad_page)
        return paginated

    return decorator


# --- pages ---------------------------------------------------------------------------------


def capped_per_page(request, default: int, *, field: str = "per_page") -> int:
    """``?per_page=`` within 1..WEB_MAX_PER_PAGE; missing or junk gives ``default``."""
    try:
        asked = int(request.GET.get(field, ""))
    except ValueError:
        return min(default, WEB_MAX_PER_PAGE)
    return max(1, min(asked, WEB_MAX_PER_PAGE))


def page_of(request, items, *, per_page: int) -> Page:
    """One page of ``items``: a junk ``?page=`` shows the first, one past the end (or
    absurdly large) the last — Django's ``get_page`` — and ``?per_page=`` is capped."""
    size = capped_per_page(request, per_page)
    return Paginator(items, size).get_page(request.GET.get("page"))


def paginate_table(request, table, *, per_page: int = 50):
    """Sort a django-tables2 table from the request and paginate it within the bounds.

    ``RequestConfig`` would take any ``?per_page=`` as given, so it only sorts here.
    """
    RequestConfig(request, paginate=False).configure(table)
    size = capped_per_page(request, per_page, field=table.prefixed_per_page_field)
    table.paginate(per_page=size, page=1)
    table.page = table.paginator.get_page(request.GET.get(table.prefixed_page_field))
    return table
