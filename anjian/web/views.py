from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse

from anjian.core.access import public, requires
from anjian.enterprises import permissions as enterprise_perms
from anjian.enterprises import selectors as enterprise_selectors
from anjian.web import permissions as perms
from anjian.web.todo import todo_items


@requires(perms.HOME_VIEW)
def home(request):
    user = request.user
    counts = None
    charts = None
    if user.scope.enterprise_id is not None:
        own = enterprise_selectors.enterprise_get(user, user.scope.enterprise_id)
        return render(
            request,
            "web/home_enterprise.html",
            {"enterprise": own, "todo": todo_items(user)},
        )
    if user.can(enterprise_perms.ENTERPRISE_VIEW) and not user.scope.is_empty:
        counts = enterprise_selectors.registry_counts(user)
        list_url = reverse("enterprises:enterprise_list")
        charts = {
            "listUrl": list_url,
            "industry": [[r.key, r.label, r.count] for r in counts.by_industry],
            "street": [[r.key, r.label, r.count] for r in counts.by_street],
            "grade": [[r.key, r.label, r.count] for r in counts.by_grade],
        }
    return render(
        request,
        "web/home.html",
        {
            "counts": counts,
            "charts": charts,
            "todo": todo_items(user),
            "by_grid": enterprise_selectors.by_grid(user),
        },
    )


@public
def healthz(request):
    """Liveness and database reachability, for load balancers and `make run`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
