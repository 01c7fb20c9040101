"""Linking monitoring devices to a major hazard source from the source's page (关联设备,
解除关联). The source is read through the writer's scope (404 outside it); each device
changes through monitoring's own service (``device_link_source``: a device of the
source's own enterprise, ``monitor.manage``, its version bumped and the change flagged as a
configuration change — the same as the device's edit page). The device page links a device
the other way (``monitoring.services.device_update``)."""

from django.db import transaction
from django.utils.translation import gettext as _

from anjian.core.exceptions import Conflict, OutOfScope, ValidationError
from anjian.hazchem.choices import SourceState
from anjian.hazchem.models import MajorHazardSource
from anjian.hazchem.selectors import sources
from anjian.monitoring import services as monitoring_services
from anjian.monitoring.models import Device

MOST_AT_ONCE = 100


def _source(by, source_id) -> MajorHazardSource:
    found = sources(by).select_for_update(of=("self",)).filter(pk=source_id).first()
    if found is None:
        raise OutOfScope()
    return found


def _refusal(error: ValidationError) -> str:
    return "；".join(message for messages in error.message_dict.values() for message in messages)


@transaction.atomic
def source_link_devices(by, *, source_id: int, device_ids: list[int]) -> list[Device]:
    """Link the devices ``device_ids`` (of the source's enterprise, in ``by``'s scope) to
    the source, not closed; a device linked to another source moves to this one, one
    already linked to it stays as it is. All or none: one refused device refuses them
    all, named."""
    source = _source(by, source_id)
    if source.state == SourceState.CLOSED:
        raise Conflict(_("该重大危险源已核销，不能再关联设备"))
    ids = list(dict.fromkeys(int(pk) for pk in device_ids or ()))
    if not ids:
        raise ValidationError({"devices": _("请选择要关联的设备")})
    if len(ids) > MOST_AT_ONCE:
        raise ValidationError({"devices": _("一次最多关联 %(n)d 台设备") % {"n": MOST_AT_ONCE}})
    linked = []
    for device_id in ids:
        try:
            device = monitoring_services.device_link_source(
                by=by, device_id=device_id, source=source
            )
        except Device.DoesNotExist:
            raise ValidationError(
                {"devices": _("设备 %(id)s 不存在或不在您的范围内") % {"id": device_id}}
            ) from None
        except ValidationError as refused:
            raise ValidationError({"devices": _refusal(refused)}) from None
        linked.append(device)
    return linked


@transaction.atomic
def source_unlink_device(
    by, *, source_id: int, device_id: int, expected_version: int | None
) -> Device:
    """Unlink the device from the source (a closed source's too: its history stays in the
    device's readings and alarms). ``expected_version``: the device's, as the page showed
    it. A device linked to no source is returned as it is (a double submit); one linked to
    another source meanwhile is a conflict."""
    source = _source(by, source_id)
    device = Device.objects.for_user(by).filter(pk=device_id).first()
    if device is None:
        raise OutOfScope()
    if device.hazard_source_id not in (None, source.pk):
        raise Conflict(_("该设备已改为关联其他重大危险源，请刷新页面"))
    return monitoring_services.device_link_source(
        by=by, device_id=device.pk, source=None, expected_version=expected_version
    )
