from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """Layout, navigation, home page and the demo district. Holds no models."""

    name = "anjian.web"
    label = "web"
    verbose_name = _("界面")
