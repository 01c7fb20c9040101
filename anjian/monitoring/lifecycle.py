"""The alarm lifecycle, declared on the workflow kernel (``core.workflow``).

active → acknowledged (确认: a duty person knows and is on it) → disposed (处置, with a
cause: real / false / maintenance / device fault); an unacknowledged alarm is
acknowledged by its disposal. Not states: ``recovered_at`` (the value came back, the
engine's), the escalation rung (the sweep's), the link to a hazard (转为隐患, an operation,
once, never from a false alarm). The generated diagram and table: docs/lifecycles.md.
"""

from django.utils.translation import gettext_lazy as _

from anjian.core.workflow import Lifecycle, Operation, Transition
from anjian.hazards import permissions as hazard_perms
from anjian.monitoring import permissions as perms
from anjian.monitoring.choices import AlarmCause, AlarmState
from anjian.monitoring.models import Alarm, AlarmEvent

OPEN = {AlarmState.ACTIVE, AlarmState.ACKNOWLEDGED}


def may_report_hazards(user, alarm) -> str | None:
    if not user.can(hazard_perms.HAZARD_REPORT):
        return _("您的角色不能登记隐患")
    return None


def not_yet_a_hazard(alarm) -> str | None:
    if alarm.hazard_id is not None:
        return _("该报警已转为隐患")
    return None


def not_a_false_alarm(alarm) -> str | None:
    """A disposed alarm becomes a hazard only if it was real."""
    if alarm.state == AlarmState.DISPOSED and alarm.cause != AlarmCause.REAL:
        return _("只有真实报警可以转为隐患")
    return None


ALARM = Lifecycle(
    name="alarm",
    label=_("报警"),
    model=Alarm,
    record=AlarmEvent,
    record_fk="alarm",
    states=AlarmState,
    initial=AlarmState.ACTIVE,
    transitions=[
        Transition(
            "acknowledge",
            _("确认"),
            {AlarmState.ACTIVE},
            AlarmState.ACKNOWLEDGED,
            perms.ALARM_HANDLE,
            who=_("值班人员或范围内可处置报警的人员；确认后不再向上一级上报"),
        ),
        Transition(
            "dispose",
            _("处置"),
            OPEN,
            AlarmState.DISPOSED,
            perms.ALARM_HANDLE,
            required=("cause", "note"),
            who=_("同上；须选择原因（真实、误报、检修、设备故障）并填写处置情况"),
        ),
    ],
    operations=[
        Operation(
            "to_hazard",
            _("转为隐患"),
            perms.ALARM_HANDLE,
            {*OPEN, AlarmState.DISPOSED},
            guards=(may_report_hazards,),
            conditions=(not_yet_a_hazard, not_a_false_alarm),
            who=_("可处置报警且可登记隐患的人员；每个报警一次，误报等不能转"),
        ),
    ],
    events={
        "raised": _("报警"),
        "escalated": _("上报"),
        "recovered": _("数值恢复"),
        "hazard": _("转为隐患"),
    },
)
