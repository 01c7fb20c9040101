"""Demo self-checks for the demo enterprise manager: plans from the typical checklists that
fit the enterprise and a few past checks, one with failed items (which raised hazards) —
all through the services, as the manager's own clicks would."""

from datetime import timedelta

from django.utils import timezone

from anjian.hazards.selfcheck import checklists, services

FAILED_NOTE = "现场发现不符合要求，已拍照记录（演示）"


def build_demo_checks(*, user, enterprise) -> int:
    """Returns the number of check records made."""
    fitting = [c for c, fits in checklists.checklists_for(enterprise) if fits][:2]
    made = 0
    for index, checklist in enumerate(fitting):
        plan = services.plan_create_from_checklist(
            by=user, enterprise=enterprise, key=checklist.key
        )
        items = list(plan.items.active())
        for days_ago in (9, 5, 2):
            failed = {items[0].pk} if index == 0 and days_ago == 2 and items else set()
            services.check_record_submit(
                by=user,
                plan_id=plan.pk,
                performed_at=timezone.now() - timedelta(days=days_ago, hours=index),
                note="（演示）",
                results=[
                    {
                        "item_id": item.pk,
                        "passed": item.pk not in failed,
                        "note": "现场发现不符合要求，已拍照记录（演示）"
                        if item.pk in failed
                        else "",
                        "photos": [],
                    }
                    for item in items
                ],
            )
            made += 1
    return made
