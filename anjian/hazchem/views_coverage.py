"""重大危险源在线监测率 as pages, and the source page's devices.

- ``CoverageFigures``: the rate in the reader's scope, by grade, street or industry; every
  number links to the drill-down list of exactly the sources it counts.
- ``CoverageSources``: that list (``?status=&grade=&street=&industry=``) — each source with
  each required metric covered or why not, and its devices' alarms; ``CoverageExport`` the
  same as Excel (the figure and the list; no text becomes a formula: ``core.excel``).
- ``DevicesLink`` / ``DeviceUnlink``: 关联设备 and 解除关联, the forms of the devices card on
  the source's page (``templatetags/hazchem_devices``), through ``services_devices``.
The page, the list, the Excel and the API read the same conditions (``forms_coverage``)."""

from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.excel import write_tables
from anjian.core.exports import XLSX
from anjian.core.forms import attachment
from anjian.core.pages import PageAction
from anjian.core.pagination import page_of
from anjian.core.registry import RegistryView
from anjian.hazchem import permissions as perms
from anjian.hazchem import selectors_coverage as reads
from anjian.hazchem import services_devices
from anjian.hazchem.coverage import Status
from anjian.hazchem.forms_coverage import (
    GROUP_LABELS,
    STATUS_LABELS,
    LinkDevicesForm,
    UnlinkForm,
    Where,
    read_where,
)
from anjian.hazchem.views_sources import SourceDetail
from anjian.monitoring import permissions as monitoring_perms

DEFINITIONS = (
    (
        gettext_lazy("统计对象"),
        gettext_lazy("管辖范围内现有（未核销）且须在线监测的重大危险源。"),
    ),
    (
        gettext_lazy("应监测项"),
        gettext_lazy(
            "储存单元：液位、温度、压力；生产单元：温度、压力；存有易燃气体或易燃液体的另加"
            "可燃气体，存有毒性气体的另加有毒气体（依据《危险化学品重大危险源监督管理暂行规定》"
            "第十三条的理解，见说明文档）。"
        ),
    ),
    (
        gettext_lazy("已覆盖"),
        gettext_lazy(
            "每个应监测项都有关联到该危险源、在用的设备，其该项最新读数在设备的离线判定时间之内。"
        ),
    ),
    (
        gettext_lazy("未覆盖的原因"),
        gettext_lazy(
            "按先后取第一个：未关联设备；缺少监测项（关联的设备都不测某一应监测项）；"
            "设备离线或未按时上报（测该项的设备没有按时上报该项读数）。"
        ),
    ),
    (gettext_lazy("重大危险源在线监测率"), gettext_lazy("已覆盖 ÷ 须在线监测的危险源。")),
)
# A row's numbers: (name, label, the drill-down's status).
CELLS = (
    ("counted", gettext_lazy("须在线监测"), reads.ALL),
    ("covered", gettext_lazy("已覆盖"), Status.COVERED),
    ("uncovered", gettext_lazy("未覆盖"), reads.UNCOVERED),
    ("no_device", Status.NO_DEVICE.label, Status.NO_DEVICE),
    ("missing", Status.MISSING.label, Status.MISSING),
    ("offline", Status.OFFLINE.label, Status.OFFLINE),
)


def drill_down(status: str = reads.ALL, **params) -> str:
    """The list of exactly the sources a number counts."""
    query = {key: value for key, value in {**params, "status": status}.items() if value}
    url = reverse("hazchem:coverage_sources")
    return f"{url}?{urlencode(query)}" if query else url


def cells(tally: reads.Tally) -> list[dict]:
    return [
        {
            "name": name,
            "label": label,
            "count": getattr(tally, name),
            "url": drill_down(status, **tally.params),
        }
        for name, label, status in CELLS
    ]


def percent(value) -> str:
    return "—" if value is None else f"{value}%"


class CoverageFigures(RegistryView):
    """重大危险源在线监测率 in the reader's scope, in all and by grade, street or industry."""

    access = perms.HAZCHEM_VIEW
    template_name = "hazchem/coverage/figures.html"

    def get(self, request, *args, **kwargs):
        where, _errors = read_where(request.GET)
        figure = reads.coverage_figure(request.user, where.group)
        context = {
            "where": where,
            "groups": [(key, label, f"?by={key}") for key, label in GROUP_LABELS.items()],
            "total": figure.total,
            "total_cells": cells(figure.total),
            "rows": [{"tally": row, "cells": cells(row)} for row in figure.rows],
            "heading": GROUP_LABELS[where.group],
            "definitions": DEFINITIONS,
            "export_url": f"{reverse('hazchem:coverage_export')}?by={where.group}",
            "now": timezone.now(),
        }
        return render(request, self.template_name, context)


def _chosen(user, where: Where) -> list[reads.Assessed]:
    states = reads.assess_sources(reads.counted(user))
    return reads.matching(states, **where.matching())


def gaps_text(coverage) -> str:
    """What a source lacks, in words: "液位（缺少监测项）、压力（设备离线或未按时上报）"."""
    return "、".join(
        f"{gap.requirement.label}（{Status(gap.status).label}）" for gap in coverage.gaps
    )


class CoverageSources(RegistryView):
    """The drill-down: exactly the sources a number of the figure counts, 一级 first."""

    access = perms.HAZCHEM_VIEW
    template_name = "hazchem/coverage/sources.html"

    def get(self, request, *args, **kwargs):
        where, errors = read_where(request.GET)
        page = page_of(request, _chosen(request.user, where), per_page=50)
        query = urlencode(where.query())
        context = {
            "where": where,
            "errors": errors,
            "status_label": STATUS_LABELS.get(where.status, ""),
            "page": page,
            "rows": reads.listed(request.user, page.object_list),
            "query": query,
            "export_url": f"{reverse('hazchem:coverage_export')}?{query}",
            "figures_url": reverse("hazchem:coverage"),
        }
        return render(request, self.template_name, context)


SOURCE_HEADER = (
    gettext_lazy("编号"),
    gettext_lazy("重大危险源（单元）"),
    gettext_lazy("单位"),
    gettext_lazy("级别"),
    gettext_lazy("单元类型"),
    gettext_lazy("情况"),
    gettext_lazy("未覆盖的监测项"),
    gettext_lazy("未处置报警"),
    gettext_lazy("本月报警"),
    gettext_lazy("本月一级报警"),
)


def source_rows(rows: list[reads.Listed]) -> list[list]:
    return [
        [
            row.source.number,
            row.source.unit.name,
            row.source.enterprise.name,
            row.source.get_grade_display(),
            row.source.unit.get_kind_display(),
            str(Status(row.coverage.status).label),
            gaps_text(row.coverage),
            row.alarms.open,
            row.alarms.month,
            row.alarms.first_grade,
        ]
        for row in rows
    ]


def figure_rows(figure: reads.Figure) -> list[list]:
    return [
        [
            str(row.label),
            *[getattr(row, name) for name, _label, _status in CELLS],
            percent(row.rate),
        ]
        for row in [*figure.rows, figure.total]
    ]


class CoverageExport(RegistryView):
    """The figure (by the page's grouping) and the list as filtered, as Excel."""

    access = perms.HAZCHEM_VIEW

    def get(self, request, *args, **kwargs):
        where, _errors = read_where(request.GET)
        states = reads.assess_sources(reads.counted(request.user))
        figure = reads.figure(states, where.group)
        chosen = reads.matching(states, **where.matching())
        header = [str(GROUP_LABELS[where.group]), *[str(label) for _n, label, _s in CELLS]]
        sheets = [
            (_("在线监测率"), [*header, _("在线监测率")], figure_rows(figure)),
            (
                _("重大危险源"),
                [str(h) for h in SOURCE_HEADER],
                source_rows(reads.listed(request.user, chosen)),
            ),
        ]
        about = [
            (_("台账"), _("重大危险源在线监测率")),
            (_("导出时间"), timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")),
            (_("导出人"), str(request.user)),
            (_("可见范围"), request.user.scope.label),
            (_("情况"), str(STATUS_LABELS.get(where.status, ""))),
            *[(str(term), str(text)) for term, text in DEFINITIONS],
        ]
        response = HttpResponse(content_type=XLSX)
        write_tables(response, sheets=sheets, about=about)
        attachment(response, f"重大危险源在线监测率-{timezone.localtime():%Y%m%d-%H%M%S}.xlsx")
        return response


# --- the source page's devices ---------------------------------------------------------------


class DevicesSourceDetail(SourceDetail):
    """The source's page shown again after a refused devices form: the card
    (``hazchem_devices.devices_card``) finds the posted form in ``devices_bound``."""

    def page(self, obj, *, status: int = 200, bound=None, error: str = "", **extra):
        return super().page(
            obj, status=status, bound=bound, error=error, devices_bound=bound or {}, **extra
        )


class DeviceAction(PageAction):
    access = monitoring_perms.MONITOR_MANAGE
    detail = DevicesSourceDetail
    anchor = "devices"
    versions_the_page = False  # an unlink form's version is the device's


class DevicesLink(DeviceAction):
    form_class, form_name = LinkDevicesForm, "devices_link"
    success_message = gettext_lazy("已关联设备")

    def form_kwargs(self, obj) -> dict:
        return {"auto_id": "devices-link-%s", "user": self.request.user, "source": obj}

    def save(self, obj, data):
        return services_devices.source_link_devices(
            self.request.user, source_id=obj.pk, device_ids=[d.pk for d in data["devices"]]
        )


class DeviceUnlink(DeviceAction):
    form_class = UnlinkForm
    success_message = gettext_lazy("已解除关联：%(name)s")

    @property
    def form_name(self) -> str:
        return f"device_unlink_{self.kwargs['device_id']}"

    def form_kwargs(self, obj) -> dict:
        return {"auto_id": f"device-unlink-{self.kwargs['device_id']}-%s"}

    def save(self, obj, data):
        return services_devices.source_unlink_device(
            self.request.user,
            source_id=obj.pk,
            device_id=self.kwargs["device_id"],
            expected_version=data["version"],
        )
