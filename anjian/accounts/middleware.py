"""Bearer-token authentication for integrations, and the forced change of an expired or
reset password.

A request carrying ``Authorization: Bearer aj_…`` acts as the token's user, so the
audit trail, scope and permissions see the same user whether the call came from a
browser session or an integration. A bad token is answered 401 here and goes no
further; session cookies are ignored on token requests.
"""

from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from anjian.accounts.models import ApiToken
from anjian.accounts.passwords import must_change_password

TOUCH_EVERY = timedelta(minutes=5)


class ApiTokenMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            token = ApiToken.objects.authenticate(header.removeprefix("Bearer ").strip())
            if token is None or not token.user.is_active:
                return JsonResponse(
                    {"detail": "API 令牌无效、已过期或已吊销"},
                    status=401,
                    headers={"WWW-Authenticate": 'Bearer realm="anjian"'},
                )
            now = timezone.now()
            if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
                ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            request.user = token.user
            request.api_token = token
            # Token requests carry no cookies to forge; CSRF protects sessions only.
            request._dont_enforce_csrf_checks = True
        return self.get_response(request)


class PasswordExpiryMiddleware:
    """A signed-in browser user who must change their password — an administrator reset it
    (``User.password_must_change``), or ``PASSWORD_MAX_AGE_DAYS`` is set and it is older —
    is sent to the password-change page before anything else (and back afterwards).

    Left alone: API token requests (the token is the credential), the change page itself,
    logging in and out, and static files. A session call to /api/ gets 403 with a reason,
    an htmx request an ``HX-Redirect``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_change(request):
            return self._send_to_change(request)
        return self.get_response(request)

    @staticmethod
    def _must_change(request) -> bool:
        if getattr(request, "api_token", None):
            return False
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not must_change_password(user):
            return False
        exempt = (
            reverse("accounts:password_change"),
            reverse("accounts:login"),
            reverse("accounts:logout"),
        )
        return request.path not in exempt and not request.path.startswith(settings.STATIC_URL)

    @staticmethod
    def _send_to_change(request):
        if request.path.startswith("/api/"):
            if request.user.password_must_change:
                detail = "管理员已重置您的密码，请先登录网页设置新密码"
            else:
                detail = "密码已过期，请先登录网页修改密码"
            return JsonResponse({"detail": detail}, status=403)
        target = reverse("accounts:password_change")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request") == "true":
            return HttpResponse(status=204, headers={"HX-Redirect": target})
        return redirect(target)
