from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CapConfig(AppConfig):
    name = "anjian.cap"
    label = "cap"
    verbose_name = _("预警信息发布（CAP 1.2）")

    def ready(self):
        from auditlog.registry import auditlog

        from anjian.cap import channels
        from anjian.cap.models import AUDITED_FIELDS, CapAlert

        # A channel that cannot be loaded (a wrong path, a missing gateway URL) stops the
        # start, not the first warning.
        channels.configured()

        # Drafting and edits are recorded field by field, the fields a composer writes only
        # (not reverse relations or the workflow's columns, which read as internal names);
        # state changes (submit, approve, cancel …) are conditional UPDATEs recorded as
        # CapAlertTransition rows (the timeline).
        auditlog.register(CapAlert, include_fields=list(AUDITED_FIELDS))
