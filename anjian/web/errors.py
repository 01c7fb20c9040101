"""Error pages in Chinese; API paths get JSON."""

from django.http import JsonResponse
from django.shortcuts import render


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def forbidden(request, exception=None):
    """403. A refusal that says why (``PermissionDenied("…")`` from a service's
    NotPermitted, e.g. a finding only its finder corrects) shows that reason."""
    reason = str(exception) if exception is not None else ""
    if _wants_json(request):
        return JsonResponse({"detail": reason or "您的角色无权执行此操作"}, status=403)
    return render(request, "errors/403.html", {"reason": reason}, status=403)


def not_found(request, exception=None):
    if _wants_json(request):
        return JsonResponse({"detail": "未找到"}, status=404)
    return render(request, "errors/404.html", status=404)


def server_error(request):
    if _wants_json(request):
        return JsonResponse({"detail": "服务器内部错误，请稍后重试"}, status=500)
    return render(request, "errors/500.html", status=500)
