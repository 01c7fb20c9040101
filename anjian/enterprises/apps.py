from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "anjian.enterprises"
    label = "enterprises"
    verbose_name = _("生产经营单位")

    def ready(self):
        from auditlog.registry import auditlog

        from anjian.enterprises.forms import GOVERNMENT_FIELDS
        from anjian.enterprises.models import Enterprise, EnterpriseUser, PublicPlace
        from anjian.enterprises.places.services import PLACE_FIELDS

        # What an official reads in the history: the fields of the form, nothing derived.
        auditlog.register(Enterprise, include_fields=GOVERNMENT_FIELDS)
        auditlog.register(EnterpriseUser)
        auditlog.register(PublicPlace, include_fields=list(PLACE_FIELDS))

        from anjian.enterprises import jobs, owned, receivers  # noqa: F401  (register handlers)
        from anjian.enterprises.signals import enterprise_moved

        # Every EnterpriseOwned row follows an enterprise that moves (owned.py).
        enterprise_moved.connect(owned.follow, dispatch_uid="enterprise_owned_follow")
