from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HazardsConfig(AppConfig):
    name = "anjian.hazards"
    label = "hazards"
    verbose_name = _("隐患排查治理")

    def ready(self):
        from auditlog.registry import auditlog

        from anjian.enterprises.owned import extend_follow
        from anjian.hazards import services
        from anjian.hazards.models import (
            CheckItem,
            CheckPlan,
            EscalationRule,
            Hazard,
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

        # Hazards follow an enterprise that moves, and take their clearing figures along.
        extend_follow(Hazard, services.hazards_follow_enterprise)
        # … and a public place that moves (ADR 14).
        from anjian.enterprises.signals import place_moved

        place_moved.connect(services.hazards_follow_place, dispatch_uid="hazards_follow_place")

        from anjian.hazards import exports  # noqa: F401  (registers the export job)
