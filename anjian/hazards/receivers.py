"""Keep each hazard's copied scope columns (and the figures) equal to its enterprise's."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from anjian.enterprises.models import Enterprise
from anjian.hazards import services


@receiver(post_save, sender=Enterprise, dispatch_uid="hazards_follow_enterprise")
def follow_enterprise(sender, instance: Enterprise, created: bool, raw: bool = False, **kwargs):
    if created or raw:
        return
    services.hazards_follow_enterprise(instance)
