from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CapConfig(AppConfig):
    name = "anjian.cap"
    label = "cap"
    verbose_name = _("预警信息发布（CAP 1.2）")
