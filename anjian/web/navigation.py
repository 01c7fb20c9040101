"""The one navigation file. A module appears here when it exists; an entry shows only to
users whose role grants its action, and a URL listed twice (one entry per action that
opens it) shows once: the first entry the user's role grants."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anjian.accounts import permissions as account_perms
from anjian.cap import permissions as cap_perms
from anjian.enterprises import permissions as enterprise_perms
from anjian.hazards import permissions as hazard_perms
from anjian.monitoring import permissions as monitoring_perms
from anjian.regions import permissions as region_perms
from anjian.risks import permissions as risk_perms
from anjian.web import permissions as perms


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    action: str
    icon: str
    section: str  # URL namespace prefix that marks the item active


MENU: list[MenuItem] = [
    MenuItem(_("首页"), "web:home", perms.HOME_VIEW, "bi-speedometer2", "web"),
    MenuItem(
        _("生产经营单位"),
        "enterprises:enterprise_list",
        enterprise_perms.ENTERPRISE_VIEW,
        "bi-buildings",
        "enterprises",
    ),
    MenuItem(
        _("单位地图"),
        "enterprises:enterprise_map",
        enterprise_perms.ENTERPRISE_VIEW,
        "bi-geo-alt",
        "enterprises-map",
    ),
    MenuItem(
        _("隐患治理"),
        "hazards:hazard_list",
        hazard_perms.HAZARD_VIEW,
        "bi-exclamation-triangle",
        "hazards",
    ),
    MenuItem(
        _("动态清零"),
        "hazards:clearing_figures",
        hazard_perms.HAZARD_VIEW,
        "bi-bar-chart-line",
        "hazards-figures",
    ),
    # 企业自查: enterprises keep their plans and run checks; government users in scope read
    # them (the same page). An entry shows once per URL, so enterprise users see one.
    MenuItem(
        _("企业自查"),
        "selfcheck:plan_list",
        hazard_perms.SELFCHECK_MANAGE,
        "bi-ui-checks",
        "selfcheck",
    ),
    MenuItem(
        _("企业自查"), "selfcheck:plan_list", hazard_perms.HAZARD_VIEW, "bi-ui-checks", "selfcheck"
    ),
    MenuItem(
        _("判定标准"),
        "standards:document_list",
        hazard_perms.HAZARD_VIEW,
        "bi-journal-check",
        "standards",
    ),
    MenuItem(
        _("风险管控"),
        "risks:risk_point_list",
        risk_perms.RISK_VIEW,
        "bi-exclamation-diamond",
        "risks",
    ),
    MenuItem(
        _("监测预警"),
        "monitoring:console",
        monitoring_perms.MONITOR_VIEW,
        "bi-broadcast",
        "monitoring",
    ),
    MenuItem(_("预警发布"), "cap:alert_list", cap_perms.WARNING_VIEW, "bi-megaphone", "cap"),
    MenuItem(
        _("区划与网格"), "regions:region_list", region_perms.REGION_VIEW, "bi-diagram-3", "regions"
    ),
    MenuItem(
        _("部门与行业"),
        "regions:department_list",
        region_perms.DEPARTMENT_VIEW,
        "bi-bank",
        "departments",
    ),
    MenuItem(_("用户管理"), "accounts:user_list", account_perms.USER_MANAGE, "bi-people", "users"),
]


def menu_for(user, current_section: str) -> list[dict]:
    if not user.is_authenticated:
        return []
    entries, seen = [], set()
    for item in MENU:
        if item.url_name in seen or not user.can(item.action):
            continue
        seen.add(item.url_name)
        entries.append(
            {
                "label": item.label,
                "url": reverse(item.url_name),
                "icon": item.icon,
                "active": item.section == current_section,
            }
        )
    return entries
