"""Permits for tests, made through the services (so each is scoped, graded and on its
timeline like a real one), on a fixed clock: ``MONDAY`` is Monday 2026-12-07 09:00 in
Shanghai, a working day (chinese-calendar), in daylight. A permit's clock is passed to every
service (``now=``), so tests do not depend on the day they run.

The default permit is 殷行化工's, applied for by its safety manager (``enterprise_manager``):
a 受限空间 entry (ungraded, 24 h, gas analysis required, 所在基层单位 approves)."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from anjian.core.exceptions import ValidationError
from anjian.specialwork import gates, services, services_records
from anjian.specialwork.models import Permit
from testsupport import world

MONDAY = timezone.make_aware(datetime(2026, 12, 7, 9, 0))
SATURDAY = timezone.make_aware(datetime(2026, 12, 12, 9, 0))
MINUTE = timedelta(minutes=1)

DEFAULTS = {
    "place": "一号储罐区T-101储罐",
    "content": "储罐内检修，更换浮盘密封",
    "guardian": "王监护",
    "workers": ["张作业", "李作业"],
}
BY_KIND = {
    "hot": {"hot_place": "other"},
    "height": {"height_m": "6"},
    "lifting": {"load_t": "50"},
}


def manager():
    return world.actor("enterprise_manager")


def data(kind: str = "confined", *, start=MONDAY, hours: float = 4, **changes) -> dict:
    values = {
        "kind": kind,
        **DEFAULTS,
        **BY_KIND.get(kind, {}),
        "planned_start": start,
        "planned_end": start + timedelta(hours=hours),
    }
    values.update(changes)
    return values


def permit(kind: str = "confined", *, by=None, now=MONDAY, **changes) -> Permit:
    """A draft, applied for at ``now`` (start at ``now`` unless told otherwise)."""
    changes.setdefault("start", now)
    return services.permit_create(by or manager(), data=data(kind, **changes), now=now)


def fresh(target: Permit) -> Permit:
    return Permit.objects.get(pk=target.pk)


def submit(target: Permit, *, by=None, now=MONDAY) -> Permit:
    target = fresh(target)
    return services.permit_submit(
        by or manager(), permit_id=target.pk, expected_version=target.version, now=now
    )


def sign(target: Permit, step, *, by=None, now=MONDAY, agreed=True, **values) -> Permit:
    target = fresh(target)
    body = {
        "stage": step.stage,
        "role": step.role,
        "person": "审批人",
        "agreed": agreed,
        "opinion": "同意，措施已落实" if agreed else "隔离不到位",
        **values,
    }
    return services_records.approval_record(
        by or manager(), permit_id=target.pk, expected_version=target.version, data=body, now=now
    )


def sign_all(target: Permit, *, by=None, now=MONDAY) -> Permit:
    for step in gates.steps(fresh(target)):
        target = sign(target, step, by=by, now=now)
    return fresh(target)


def analyse(target: Permit, *, taken_at=MONDAY, by=None, now=None, point="罐内中部", **reading):
    """A sample: by default one that passes for confined space and hot work."""
    values = {"lel_percent": "5", "flammable_percent": "0.1", "oxygen_percent": "20.8"}
    values.update(reading)
    return services_records.analysis_record(
        by or manager(),
        permit_id=target.pk,
        data={"taken_at": taken_at, "point": point, "analyst": "赵分析", **values},
        now=now or taken_at,
    )


def approved(kind: str = "confined", *, now=MONDAY, **changes) -> Permit:
    """A permit applied for, submitted and signed at ``now``."""
    target = permit(kind, now=now, **changes)
    submit(target, now=now)
    return sign_all(target, now=now)


def start(target: Permit, *, now=MONDAY, by=None) -> Permit:
    target = fresh(target)
    return services.permit_start(
        by or manager(), permit_id=target.pk, expected_version=target.version, now=now
    )


def working(kind: str = "confined", *, now=MONDAY, **changes) -> Permit:
    """A permit at work since ``now`` (a passing sample a minute before)."""
    target = approved(kind, now=now - MINUTE, start=now - MINUTE, **changes)
    analyse(target, taken_at=now - MINUTE)
    return start(target, now=now)


def refused(call, *args, **kwargs) -> dict:
    """The message_dict of the ValidationError that ``call`` raises."""
    with pytest.raises(ValidationError) as raised:
        call(*args, **kwargs)
    return raised.value.message_dict
