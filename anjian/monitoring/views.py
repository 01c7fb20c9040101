"""Pages of monitoring: the live console, devices, alarms and their disposal, online
rates, the dead-letter table."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anjian.accounts import permissions as perms
from anjian.core.access import requires
from anjian.core.exceptions import Conflict, NotPermitted, ValidationError
from anjian.core.forms import apply_service_errors, is_htmx_partial, submit
from anjian.core.pagination import page_of
from anjian.monitoring import forms, lifecycle, selectors, services
from anjian.monitoring.choices import AlarmState, DeviceState, RejectReason
from anjian.monitoring.lifecycle import ALARM
from anjian.regions import selectors as region_selectors


@require_GET
@requires(perms.MONITOR_VIEW)
def console(request):
    """实时监测: every device in scope with its latest values, and the open alarms.
    The page refreshes its live part every few seconds (htmx), without reload."""
    form = forms.ConsoleFilter(request.GET or None)
    devices = selectors.filtered_devices(request.user, form.cleaned_data if form.is_valid() else {})
    page = page_of(request, devices.order_by("enterprise__name", "code"), per_page=50)
    context = {
        "form": form,
        "page": page,
        "devices": selectors.devices_with_latest(page.object_list),
        "alarms": selectors.open_alarms(request.user, limit=20),
        "totals": selectors.online_totals(request.user),
        "figures": selectors.alarm_figures(request.user, since=timezone.now() - timedelta(days=1)),
        "refreshed_at": timezone.now(),
        "query": request.GET.urlencode(),
    }
    if is_htmx_partial(request, "live"):
        return render(request, "monitoring/console.html#live", context)
    return render(request, "monitoring/console.html", context)


def _render_device(request, device, *, threshold_form=None, status=200):
    selectors.devices_with_latest([device])
    readings = selectors.recent_readings(device, limit=3000)
    return render(
        request,
        "monitoring/device_detail.html",
        {
            "device": device,
            "thresholds": device.thresholds.select_related("metric").order_by("metric", "level"),
            "alarms": device.alarms.order_by("-raised_at")[:20],
            "flags": device.quality_flags.select_related("metric")[:20],
            "readings": readings[:200],
            "chart": selectors.readings_chart(device, readings),
            "threshold_form": threshold_form or forms.ThresholdForm(device=device),
        },
        status=status,
    )


@require_GET
@requires(perms.MONITOR_VIEW)
def device_map(request):
    """设备地图: the console's devices as points, red where an alarm is open."""

    districts = region_selectors.districts_in(request.user).exclude(boundary__isnull=True)
    streets = region_selectors.streets_for(request.user).exclude(latitude=None)
    legend = [("alarm", _("报警")), *[(s.value, s.label) for s in DeviceState]]
    return render(
        request,
        "monitoring/map.html",
        {
            "form": forms.ConsoleFilter(request.GET or None),
            "legend": legend,
            "map_context": {
                "pointsUrl": reverse("monitoring:device_map_data"),
                "detailUrl": reverse("monitoring:device_detail", args=[0]),
                "labels": {key: str(label) for key, label in legend},
                "districts": [{"name": d.name, "geometry": d.boundary} for d in districts],
                "streets": [
                    {"name": s.name, "lat": float(s.latitude), "lon": float(s.longitude)}
                    for s in streets
                ],
            },
        },
    )


@require_GET
@requires(perms.MONITOR_VIEW)
def device_map_data(request):
    form = forms.ConsoleFilter(request.GET or None)
    devices = selectors.filtered_devices(request.user, form.cleaned_data if form.is_valid() else {})
    points, total = selectors.map_points(devices)
    return JsonResponse(
        {"points": points, "total": total, "limit": selectors.MAP_POINT_LIMIT},
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
    )


@require_GET
@requires(perms.MONITOR_VIEW)
def device_detail(request, pk: int):
    return _render_device(request, selectors.device_get(request.user, pk))


def _alarms(request):
    alarms = selectors.alarm_queryset(request.user)
    state = request.GET.get("state", "open")
    if state == "open":
        alarms = alarms.open()
    elif state in AlarmState.values:
        alarms = alarms.filter(state=state)
    return alarms.order_by("-raised_at"), state


@require_GET
@requires(perms.MONITOR_VIEW)
def alarm_list(request):
    alarms, state = _alarms(request)
    page = page_of(request, alarms, per_page=50)
    return render(
        request,
        "monitoring/alarm_list.html",
        {"page": page, "state": state, "states": AlarmState.choices},
    )


@require_GET
@requires(perms.MONITOR_VIEW)
def alarm_export(request):
    """报警处置台账 — the list as filtered, every row."""
    from anjian.core.excel import write_ledger
    from anjian.core.forms import attachment
    from anjian.monitoring.ledger import ALARM_COLUMNS

    alarms, _state = _alarms(request)
    response = HttpResponse(
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    write_ledger(
        response,
        title="报警处置台账",
        columns=ALARM_COLUMNS,
        objects=alarms.select_related("hazard").iterator(chunk_size=1000),
        about=[(_("范围"), str(request.user.scope.label))],
    )
    attachment(response, "报警处置台账.xlsx")
    return response


def _render_alarm(request, alarm, *, bound=None, status=200, error=""):
    bound = bound or {}
    return render(
        request,
        "monitoring/alarm_detail.html",
        {
            "alarm": alarm,
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
    if not form.is_valid():
        return _render_alarm(request, alarm, bound={key: form}, status=422)
    try:
        result = call(alarm, form.cleaned_data)
    except ValidationError as error:
        apply_service_errors(form, error)
        return _render_alarm(request, alarm, bound={key: form}, status=422)
    except Conflict as error:
        alarm = selectors.alarm_get(request.user, pk)
        return _render_alarm(request, alarm, status=409, error=str(error))
    except NotPermitted as error:
        raise PermissionDenied(str(error)) from None
    messages.success(request, done)
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
    if not request.user.can(perms.HAZARD_REPORT):
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


@require_GET
@requires(perms.MONITOR_VIEW)
def rates(request):
    group = request.GET.get("by", "street")
    if group not in ("enterprise", "street", "industry"):
        group = "street"
    since = timezone.now() - timedelta(days=30)
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
            "rows": selectors.online_rates(request.user, group),
            "totals": selectors.online_totals(request.user),
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


# --- the registry ----------------------------------------------------------------------------


def _device_data(cleaned: dict) -> dict:
    return {k: v for k, v in cleaned.items() if k not in ("enterprise", "version")}


@require_http_methods(["GET", "POST"])
@requires(perms.MONITOR_MANAGE)
def device_create(request):
    form = forms.DeviceForm(request.POST or None, user=request.user)
    outcome = submit(
        request,
        form,
        lambda data: services.device_register(
            by=request.user, enterprise=data["enterprise"], data=_device_data(data)
        ),
    )
    if outcome.done:
        device, token = outcome.result
        return render(request, "monitoring/device_token.html", {"device": device, "token": token})
    return render(
        request,
        "monitoring/device_form.html",
        {"form": form, "device": None},
        status=outcome.status,
    )


@require_http_methods(["GET", "POST"])
@requires(perms.MONITOR_MANAGE)
def device_edit(request, pk: int):
    device = selectors.device_get(request.user, pk)
    form = forms.DeviceForm(request.POST or None, instance=device, user=request.user)
    outcome = submit(
        request,
        form,
        lambda data: services.device_update(
            by=request.user,
            device_id=pk,
            data=_device_data(data),
            expected_version=data.get("version") or 0,
        ),
    )
    if outcome.done:
        messages.success(request, _("已保存"))
        return redirect("monitoring:device_detail", pk=pk)
    device.refresh_from_db()
    return render(
        request,
        "monitoring/device_form.html",
        {"form": form, "device": device},
        status=outcome.status,
    )


@require_POST
@requires(perms.MONITOR_MANAGE)
def device_token(request, pk: int):
    device = selectors.device_get(request.user, pk)
    token = services.device_issue_token(by=request.user, device_id=device.pk)
    return render(
        request, "monitoring/device_token.html", {"device": device, "token": token, "renewed": True}
    )


@require_POST
@requires(perms.MONITOR_MANAGE)
def threshold_set(request, pk: int):
    device = selectors.device_get(request.user, pk)
    form = forms.ThresholdForm(request.POST, device=device)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.threshold_set(
                by=request.user,
                device_id=device.pk,
                metric_id=data["metric"].pk,
                level=data["level"],
                value=data["value"],
                hysteresis=data["hysteresis"],
                min_duration_seconds=data["min_duration_seconds"],
                is_active=data["is_active"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("已保存报警阈值"))
            return redirect(device)
    return _render_device(request, device, threshold_form=form, status=422)


@require_http_methods(["GET", "POST"])
@requires(perms.MONITOR_MANAGE)
def duty_persons(request):
    """值班人员 of one enterprise: who is told first and must acknowledge its alarms."""
    from anjian.enterprises.models import Enterprise
    from anjian.monitoring.models import DutyPerson

    enterprises = Enterprise.objects.for_user(request.user).order_by("name")
    chosen = request.GET.get("enterprise") or request.POST.get("enterprise")
    enterprise = (
        enterprises.filter(pk=chosen).first() if chosen and chosen.isdigit() else None
    ) or (enterprises.first() if enterprises.count() == 1 else None)
    form = forms.DutyPersonForm(request.POST or None, enterprise=enterprise) if enterprise else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.duty_person_set(
                by=request.user,
                enterprise=enterprise,
                user=form.cleaned_data["user"],
                phone=form.cleaned_data["phone"],
                is_active=form.cleaned_data["is_active"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("已保存值班人员"))
            return redirect(f"{request.path}?enterprise={enterprise.pk}")
    persons = (
        DutyPerson.objects.filter(enterprise=enterprise).select_related("user")
        if enterprise
        else []
    )
    return render(
        request,
        "monitoring/duty_persons.html",
        {
            "enterprise": enterprise,
            "enterprises": enterprises[:500] if enterprise is None else [],
            "persons": persons,
            "form": form,
        },
        status=422 if form is not None and form.errors else 200,
    )


# --- gateways --------------------------------------------------------------------------------


@require_GET
@requires(perms.MONITOR_VIEW)
def gateway_list(request):
    gateways = selectors.gateway_queryset(request.user).order_by("enterprise__name", "code")
    page = page_of(request, gateways, per_page=50)
    return render(request, "monitoring/gateway_list.html", {"page": page})


@require_GET
@requires(perms.MONITOR_VIEW)
def gateway_detail(request, pk: int):
    gateway = selectors.gateway_get(request.user, pk)
    return render(request, "monitoring/gateway_detail.html", {"gateway": gateway})


def _gateway_data(cleaned: dict) -> dict:
    return {k: v for k, v in cleaned.items() if k not in ("enterprise", "version")}


@require_http_methods(["GET", "POST"])
@requires(perms.MONITOR_MANAGE)
def gateway_create(request):
    form = forms.GatewayForm(request.POST or None, user=request.user)
    outcome = submit(
        request,
        form,
        lambda data: services.gateway_register(
            by=request.user, enterprise=data["enterprise"], data=_gateway_data(data)
        ),
    )
    if outcome.done:
        gateway, token = outcome.result
        return render(
            request, "monitoring/gateway_token.html", {"gateway": gateway, "token": token}
        )
    return render(
        request,
        "monitoring/gateway_form.html",
        {"form": form, "gateway": None},
        status=outcome.status,
    )


@require_http_methods(["GET", "POST"])
@requires(perms.MONITOR_MANAGE)
def gateway_edit(request, pk: int):
    gateway = selectors.gateway_get(request.user, pk)
    form = forms.GatewayForm(request.POST or None, instance=gateway, user=request.user)
    outcome = submit(
        request,
        form,
        lambda data: services.gateway_update(
            by=request.user,
            gateway_id=pk,
            data=_gateway_data(data),
            expected_version=data.get("version") or 0,
        ),
    )
    if outcome.done:
        messages.success(request, _("已保存"))
        return redirect("monitoring:gateway_detail", pk=pk)
    gateway.refresh_from_db()
    return render(
        request,
        "monitoring/gateway_form.html",
        {"form": form, "gateway": gateway},
        status=outcome.status,
    )


@require_POST
@requires(perms.MONITOR_MANAGE)
def gateway_token(request, pk: int):
    gateway = selectors.gateway_get(request.user, pk)
    token = services.gateway_issue_token(by=request.user, gateway_id=gateway.pk)
    return render(
        request,
        "monitoring/gateway_token.html",
        {"gateway": gateway, "token": token, "renewed": True},
    )
