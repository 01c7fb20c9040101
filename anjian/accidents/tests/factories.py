"""Accidents for tests, filed through the services (so they are graded and clocked)."""

from datetime import datetime, timedelta

from django.utils import timezone

from anjian.accidents import services
from anjian.accidents.choices import AccidentType, Category
from testsupport import world


def at(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.get_current_timezone())


def report(by=None, *, now=None, **overrides):
    """A quick report by the district official of an accident at 殷行街道 an hour ago."""
    by = by or world.actor("district_official")
    now = now or timezone.now()
    values = {
        "region": world.YINHANG,
        "unit_name": "测试事故单位",
        "occurred_at": now - timedelta(minutes=30),
        "place": "殷行路1号车间",
        "accident_type": AccidentType.MACHINERY,
        "category": Category.TRADE_OTHER,
        "summary": "操作工在设备检修时被卷入",
        "deaths": 1,
    }
    values.update(overrides)
    return services.accident_report(by=by, now=now, **values)
