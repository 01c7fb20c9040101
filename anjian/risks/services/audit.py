"""Audit entries for rows inserted with ``bulk_create`` (auditlog's signals do not fire
for them), written the way the signal path would have written them."""

import json
from datetime import UTC

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.encoding import smart_str


def _tracked_fields(model) -> list:
    """The fields auditlog records for ``model`` (its registration's include/exclude)."""
    from auditlog.diff import track_field
    from auditlog.registry import auditlog

    settings = auditlog.get_model_fields(model)
    fields = [f for f in model._meta.fields if track_field(f)]
    if settings["include_fields"]:
        fields = [f for f in fields if f.name in settings["include_fields"]]
    if settings["exclude_fields"]:
        fields = [f for f in fields if f.name not in settings["exclude_fields"]]
    return fields


def _create_diff(obj, fields) -> dict:
    """What ``model_instance_diff(None, obj)`` gives, for the field types these models use,
    without its per-field lookups (the bulk path writes tens of thousands of entries)."""
    diff = {}
    for field in fields:
        value = getattr(obj, field.attname)
        if value is None and (
            field.many_to_one or field.one_to_one or isinstance(field, models.DateTimeField)
        ):
            # auditlog compares its "None" with a real None here and records the pair.
            diff[field.name] = ("None", "None")
            continue
        if isinstance(field, models.DateTimeField) and timezone.is_aware(value):
            value = timezone.make_naive(value, timezone=UTC)
        if isinstance(field, models.JSONField):
            text = json.dumps(value, sort_keys=True, cls=field.encoder)
        else:
            text = smart_str(value)
        if text != "None":
            diff[field.name] = ("None", text)
    return diff


def write_log_entries(by, model, objects: list, *, batch_size: int = 1000) -> None:
    """CREATE entries for rows inserted with bulk_create (signals do not fire for them)."""
    if not objects:
        return
    content_type = ContentType.objects.get_for_model(model)
    fields = _tracked_fields(model)
    now = timezone.now()
    LogEntry.objects.bulk_create(
        [
            LogEntry(
                content_type=content_type,
                object_pk=str(obj.pk),
                object_id=obj.pk,
                object_repr=str(obj)[:200],
                action=LogEntry.Action.CREATE,
                changes=_create_diff(obj, fields),
                actor=by,
                timestamp=now,
                additional_data={"via": "bulk"},
            )
            for obj in objects
        ],
        batch_size=batch_size,
    )
