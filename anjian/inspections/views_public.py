"""双随机抽查结果公示 (no login): the published draws, each with its targets, inspectors,
outcomes, seed, fingerprints and record, and the voided attempts of the same task.

Rendered without the request (like the public warning page): no context processors, so
no session is read and nothing personal (menu, CSRF token) ends up in a publicly cached
page. A draw not published (drawn, voided) is 404. The units of unannounced (四不两直)
tasks not yet inspected, their inspectors and the record (which names every unit drawn)
are withheld until those inspections are done: publishing them would announce the visit.
"""

from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseNotFound
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from anjian.core.access import public
from anjian.core.forms import attachment
from anjian.inspections import selectors

PER_PAGE = 50
CACHE = "public, max-age=60"


def _page(template: str, context: dict) -> HttpResponse:
    response = HttpResponse(render_to_string(template, context))
    response["Cache-Control"] = CACHE
    return response


@require_GET
@public
def public_draws(request):
    page = Paginator(selectors.public_draws(), PER_PAGE).get_page(request.GET.get("page"))
    return _page("inspections/public_list.html", {"page": page})


@require_GET
@public
def public_draw(request, pk: int):
    draw = selectors.public_draw(pk)
    context = {
        "draw": draw,
        "tasks": selectors.tasks_of(draw),
        "voided": selectors.voided_attempts(draw),
        "withheld": selectors.unannounced_pending(draw),
    }
    return _page("inspections/public_draw.html", context)


@require_GET
@public
def public_draw_record(request, pk: int):
    """The published draw's record, for ``anjian verify_draw record.json``."""
    draw = selectors.public_draw(pk)
    if selectors.unannounced_pending(draw):
        return HttpResponseNotFound(
            "四不两直的检查完成后提供抽取记录".encode(), content_type="text/plain; charset=utf-8"
        )
    response = HttpResponse(selectors.record_file(draw), content_type="application/json")
    attachment(response, f"draw-{draw.pk}.json")
    response["Cache-Control"] = "public, max-age=300"
    return response
