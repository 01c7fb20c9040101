"""The register's Excel columns (export of exactly the filtered list)."""

from django.utils.translation import gettext_lazy as _

from anjian.core.excel import Column

SHEET_TITLE = "公共区域台账"


def _department(place) -> str:
    return place.responsible_department.name if place.responsible_department_id else "按监管领域"


COLUMNS: list[Column] = [
    Column("id", str(_("系统编号")), 10, export=lambda p: p.pk),
    Column("name", str(_("名称")), 32, export=lambda p: p.name),
    Column("kind", str(_("类型")), 18, export=lambda p: p.get_kind_display()),
    Column("address", str(_("位置描述")), 30, export=lambda p: p.address),
    Column("street", str(_("所属街镇")), 14, export=lambda p: p.street.name),
    Column("grid", str(_("所属网格/社区")), 14, export=lambda p: p.grid.name if p.grid_id else ""),
    Column("industry", str(_("监管领域")), 12, export=lambda p: p.industry.name),
    Column("department", str(_("责任部门")), 24, export=_department),
    Column("contact_name", str(_("责任人")), 10, export=lambda p: p.contact_name),
    Column("contact_phone", str(_("联系电话")), 14, export=lambda p: p.contact_phone),
    Column("longitude", str(_("经度")), 12, export=lambda p: p.longitude),
    Column("latitude", str(_("纬度")), 12, export=lambda p: p.latitude),
    Column("is_active", str(_("状态")), 8, export=lambda p: "在用" if p.is_active else "已停用"),
]
