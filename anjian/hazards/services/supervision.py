"""Government supervision of hazards: 督促 by hand, 挂牌督办 and 摘牌, and the overdue
ladder's rules. Who may and when is declared with the lifecycle (``lifecycle.HAZARD``:
the ``escalate``, ``listing`` and ``sign_off`` operations); the ladder itself (rungs and
who each tells) is ``hazards.ladder``, shared with the sweep."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.exceptions import Conflict, NotPermitted, ValidationError
from anjian.core.scoping import require_city_wide
from anjian.hazards import ladder as overdue_ladder
from anjian.hazards import notices
from anjian.hazards import permissions as perms
from anjian.hazards.choices import (
    OPEN_STATES,
    EscalationTarget,
    Grade,
    ListingState,
    State,
)
from anjian.hazards.lifecycle import HAZARD, listing_levels_for
from anjian.hazards.models import EscalationRule, Hazard, SupervisionListing
from anjian.hazards.services.common import (
    _check_text,
    _hazard_for_write,
    _raise,
    _record,
)
from anjian.regions.choices import RegionLevel
from anjian.regions.levels import level_of

__all__ = [
    "escalation_rule_remove",
    "escalation_rule_set",
    "hazard_escalate",
    "listing_create",
    "listing_levels_for",
    "listing_sign_off",
]


# --- 督促 ---------------------------------------------------------------------------------------


@transaction.atomic
def hazard_escalate(*, by, hazard_id: int, target: str, note: str) -> Hazard:
    """督促 by hand: an official presses the owner, the supervising department or the
    district's 安委办 about an overdue hazard now, without waiting for the sweep's ladder
    to reach that rung. Only overdue open hazards (the ``escalate`` operation)."""
    hazard = _hazard_for_write(by, hazard_id)
    HAZARD.check_operation(by, "escalate", hazard)
    errors: dict = {}
    if target not in EscalationTarget.values:
        errors["target"] = _("请选择督促对象")
    _check_text(errors, "note", note, _("请填写督促要求"))
    _raise(errors)
    level = overdue_ladder.RUNG[target]
    Hazard.objects.filter(pk=hazard.pk, escalation_level__lt=level).update(escalation_level=level)
    told = overdue_ladder.recipients(hazard, target)
    notices.tell(
        told,
        hazard,
        title=_("隐患督促：%(t)s") % {"t": hazard.title},
        detail=note.strip(),
        kind="hazard_escalated",
        event=None,
        by=by,
    )
    _record(
        hazard,
        action="escalate",
        by=by,
        reason=note.strip(),
        data={"level": level, "target": target, "told": len(told), "manual": True},
    )
    hazard.refresh_from_db()
    return hazard


# --- 挂牌督办 -----------------------------------------------------------------------------------


@transaction.atomic
def listing_create(
    *,
    by,
    hazard_id: int,
    level: str,
    authority: str,
    document_number: str,
    deadline: date,
    requirements: str = "",
) -> SupervisionListing:
    """挂牌督办 of a registered, open major hazard (the ``listing`` operation), with its own
    deadline and the issuing authority; one active listing per hazard."""
    hazard = _hazard_for_write(by, hazard_id)
    if not by.can(perms.HAZARD_LIST):
        raise NotPermitted()
    errors: dict = {}
    if hazard.grade != Grade.MAJOR:
        errors["level"] = _("只有重大事故隐患可以挂牌督办")
    elif hazard.state == State.REPORTED:
        errors["level"] = _("隐患尚未上账，上账后才能挂牌督办")
    elif hazard.state not in OPEN_STATES:
        errors["level"] = _("隐患已销号或作废，不能挂牌督办")
    if level not in listing_levels_for(by):
        errors["level"] = _("您所在层级不能进行该级别的挂牌督办")
    _check_text(errors, "authority", authority, _("请填写督办单位"))
    _check_text(errors, "document_number", document_number, _("请填写督办文号"))
    if deadline is None:
        errors["deadline"] = _("请填写督办期限")
    elif deadline < timezone.localdate():
        errors["deadline"] = _("督办期限不能早于今天")
    _raise(errors)
    HAZARD.check_operation(by, "listing", hazard)  # what is left: not listed already
    try:
        with transaction.atomic():
            listing = SupervisionListing.objects.create(
                hazard=hazard,
                level=level,
                authority=authority.strip(),
                document_number=document_number.strip(),
                deadline=deadline,
                requirements=(requirements or "").strip(),
                listed_by=by,
            )
    except IntegrityError:  # a concurrent listing was first
        raise Conflict(_("该隐患已在挂牌督办中")) from None
    _record(
        hazard,
        action="list",
        by=by,
        data={
            "level": level,
            "authority": listing.authority,
            "document_number": listing.document_number,
            "deadline": deadline.isoformat(),
        },
    )
    notices.listed(hazard, listing, by=by)
    return listing


@transaction.atomic
def listing_sign_off(*, by, listing_id: int, note: str) -> SupervisionListing:
    """摘牌 once the hazard is closed (accepted by government), by the listing's level or
    above (the ``sign_off`` operation)."""
    listing = SupervisionListing.objects.select_related("hazard").get(pk=listing_id)
    hazard = _hazard_for_write(by, listing.hazard_id)
    if not by.can(perms.HAZARD_LIST):
        raise NotPermitted()
    if listing.level not in listing_levels_for(by):
        raise NotPermitted(_("只有同级或上级可以摘牌"))
    if hazard.state != State.CLOSED:
        raise ValidationError(_("隐患尚未验收销号，不能摘牌"))
    if not (note or "").strip():
        raise ValidationError({"sign_off_note": _("请填写摘牌意见")})
    HAZARD.check_operation(by, "sign_off", hazard)
    updated = SupervisionListing.objects.filter(pk=listing.pk, state=ListingState.LISTED).update(
        state=ListingState.SIGNED_OFF,
        signed_off_by=by,
        signed_off_at=timezone.now(),
        sign_off_note=note.strip(),
    )
    if updated == 0:
        raise Conflict(_("该督办已摘牌"))
    _record(hazard, action="sign_off", by=by, reason=note.strip(), data={"listing": listing.pk})
    listing.refresh_from_db()
    return listing


# --- the overdue ladder's rules ------------------------------------------------------------------


def _ladder_region(by, region):
    """Users whose scope is the whole deployment keep the city default (no region); a
    district's administrators and supervisors keep their district's."""
    scope = by.scope
    if region is None:
        require_city_wide(by, what=_("全市默认督促规则"))
        return None
    if not scope.covers_region(region.code) or level_of(region.code) != RegionLevel.DISTRICT:
        raise ValidationError({"region": _("只能为您管辖的区设置督促规则")})
    return region


def _may_edit_ladder(by) -> None:
    if not (by.can(perms.HAZARD_STANDARDS) or by.can(perms.HAZARD_LIST)):
        raise NotPermitted()


@transaction.atomic
def escalation_rule_set(*, by, region, grade: str, target: str, days_overdue: int):
    """Add or change one rung (region × grade × target) of the overdue ladder."""
    _may_edit_ladder(by)
    region = _ladder_region(by, region)
    errors: dict = {}
    if grade not in ("", Grade.GENERAL, Grade.MAJOR):
        errors["grade"] = _("请选择适用等级")
    if target not in {t for t, _l in EscalationRule._meta.get_field("target").choices}:
        errors["target"] = _("请选择督促对象")
    if days_overdue is None or days_overdue < 0 or days_overdue > 365:
        errors["days_overdue"] = _("逾期天数应为 0–365")
    _raise(errors)
    rule, _created = EscalationRule.objects.update_or_create(
        region=region, grade=grade, target=target, defaults={"days_overdue": days_overdue}
    )
    return rule


@transaction.atomic
def escalation_rule_remove(*, by, rule_id: int) -> None:
    """Remove one rung (the ladder is configuration; its history is in the audit trail)."""
    _may_edit_ladder(by)
    rule = EscalationRule.objects.select_related("region").get(pk=rule_id)
    _ladder_region(by, rule.region)
    rule.delete()
