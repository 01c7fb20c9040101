"""Who is told what about plans and drills — in one place (the incidents' notices are in
``notices_incidents``). Each notice goes to whoever must act next, once per event (the
dedupe key), never to the person who acted.

- the plan's **keepers** (its author and, for a unit's plan, the unit's users): a plan
  filed or returned, a revision due, the filing or assessment deadline near or past;
- the **filing authority** (officials of the plan's district and above who may accept a
  filing and see the plan, the author excluded): a plan submitted, or still waiting for
  them past its deadline;
- a drill's keepers: an improvement task past its day, a half-year ending without the
  drills the unit owes.

The services call the hand-off notices after the commit (``transaction.on_commit``) with
the record's id, so a notice exists only for a change that committed; the sweeps call the
reminders directly.
"""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.core.notifications import notify
from anjian.emergency import permissions as perms
from anjian.emergency.choices import OwnerKind
from anjian.emergency.models import IN_FORCE_STATES, DrillProblem, EmergencyPlan
from anjian.regions.levels import ancestor_codes, district_of

KIND = "emergency"


def _url(record) -> str:
    return record.get_absolute_url()


def _tell(users: Iterable[User], *, by_id: int | None, key: str, title: str, body: str, url: str):
    chosen = {user.pk: user for user in users if user is not None and user.pk != by_id}
    return notify(users=chosen.values(), title=title, body=body, url=url, kind=KIND, dedupe_key=key)


def enterprise_users(enterprise_id: int | None) -> list[User]:
    if not enterprise_id:
        return []
    return list(User.objects.filter(enterprise_link__enterprise_id=enterprise_id, is_active=True))


def keepers_of(record) -> list[User]:
    """A plan's or a drill's author and, for a unit's record, the unit's users."""
    return [record.created_by, *enterprise_users(record.enterprise_id)]


def filing_officials(plan: EmergencyPlan) -> list[User]:
    """Who may accept the plan's filing: officials of its district (or above) whose role
    files plans and whose scope sees it — never its author."""
    candidates = User.objects.filter(
        is_active=True,
        role__in=(Role.ADMIN, Role.SUPERVISOR, Role.DEPARTMENT),
        region_id__in=ancestor_codes(district_of(plan.scope_region_code)),
    ).select_related("department", "region")
    return [
        user
        for user in candidates
        if user.pk != plan.created_by_id
        and user.can(perms.PLAN_FILE)
        and EmergencyPlan.objects.for_user(user).filter(pk=plan.pk).exists()
    ]


def _plan(plan_id: int) -> EmergencyPlan:
    return EmergencyPlan.objects.select_related("created_by", "enterprise").get(pk=plan_id)


def _named(plan: EmergencyPlan) -> dict:
    return {"title": plan.title, "owner": plan.owner_name, "number": plan.number}


def plan_submitted(plan_id: int, *, by_id: int) -> int:
    plan = _plan(plan_id)
    return _tell(
        filing_officials(plan),
        by_id=by_id,
        key=f"plan:{plan.pk}:submitted:{plan.version}",
        title=_("预案报送备案：%(owner)s《%(title)s》") % _named(plan),
        body=_("请审查后备案或退回；备案期限%(due)s。")
        % {"due": plan.filing_due_on.isoformat() if plan.filing_due_on else "—"},
        url=_url(plan),
    )


def plan_filed(plan_id: int, *, by_id: int) -> int:
    plan = _plan(plan_id)
    return _tell(
        keepers_of(plan),
        by_id=by_id,
        key=f"plan:{plan.pk}:filed",
        title=_("预案已备案：《%(title)s》") % _named(plan),
        body=_("备案编号%(no)s，备案日期%(on)s。")
        % {"no": plan.filing_number, "on": plan.filed_on.isoformat()},
        url=_url(plan),
    )


def plan_returned(plan_id: int, *, by_id: int, reason: str) -> int:
    plan = _plan(plan_id)
    return _tell(
        keepers_of(plan),
        by_id=by_id,
        key=f"plan:{plan.pk}:returned:{plan.version}",
        title=_("预案备案被退回：《%(title)s》") % _named(plan),
        body=_("退回理由：%(reason)s") % {"reason": reason[:1500]},
        url=_url(plan),
    )


def revision_due(plan_id: int, *, by_id: int) -> int:
    plan = _plan(plan_id)
    return _tell(
        keepers_of(plan),
        by_id=by_id,
        key=f"plan:{plan.pk}:revision:{plan.version}",
        title=_("预案需要修订：《%(title)s》") % _named(plan),
        body=_("已登记需要修订的情形，请编制修订版，发布后报送备案。"),
        url=_url(plan),
    )


# --- reminders (sweeps) ----------------------------------------------------------------------


def filing_due(plan: EmergencyPlan, *, overdue: bool) -> int:
    due = plan.filing_due_on.isoformat()
    return _tell(
        keepers_of(plan),
        by_id=None,
        key=f"plan:{plan.pk}:filing:{due}:{'overdue' if overdue else 'soon'}",
        title=(
            _("预案逾期未报送备案：《%(title)s》（期限%(due)s）")
            if overdue
            else _("预案备案即将到期：《%(title)s》（期限%(due)s）")
        )
        % {"title": plan.title, "due": due},
        body=_("预案应自公布之日起20个工作日内报送备案。"),
        url=_url(plan),
    )


def filing_waits(plan: EmergencyPlan) -> int:
    """A submitted plan still not filed past its deadline: the authority is told."""
    due = plan.filing_due_on.isoformat()
    return _tell(
        filing_officials(plan),
        by_id=None,
        key=f"plan:{plan.pk}:filing_waits:{due}",
        title=_("预案备案待审查已超期：%(owner)s《%(title)s》") % _named(plan),
        body=_("备案期限%(due)s，请尽快备案或退回。") % {"due": due},
        url=_url(plan),
    )


def assessment_due(plan: EmergencyPlan, *, overdue: bool) -> int:
    due = plan.assessment_due_on.isoformat()
    return _tell(
        keepers_of(plan),
        by_id=None,
        key=f"plan:{plan.pk}:assessment:{due}:{'overdue' if overdue else 'soon'}",
        title=(
            _("预案评估已逾期：《%(title)s》（应于%(due)s前评估）")
            if overdue
            else _("预案评估即将到期：《%(title)s》（应于%(due)s前评估）")
        )
        % {"title": plan.title, "due": due},
        body=_("请组织评估并登记结论；需要修订的，编制修订版。"),
        url=_url(plan),
    )


def problem_overdue(problem: DrillProblem) -> int:
    drill = problem.drill
    return _tell(
        keepers_of(drill),
        by_id=None,
        key=f"drill_problem:{problem.pk}:{problem.due_on.isoformat()}",
        title=_("演练整改逾期：%(drill)s") % {"drill": drill.title},
        body=_("%(improvement)s（责任：%(who)s，期限%(due)s）")
        % {
            "improvement": problem.improvement,
            "who": problem.responsible,
            "due": problem.due_on.isoformat(),
        },
        url=_url(drill),
    )


def unit_keepers(*, kind: str, enterprise_id=None, department_id=None, region_code="") -> list:
    """Who keeps a unit's drills: a unit's users; a department's users who manage drills;
    for a government, the authors of its plans in force."""
    if kind == OwnerKind.ENTERPRISE:
        return enterprise_users(enterprise_id)
    if kind == OwnerKind.DEPARTMENT:
        users = User.objects.filter(is_active=True, department_id=department_id)
        return [user for user in users if user.can(perms.DRILL_MANAGE)]
    authors = (
        EmergencyPlan.objects.filter(
            owner_kind=OwnerKind.GOVERNMENT, region_id=region_code, state__in=IN_FORCE_STATES
        )
        .values_list("created_by", flat=True)
        .distinct()
    )
    return list(User.objects.filter(pk__in=authors, is_active=True))


def drills_owed(users: Iterable[User], *, unit_key: str, name: str, checks) -> int:
    """One notice per unit and period end, naming each rule still without its drill."""
    end = checks[0].period.end
    return _tell(
        users,
        by_id=None,
        key=f"drills:{unit_key}:{end.isoformat()}",
        title=_("应急演练尚未完成：%(name)s %(period)s")
        % {"name": name, "period": checks[0].period.label},
        body=_("%(rules)s；%(end)s前尚未登记实施。")
        % {
            "rules": "；".join(f"{check.rule.label}（{check.rule.basis}）" for check in checks),
            "end": end.isoformat(),
        },
        url="",
    )
