"""What the supervision service tests build with: a date ahead of today, a deadline
extension request, a 挂牌督办 listing, and a closed major hazard with its 回头看."""

from datetime import timedelta

from django.utils import timezone

from anjian.hazards import services
from anjian.hazards.choices import Grade, ListingLevel, State
from anjian.hazards.models import Revisit
from anjian.hazards.tests.factories import hazard_in
from testsupport import world


def later(days: int):
    return timezone.localdate() + timedelta(days=days)


def request(hazard, *, by=None, days_after_deadline=10, reason="设备到货延迟"):
    return services.extension_request(
        by=by or world.actor("enterprise_manager"),
        hazard_id=hazard.pk,
        requested_deadline=hazard.deadline + timedelta(days=days_after_deadline),
        reason=reason,
    )


def listing(hazard, *, by=None, level=ListingLevel.DISTRICT, **overrides):
    data = {
        "level": level,
        "authority": "杨浦区安全生产委员会办公室",
        "document_number": "杨安委办督〔2026〕1号",
        "deadline": later(30),
        "requirements": "限期整改，整改期间落实监护",
    }
    data.update(overrides)
    return services.listing_create(
        by=by or world.actor("district_official"), hazard_id=hazard.pk, **data
    )


def closed_major(**report_overrides):
    hazard = hazard_in(State.CLOSED, grade=Grade.MAJOR, **report_overrides)
    return hazard, Revisit.objects.get(hazard=hazard)
