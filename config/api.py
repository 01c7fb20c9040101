"""The integration API at /api/v1 (django-ninja), documented at /api/v1/docs.

Two ways in: the browser session (with CSRF) for pages that call the API, and
``Authorization: Bearer aj_…`` tokens for integrations (issued on the profile page;
resolved by ``ApiTokenMiddleware`` before anything else sees the request). Every
operation also declares the action it needs (``api_requires``); scope decides rows.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError
from ninja.security import HttpBearer, SessionAuth

from anjian.accidents.api import router as accidents_router
from anjian.accounts.api import router as accounts_router
from anjian.analytics.api import router as analytics_router
from anjian.analytics.api_reports import router as monthly_reports_router
from anjian.cap.api import router as cap_router
from anjian.core.api import FormInvalid, schema_error_detail, validation_detail
from anjian.core.exceptions import Conflict, NotPermitted, OutOfScope
from anjian.emergency.api import router as emergency_router
from anjian.enterprises.api import router as enterprises_router
from anjian.enterprises.places.api import router as places_router
from anjian.hazards.api import router as hazards_router
from anjian.hazards.library.api import router as hazard_standards_router
from anjian.hazards.selfcheck.api import router as selfcheck_router
from anjian.hazchem.api import router as hazchem_router
from anjian.inspections.api import router as inspections_router
from anjian.inspections.cases.api import router as inspection_cases_router
from anjian.inspections.documents_api import router as documents_router
from anjian.inspections.onsite.api import router as onsite_router
from anjian.inspections.plans.api import router as inspection_plans_router
from anjian.monitoring.api import router as monitoring_router
from anjian.regions.api import router as regions_router
from anjian.risks.api import band_tables_router as risk_band_tables_router
from anjian.risks.api import library_router as risk_library_router
from anjian.risks.api import register_router as risk_register_router
from anjian.risks.api import router as risk_points_router
from anjian.specialwork.api import router as specialwork_router


class ApiTokenBearer(HttpBearer):
    """``Authorization: Bearer aj_…`` — an API token created on the profile page."""

    def authenticate(self, request, token):
        return getattr(request, "api_token", None)


api = NinjaAPI(
    title="安监 anjian API",
    version="1.0.0",
    description=(
        "安全生产监管与应急管理平台接口。认证：在“个人设置”页面创建 API 令牌，"
        "以 `Authorization: Bearer <令牌>` 调用；浏览器会话亦可调用（需 CSRF）。"
        "用户只能读写其管辖范围内的记录，范围外的记录一律返回 404。"
    ),
    urls_namespace="api",
    auth=[ApiTokenBearer(), SessionAuth()],
    docs_url="/docs",
)

api.add_router("/regions", regions_router)
api.add_router("/", accounts_router)
api.add_router("/enterprises", enterprises_router)
api.add_router("/places", places_router)
api.add_router("/risk-points", risk_points_router)
api.add_router("/risk-register", risk_register_router)
api.add_router("/risk-band-tables", risk_band_tables_router)
api.add_router("/risk-library", risk_library_router)
api.add_router("/hazards", hazards_router)
api.add_router("/self-checks", selfcheck_router)
api.add_router("/hazard-standards", hazard_standards_router)
api.add_router("/monitoring", monitoring_router)
api.add_router("/warnings", cap_router)
api.add_router("/inspections", inspections_router)
api.add_router("/inspection-plans", inspection_plans_router)
api.add_router("/onsite-inspections", onsite_router)
api.add_router("/penalty-cases", inspection_cases_router)
api.add_router("/enforcement-documents", documents_router)
api.add_router("/accidents", accidents_router)
api.add_router("/emergency", emergency_router)
api.add_router("/hazchem", hazchem_router)
api.add_router("/specialwork", specialwork_router)
api.add_router("/analytics", analytics_router)
api.add_router("/analytics/monthly-reports", monthly_reports_router)


@api.exception_handler(Conflict)
def on_conflict(request, exc):
    body = {"detail": str(exc)}
    if exc.state is not None:  # a lifecycle conflict: the state the record is in now
        body.update(state=exc.state, state_label=exc.state_label)
    return api.create_response(request, body, status=409)


@api.exception_handler(NotPermitted)
def on_not_permitted(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=403)


@api.exception_handler(OutOfScope)
def on_out_of_scope(request, exc):
    return api.create_response(request, {"detail": "未找到"}, status=404)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, {"detail": "未找到"}, status=404)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return api.create_response(request, {"detail": "需要登录或提供有效的 API 令牌"}, status=401)


@api.exception_handler(FormInvalid)
def on_form_invalid(request, exc):
    return api.create_response(request, {"detail": exc.detail}, status=422)


@api.exception_handler(DjangoValidationError)
def on_validation_error(request, exc):
    return api.create_response(request, {"detail": validation_detail(exc)}, status=422)


@api.exception_handler(SchemaValidationError)
def on_schema_error(request, exc):
    """Payloads that do not even fit the schema: same shape and language as form errors."""
    return api.create_response(request, {"detail": schema_error_detail(exc.errors)}, status=422)


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    message = str(exc)
    if exc.status_code == 400 and message.startswith("Cannot parse request body"):
        message = "请求体不是有效的 JSON"
    return api.create_response(request, {"detail": message}, status=exc.status_code)
