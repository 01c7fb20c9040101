"""Bearer-token authentication for integrations, before the audit middleware runs.

A request carrying ``Authorization: Bearer aj_…`` acts as the token's user, so the
audit trail, scope and permissions see the same user whether the call came from a
browser session or an integration. A bad token is answered 401 here and goes no
further; session cookies are ignored on token requests.
"""

from datetime import timedelta

from django.http import JsonResponse
from django.utils import timezone

from anjian.accounts.models import ApiToken

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
