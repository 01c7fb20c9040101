"""Keep each risk point's copied scope columns equal to its enterprise's."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from anjian.enterprises.models import Enterprise
from anjian.risks.models import RiskPoint


@receiver(post_save, sender=Enterprise, dispatch_uid="risks_follow_enterprise")
def follow_enterprise(sender, instance: Enterprise, created: bool, raw: bool = False, **kwargs):
    """An enterprise that moves street/grid or changes industry takes its risk points along."""
    if created or raw:
        return
    RiskPoint.objects.filter(enterprise_id=instance.pk).exclude(
        scope_region_code=instance.scope_region_code, industry_id=instance.industry_id
    ).update(scope_region_code=instance.scope_region_code, industry_id=instance.industry_id)
