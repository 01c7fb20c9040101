"""The one navigation file. A module appears here when it exists; an entry shows only to
users whose role grants its action."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anjian.accounts import permissions as perms


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
        perms.ENTERPRISE_VIEW,
        "bi-buildings",
        "enterprises",
    ),
    MenuItem(
        _("单位地图"),
        "enterprises:enterprise_map",
        perms.ENTERPRISE_VIEW,
        "bi-geo-alt",
        "enterprises-map",
    ),
    MenuItem(_("区划与网格"), "regions:region_list", perms.REGION_VIEW, "bi-diagram-3", "regions"),
    MenuItem(
        _("部门与行业"), "regions:department_list", perms.DEPARTMENT_VIEW, "bi-bank", "departments"
    ),
    MenuItem(_("用户管理"), "accounts:user_list", perms.USER_MANAGE, "bi-people", "users"),
]


def menu_for(user, current_section: str) -> list[dict]:
    if not user.is_authenticated:
        return []
    return [
        {
            "label": item.label,
            "url": reverse(item.url_name),
            "icon": item.icon,
            "active": item.section == current_section,
        }
        for item in MENU
        if user.can(item.action)
    ]
