"""/analytics/reports/ — 区情月报: the list of a user's monthly reports with the form that
asks for one (生成 / 重新生成), a report's page whose status polls while the job runs
(the htmx request gets only the status part), and the downloads of its .docx and .xlsx.

Thin: ``monthly.selectors`` read (a report outside the scope is 404), ``monthly.services``
write through ``core.forms.submit``."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from anjian.analytics import permissions as perms
from anjian.analytics.monthly import selectors, services
from anjian.analytics.monthly.forms import ReportRequestForm
from anjian.analytics.report_models import ReportState
from anjian.core.access import requires
from anjian.core.forms import submit
from anjian.core.pagination import page_of

PER_PAGE = 24


def _list(request, form, *, status: int = 200):
    reports = selectors.visible_reports(request.user).order_by("-month", "region_code")
    context = {
        "page": page_of(request, reports, per_page=PER_PAGE),
        "form": form if request.user.can(perms.REPORT_MONTHLY) else None,
    }
    return render(request, "analytics/report_list.html", context, status=status)


@require_GET
@requires(perms.REPORT_VIEW)
def report_list(request):
    return _list(request, ReportRequestForm(user=request.user))


@require_POST
@requires(perms.REPORT_MONTHLY)
def report_generate(request):
    form = ReportRequestForm(request.POST, user=request.user)
    outcome = submit(
        request,
        form,
        lambda data: services.report_request(
            by=request.user, region=data["region"], month=data["month"]
        ),
    )
    if not outcome.done:
        return _list(request, form, status=outcome.status)
    report = outcome.result
    messages.info(request, _("已开始生成月报，完成后可在此下载。"))
    return redirect("analytics:report_detail", pk=report.pk)


@require_GET
@requires(perms.REPORT_VIEW)
def report_detail(request, pk: int):
    report = selectors.report_get(request.user, pk)
    context = {
        "report": report,
        "state": report.shown_state,
        "done": report.shown_state == ReportState.DONE and bool(report.docx),
        "figures": report.figures,
        "can_generate": request.user.can(perms.REPORT_MONTHLY),
    }
    if request.headers.get("HX-Request") == "true":
        return render(request, "analytics/report_detail.html#status", context)
    return render(request, "analytics/report_detail.html", context)


@require_GET
@requires(perms.REPORT_VIEW)
def report_download(request, pk: int, kind: str):
    report = selectors.report_get(request.user, pk)
    file = report.docx if kind == "docx" else report.xlsx if kind == "xlsx" else None
    if not file:
        raise Http404(_("该月报尚未生成"))
    return FileResponse(
        file.open("rb"), as_attachment=True, filename=selectors.download_name(report, kind)
    )
