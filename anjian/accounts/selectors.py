from django.db.models import Q, QuerySet

from anjian.accounts.models import User


def users_for(admin, query: str = "") -> QuerySet[User]:
    """Accounts an administrator manages: those whose scope lies inside the admin's own."""
    users = User.objects.select_related("region", "department")
    scope = admin.scope
    if not scope.everything:
        prefix = scope.region_prefix or "-"
        users = users.filter(
            Q(region__code__startswith=prefix)
            | Q(enterprise_link__enterprise__scope_region_code__startswith=prefix)
        )
    if query:
        users = users.filter(
            Q(username__icontains=query) | Q(name__contains=query) | Q(phone__contains=query)
        )
    return users.order_by("role", "username")
