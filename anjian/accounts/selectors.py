from dataclasses import dataclass
from datetime import datetime

from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.db.models import Max, Q, QuerySet, Sum
from django.utils import timezone

from anjian.accounts.models import ApiToken, User


def users_for(admin, query: str = "") -> QuerySet[User]:
    """Accounts an administrator manages: those whose scope lies inside the admin's own."""
    users = User.objects.select_related("region", "department")
    scope = admin.scope
    if not scope.everything:
        prefix = scope.region_prefix or "-"
        users = users.filter(
            Q(region__code__startswith=prefix)
            | Q(enterprise_link__enterprise__scope_region_code__startswith=prefix)
        )
    if query:
        users = users.filter(
            Q(username__icontains=query) | Q(name__contains=query) | Q(phone__contains=query)
        )
    return users.order_by("role", "username")


def active_tokens(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(
        user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )


@dataclass(frozen=True)
class Lockout:
    """A django-axes lock-out of one user name at one address (the lock-out key)."""

    ip_address: str | None
    failures: int
    last_failure: datetime
    until: datetime | None  # None when lock-outs never expire (no cool-off time)


def _lockouts(username: str | None = None) -> list[dict]:
    cool_off = get_cool_off()
    attempts = AccessAttempt.objects.all()
    if username is not None:
        attempts = attempts.filter(username=username)
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return list(
        attempts.values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last_failure=Max("attempt_time"))
        .filter(failures__gte=get_failure_limit(None, None))
        .order_by("username", "-last_failure")
    )


def login_lockouts(user: User) -> list[Lockout]:
    """Where ``user``'s name is locked out now (counted as django-axes counts: failures
    per user name and address within the cool-off time)."""
    cool_off = get_cool_off()
    return [
        Lockout(
            ip_address=row["ip_address"],
            failures=row["failures"],
            last_failure=row["last_failure"],
            until=row["last_failure"] + cool_off if cool_off else None,
        )
        for row in _lockouts(user.username)
    ]


def locked_usernames() -> set[str]:
    """User names locked out now at some address (few at any time)."""
    return {row["username"] for row in _lockouts()}
