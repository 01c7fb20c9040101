"""Pages of monitoring: the live console, devices, alarms and their disposal, online
rates, the dead-letter table."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from anjian.accounts import permissions as perms
from anjian.core.access import requires
from anjian.core.exceptions import Conflict, NotPermitted, ValidationError
from anjian.core.forms import apply_service_errors, is_htmx_partial
from anjian.monitoring import forms, selectors, services
from anjian.monitoring.choices import AlarmState, RejectReason


@require_GET
@requires(perms.MONITOR_VIEW)
def console(request):
    """实时监测: every device in scope with its latest values, and the open alarms.
    The page refreshes its live part every few seconds (htmx), without reload."""
    form = forms.ConsoleFilter(request.GET or None)
    devices = selectors.device_queryset(request.user).filter(is_active=True)
    if form.is_valid():
        if form.cleaned_data["q"]:
            q = form.cleaned_data["q"]
            devices = devices.filter(
                Q(code__icontains=q) | Q(name__icontains=q) | Q(enterprise__name__icontains=q)
            )
        if form.cleaned_data["state"]:
            devices = devices.filter(state=form.cleaned_data["state"])
        if form.cleaned_data["category"]:
            devices = devices.filter(device_type__category=form.cleaned_data["category"])
    page = Paginator(devices.order_by("enterprise__name", "code"), 50).get_page(
        request.GET.get("page")
    )
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


@require_GET
@requires(perms.MONITOR_VIEW)
def device_detail(request, pk: int):
    device = selectors.device_get(request.user, pk)
    selectors.devices_with_latest([device])
    return render(
        request,
        "monitoring/device_detail.html",
        {
            "device": device,
            "thresholds": device.thresholds.select_related("metric").order_by("metric", "level"),
            "alarms": device.alarms.order_by("-raised_at")[:20],
            "flags": device.quality_flags.select_related("metric")[:20],
            "readings": selectors.recent_readings(device, limit=200),
        },
    )


@require_GET
@requires(perms.MONITOR_VIEW)
def alarm_list(request):
    alarms = selectors.alarm_queryset(request.user)
    state = request.GET.get("state", "open")
    if state == "open":
        alarms = alarms.open()
    elif state in AlarmState.values:
        alarms = alarms.filter(state=state)
    page = Paginator(alarms.order_by("-raised_at"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "monitoring/alarm_list.html",
        {"page": page, "state": state, "states": AlarmState.choices},
    )


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
        raise PermissionDenied()
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
    page = Paginator(selectors.dead_letters(reason), 100).get_page(request.GET.get("page"))
    return render(
        request,
        "monitoring/dead_letters.html",
        {"page": page, "reason": reason, "reasons": RejectReason.choices},
    )
