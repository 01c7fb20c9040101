from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "anjian.accounts"
    label = "accounts"
    verbose_name = _("用户与权限")

    def ready(self):
        from auditlog.registry import auditlog

        from anjian.accounts.models import User

        auditlog.register(
            User,
            exclude_fields=["password", "last_login", "updated_at"],
            m2m_fields=set(),
        )
