"""Who is told what about 包保责任, once per event (the dedupe key), never the person who
acted; queued by ``services_duties`` after the commit (``transaction.on_commit``).

- a holder named: the holder, when they have a platform account — their role, the source,
  the frequency of their checks and the day their term began.
"""

from django.utils.translation import gettext as _

from anjian.core.notifications import notify
from anjian.hazchem.models import SourceDuty
from anjian.hazchem.selectors_duties import rules_in_force

KIND = "hazchem"


def holder_named(duty_id: int, *, by_id: int | None) -> int:
    duty = (
        SourceDuty.objects.select_related("source__unit", "source__enterprise", "user")
        .filter(pk=duty_id)
        .first()
    )
    if duty is None or duty.user is None or duty.user_id == by_id:
        return 0
    source = duty.source
    rule = rules_in_force()[duty.role]
    return notify(
        users=[duty.user],
        kind=KIND,
        dedupe_key=f"duty:{duty.pk}:named",
        title=_("您已被明确为重大危险源%(role)s：%(enterprise)s %(unit)s")
        % {
            "role": duty.get_role_display(),
            "enterprise": source.enterprise.name,
            "unit": source.unit.name,
        },
        body=_("编号%(number)s，%(since)s起履职；检查频次：%(rule)s。请按期登记履职检查记录。")
        % {"number": source.number, "since": duty.since.isoformat(), "rule": rule.words},
        url=source.get_absolute_url() + "#duties",
    )
