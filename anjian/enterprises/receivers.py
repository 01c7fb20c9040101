from django.dispatch import receiver

from anjian.enterprises.services import enterprises_rederive_departments
from anjian.regions.signals import department_industries_changed


@receiver(department_industries_changed)
def rederive_departments(sender, region_code: str, industry_ids: set[int], **kwargs):
    enterprises_rederive_departments(region_code=region_code, industry_ids=industry_ids)
