"""The accident list as an Excel ledger (事故台账): exactly the filtered list the user is
looking at (the same ``tables.accident_filter``), every row, with the 导出说明 sheet saying
which conditions applied. Written by ``core.registry.RegistryExport`` through
``core/excel.py``, which keeps every text that looks like a formula as text."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.accidents import clock
from anjian.accidents.tables import chain_summary
from anjian.core.excel import Column


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _flags(accident) -> str:
    return "、".join(str(f.get_kind_display()) for f in accident.active_flags)


def _chain(accident) -> str:
    if accident.state == "voided":
        return ""
    return chain_summary(accident)[2]


COLUMNS = [
    Column("number", str(gettext_lazy("事故编号")), 16, export=lambda a: a.number),
    Column("unit_name", str(gettext_lazy("事故单位")), 30, export=lambda a: a.unit_name),
    Column(
        "credit_code",
        str(gettext_lazy("统一社会信用代码")),
        22,
        export=lambda a: a.enterprise.credit_code if a.enterprise_id else "",
    ),
    Column(
        "occurred_at", str(gettext_lazy("发生时间")), 18, export=lambda a: _local(a.occurred_at)
    ),
    Column("street", str(gettext_lazy("街道/镇")), 14, export=lambda a: a.region.name),
    Column("region_code", str(gettext_lazy("区划代码")), 12, export=lambda a: a.region_code),
    Column("place", str(gettext_lazy("发生地点")), 30, export=lambda a: a.place),
    Column(
        "category", str(gettext_lazy("统计类别")), 14, export=lambda a: a.get_category_display()
    ),
    Column(
        "accident_type",
        str(gettext_lazy("事故类型")),
        12,
        export=lambda a: a.get_accident_type_display(),
    ),
    Column("grade", str(gettext_lazy("事故等级")), 12, export=lambda a: a.get_grade_display()),
    Column(
        "larger_risk",
        str(gettext_lazy("较大涉险")),
        8,
        export=lambda a: _("是") if a.larger_risk else "",
    ),
    Column("deaths", str(gettext_lazy("死亡")), 6, export=lambda a: a.deaths),
    Column("missing", str(gettext_lazy("失踪")), 6, export=lambda a: a.missing),
    Column("serious_injuries", str(gettext_lazy("重伤")), 6, export=lambda a: a.serious_injuries),
    Column("minor_injuries", str(gettext_lazy("轻伤")), 6, export=lambda a: a.minor_injuries),
    Column(
        "direct_loss", str(gettext_lazy("直接经济损失（元）")), 14, export=lambda a: a.direct_loss
    ),
    Column("state", str(gettext_lazy("状态")), 10, export=lambda a: a.get_state_display()),
    Column(
        "top_level",
        str(gettext_lazy("须报告至")),
        18,
        export=lambda a: str(clock.TOP_LEVEL[a.grade].label),
    ),
    Column("chain", str(gettext_lazy("逐级上报")), 14, export=_chain),
    Column("flags", str(gettext_lazy("报告违规标记")), 16, export=_flags),
    Column(
        "reported_at", str(gettext_lazy("快报时间")), 18, export=lambda a: _local(a.reported_at)
    ),
    Column("summary", str(gettext_lazy("事故简要经过")), 50, export=lambda a: a.summary),
]
