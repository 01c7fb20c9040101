"""Every URL and API endpoint declares who may use it (STYLE habit 3).

Deny by default: a view either carries ``access = "<action>"`` (checked against the
one role → action map in ``accounts.permissions``) or is marked ``PUBLIC``.
``anjian/web/tests/test_url_access.py`` walks the URL resolver and the API's
operations and fails on any route that declares nothing.

Wrong role → 403 (the user knows the page exists; it is not about an object).
Objects outside scope → 404, which the scoped querysets give for free.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

PUBLIC = "public"


def _user_can(user, action: str) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.can(action))


def requires(action: str, *alternatives: str):
    """Decorate a function view: logged-in users whose role grants ``action`` or an alternative."""
    actions = (action, *alternatives)

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not any(request.user.can(a) for a in actions):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.access = "|".join(actions)
        return wrapper

    return decorator


def public(view):
    """Mark a view as open to anyone, logged in or not."""
    view.access = PUBLIC
    return view


class AccessMixin:
    """For class-based views: set ``access`` to an action, or to PUBLIC."""

    access: str | None = None

    def dispatch(self, request, *args, **kwargs):
        if self.access is None:
            raise PermissionDenied
        if self.access != PUBLIC:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.can(self.access):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def declared_access(callback) -> str | None:
    """What a resolved URL callback declares, or None when it declares nothing."""
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return getattr(view_class, "access", None)
    return getattr(callback, "access", None)


def api_requires(action: str, *alternatives: str):
    """Decorate a django-ninja operation: the role must grant ``action`` or an alternative."""
    from ninja.errors import HttpError

    actions = (action, *alternatives)

    def decorator(func):
        @wraps(func)
        def wrapper(request, *args, **kwargs):
            if not any(_user_can(request.user, a) for a in actions):
                raise HttpError(403, "您的角色无权执行此操作")
            return func(request, *args, **kwargs)

        wrapper.access = "|".join(actions)
        return wrapper

    return decorator


def api_public(func):
    func.access = PUBLIC
    return func
