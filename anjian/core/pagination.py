"""Pagination in one place, with bounds: the API's lists and the pages' lists.

A page number or size nobody can mean never reaches the database: on the API it is
refused with 422 in the usual error shape (a page of 10**18 would otherwise be an
OFFSET the database cannot hold, a 500); on a page it shows the nearest real page, and
``?per_page=`` is held to ``WEB_MAX_PER_PAGE`` so no URL renders a whole registry.

API: ``@paginate(page_size=50)`` under ``@api_requires(...)``. Pages:
``paginate_table(request, table)`` for django-tables2 lists, ``page_of(request, items,
per_page=50)`` for the rest.
"""

from django.conf import settings
from django.core.paginator import Page, Paginator
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
    """Page-number pagination with bounded input that skips the COUNT when it can.

    ``page`` and ``page_size`` outside their bounds are answered 422 (not clamped: a
    client that asked for 1,000 rows a page and silently got 500 would skip rows).
    A page shorter than a full one is the last page, so the total is its offset plus
    its length — the usual answer to a search for one credit code or a narrow filter,
    whose COUNT would repeat the page's search. Full pages still COUNT.
    """

    Input = PageIn

    def paginate_queryset(self, queryset, pagination: PageIn, request, **params):
        page_size = self._get_page_size(pagination.page_size)
        offset = (pagination.page - 1) * page_size
        items = list(queryset[offset : offset + page_size])
        if len(items) < page_size and (items or offset == 0):
            count = offset + len(items)
        else:
            count = self._items_count(queryset)
        return {self.items_attribute: items, "count": count}


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
