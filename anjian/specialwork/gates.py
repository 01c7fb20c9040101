"""What must hold before a permit's work starts or goes on (GB 30871-2022 chapter 4, 5.3, 6.3):
the lifecycle's conditions (``lifecycle.PERMIT``) and the checklist on the permit's page.

Each gate looks at the permit as stored and at the clock — ``permit.judged_at`` when a
service set it (the demo builds past permits, tests move time), else now — and returns the
reason it refuses, in Chinese, or None:

- ``approvals_complete``: every signature table B.1 asks of the kind and grade, agreed and
  not withdrawn;
- ``analysis_fresh``: where a gas analysis is required, at least one sample taken in the 30
  minutes before now, and the last sample of each point in those 30 minutes passing (a
  point that failed passes again only by a new sample there);
- ``within_validity``: now is before the end of validity (nothing starts, resumes or is
  recorded on an expired permit);
- ``on_time``: now is not before the planned start;
- ``retested_after_pause``: after a pause longer than the kind's re-test limit (30 min for
  特级/一级 动火, 60 min for 二级 动火 and 受限空间), a passing sample taken since the pause
  began and within the last 30 minutes.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.specialwork import gb30871
from anjian.specialwork.models import Approval, GasAnalysis, Permit

RECENT = gb30871.BEFORE_START


def clock(permit: Permit) -> datetime:
    return getattr(permit, "judged_at", None) or timezone.now()


def local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def facts_of(permit: Permit, **changes) -> gb30871.Facts:
    """The permit's facts as the rules take them (``changes`` replace some)."""
    values = {
        "hot_place": permit.hot_place,
        "shutdown_approved": permit.shutdown_approved,
        "rest_days": tuple(date.fromisoformat(day) for day in permit.rest_days or ()),
        "night": permit.night_work,
        "strong_wind": permit.strong_wind,
        "other_special": permit.other_special,
        "height_m": permit.height_m,
        "height_hazards": tuple(permit.height_hazards or ()),
        "load_t": permit.load_t,
        "hazard_area": permit.hazard_area,
        "long_use": permit.long_use,
        "deep_near_lines": permit.deep_near_lines,
        "oxygen_rich": permit.oxygen_rich,
    }
    values.update(changes)
    return gb30871.Facts(**values)


def steps(permit: Permit) -> tuple[gb30871.Step, ...]:
    return gb30871.approvals_needed(permit.kind, permit.grade)


def signatures(permit: Permit) -> dict[str, Approval]:
    """The permit's current signatures (not withdrawn) by step key (``stage:role``)."""
    found = Approval.objects.filter(permit=permit, withdrawn=False).order_by("at", "id")
    return {f"{a.stage}:{a.role}": a for a in found}


def missing_steps(permit: Permit) -> list[gb30871.Step]:
    signed = signatures(permit)
    return [step for step in steps(permit) if step.key not in signed]


def approvals_complete(permit: Permit) -> str | None:
    missing = missing_steps(permit)
    if missing:
        return _("尚缺审批：%(steps)s") % {"steps": "、".join(str(step) for step in missing)}
    return None


def analysis_required(permit: Permit) -> bool:
    return bool(gb30871.readings_needed(permit.kind, facts_of(permit)))


def _recent(permit: Permit, now: datetime, since: datetime | None = None):
    earliest = now - RECENT if since is None else max(now - RECENT, since)
    return list(
        GasAnalysis.objects.filter(permit=permit, taken_at__gte=earliest, taken_at__lte=now)
    )


def _fresh(permit: Permit, now: datetime, since: datetime | None, missing_words: str):
    recent = _recent(permit, now, since)
    if not recent:
        last = GasAnalysis.objects.filter(permit=permit, taken_at__lte=now).first()
        if last is None:
            return missing_words
        return _("%(missing)s（最近一次取样于 %(at)s，已超过30分钟或在暂停之前）") % {
            "missing": missing_words,
            "at": local(last.taken_at),
        }
    latest: dict[str, GasAnalysis] = {}
    for sample in sorted(recent, key=lambda a: (a.taken_at, a.pk)):
        latest[sample.point.strip()] = sample  # a point sampled again: its last sample counts
    failed = [a for a in latest.values() if not a.passed]
    if failed:
        return _("30分钟内的气体分析不合格（%(points)s），须处理后重新取样分析") % {
            "points": "、".join(a.point for a in failed)
        }
    return None


def analysis_fresh(permit: Permit) -> str | None:
    if not analysis_required(permit):
        return None
    return _fresh(
        permit,
        clock(permit),
        None,
        _("作业开始前30分钟内没有气体分析（GB 30871-2022 5.3.1、6.3）"),
    )


def within_validity(permit: Permit) -> str | None:
    if clock(permit) >= permit.valid_until:
        return _("作业票已于 %(at)s 到期，不能继续作业；请重新办理作业票") % {
            "at": local(permit.valid_until)
        }
    return None


def on_time(permit: Permit) -> str | None:
    if clock(permit) < permit.planned_start:
        return _("未到计划开始时间（%(at)s）") % {"at": local(permit.planned_start)}
    return None


def pause_limit(permit: Permit) -> timedelta | None:
    return gb30871.retest_after(permit.kind, permit.grade, facts_of(permit))


def retested_after_pause(permit: Permit) -> str | None:
    limit, paused_at = pause_limit(permit), permit.paused_at
    if limit is None or paused_at is None or clock(permit) - paused_at <= limit:
        return None
    minutes = int(limit.total_seconds() // 60)
    return _fresh(
        permit,
        clock(permit),
        paused_at,
        _("作业中断超过%(n)d分钟，恢复作业前须重新取样分析合格（GB 30871-2022 5.3.1、6.3）")
        % {"n": minutes},
    )


def not_past_end(permit: Permit) -> str | None:
    if clock(permit) >= permit.valid_until:
        return _("申请的作业时间已过（至 %(at)s），请修改作业时间后再提交") % {
            "at": local(permit.valid_until)
        }
    return None


@dataclass(frozen=True)
class Gate:
    label: str
    reason: str | None

    @property
    def ok(self) -> bool:
        return self.reason is None


def start_gates(permit: Permit) -> list[Gate]:
    """The checklist the page shows before 开始作业 (each gate of the start transition)."""
    gates = [
        Gate(_("审批齐全（附录B 表B.1）"), approvals_complete(permit)),
        Gate(_("在有效期内"), within_validity(permit)),
        Gate(_("已到计划开始时间"), on_time(permit)),
    ]
    if analysis_required(permit):
        gates.append(Gate(_("开始前30分钟内气体分析合格"), analysis_fresh(permit)))
    return gates


def resume_gates(permit: Permit) -> list[Gate]:
    gates = [Gate(_("在有效期内"), within_validity(permit))]
    if pause_limit(permit) is not None:
        minutes = int(pause_limit(permit).total_seconds() // 60)
        gates.append(
            Gate(
                _("中断超过%(n)d分钟须重新分析合格") % {"n": minutes},
                retested_after_pause(permit),
            )
        )
    return gates
