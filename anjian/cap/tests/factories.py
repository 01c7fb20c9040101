"""Warnings for tests, made through the services (so each has a real timeline)."""

from datetime import timedelta

from django.utils import timezone

from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.cap import services
from anjian.cap.models import CapAlert
from anjian.regions.models import Region
from testsupport import world

# A closed square in 杨浦区 (lat,lon pairs, first = last).
POLYGON = "31.30,121.50 31.30,121.56 31.25,121.56 31.25,121.50 31.30,121.50"
CIRCLE = "31.2704,121.5228 2.5"


def signer() -> User:
    """A second administrator: approves what ``admin`` drafted, anywhere (no password)."""
    user, created = User.objects.get_or_create(
        username="cap_signer",
        defaults={"name": "签发人", "role": Role.ADMIN, "is_superuser": True, "is_staff": True},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def alert_data(region: str = world.YANGPU, **overrides) -> dict:
    """Service-level values for a valid draft of ``region`` (override what you test)."""
    now = timezone.now()
    data = {
        "region": Region.objects.get(code=region),
        "sender_name": "杨浦区应急管理局",
        "status": "Actual",
        "category": "Safety",
        "event": "高温天气危险化学品安全风险",
        "urgency": "Expected",
        "severity": "Moderate",
        "certainty": "Likely",
        "response_type": "Prepare",
        "headline": "危险化学品企业高温安全生产预警",
        "description": "未来三天最高气温37℃以上，储罐超压和挥发风险增加。",
        "instruction": "落实喷淋降温，避开午间高温时段装卸作业。",
        "effective": now,
        "onset": None,
        "expires": now + timedelta(days=3),
        "area_desc": "杨浦区全境危险化学品企业",
        "polygon": POLYGON,
        "circle": "",
        "contact": "",
        "note": "",
    }
    data.update(overrides)
    return data


def form_data(region: str = world.YANGPU, **overrides) -> dict:
    """POST data for the compose form (strings, as a browser sends them)."""
    later = timezone.localtime() + timedelta(days=2)
    data = {
        "region": region,
        "sender_name": "杨浦区应急管理局",
        "status": "Actual",
        "category": "Safety",
        "event": "高温天气危险化学品安全风险",
        "urgency": "Expected",
        "severity": "Moderate",
        "certainty": "Likely",
        "response_type": "Prepare",
        "headline": "表单起草的高温预警",
        "description": "未来三天最高气温37℃以上。",
        "instruction": "落实喷淋降温。",
        "effective": "",
        "onset": "",
        "expires": later.strftime("%Y-%m-%dT%H:%M"),
        "area_desc": "杨浦区全境",
        "polygon": POLYGON,
        "circle": "",
        "contact": "",
        "note": "",
    }
    data.update(overrides)
    return data


def draft(*, by=None, region: str = world.YANGPU, **overrides) -> CapAlert:
    return services.alert_create(
        by=by or world.actor("admin"), data=alert_data(region, **overrides)
    )


def alert_in(
    state: str, *, by=None, approver=None, region: str = world.YANGPU, **overrides
) -> CapAlert:
    """A warning walked to ``state`` (draft, pending, published, superseded, cancelled,
    discarded) — drafted by ``by`` (admin) and approved by ``approver`` (the signer)."""
    by = by or world.actor("admin")
    approver = approver or signer()
    alert = draft(by=by, region=region, **overrides)
    if state == "draft":
        return alert
    if state == "discarded":
        return services.alert_discard(by=by, alert_id=alert.pk, expected_version=alert.version)
    alert = services.alert_submit(by=by, alert_id=alert.pk, expected_version=alert.version)
    if state == "pending":
        return alert
    alert = services.alert_approve(by=approver, alert_id=alert.pk, expected_version=alert.version)
    if state == "published":
        return alert
    if state == "cancelled":
        services.alert_cancel(
            by=approver, alert_id=alert.pk, expected_version=alert.version, reason="风险已解除"
        )
    elif state == "superseded":
        update = published_update(alert, by=by, approver=approver)
        assert update.state == "published"
    else:
        raise ValueError(state)
    alert.refresh_from_db()
    return alert


def published_update(original: CapAlert, *, by=None, approver=None, **changes) -> CapAlert:
    """An Update of ``original``, edited with ``changes``, submitted and published."""
    by = by or world.actor("admin")
    approver = approver or signer()
    update, _created = services.alert_start_update(by=by, alert_id=original.pk)
    if changes:
        data = {name: getattr(update, name) for name in services.EDITABLE_FIELDS}
        update = services.alert_edit(
            by=by,
            alert_id=update.pk,
            data={**data, **changes},
            expected_version=update.version,
        )
    update = services.alert_submit(by=by, alert_id=update.pk, expected_version=update.version)
    return services.alert_approve(by=approver, alert_id=update.pk, expected_version=update.version)


def cap_setup(enterprise) -> dict:
    """The objects the URL-access table requests the warning pages with: a published
    warning and a draft of the district of ``enterprise`` (inside every viewer's scope)."""
    district = enterprise.street.parent_id
    return {
        "cap_alert": alert_in("published", region=district, headline="访问表用的已发布预警"),
        "cap_draft": draft(region=district, headline="访问表用的预警草稿"),
    }
