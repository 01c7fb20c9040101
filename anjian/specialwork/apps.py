from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpecialworkConfig(AppConfig):
    name = "anjian.specialwork"
    label = "specialwork"
    verbose_name = _("特殊作业")
