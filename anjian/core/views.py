from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from anjian.core import permissions as perms
from anjian.core.access import requires
from anjian.core.models import BackgroundJob, Notification
from anjian.core.notifications import inbox, mark_read
from anjian.core.pagination import page_of

JOB_TITLES = {
    "alarm_export": "报警记录导出",
    "enterprise_import": "生产经营单位导入",
    "enterprise_export": "生产经营单位导出",
    "hazard_export": "问题隐患清单导出",
    "risk_point_export": "风险点台账导出",
    "risk_register_export": "重大风险清单导出",
}


def _own_job(request, pk: int) -> BackgroundJob:
    # A job is visible to the person who started it, nobody else.
    return get_object_or_404(BackgroundJob, pk=pk, created_by=request.user)


@require_GET
@requires(perms.JOB_VIEW)
def job_detail(request, pk: int):
    job = _own_job(request, pk)
    context = {"job": job, "title": JOB_TITLES.get(job.kind, job.kind)}
    if request.headers.get("HX-Request") == "true":
        return render(request, "core/job.html#status", context)
    return render(request, "core/job.html", context)


@require_GET
@requires(perms.JOB_VIEW)
def job_download(request, pk: int):
    job = _own_job(request, pk)
    if not job.output_file:
        raise Http404
    name = job.output_file.name.rsplit("/", 1)[-1]
    return FileResponse(job.output_file.open("rb"), as_attachment=True, filename=name)


@require_GET
@requires(perms.NOTIFICATION_VIEW)
def notification_list(request):
    page = page_of(request, inbox(request.user), per_page=30)
    return render(request, "core/notifications.html", {"page": page})


@require_POST
@requires(perms.NOTIFICATION_VIEW)
def notification_read(request, pk: int | None = None):
    """Mark one notice (and follow its link) or all notices read."""
    mark_read(user=request.user, notification_id=pk)
    if pk is not None:
        notice = get_object_or_404(Notification, pk=pk, recipient=request.user)
        if notice.url and url_has_allowed_host_and_scheme(notice.url, allowed_hosts=None):
            return redirect(notice.url)
    return redirect("core:notification_list")
