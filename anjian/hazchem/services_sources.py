"""What the authority does with a 重大危险源 (``lifecycle.SOURCE``): 备案 and 核销.

- ``source_file``: the filing day (not in the future, not before the identification) and
  number; the grade filed is kept (a later change of grade sends the source back to
  待备案); the next assessment falls due three years after the filing (RULES.md §15).
- ``source_close``: only when the unit no longer qualifies (the lifecycle's condition),
  with the day and the reason; the record stays.
- ``source_set_monitoring``: whether the source must be monitored online (the 在线监测率
  counts only those that must), the authority's decision with its reason, on the timeline.
The enterprise's users are told after the commit.
"""

import calendar
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core.exceptions import NotPermitted, OutOfScope, ValidationError
from anjian.hazchem import notices
from anjian.hazchem import permissions as perms
from anjian.hazchem.choices import SourceState
from anjian.hazchem.lifecycle import SOURCE, not_the_unit_itself
from anjian.hazchem.models import MajorHazardSource
from anjian.hazchem.selectors import sources

ASSESSMENT_YEARS = 3  # re-assessed every three years (40号令 Art. 12, RULES.md §15: H)


def _day(value, name: str, errors: dict, *, earliest: date, earliest_words: str) -> date | None:
    if value in (None, ""):
        errors[name] = _("请填写日期")
        return None
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value))
        except ValueError:
            errors[name] = _("请填写日期，如 2026-03-01")
            return None
    today = timezone.localdate()
    if value > today:
        errors[name] = _("不能晚于今天（%(today)s）") % {"today": today.isoformat()}
    elif value < earliest:
        errors[name] = _("不能早于%(what)s（%(day)s）") % {
            "what": earliest_words,
            "day": earliest.isoformat(),
        }
    return value


def _text(value, name: str, errors: dict, *, limit: int, missing: str) -> str:
    value = str(value or "").strip()
    if not value:
        errors[name] = missing
    elif len(value) > limit:
        errors[name] = _("不能超过%(n)d字") % {"n": limit}
    return value


def add_years(start: date, years: int) -> date:
    year = start.year + years
    return start.replace(year=year, day=min(start.day, calendar.monthrange(year, start.month)[1]))


def _source_for_write(by, source_id) -> MajorHazardSource:
    found = (
        sources(by)
        .select_for_update(of=("self",))
        .select_related("unit")
        .filter(pk=getattr(source_id, "pk", source_id))
        .first()
    )
    if found is None:
        raise OutOfScope()
    return found


@transaction.atomic
def source_file(
    by, *, source_id: int, expected_version: int | None, filed_on, filing_number: str
) -> MajorHazardSource:
    source = _source_for_write(by, source_id)
    step = SOURCE.begin(by=by, obj=source, name="file", expected_version=expected_version)
    if step.replay:
        return step.obj
    errors: dict = {}
    filed_on = _day(
        filed_on,
        "filed_on",
        errors,
        earliest=source.identified_on,
        earliest_words=_("辨识日期"),
    )
    number = _text(filing_number, "filing_number", errors, limit=60, missing=_("请填写备案编号"))
    if errors:
        raise ValidationError(errors)
    values = {
        "filed_on": filed_on,
        "filing_number": number,
        "filed_grade": source.grade,
        "assessment_due_on": add_years(filed_on, ASSESSMENT_YEARS),
    }
    source = SOURCE.commit(
        step,
        by=by,
        values=values,
        data={"filed_on": filed_on.isoformat(), "filing_number": number, "grade": source.grade},
    )
    transaction.on_commit(lambda: notices.source_filed(source.pk, by_id=by.pk))
    return source


@transaction.atomic
def source_close(
    by, *, source_id: int, expected_version: int | None, closed_on, reason: str
) -> MajorHazardSource:
    source = _source_for_write(by, source_id)
    step = SOURCE.begin(by=by, obj=source, name="close", expected_version=expected_version)
    if step.replay:
        return step.obj
    errors: dict = {}
    closed_on = _day(
        closed_on,
        "closed_on",
        errors,
        earliest=source.identified_on,
        earliest_words=_("辨识日期"),
    )
    reason = _text(reason, "reason", errors, limit=500, missing=_("请填写核销理由"))
    if errors:
        raise ValidationError(errors)
    source = SOURCE.commit(
        step,
        by=by,
        values={"closed_on": closed_on, "closed_reason": reason},
        reason=reason,
        data={"closed_on": closed_on.isoformat()},
    )
    transaction.on_commit(lambda: notices.source_closed(source.pk, by_id=by.pk, reason=reason))
    return source


@transaction.atomic
def source_set_monitoring(
    by, *, source_id: int, expected_version: int | None, required, reason: str
) -> MajorHazardSource:
    """Mark whether the source must be monitored online. Asking for what it already is
    changes nothing (a repeated click or request is harmless)."""
    if not by.can(perms.SOURCE_FILE):
        raise NotPermitted()
    source = _source_for_write(by, source_id)
    refusal = not_the_unit_itself(by, source)
    if refusal:
        raise NotPermitted(refusal)
    if source.state == SourceState.CLOSED:
        raise SOURCE.conflict(source, _("调整在线监测要求"))
    if not isinstance(required, bool):
        raise ValidationError({"required": _("请选择是否须在线监测")})
    if source.monitoring_required == required:
        return source
    if expected_version is not None and source.version != expected_version:
        raise SOURCE.conflict(source)
    errors: dict = {}
    reason = _text(reason, "reason", errors, limit=500, missing=_("请填写理由或依据"))
    if errors:
        raise ValidationError(errors)
    source.monitoring_required = required
    source.version += 1
    source.save(update_fields=["monitoring_required", "version", "updated_at"])
    SOURCE.record_event(
        source, action="monitoring", by=by, reason=reason, data={"required": required}
    )
    return source
