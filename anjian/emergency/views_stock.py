"""物资储备库 and 应急物资 pages: a warehouse's page with its stock lines (expiry and reserve
warnings), its ledger and the forms that move stock — 入库, 出库 (领用、轮换、报废), 调拨,
盘点 — and a new line; the list of stock lines across warehouses (the overview's expiry and
reserve figures open it); a line's page with its own ledger and forms; each ledger as
Excel (出入库台账: every movement, not just the page's last ``LEDGER_ROWS``).

Stock never goes below zero: the services refuse it (a conflict naming the stock), and the
page shows the refusal above the form it came from."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.forms import attachment
from anjian.core.registry import XLSX, RegistryView, about_lines
from anjian.emergency import permissions as perms
from anjian.emergency import resource_exports
from anjian.emergency import selectors_resources as selectors
from anjian.emergency import services_resources as services
from anjian.emergency.forms_resources import STOCK_FORMS, STOCK_TITLES, SupplyForm
from anjian.emergency.tables import SupplyTable, WarehouseTable, below_reserve, expiry_badge
from anjian.emergency.views_resources import (
    SUPPLY,
    WAREHOUSE,
    ResourceAction,
    ResourceDetail,
    ResourceEdit,
    ResourceExport,
    ResourceList,
    resource_filter,
)

LEDGER_ROWS = 100

# --- warehouses and stock --------------------------------------------------------------------


def warehouse_filter(user, params):
    return resource_filter(WAREHOUSE, user, params)


class WarehouseList(ResourceList):
    filterset, table, kind = warehouse_filter, WarehouseTable, WAREHOUSE


class WarehouseEdit(ResourceEdit):
    kind = WAREHOUSE


def stock_forms(view, *, user, warehouse, supply=None) -> list[dict]:
    """The receipt, issue, transfer and count forms of a warehouse's page (``supply``
    picked in the form) or of a supply's (``supply`` given)."""
    found = []
    for op, form_class in STOCK_FORMS.items():
        kwargs = {"auto_id": f"{op}-%s", "warehouse": None if supply else warehouse}
        if op == "transfer":
            kwargs.update(user=user, source=warehouse)
        if supply is not None:
            url = reverse("emergency:supply_stock", args=[supply.pk, op])
        else:
            url = reverse("emergency:warehouse_stock", args=[warehouse.pk, op])
        form = view.form(f"stock_{op}", lambda c=form_class, k=kwargs: c(**k))
        found.append({"op": op, "title": STOCK_TITLES[op], "form": form, "url": url})
    return found


def decorate(lines, today):
    for line in lines:
        line.expiry = expiry_badge(line, today)
        line.below = below_reserve(line)
    return lines


class WarehouseDetail(ResourceDetail):
    template_name = "emergency/resources/warehouse.html"
    kind = WAREHOUSE

    def extra(self, obj, user) -> dict:
        today = timezone.localdate()
        lines = decorate(list(obj.supplies.order_by("-active", "name", "batch")), today)
        ledger = selectors.movements(user, warehouse=obj).order_by("-at", "-id")[:LEDGER_ROWS]
        context = {
            "lines": lines,
            "expiring": sum(1 for line in lines if line.expiry),
            "ledger": ledger,
            "equipment": obj.equipment.all(),
            "supplies_url": f"{SUPPLY.url('list')}?warehouse={obj.pk}",
            "ledger_url": reverse("emergency:warehouse_ledger", args=[obj.pk]),
            "show_line": True,
        }
        if user.can(perms.RESOURCE_MANAGE) and obj.active:
            context["supply_form"] = self.form("supply", lambda: SupplyForm(auto_id="supply-%s"))
            if any(line.active for line in lines):
                context["stock_forms"] = stock_forms(self, user=user, warehouse=obj)
        return context


class SupplyCreate(ResourceAction):
    detail, form_class, form_name, anchor = WarehouseDetail, SupplyForm, "supply", "supplies"
    success_message = gettext_lazy("已登记物资“%(name)s”")

    def save(self, obj, data):
        return services.supply_create(
            self.request.user,
            warehouse_id=obj.pk,
            data=self.form.service_data(),
            quantity=data.get("quantity") or 0,
        )


class StockAction(ResourceAction):
    """入库 / 出库 / 调拨 / 盘点 (``op`` in the URL) of a line."""

    anchor = "ledger"
    DONE = {
        "receive": gettext_lazy("已入库"),
        "issue": gettext_lazy("已出库"),
        "transfer": gettext_lazy("已调拨，调入库已登记调入"),
        "count": gettext_lazy("已登记盘点"),
    }

    def op(self) -> str:
        if self.kwargs.get("op") not in STOCK_FORMS:
            raise Http404
        return self.kwargs["op"]

    def get_form_class(self, obj):
        self.form_name = f"stock_{self.op()}"
        return STOCK_FORMS[self.op()]

    def line(self, obj, data):
        raise NotImplementedError

    def save(self, obj, data):
        supply = self.line(obj, data)
        kwargs = self.form.service_kwargs()
        user, op = self.request.user, self.op()
        call = {
            "receive": services.stock_receive,
            "issue": services.stock_issue,
            "transfer": services.stock_transfer,
            "count": services.stock_count,
        }[op]
        return call(user, supply_id=supply.pk, **kwargs)

    def saved(self, obj, result):
        messages.success(self.request, str(self.DONE[self.op()]))
        return redirect(f"{self.detail_url(obj)}#{self.anchor}")


class WarehouseStock(StockAction):
    detail = WarehouseDetail

    def form_kwargs(self, obj) -> dict:
        kwargs = {"auto_id": f"{self.op()}-%s", "warehouse": obj}
        if self.op() == "transfer":
            kwargs.update(user=self.request.user, source=obj)
        return kwargs

    def line(self, obj, data):
        return data["supply"]


def supply_filter(user, params):
    return resource_filter(SUPPLY, user, params)


class SupplyList(ResourceList):
    filterset, table, kind = supply_filter, SupplyTable, SUPPLY


class SupplyDetail(ResourceDetail):
    template_name = "emergency/resources/supply.html"
    kind = SUPPLY

    def extra(self, obj, user) -> dict:
        today = timezone.localdate()
        decorate([obj], today)
        context = {
            "ledger": selectors.movements(user, supply=obj).order_by("-at", "-id")[:LEDGER_ROWS],
            "ledger_url": reverse("emergency:supply_ledger", args=[obj.pk]),
            "warning_days": (today + timedelta(days=selectors.EXPIRY_SOON_DAYS)),
        }
        if user.can(perms.RESOURCE_MANAGE) and obj.active and obj.warehouse.active:
            context["stock_forms"] = stock_forms(
                self, user=user, warehouse=obj.warehouse, supply=obj
            )
        return context


class SupplyStock(StockAction):
    detail = SupplyDetail

    def form_kwargs(self, obj) -> dict:
        kwargs = {"auto_id": f"{self.op()}-%s"}
        if self.op() == "transfer":
            kwargs.update(user=self.request.user, source=obj.warehouse)
        return kwargs

    def line(self, obj, data):
        return obj


class SupplyEdit(ResourceEdit):
    kind = SUPPLY

    def form_kwargs(self, obj) -> dict:
        return {"instance": obj}

    def save(self, obj, data, version):
        return services.supply_update(
            self.request.user, supply_id=obj.pk, expected_version=version, data=data
        )


class WarehouseExport(ResourceExport):
    kind = WAREHOUSE


class SupplyExport(ResourceExport):
    kind = SUPPLY


# --- the stock ledger as Excel ----------------------------------------------------------------

LEDGER_TITLE = gettext_lazy("出入库台账")
DAY_FORMAT = "%Y-%m-%d"


@dataclass(frozen=True)
class LedgerConditions:
    """What a ledger download holds, as its 导出说明 lists it (``about_lines`` reads
    ``active_filters``)."""

    active_filters: list[tuple[str, str]]


def ledger_days(params) -> tuple[date | None, date | None]:
    """``?from=`` and ``?to=`` (YYYY-MM-DD, both days included, either may be left off);
    ValueError saying in Chinese which is malformed, or that they are the wrong way round."""
    days = []
    for name, label in (("from", _("起始日期")), ("to", _("截止日期"))):
        text = params.get(name, "").strip()
        try:
            days.append(datetime.strptime(text, DAY_FORMAT).date() if text else None)
        except ValueError:
            raise ValueError(
                _("%(label)s无效：“%(value)s”，应为 YYYY-MM-DD 格式的日期，如 2026-03-01")
                % {"label": label, "value": text}
            ) from None
    first, last = days
    if first and last and first > last:
        raise ValueError(
            _("起始日期 %(first)s 晚于截止日期 %(last)s") % {"first": first, "last": last}
        )
    return first, last


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def in_days(movements, first: date | None, last: date | None):
    """The movements made on the days ``first`` … ``last`` (local time)."""
    if first:
        movements = movements.filter(at__gte=_midnight(first))
    if last:
        movements = movements.filter(at__lt=_midnight(last + timedelta(days=1)))
    return movements


class LedgerExport(RegistryView):
    """The whole 出入库台账 of a warehouse or of one line, oldest first (the page shows the
    last ``LEDGER_ROWS``), through ``resource_exports.write_movements``; ``?from=`` /
    ``?to=`` keep the movements of those days. The record is read through the user's
    scope (404 outside it). A malformed date is answered 400 saying so in Chinese: the
    list exports ignore a malformed filter because their page shows the form's error,
    and this download has no form — ignoring it would hand over every day instead."""

    access = perms.EMERGENCY_VIEW

    def record(self, user, pk: int):
        raise NotImplementedError

    def subject(self, obj) -> list[tuple[str, str]]:
        """(label, name) of what the ledger is of: the 导出说明's lines and the file name."""
        raise NotImplementedError

    def movements(self, user, obj):
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        obj = self.record(request.user, kwargs["pk"])
        try:
            first, last = ledger_days(request.GET)
        except ValueError as problem:
            return HttpResponseBadRequest(str(problem), content_type="text/plain; charset=utf-8")
        subject = self.subject(obj)
        shown = list(subject)
        if first:
            shown.append((_("日期自"), first.strftime(DAY_FORMAT)))
        if last:
            shown.append((_("日期至"), last.strftime(DAY_FORMAT)))
        queryset = in_days(self.movements(request.user, obj), first, last).order_by("at", "id")
        about = about_lines(request.user, LedgerConditions(shown), ledger=str(LEDGER_TITLE))
        response = HttpResponse(content_type=XLSX)
        resource_exports.write_movements(
            response, user=request.user, queryset=queryset, about=about
        )
        parts = [str(LEDGER_TITLE), *(name for _label, name in subject)]
        if first or last:
            parts.append(
                f"{first.strftime(DAY_FORMAT) if first else ''}至"
                f"{last.strftime(DAY_FORMAT) if last else ''}"
            )
        attachment(response, "-".join(parts) + ".xlsx")
        return response


class WarehouseLedgerExport(LedgerExport):
    def record(self, user, pk: int):
        return get_object_or_404(selectors.warehouses(user), pk=pk)

    def subject(self, obj) -> list[tuple[str, str]]:
        return [(_("储备库"), obj.name)]

    def movements(self, user, obj):
        return selectors.movements(user, warehouse=obj)


class SupplyLedgerExport(LedgerExport):
    def record(self, user, pk: int):
        return get_object_or_404(selectors.supplies(user, active=None), pk=pk)

    def subject(self, obj) -> list[tuple[str, str]]:
        detail = "".join(f"（{part}）" for part in (obj.spec, obj.batch) if part)
        return [(_("储备库"), obj.warehouse.name), (_("物资"), f"{obj.name}{detail}")]

    def movements(self, user, obj):
        return selectors.movements(user, supply=obj)
