from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "anjian.monitoring"
    label = "monitoring"
    verbose_name = _("监测预警")

    def ready(self):
        from auditlog.registry import auditlog

        from anjian.monitoring import channels, ingest  # noqa: F401  (signals)
        from anjian.monitoring.models import Device, DeviceType, DutyPerson, Metric, Threshold

        # The registry and the limits are edited records with a change history (a changed
        # threshold is also a data-quality flag on its device).
        auditlog.register(DeviceType)
        auditlog.register(Metric)
        auditlog.register(Device, exclude_fields=["last_seen_at", "state", "version", "token_hash"])
        auditlog.register(Threshold, exclude_fields=["version"])
        auditlog.register(DutyPerson)
        # The alarm notice backends (ANJIAN_MONITORING_ALARM_BACKENDS): a path that cannot be
        # imported stops start-up instead of failing at the first alarm.
        channels.backends()

        from anjian.monitoring import exports  # noqa: F401  (registers the export job)
