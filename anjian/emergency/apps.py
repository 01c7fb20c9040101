from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmergencyConfig(AppConfig):
    name = "anjian.emergency"
    label = "emergency"
    verbose_name = _("应急准备与处置")

    def ready(self):
        # The import jobs register their handlers (core.jobs) when the module loads: the
        # worker process must know them without a page having been imported.
        from anjian.emergency import record_import, resource_import  # noqa: F401
