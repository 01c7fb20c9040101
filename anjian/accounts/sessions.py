"""The idle timeout without a session write on every request.

Django keeps an idle timeout by saving the session on every request
(``SESSION_SAVE_EVERY_REQUEST``): three SQL statements per page, most of a simple page's.
Here a signed-in session is written when it was last written long enough ago — a
tenth of the timeout, at most a minute — so the session still expires after the idle
timeout, give or take that much, and a page costs no write in between.
"""

import time

from django.conf import settings

TOUCHED = "_touched"
MOST_SECONDS_BETWEEN_WRITES = 60


def write_every() -> int:
    return min(MOST_SECONDS_BETWEEN_WRITES, settings.SESSION_COOKIE_AGE // 10)


class IdleSessionMiddleware:
    """After the view: mark the session modified when its last write is older than
    ``write_every()`` seconds; ``SessionMiddleware`` (earlier in the list, so later on the
    way out) then saves it with a fresh expiry."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if (
            session is not None
            and session.session_key
            and user is not None
            and user.is_authenticated
            and getattr(request, "api_token", None) is None
        ):
            now = int(time.time())
            if now - session.get(TOUCHED, 0) >= write_every():
                session[TOUCHED] = now
        return response
