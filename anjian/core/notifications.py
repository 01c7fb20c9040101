"""In-app notifications: the one way services and sweeps tell people something.

``notify`` is called inside the caller's transaction, so a notice exists exactly when the
change that caused it committed. With a ``dedupe_key`` each recipient is told once, however
often (or on however many workers) a sweep runs.
"""

from collections.abc import Iterable

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from anjian.core.models import Notification


def notify(
    *,
    users: Iterable,
    title: str,
    body: str = "",
    url: str = "",
    kind: str,
    dedupe_key: str = "",
) -> int:
    """Queue a notice for each active user; returns how many were newly created."""
    recipients = {user.pk: user for user in users if user.is_active}
    if not recipients:
        return 0
    if dedupe_key:
        already = set(
            Notification.objects.filter(
                recipient_id__in=recipients, dedupe_key=dedupe_key
            ).values_list("recipient_id", flat=True)
        )
        recipients = {pk: u for pk, u in recipients.items() if pk not in already}
    rows = [
        Notification(
            recipient_id=pk,
            kind=kind,
            title=title[:200],
            body=body[:2000],
            url=url[:300],
            dedupe_key=dedupe_key[:120],
        )
        for pk in recipients
    ]
    # ignore_conflicts: a concurrent sweep that inserted the same (recipient, key) wins.
    Notification.objects.bulk_create(rows, ignore_conflicts=bool(dedupe_key))
    return len(rows)


def inbox(user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


# Set on the signed-in user by the per-request read (accounts.backends), so the menu's
# badge costs no statement of its own.
UNREAD_ATTRIBUTE = "unread_notices"


def unread_annotation(user_path: str = "pk") -> Coalesce:
    """How many notices ``OuterRef(user_path)`` has not read, as an annotation."""
    unread = (
        Notification.objects.filter(recipient=OuterRef(user_path), read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(unread, output_field=IntegerField()), 0)


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    if hasattr(user, UNREAD_ATTRIBUTE):
        return getattr(user, UNREAD_ATTRIBUTE)
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one notice (or all of the user's) read; someone else's notice is never touched."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    if hasattr(user, UNREAD_ATTRIBUTE):
        delattr(user, UNREAD_ATTRIBUTE)  # counted before this: count again if asked
    return unread.update(read_at=timezone.now())
