"""Excel ledgers of risk points (风险点台账) and the regional register (重大风险清单)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.excel import Column
from anjian.core.registry import about_lines
from anjian.risks import grading
from anjian.risks.choices import METHOD_SHORT, STAGE_SHORT, Level
from anjian.risks.selectors import active_measures


def _level(value: str) -> str:
    return str(Level(value).label) if value else str(_("未评估"))


def _score(point, stage: str) -> str:
    value = point.inherent_score if stage == "inherent" else point.residual_score
    method = point.inherent_method if stage == "inherent" else point.residual_method
    if value is None:
        return ""
    return f"{METHOD_SHORT.get(method, '')} {grading.fmt(value)}"


def _measures(point) -> str:
    measures = getattr(point, "active_measures", None)
    if measures is None:
        measures = point.measures.filter(is_active=True)
    return "\n".join(
        f"{index}. [{m.get_kind_display()}·{m.get_level_display()}] {m.text}（{m.owner_name}）"
        for index, m in enumerate(measures, start=1)
    )


def _date(value) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


COLUMNS: list[Column] = [
    Column("id", str(gettext_lazy("系统编号")), 10, export=lambda p: p.pk),
    Column("enterprise", str(gettext_lazy("单位名称")), 30, export=lambda p: p.enterprise.name),
    Column(
        "credit_code",
        str(gettext_lazy("统一社会信用代码")),
        22,
        export=lambda p: p.enterprise.credit_code,
    ),
    Column("street", str(gettext_lazy("街镇")), 14, export=lambda p: p.enterprise.street.name),
    Column("industry", str(gettext_lazy("监管行业")), 14, export=lambda p: p.industry.name),
    Column("name", str(gettext_lazy("风险点名称")), 24, export=lambda p: p.name),
    Column("kind", str(gettext_lazy("风险点类型")), 12, export=lambda p: p.get_kind_display()),
    Column("location", str(gettext_lazy("所在位置/部位")), 20, export=lambda p: p.location),
    Column(
        "hazard_factors",
        str(gettext_lazy("主要危险有害因素")),
        50,
        export=lambda p: p.hazard_factors,
    ),
    Column(
        "factor_class",
        str(gettext_lazy("危险有害因素类别")),
        12,
        export=lambda p: p.get_factor_class_display(),
    ),
    Column(
        "accident_types",
        str(gettext_lazy("可能导致的事故类型")),
        24,
        export=lambda p: "、".join(p.accident_type_labels),
    ),
    Column(
        "inherent",
        str(gettext_lazy("固有风险")),
        12,
        export=lambda p: _level(p.inherent_level) if p.inherent_level else "",
    ),
    Column(
        "inherent_score",
        str(gettext_lazy("固有风险值")),
        12,
        export=lambda p: _score(p, "inherent"),
    ),
    Column(
        "residual",
        str(gettext_lazy("剩余风险")),
        12,
        export=lambda p: _level(p.residual_level) if p.residual_level else "",
    ),
    Column(
        "residual_score",
        str(gettext_lazy("剩余风险值")),
        12,
        export=lambda p: _score(p, "residual"),
    ),
    Column("level", str(gettext_lazy("风险等级")), 12, export=lambda p: _level(p.current_level)),
    Column(
        "stage",
        str(gettext_lazy("定级依据")),
        10,
        export=lambda p: str(STAGE_SHORT.get(p.current_stage, "")),
    ),
    Column(
        "control_level",
        str(gettext_lazy("管控层级")),
        10,
        export=lambda p: p.get_control_level_display(),
    ),
    Column("owner_name", str(gettext_lazy("管控责任人")), 12, export=lambda p: p.owner_name),
    Column("owner_phone", str(gettext_lazy("责任人电话")), 14, export=lambda p: p.owner_phone),
    Column("measures", str(gettext_lazy("管控措施")), 60, export=_measures),
    Column(
        "last_assessed_at",
        str(gettext_lazy("最近评估时间")),
        18,
        export=lambda p: (
            timezone.localtime(p.last_assessed_at).strftime("%Y-%m-%d %H:%M")
            if p.last_assessed_at
            else ""
        ),
    ),
    Column(
        "reassess_due",
        str(gettext_lazy("下次评估日期")),
        12,
        export=lambda p: _date(p.reassess_due),
    ),
    Column("status", str(gettext_lazy("状态")), 8, export=lambda p: p.get_status_display()),
]

LEDGER_TITLE = "风险点台账"
REGISTER_TITLE = "重大风险清单"


def export(user, filterset, *, title: str):
    """(the filtered points with their measures, the 导出说明 lines) for the ledger
    ``title`` (LEDGER_TITLE or REGISTER_TITLE); core.registry.RegistryExport writes them."""
    queryset = filterset.qs.select_related("enterprise__street", "industry").prefetch_related(
        active_measures()
    )
    notes = []
    if title == REGISTER_TITLE:
        notes.append((_("口径"), _("在用风险点中风险等级为重大、较大的风险点")))
    notes.append((_("风险等级"), _("有剩余风险评估的取剩余风险等级，否则取固有风险等级")))
    return queryset, about_lines(user, filterset, ledger=title, notes=notes)
