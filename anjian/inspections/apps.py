from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "anjian.inspections"
    label = "inspections"
    verbose_name = _("监督检查与执法")

    def ready(self):
        from auditlog.registry import auditlog

        from anjian.inspections.record_models import ChecklistEntry, ChecklistTemplate

        # The checklists are edited records with a change history (standards pages).
        auditlog.register(ChecklistTemplate, m2m_fields={"industries"}, exclude_fields=["version"])
        auditlog.register(ChecklistEntry)

        from anjian.inspections.case_models import DiscretionRule

        # The discretion table (自由裁量基准): who changed which range, when.
        auditlog.register(DiscretionRule, exclude_fields=["version"])
