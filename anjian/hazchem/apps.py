from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class HazchemConfig(AppConfig):
    name = "anjian.hazchem"
    label = "hazchem"
    verbose_name = _("危险化学品与重大危险源")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from anjian.hazchem.catalogue import sync_after_migrate
        from anjian.hazchem.models import Chemical

        post_migrate.connect(sync_after_migrate, sender=self)
        # The catalogue's history of changes (who, when, what: the entry's page).
        auditlog.register(Chemical, exclude_fields=["version", "created_at", "updated_at"])
        # The import and re-evaluation jobs register their handlers (core.jobs) when their
        # modules load: the worker must know them without a page having been imported.
        from anjian.hazchem import (  # noqa: F401
            catalogue_import,
            inventory_import,
            services_catalogue,
        )
