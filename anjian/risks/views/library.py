"""The industry library: the reference page, and creating risk points from picked entries."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from anjian.core.access import requires
from anjian.core.registry import RegistryEdit
from anjian.enterprises.models import Enterprise
from anjian.risks import grading, services
from anjian.risks import permissions as perms
from anjian.risks.choices import SCORE_LETTER, Method
from anjian.risks.forms import LibraryPickForm
from anjian.risks.models import RiskLibraryEntry
from anjian.risks.views.common import legend


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


class RiskPointsFromLibrary(RegistryEdit):
    """Create an enterprise's risk points (with their measures) from picked library entries."""

    access = perms.RISK_MANAGE
    form_class = LibraryPickForm
    template_name = "risks/from_library.html"
    context_object_name = "enterprise"

    def get_object(self):
        return _library_enterprise(self.request)

    def refuse(self, obj):
        if obj is None:
            messages.error(self.request, _("请先选择单位：从单位页面或风险点列表进入。"))
            return redirect("risks:risk_point_list")
        return None

    def form_kwargs(self, obj) -> dict:
        self.applicable = services.library_for(obj)
        entries = RiskLibraryEntry.objects.filter(pk__in=[e.pk for e in self.applicable])
        return {"entries": entries, "enterprise": obj}

    def save(self, obj, data, version):
        return services.risk_points_from_library(
            by=self.request.user,
            enterprise=obj,
            entries=list(data["entries"]),
            owner_name=data["owner_name"],
            owner_phone=data["owner_phone"],
            assess_typical=data["assess_typical"],
        )

    def saved(self, obj, result):
        typical = self.form.cleaned_data["assess_typical"]
        messages.success(
            self.request,
            _("已从风险点库创建 %(n)d 个风险点及其管控措施。%(next)s")
            % {"n": len(result), "next": "" if typical else _("请逐一按现场实际进行风险评估。")},
        )
        query = f"?enterprise={obj.pk}" + ("" if typical else "&level=none")
        return redirect(reverse("risks:risk_point_list") + query)

    def get_extra_context(self, obj, **context) -> dict:
        existing = set(
            obj.risk_points.filter(status="active", library_entry__isnull=False).values_list(
                "library_entry_id", flat=True
            )
        )
        tables = services.current_tables()
        picked = self.request.POST.getlist("entries")
        choices = []
        for entry in self.applicable:
            score = entry.typical_score()
            choices.append(
                {
                    "entry": entry,
                    "score": score,
                    "letter": SCORE_LETTER[Method(entry.method)],
                    "level": grading.grade(entry.method, score, tables[entry.method]),
                    "already": entry.pk in existing,
                    "checked": str(entry.pk) in picked,
                }
            )
        return {"choices": choices}
