"""Who is told what about a 特殊作业票, once per event (the dedupe key), never the person who
acted. The services queue these after the commit (``transaction.on_commit``).

- submitted: the accounts the enterprise mapped to the roles that must sign it;
- approved, or sent back by an approver: the applicant;
- expired (the sweep): the applicant and the enterprise's accounts.
"""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from anjian.accounts.models import User
from anjian.core.notifications import notify
from anjian.specialwork import gates
from anjian.specialwork.models import ApproverMapping, Permit

KIND = "specialwork"


def _tell(users: Iterable[User], *, by_id: int | None, key: str, title: str, body: str, url: str):
    chosen = {user.pk: user for user in users if user is not None and user.pk != by_id}
    return notify(users=chosen.values(), title=title, body=body, url=url, kind=KIND, dedupe_key=key)


def _permit(permit_id: int) -> Permit:
    return Permit.objects.select_related("enterprise", "applicant").get(pk=permit_id)


def _named(permit: Permit) -> dict:
    return {
        "number": permit.number,
        "what": permit.grade_label,
        "enterprise": permit.enterprise.name,
        "place": permit.place,
    }


def submitted(permit_id: int, *, by_id: int) -> int:
    permit = _permit(permit_id)
    roles = [step.role for step in gates.steps(permit)]
    signers = ApproverMapping.objects.filter(
        enterprise_id=permit.enterprise_id, role__in=roles, user__isnull=False
    ).select_related("user")
    return _tell(
        [mapping.user for mapping in signers],
        by_id=by_id,
        key=f"permit:{permit.pk}:submitted:{permit.version}",
        title=_("待审批：%(what)s %(number)s") % _named(permit),
        body=_("%(enterprise)s · %(place)s；请到现场确认安全措施后签署意见。") % _named(permit),
        url=permit.get_absolute_url(),
    )


def approved(permit_id: int, *, by_id: int) -> int:
    permit = _permit(permit_id)
    return _tell(
        [permit.applicant],
        by_id=by_id,
        key=f"permit:{permit.pk}:approved:{permit.version}",
        title=_("已批准：%(what)s %(number)s") % _named(permit),
        body=_("开始作业前30分钟内须完成气体分析（如需）；有效期至 %(until)s。")
        % {"until": gates.local(permit.valid_until)},
        url=permit.get_absolute_url(),
    )


def sent_back(permit_id: int, *, by_id: int, reason: str) -> int:
    permit = _permit(permit_id)
    return _tell(
        [permit.applicant],
        by_id=by_id,
        key=f"permit:{permit.pk}:sent_back:{permit.version}",
        title=_("审批未同意，已退回：%(what)s %(number)s") % _named(permit),
        body=reason,
        url=permit.get_absolute_url(),
    )


def expired(permit_id: int) -> int:
    permit = _permit(permit_id)
    users = list(
        User.objects.filter(enterprise_link__enterprise_id=permit.enterprise_id, is_active=True)
    )
    return _tell(
        [permit.applicant, *users],
        by_id=None,
        key=f"permit:{permit.pk}:expired",
        title=_("作业票已过期：%(what)s %(number)s") % _named(permit),
        body=_("有效期至 %(until)s 未关闭，已失效；继续作业须重新办理作业票。")
        % {"until": gates.local(permit.valid_until)},
        url=permit.get_absolute_url(),
    )
