import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from anjian.enterprises.choices import BADGE_COLOURS
from anjian.enterprises.models import Enterprise

# Columns hidden on phones, where the list shows name, street, grade and status only.
WIDE_ONLY = "d-none d-md-table-cell"


def badge(value, label):
    colour = BADGE_COLOURS.get(value, "secondary")
    return format_html('<span class="badge bg-{}-lt">{}</span>', colour, label)


class EnterpriseTable(tables.Table):
    name = tables.Column(
        linkify=True,
        verbose_name=_("单位名称"),
        order_by=("name_sort_key", "id"),  # pinyin order, as the list's default
        # The results card boosts its sort and page links into #results; the detail
        # link is a whole-page navigation.
        attrs={"td": {"class": "text-wrap"}, "a": {"hx-boost": "false"}},
    )
    credit_code = tables.Column(
        verbose_name=_("统一社会信用代码"),
        attrs={"th": {"class": WIDE_ONLY}, "td": {"class": f"font-monospace {WIDE_ONLY}"}},
    )
    street = tables.Column(
        accessor="street__name", order_by=("street", "name_sort_key"), verbose_name=_("街镇")
    )
    industry = tables.Column(
        accessor="industry__name",
        order_by=("industry", "name_sort_key"),
        verbose_name=_("监管行业"),
        attrs={"th": {"class": WIDE_ONLY}, "td": {"class": WIDE_ONLY}},
    )
    supervision_grade = tables.Column(verbose_name=_("监管等级"))
    employees = tables.Column(
        verbose_name=_("从业人员"),
        attrs={"th": {"class": WIDE_ONLY}, "td": {"class": f"text-end {WIDE_ONLY}"}},
    )
    status = tables.Column(verbose_name=_("状态"))

    class Meta:
        model = Enterprise
        fields = (
            "name",
            "credit_code",
            "street",
            "industry",
            "supervision_grade",
            "employees",
            "status",
        )
        order_by_field = "sort"
        page_field = "page"
        per_page = 50
        empty_text = _("没有符合条件的单位")

    def render_supervision_grade(self, value, record):
        return badge(record.supervision_grade, record.supervision_grade)

    def render_status(self, value, record):
        return badge(record.status, value)
