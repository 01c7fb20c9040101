from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "anjian.accounts"
    label = "accounts"
    verbose_name = _("用户与权限")

    def ready(self):
        from auditlog.registry import auditlog

        from anjian.accounts import permissions
        from anjian.accounts.models import User

        auditlog.register(
            User,
            # The password and its flag are written to the trail by the services that
            # set them (user_password_reset), with who did it and why.
            exclude_fields=["password", "password_must_change", "last_login", "updated_at"],
            m2m_fields=set(),
        )
        # Assemble the role → action map from every app's ``permissions`` module now: a
        # grant of an undeclared action or an action declared twice stops the start.
        permissions.action_map()
