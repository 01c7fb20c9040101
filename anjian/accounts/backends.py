"""Signing in and the per-request user read."""

from django.contrib.auth.backends import ModelBackend

from anjian.accounts.models import User
from anjian.core.caching import site_flag_annotations
from anjian.core.notifications import UNREAD_ATTRIBUTE, unread_annotation

# What ``User.scope`` reads, fetched with the user in one statement (not the region's
# outline: a district's GeoJSON would ride along on every request).
SCOPE_RELATIONS = ("region", "department", "enterprise_link__enterprise")
SCOPE_DEFERRED = ("region__boundary",)


def with_scope(users):
    return users.select_related(*SCOPE_RELATIONS).defer(*SCOPE_DEFERRED)


def with_request_facts(users):
    """The users with what every page shows beside them, read in the same statement: the
    stamp of the cached pickers and the demo flag (core.caching) and the unread notices
    (the menu's badge)."""
    return with_scope(users).annotate(
        **site_flag_annotations(), **{UNREAD_ATTRIBUTE: unread_annotation()}
    )


class ScopedModelBackend(ModelBackend):
    """Django's ModelBackend whose ``get_user`` (every signed-in request) brings the
    user's region, department and enterprise link along, and ``with_request_facts``."""

    def get_user(self, user_id):
        try:
            user = with_request_facts(User._default_manager).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
