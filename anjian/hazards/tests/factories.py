"""Hazards in any lifecycle state, built through the services (never by setting ``state``)."""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from anjian.hazards import services
from anjian.hazards.choices import Grade, Source, State
from testsupport import world


def photo(name: str = "现场.jpg", colour=(200, 60, 40), size=(64, 48)) -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def report(by=None, enterprise=None, **overrides):
    data = {
        "source": Source.SELF_CHECK,
        "title": "配电箱门未关闭",
        "description": "二号车间配电箱门敞开，内部线路裸露",
        "location": "二号车间东侧",
        "photos": [photo()],
    }
    data.update(overrides)
    return services.hazard_report(
        by=by or world.actor("district_official"),
        enterprise=enterprise or world.enterprise("yinhang_chemical"),
        **data,
    )


def register_data(grade=Grade.GENERAL, **overrides) -> dict:
    data = {
        "grade": grade,
        "deadline": timezone.localdate() + timedelta(days=15),
        "owner_name": "李四",
        "owner_phone": "13800138000",
        "measures": "更换门锁，整理线路并加装防护罩",
    }
    if grade == Grade.MAJOR:
        data.update(
            funds=Decimal("12.50"),
            contingency_plan="启动车间触电事故现场处置方案",
            interim_measures="设置警戒区，断电挂牌",
        )
    data.update(overrides)
    return data


def hazard_in(state: str, *, grade=Grade.GENERAL, by=None, deadline=None, **report_overrides):
    """A hazard of the world's chemical company, walked to ``state`` by the district official
    (registered with ``deadline``, by default in 15 days)."""
    official = by or world.actor("district_official")
    hazard = report(by=official, **report_overrides)
    if state == State.REPORTED:
        return hazard
    if state == State.VOID:
        return services.hazard_void(
            by=official, hazard_id=hazard.pk, expected_version=None, reason="误报"
        )
    hazard = services.hazard_register(
        by=official,
        hazard_id=hazard.pk,
        expected_version=None,
        **register_data(grade, **({"deadline": deadline} if deadline else {})),
    )
    if state == State.REGISTERED:
        return hazard
    hazard = services.hazard_start(by=official, hazard_id=hazard.pk, expected_version=None)
    if state == State.RECTIFYING:
        return hazard
    hazard = services.hazard_submit(
        by=official,
        hazard_id=hazard.pk,
        expected_version=None,
        rectification_note="已更换门锁",
        photos=[photo("整改后.jpg", (40, 160, 60))],
    )
    if state == State.AWAITING_ACCEPTANCE:
        return hazard
    return services.hazard_accept(
        by=official, hazard_id=hazard.pk, expected_version=None, acceptance_note="验收合格"
    )
