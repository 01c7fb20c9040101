"""The industry library: the reference page, and creating risk points from picked entries."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from anjian.accounts import permissions as perms
from anjian.core.access import requires
from anjian.core.exceptions import ValidationError
from anjian.core.forms import apply_service_errors
from anjian.enterprises.models import Enterprise
from anjian.risks import grading, services
from anjian.risks.choices import SCORE_LETTER, Method
from anjian.risks.forms import LibraryPickForm
from anjian.risks.models import RiskLibraryEntry
from anjian.risks.views.common import form_status, legend


@require_GET
@requires(perms.RISK_VIEW)
def library_list(request):
    entries = RiskLibraryEntry.objects.filter(is_active=True)
    tables = services.current_tables()
    rows = []
    for entry in entries:
        score = entry.typical_score()
        rows.append(
            {
                "entry": entry,
                "score": score,
                "level": grading.grade(entry.method, score, tables[entry.method]),
            }
        )
    topics: dict[str, list] = {}
    for row in rows:
        topics.setdefault(row["entry"].topic, []).append(row)
    return render(request, "risks/library.html", {"topics": topics, "legend": legend()})


def _library_enterprise(request) -> Enterprise | None:
    """The enterprise to start from: the user's own, or the one named in the query."""
    scoped = Enterprise.objects.for_user(request.user).select_related("industry")
    own = request.user.scope.enterprise_id
    if own is not None:
        return scoped.filter(pk=own).first()
    raw = request.POST.get("enterprise") or request.GET.get("enterprise") or ""
    if not raw.isdigit():
        return None
    return scoped.filter(pk=int(raw)).first()


@require_http_methods(["GET", "POST"])
@requires(perms.RISK_MANAGE)
def risk_point_from_library(request):
    enterprise = _library_enterprise(request)
    if enterprise is None:
        messages.error(request, _("请先选择单位：从单位页面或风险点列表进入。"))
        return redirect("risks:risk_point_list")
    applicable = services.library_for(enterprise)
    queryset = RiskLibraryEntry.objects.filter(pk__in=[e.pk for e in applicable])
    form = LibraryPickForm(request.POST or None, entries=queryset, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.risk_points_from_library(
                by=request.user,
                enterprise=enterprise,
                entries=list(data["entries"]),
                owner_name=data["owner_name"],
                owner_phone=data["owner_phone"],
                assess_typical=data["assess_typical"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("已从风险点库创建 %(n)d 个风险点及其管控措施。%(next)s")
                % {
                    "n": len(created),
                    "next": "" if data["assess_typical"] else _("请逐一按现场实际进行风险评估。"),
                },
            )
            query = f"?enterprise={enterprise.pk}"
            if not data["assess_typical"]:
                query += "&level=none"
            return redirect(reverse("risks:risk_point_list") + query)
    existing = set(
        enterprise.risk_points.filter(status="active", library_entry__isnull=False).values_list(
            "library_entry_id", flat=True
        )
    )
    tables = services.current_tables()
    choices = []
    for entry in applicable:
        score = entry.typical_score()
        choices.append(
            {
                "entry": entry,
                "score": score,
                "letter": SCORE_LETTER[Method(entry.method)],
                "level": grading.grade(entry.method, score, tables[entry.method]),
                "already": entry.pk in existing,
                "checked": str(entry.pk) in request.POST.getlist("entries"),
            }
        )
    return render(
        request,
        "risks/from_library.html",
        {"form": form, "enterprise": enterprise, "choices": choices},
        status=form_status(form),
    )
