from django.conf import settings
from django.contrib import messages
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anjian.core import audit
from anjian.core.access import requires
from anjian.core.forms import submit
from anjian.core.scoping import is_city_wide, require_city_wide
from anjian.regions import permissions as perms
from anjian.regions import services
from anjian.regions.forms import DepartmentForm, IndustryForm, RegionChildForm
from anjian.regions.models import Industry, Region
from anjian.regions.selectors import departments_for, departments_managed_by


def _visible_region(user, code: str) -> Region:
    """A region inside the user's scope (404 otherwise)."""
    scope = user.scope
    if not (scope.everything or (scope.region_prefix and code.startswith(scope.region_prefix))):
        raise Http404
    return get_object_or_404(Region.objects.select_related("parent"), code=code)


def _scope_root(user) -> str:
    scope = user.scope
    if scope.everything:
        return settings.REGION_ROOT
    if scope.region_prefix is None:
        raise Http404
    return scope.region_prefix


@require_GET
@requires(perms.REGION_VIEW)
def region_list(request):
    return redirect("regions:region_detail", code=_scope_root(request.user))


@require_GET
@requires(perms.REGION_VIEW)
def region_detail(request, code: str):
    region = _visible_region(request.user, code)
    children = region.children.order_by("code").annotate(n=Count("children"))
    ancestors = []
    node = region.parent
    root = _scope_root(request.user)
    while node is not None and node.code.startswith(root):
        ancestors.insert(0, node)
        node = node.parent
    return render(
        request,
        "regions/detail.html",
        {
            "region": region,
            "children": children,
            "ancestors": ancestors,
            "form": RegionChildForm() if region.level in services.CHILD_LEVELS else None,
            "can_manage": request.user.can(perms.REGION_MANAGE),
            "history": audit.history(region, limit=20),
        },
    )


@require_POST
@requires(perms.REGION_MANAGE)
def region_add_child(request, code: str):
    parent = _visible_region(request.user, code)
    form = RegionChildForm(request.POST)
    outcome = submit(
        request,
        form,
        lambda data: services.region_add_child(by=request.user, parent=parent, **data),
    )
    if outcome.done:
        child = outcome.result
        messages.success(
            request, _("已新增 %(name)s（%(code)s）") % {"name": child.name, "code": child.code}
        )
    else:  # the detail page's form is a small inline one: its errors as a message
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    return redirect("regions:region_detail", code=parent.code)


@require_GET
@requires(perms.DEPARTMENT_VIEW)
def department_list(request):
    can_manage = request.user.can(perms.DEPARTMENT_MANAGE)
    departments = departments_for(request.user)
    if can_manage:
        # Deactivated departments stay listed for those who can switch them back on.
        departments = departments | departments_managed_by(request.user).filter(is_active=False)
    return render(
        request,
        "regions/departments.html",
        {
            "departments": departments.prefetch_related("industries"),
            "industries": Industry.objects.all(),
            "can_manage": can_manage,
            "can_manage_industries": can_manage and is_city_wide(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@requires(perms.DEPARTMENT_MANAGE)
def department_edit(request, pk: int):
    # Seen: the departments above the user's scope too; changed: only those inside it.
    department = get_object_or_404(departments_managed_by(request.user), pk=pk)
    form = DepartmentForm(request.POST or None, instance=department)
    outcome = submit(
        request, form, lambda _data: services.department_update(by=request.user, form=form)
    )
    if outcome.done:
        messages.success(
            request,
            _("已保存 %(name)s；相关单位的监管部门已按新的行业分工更新")
            % {"name": department.name},
        )
        return redirect("regions:department_list")
    return render(
        request,
        "regions/form.html",
        {"form": form, "title": department.name, "history": audit.history(department, limit=20)},
        status=outcome.status,
    )


@require_http_methods(["GET", "POST"])
@requires(perms.DEPARTMENT_MANAGE)
def industry_edit(request, pk: int | None = None):
    # The industry catalogue is shared by every region: only administrators of the whole
    # deployment change it.
    require_city_wide(request.user, what=_("监管行业目录"))  # refused: 403 with the reason
    industry = get_object_or_404(Industry, pk=pk) if pk else None
    form = IndustryForm(request.POST or None, instance=industry)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("已保存监管行业 %(name)s") % {"name": form.instance.name})
        return redirect("regions:department_list")
    title = industry.name if industry else _("新增监管行业")
    return render(
        request,
        "regions/form.html",
        {
            "form": form,
            "title": title,
            "history": audit.history(industry, limit=20) if industry else [],
        },
    )
