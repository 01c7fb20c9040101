"""Reads of the register of public places, always through the user's scope."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from anjian.core.exceptions import OutOfScope
from anjian.enterprises.places.filters import PlaceFilterSet
from anjian.enterprises.places.models import PublicPlace

LIST_RELATIONS = ("street", "grid", "industry", "responsible_department")


def place_queryset(user) -> QuerySet[PublicPlace]:
    return PublicPlace.objects.for_user(user)


def place_filter(user, params) -> PlaceFilterSet:
    """The filtered register for ``user``; ``.qs`` is what the list and the API show."""
    queryset = place_queryset(user).select_related(*LIST_RELATIONS)
    return PlaceFilterSet(params or None, queryset=queryset, user=user)


def place_get(user, pk: int) -> PublicPlace:
    """The place if the user may see it; 404 otherwise (whether or not it exists)."""
    return get_object_or_404(place_queryset(user).select_related(*LIST_RELATIONS), pk=pk)


def place_for_write(user, place) -> PublicPlace:
    """The place (an instance or a pk) re-read through ``user``'s scope, in use; else
    ``OutOfScope`` on the ``place`` field (a hazard report names it)."""
    found = (
        place_queryset(user)
        .in_use()
        .select_related("industry", "street")
        .filter(pk=getattr(place, "pk", place))
        .first()
    )
    if found is None:
        raise OutOfScope(field="place")
    return found
