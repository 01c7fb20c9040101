"""Keep devices' and alarms' copied scope columns equal to their enterprise's."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from anjian.enterprises.models import Enterprise
from anjian.monitoring.models import Alarm, Device


@receiver(post_save, sender=Enterprise, dispatch_uid="monitoring_follow_enterprise")
def follow_enterprise(sender, instance: Enterprise, created: bool, raw: bool = False, **kwargs):
    if created or raw:
        return
    moved = {"scope_region_code": instance.scope_region_code, "industry_id": instance.industry_id}
    for model in (Device, Alarm):
        model.objects.filter(enterprise_id=instance.pk).exclude(**moved).update(**moved)
