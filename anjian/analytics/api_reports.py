"""/api/v1/analytics/monthly-reports — the 区情月报 for integrators: list the reports in
scope, ask for one (a background job; poll the record until ``state`` is done), read it
with its figures, download the .docx or .xlsx."""

from datetime import date, datetime

from django.http import FileResponse, HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema, Status

from anjian.analytics import permissions as perms
from anjian.analytics.monthly import selectors, services
from anjian.analytics.report_models import MonthlyReport
from anjian.core.access import api_requires
from anjian.core.api import errors
from anjian.core.exceptions import OutOfScope

router = Router(tags=["区情月报"])


class MonthlyReportOut(Schema):
    id: int
    region: str = Field(description="区划代码")
    month: date = Field(description="月份（该月第一天）")
    state: str = Field(description="queued 排队 · running 生成中 · done 完成 · failed 失败")
    message: str
    generated_at: datetime | None
    docx_url: str = Field(description="Word 下载地址（完成后）")
    xlsx_url: str = Field(description="Excel 附表下载地址（完成后）")


class MonthlyReportDetailOut(MonthlyReportOut):
    figures: dict = Field(description="月报所用的全部数字（与附表一致）")


class MonthlyReportIn(Schema):
    region: str = Field(description="区或市的区划代码（须在管辖范围内）")
    month: str = Field(description="YYYY-MM，不能晚于本月")


def _out(report: MonthlyReport, *, detail: bool = False) -> dict:
    def url(kind: str) -> str:
        field = getattr(report, kind)
        if not field:
            return ""
        return reverse("api:monthly_report_download", args=[report.pk, kind])

    values = {
        "id": report.pk,
        "region": report.region_code,
        "month": report.month,
        "state": report.shown_state,
        "message": report.message,
        "generated_at": report.generated_at,
        "docx_url": url("docx"),
        "xlsx_url": url("xlsx"),
    }
    if detail:
        values["figures"] = report.figures
    return values


@router.get("/", response=list[MonthlyReportOut], summary="区情月报列表（管辖范围内）")
@api_requires(perms.REPORT_VIEW)
def list_reports(request: HttpRequest):
    reports = selectors.visible_reports(request.user).select_related("job")
    return [_out(report) for report in reports]


@router.post(
    "/",
    response={202: MonthlyReportOut, **errors(404, 409, 422)},
    summary="生成（或重新生成）某地区某月的区情月报（后台任务）",
)
@api_requires(perms.REPORT_MONTHLY)
def request_report(request: HttpRequest, payload: MonthlyReportIn):
    report = services.report_request(by=request.user, region=payload.region, month=payload.month)
    return Status(202, _out(report))


@router.get(
    "/{int:monthly_report_id}",
    response={200: MonthlyReportDetailOut, **errors(404)},
    summary="月报详情",
)
@api_requires(perms.REPORT_VIEW)
def get_report(request: HttpRequest, monthly_report_id: int):
    return _out(selectors.report_get(request.user, monthly_report_id), detail=True)


@router.get(
    "/{int:monthly_report_id}/{kind}",
    response={200: None, **errors(404)},
    url_name="monthly_report_download",
    summary="下载月报：kind = docx（Word）或 xlsx（Excel 附表）",
)
@api_requires(perms.REPORT_VIEW)
def download_report(request: HttpRequest, monthly_report_id: int, kind: str):
    report = selectors.report_get(request.user, monthly_report_id)
    file = getattr(report, kind) if kind in ("docx", "xlsx") else None
    if not file:
        raise OutOfScope()
    return FileResponse(
        file.open("rb"), as_attachment=True, filename=selectors.download_name(report, kind)
    )
