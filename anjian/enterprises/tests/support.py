"""Shared by the registry's service tests: reference rows by name or code, a field's
messages, and the stored row (to prove a refused write changed nothing)."""

from anjian.core.exceptions import ValidationError
from anjian.enterprises.models import Enterprise
from anjian.regions.models import Department, Industry, Region


def department(name: str) -> Department:
    return Department.objects.get(name=name)


def industry(code: str) -> Industry:
    return Industry.objects.get(code=code)


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def field_messages(error: ValidationError, field: str) -> list[str]:
    return [str(m) for m in error.message_dict.get(field, [])]


def unchanged(enterprise: Enterprise) -> dict:
    """The stored row, for proving a refused write changed nothing."""
    return Enterprise.objects.filter(pk=enterprise.pk).values().get()
