"""重大危险源 pages: the list of the sources in scope (current ones by default, 一级 first) with
its Excel, a source's page — its one file (一源一档): the record, how its unit was
identified and graded, the inventory behind it and the history of its grade. The
authority files (备案) and closes (核销) a source, and says whether it must be monitored
online, with the forms on its page, each posting to its own URL. (The chemical
catalogue's pages are ``views_catalogue``.)

Declared on the registry base (``core.registry``): the list and its Excel run the same
filter (``filters_sources``), the page reads through the user's scope (404 outside it)."""

from functools import partial

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.excel import Column
from anjian.core.pages import PageAction, RecordDetail
from anjian.core.registry import RegistryExport, RegistryList
from anjian.hazchem import permissions as perms
from anjian.hazchem import selectors, services_sources
from anjian.hazchem.choices import SourceState
from anjian.hazchem.filters_sources import source_filter
from anjian.hazchem.forms_sources import CloseForm, FileForm, MonitoringForm
from anjian.hazchem.lifecycle import SOURCE, not_the_unit_itself
from anjian.hazchem.tables_sources import SourceTable, source_state_badge

HISTORY_LIMIT = 50  # the latest evaluations on the page (older ones: the count)


class SourceList(RegistryList):
    access = perms.HAZCHEM_VIEW
    filterset = source_filter
    table = SourceTable
    template_name = "hazchem/sources/list.html"


def _day(value):
    return value or None


def _yes(value: bool) -> str:
    return _("是") if value else _("否")


SOURCE_COLUMNS = [
    Column("number", str(gettext_lazy("编号")), 18, export=lambda s: s.number),
    Column("unit", str(gettext_lazy("单元名称")), 24, export=lambda s: s.unit.name),
    Column("kind", str(gettext_lazy("单元类型")), 10, export=lambda s: s.unit.get_kind_display()),
    Column("enterprise", str(gettext_lazy("单位")), 30, export=lambda s: s.enterprise.name),
    Column("grade", str(gettext_lazy("级别")), 8, export=lambda s: s.get_grade_display()),
    Column("state", str(gettext_lazy("状态")), 14, export=lambda s: s.get_state_display()),
    Column(
        "qualifies", str(gettext_lazy("仍构成重大危险源")), 10, export=lambda s: _yes(s.qualifies)
    ),
    Column("s_value", str(gettext_lazy("S值")), 12, export=lambda s: s.unit.s_value),
    Column("r_value", str(gettext_lazy("R值")), 12, export=lambda s: s.unit.r_value),
    Column("identified_on", str(gettext_lazy("辨识日期")), 12, export=lambda s: s.identified_on),
    Column("filed_on", str(gettext_lazy("备案日期")), 12, export=lambda s: _day(s.filed_on)),
    Column("filing_number", str(gettext_lazy("备案编号")), 18, export=lambda s: s.filing_number),
    Column(
        "filed_grade",
        str(gettext_lazy("备案级别")),
        8,
        export=lambda s: s.get_filed_grade_display() if s.filed_grade else "",
    ),
    Column(
        "assessment_due_on",
        str(gettext_lazy("下次评估期限")),
        12,
        export=lambda s: _day(s.assessment_due_on),
    ),
    Column(
        "monitoring_required",
        str(gettext_lazy("须在线监测")),
        10,
        export=lambda s: _yes(s.monitoring_required),
    ),
    Column("closed_on", str(gettext_lazy("核销日期")), 12, export=lambda s: _day(s.closed_on)),
]


class SourceExport(RegistryExport):
    access = perms.HAZCHEM_VIEW
    filterset = source_filter
    columns = SOURCE_COLUMNS
    title = str(gettext_lazy("重大危险源台账"))


class SourceDetail(RecordDetail):
    """一源一档: the source, its unit's evaluation and inventory, the history of its grade,
    its timeline, and the authority's forms (备案, 核销) when they apply."""

    access = perms.HAZCHEM_VIEW
    template_name = "hazchem/sources/detail.html"
    context_object_name = "source"

    def get_object(self):
        visible = selectors.sources(self.request.user).select_related(
            "enterprise", "enterprise__street", "unit"
        )
        return get_object_or_404(visible, pk=self.kwargs["pk"])

    def get_extra_context(self, obj, **context) -> dict:
        unit = obj.unit
        evaluations = unit.evaluations.select_related("by")
        return {
            "unit": unit,
            "evaluations": evaluations[:HISTORY_LIMIT],
            "history_total": evaluations.count(),
            "history_limit": HISTORY_LIMIT,
            "lines": unit.lines.select_related("chemical").order_by("id"),
            "state_badge": source_state_badge(obj),
            "timeline": obj.transitions.select_related("by").order_by("at", "id"),
            "labels": SOURCE.labels(),
            "state_labels": dict(SOURCE.states.choices),
            "actions": self.actions(obj),
            "today": timezone.localdate(),
        }

    def actions(self, obj) -> list[dict]:
        """The authority's forms the user may use on the source now."""
        available = {item.name for item in SOURCE.available(self.request.user, obj)}
        found = []
        for name, form_class, title in (
            ("file", FileForm, _("备案")),
            ("close", CloseForm, _("核销")),
        ):
            if name in available:
                form = self.form(name, partial(_blank, form_class, name, obj.version))
                url = reverse(f"hazchem:source_{name}", args=[obj.pk])
                found.append({"name": name, "title": title, "form": form, "url": url})
        if self.may_set_monitoring(obj):
            form = self.form("monitoring", partial(_monitoring_blank, obj))
            url = reverse("hazchem:source_monitoring", args=[obj.pk])
            title = _("在线监测要求")
            found.append({"name": "monitoring", "title": title, "form": form, "url": url})
        return found

    def may_set_monitoring(self, obj) -> bool:
        user = self.request.user
        return (
            user.can(perms.SOURCE_FILE)
            and not not_the_unit_itself(user, obj)
            and obj.state != SourceState.CLOSED
        )


def _blank(form_class, name: str, version: int):
    return form_class(initial={"version": version}, auto_id=f"{name}-%s")


def _monitoring_blank(obj):
    initial = {"version": obj.version, "required": "1" if obj.monitoring_required else "0"}
    return MonitoringForm(initial=initial, auto_id="monitoring-%s")


class SourceAction(PageAction):
    access = perms.SOURCE_FILE
    detail = SourceDetail
    anchor = "summary"

    def form_kwargs(self, obj) -> dict:
        return {"auto_id": f"{self.form_name}-%s"}


class SourceFile(SourceAction):
    form_class, form_name = FileForm, "file"
    success_message = gettext_lazy("已备案")

    def save(self, obj, data):
        return services_sources.source_file(
            self.request.user,
            source_id=obj.pk,
            expected_version=data["version"],
            filed_on=data["filed_on"],
            filing_number=data["filing_number"],
        )


class SourceClose(SourceAction):
    form_class, form_name = CloseForm, "close"
    success_message = gettext_lazy("已核销")

    def save(self, obj, data):
        return services_sources.source_close(
            self.request.user,
            source_id=obj.pk,
            expected_version=data["version"],
            closed_on=data["closed_on"],
            reason=data["reason"],
        )


class SourceMonitoring(SourceAction):
    form_class, form_name = MonitoringForm, "monitoring"
    success_message = gettext_lazy("已保存在线监测要求")

    def save(self, obj, data):
        return services_sources.source_set_monitoring(
            self.request.user,
            source_id=obj.pk,
            expected_version=data["version"],
            required=data["required"],
            reason=data["reason"],
        )
