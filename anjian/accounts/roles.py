from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles of DESIGN.md "Who uses it". A user has exactly one."""

    ADMIN = "admin", _("系统管理员")
    SUPERVISOR = "supervisor", _("应急局/安委办（综合监管）")
    DEPARTMENT = "department", _("行业主管部门")
    STREET = "street", _("街镇/网格")
    INSPECTOR = "inspector", _("执法人员")
    ENTERPRISE = "enterprise", _("企业安全管理人员")
    EXPERT = "expert", _("专家")
    LEADER = "leader", _("领导")


# Roles whose scope is a region (optionally narrowed to industries).
REGION_ROLES = {
    Role.ADMIN,
    Role.SUPERVISOR,
    Role.DEPARTMENT,
    Role.STREET,
    Role.INSPECTOR,
    Role.LEADER,
}
