"""Supervision from the hazard page: 督促, 延期 (asked and decided), 挂牌督办 and 摘牌,
回头看, duplicates — each run like a transition (``detail._side_action``) — and the
overdue ladder's rules page."""

from django import forms as django_forms
from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from anjian.core.access import requires
from anjian.core.forms import submit
from anjian.core.scoping import is_city_wide
from anjian.hazards import forms, selectors, services
from anjian.hazards import ladder as overdue_ladder
from anjian.hazards import permissions as perms
from anjian.hazards.forms import EscalationRuleForm
from anjian.hazards.models import (
    DeadlineExtension,
    DuplicateCandidate,
    EscalationRule,
    Revisit,
    SupervisionListing,
)
from anjian.hazards.views.detail import _render_detail, _side_action
from anjian.regions import selectors as region_selectors
from anjian.regions.models import Region


@require_POST
@requires(perms.HAZARD_SUPERVISE)
def hazard_escalate(request, pk: int):
    hazard = selectors.hazard_get(request.user, pk)
    form = forms.EscalateForm(request.POST)
    return _side_action(
        request,
        hazard,
        "escalate",
        form,
        lambda d: services.hazard_escalate(
            by=request.user, hazard_id=hazard.pk, target=d["target"], note=d["note"]
        ),
        done=_("已发出督促"),
    )


@require_POST
@requires(perms.HAZARD_RECTIFY)
def extension_request(request, pk: int):
    hazard = selectors.hazard_get(request.user, pk)
    form = forms.ExtensionRequestForm(request.POST)
    return _side_action(
        request,
        hazard,
        "extension",
        form,
        lambda d: services.extension_request(
            by=request.user,
            hazard_id=hazard.pk,
            requested_deadline=d["requested_deadline"],
            reason=d["reason"],
        ),
        done=_("延期申请已提交，等待审批"),
    )


@require_POST
@requires(perms.HAZARD_SUPERVISE)
def extension_decide(request, pk: int, extension_pk: int):
    hazard = selectors.hazard_get(request.user, pk)
    get_object_or_404(DeadlineExtension, pk=extension_pk, hazard=hazard)
    form = forms.ExtensionDecisionForm(request.POST)
    return _side_action(
        request,
        hazard,
        "decision",
        form,
        lambda d: services.extension_decide(
            by=request.user,
            extension_id=extension_pk,
            approve=d["approve"],
            reason=d["decision_reason"],
        ),
        done=_("延期申请已审批"),
    )


@require_POST
@requires(perms.HAZARD_LIST)
def listing_create(request, pk: int):
    hazard = selectors.hazard_get(request.user, pk)
    form = forms.ListingForm(request.POST, levels=services.listing_levels_for(request.user))
    return _side_action(
        request,
        hazard,
        "listing",
        form,
        lambda d: services.listing_create(by=request.user, hazard_id=hazard.pk, **d),
        done=_("已挂牌督办"),
    )


@require_POST
@requires(perms.HAZARD_LIST)
def listing_sign_off(request, pk: int, listing_pk: int):
    hazard = selectors.hazard_get(request.user, pk)
    get_object_or_404(SupervisionListing, pk=listing_pk, hazard=hazard)
    form = forms.SignOffForm(request.POST)
    return _side_action(
        request,
        hazard,
        "sign_off",
        form,
        lambda d: services.listing_sign_off(
            by=request.user, listing_id=listing_pk, note=d["sign_off_note"]
        ),
        done=_("已摘牌"),
    )


@require_POST
@requires(perms.HAZARD_LIST)
def revisit_complete(request, pk: int, revisit_pk: int):
    hazard = selectors.hazard_get(request.user, pk)
    get_object_or_404(Revisit, pk=revisit_pk, hazard=hazard)
    form = forms.RevisitForm(request.POST)
    return _side_action(
        request,
        hazard,
        "revisit",
        form,
        lambda d: services.revisit_complete(
            by=request.user, revisit_id=revisit_pk, result=d["result"], note=d["note"]
        ),
        done=_("回头看已记录"),
    )


@require_POST
@requires(perms.HAZARD_SUPERVISE)
def duplicate_merge(request, pk: int, candidate_pk: int):
    hazard = selectors.hazard_get(request.user, pk)
    candidate = get_object_or_404(DuplicateCandidate, pk=candidate_pk, hazard=hazard)
    outcome = submit(
        request,
        django_forms.Form(request.POST),  # nothing to fill in: the pair is the input
        lambda _data: services.hazard_merge(
            by=request.user, duplicate_id=hazard.pk, into_id=candidate.other_id
        ),
    )
    if not outcome.done:  # about the pair, not a field: shown above the page
        return _render_detail(request, hazard, status=409, error=outcome.message)
    keep = outcome.result
    messages.success(request, _("已合并到 %(n)s") % {"n": keep.number})
    return redirect(keep)


@require_POST
@requires(perms.HAZARD_SUPERVISE)
def duplicate_dismiss(request, pk: int, candidate_pk: int):
    hazard = selectors.hazard_get(request.user, pk)
    candidate = get_object_or_404(DuplicateCandidate, pk=candidate_pk, hazard=hazard)
    services.duplicate_dismiss(by=request.user, candidate_id=candidate.pk)
    messages.success(request, _("已确认不是重复隐患"))
    return redirect(hazard)


# --- the overdue ladder ----------------------------------------------------------------------


class RuleRemoveForm(django_forms.Form):
    """The 删除 button of one configured rung."""

    remove = django_forms.IntegerField()


def _rule_set(user, data):
    region = Region.objects.filter(code=data["region"]).first() if data["region"] else None
    return services.escalation_rule_set(
        by=user,
        region=region,
        grade=data["grade"],
        target=data["target"],
        days_overdue=data["days_overdue"],
    )


@require_http_methods(["GET", "POST"])
@requires(perms.HAZARD_LIST)
def escalation_rules(request):
    """The overdue ladder in force for the user's districts, and its rungs to edit."""
    user = request.user
    districts = list(region_selectors.districts_in(user))
    city_wide = is_city_wide(user)  # the city default is offered only to them
    removing = request.method == "POST" and "remove" in request.POST
    posted = request.POST if request.method == "POST" and not removing else None
    form = EscalationRuleForm(posted, regions=districts, city_wide=city_wide)
    remove_form = RuleRemoveForm(request.POST if removing else None)
    if removing:
        outcome = submit(
            request,
            remove_form,
            lambda data: services.escalation_rule_remove(by=user, rule_id=data["remove"]),
        )
        done = _("已删除督促规则")
    else:
        outcome = submit(request, form, lambda data: _rule_set(user, data))
        done = _("已保存督促规则")
    if outcome.done:
        messages.success(request, done)
        return redirect("hazards:escalation_rules")
    codes = [d.code for d in districts]
    rules = EscalationRule.objects.select_related("region").filter(
        Q(region__isnull=True) | Q(region__code__in=codes)
    )
    ladders = [
        {
            "district": district,
            "grades": [
                (label, overdue_ladder.ladder(district=district.code, grade=grade))
                for grade, label in (("general", _("一般隐患")), ("major", _("重大隐患")))
            ],
        }
        for district in districts[:20]
    ]
    return render(
        request,
        "hazards/escalation_rules.html",
        {
            "form": form,
            "remove_form": remove_form,
            "rules": rules,
            "ladders": ladders,
            "city_wide": city_wide,
        },
        status=outcome.status,
    )
