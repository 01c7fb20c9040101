from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RisksConfig(AppConfig):
    name = "anjian.risks"
    label = "risks"
    verbose_name = _("安全风险分级管控")

    def ready(self):
        from auditlog.registry import auditlog

        from anjian.risks.forms import POINT_FIELDS
        from anjian.risks.models import (
            ControlMeasure,
            RiskAssessment,
            RiskBandTable,
            RiskLibraryEntry,
            RiskPoint,
        )

        # What an official reads in a risk point's history: the form's fields, its status
        # and the grades (changed by assessments), not the scope columns or the claim.
        auditlog.register(
            RiskPoint,
            include_fields=[
                *POINT_FIELDS,
                "status",
                "retire_reason",
                "inherent_level",
                "residual_level",
                "current_level",
            ],
        )
        auditlog.register(RiskAssessment)
        auditlog.register(ControlMeasure, exclude_fields=["version", "created_at", "updated_at"])
        auditlog.register(RiskBandTable)
        auditlog.register(RiskLibraryEntry)

        from anjian.risks import jobs  # noqa: F401  (registers the export jobs)
