"""The list's year cut is the indicators' one: local (Asia/Shanghai) time, whatever zone a
request has activated — so a figure's drill-down opens exactly the accidents it counts."""

from django.utils import timezone

from anjian.accidents.models import Accident
from anjian.accidents.selectors import filter_accidents
from anjian.accidents.tests.factories import at, report
from anjian.analytics.figures import counted_accidents


def test_an_accident_early_on_new_year_s_day_counts_in_the_new_year_in_any_zone(db):
    early = report(occurred_at=at(2026, 1, 1, 3), now=at(2026, 1, 1, 3, 30))  # 2025-12-31 UTC
    with timezone.override("UTC"):
        listed_2025 = set(filter_accidents(Accident.objects.all(), {"year": "2025"}))
        listed_2026 = set(filter_accidents(Accident.objects.all(), {"year": "2026"}))
        counted_2026 = set(counted_accidents(early.region_code[:6], 2026))
    assert early not in listed_2025
    assert early in listed_2026 and early in counted_2026
    january = filter_accidents(Accident.objects.all(), {"year": "2026", "month": "1"})
    assert early in set(january)
