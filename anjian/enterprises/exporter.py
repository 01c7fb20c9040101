"""Excel export of exactly the filtered list the user is looking at."""

from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.models import SiteFlag
from anjian.enterprises import selectors

SHEET_TITLE = "生产经营单位"
# Above this many rows the export runs as a background job with progress.
SYNC_EXPORT_LIMIT = 20_000


def export_queryset(user, params):
    """(queryset, about-lines) for the filtered list; same filters and order as the page."""
    filterset = selectors.enterprise_filter(user, params)
    queryset = filterset.qs.select_related("street__parent", "grid")
    about = [
        (_("台账"), _("生产经营单位台账")),
        (_("导出时间"), timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")),
        (_("导出人"), str(user)),
        (_("可见范围"), user.scope.label),
    ]
    for label, value in filterset.active_filters:
        about.append((_("筛选：%(f)s") % {"f": label}, value))
    if SiteFlag.objects.filter(key=SiteFlag.DEMO_DATA).exists():
        about.append((_("说明"), _("本文件数据为系统生成的演示数据（合成），不代表真实单位")))
    return queryset, about


def filename() -> str:
    return f"生产经营单位台账-{timezone.localtime():%Y%m%d-%H%M%S}.xlsx"
