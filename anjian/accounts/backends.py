"""Signing in and the per-request user read."""

from django.contrib.auth.backends import ModelBackend

from anjian.accounts.models import User

# What ``User.scope`` reads, fetched with the user in one statement (not the region's
# outline: a district's GeoJSON would ride along on every request).
SCOPE_RELATIONS = ("region", "department", "enterprise_link__enterprise")
SCOPE_DEFERRED = ("region__boundary",)


def with_scope(users):
    return users.select_related(*SCOPE_RELATIONS).defer(*SCOPE_DEFERRED)


class ScopedModelBackend(ModelBackend):
    """Django's ModelBackend whose ``get_user`` (every signed-in request) brings the
    user's region, department and enterprise link along."""

    def get_user(self, user_id):
        try:
            user = with_scope(User._default_manager).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
