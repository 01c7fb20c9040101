"""Pages of monitoring: the live console, devices, alarms and their disposal, online
rates, the dead-letter table. The registry (devices, gateways, duty persons, the device
map) is declared on the core registry base (core/registry.py)."""

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from anjian.core.access import requires
from anjian.core.exports import export_response, sync_rows
from anjian.core.forms import is_htmx_partial, submit
from anjian.core.pagination import page_of
from anjian.core.registry import (
    RegistryAction,
    RegistryDetail,
    RegistryEdit,
    RegistryList,
    RegistryMap,
    RegistryMapPoints,
)
from anjian.enterprises.models import Enterprise
from anjian.hazards import permissions as hazard_perms
from anjian.monitoring import exports, forms, lifecycle, selectors, services
from anjian.monitoring import permissions as perms
from anjian.monitoring.choices import DeviceState, RejectReason
from anjian.monitoring.filters import NOT_ONLINE
from anjian.monitoring.ledger import ALARM_COLUMNS, LEDGER_TITLE
from anjian.monitoring.lifecycle import ALARM
from anjian.monitoring.models import DutyPerson
from anjian.monitoring.tables import AlarmTable
from anjian.regions import selectors as region_selectors


@require_GET
@requires(perms.MONITOR_VIEW)
def console(request):
    """实时监测: every device in scope with its latest values, and the open alarms.
    The page refreshes its live part every few seconds (htmx), without reload; the live
    part carries the unacknowledged 一级 alarms, which the page's script announces (sound,
    browser notice) when one was not there at the previous refresh."""
    filterset = selectors.device_filter(request.user, request.GET)
    devices = filterset.qs.order_by("enterprise__name_sort_key", "code")
    page = page_of(request, devices, per_page=50)
    context = {
        "filterset": filterset,
        "page": page,
        "devices": selectors.devices_with_latest(page.object_list),
        "alarms": selectors.open_alarms(request.user, limit=20),
        "alarm_feed": selectors.console_alarm_feed(request.user),
        "totals": selectors.online_totals(request.user),
        "figures": selectors.alarm_figures(request.user, since=timezone.now() - timedelta(days=1)),
        "refreshed_at": timezone.now(),
        "query": request.GET.urlencode(),
    }
    if is_htmx_partial(request, "live"):
        return render(request, "monitoring/console.html#live", context)
    return render(request, "monitoring/console.html", context)


def _console_devices(request):
    """The active devices in scope, narrowed by the console's filters."""
    return selectors.device_filter(request.user, request.GET).qs


def _map_legend() -> list[tuple[str, str]]:
    return [("alarm", _("报警")), *[(s.value, s.label) for s in DeviceState]]


class DeviceMap(RegistryMap):
    """设备地图: the console's devices as points, red where an alarm is open."""

    access = perms.MONITOR_VIEW
    layers = region_selectors.map_layers
    template_name = "monitoring/map.html"
    points_url = "monitoring:device_map_data"

    def map_context(self) -> dict:
        return {
            "detailUrl": reverse("monitoring:device_detail", args=[0]),
            "labels": {key: str(label) for key, label in _map_legend()},
        }

    def get_extra_context(self, **context) -> dict:
        filterset = selectors.device_filter(self.request.user, self.request.GET)
        return {"form": filterset.form, "legend": _map_legend()}


class DeviceMapPoints(RegistryMapPoints):
    access = perms.MONITOR_VIEW
    limit = selectors.MAP_POINT_LIMIT

    def points(self):
        return selectors.map_points(_console_devices(self.request))


class DeviceDetail(RegistryDetail):
    access = perms.MONITOR_VIEW
    read = selectors.device_get
    template_name = "monitoring/device_detail.html"
    context_object_name = "device"

    def get_extra_context(self, obj, **context) -> dict:
        selectors.devices_with_latest([obj])
        readings = selectors.recent_readings(obj, limit=3000)
        return {
            "thresholds": obj.thresholds.select_related("metric").order_by("metric", "level"),
            "alarms": obj.alarms.select_related("metric").order_by("-raised_at")[:20],
            "flags": obj.quality_flags.select_related("metric")[:20],
            "readings": readings[:200],
            "chart": selectors.readings_chart(obj, readings),
            "threshold_form": forms.ThresholdForm(device=obj),
        }


class AlarmList(RegistryList):
    """报警处置: the alarms in scope by level, street, enterprise, device type, date and
    state (未处置 unless asked), with a tick box on each unacknowledged one for 批量确认."""

    access = perms.MONITOR_VIEW
    filterset = selectors.alarm_filter
    table = AlarmTable
    template_name = "monitoring/alarm_list.html"

    def get_extra_context(self, **context) -> dict:
        return {"may_handle": self.request.user.can(perms.ALARM_HANDLE)}


@require_GET
@requires(perms.MONITOR_VIEW)
def alarm_export(request):
    """报警处置台账 — exactly the list as filtered (the same filters), every row; over
    ANJIAN_EXPORT_SYNC_ROWS rows a background job writes it (``monitoring/exports.py``)."""
    queryset, about = exports.ledger_rows(request.user, request.GET)
    return export_response(
        request,
        kind=exports.EXPORT,
        queryset=queryset,
        about=about,
        title=LEDGER_TITLE,
        columns=ALARM_COLUMNS,
        filename=exports.ledger_filename(),
        limit=sync_rows(),
    )


@require_POST
@requires(perms.ALARM_HANDLE)
def alarm_acknowledge_batch(request):
    """批量确认: the ticked alarms, each at the version the list showed; those changed
    meanwhile are named as conflicts, the rest acknowledged. Back to the list as it was."""
    form = forms.BatchAcknowledgeForm(request.POST)
    outcome = submit(
        request,
        form,
        lambda data: services.alarm_acknowledge_batch(
            by=request.user, items=data["alarm"], note=data["note"]
        ),
    )
    back = reverse("monitoring:alarm_list")
    query = getattr(form, "cleaned_data", {}).get("query", "")  # valid even if nothing ticked
    if query:
        back = f"{back}?{query}"
    if not outcome.done:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    for level, text in batch_summary(outcome.result):
        messages.add_message(request, level, text)
    return redirect(back)


def batch_summary(result: services.BatchAcknowledged) -> list[tuple[int, str]]:
    """The batch 确认 in plain Chinese: how many were acknowledged, and each alarm that
    was not, with why (someone acted first, its state now)."""
    lines = []
    if result.acknowledged:
        lines.append(
            (messages.SUCCESS, _("已确认 %(n)d 条报警。") % {"n": len(result.acknowledged)})
        )
    if result.conflicts:
        named = "；".join(
            _("%(d)s %(m)s（现为“%(s)s”）")
            % {"d": a.device.name, "m": a.metric.name, "s": a.get_state_display()}
            for a, _reason in result.conflicts
        )
        lines.append(
            (
                messages.WARNING,
                _(
                    "%(n)d 条报警在您查看后已有变化（他人已确认、处置或报警已上报/恢复），"
                    "未确认：%(a)s。请核对后再确认。"
                )
                % {"n": len(result.conflicts), "a": named},
            )
        )
    if result.missing:
        lines.append(
            (
                messages.WARNING,
                _("%(n)d 条报警不存在或不在您的范围内。") % {"n": len(result.missing)},
            )
        )
    return lines


def _render_alarm(request, alarm, *, bound=None, status=200, error=""):
    bound = bound or {}
    return render(
        request,
        "monitoring/alarm_detail.html",
        {
            "alarm": alarm,
            "duty_persons": selectors.duty_persons(alarm.enterprise_id),
            "chart": [selectors.alarm_chart(alarm)],
            "events": alarm.events.select_related("by"),
            "acknowledge_form": bound.get("acknowledge")
            or forms.AcknowledgeForm(initial={"version": alarm.version}),
            "dispose_form": bound.get("dispose")
            or forms.DisposeForm(initial={"version": alarm.version}),
            "hazard_form": bound.get("hazard") or forms.HazardFromAlarmForm(),
            "actions": {action.name for action in ALARM.available(request.user, alarm)},
            "event_labels": ALARM.labels(),
            "error": error,
        },
        status=status,
    )


@require_GET
@requires(perms.MONITOR_VIEW)
def alarm_detail(request, pk: int):
    return _render_alarm(request, selectors.alarm_get(request.user, pk))


def _alarm_action(request, pk: int, key: str, form_class, call, done: str):
    alarm = selectors.alarm_get(request.user, pk)
    form = form_class(request.POST)
    outcome = submit(request, form, lambda data: call(alarm, data))
    if outcome.conflict:  # the alarm as it is now, with what it may do now
        alarm = selectors.alarm_get(request.user, pk)
        return _render_alarm(request, alarm, status=409, error=form.non_field_errors()[0])
    if not outcome.done:
        return _render_alarm(request, alarm, bound={key: form}, status=outcome.status)
    messages.success(request, done)
    result = outcome.result
    return redirect(result if hasattr(result, "get_absolute_url") else alarm)


@require_POST
@requires(perms.ALARM_HANDLE)
def alarm_acknowledge(request, pk: int):
    return _alarm_action(
        request,
        pk,
        "acknowledge",
        forms.AcknowledgeForm,
        lambda alarm, data: services.alarm_acknowledge(
            by=request.user, alarm_id=alarm.pk, expected_version=data["version"], note=data["note"]
        ),
        _("已确认报警"),
    )


@require_POST
@requires(perms.ALARM_HANDLE)
def alarm_dispose(request, pk: int):
    return _alarm_action(
        request,
        pk,
        "dispose",
        forms.DisposeForm,
        lambda alarm, data: services.alarm_dispose(
            by=request.user,
            alarm_id=alarm.pk,
            expected_version=data["version"],
            cause=data["cause"],
            note=data["note"],
        ),
        _("已处置报警"),
    )


@require_POST
@requires(perms.ALARM_HANDLE)
def alarm_hazard(request, pk: int):
    if not request.user.can(hazard_perms.HAZARD_REPORT):
        raise PermissionDenied(lifecycle.may_report_hazards(request.user, None))
    return _alarm_action(
        request,
        pk,
        "hazard",
        forms.HazardFromAlarmForm,
        lambda alarm, data: services.alarm_to_hazard(
            by=request.user,
            alarm_id=alarm.pk,
            title=data["title"],
            description=data["description"],
        ),
        _("已转为隐患，请在隐患页面上账"),
    )


# The 在线率 table's numbers as links: each opens the console's device list filtered to
# exactly the devices it counts (the row's own filter plus one of these).
DRILL_DOWN = {
    "devices": {},
    "online": {"state": DeviceState.ONLINE},
    "offline": {"state": NOT_ONLINE},
    "source_devices": {"hazard_source": "on"},
    "source_devices_online": {"hazard_source": "on", "state": DeviceState.ONLINE},
    "quality_devices": {"quality": "on"},
}


def drill_down_links(params: dict) -> dict[str, str]:
    base = reverse("monitoring:console")
    return {
        name: f"{base}?{urlencode({**params, **extra})}" if params or extra else base
        for name, extra in DRILL_DOWN.items()
    }


@require_GET
@requires(perms.MONITOR_VIEW)
def rates(request):
    group = request.GET.get("by", "street")
    if group not in ("enterprise", "street", "industry"):
        group = "street"
    since = timezone.now() - timedelta(days=30)
    rows = selectors.online_rates(request.user, group)
    for row in rows:
        row.links = drill_down_links(row.params)
    totals = selectors.online_totals(request.user)
    totals.links = drill_down_links({})
    return render(
        request,
        "monitoring/rates.html",
        {
            "group": group,
            "groups": [
                ("street", _("按街镇")),
                ("industry", _("按行业")),
                ("enterprise", _("按单位")),
            ],
            "rows": rows,
            "totals": totals,
            "figures": selectors.alarm_figures(request.user, since=since),
        },
    )


@require_GET
@requires(perms.MONITOR_ADMIN)
def dead_letters(request):
    reason = request.GET.get("reason", "")
    if reason not in RejectReason.values:
        reason = ""
    page = page_of(request, selectors.dead_letters(reason), per_page=100)
    return render(
        request,
        "monitoring/dead_letters.html",
        {
            "page": page,
            "reason": reason,
            "reasons": RejectReason.choices,
            # Failed logins are counted, not stored: the most recent sources.
            "refusals": selectors.auth_failures()[:20],
        },
    )


# --- the registry: devices, gateways, duty persons --------------------------------------------


class ReporterEdit(RegistryEdit):
    """Register a device or a gateway (its token is shown once, on its own page) or edit
    one (version-checked): the same page for both, the URL's ``pk`` tells which."""

    access = perms.MONITOR_MANAGE
    token_template = ""
    success_message = gettext_lazy("已保存")

    def register(self, enterprise, data: dict):
        raise NotImplementedError

    def update(self, obj, data: dict, version: int):
        raise NotImplementedError

    def save(self, obj, data, version):
        if obj is None:
            return self.register(data.pop("enterprise"), data)
        return self.update(obj, data, version)

    def saved(self, obj, result):
        if obj is None:
            reporter, token = result
            context = {self.context_object_name: reporter, "token": token}
            return render(self.request, self.token_template, context)
        return super().saved(obj, result)


class DeviceEdit(ReporterEdit):
    read = selectors.device_get
    form_class = forms.DeviceForm
    template_name = "monitoring/device_form.html"
    token_template = "monitoring/device_token.html"
    context_object_name = "device"

    def register(self, enterprise, data):
        return services.device_register(by=self.request.user, enterprise=enterprise, data=data)

    def update(self, obj, data, version):
        return services.device_update(
            by=self.request.user, device_id=obj.pk, data=data, expected_version=version
        )


class NewToken(RegistryDetail):
    """A new token for a device or gateway, shown once; the old one stops working."""

    access = perms.MONITOR_MANAGE
    http_method_names = ["post"]

    def issue(self, obj) -> str:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        return self.page(obj, token=self.issue(obj), renewed=True)


class DeviceToken(NewToken):
    read = selectors.device_get
    template_name = "monitoring/device_token.html"
    context_object_name = "device"

    def issue(self, obj):
        return services.device_issue_token(by=self.request.user, device_id=obj.pk)


class ThresholdSet(RegistryAction):
    """Add or change a limit, from the form on the device page."""

    access = perms.MONITOR_MANAGE
    detail = DeviceDetail
    form_class = forms.ThresholdForm
    form_name = "threshold_form"
    success_message = gettext_lazy("已保存报警阈值")

    def form_kwargs(self, obj) -> dict:
        return {"device": obj}

    def save(self, obj, data):
        return services.threshold_set(
            by=self.request.user,
            device_id=obj.pk,
            metric_id=data["metric"].pk,
            level=data["level"],
            value=data["value"],
            hysteresis=data["hysteresis"],
            min_duration_seconds=data["min_duration_seconds"],
            is_active=data["is_active"],
        )


class DutyPersons(RegistryEdit):
    """值班人员 of one enterprise: who is told first and must acknowledge its alarms."""

    access = perms.MONITOR_MANAGE
    form_class = forms.DutyPersonForm
    template_name = "monitoring/duty_persons.html"
    context_object_name = "enterprise"
    success_message = gettext_lazy("已保存值班人员")

    def get_object(self):
        request = self.request
        self.enterprises = Enterprise.objects.for_user(request.user).order_by("name_sort_key")
        chosen = request.GET.get("enterprise") or request.POST.get("enterprise")
        if chosen and chosen.isdigit():
            found = self.enterprises.filter(pk=chosen).first()
            if found is not None:
                return found
        return self.enterprises.first() if self.enterprises.count() == 1 else None

    def refuse(self, obj):
        if obj is not None:
            return None
        context = {"enterprise": None, "enterprises": self.enterprises[:500], "persons": []}
        return render(self.request, self.template_name, context)

    def form_kwargs(self, obj) -> dict:
        return {"enterprise": obj}

    def save(self, obj, data, version):
        return services.duty_person_set(
            by=self.request.user,
            enterprise=obj,
            user=data["user"],
            phone=data["phone"],
            is_active=data["is_active"],
        )

    def success_url(self, result) -> str:
        return f"{self.request.path}?enterprise={result.enterprise_id}"

    def get_extra_context(self, obj, **context) -> dict:
        persons = DutyPerson.objects.filter(enterprise=obj).select_related("user")
        return {"enterprises": [], "persons": persons}


class GatewayList(RegistryList):
    access = perms.MONITOR_VIEW
    template_name = "monitoring/gateway_list.html"

    def rows(self):
        return selectors.gateway_queryset(self.request.user).order_by(
            "enterprise__name_sort_key", "code"
        )


class GatewayDetail(RegistryDetail):
    access = perms.MONITOR_VIEW
    read = selectors.gateway_get
    template_name = "monitoring/gateway_detail.html"
    context_object_name = "gateway"


class GatewayEdit(ReporterEdit):
    read = selectors.gateway_get
    form_class = forms.GatewayForm
    template_name = "monitoring/gateway_form.html"
    token_template = "monitoring/gateway_token.html"
    context_object_name = "gateway"

    def register(self, enterprise, data):
        return services.gateway_register(by=self.request.user, enterprise=enterprise, data=data)

    def update(self, obj, data, version):
        return services.gateway_update(
            by=self.request.user, gateway_id=obj.pk, data=data, expected_version=version
        )


class GatewayToken(NewToken):
    read = selectors.gateway_get
    template_name = "monitoring/gateway_token.html"
    context_object_name = "gateway"

    def issue(self, obj):
        return services.gateway_issue_token(by=self.request.user, gateway_id=obj.pk)
