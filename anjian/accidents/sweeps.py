"""The accident clocks that run by themselves (declared in config/schedule.py, idempotent:
each notice has its dedupe key, so a repeated or missed run does no harm).

- ``remind_overdue_steps``: a level the grade requires is past its time limit and not
  informed → the officials are told, once per level.
- ``remind_follow_ups``: an accident still at the report stage, inside its window, without
  a follow-up for a day (half a day for 重大 and above: 21号令 Art. 11) → its reporter and
  the officials are told, once per period.
- ``remind_investigations``: an investigation report due within 7 days or overdue, and
  rectification measures past their deadline → told once per due date.
"""

from datetime import datetime, timedelta

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accidents import clock, notices
from anjian.accidents.models import (
    Accident,
    AccidentState,
    Investigation,
    MeasureState,
    RectificationMeasure,
)
from anjian.accidents.selectors import overdue_steps

DUE_SOON = timedelta(days=7)


def remind_overdue_steps(now: datetime | None = None) -> int:
    told = 0
    for step in overdue_steps(now).select_related("accident__enterprise"):
        told += notices.step_overdue(
            step.accident, level_label=step.get_level_display(), level=step.level
        )
    return told


def remind_follow_ups(now: datetime | None = None) -> int:
    now = now or timezone.now()
    told = 0
    waiting = Accident.objects.filter(
        state=AccidentState.REPORTED, window_ends_at__gt=now
    ).annotate(last_report=Max("reports__reported_at"))
    for accident in waiting.select_related("enterprise", "reported_by"):
        period = timedelta(hours=24 / clock.follow_ups_per_day(accident.grade))
        if accident.last_report is None or now - accident.last_report < period:
            continue
        slot = int((now - accident.reported_at) / period)
        told += notices.tell(
            accident,
            users=[accident.reported_by, *notices.officials_of(accident)],
            by=None,
            event=f"follow_up:{slot}",
            title=_("请续报事故进展：%(number)s %(unit)s")
            % {
                "number": accident.number,
                "unit": accident.unit_name,
            },
            body=_("%(grade)s每天至少续报%(n)d次，直至救援和善后处置结束。")
            % {
                "grade": accident.get_grade_display(),
                "n": clock.follow_ups_per_day(accident.grade),
            },
        )
    return told


def remind_investigations(today=None) -> int:
    today = today or timezone.localdate()
    told = 0
    due = Investigation.objects.filter(
        accident__state=AccidentState.INVESTIGATING,
        submitted_on__isnull=True,
        due_on__lte=today + DUE_SOON,
    ).select_related("accident__enterprise")
    for investigation in due:
        accident = investigation.accident
        overdue = investigation.due_on < today
        told += notices.tell(
            accident,
            users=notices.officials_of(accident),
            by=None,
            event=f"investigation:{investigation.due_on}:{'overdue' if overdue else 'soon'}",
            title=(
                _("事故调查报告已逾期：%(number)s（期限%(due)s）")
                if overdue
                else _("事故调查报告即将到期：%(number)s（期限%(due)s）")
            )
            % {"number": accident.number, "due": investigation.due_on},
            body=_("可依法延期一次；技术鉴定时间不计入调查期限。"),
        )
    late_measures = RectificationMeasure.objects.filter(
        state=MeasureState.OPEN, due_on__lt=today
    ).select_related("accident__enterprise")
    for measure in late_measures:
        told += notices.tell(
            measure.accident,
            users=notices.officials_of(measure.accident),
            by=None,
            event=f"measure:{measure.pk}:{measure.due_on}",
            title=_("事故整改措施逾期未落实：%(number)s") % {"number": measure.accident.number},
            body=measure.description[:200],
        )
    return told
