"""Every URL and API endpoint declares who may use it (STYLE habit 3).

Deny by default: a view either carries ``access = "<action>"`` (checked against the
one role → action map, which ``accounts.permissions`` assembles from each app's
``permissions`` module) or is marked ``PUBLIC``.
``anjian/web/tests/test_url_access.py`` walks the URL resolver and the API's
operations and fails on any route that declares nothing; ``test_page_access.py`` and
``test_api_access.py`` try every actor of the test world on them.

Wrong role → 403 (the user knows the page exists; it is not about an object). A role
that grants a city-wide action (an app's ``permissions.CITY_WIDE``) to a user
whose scope is smaller → 403 that says so, in Chinese.
Objects outside scope → 404, which the scoped querysets give for free.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from anjian.core.api import declare_common_answers
from anjian.core.scoping import city_wide_refusal

PUBLIC = "public"


def _user_can(user, action: str) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.can(action))


def _scope_refusal(user, actions) -> str:
    """Why a logged-in ``user`` may do none of ``actions``, when it is not their role: the
    role grants one, but it configures the whole deployment and their scope is smaller
    (``accounts.permissions.city_wide_actions()``). Empty when it is the role."""
    grants = getattr(user, "role_grants", None)
    if grants is not None and any(grants(a) for a in actions):
        return city_wide_refusal(user)
    return ""


def requires(action: str, *alternatives: str):
    """Decorate a function view: logged-in users whose role grants ``action`` or an alternative."""
    actions = (action, *alternatives)

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not any(request.user.can(a) for a in actions):
                raise PermissionDenied(_scope_refusal(request.user, actions))
            return view(request, *args, **kwargs)

        wrapper.access = "|".join(actions)
        return wrapper

    return decorator


def public(view):
    """Mark a view as open to anyone, logged in or not."""
    view.access = PUBLIC
    return view


class AccessMixin:
    """For class-based views: set ``access`` to an action (alternatives joined by "|", as
    ``requires`` declares them: any one lets in), or to PUBLIC."""

    access: str | None = None

    def dispatch(self, request, *args, **kwargs):
        if self.access is None:
            raise PermissionDenied
        if self.access != PUBLIC:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            actions = self.access.split("|")
            if not any(request.user.can(action) for action in actions):
                raise PermissionDenied(_scope_refusal(request.user, actions))
        return super().dispatch(request, *args, **kwargs)


def declared_access(callback) -> str | None:
    """What a resolved URL callback declares, or None when it declares nothing."""
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return getattr(view_class, "access", None)
    return getattr(callback, "access", None)


def api_requires(action: str, *alternatives: str):
    """Decorate a django-ninja operation: the role must grant ``action`` or an alternative.

    The operation's documentation then lists the answers every such operation can give
    (``core.api.declare_common_answers``: 401, 403, and 400 for a body that is not JSON),
    declared here once rather than on every operation.
    """
    from ninja.errors import HttpError

    actions = (action, *alternatives)

    def decorator(func):
        @wraps(func)
        def wrapper(request, *args, **kwargs):
            if not any(_user_can(request.user, a) for a in actions):
                reason = _scope_refusal(request.user, actions)
                raise HttpError(403, reason or "您的角色无权执行此操作")
            return func(request, *args, **kwargs)

        wrapper.access = "|".join(actions)
        # A copy: ``wraps`` shares the wrapped function's list of contributions.
        wrapper._ninja_contribute_to_operation = [
            *getattr(func, "_ninja_contribute_to_operation", ()),
            declare_common_answers,
        ]
        return wrapper

    return decorator


def api_public(func):
    func.access = PUBLIC
    return func
