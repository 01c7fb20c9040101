"""Penalty cases in the shared test world, made through the services.

The people: ``district_official`` (杨浦区应急局, files the cases), two handlers of its pool
(执法人员 with a valid 执法证; the first is the world's ``inspector`` actor made an
Inspector), a ``reviewer`` (a 杨浦区应急局 official who took no part: 法制审核), a
``colleague`` (an 执法人员 of the same bureau who handles none of it), ``leader`` (reads
only) and ``neighbour_official`` (虹口区: the case is outside their scope).
"""

from datetime import date, timedelta

from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.accounts.services import user_create_basic
from anjian.inspections import services as pool_services
from anjian.inspections.case_models import Case, CaseState, DiscretionRule
from anjian.inspections.cases import services
from anjian.inspections.models import Inspector
from anjian.inspections.tests import factories
from testsupport import world

OPINION = "主体合法，事实清楚，证据确凿，适用依据正确，程序合法，裁量适当"


def person(username: str, role=Role.SUPERVISOR, dept=None):
    dept = dept or factories.department()
    return user_create_basic(
        username=username,
        name=username,
        phone="",
        role=role,
        password=world.PASSWORD,
        region=dept.region,
        department=dept,
    )


def reviewer():
    """A 杨浦区应急局 official with 法制审核 who filed, handled, weighed nothing."""
    found = person_named("fazhi_reviewer")
    return found or person("fazhi_reviewer")


def person_named(username: str):
    return User.objects.filter(username=username).first()


def inspector_of(user, dept=None, *, valid_days: int = 365) -> Inspector:
    dept = dept or factories.department()
    found = Inspector.objects.filter(user=user).first()
    return found or pool_services.inspector_save(
        world.actor("admin"),
        data={
            "user": user,
            "department": dept,
            "certificate_number": f"CASE{user.pk:06d}",
            "certificate_valid_until": date.today() + timedelta(days=valid_days),
        },
    )


def handlers(dept=None) -> list[Inspector]:
    """The world's ``inspector`` and one more 执法人员 of 杨浦区应急局, both in the pool."""
    dept = dept or factories.department()
    second = person_named("case_handler_2") or person("case_handler_2", Role.INSPECTOR, dept)
    return [inspector_of(world.actor("inspector"), dept), inspector_of(second, dept)]


def colleague() -> Inspector:
    """An 执法人员 of the same bureau who handles none of the cases."""
    user = person_named("case_colleague") or person("case_colleague", Role.INSPECTOR)
    return inspector_of(user)


def rule(code: str = "AQF-97-4", circumstance: str = "ordinary") -> DiscretionRule:
    """A seeded rule of the discretion table (migration 0006)."""
    return DiscretionRule.objects.get(code=code, circumstance=circumstance, is_active=True)


def file_case(by=None, *, enterprise: str = "yinhang_chemical", **options) -> Case:
    by = by or world.actor("district_official")
    options.setdefault("handler_ids", [i.pk for i in handlers()])
    return services.case_file(
        by,
        enterprise_id=world.enterprise(enterprise).pk,
        title=options.pop("title", "未如实记录安全生产教育和培训情况案"),
        facts=options.pop(
            "facts", "2026年12月1日检查发现，该单位2026年度三级安全教育培训档案缺失。"
        ),
        **options,
    )


def weigh(case: Case, by=None, *, fine: int | None = None, **options) -> Case:
    by = by or world.actor("district_official")
    chosen = options.pop("rule", None) or rule()
    case.refresh_from_db()
    return services.case_weigh(
        by,
        case_id=case.pk,
        expected_version=case.version,
        rule_id=chosen.pk,
        fine=chosen.fine_min if fine is None else fine,
        **options,
    )


VALUES = {
    "pass_review": {"legal_review_opinion": OPINION},
    "execute": {"execution_note": "已全额缴纳罚款，票据号 0001"},
    "transfer": {"transferred_to": "上海市公安局杨浦分局"},
}
REASONS = {
    "return_review": "罚款依据引用有误，请核对",
    "transfer": "涉嫌重大责任事故罪",
    "drop": "违法事实不成立",
}


def step(case: Case, name: str, by=None, **options) -> Case:
    """Take the step ``name`` as ``by`` (the filer by default; 法制审核 by the reviewer)."""
    if by is None:
        review = name in ("pass_review", "return_review")
        by = reviewer() if review else world.actor("district_official")
    case.refresh_from_db()
    options.setdefault("reason", REASONS.get(name, ""))
    options.setdefault("values", dict(VALUES.get(name, {})))
    return services.case_transition(
        by, case_id=case.pk, name=name, expected_version=case.version, **options
    )


# The steps that bring a case to each state (after filing); "weigh" weighs it first.
PATHS = {
    CaseState.FILED: (),
    CaseState.INVESTIGATING: ("weigh", "investigate"),
    CaseState.LEGAL_REVIEW: ("weigh", "investigate", "submit_review"),
    CaseState.REVIEWED: ("weigh", "investigate", "submit_review", "pass_review"),
    CaseState.NOTIFIED: ("weigh", "investigate", "notify"),
    CaseState.DECIDED: ("weigh", "investigate", "notify", "decide"),
    CaseState.EXECUTED: ("weigh", "investigate", "notify", "decide", "execute"),
    CaseState.CLOSED: ("weigh", "investigate", "notify", "decide", "execute", "close"),
    CaseState.TRANSFERRED: ("transfer",),
    CaseState.DROPPED: ("drop",),
}


def case_in(state: str, *, fine: int | None = None, **weigh_options) -> Case:
    """A case of ``yinhang_chemical`` brought to ``state`` through the services."""
    case = file_case()
    for name in PATHS[state]:
        case = weigh(case, fine=fine, **weigh_options) if name == "weigh" else step(case, name)
    case.refresh_from_db()
    assert case.state == state
    return case
