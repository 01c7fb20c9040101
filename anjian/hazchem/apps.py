from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class HazchemConfig(AppConfig):
    name = "anjian.hazchem"
    label = "hazchem"
    verbose_name = _("危险化学品与重大危险源")

    def ready(self) -> None:
        from anjian.hazchem.catalogue import sync_after_migrate

        post_migrate.connect(sync_after_migrate, sender=self)
