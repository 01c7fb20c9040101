"""物资储备库 and 应急物资 pages: a warehouse's page with its stock lines (expiry and reserve
warnings), its ledger and the forms that move stock — 入库, 出库 (领用、轮换、报废), 调拨,
盘点 — and a new line; the list of stock lines across warehouses (the overview's expiry and
reserve figures open it); a line's page with its own ledger and forms.

Stock never goes below zero: the services refuse it (a conflict naming the stock), and the
page shows the refusal above the form it came from."""

from datetime import timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from anjian.emergency import permissions as perms
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
