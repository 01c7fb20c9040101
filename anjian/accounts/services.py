"""Writes to accounts: users and API tokens."""

from django.db import transaction
from django.utils import timezone

from anjian.accounts.models import ApiToken, User
from anjian.core.exceptions import OutOfScope


def _check_target_scope(by, user: User) -> None:
    scope = by.scope
    if scope.everything:
        return
    if user.region_id is None or not user.region_id.startswith(scope.region_prefix or "-"):
        raise OutOfScope(field="region")


@transaction.atomic
def user_create(*, by, form) -> User:
    user = form.save(commit=False)
    user.set_password(form.cleaned_data["password1"])
    _check_target_scope(by, user)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def user_update(*, by, form) -> User:
    user = form.save(commit=False)
    if form.cleaned_data.get("password1"):
        user.set_password(form.cleaned_data["password1"])
    _check_target_scope(by, user)
    user.full_clean()
    user.save()
    return user


def user_create_basic(
    *,
    username: str,
    name: str,
    phone: str,
    role: str,
    password: str,
    region=None,
    department=None,
    is_demo: bool = False,
) -> User:
    """Create an account without a form (enterprise accounts, demo users, CLI)."""
    user = User(
        username=username,
        name=name,
        phone=phone,
        role=role,
        region=region,
        department=department,
        is_demo=is_demo,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


def token_revoke(*, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
