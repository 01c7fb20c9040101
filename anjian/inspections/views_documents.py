"""The enforcement documents: the ledger (文书台账) and the download of one (.docx) — only
inside the user's scope (404 otherwise), named as officials file it, e.g.
责令限期整改指令书（杨浦）应急改〔2026〕3号.docx."""

import django_filters
import django_tables2 as tables
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from anjian.core.access import requires
from anjian.core.registry import RegistryList
from anjian.inspections import documents, selectors
from anjian.inspections import permissions as perms
from anjian.inspections.forms import _ListFilter
from anjian.inspections.models import EnforcementDocument
from anjian.inspections.record_models import DocumentKind

WIDE_ONLY = "d-none d-md-table-cell"
WIDE = {"th": {"class": WIDE_ONLY}, "td": {"class": WIDE_ONLY}}


class DocumentFilterSet(_ListFilter):
    kind = django_filters.ChoiceFilter(
        label=_("文书种类"), choices=DocumentKind.choices, empty_label=_("全部文书")
    )
    department = django_filters.ModelChoiceFilter(
        label=_("制作部门"), queryset=None, empty_label=_("全部部门")
    )
    year = django_filters.NumberFilter(label=_("年度"))
    q = django_filters.CharFilter(
        label=_("单位或文号"), method="filter_q", help_text=_("单位名称或文书编号")
    )

    class Meta:
        model = EnforcementDocument
        fields = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(enterprise__name__contains=value) | Q(number__contains=value))


class DocumentTable(tables.Table):
    number = tables.Column(verbose_name=_("文书编号"))
    kind = tables.Column(verbose_name=_("文书种类"))
    enterprise = tables.Column(accessor="enterprise__name", verbose_name=_("当事单位"))
    department = tables.Column(
        accessor="department__short_name", verbose_name=_("制作部门"), attrs=WIDE
    )
    issued_at = tables.Column(verbose_name=_("制作时间"))
    source = tables.Column(accessor="pk", verbose_name=_("来源"), orderable=False, attrs=WIDE)

    card_fields = ("number", "kind", "enterprise", "issued_at")

    class Meta:
        model = EnforcementDocument
        fields = ("number", "kind", "enterprise", "department", "issued_at", "source")
        order_by_field = "sort"
        page_field = "page"
        empty_text = _("还没有制作执法文书")

    def render_number(self, value, record):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)

    def render_issued_at(self, value):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"

    def render_source(self, value, record):
        if record.case_id:
            url = reverse("inspections:case_detail", args=[record.case_id])
            return format_html('<a href="{}">{}</a>', url, _("处罚案件"))
        if record.inspection_id:
            url = reverse("inspections:inspection_detail", args=[record.inspection_id])
            return format_html('<a href="{}">{}</a>', url, _("现场检查"))
        return "—"


class DocumentList(RegistryList):
    access = perms.INSPECTION_VIEW
    table = DocumentTable
    template_name = "inspections/document_list.html"

    def get_filterset(self):
        user = self.request.user
        return DocumentFilterSet(
            self.request.GET or None, queryset=selectors.documents(user), user=user
        )


@require_GET
@requires(perms.INSPECTION_VIEW)
def document_download(request, pk: int):
    document = get_object_or_404(selectors.documents(request.user), pk=pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=documents.download_name(document),
        content_type=documents.CONTENT_TYPE,
    )
    response["Cache-Control"] = "private, no-store"
    return response
