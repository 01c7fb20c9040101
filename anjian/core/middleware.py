from django.http import Http404

from anjian.core.exceptions import OutOfScope


class ScopeErrorMiddleware:
    """An OutOfScope that escapes a page view becomes a plain 404 (never a 403 with details)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OutOfScope):
            raise Http404
        return None
