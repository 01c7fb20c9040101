"""Excel export of exactly the filtered list the user is looking at."""

from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.registry import about_lines
from anjian.enterprises import selectors

SHEET_TITLE = "生产经营单位"
# Above this many rows the export runs as a background job with progress.
SYNC_EXPORT_LIMIT = 20_000


def export_queryset(user, params):
    """(queryset, about-lines) for the filtered list; same filters and order as the page."""
    filterset = selectors.enterprise_filter(user, params)
    queryset = filterset.qs.select_related("street__parent", "grid")
    return queryset, about_lines(user, filterset, ledger=_("生产经营单位台账"))


def filename() -> str:
    return f"生产经营单位台账-{timezone.localtime():%Y%m%d-%H%M%S}.xlsx"
