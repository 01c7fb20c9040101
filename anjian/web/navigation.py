"""The one navigation file. A module appears here when it exists; an entry shows only to
users whose role grants its action, and a URL listed twice (one entry per action that
opens it) shows once: the first entry the user's role grants.

The modules sit in dropdowns by area (单位, 隐患排查, 风险管控, 监测预警, 监督检查, 事故与指标,
应急管理; reference data and administration, ``MANAGE``, last) so the bar fits one line of a
1366 px laptop in a CJK font; a group the user has one entry of shows as that entry. A grid worker
(a street user whose region is a grid) sees the daily work only — no management, no
reference libraries."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anjian.accidents import permissions as accident_perms
from anjian.accounts import permissions as account_perms
from anjian.accounts.roles import Role
from anjian.analytics import permissions as analytics_perms
from anjian.cap import permissions as cap_perms
from anjian.core import permissions as core_perms
from anjian.emergency import permissions as emergency_perms
from anjian.enterprises import permissions as enterprise_perms
from anjian.hazards import permissions as hazard_perms
from anjian.hazchem import permissions as hazchem_perms
from anjian.inspections import permissions as inspection_perms
from anjian.monitoring import permissions as monitoring_perms
from anjian.regions import permissions as region_perms
from anjian.regions.choices import RegionLevel
from anjian.regions.levels import level_of
from anjian.risks import permissions as risk_perms
from anjian.specialwork import permissions as specialwork_perms
from anjian.web import permissions as perms


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    action: str
    icon: str
    section: str  # URL namespace prefix that marks the item active
    group: str = ""  # MANAGE: in the 管理 dropdown
    for_grid: bool = True  # shown to grid workers
    for_enterprise: bool = True  # shown to an enterprise's own users


MANAGE = "manage"
UNITS = "units"
HAZARDS = "hazards"
RISKS = "risks"
MONITOR = "monitor"
INSPECT = "inspect"
ACCIDENTS = "accidents"
EMERGENCY = "emergency"


MENU: list[MenuItem] = [
    MenuItem(_("首页"), "web:home", perms.HOME_VIEW, "bi-speedometer2", "web"),
    MenuItem(
        _("生产经营单位"),
        "enterprises:enterprise_list",
        enterprise_perms.ENTERPRISE_VIEW,
        "bi-buildings",
        "enterprises",
        group=UNITS,
    ),
    MenuItem(
        _("单位地图"),
        "enterprises:enterprise_map",
        enterprise_perms.ENTERPRISE_VIEW,
        "bi-geo-alt",
        "enterprises-map",
        group=UNITS,
        for_enterprise=False,  # a map of one unit
    ),
    MenuItem(
        _("隐患治理"),
        "hazards:hazard_list",
        hazard_perms.HAZARD_VIEW,
        "bi-exclamation-triangle",
        "hazards",
        group=HAZARDS,
    ),
    MenuItem(
        _("动态清零"),
        "hazards:clearing_figures",
        hazard_perms.HAZARD_VIEW,
        "bi-bar-chart-line",
        "hazards-figures",
        group=HAZARDS,
        for_grid=False,
    ),
    MenuItem(
        _("隐患地图"),
        "hazards:hazard_map",
        hazard_perms.HAZARD_VIEW,
        "bi-pin-map",
        "hazards-map",
        group=HAZARDS,
        for_enterprise=False,  # a map of one unit
    ),
    # 企业自查: enterprises keep their plans and run checks; government users in scope read
    # them (the same page). An entry shows once per URL, so enterprise users see one.
    MenuItem(
        _("企业自查"),
        "selfcheck:plan_list",
        hazard_perms.SELFCHECK_MANAGE,
        "bi-ui-checks",
        "selfcheck",
        group=HAZARDS,
    ),
    MenuItem(
        _("企业自查"),
        "selfcheck:plan_list",
        hazard_perms.HAZARD_VIEW,
        "bi-ui-checks",
        "selfcheck",
        group=HAZARDS,
        for_grid=False,
    ),
    MenuItem(
        _("公共区域"),
        "enterprises:place_list",
        enterprise_perms.PLACE_VIEW,
        "bi-signpost-split",
        "enterprises-places",
        group=MANAGE,
        for_grid=False,
    ),
    MenuItem(
        _("判定标准"),
        "standards:document_list",
        hazard_perms.HAZARD_VIEW,
        "bi-journal-check",
        "standards",
        group=MANAGE,
        for_grid=False,
    ),
    # 风险管控: the risk points, and the hazardous chemicals — major hazard sources, the
    # units they are identified from, the catalogue (a reference, not daily work).
    MenuItem(
        _("风险管控"),
        "risks:risk_point_list",
        risk_perms.RISK_VIEW,
        "bi-exclamation-diamond",
        "risks",
        group=RISKS,
    ),
    MenuItem(
        _("重大危险源"),
        "hazchem:source_list",
        hazchem_perms.HAZCHEM_VIEW,
        "bi-radioactive",
        "hazchem-sources",
        group=RISKS,
    ),
    MenuItem(
        _("在线监测率"),
        "hazchem:coverage",
        hazchem_perms.HAZCHEM_VIEW,
        "bi-broadcast-pin",
        "hazchem-coverage",
        group=RISKS,
        for_grid=False,
    ),
    MenuItem(
        _("包保履职"),
        "hazchem:duty_figures",
        hazchem_perms.HAZCHEM_VIEW,
        "bi-person-check",
        "hazchem-duties",
        group=RISKS,
        for_grid=False,
    ),
    MenuItem(
        _("危化品单元"),
        "hazchem:unit_list",
        hazchem_perms.HAZCHEM_VIEW,
        "bi-boxes",
        "hazchem-units",
        group=RISKS,
    ),
    MenuItem(
        _("特殊作业"),
        "specialwork:permit_list",
        specialwork_perms.SPECIALWORK_VIEW,
        "bi-fire",
        "specialwork",
        group=RISKS,
        for_grid=False,
    ),
    MenuItem(
        _("化学品目录"),
        "hazchem:chemical_list",
        hazchem_perms.HAZCHEM_VIEW,
        "bi-journal-medical",
        "hazchem-chemicals",
        group=RISKS,
        for_grid=False,
    ),
    MenuItem(
        _("在线监测"),
        "monitoring:console",
        monitoring_perms.MONITOR_VIEW,
        "bi-broadcast",
        "monitoring",
        group=MONITOR,
    ),
    MenuItem(
        _("预警发布"),
        "cap:alert_list",
        cap_perms.WARNING_VIEW,
        "bi-megaphone",
        "cap",
        group=MONITOR,
        for_grid=False,
    ),
    # 事故报告与调查: the quick report is filed from the field (a grid worker, the unit
    # itself), so every role that may report sees it.
    MenuItem(
        _("事故报告"),
        "accidents:accident_list",
        accident_perms.ACCIDENT_VIEW,
        "bi-exclamation-octagon",
        "accidents",
        group=ACCIDENTS,
    ),
    # 应急管理: preparedness (plans, drills, resources and their map, with the figures of the
    # overview) and response (incidents) in one dropdown. Enterprises keep their own plans,
    # drills and teams; incidents are the government's command records.
    MenuItem(
        _("应急准备"),
        "emergency:overview",
        emergency_perms.EMERGENCY_VIEW,
        "bi-shield-check",
        "emergency",
        group=EMERGENCY,
        for_grid=False,
    ),
    MenuItem(
        _("突发事件"),
        "emergency:incident_list",
        emergency_perms.EMERGENCY_VIEW,
        "bi-broadcast-pin",
        "emergency-incidents",
        group=EMERGENCY,
        for_enterprise=False,
    ),
    MenuItem(
        _("应急预案"),
        "emergency:plan_list",
        emergency_perms.EMERGENCY_VIEW,
        "bi-journal-bookmark",
        "emergency-plans",
        group=EMERGENCY,
    ),
    MenuItem(
        _("应急演练"),
        "emergency:drill_list",
        emergency_perms.EMERGENCY_VIEW,
        "bi-activity",
        "emergency-drills",
        group=EMERGENCY,
    ),
    MenuItem(
        _("应急资源"),
        "emergency:team_list",
        emergency_perms.EMERGENCY_VIEW,
        "bi-box-seam",
        "emergency-resources",
        group=EMERGENCY,
    ),
    MenuItem(
        _("资源地图"),
        "emergency:resource_map",
        emergency_perms.EMERGENCY_VIEW,
        "bi-map",
        "emergency-map",
        group=EMERGENCY,
        for_enterprise=False,
    ),
    MenuItem(
        _("预警送达"),
        "cap:reach",
        cap_perms.WARNING_VIEW,
        "bi-send-check",
        "cap-reach",
        group=MONITOR,
        for_grid=False,
        for_enterprise=False,
    ),
    # 区情月报: the 安委办's monthly report of its district, read by its leaders and departments.
    MenuItem(
        _("区情月报"),
        "analytics:report_list",
        analytics_perms.REPORT_VIEW,
        "bi-file-earmark-bar-graph",
        "analytics",
        group=ACCIDENTS,
        for_grid=False,
        for_enterprise=False,
    ),
    # 指标监测: the plan indicators against their targets, for leaders and officials; the
    # denominators and plans behind them (基数与目标) for those who keep them.
    MenuItem(
        _("指标监测"),
        "analytics:indicators",
        analytics_perms.INDICATOR_VIEW,
        "bi-graph-up",
        "analytics-indicators",
        group=ACCIDENTS,
        for_grid=False,
        for_enterprise=False,
    ),
    MenuItem(
        _("基数与目标"),
        "analytics:denominator_list",
        analytics_perms.INDICATOR_MANAGE,
        "bi-bullseye",
        "analytics-bases",
        group=ACCIDENTS,
        for_grid=False,
        for_enterprise=False,
    ),
    # 监督检查: plans, draws, tasks, on-site inspections, cases, documents, figures, the
    # two pools and the checklists / discretion table in one dropdown.
    MenuItem(
        _("监督检查计划"),
        "inspections:plan_list",
        inspection_perms.INSPECTION_VIEW,
        "bi-calendar-check",
        "inspections-plans",
        group=INSPECT,
    ),
    MenuItem(
        _("双随机抽取"),
        "inspections:draw_list",
        inspection_perms.INSPECTION_VIEW,
        "bi-shuffle",
        "inspections",
        group=INSPECT,
    ),
    MenuItem(
        _("检查任务"),
        "inspections:task_list",
        inspection_perms.INSPECTION_VIEW,
        "bi-clipboard-check",
        "inspections-tasks",
        group=INSPECT,
    ),
    MenuItem(
        _("现场检查"),
        "inspections:inspection_list",
        inspection_perms.INSPECTION_VIEW,
        "bi-phone",
        "inspections-onsite",
        group=INSPECT,
    ),
    MenuItem(
        _("行政处罚案件"),
        "inspections:case_list",
        inspection_perms.INSPECTION_VIEW,
        "bi-folder2-open",
        "inspections-cases",
        group=INSPECT,
    ),
    MenuItem(
        _("执法文书台账"),
        "inspections:document_list",
        inspection_perms.INSPECTION_VIEW,
        "bi-file-earmark-text",
        "inspections-documents",
        group=INSPECT,
    ),
    MenuItem(
        _("执法统计"),
        "inspections:figures",
        inspection_perms.INSPECTION_VIEW,
        "bi-bar-chart-line",
        "inspections-figures",
        group=INSPECT,
    ),
    MenuItem(
        _("执法人员名录库"),
        "inspections:inspector_list",
        inspection_perms.INSPECTION_VIEW,
        "bi-person-badge",
        "inspections-inspectors",
        group=INSPECT,
    ),
    MenuItem(
        _("抽查事项清单"),
        "inspections:matter_list",
        inspection_perms.INSPECTION_VIEW,
        "bi-list-check",
        "inspections-matters",
        group=INSPECT,
    ),
    MenuItem(
        _("检查表与裁量基准"),
        "inspections:checklist_list",
        inspection_perms.INSPECTION_VIEW,
        "bi-journal-check",
        "inspections-standards",
        group=INSPECT,
    ),
    MenuItem(
        _("区划与网格"),
        "regions:region_list",
        region_perms.REGION_VIEW,
        "bi-diagram-3",
        "regions",
        group=MANAGE,
        for_grid=False,
    ),
    MenuItem(
        _("部门与行业"),
        "regions:department_list",
        region_perms.DEPARTMENT_VIEW,
        "bi-bank",
        "departments",
        group=MANAGE,
        for_grid=False,
    ),
    MenuItem(
        _("预警联络人"),
        "cap:contact_list",
        cap_perms.WARNING_CONTACTS,
        "bi-person-lines-fill",
        "cap-contacts",
        group=MANAGE,
        for_grid=False,
        for_enterprise=False,
    ),
    MenuItem(
        _("工作日历"),
        "core:work_calendar",
        core_perms.CALENDAR_VIEW,
        "bi-calendar3",
        "core-calendar",
        group=MANAGE,
        for_grid=False,
        for_enterprise=False,
    ),
    MenuItem(
        _("用户管理"),
        "accounts:user_list",
        account_perms.USER_MANAGE,
        "bi-people",
        "users",
        group=MANAGE,
        for_grid=False,
    ),
]
GROUPS = {
    UNITS: (_("单位"), "bi-buildings"),
    HAZARDS: (_("隐患排查"), "bi-exclamation-triangle"),
    RISKS: (_("风险管控"), "bi-exclamation-diamond"),
    MONITOR: (_("监测预警"), "bi-broadcast"),
    INSPECT: (_("监督检查"), "bi-clipboard2-check"),
    ACCIDENTS: (_("事故与指标"), "bi-graph-up"),
    EMERGENCY: (_("应急管理"), "bi-life-preserver"),
    MANAGE: (_("基础数据与管理"), "bi-gear"),
}


def is_grid_worker(user) -> bool:
    return user.role == Role.STREET and level_of(user.region_id or "") == RegionLevel.GRID


def menu_for(user, current_section: str) -> list[dict]:
    """The bar's entries; a group's entries nested under ``children`` (one dropdown)."""
    if not user.is_authenticated:
        return []
    grid = is_grid_worker(user)
    own_unit = user.scope.enterprise_id is not None
    entries, groups, seen = [], {}, set()
    for item in MENU:
        if (
            item.url_name in seen
            or not user.can(item.action)
            or (grid and not item.for_grid)
            or (own_unit and not item.for_enterprise)
        ):
            continue
        seen.add(item.url_name)
        entry = {
            "label": item.label,
            "url": reverse(item.url_name),
            "icon": item.icon,
            "active": item.section == current_section,
        }
        if not item.group:
            entries.append(entry)
            continue
        if item.group not in groups:
            label, icon = GROUPS[item.group]
            groups[item.group] = {"label": label, "icon": icon, "children": [], "active": False}
            entries.append(groups[item.group])
        group = groups[item.group]
        group["children"].append(entry)
        group["active"] = group["active"] or entry["active"]
    # A group the user has one entry of is that entry; management comes last.
    entries = [e["children"][0] if len(e.get("children", ())) == 1 else e for e in entries]
    managed = groups.get(MANAGE)
    if managed in entries:
        entries.remove(managed)
        entries.append(managed)
    return entries
