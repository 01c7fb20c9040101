from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HazardsConfig(AppConfig):
    name = "anjian.hazards"
    label = "hazards"
    verbose_name = _("隐患排查治理")

    def ready(self):
        from auditlog.registry import auditlog

        from anjian.hazards import receivers  # noqa: F401  (follow enterprises that move)
        from anjian.hazards.models import (
            CheckItem,
            CheckPlan,
            EscalationRule,
            StandardClause,
            StandardDocument,
            SupervisionListing,
            SystemMeasure,
        )

        # Hazard state changes are recorded as HazardTransition rows (the timeline);
        # the library, the ladder and listings are edited records with a change history.
        auditlog.register(StandardDocument)
        auditlog.register(StandardClause)
        auditlog.register(EscalationRule)
        auditlog.register(SupervisionListing)
        auditlog.register(CheckPlan)
        auditlog.register(CheckItem)
        auditlog.register(SystemMeasure, m2m_fields={"hazards"}, exclude_fields=["version"])
