from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "anjian.regions"
    label = "regions"
    verbose_name = _("行政区划与部门")

    def ready(self):
        from auditlog.registry import auditlog
        from django.db.models.signals import post_migrate

        from anjian.regions import receivers
        from anjian.regions.models import Department, Industry, Region

        post_migrate.connect(receivers.after_migrate, sender=self)

        auditlog.register(Region, exclude_fields=["updated_at"])
        auditlog.register(Industry)
        auditlog.register(Department, m2m_fields={"industries"}, exclude_fields=["updated_at"])
