import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from anjian.risks import grading
from anjian.risks.choices import LEVEL_COLOURS, METHOD_SHORT, Level
from anjian.risks.models import RiskPoint

# Columns hidden on phones, where the list shows name, enterprise, level and due date only.
WIDE_ONLY = "d-none d-md-table-cell"
WIDE = {"th": {"class": WIDE_ONLY}, "td": {"class": WIDE_ONLY}}


def level_badge(level: str, *, score=None, method: str = "") -> str:
    """The 红橙黄蓝 badge of a level (with "D=270" when a score is given)."""
    if not level:
        return format_html('<span class="badge bg-secondary-lt">{}</span>', _("未评估"))
    label = Level(level).label
    if score is None:
        return format_html(
            '<span class="badge bg-{} text-{}-fg">{}</span>',
            LEVEL_COLOURS[level],
            LEVEL_COLOURS[level],
            label,
        )
    letter = "D" if method == "lec" else "R"
    return format_html(
        '<span class="badge bg-{} text-{}-fg">{}</span> '
        '<span class="text-secondary small">{}={}</span>',
        LEVEL_COLOURS[level],
        LEVEL_COLOURS[level],
        label,
        letter,
        grading.fmt(score),
    )


def due_badge(point: RiskPoint) -> str:
    if point.reassess_due is None:
        return format_html('<span class="text-secondary">{}</span>', _("未设定"))
    state = point.due_state()
    colour = {"overdue": "red", "soon": "orange"}.get(state)
    text = point.reassess_due.strftime("%Y-%m-%d")
    if colour:
        label = _("已逾期") if state == "overdue" else _("30天内")
        return format_html('{} <span class="badge bg-{}-lt">{}</span>', text, colour, label)
    return text


class RiskPointTable(tables.Table):
    name = tables.Column(
        linkify=True,
        verbose_name=_("风险点"),
        attrs={"td": {"class": "text-wrap"}, "a": {"hx-boost": "false"}},
    )
    enterprise = tables.Column(
        accessor="enterprise__name",
        order_by=("enterprise__name_sort_key", "name"),  # units in pinyin order
        verbose_name=_("单位"),
        attrs={"td": {"class": "text-wrap"}},
    )
    street = tables.Column(
        accessor="enterprise__street__name",
        orderable=False,
        verbose_name=_("街镇"),
        attrs=WIDE,
    )
    kind = tables.Column(verbose_name=_("类型"), attrs=WIDE)
    current_level = tables.Column(verbose_name=_("风险等级"), order_by=("-current_rank", "name"))
    inherent_level = tables.Column(verbose_name=_("固有风险"), attrs=WIDE)
    control_level = tables.Column(verbose_name=_("管控层级"), attrs=WIDE)
    owner_name = tables.Column(verbose_name=_("责任人"), attrs=WIDE)
    reassess_due = tables.Column(verbose_name=_("下次评估"))

    class Meta:
        model = RiskPoint
        fields = (
            "name",
            "enterprise",
            "street",
            "kind",
            "current_level",
            "inherent_level",
            "control_level",
            "owner_name",
            "reassess_due",
        )
        order_by_field = "sort"
        page_field = "page"
        per_page = 50
        empty_text = _("没有符合条件的风险点")

    def render_current_level(self, value, record):
        badge = level_badge(
            record.current_level, score=record.current_score, method=record.current_method
        )
        if not record.is_active:
            return format_html(
                '{} <span class="badge bg-secondary-lt">{}</span>',
                badge,
                record.get_status_display(),
            )
        return badge

    def render_inherent_level(self, value, record):
        return level_badge(
            record.inherent_level, score=record.inherent_score, method=record.inherent_method
        )

    def render_reassess_due(self, value, record):
        return due_badge(record)


class RegisterTable(RiskPointTable):
    """重大风险清单: the same rows with the method, accident types and owner's phone."""

    industry = tables.Column(accessor="industry__name", verbose_name=_("行业"), attrs=WIDE)
    method = tables.Column(
        accessor="current_method", orderable=False, verbose_name=_("方法"), attrs=WIDE
    )
    accident_types = tables.Column(verbose_name=_("事故类型"), orderable=False, attrs=WIDE)
    owner_phone = tables.Column(verbose_name=_("电话"), orderable=False, attrs=WIDE)

    class Meta(RiskPointTable.Meta):
        fields = (
            "enterprise",
            "street",
            "industry",
            "name",
            "current_level",
            "method",
            "accident_types",
            "control_level",
            "owner_name",
            "owner_phone",
            "reassess_due",
        )
        exclude = ("kind", "inherent_level")
        sequence = fields
        empty_text = _("范围内没有重大、较大风险点")

    def render_method(self, value, record):
        return METHOD_SHORT.get(value, "")

    def render_accident_types(self, value, record):
        return "、".join(record.accident_type_labels)
