"""Major hazard sources with 包保 holders and checks for the duty tests, made through the
services (``factories`` for the units, ``services_duties`` for the rest).

``source()`` is a storage unit holding 10 t of 氯 (Q 5 t: S 2, a 三级 source at α 2);
``identified_on`` moves the day it was identified (as the demo ages records), since the
figure owes periods from then."""

from datetime import date, timedelta

from django.utils import timezone

from anjian.hazchem import services_duties
from anjian.hazchem.models import DutyCheck, MajorHazardSource, SourceDuty
from anjian.hazchem.tests import factories as make
from testsupport import world


def source(
    enterprise: str = "yinhang_chemical",
    *,
    name: str = "液氯储罐区",
    identified_on=None,
    tonnes: str = "10",
) -> MajorHazardSource:
    """``tonnes`` of 氯: 10 a 三级 source (R 16), 100 an 一级 one (R 160)."""
    admin = world.actor("admin")
    unit = make.unit(admin, enterprise=enterprise, name=name)
    make.add(unit, "氯", tonnes, by=admin)
    found = make.source_of(unit)
    if identified_on is not None:
        MajorHazardSource.objects.filter(pk=found.pk).update(identified_on=identified_on)
        found.refresh_from_db()
    return found


def holder(
    target: MajorHazardSource,
    role: str,
    name: str = "张三",
    *,
    since=None,
    by=None,
    user=None,
    replaces="current",
    phone: str = "13800000000",
) -> SourceDuty:
    """Name ``name`` holder of ``role`` (replacing whoever holds it now, by default)."""
    by = by or world.actor("admin")
    if replaces == "current":
        current = target.duties.filter(role=role, until__isnull=True).first()
        replaces = current.pk if current else None
    return services_duties.duty_assign(
        by,
        source_id=target.pk,
        role=role,
        replaces=replaces,
        data={
            "name": name,
            "position": "",
            "phone": phone,
            "user": user,
            "since": since or timezone.localdate() - timedelta(days=30),
        },
    )


def check(
    target: MajorHazardSource,
    duty: SourceDuty,
    day: date,
    *,
    by=None,
    findings: str = "检查储罐液位与报警，正常。",
    hazards: int = 0,
) -> DutyCheck:
    by = by or world.actor("admin")
    return services_duties.check_record(
        by,
        source_id=target.pk,
        data={"duty": duty.pk, "checked_on": day, "findings": findings, "hazards_found": hazards},
    )


def days(first: date, count: int, step: int = 7) -> list[date]:
    return [first + timedelta(days=step * n) for n in range(count)]
