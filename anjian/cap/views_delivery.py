"""The pages of a warning's reach. Thin: selectors read, services and recipients write.

Inside the platform:

- ``alert_deliveries``: one warning's deliveries (filterable by state, and by what a
  figure counts) with its reach figures — delivered ÷ intended, sent ÷ intended — in
  all, by channel and by street; the warning page loads it as a partial
  (``HX-Target: deliveries``);
- ``reach``: reach across the issued warnings of a period against the target (seed 004:
  气象灾害预警信息公众覆盖率 ≥ 95 %), by warning, street and channel; ``delivery_list``
  is the list each of its figures links to — the same conditions, so they agree;
- ``alert_co_issue``: the co-issuing departments (联合发布), who agreed and who has not;
  the composer names them on a draft (``alert_co_issuers``), a department's user agrees
  (``alert_cosign``);
- ``contact_list``: the streets' and communities' warning contact lists.

Public (no login): subscribing to the warnings of some regions, confirming and
cancelling a subscription by the link sent to the address.
"""

from dataclasses import replace

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anjian.cap import channels, recipients, selectors, services
from anjian.cap import permissions as perms
from anjian.cap.lifecycle import may_cosign
from anjian.cap.models import (
    NO_CHANNEL,
    CapContact,
    CapSubscription,
    DeliveryState,
    RecipientKind,
)
from anjian.cap.selectors import COUNTED_LABELS, DeliveryFilters
from anjian.core.access import public, requires
from anjian.core.forms import is_htmx_partial, submit
from anjian.core.scoping import scope_of
from anjian.regions.models import Region

PAGE_SIZE = 100
REACH_LIST_LIMIT = 200


def channel_labels() -> dict[str, str]:
    labels = {channel.name: str(channel.label) for channel in channels.configured()}
    return {**labels, NO_CHANNEL: _("无可用渠道")}


def _figure_rows(figures: dict, labels: dict, link) -> list[dict]:
    return [
        {"key": key, "label": labels.get(key, key), "reach": reach, "links": link(key)}
        for key, reach in figures.items()
    ]


def _links(url: str, filters: DeliveryFilters, **fixed) -> dict[str, str]:
    """The list of exactly the deliveries each figure counts."""
    return {
        counted: f"{url}?{filters.query(state='', counted=counted, **fixed)}"
        for counted in COUNTED_LABELS
    }


def _page(request, deliveries):
    return Paginator(deliveries, PAGE_SIZE).get_page(request.GET.get("page"))


# --- one warning -----------------------------------------------------------------------------


@require_GET
@requires(perms.WARNING_VIEW)
def alert_deliveries(request, pk: int):
    alert = selectors.alert_get(request.user, pk)
    filters = replace(
        DeliveryFilters.from_query(request.GET), alert=alert.pk, since=None, until=None
    )
    everything = selectors.delivery_list(request.user, DeliveryFilters(alert=alert.pk))
    url = reverse("cap:alert_deliveries", args=[alert.pk])
    labels = channel_labels()
    by_area = selectors.reach_by(everything, "area_code")
    areas = selectors.area_labels(by_area)
    context = {
        "alert": alert,
        "filters": filters,
        "url": url,
        "total": selectors.reach(everything),
        "total_links": _links(url, DeliveryFilters(alert=alert.pk)),
        "by_channel": _figure_rows(
            selectors.reach_by(everything, "channel"),
            labels,
            lambda key: _links(url, DeliveryFilters(alert=alert.pk), channel=key),
        ),
        "by_area": _figure_rows(
            by_area, areas, lambda key: _links(url, DeliveryFilters(alert=alert.pk), area=key)
        ),
        "page": _page(request, selectors.delivery_list(request.user, filters)),
        "states": DeliveryState.choices,
        "channel_labels": labels,
        "area_names": areas,
        "counted_labels": COUNTED_LABELS,
        "target": selectors.reach_target(),
    }
    if is_htmx_partial(request, "deliveries"):
        return render(request, "cap/delivery/_alert.html", context)
    return render(request, "cap/delivery/alert.html", context)


# --- across warnings -------------------------------------------------------------------------


@require_GET
@requires(perms.WARNING_VIEW)
def reach(request):
    user = request.user
    base = DeliveryFilters.from_query(request.GET)
    period = DeliveryFilters(since=base.since, until=base.until)
    deliveries = selectors.delivery_list(user, period)
    url = reverse("cap:delivery_list")
    alerts = list(
        selectors.issued_alerts(user, since=period.since, until=period.until)[:REACH_LIST_LIMIT]
    )
    by_alert = selectors.reach_by(deliveries, "alert_id")
    by_area = selectors.reach_by(deliveries, "area_code")
    area_names = selectors.area_labels(by_area)
    context = {
        "period": period,
        "target": selectors.reach_target(),
        "total": selectors.reach(deliveries),
        "total_links": _links(url, period),
        "rows": [
            {
                "alert": alert,
                "reach": by_alert.get(alert.pk, selectors.Reach()),
                "links": _links(url, period, alert=alert.pk),
            }
            for alert in alerts
        ],
        "limited": len(alerts) == REACH_LIST_LIMIT,
        "by_area": _figure_rows(by_area, area_names, lambda key: _links(url, period, area=key)),
        "by_channel": _figure_rows(
            selectors.reach_by(deliveries, "channel"),
            channel_labels(),
            lambda key: _links(url, period, channel=key),
        ),
        "counted_labels": COUNTED_LABELS,
    }
    return render(request, "cap/delivery/reach.html", context)


@require_GET
@requires(perms.WARNING_VIEW)
def delivery_list(request):
    filters = DeliveryFilters.from_query(request.GET)
    deliveries = selectors.delivery_list(request.user, filters)
    labels = channel_labels()
    page = _page(request, deliveries)
    context = {
        "filters": filters,
        "page": page,
        "count": page.paginator.count,
        "states": DeliveryState.choices,
        "kinds": RecipientKind.choices,
        "channel_labels": labels,
        "area_names": selectors.area_labels({d.area_code for d in page}),
        "counted_labels": COUNTED_LABELS,
        "alert": selectors.alert_get(request.user, filters.alert) if filters.alert else None,
    }
    return render(request, "cap/delivery/list.html", context)


# --- co-issuing ------------------------------------------------------------------------------


class CoIssuersForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    departments = forms.MultipleChoiceField(
        label=gettext_lazy("联合发布部门"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("所选部门须各自会签后，预警才能审核发布"),
    )

    def __init__(self, *args, alert, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].choices = [
            (str(d.pk), d.name) for d in selectors.co_issuer_choices(alert)
        ]


class CosignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=gettext_lazy("会签意见"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _co_issue_page(request, alert, *, naming=None, agreeing=None, status=200, error=""):
    user = request.user
    co_issuers = selectors.co_issuers(alert)
    may_name = alert.state == "draft" and user.can(perms.WARNING_COMPOSE)
    may_agree = alert.state == "pending" and may_cosign(user, alert) is None
    initial = {"version": alert.version}
    context = {
        "alert": alert,
        "co_issuers": co_issuers,
        "pending": [co for co in co_issuers if not co.agreed],
        "naming": (
            naming
            or CoIssuersForm(
                alert=alert,
                initial={**initial, "departments": [str(co.department_id) for co in co_issuers]},
            )
        )
        if may_name
        else None,
        "agreeing": (agreeing or CosignForm(initial=initial)) if may_agree else None,
        "error": error,
    }
    return render(request, "cap/delivery/co_issue.html", context, status=status)


@require_GET
@requires(perms.WARNING_VIEW)
def alert_co_issue(request, pk: int):
    return _co_issue_page(request, selectors.alert_get(request.user, pk))


@require_POST
@requires(perms.WARNING_COMPOSE)
def alert_co_issuers(request, pk: int):
    alert = selectors.alert_get(request.user, pk)
    form = CoIssuersForm(request.POST, alert=alert)
    outcome = submit(
        request,
        form,
        lambda data: services.alert_set_co_issuers(
            by=request.user,
            alert_id=pk,
            departments=[int(d) for d in data["departments"]],
            expected_version=data["version"],
        ),
    )
    if outcome.done:
        messages.success(request, _("联合发布部门已保存"))
        return redirect("cap:alert_co_issue", pk=pk)
    alert = selectors.alert_get(request.user, pk)
    return _co_issue_page(request, alert, naming=form, status=outcome.status, error=outcome.message)


@require_POST
@requires(perms.WARNING_COSIGN)
def alert_cosign(request, pk: int):
    alert = selectors.alert_get(request.user, pk)
    form = CosignForm(request.POST)
    outcome = submit(
        request,
        form,
        lambda data: services.alert_cosign(
            by=request.user,
            alert_id=pk,
            expected_version=data["version"],
            reason=data["reason"],
        ),
    )
    if outcome.done:
        messages.success(request, _("已会签：%(d)s") % {"d": outcome.result.department.name})
        return redirect("cap:alert_detail", pk=pk)
    alert = selectors.alert_get(request.user, pk)
    return _co_issue_page(
        request, alert, agreeing=form, status=outcome.status, error=outcome.message
    )


# --- contact lists ---------------------------------------------------------------------------


def contact_regions(user):
    """Streets, communities and grids a user may keep contacts for."""
    scope = scope_of(user)
    found = Region.objects.filter(level__in=recipients.CONTACT_LEVELS, is_active=True)
    if scope.everything:
        found = found.filter(code__startswith=settings.REGION_ROOT)
    elif scope.region_prefix is not None and scope.enterprise_id is None:
        found = found.filter(code__startswith=scope.region_prefix)
    else:
        found = found.none()
    return found.defer("boundary").order_by("code")


class ContactForm(forms.ModelForm):
    class Meta:
        model = CapContact
        fields = ["region", "name", "title", "phone", "email"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = contact_regions(user)
        self.fields["region"].label_from_instance = lambda region: region.full_name


@require_http_methods(["GET", "POST"])
@requires(perms.WARNING_CONTACTS)
def contact_list(request):
    form = ContactForm(request.POST or None, user=request.user)
    outcome = submit(request, form, lambda data: recipients.contact_add(by=request.user, data=data))
    if outcome.done:
        messages.success(request, _("已添加联络人：%(n)s") % {"n": outcome.result.name})
        return redirect("cap:contact_list")
    contacts = selectors.contact_list(request.user)
    page = Paginator(contacts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "cap/delivery/contacts.html", {"form": form, "page": page}, status=outcome.status
    )


@require_POST
@requires(perms.WARNING_CONTACTS)
def contact_deactivate(request, pk: int):
    contact = recipients.contact_deactivate(by=request.user, contact_id=pk)
    messages.success(request, _("已停用联络人：%(n)s") % {"n": contact.name})
    return redirect("cap:contact_list")


# --- public subscription ---------------------------------------------------------------------


class SubscribeForm(forms.Form):
    phone = forms.CharField(label=gettext_lazy("手机号码"), max_length=20, required=False)
    email = forms.CharField(label=gettext_lazy("或电子邮箱"), max_length=254, required=False)
    regions = forms.MultipleChoiceField(
        label=gettext_lazy("订阅区划"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("请选择要订阅预警的区或街道（镇）")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regions"].choices = [
            (region.code, region.full_name)
            for region in recipients.subscribable_regions().defer("boundary")
        ]


@require_http_methods(["GET", "POST"])
@public
def subscribe(request):
    """公众订阅: a phone number or e-mail address and the regions; a confirmation link is
    sent to the address (nothing is sent to it before it is confirmed)."""
    form = SubscribeForm(request.POST or None)
    outcome = submit(
        request,
        form,
        lambda data: recipients.subscription_request(
            phone=data["phone"], email=data["email"], regions=data["regions"]
        ),
    )
    if outcome.done:
        return render(request, "cap/delivery/subscribed.html", {"subscription": outcome.result})
    return render(request, "cap/delivery/subscribe.html", {"form": form}, status=outcome.status)


def _subscription_page(request, token: str, *, mode: str, action, done: str):
    subscription = get_object_or_404(CapSubscription, token=token)
    if request.method == "POST":
        form = forms.Form(request.POST)
        outcome = submit(request, form, lambda data: action(token=token))
        if outcome.done:
            return render(
                request,
                "cap/delivery/subscription.html",
                {"subscription": outcome.result, "done": done, "mode": mode},
            )
        status = outcome.status
    else:
        status = 200
        form = forms.Form()
    return render(
        request,
        "cap/delivery/subscription.html",
        {
            "subscription": subscription,
            "form": form,
            "mode": mode,
            "regions": subscription.regions.order_by("code"),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@public
def subscription_confirm(request, token: str):
    """The link in the confirmation message: a page with a button (GET changes nothing)."""
    return _subscription_page(
        request,
        token,
        mode="confirm",
        action=recipients.subscription_confirm,
        done=_("订阅已确认，今后将收到所选区划的预警信息"),
    )


@require_http_methods(["GET", "POST"])
@public
def subscription_cancel(request, token: str):
    return _subscription_page(
        request,
        token,
        mode="cancel",
        action=recipients.subscription_cancel,
        done=_("已退订，不会再收到预警信息"),
    )
