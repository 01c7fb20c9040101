"""What the access tables open for 特殊作业票: for each actor's setup, a draft 受限空间 permit
of its enterprise starting now, applied for once per setup through the service by the
administrator (who may act for any enterprise).

Permits belong to the setup's enterprise, so every actor whose role sees permits sees it;
the expert's role sees none (403 everywhere). Every POST row sends a form that is refused
before anything is written (an empty form: 422)."""

from datetime import timedelta

from django.utils import timezone

from anjian.specialwork import services
from anjian.web.tests.access_pages import Page
from anjian.web.tests.access_setup import Setup
from testsupport import world


def permit(setup: Setup):
    if hasattr(setup, "_permit"):
        return setup._permit
    start = timezone.now().replace(second=0, microsecond=0)
    data = {
        "enterprise": setup.enterprise.pk,
        "kind": "confined",
        "place": "访问测试储罐",
        "content": "罐内检修",
        "planned_start": start,
        "planned_end": start + timedelta(hours=4),
        "guardian": "监护人",
        "workers": ["作业人"],
    }
    setup._permit = services.permit_create(world.actor("admin"), data=data)
    return setup._permit


def _of(*more):
    return lambda s: [permit(s).pk, *more]


def _refused(args) -> Page:
    """A form posted empty: let in, refused, nothing written."""
    return Page(method="post", args=args, ok=(422,))


SPECIALWORK_PAGES: dict[str, Page] = {
    "specialwork:permit_list": Page(),
    "specialwork:permit_export": Page(),
    "specialwork:permit_create": Page(),
    "specialwork:grade_preview": Page(query={"kind": "hot", "hot_place": "pipe_rack"}),
    "specialwork:approvers": Page(),
    "specialwork:permit_map": Page(),
    "specialwork:permit_map_data": Page(),
    "specialwork:figures": Page(),
    "specialwork:figures_export": Page(),
    "specialwork:permit_detail": Page(args=_of()),
    "specialwork:permit_edit": Page(args=_of()),
    "specialwork:analysis_add": _refused(_of()),
    "specialwork:approval_add": _refused(_of()),
    "specialwork:progress_add": _refused(_of()),
    "specialwork:permit_transition": _refused(_of("submit")),
}

# --- the API's reads (web/tests/test_api_access.py) -------------------------------------------

SPECIALWORK_API_READS = {
    "/api/v1/specialwork/permits",
    "/api/v1/specialwork/permits/{int:permit_id}",
    "/api/v1/specialwork/permits/{int:permit_id}/analyses",
    "/api/v1/specialwork/permits/{int:permit_id}/approvals",
    "/api/v1/specialwork/figures",
}


def specialwork_api_url(template_path: str, setup: Setup) -> str:
    """A specialwork read's URL with the setup's permit (only on this app's paths)."""
    if "{int:permit_id}" in template_path:
        template_path = template_path.replace("{int:permit_id}", str(permit(setup).pk))
    return template_path
