from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "anjian.analytics"
    label = "analytics"
    verbose_name = _("指标与统计")

    def ready(self):
        from auditlog.registry import auditlog

        from anjian.analytics.models import Denominator, IndicatorPlan, IndicatorTarget
        from anjian.analytics.monthly import services  # noqa: F401  (registers the monthly report job)

        # The figures behind every rate and every target are typed in by people: who
        # changed a GDP figure or a target value, and when, is part of the record.
        auditlog.register(Denominator, exclude_fields=["version", "updated_at"])
        auditlog.register(IndicatorPlan, exclude_fields=["version", "updated_at"])
        auditlog.register(IndicatorTarget)
