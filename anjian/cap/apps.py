from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CapConfig(AppConfig):
    name = "anjian.cap"
    label = "cap"
    verbose_name = _("预警信息发布（CAP 1.2）")

    def ready(self):
        from auditlog.registry import auditlog

        from anjian.cap.models import CapAlert

        # Drafting and edits are recorded field by field; state changes (submit, approve,
        # cancel …) are conditional UPDATEs recorded as CapAlertTransition rows (the timeline).
        auditlog.register(CapAlert, exclude_fields=["version", "updated_at", "xml"])
