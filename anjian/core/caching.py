"""Rows that change rarely — the region and industry pickers, departments — cached across
requests, and read afresh by every process the moment any of them changes.

How it stays right with several web processes (gunicorn workers, several machines) and a
per-process cache (``LocMemCache`` when REDIS_URL is unset):

- The *reference stamp* (``SiteFlag`` ``reference_stamp``) is a fresh random value after
  every write to those tables: ``reference_changed()``, called by the owning app's receivers
  (regions: save, delete, the departments' industries) in the writer's transaction.
- It is read with the signed-in user, in the same statement (``with_request_facts`` in
  the authentication backend: a scalar subquery, no statement of its own), and lands on
  the user as ``site_reference_stamp``.
- ``cached_rows(queryset, user)`` keys the rows by that stamp and the query's SQL. A
  process whose cache holds rows of an older stamp never asks for them again; rows that
  a writer cached under a stamp it then rolled back are never asked for by anybody (that
  stamp was never committed). Nothing needs to reach the other processes.

The demo banner's flag is read the same way, with the user (``site_demo_data``): exact,
and no statement of its own; only pages without a signed-in user read it apart.

A user without the stamp (a job, a test's user object, a management command) reads the
database as before. Querysets further *filtered* after ``cached_rows`` are not cached
(their values often come from a query string); ``get`` by one field is answered from the
cached rows (a ModelChoiceField's validation). Entries expire after ``TIMEOUT`` anyway:
a bulk write that sends no signal (``bulk_create``, ``update``) must call
``reference_changed()`` itself.
"""

import hashlib
from uuid import uuid4

from asgiref.local import Local
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet, FieldDoesNotExist, ValidationError
from django.core.signals import request_started
from django.db.models import JSONField, QuerySet, Subquery
from django.db.models.query import ModelIterable
from django.utils import timezone

from anjian.core.models import SiteFlag

TIMEOUT = 60 * 60  # seconds; a safety net only (see the module's docstring)
STAMP_ATTRIBUTE = "site_reference_stamp"
DEMO_ATTRIBUTE = "site_demo_data"
_NO_STAMP = object()

# Set in a request (thread, task) that wrote reference rows itself: its user's stamp was
# read before the write, so the rest of that request reads the database. Cleared when the
# next request starts.
_written = Local()


def _flag(key: str) -> Subquery:
    return Subquery(SiteFlag.objects.filter(key=key).values("value")[:1], output_field=JSONField())


def stamp_annotation() -> dict:
    """The reference stamp, as an annotation for a per-request read (no statement of its own)."""
    return {STAMP_ATTRIBUTE: _flag(SiteFlag.REFERENCE_STAMP)}


def site_flag_annotations() -> dict:
    """The reference stamp and the demo flag, as annotations for the per-request user read."""
    return {**stamp_annotation(), DEMO_ATTRIBUTE: _flag(SiteFlag.DEMO_DATA)}


def demo_flag(user):
    """The demo banner's flag: read with the user when it was (no statement), else read."""
    if hasattr(user, DEMO_ATTRIBUTE):
        return getattr(user, DEMO_ATTRIBUTE)
    return SiteFlag.objects.filter(key=SiteFlag.DEMO_DATA).values_list("value", flat=True).first()


def reference_changed() -> None:
    """A region, industry or department changed: every process reads them afresh.

    Call inside the writing transaction (receivers do): the new stamp commits with the
    rows, or neither does."""
    stamp = uuid4().hex
    changed = SiteFlag.objects.filter(key=SiteFlag.REFERENCE_STAMP).update(
        value=stamp, updated_at=timezone.now()
    )
    if not changed:
        SiteFlag.objects.update_or_create(key=SiteFlag.REFERENCE_STAMP, defaults={"value": stamp})
    _written.wrote = True


def _request_started(**kwargs) -> None:
    _written.wrote = False


request_started.connect(_request_started, dispatch_uid="anjian.core.caching.request_started")


def _stamp_of(user):
    if getattr(_written, "wrote", False):
        return _NO_STAMP
    return getattr(user, STAMP_ATTRIBUTE, _NO_STAMP)


class CachedRowsMixin:
    """Mixed into a queryset's own class by ``cached_rows`` (see the module's docstring)."""

    _stamp = _NO_STAMP
    _picker = False  # still the selector's rows: not filtered any further

    def _clone(self):
        clone = super()._clone()
        clone._stamp = self._stamp
        clone._picker = self._picker
        return clone

    def _filter_or_exclude(self, negate, args, kwargs):
        clone = super()._filter_or_exclude(negate, args, kwargs)
        clone._picker = False
        return clone

    def _combined(self, combined, other):
        """``a | b``, ``a & b``: still rows of the pickers when both sides are."""
        if combined is not self and combined is not other:
            combined._picker = self._picker and getattr(other, "_picker", False)
        return combined

    def __or__(self, other):
        return self._combined(super().__or__(other), other)

    def __and__(self, other):
        return self._combined(super().__and__(other), other)

    def uncached(self):
        clone = self._chain()
        clone._picker = False
        return clone

    def _cache_key(self) -> str | None:
        if (
            not self._picker
            or self._stamp is _NO_STAMP
            or self._prefetch_related_lookups
            or self._known_related_objects
            or self.query.select_for_update
            or self.query.combinator
        ):
            return None
        try:
            sql, params = self.query.get_compiler(using=self.db).as_sql()
        except EmptyResultSet:
            return None
        shape = (self.db, self._iterable_class.__qualname__, self._fields, sql, params)
        digest = hashlib.sha256(repr(shape).encode()).hexdigest()
        return f"anjian:rows:{self._stamp}:{digest}"

    def _fetch_all(self):
        if self._result_cache is None:
            key = self._cache_key()
            if key is not None:
                rows = cache.get(key)
                if rows is None:
                    super()._fetch_all()
                    cache.set(key, self._result_cache, TIMEOUT)
                else:
                    self._result_cache = rows
                return
        super()._fetch_all()

    def _cached_rows(self) -> list | None:
        if self._result_cache is None and self._cache_key() is None:
            return None
        self._fetch_all()
        return self._result_cache

    def iterator(self, chunk_size=None):
        rows = self._cached_rows()
        if rows is None:
            return super().iterator(chunk_size=chunk_size)
        return iter(rows)

    def count(self) -> int:
        rows = self._cached_rows()
        return super().count() if rows is None else len(rows)

    def exists(self) -> bool:
        rows = self._cached_rows()
        return super().exists() if rows is None else bool(rows)

    def get(self, *args, **kwargs):
        """``get(field=value)`` from the cached rows (a choice field's validation), with the
        database's answers: DoesNotExist, MultipleObjectsReturned, ValueError for junk."""
        field = self._single_field(args, kwargs)
        rows = None if field is None else self._cached_rows()
        if rows is None or (rows and field.attname in rows[0].get_deferred_fields()):
            return super().get(*args, **kwargs)
        try:
            wanted = field.to_python(next(iter(kwargs.values())))
        except ValidationError as exc:
            raise ValueError(exc.messages[0]) from None
        found = [row for row in rows if getattr(row, field.attname) == wanted]
        if len(found) == 1:
            return found[0]
        if not found:
            raise self.model.DoesNotExist(
                f"{self.model._meta.object_name} matching query does not exist."
            )
        raise self.model.MultipleObjectsReturned(
            f"get() returned more than one {self.model._meta.object_name} -- it returned "
            f"{len(found)}!"
        )

    def _single_field(self, args, kwargs):
        if args or len(kwargs) != 1 or self._iterable_class is not ModelIterable:
            return None
        if self.query.is_sliced:
            return None
        (name,) = kwargs
        if name == "pk":
            return self.model._meta.pk
        try:
            field = self.model._meta.get_field(name)
        except FieldDoesNotExist:  # a lookup ("code__in")
            return None
        return field if getattr(field, "concrete", False) and field.attname == name else None


_classes: dict[type, type] = {}


def _cached_class(queryset_class: type) -> type:
    if issubclass(queryset_class, CachedRowsMixin):
        return queryset_class
    if queryset_class not in _classes:
        _classes[queryset_class] = type(
            f"Cached{queryset_class.__name__}", (CachedRowsMixin, queryset_class), {}
        )
    return _classes[queryset_class]


def cached_rows(queryset: QuerySet, user) -> QuerySet:
    """``queryset`` with its rows cached under the stamp read with ``user`` (unchanged when
    the user carries none): for pickers of rows that change rarely."""
    stamp = _stamp_of(user)
    if stamp is _NO_STAMP:
        return queryset
    clone = queryset._chain()
    clone.__class__ = _cached_class(type(queryset))
    clone._stamp = stamp
    clone._picker = True
    return clone
