"""Writes to accounts: users, passwords, API tokens and login lock-outs."""

from auditlog.models import LogEntry
from axes.utils import reset as axes_reset
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accounts import selectors
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
    """Save an administrator's edit. A new password set here revokes all the user's API
    tokens (whoever held them no longer speaks for the account) and, through the session
    hash, ends the user's sessions."""
    user = form.save(commit=False)
    password = form.cleaned_data.get("password1")
    if password:
        user.set_password(password)
    _check_target_scope(by, user)
    user.full_clean()
    user.save()
    if password:
        tokens_revoke_all(user=user)
    return user


@transaction.atomic
def password_change(*, user: User, password: str, keep_tokens: bool = False) -> int:
    """A user's own new password (validated by the form). Revokes the user's active API
    tokens unless ``keep_tokens``; returns how many were revoked. The hash history and
    ``password_changed_at`` are kept by ``User.save``."""
    user.set_password(password)
    user.save()
    return 0 if keep_tokens else tokens_revoke_all(user=user)


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


def tokens_revoke_all(*, user: User) -> int:
    """Revoke every active token of ``user``; returns how many."""
    return selectors.active_tokens(user).update(revoked_at=timezone.now())


@transaction.atomic
def user_unlock(*, by, user: User) -> list[str]:
    """Lift django-axes login lock-outs of ``user`` (every address) and clear the failure
    counts; recorded in the user's audit trail. Returns the addresses that were locked —
    empty, and nothing written, when the account was not locked (a repeated click)."""
    if not selectors.users_for(by).filter(pk=user.pk).exists():
        raise OutOfScope(field="user")
    addresses = [lock.ip_address or "—" for lock in selectors.login_lockouts(user)]
    if not addresses:
        return []
    axes_reset(username=user.username)
    LogEntry.objects.log_create(
        user,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        changes={str(_("登录锁定")): [", ".join(addresses), str(_("已解除"))]},
        actor=by,
        additional_data={"via": str(_("解除登录锁定"))},
    )
    return addresses
