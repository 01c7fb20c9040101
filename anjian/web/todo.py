"""The home page's 待办 panel: what waits for this user, gathered from every app.

Order is the order of the work: hazards to register and accept, extensions to decide,
warnings to sign, alarms to acknowledge, revisits falling due. Each app counts its own
(``todo_items`` in its selectors) with the filter its link opens.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from anjian.cap import permissions as cap_perms
from anjian.cap import selectors as cap_selectors
from anjian.cap.choices import State as WarningState
from anjian.core.todo import TodoItem
from anjian.hazards import permissions as hazard_perms
from anjian.hazards import selectors as hazard_selectors
from anjian.monitoring import permissions as monitoring_perms
from anjian.monitoring import selectors as monitoring_selectors

ORDER = ("register", "accept", "extension", "warnings", "alarms", "revisit")


def _warning_items(user) -> list[TodoItem]:
    """待审核预警, for whoever signs warnings: the warning list's 待审核 filter."""
    if not user.can(cap_perms.WARNING_APPROVE):
        return []
    waiting = cap_selectors.alert_list(user, state=WarningState.PENDING).count()
    url = f"{reverse('cap:alert_list')}?state={WarningState.PENDING}"
    return [TodoItem("warnings", _("待审核预警"), waiting, url)]


def todo_items(user) -> list[TodoItem]:
    items: list[TodoItem] = []
    if user.can(hazard_perms.HAZARD_VIEW):
        items += hazard_selectors.todo_items(user)
    items += _warning_items(user)
    if user.can(monitoring_perms.MONITOR_VIEW):
        items += monitoring_selectors.todo_items(user)
    return sorted(items, key=lambda item: ORDER.index(item.key))
