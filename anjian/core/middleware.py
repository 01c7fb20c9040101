from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware
from django.conf import settings
from django.utils.cache import add_never_cache_headers

from anjian.core.access import PUBLIC, declared_access
from anjian.core.exceptions import NotPermitted, OutOfScope
from anjian.core.forms import page_error
from anjian.core.network import client_ip, from_trusted_proxy


class ScopeErrorMiddleware:
    """A service's OutOfScope that escapes a page view becomes a plain 404 (never a 403 with
    details), its NotPermitted a 403 with the reason: ``core.forms.page_error``, the one
    table of how pages answer domain errors."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, (OutOfScope, NotPermitted)):
            raise page_error(exception)
        return None


class AuditlogMiddleware(BaseAuditlogMiddleware):
    """django-auditlog's middleware with the remote address from ``core.network.client_ip``.

    The original takes the first X-Forwarded-For entry from any client, so anyone could
    write any address into the audit trail; here the forwarded headers count only when the
    request comes from a trusted proxy (ANJIAN_TRUSTED_PROXIES).
    """

    @staticmethod
    def _get_remote_addr(request):
        if settings.AUDITLOG_DISABLE_REMOTE_ADDR:
            return None
        return client_ip(request)

    @staticmethod
    def _get_remote_port(request) -> int | None:
        if from_trusted_proxy(request):
            raw = request.headers.get("X-Forwarded-Port", "")
        else:
            raw = request.META.get("REMOTE_PORT", "")
        try:
            return int(raw)
        except (TypeError, ValueError):
            return None


# Browser features the platform uses, for its own pages only: the camera (the photo inputs
# of the phone forms, ``capture``), writing to the clipboard (copying a new API token) and
# the position (the hazard report's "按我的位置查找", asked only when pressed). Everything
# else is off, for every frame. Only features Chromium recognises: an unknown one is a
# console warning on every page.
PERMISSIONS_POLICY = ", ".join(
    [
        "camera=(self)",
        "clipboard-write=(self)",
        "geolocation=(self)",
        *(
            f"{feature}=()"
            for feature in (
                "accelerometer",
                "autoplay",
                "browsing-topics",
                "clipboard-read",
                "display-capture",
                "encrypted-media",
                "fullscreen",
                "gyroscope",
                "hid",
                "idle-detection",
                "magnetometer",
                "microphone",
                "midi",
                "payment",
                "picture-in-picture",
                "publickey-credentials-get",
                "screen-wake-lock",
                "serial",
                "usb",
                "xr-spatial-tracking",
            )
        ),
    ]
)


class BrowserPolicyMiddleware:
    """Two headers for the browser, decided in one place.

    - ``Permissions-Policy`` on every response (``PERMISSIONS_POLICY``). Placed before
      WhiteNoise, so static files carry it too.
    - ``Cache-Control: no-store`` (Django's ``never_cache`` set) on every response to a
      signed-in user or an API token, so no page, export, photo or API answer stays in a
      browser's or proxy's cache on a shared office computer. Left alone: views declared
      public (the login page, the public warnings feed and its CAP files keep their own
      caching) and static files.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if self._private(request):
            add_never_cache_headers(response)
        return response

    @staticmethod
    def _private(request) -> bool:
        if request.path.startswith(settings.STATIC_URL):
            return False
        user = getattr(request, "user", None)
        signed_in = getattr(request, "api_token", None) is not None or bool(
            user is not None and user.is_authenticated
        )
        if not signed_in:
            return False
        match = getattr(request, "resolver_match", None)
        return match is None or declared_access(match.func) != PUBLIC
