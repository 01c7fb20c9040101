"""Writes to accounts: users, passwords, API tokens and login lock-outs."""

from dataclasses import dataclass

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from axes.utils import reset as axes_reset
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accounts import permissions as perms
from anjian.accounts import selectors
from anjian.accounts.models import ApiToken, User
from anjian.accounts.passwords import generate_password
from anjian.core.exceptions import NotPermitted, OutOfScope, ValidationError
from anjian.core.notifications import notify


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
    ``password_changed_at`` are kept by ``User.save``; a password an administrator reset
    no longer has to be changed."""
    user.set_password(password)
    user.password_must_change = False
    user.save()
    return 0 if keep_tokens else tokens_revoke_all(user=user)


@dataclass(frozen=True)
class PasswordReset:
    user: User
    password: str  # the temporary password now set: shown once, never stored in clear
    generated: bool
    tokens_revoked: int


@transaction.atomic
def user_password_reset(*, by, user_id: int, password: str = "") -> PasswordReset:
    """重置密码: an administrator sets a temporary password for an account they manage —
    ``password``, checked by the password validators, or one generated when it is empty.

    Side effects: the user must change it at their next login (``password_must_change``,
    ``PasswordExpiryMiddleware``); their sessions end (the session hash changes) and their
    API tokens are revoked; the audit trail records who reset it; the user is notified.
    Raises NotPermitted without the administrator action (or for a superuser's password
    when ``by`` is none), OutOfScope for an account outside ``by``'s scope, ValidationError
    for one's own account or a password the validators refuse (on ``password1``). The same
    typed password submitted again while the user has not changed it is answered as done.
    """
    if not by.can(perms.USER_MANAGE):
        raise NotPermitted()
    if not selectors.users_for(by).filter(pk=user_id).exists():
        raise OutOfScope(field="user")
    user = User.objects.select_for_update().get(pk=user_id)
    if user.pk == by.pk:
        raise ValidationError(_("不能在这里重置自己的密码，请在“个人资料”中修改。"))
    if user.is_superuser and not by.is_superuser:
        raise NotPermitted(_("只有超级管理员可以重置超级管理员的密码"))
    if password and user.password_must_change and user.check_password(password):
        # The same reset submitted twice: it is already so (nothing more to record).
        return PasswordReset(user, password, generated=False, tokens_revoked=0)
    generated = not password
    if generated:
        password = generate_password(user)
    else:
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise ValidationError({"password1": error.messages}) from None
    user.set_password(password)
    user.password_must_change = True
    with disable_auditlog():  # one entry below says what happened, not a field diff
        user.save()
    revoked = tokens_revoke_all(user=user)
    LogEntry.objects.log_create(
        user,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        changes={
            str(_("密码")): ["", str(_("已由管理员重置"))],
            str(_("下次登录须修改密码")): [str(_("否")), str(_("是"))],
        },
        actor=by,
        additional_data={"via": str(_("重置密码")), "tokens_revoked": revoked},
    )
    notify(
        users=[user],
        kind="password_reset",
        title=_("您的登录密码已由管理员重置"),
        body=_(
            "%(admin)s 于 %(at)s 重置了您的登录密码。请用管理员告知的临时密码登录，"
            "登录后须先设置自己的新密码。如果这不是您申请的，请立即联系管理员。"
        )
        % {"admin": str(by), "at": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
        url=reverse("accounts:password_change"),
    )
    return PasswordReset(user, password, generated, revoked)


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
