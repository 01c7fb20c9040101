"""Who an alarm notice goes to: the enterprise's duty persons, then the street's officials,
then the district's 应急局 supervisors (the escalation ladder, ``EscalationStep``).

Reads only. Services (an alarm raised), sweeps (escalation, devices offline) and
``channels`` (SMS/e-mail after commit) all ask here, so none of them imports another.
"""

from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.monitoring import permissions as perms
from anjian.monitoring.choices import EscalationStep
from anjian.monitoring.models import Alarm, DutyPerson
from anjian.regions.levels import district_of, street_of


def duty_users(enterprise_id: int) -> list:
    """Who is told first: the enterprise's duty persons on duty, else its users who may
    handle alarms."""
    persons = [
        d.user
        for d in DutyPerson.objects.filter(enterprise_id=enterprise_id, is_active=True)
        .select_related("user")
        .order_by("id")
    ]
    if persons:
        return persons
    return [
        u
        for u in User.objects.filter(enterprise_link__enterprise_id=enterprise_id, is_active=True)
        if u.can(perms.ALARM_HANDLE)
    ]


def step_users(alarm: Alarm, step: int) -> list:
    """Who one rung of the alarm ladder tells: the enterprise's duty persons; the street's
    officials; the district's 应急局 supervisors — only those who can see the alarm."""
    if step == EscalationStep.ENTERPRISE:
        return duty_users(alarm.enterprise_id)
    if step == EscalationStep.STREET:
        users = User.objects.filter(role=Role.STREET, region_id=street_of(alarm.scope_region_code))
    else:
        users = User.objects.filter(
            role=Role.SUPERVISOR, region_id=district_of(alarm.scope_region_code)
        )
    return [
        user
        for user in users.filter(is_active=True)
        if Alarm.objects.for_user(user).filter(pk=alarm.pk).exists()
    ]
