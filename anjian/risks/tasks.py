"""Background jobs of the risk module (declared in config/schedule.py)."""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accounts.models import User
from anjian.core.notifications import notify
from anjian.risks.choices import DueState
from anjian.risks.models import RiskPoint

KIND = "risk_reassess"


def reassessment_reminders_step(*, today: date | None = None, limit: int = 500) -> int:
    """Tell each enterprise's users about risk points due for re-assessment, once per due date.

    One step of the sweep (tests call it directly): active points whose ``reassess_due`` is
    within 30 days or past, and not yet reminded for that date, are claimed one by one with a
    conditional UPDATE of ``reminded_for`` — the worker whose update changes the row sends
    the notice, in the same transaction — so several workers never remind twice. The notice
    also carries a (point, due date) dedupe key. Returns how many points were reminded.
    """
    today = today or timezone.localdate()
    horizon = today + timedelta(days=DueState.SOON_DAYS)
    candidates = list(
        RiskPoint.objects.due_by(horizon)
        .filter(Q(reminded_for__isnull=True) | ~Q(reminded_for=F("reassess_due")))
        .order_by("reassess_due", "pk")
        .values_list("pk", "reassess_due")[:limit]
    )
    reminded = 0
    for pk, due in candidates:
        with transaction.atomic():
            claimed = (
                RiskPoint.objects.filter(pk=pk, status="active", reassess_due=due)
                .filter(Q(reminded_for__isnull=True) | ~Q(reminded_for=due))
                .update(reminded_for=due)
            )
            if not claimed:
                continue  # another worker took it, or the point changed meanwhile
            point = RiskPoint.objects.select_related("enterprise").get(pk=pk)
            _notify(point, today=today)
            reminded += 1
    return reminded


def _notify(point: RiskPoint, *, today: date) -> int:
    users = User.objects.filter(enterprise_link__enterprise_id=point.enterprise_id, is_active=True)
    due = point.reassess_due
    if due < today:
        title = _("风险点“%(name)s”已逾期未复评") % {"name": point.name}
        body = _(
            "%(enterprise)s的风险点“%(name)s”应于 %(due)s 前重新评估，已逾期 %(days)d 天。"
        ) % {
            "enterprise": point.enterprise.name,
            "name": point.name,
            "due": due.isoformat(),
            "days": (today - due).days,
        }
    else:
        title = _("风险点“%(name)s”将于 %(due)s 到期复评") % {
            "name": point.name,
            "due": due.isoformat(),
        }
        body = _(
            "%(enterprise)s的风险点“%(name)s”应于 %(due)s 前重新评估（还有 %(days)d 天）。"
        ) % {
            "enterprise": point.enterprise.name,
            "name": point.name,
            "due": due.isoformat(),
            "days": (due - today).days,
        }
    return notify(
        users=users,
        title=title,
        body=body,
        url=point.get_absolute_url(),
        kind=KIND,
        dedupe_key=f"{KIND}:{point.pk}:{due.isoformat()}",
    )


@task
def remind_reassessment() -> int:
    """Run reminder steps until no point is left to remind."""
    total = 0
    while True:
        done = reassessment_reminders_step()
        total += done
        if done == 0:
            return total
