import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from anjian.enterprises.places.models import PublicPlace

WIDE_ONLY = "d-none d-md-table-cell"


class PlaceTable(tables.Table):
    name = tables.Column(
        linkify=True,
        verbose_name=_("名称"),
        order_by=("name_sort_key", "id"),
        attrs={"td": {"class": "text-wrap"}, "a": {"hx-boost": "false"}},
    )
    kind = tables.Column(verbose_name=_("类型"))
    street = tables.Column(
        accessor="street__name", order_by=("street", "name_sort_key"), verbose_name=_("街镇")
    )
    industry = tables.Column(
        accessor="industry__name",
        order_by=("industry", "name_sort_key"),
        verbose_name=_("监管领域"),
        attrs={"th": {"class": WIDE_ONLY}, "td": {"class": WIDE_ONLY}},
    )
    responsible_department = tables.Column(
        accessor="responsible_department__short_name",
        verbose_name=_("责任部门"),
        orderable=False,
        default=_("按领域"),
        attrs={"th": {"class": WIDE_ONLY}, "td": {"class": WIDE_ONLY}},
    )
    is_active = tables.Column(verbose_name=_("状态"))

    card_fields = ("name", "kind", "street", "is_active")

    class Meta:
        model = PublicPlace
        fields = ("name", "kind", "street", "industry", "responsible_department", "is_active")
        order_by_field = "sort"
        page_field = "page"
        per_page = 50
        empty_text = _("没有符合条件的公共区域")

    def render_is_active(self, value, record):
        if record.is_active:
            return format_html('<span class="badge bg-green-lt">{}</span>', _("在用"))
        return format_html('<span class="badge bg-secondary-lt">{}</span>', _("已停用"))
